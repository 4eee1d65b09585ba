"""Saves, autosaves and replays: nothing lost, nothing trusted that should not be.

A save is one JSON file, ``NAME.save.json``, in a save folder::

    {"format": "industrial-architect-save", "format_version": 1,
     "checksum": "sha256:<hex>", "payload": {...}}

The checksum covers the payload in canonical JSON (sorted keys, no spaces), so any
change after saving — a flipped byte, a hand edit, a truncation — is caught. The
payload holds the scenario, the content packs and their versions, the seed, the
action log, each turn's starting state hash, the final state hash, and the state
arrays themselves (raw little-endian bytes in base64 with dtype and shape; the
dtypes are a fixed list of numbers and booleans). Nothing read from a save is ever
executed: no pickle, no eval, no imports named by the file.

Writes are atomic: a temp file in the same folder, written, fsynced, renamed over the
old file, then the folder is fsynced. A crash at any step leaves the old save whole.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import json
import math
import os
import re
import secrets
import stat
import threading
import unicodedata
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

import game
from game.content.loader import Content
from game.engine.actions import parse_action
from game.engine.build import build_world
from game.engine.session import News, Refused, Session, Snapshot
from game.engine.state import Noise, State, new_state, state_hash
from game.engine.world import World

FORMAT = "industrial-architect-save"
FORMAT_VERSION = 1
SUFFIX = ".save.json"
AUTOSAVE_PREFIX = "autosave-"
DEFAULT_AUTOSAVES = 5
MAX_SAVE_BYTES = 8 * 1024 * 1024  # a full Hefei game is about 150 kB
MAX_NAME_LENGTH = 64
ENV_FOLDER = "ARCHITECT_SAVES"
APP_DIR = "industrial-architect"

# dtypes a state array may have: plain numbers and booleans, little-endian
ALLOWED_DTYPES = ("|b1", "|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", "<f4", "<f8")


class SaveError(Exception):
    """A save that cannot be written or read; ``str()`` is a sentence for a person."""

    def __init__(self, message: str, path: Path | None = None):
        self.message = message
        self.path = path
        super().__init__(f"{path.name}: {message}" if path is not None else message)


# ----- folders and names ------------------------------------------------------------------


def checkout_saves_dir() -> Path | None:
    """The repository's ``saves/`` when the game runs from a checkout, else None."""
    folder = Path(game.__file__).resolve().parent.parent / "saves"
    return folder if (folder / ".gitignore").is_file() else None


def user_saves_dir() -> Path:
    """The per-user data folder for saves (XDG on Linux, the usual places elsewhere)."""
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or os.environ.get("APPDATA")
        if base:
            return Path(base) / APP_DIR / "saves"
    xdg = os.environ.get("XDG_DATA_HOME")
    base_path = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base_path / APP_DIR / "saves"


