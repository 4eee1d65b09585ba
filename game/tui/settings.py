"""Player settings: a small JSON file in the user's config folder, read through pydantic.

A file that cannot be read or does not validate never stops the game: the defaults are
used and ``load_settings`` returns a notice that says why, in words.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

APP_DIR = "industrial-architect"
FILE_NAME = "settings.json"
ENV_FILE = "ARCHITECT_SETTINGS"
DEFAULT_THEME = "textual-dark"
MAX_BYTES = 64 * 1024


class Settings(BaseModel):
    """What a player may change: the colour theme, confirmations, autosaves kept
    and whether the game pauses at classroom milestones."""

    model_config = ConfigDict(extra="forbid")

    theme: str = Field(default=DEFAULT_THEME, max_length=60,
                       description="a Textual colour theme, e.g. textual-dark, nord, textual-light")
    confirmations: bool = Field(default=True, description="ask before moves that cannot be taken back")
    autosaves: int = Field(default=5, ge=1, le=20, description="autosaves kept (one per turn, the oldest replaced)")
    pause_at_milestones: bool = Field(default=True, description="stop at a scenario's classroom milestones")


def default_settings_path() -> Path:
    """$ARCHITECT_SETTINGS, else the user's config folder (XDG on Linux, APPDATA on Windows)."""
    env = os.environ.get(ENV_FILE)
    if env:
        return Path(env).expanduser()
    if os.name == "nt":
        base = os.environ.get("APPDATA")
        if base:
            return Path(base) / APP_DIR / FILE_NAME
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base_path = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".config"
    return base_path / APP_DIR / FILE_NAME


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ())) or "the file"
    return f"{where}: {err.get('msg', 'not valid')}"


def load_settings(path: Path) -> tuple[Settings, str | None]:
    """The settings in ``path`` (defaults when there is no file), and a notice if it was bad."""
    try:
        if not path.exists():
            return Settings(), None
        if path.stat().st_size > MAX_BYTES:
            raise ValueError(f"it is larger than {MAX_BYTES // 1024} kB")
        data = json.loads(path.read_text(encoding="utf-8"))
        return Settings.model_validate(data), None
    except ValidationError as exc:
        why = _first_error(exc)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        why = str(exc) or type(exc).__name__
    return Settings(), (f"The settings file {path} could not be used ({why}). The game uses the "
                        "defaults; changing a setting writes a good file.")


def save_settings(settings: Settings, path: Path) -> str | None:
    """Write the settings (atomically); returns a message when that failed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(settings.model_dump_json(indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        return f"The settings could not be saved to {path}: {exc.strerror or exc}."
    return None
