"""``architect serve``: the game in a browser, for students with nothing installed.

textual-serve runs a web server; each browser connection starts a fresh ``architect
play`` process on this computer and streams its screen to the page. The server binds
127.0.0.1 (this computer only) unless ``--host`` opens it to a classroom network.
"""

from __future__ import annotations

import shlex
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
TITLE = "Industrial Architect"


def architect_argv() -> list[str]:
    """How to start ``architect`` from here: the script beside this Python, else on PATH,
    else ``python -m game.cli``."""
    here = Path(sys.executable).parent
    for name in ("architect", "architect.exe"):
        if (here / name).is_file():
            return [str(here / name)]
    found = shutil.which("architect")
    return [found] if found else [sys.executable, "-m", "game.cli"]


def play_command(session: str | None = None, scenario: str | None = None, seed: int | None = None,
                 mods: Sequence[str | Path] = ()) -> str:
    """The command each browser connection runs: ``architect play`` and its options."""
    argv = architect_argv()
    for m in mods:
        argv += ["--mods", str(m)]
    argv.append("play")
    if session:
        argv += ["--session", session]
    if scenario:
        argv += ["--scenario", scenario]
    if seed is not None:
        argv += ["--seed", str(seed)]
    return shlex.join(argv)


def make_server(command: str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> Any:
    """A textual-serve Server for ``command`` (not started)."""
    from textual_serve.server import Server  # the web stack loads only for serve

    return Server(command, host=host, port=port, title=TITLE)


def serve(command: str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Serve until interrupted (Ctrl+C)."""
    make_server(command, host, port).serve()