def default_saves_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """``--saves DIR`` if given, else $ARCHITECT_SAVES, else the checkout's saves/, else per-user."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(ENV_FOLDER)
    if env:
        return Path(env).expanduser()
    return checkout_saves_dir() or user_saves_dir()


_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                     *(f"lpt{i}" for i in range(10))}
_NAME_PUNCTUATION = set(" -_.()")


def check_name(name: str) -> str:
    """The save name if it is safe to use as a file name in the save folder; else SaveError.

    Letters and digits (any script), space and ``- _ . ( )``; at most 64 characters; no
    path separators, no ``..``, no leading dot or space.
    """
    if not isinstance(name, str) or not name.strip():
        raise SaveError("a save needs a name")
    if "/" in name or "\\" in name or "\x00" in name or os.path.isabs(name) or ".." in name:
        raise SaveError(f"the save name {name!r} would leave the save folder; use a plain name "
                        "such as 'hefei-2012' (no '/', '\\' or '..')")
    if len(name) > MAX_NAME_LENGTH:
        raise SaveError(f"the save name is {len(name)} characters long; the limit is {MAX_NAME_LENGTH}")
    bad = sorted({ch for ch in name if not (ch.isalnum() or ch in _NAME_PUNCTUATION)})
    if bad:
        shown = " ".join(repr(ch) for ch in bad[:5])
        raise SaveError(f"the save name {name!r} has characters a file name cannot safely hold: "
                        f"{shown}; use letters, digits, spaces and - _ . ( )")
    if name[0] in ". " or name[-1] in ". ":
        raise SaveError(f"the save name {name!r} may not start or end with a dot or a space")
    if name.split(".")[0].strip().lower() in _WINDOWS_RESERVED:
        raise SaveError(f"{name!r} is a reserved device name on Windows; pick another name")
    return name


def sanitise_name(text: str) -> str:
    """Turn free text (a title a player typed) into a valid save name, or raise SaveError."""
    text = unicodedata.normalize("NFKC", text)
    out = "".join(ch if ch.isalnum() or ch in _NAME_PUNCTUATION else "-" for ch in text)
    out = re.sub(r"\.{2,}", ".", re.sub(r"-{2,}", "-", out)).strip(" .-")[:MAX_NAME_LENGTH]
    return check_name(out.strip(" ."))


def suggest_name(session: Session) -> str:
    """A default name for a manual save: scenario and in-game date."""
    return sanitise_name(f"{session.world.scenario.id} {session.date}")


def save_path(name: str, folder: Path) -> Path:
    path = Path(folder) / f"{check_name(name)}{SUFFIX}"
    # belt and braces: the checked name cannot escape, but make sure of it
    if Path(os.path.abspath(path)).parent != Path(os.path.abspath(folder)):
        raise SaveError(f"the save name {name!r} would leave the save folder")
    return path


def name_of(path: Path) -> str:
    return path.name[: -len(SUFFIX)] if path.name.endswith(SUFFIX) else path.name


# ----- the file format ----------------------------------------------------------------------

Hex64 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
ShortText = Annotated[str, Field(max_length=200)]
Key = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArrayData(_Strict):
    dtype: Literal[ALLOWED_DTYPES]  # type: ignore[valid-type]
    shape: list[Annotated[int, Field(ge=0, le=1_000_000)]] = Field(max_length=6)
    data: str = Field(max_length=MAX_SAVE_BYTES)


class StateData(_Strict):
    scalars: dict[Key, int | float | bool | str | None] = Field(max_length=64)
    arrays: dict[Key, ArrayData] = Field(max_length=256)


class PackRef(_Strict):
    id: ShortText
    version: ShortText


class NewsData(_Strict):
    turn: int = Field(ge=0)
    kind: ShortText
    text: str = Field(max_length=4000)
    severity: ShortText = "info"


class PlayerData(_Strict):
    """A person at the keyboard of a hot-seat game and the city they play."""

    name: str = Field(min_length=1, max_length=60)
    city: int = Field(ge=0, lt=64)


class SavePayload(_Strict):
    format_version: Literal[1]
    game_version: ShortText
    kind: Literal["manual", "autosave"]
    name: ShortText
    saved_at: datetime
    scenario: ShortText
    scenario_name: ShortText
    date: ShortText  # in game, e.g. "2012 Q3"
    turn: int = Field(ge=0, le=100_000)
    over: bool
    packs: list[PackRef] = Field(max_length=100)
    mods: list[Annotated[str, Field(max_length=4096)]] = Field(max_length=100)
    content_hash: Hex64
    seed: int = Field(ge=0, lt=2**63)
    log: list[list[dict[str, Any]]] = Field(max_length=100_000)
    turn_hashes: list[Hex64] = Field(max_length=100_001)  # state hash at the start of each turn
    replay_verified: bool  # the log replayed to the same turn-start hashes when saved
    final_hash: Hex64
    state: StateData
    turn_start: StateData
    news: list[NewsData] = Field(max_length=200_000)
    history: list[dict[str, Any]] = Field(max_length=100_000)
    meta: dict[Key, int | float | bool | Annotated[str, Field(max_length=1000)]] = Field(
        default_factory=dict, max_length=64)
    # hot-seat games: who plays which city (absent in single-player saves and in saves
    # made before hot-seat names were kept, which load with "Player 1", "Player 2"...)
    players: list[PlayerData] = Field(default_factory=list, max_length=6)


class Envelope(_Strict):
    format: Literal["industrial-architect-save"]
    format_version: int
    checksum: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    payload: dict[str, Any]


def canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def checksum(payload: dict[str, Any]) -> str:
    return "sha256:" + hashlib.sha256(canonical(payload)).hexdigest()


# Migrations turn a payload of format N into format N + 1. Format 0 was the draft format:
# the log was called "actions", and it kept neither turn hashes, news nor history.
def _v0_to_v1(p: dict[str, Any]) -> dict[str, Any]:
    p = dict(p)
    p["log"] = p.pop("actions", [])
    p.setdefault("turn_hashes", [])
    p.setdefault("replay_verified", False)
    p.setdefault("news", [])
    p.setdefault("history", [])
    p["format_version"] = 1
    return p


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _v0_to_v1}
OLDEST_FORMAT = min(MIGRATIONS)


def migrate(payload: dict[str, Any], version: int, path: Path | None = None) -> dict[str, Any]:
    if version > FORMAT_VERSION:
        raise SaveError(f"this save has format {version}, made by a newer version of the game; this "
                        f"version ({game.__version__}) reads formats up to {FORMAT_VERSION}. "
                        "Update the game to open it", path)
    if version < OLDEST_FORMAT:
        raise SaveError(f"this save has format {version}, too old to open; this version reads "
                        f"formats {OLDEST_FORMAT} to {FORMAT_VERSION}", path)
    while version < FORMAT_VERSION:
        payload = MIGRATIONS[version](payload)
        version += 1
    return payload


def encode_array(arr: np.ndarray) -> dict[str, Any]:
    arr = np.ascontiguousarray(arr)
    le = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
    if le.dtype.str not in ALLOWED_DTYPES:
        raise SaveError(f"cannot save an array of dtype {arr.dtype}")
    return {"dtype": le.dtype.str, "shape": list(le.shape),
            "data": base64.b64encode(le.tobytes()).decode("ascii")}


def decode_array(data: ArrayData, where: str) -> np.ndarray:
    dtype = np.dtype(data.dtype)  # one of ALLOWED_DTYPES: numbers and booleans only
    try:
        raw = base64.b64decode(data.data, validate=True)
    except ValueError as exc:
        raise SaveError(f"{where}: the array data is not valid base64 ({exc})") from None
    count = math.prod(data.shape)  # exact: no overflow from a hostile shape
    if len(raw) != count * dtype.itemsize:
        raise SaveError(f"{where}: {len(raw)} bytes of data for shape {tuple(data.shape)} "
                        f"of {data.dtype} (needs {count * dtype.itemsize})")
    return np.frombuffer(raw, dtype=dtype).reshape(data.shape).astype(dtype.newbyteorder("="))


def encode_state(state: State) -> dict[str, Any]:
    scalars: dict[str, Any] = {}
    arrays: dict[str, Any] = {}
    for f in dataclasses.fields(state):
        value = getattr(state, f.name)
        if isinstance(value, np.ndarray):
            arrays[f.name] = encode_array(value)
        elif isinstance(value, Noise) or value is None and f.name == "noise":
            continue  # recomputed from the seed and the world index on load
        elif isinstance(value, bool | int | float | str | np.bool_ | np.integer | np.floating):
            scalars[f.name] = value.item() if isinstance(value, np.generic) else value
        elif value is None:
            scalars[f.name] = None
        else:
            raise SaveError(f"cannot save the state field {f.name!r} of type {type(value).__name__}")
    return {"scalars": scalars, "arrays": arrays}


class LayoutMismatch(Exception):
    """The saved state does not fit this version's State (fields, dtypes or shapes)."""


