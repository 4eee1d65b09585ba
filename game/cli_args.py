"""Argument types, checks and one-line errors shared by the ``architect`` commands.

An error is a ``CommandError`` (exit 1: the work failed) or a ``usage_error`` (exit 2: the
arguments are wrong); ``game.cli.main`` prints it as one line on stderr. Parser makes
argparse's own errors one line too.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NoReturn

from game.classroom.codes import MAX_SEED
from game.content.loader import Content


class CommandError(Exception):
    """A problem told in one line; ``code`` is the exit code (2: the arguments, 1: the work)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def usage_error(message: str) -> CommandError:
    return CommandError(message, 2)


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (the problem and where help is, no usage block) and
    help that may end with text made when it is shown (``more_help``: the bots, the verbs)."""

    def __init__(self, *args, more_help: Callable[[], str] | None = None, **kwargs):
        if more_help is not None:
            kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)
        self.more_help = more_help

    def format_help(self) -> str:
        if self.more_help is not None:
            self.epilog = self.more_help()
        return super().format_help()

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {' '.join(message.split())} (see {self.prog} --help)\n")


def whole(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high`` (inclusive)."""
    span = f"from {low:,} to {high:,}" if high is not None else f"of at least {low:,}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number {span}, not {text[:40]!r}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be a whole number {span}, not {text[:40]}")
        return value

    parse.__name__ = "whole number"
    return parse


SEED = whole(0, MAX_SEED)  # the seeds a save and a session code hold
MAX_WORLDS = 1_000_000


def check_scenarios(content: Content, ids: Iterable[str | None]) -> None:
    """Usage error naming the first id that is not a loaded scenario, and the known ones."""
    for sid in ids:
        if sid is not None and sid not in content.scenarios:
            raise usage_error(f"unknown scenario {sid!r}; known: {', '.join(sorted(content.scenarios))}")


def writable_folder(folder: Path, label: str) -> Path:
    if folder.exists() and not folder.is_dir():
        raise usage_error(f"{label}: that is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):  # a real write: permissions, read-only mounts
            pass
    except OSError as exc:
        raise CommandError(f"{label}: cannot write into that folder ({exc.strerror or exc})") from None
    return folder


def out_folder(text: str, flag: str = "--out") -> Path:
    """The folder ``text`` names, made if missing and checked writable, before any work."""
    return writable_folder(Path(text).expanduser(), f"{flag} {text}")


def out_file(text: str, flag: str = "--out") -> Path:
    """The file ``text`` names, its folder made if missing, checked writable before any work."""
    path = Path(text).expanduser()
    if path.is_dir():
        raise usage_error(f"{flag} {text}: that is a folder; give a file name")
    writable_folder(path.parent, f"{flag} {text}: its folder {path.parent}")
    existed = path.exists()
    try:
        with open(path, "ab"):  # opened for writing, not changed
            pass
    except OSError as exc:
        raise CommandError(f"{flag} {text}: cannot write that file ({exc.strerror or exc})") from None
    if not existed:
        path.unlink(missing_ok=True)
    return path


def help_text(*parts: str | list[str] | list[tuple[str, str]]) -> str:
    """Help text wrapped to the terminal: a string is a paragraph; a list of strings, lines
    (each wrapped under itself); a list of (name, about) pairs, a table."""
    import shutil
    import textwrap

    width = min(shutil.get_terminal_size().columns, 100) - 2

    def fill(text: str, first: str, rest: str) -> str:
        return textwrap.fill(text, width, initial_indent=first, subsequent_indent=rest,
                             break_on_hyphens=False, break_long_words=False)

    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(fill(part, "", ""))
        elif all(isinstance(line, str) for line in part):
            out.append("\n".join(fill(line, "  ", "      ") for line in part))
        else:
            col = min(max(len(name) for name, _ in part) + 4, 28)
            out.append("\n".join(fill(about, f"  {name:<{col - 2}}", " " * col) for name, about in part))
    return "\n\n".join(out)
