"""The content problem log: what went wrong while content was played (a number the game
cannot hold, an event of a pack that never fired in a whole batch), in the spirit of
Paradox's error.log. The engine logs to the logger ``architect.content``; this file
handler, installed by the command line, writes it to a file the modder is told about.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from game.content.loader import user_data_home

LOG = logging.getLogger("architect.content")  # what game/engine/finite.py logs to

LOG_ENV = "ARCHITECT_LOG"
FORMAT = "%(asctime)s %(message)s"


def log_path() -> Path:
    """$ARCHITECT_LOG, else content-problems.log in the per-user data folder's logs/."""
    env = os.environ.get(LOG_ENV)
    if env:
        return Path(env).expanduser()
    return user_data_home() / "logs" / "content-problems.log"


class _LazyFileHandler(logging.FileHandler):
    """Creates the log's folder and file only when the first problem comes."""

    def _open(self):  # noqa: ANN202  (logging's own hook)
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()


def install(path: Path | None = None) -> Path:
    """Send ``architect.content`` to the log file (once); returns its path."""
    path = Path(path) if path is not None else log_path()
    for handler in LOG.handlers:
        if isinstance(handler, logging.FileHandler):
            if Path(handler.baseFilename) == path.absolute():
                return path
            LOG.removeHandler(handler)
            handler.close()
    handler = _LazyFileHandler(path, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter(FORMAT))
    LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)
    return path


def note(message: str) -> str | None:
    """Log a problem found while playing; returns the log file it went to."""
    LOG.warning("%s", message)
    for handler in LOG.handlers:
        if isinstance(handler, logging.FileHandler):
            return handler.baseFilename
    return None