def decode_state(data: StateData, template: State, where: str) -> State:
    """A State from saved data, checked field by field against ``template`` (a new state)."""
    values: dict[str, Any] = {}
    names = {f.name for f in dataclasses.fields(template)}
    extra = (set(data.arrays) | set(data.scalars)) - names
    if extra:
        raise LayoutMismatch(f"the save has state fields this game does not know: {sorted(extra)[:5]}")
    for f in dataclasses.fields(template):
        want = getattr(template, f.name)
        if isinstance(want, np.ndarray):
            if f.name not in data.arrays:
                raise LayoutMismatch(f"the save has no {f.name!r} array")
            arr = decode_array(data.arrays[f.name], f"{where}.{f.name}")
            if arr.dtype != want.dtype or arr.shape != want.shape:
                raise LayoutMismatch(f"{f.name!r} is {arr.dtype}{list(arr.shape)} in the save, "
                                     f"{want.dtype}{list(want.shape)} in this game")
            values[f.name] = arr
        elif isinstance(want, Noise):
            values[f.name] = want
        else:
            if f.name not in data.scalars:
                raise LayoutMismatch(f"the save has no {f.name!r} value")
            got = data.scalars[f.name]
            want = want.item() if isinstance(want, np.generic) else want
            if type(got) is not type(want) and not (isinstance(got, int | float) and isinstance(want, float)):
                raise LayoutMismatch(f"{f.name!r} is {type(got).__name__} in the save, "
                                     f"{type(want).__name__} in this game")
            values[f.name] = got
    return State(**values)


# ----- reading ----------------------------------------------------------------------------


@dataclass
class SaveFile:
    """A save read from disk, its checksum and schema verified (nothing decoded into numpy yet)."""

    path: Path
    payload: SavePayload
    migrated_from: int | None = None

    @property
    def name(self) -> str:
        return name_of(self.path)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} appears twice")
        out[key] = value
    return out


def _json_doc(raw: bytes, kind: str, damaged: str) -> Any:
    """The JSON document in ``raw``; ValueError with a reader's message when it is not UTF-8
    (``not a {kind}: ...``) or not valid, duplicate-key-free JSON (``{damaged}: ...``)."""
    try:
        return json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError as exc:
        raise ValueError(f"not a {kind}: not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{damaged}: not valid JSON at line {exc.lineno}, column {exc.colno}") from None
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"{damaged}: {exc}") from None


def _read_bounded(path: Path) -> bytes:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise SaveError(f"there is no such save in {path.parent}", path) from None
    except OSError as exc:
        raise SaveError(f"cannot read the save ({exc.strerror})", path) from None
    if not stat.S_ISREG(info.st_mode):
        raise SaveError("not a save file (not a regular file)", path)
    if info.st_size > MAX_SAVE_BYTES:
        raise SaveError(f"the file is {info.st_size:,} bytes; a save is at most "
                        f"{MAX_SAVE_BYTES:,} bytes, so it is not a save of this game", path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_SAVE_BYTES + 1)
    except OSError as exc:
        raise SaveError(f"cannot read the save ({exc.strerror})", path) from None
    if len(raw) > MAX_SAVE_BYTES:
        raise SaveError(f"the file is over {MAX_SAVE_BYTES:,} bytes, the limit for a save", path)
    return raw


def _first_error(exc: ValidationError) -> str:
    errs = exc.errors()
    first = errs[0]
    loc = ".".join(str(p) for p in first["loc"]) or "(top)"
    more = f" (and {len(errs) - 1} more problems)" if len(errs) > 1 else ""
    return f"{loc}: {first['msg']}{more}"


