"""`architect mods validate`: check packs or single files through the loader the game uses,
every problem and warning at once, and say what each pack did to which item.

A file inside a pack is checked with its pack (so its siblings are known) and only its
own problems are shown; a loose file is checked as if alone in a pack of its own.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from game.content.loader import (
    KINDS,
    MAX_FILE_BYTES,
    Content,
    ContentError,
    Problem,
    base_pack_dir,
    load_content,
)


@dataclass
class Validation:
    problems: list[Problem]  # errors and warnings
    content: Content | None
    labels: dict[str, str]  # loader label prefix -> the path the modder gave
    hidden: int = 0  # problems in other files of a pack, when one file was asked about
    packs: list[Path] = field(default_factory=list)  # the pack folders checked

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.is_warning]

    @property
    def ok(self) -> bool:
        """Loads (warnings allowed)."""
        return not self.errors

    @property
    def clean(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        """Every problem, by file and line (files in the order they were read)."""
        first: dict[str, int] = {}
        for n, p in enumerate(self.problems):
            first.setdefault(p.file, n)
        ordered = sorted(self.problems, key=lambda p: (first[p.file], p.line or 0, p.column or 0))
        return [self.relabel(str(p)) for p in ordered]

    def relabel(self, text: str) -> str:
        for label, path in sorted(self.labels.items(), key=lambda kv: -len(kv[0])):
            if text.startswith(label + "/") or text.startswith(label + ":"):
                return path + text[len(label):]
        return text


def validate(paths: Iterable[Path]) -> Validation:
    """Check packs (folders with a pack.toml) or single content files, all problems at once.

    Packs load after the base pack, in load order; a file in a pack's kind folder is checked
    with its pack; any other file as if alone in a pack (its kind comes from its folder, or
    from its keys).
    """
    paths = [Path(p) for p in paths]
    labels: dict[str, str] = {}
    problems: list[Problem] = []
    only: set[str] = set()  # labels of single files asked about inside their packs
    with tempfile.TemporaryDirectory(prefix="architect-validate-") as tmp:
        packs: list[Path] = []
        base = base_pack_dir().resolve()
        for i, path in enumerate(paths):
            if path.is_dir() and path.resolve() == base:
                continue  # the base pack always loads first
            home = path.parent.parent
            if path.is_file() and path.parent.name in KINDS and (home / "pack.toml").is_file():
                if home.resolve() != base and home not in packs:
                    packs.append(home)
                only.add(f"{home.name}/{path.parent.name}/{path.name}")
                labels[home.name] = str(home)
            elif path.is_dir() and (path / "pack.toml").is_file():
                packs.append(path)
                labels[path.name] = str(path)
            elif path.is_file():
                kind = path.parent.name if path.parent.name in KINDS else _guess_kind(path)
                if kind is None:
                    problems.append(Problem(str(path), None, "", "cannot tell what kind of content this is: "
                                            "put it in a " + ", ".join(f"{k}/" for k in KINDS) + " folder"))
                    continue
                pack = Path(tmp) / f"file-{i}"
                (pack / kind).mkdir(parents=True)
                (pack / "pack.toml").write_text(f'id = "file-{i}"\nname = "one file"\nversion = "0.0"\n',
                                                encoding="utf-8")
                _copy_bounded(path, pack / kind / path.name)
                packs.append(pack)
                labels[f"file-{i}/{kind}/{path.name}"] = str(path)
            elif path.is_dir():
                problems.append(Problem(str(path), None, "", "not a content pack: pack.toml is missing "
                                        "(`architect mods new NAME` starts one)"))
            else:
                problems.append(Problem(str(path), None, "", "no such file or folder"))
        content = None
        found: list[Problem] = []
        try:
            content = load_content(packs)
            found = list(content.warnings)
        except ContentError as exc:
            found = exc.problems
        hidden = 0
        if only and all(p.is_file() for p in paths):
            mine = [p for p in found if p.file in only]
            hidden = len(found) - len(mine)
            found = mine
        problems += found
    labels.setdefault(base_pack_dir().name, str(base_pack_dir()))
    return Validation(problems, content, labels, hidden, packs)


def _copy_bounded(src: Path, dest: Path) -> None:
    """Copy a file for checking; an oversize one is cut so the loader reports its size."""
    if src.stat().st_size > MAX_FILE_BYTES:
        dest.write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    else:
        shutil.copyfile(src, dest)


def _guess_kind(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")[:MAX_FILE_BYTES]
    except OSError:
        return None
    if re.search(r"(?m)^\s*\[\[options\]\]|^\s*(trigger|mtth|chance)\s*=|^\s*\[trigger\]", text):
        return "events"
    if re.search(r"(?m)^\s*\[\[cities\]\]|^\s*player_city\s*=", text):
        return "scenarios"
    if re.search(r"(?m)^\s*\[\[rules\]\]", text):
        return "bots"
    if re.search(r"(?m)^\s*demand_bn\s*=", text):
        return "sectors"
    if re.search(r"(?m)^\s*sector\s*=", text):
        return "firms"
    return None


def summary(content: Content, packs: Iterable[str] | None = None) -> list[str]:
    """What was loaded, in which order, and what each later pack did to which item (all of
    them, or those touched by ``packs``)."""
    out = ["load order: " + " -> ".join(f"{p.id} {p.version}" for p in content.packs)]
    counts = ", ".join(f"{len(getattr(content, k))} {k}" for k in KINDS)
    out.append(f"content: {counts}")
    out += provenance(content, packs)
    return out


def provenance(content: Content, packs: Iterable[str] | None = None) -> list[str]:
    """One line per item a pack after its author replaced or patched: who did what, in order."""
    wanted = None if packs is None else set(packs)
    lines = []
    for (kind, item), touches in sorted(content.touches.items()):
        if len(touches) < 2:
            continue
        if wanted is not None and not wanted & {t.pack for t in touches}:
            continue
        lines.append(f"{kind}/{item}: " + " -> ".join(str(t) for t in touches))
    return lines
