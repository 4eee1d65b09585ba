"""``architect serve``: the game in a browser, for students with nothing installed.

textual-serve runs a web server; each browser connection starts a fresh ``architect
play`` process on this computer and streams its screen to the page. The server binds
127.0.0.1 (this computer only) unless ``--host`` opens it to a classroom network; it
starts games only for its own pages, at most ``--max-games`` at once, and gives each
browser a saves folder of its own (see game.web, loaded only when serving).
"""

from __future__ import annotations

import shlex
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_GAMES = 40  # a class and its teacher; each game is a process of about 80 MB
BROWSERS_FOLDER = "browsers"  # in the save folder: a folder per browser
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
                 mods: Sequence[str | Path] = (), saves: str | Path | None = None) -> str:
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
    if saves is not None:
        argv += ["--saves", str(saves)]
    return shlex.join(argv)


def make_server(command_for: Callable[[Path], str], host: str = DEFAULT_HOST,
                port: int = DEFAULT_PORT, *, saves_root: str | Path,
                max_games: int = DEFAULT_MAX_GAMES) -> Any:
    """The guarded server (game.web.GameServer), not started: ``command_for(folder)`` is
    what one browser connection runs, saving into ``folder`` inside ``saves_root``."""
    from game.web import GameServer  # the web stack loads only for serve

    return GameServer(command_for, host, port, saves_root=Path(saves_root), max_games=max_games,
                      title=TITLE)