def read_save(path: str | os.PathLike[str]) -> SaveFile:
    """Read and verify one save file; raises SaveError naming the file and the problem."""
    path = Path(path)
    raw = _read_bounded(path)
    if not raw.strip():
        raise SaveError("the file is empty (the save was cut short)", path)
    if raw.lstrip().startswith(b"{") and not raw.rstrip().endswith(b"}"):
        raise SaveError(f"damaged save: the file is cut short (truncated after {len(raw):,} bytes)",
                        path)
    try:
        doc = _json_doc(raw, "save file", "damaged save")
    except ValueError as exc:
        raise SaveError(str(exc), path) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SaveError("not a save of Industrial Architect (the format marker is missing)", path)
    try:
        env = Envelope.model_validate(doc)
    except ValidationError as exc:
        raise SaveError(f"damaged save: {_first_error(exc)}", path) from None
    if checksum(env.payload) != env.checksum:
        raise SaveError("the checksum does not match: the file was changed or damaged after it "
                        "was saved, so it cannot be trusted", path)
    if env.payload.get("format_version") != env.format_version:
        raise SaveError("damaged save: the format version inside and outside disagree", path)
    try:
        payload = migrate(env.payload, env.format_version, path)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SaveError(f"damaged save: format {env.format_version} could not be brought up to "
                        f"date ({type(exc).__name__}: {exc})", path) from None
    try:
        model = SavePayload.model_validate(payload)
    except ValidationError as exc:
        raise SaveError(f"damaged save: {_first_error(exc)}", path) from None
    if len(model.log) != model.turn + 1 and not (model.over and len(model.log) == model.turn):
        raise SaveError(f"damaged save: the log has {len(model.log)} turns for turn {model.turn}", path)
    _verify(model, path)
    return SaveFile(path, model, None if env.format_version == FORMAT_VERSION else env.format_version)


class _Arrays:
    """Decoded arrays that state_hash can read like a State (it needs turn, seed, arrays())."""

    def __init__(self, data: StateData, where: str):
        self.turn = data.scalars.get("turn")
        self.seed = data.scalars.get("seed")
        self._arrays = {k: decode_array(v, f"{where}.{k}") for k, v in data.arrays.items()}

    def arrays(self) -> dict[str, np.ndarray]:
        return self._arrays


def _verify(p: SavePayload, path: Path) -> None:
    """Deep checks, so that a save listed as good is one that loads: arrays, hash, actions."""
    try:
        snap = _Arrays(p.state, "state")
        _Arrays(p.turn_start, "turn_start")
    except SaveError as exc:
        raise SaveError(f"damaged save: {exc.message}", path) from None
    if snap.turn != p.turn or snap.seed != p.seed:
        raise SaveError("damaged save: the snapshot's turn or seed disagrees with the header", path)
    try:
        same = state_hash(snap) == p.final_hash  # type: ignore[arg-type]
    except (AttributeError, TypeError):
        same = True  # the engine hashes differently now; restore checks with a real State
    if not same:
        raise SaveError("the state snapshot does not match its recorded hash: the save was altered",
                        path)
    for t, turn in enumerate(p.log):
        for data in turn:
            _action(data, t, path)


@dataclass(frozen=True)
class SaveInfo:
    """One row of the save list; ``ok`` False with ``error`` when the file cannot be used."""

    name: str
    path: Path
    ok: bool
    error: str | None = None
    kind: str | None = None
    scenario: str | None = None
    scenario_name: str | None = None
    date: str | None = None  # in game
    turn: int | None = None
    saved_at: datetime | None = None
    game_version: str | None = None
    over: bool | None = None
    warning: str | None = None  # it loads, but (with content given) something has changed


def list_saves(folder: str | os.PathLike[str] | None = None,
               content: Content | None = None) -> list[SaveInfo]:
    """Every ``*.save.json`` in the folder, newest first; bad ones listed with their error.

    With ``content``, a save whose scenario or packs are missing is listed as not ok, and
    one made with other pack versions carries a warning. Temp files of interrupted
    writes (hidden, ``.tmp``) are ignored.
    """
    folder = default_saves_dir(folder)
    if not folder.is_dir():
        return []
    rows: list[SaveInfo] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.name.endswith(SUFFIX):
            continue
        try:
            sf = read_save(path)
        except SaveError as exc:
            rows.append(SaveInfo(name_of(path), path, False, error=exc.message))
            continue
        problems, warnings = compatibility(sf, content) if content is not None else ([], [])
        p = sf.payload
        rows.append(SaveInfo(name_of(path), path, not problems, error="; ".join(problems) or None,
                             kind=p.kind, scenario=p.scenario, scenario_name=p.scenario_name,
                             date=p.date, turn=p.turn, saved_at=p.saved_at,
                             game_version=p.game_version, over=p.over,
                             warning="; ".join(warnings) or None))
    oldest = datetime.min.replace(tzinfo=UTC)
    rows.sort(key=lambda r: (r.ok, r.saved_at or oldest, r.name), reverse=True)
    return rows


# ----- writing ----------------------------------------------------------------------------


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable. Best effort: some systems cannot open a folder."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # the file itself is synced and the rename atomic; only durability is at stake
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old file or the new one.

    os.write is unbuffered, so there is no user-space buffer to flush before the fsync.
    """
    folder = path.parent
    tmp = folder / f".{path.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(folder)


def content_hash(world: World) -> str:
    """A fingerprint of the content a world was built from (scenario, sectors, firms)."""
    doc = {"scenario": world.scenario.model_dump(mode="json"),
           "sectors": [s.model_dump(mode="json") for s in world.sectors],
           "firms": [f.model_dump(mode="json") for f in world.firms]}
    return hashlib.sha256(canonical(doc)).hexdigest()


class _Recorder:
    """A silent twin of a live session that replays its log to learn each turn's start hash.

    It advances only by the turns closed since the last save, so an autosave each turn
    costs one extra turn of simulation, not a whole replay.
    """

    def __init__(self, session: Session):
        self.world = session.world
        self.seed = session.state.seed
        self.sim = Session.start(session.world, seed=session.state.seed, humans=session.humans)
        self.hashes = [self.sim.hash()]
        self.broken = False
        self.lock = threading.Lock()

    def fits(self, session: Session) -> bool:
        closed = self.sim.turn
        return (self.world is session.world and self.seed == session.state.seed
                and closed <= session.turn and self.sim.log[:closed] == session.log[:closed])

    def catch_up(self, session: Session) -> tuple[list[str], bool]:
        with self.lock:
            while not self.broken and self.sim.turn < session.turn:
                t = self.sim.turn
                try:
                    for data in session.log[t]:
                        self.sim.act(parse_action(data))
                    self.sim.end_turn()
                except Exception:  # noqa: BLE001 - a replay that fails must never block a save
                    self.broken = True
                    break
                if self.sim.turn != t + 1:  # the twin's game ended early: it diverged
                    self.broken = True
                    break
                self.hashes.append(self.sim.hash())
            if self.broken:
                return [], False
            now = session.hash() if session.over else state_hash(_turn_start(session))
            return list(self.hashes), self.hashes[session.turn] == now


_RECORDERS: dict[int, _Recorder] = {}


def turn_hashes(session: Session) -> tuple[list[str], bool]:
    """The state hash at the start of every turn so far, and whether the log reproduces them.

    A session records these as it plays; only a session without them (built by hand)
    needs the twin replay.
    """
    own = list(getattr(session, "turn_hashes", []))
    if len(own) == session.turn + 1:
        return own, True
    rec = _RECORDERS.get(id(session))
    if rec is None or not rec.fits(session):
        rec = _Recorder(session)
        if id(session) not in _RECORDERS:
            weakref.finalize(session, _RECORDERS.pop, id(session), None)
        _RECORDERS[id(session)] = rec
    return rec.catch_up(session)


def _turn_start(session: Session) -> State:
    # Session keeps the state at the start of the turn for undo; a loaded game needs it too.
    start = getattr(session, "_turn_start", None)
    return start if start is not None else session.state


def _plain(snapshot: Snapshot) -> dict[str, Any]:
    """A history row as JSON data; shallow (and fast) while its fields are plain values."""
    row = {f.name: getattr(snapshot, f.name) for f in dataclasses.fields(snapshot)}
    if all(isinstance(v, int | float | str | bool | dict | type(None)) for v in row.values()):
        return {k: dict(v) if isinstance(v, dict) else v for k, v in row.items()}
    return dataclasses.asdict(snapshot)


def _news_dict(n: News) -> dict[str, Any]:
    return {"turn": n.turn, "kind": n.kind, "text": n.text, "severity": n.severity}


def _whole_game(session: Session) -> Session:
    """A hot-seat player's view of the game (game.tui.hotseat.SeatView) saves the whole game."""
    whole = getattr(session, "session", session)
    return whole if isinstance(whole, Session) else session


def build_payload(session: Session, name: str, kind: str, content: Content | None,
                  mods: Sequence[str | os.PathLike[str]], meta: dict[str, Any] | None) -> dict[str, Any]:
    session = _whole_game(session)
    hashes, verified = turn_hashes(session)
    w = session.world
    players = ({"players": [{"name": n, "city": int(c)} for c, n in sorted(session.player_names.items())]}
               if session.player_names else {})
    return {
        "format_version": FORMAT_VERSION, "game_version": game.__version__, "kind": kind,
        "name": name, "saved_at": datetime.now(UTC).isoformat(),
        "scenario": w.scenario.id, "scenario_name": w.scenario.name, "date": session.date,
        "turn": session.turn, "over": session.over,
        "packs": [{"id": p.id, "version": p.version} for p in (content.packs if content else [])],
        "mods": [str(m) for m in mods], "content_hash": content_hash(w),
        "seed": int(session.state.seed),
        "log": [list(turn) for turn in session.log],
        "turn_hashes": hashes, "replay_verified": verified, "final_hash": session.hash(),
        "state": encode_state(session.state), "turn_start": encode_state(_turn_start(session)),
        "news": [_news_dict(n) for n in session.news],
        "history": [_plain(h) for h in session.history],
        "meta": dict(meta or {}),
        **players,
    }


def _write(session: Session, path: Path, name: str, kind: str, content: Content | None,
           mods: Sequence[str | os.PathLike[str]], meta: dict[str, Any] | None) -> Path:
    payload = build_payload(session, name, kind, content, mods, meta)
    try:
        SavePayload.model_validate(payload)  # never write what we would refuse to read
    except ValidationError as exc:
        raise SaveError(f"cannot save: {_first_error(exc)}", path) from None
    # the file carries the payload in the very canonical form the checksum covers
    body = canonical(payload)
    head = {"checksum": "sha256:" + hashlib.sha256(body).hexdigest(), "format": FORMAT,
            "format_version": FORMAT_VERSION}
    data = json.dumps(head, separators=(",", ":")).encode()[:-1] + b',"payload":' + body + b"}"
    if len(data) > MAX_SAVE_BYTES:
        raise SaveError(f"the save would be {len(data):,} bytes, over the {MAX_SAVE_BYTES:,} limit", path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError as exc:
        raise SaveError(f"could not write the save ({exc.strerror or exc}); any earlier save "
                        "of this name is unchanged", path) from None
    return path


def save_game(session: Session, name: str, folder: str | os.PathLike[str] | None = None,
              meta: dict[str, Any] | None = None, *, content: Content | None = None,
              mods: Sequence[str | os.PathLike[str]] = (), overwrite: bool = True) -> Path:
    """Save the game as ``name`` in ``folder`` (default: see default_saves_dir); returns the path.

    ``content`` records the packs and their versions; ``mods`` the mod folders as given;
    ``meta`` is free data for the UI (player name, class code...). Raises SaveError.
    """
    check_name(name)
    if name.lower().startswith(AUTOSAVE_PREFIX):
        raise SaveError(f"names starting with {AUTOSAVE_PREFIX!r} are kept for the autosaves; "
                        "pick another name")
    path = save_path(name, default_saves_dir(folder))
    if not overwrite and path.exists():
        raise SaveError("a save of this name exists already", path)
    return _write(session, path, name, "manual", content, mods, meta)


def _peek(path: Path) -> tuple[str, datetime] | None:
    """(kind, saved_at) of an intact save, else None: the checksum without the full checks."""
    try:
        doc = json.loads(_read_bounded(path))
        payload = doc["payload"]
        if doc.get("format") != FORMAT or checksum(payload) != doc.get("checksum"):
            return None
        saved_at = datetime.fromisoformat(payload["saved_at"])
        if saved_at.tzinfo is None:
            return None
        return str(payload["kind"]), saved_at
    except (SaveError, ValueError, KeyError, TypeError, RecursionError):
        return None


def autosave(session: Session, folder: str | os.PathLike[str] | None = None,
             keep: int = DEFAULT_AUTOSAVES, *, content: Content | None = None,
             mods: Sequence[str | os.PathLike[str]] = (), meta: dict[str, Any] | None = None) -> Path:
    """Save into the ring ``autosave-1`` .. ``autosave-<keep>``, replacing the oldest autosave.

    A slot holding anything but a readable autosave (a manual save, a damaged file) is
    never overwritten; if no slot is free, SaveError.
    """
    if not 1 <= keep <= 100:
        raise SaveError(f"keep must be between 1 and 100 autosaves, not {keep}")
    folder = default_saves_dir(folder)
    free: list[Path] = []
    used: list[tuple[datetime, str, Path]] = []
    for i in range(1, keep + 1):
        path = save_path(f"{AUTOSAVE_PREFIX}{i}", folder)
        if not path.exists():
            free.append(path)
            continue
        found = _peek(path)
        if found is not None and found[0] == "autosave":
            used.append((found[1], path.name, path))
        # anything else could be someone's game, damaged or not: leave it alone
    if free:
        target = free[0]
    elif used:
        target = min(used)[2]
    else:
        raise SaveError(f"every autosave slot in {folder} holds a file that is not an autosave; "
                        "move those files away to autosave again")
    return _write(session, target, name_of(target), "autosave", content, mods, meta)


# ----- loading ----------------------------------------------------------------------------


def resolve(save: str | os.PathLike[str], folder: str | os.PathLike[str] | None = None) -> Path:
    """A save given as a Path (any file) or as a name (checked, inside the save folder)."""
    if isinstance(save, os.PathLike):
        return Path(save)
    return save_path(save, default_saves_dir(folder))


def content_for(save: SaveFile, mods: Sequence[str | os.PathLike[str]] | None = None
                ) -> tuple[Content, list[Path]]:
    """The base pack plus ``mods``, or else the mod folders the save recorded that still exist.

    Raises ContentError when a pack cannot be loaded.
    """
    from game.content.loader import load_content

    if mods is None:
        mods = [m for m in save.payload.mods if Path(m).is_dir()]
    folders = [Path(m) for m in mods]
    return load_content(folders), folders


def compatibility(save: SaveFile, content: Content) -> tuple[list[str], list[str]]:
    """(problems that forbid loading, warnings) of a save against the loaded content."""
    p = save.payload
    problems: list[str] = []
    warnings: list[str] = []
    loaded = {pk.id: pk.version for pk in content.packs}
    mods_hint = f" (the save used the mod folders: {', '.join(p.mods)})" if p.mods else ""
    for ref in p.packs:
        if ref.id not in loaded:
            problems.append(f"the save needs the content pack {ref.id!r} {ref.version}, which is not "
                            f"loaded; load it with --mods{mods_hint}")
        elif loaded[ref.id] != ref.version:
            warnings.append(f"the save was made with {ref.id!r} {ref.version}; you have {loaded[ref.id]}")
    if p.scenario not in content.scenarios:
        problems.append(f"the save is of scenario {p.scenario!r}, which the loaded content does not "
                        f"have{mods_hint}")
    elif not problems:
        world = _build(content, p.scenario)
        if content_hash(world) != p.content_hash:
            warnings.append(f"the scenario {p.scenario!r} or its sectors and firms have changed since "
                            "this game was saved; it plays on under the new rules, and a replay of "
                            "it may not match")
    return problems, warnings


def _build(content: Content, scenario_id: str) -> World:
    return build_world(content.scenario(scenario_id), content.sectors, content.firms)


def _records(p: SavePayload) -> tuple[list[News], list[Snapshot]] | None:
    """The saved news and history, or None when they do not fit this version's classes."""
    try:
        news = [News(**n.model_dump()) for n in p.news]
        names = {f.name for f in dataclasses.fields(Snapshot)}
        if any(set(h) != names for h in p.history):
            return None
        history = [Snapshot(**h) for h in p.history]
    except TypeError:
        return None
    return (news, history) if history else None


def restore(save: SaveFile, world: World) -> Session:
    """The Session of a save, from its state snapshot. Raises LayoutMismatch or SaveError."""
    p = save.payload
    world_id = 0
    wid = p.state.arrays.get("world_ids")
    if wid is not None:
        ids = decode_array(wid, "state.world_ids")
        world_id = int(ids.reshape(-1)[0]) if ids.size and ids.dtype.kind in "iu" else 0
    template = new_state(world, 1, seed=p.seed, first_world=world_id)
    try:
        state = decode_state(p.state, template, "state")
        start = decode_state(p.turn_start, template, "turn_start")
    except SaveError as exc:
        raise SaveError(f"damaged save: {exc.message}", save.path) from None
    if state.turn != p.turn or state.seed != p.seed:
        raise SaveError("damaged save: the snapshot's turn or seed disagrees with the header", save.path)
    if state_hash(state) != p.final_hash:
        raise SaveError("the state snapshot does not match its recorded hash: the save was altered",
                        save.path)
    log = [[_action(a, t, save.path) for a in turn] for t, turn in enumerate(p.log)]
    records = _records(p)
    session = Session.restore(world, state, start, log, [], [], list(p.turn_hashes))
    if records is None:
        # older saves (or a changed Snapshot) rebuild their past from the log when it replays
        sim, result = _replay_session(save, world)
        if result.ok:
            session.news, session.history = sim.news, sim.history
            session.others_history = sim.others_history
        else:
            session.history = [session.snapshot()]
    else:
        session.news, session.history = records
    _seat_players(session, p, save.path)
    return session


def _seat_players(session: Session, p: SavePayload, path: Path) -> None:
    """A hot-seat save's player names back on the session, checked against the cities
    people play; each other player's charts start again from now (they are not saved)."""
    humans = session.humans
    if p.players:
        cities = [pl.city for pl in p.players]
        names = [pl.name.strip() for pl in p.players]
        if sorted(cities) != sorted(humans) or len(set(cities)) != len(cities):
            raise SaveError(f"damaged save: its players play cities {sorted(cities)}, but people play "
                            f"{sorted(humans)} in its state", path)
        if len(set(names)) != len(names) or not all(names):
            raise SaveError("damaged save: two of its players have the same name, or one has none", path)
        session.player_names = dict(zip(cities, names, strict=True))
    for c in humans:
        if c != session.player and not session.others_history.get(c):
            session.others_history[c] = [session.snapshot(c)]


def _action(data: dict[str, Any], turn: int, path: Path) -> dict[str, Any]:
    try:
        return parse_action(data).log_entry()
    except ValidationError as exc:
        raise SaveError(f"damaged save: an action of turn {turn} is not valid: {_first_error(exc)}",
                        path) from None


def load_game(save: str | os.PathLike[str], folder: str | os.PathLike[str] | None = None,
              content: Content | None = None, *, strict: bool = False) -> Session:
    """Open a save (a name in ``folder`` or a path) as a Session that plays on exactly.

    Missing scenario or packs: SaveError. Changed pack versions or content: a warning in
    the session's news (SaveError when ``strict``). A snapshot that does not fit this
    version of the engine is rebuilt from the action log, with a warning.
    """
    sf = read_save(resolve(save, folder))
    if content is None:
        content, _ = content_for(sf)
    problems, warnings = compatibility(sf, content)
    if problems:
        raise SaveError("; ".join(problems), sf.path)
    if warnings and strict:
        raise SaveError("; ".join(warnings), sf.path)
    world = _build(content, sf.payload.scenario)
    try:
        session = restore(sf, world)
    except LayoutMismatch as exc:
        sim, result = _replay_session(sf, world)
        if result.refused is not None:
            raise SaveError(f"this save was made by game version {sf.payload.game_version}, whose "
                            f"state does not fit this version ({exc}), and its actions no longer "
                            f"replay: {result.message}", sf.path) from None
        warnings.append(f"this save's snapshot does not fit this version of the game ({exc}); the "
                        "game was rebuilt from its action log")
        drift = _drift(sf.payload.history, sim)
        if drift:
            warnings.append(f"the rebuilt game differs from the saved one: {drift}")
        if strict:
            raise SaveError("; ".join(warnings), sf.path) from None
        session = sim
        _seat_players(session, sf.payload, sf.path)
    for text in warnings:
        session.news.append(News(session.turn, "game", f"Loaded save: {text}.", "warning"))
    return session


def _drift(saved: list[dict[str, Any]], sim: Session) -> str | None:
    """Headline numbers of the last closed turn that differ between a save and its rebuild."""
    if not saved or not sim.history:
        return None
    was, now = saved[-1], dataclasses.asdict(sim.history[-1])
    out = [f"{k} ¥{was[k]:,.2f} bn saved, ¥{now[k]:,.2f} bn rebuilt"
           for k in ("treasury", "debt", "gdp")
           if isinstance(was.get(k), int | float) and not np.isclose(was[k], now[k], rtol=1e-9)]
    return "; ".join(out) or None


# ----- replay -----------------------------------------------------------------------------


@dataclass
class ReplayResult:
    """The outcome of re-running a save's log from its seed."""

    ok: bool
    first_divergent_turn: int | None
    expected_hash: str
    actual_hash: str
    turns: int = 0
    message: str = ""
    refused: str | None = None
    warnings: list[str] = field(default_factory=list)


def _humans(p: SavePayload) -> list[int]:
    """The cities people play in a save (hot-seat: several), from its players or its state."""
    if p.players:
        return sorted(pl.city for pl in p.players)
    human = p.state.arrays.get("human")
    if human is None:
        return []
    try:
        flags = decode_array(human, "state.human")
    except SaveError:
        return []
    return [int(c) for c in np.nonzero(flags.reshape(-1))[0]] if flags.dtype == np.bool_ else []


def _replay_session(save: SaveFile, world: World) -> tuple[Session, ReplayResult]:
    p = save.payload
    expected = p.turn_hashes
    sim = Session.start(world, seed=p.seed, humans=_humans(p))

    def result(ok: bool, turn: int | None, message: str, refused: str | None = None) -> ReplayResult:
        return ReplayResult(ok, turn, p.final_hash, sim.hash(), sim.turn, message, refused)

    def start_differs(t: int) -> bool:
        return t < len(expected) and sim.hash() != expected[t]

    if start_differs(0):
        return sim, result(False, 0, "the starting state differs: the scenario or engine has changed")
    for t, turn in enumerate(p.log):
        for n, data in enumerate(turn):
            try:
                sim.act(parse_action(data))
            except (Refused, ValidationError) as exc:
                why = "; ".join(exc.reasons) if isinstance(exc, Refused) else _first_error(exc)
                msg = f"turn {t} ({world.date_label(t)}): action {n + 1} was refused on replay: {why}"
                return sim, result(False, t, msg, refused=why)
        if t < p.turn:
            sim.end_turn()
            if start_differs(t + 1):
                return sim, result(False, t, f"turn {t} ({world.date_label(t)}) ends in a different state")
    if sim.hash() == p.final_hash:
        return sim, result(True, None, f"the log replays to the saved state ({world.date_label(p.turn)})")
    if expected:
        msg = f"turn {p.turn} ({world.date_label(p.turn)}), the turn in progress, differs"
        return sim, result(False, p.turn, msg)
    return sim, result(False, None, "the final state differs (this save has no per-turn hashes "
                                    "to say where)")


def replay(save: str | os.PathLike[str] | SaveFile, content: Content | None = None,
           folder: str | os.PathLike[str] | None = None) -> ReplayResult:
    """Re-run a save's action log from its seed and compare each turn's hash with the save's.

    Raises SaveError when the save cannot be read or its scenario/packs are missing.
    """
    sf = save if isinstance(save, SaveFile) else read_save(resolve(save, folder))
    if content is None:
        content, _ = content_for(sf)
    problems, warnings = compatibility(sf, content)
    if problems:
        raise SaveError("; ".join(problems), sf.path)
    _, res = _replay_session(sf, _build(content, sf.payload.scenario))
    res.warnings = warnings
    return res


def save_arg(text: str) -> str | Path:
    """A save named on the command line: a file path when it looks like one, else a name."""
    if "/" in text or os.sep in text or text.endswith(SUFFIX):
        return Path(text)
    return text
