"""Load content packs from TOML into validated pydantic models.

Every problem becomes a :class:`Problem` naming the file, the line (and column where
known), the dotted key and what was expected. All problems of every pack are collected
before :class:`ContentError` is raised, so a modder sees them all at once; warnings (what
loads but cannot work as written) travel with the content in ``Content.warnings``.
Nothing read from a file is ever evaluated as code.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from game.content.locate import suggest
from game.content.messages import problems_from
from game.content.packs import KIND_FOLDERS, PackFolder, layout_warnings, load_order, read_packs
from game.content.patches import PATCH_KEY, Touch, fields_touched, patched
from game.content.positions import key_positions, position_of, top_key_line
from game.content.problems import ContentError, Problem
from game.content.reading import MAX_FILE_BYTES, read_toml
from game.content.schema import (
    BotDef,
    EventDef,
    FirmDef,
    PackDef,
    ScenarioDef,
    SectorDef,
    scenario_problems,
)

__all__ = ["KINDS", "MAX_FILE_BYTES", "Content", "ContentError", "Problem", "base_pack_dir",
           "default_mods_folder", "discover_mods", "load_content", "read_toml"]

KINDS: dict[str, type[BaseModel]] = {
    "sectors": SectorDef,
    "firms": FirmDef,
    "scenarios": ScenarioDef,
    "events": EventDef,
    "bots": BotDef,
}
assert tuple(KINDS) == KIND_FOLDERS


@dataclass
class Content:
    """Everything loaded from the packs, by id, after overrides and patches."""

    packs: list[PackDef] = field(default_factory=list)
    sectors: dict[str, SectorDef] = field(default_factory=dict)
    firms: dict[str, FirmDef] = field(default_factory=dict)
    scenarios: dict[str, ScenarioDef] = field(default_factory=dict)
    events: dict[str, EventDef] = field(default_factory=dict)
    bots: dict[str, BotDef] = field(default_factory=dict)
    # the file that defined (or last replaced) each item: (kind, id) -> (file label, text)
    sources: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    # patches applied since, in order: (kind, id) -> [(file label, text, top-level keys)]
    patch_sources: dict[tuple[str, str], list[tuple[str, str, set[str]]]] = field(default_factory=dict)
    # (kind, id, file that won, file it replaced) for every whole-item override between packs
    overrides: list[tuple[str, str, str, str]] = field(default_factory=list)
    # every pack's hand on each item, in load order (defined, replaced, patched)
    touches: dict[tuple[str, str], list[Touch]] = field(default_factory=dict)
    # files that failed their schema, as (kind, label, data, text): their parts are still
    # reference-checked so that every problem shows at once
    unvalidated: list[tuple[str, str, dict[str, Any], str]] = field(default_factory=list)
    pack_dirs: list[Path] = field(default_factory=list)  # in load order, beside ``packs``
    pack_labels: list[str] = field(default_factory=list)  # how problems name each pack's files
    warnings: list[Problem] = field(default_factory=list)

    def source_of(self, kind: str, item_id: str, loc: tuple[Any, ...] = ()) -> tuple[str, str]:
        """The file that wrote ``loc`` of an item: the last patch that set its first key, else
        the file that defined it."""
        for label, text, keys in reversed(self.patch_sources.get((kind, item_id), [])):
            if loc and loc[0] in keys:
                return label, text
        return self.sources.get((kind, item_id), (f"{kind}/{item_id}", ""))

    def problem(self, kind: str, item_id: str, loc: tuple[Any, ...], message: str, hint: str = "",
                severity: str = "error") -> Problem:
        """A problem located at ``loc`` inside the file that wrote it."""
        label, text = self.source_of(kind, item_id, loc)
        line, column = position_of(key_positions(text), loc) if text else (None, None)
        return Problem(label, line, ".".join(str(k) for k in loc), message, hint,
                       severity=severity)  # type: ignore[arg-type]

    def pack_of(self, kind: str, item_id: str) -> str | None:
        """The id of the pack that defined an item."""
        touches = self.touches.get((kind, item_id))
        return touches[0].pack if touches else None

    def scenario(self, scenario_id: str) -> ScenarioDef:
        try:
            return self.scenarios[scenario_id]
        except KeyError:
            known = ", ".join(sorted(self.scenarios))
            raise ContentError(
                [Problem("(scenarios)", None, "id", f"no scenario {scenario_id!r}; known: {known}",
                         suggest(scenario_id, self.scenarios))]
            ) from None


def base_pack_dir() -> Path:
    """The base pack: content/ beside the package in a checkout, else the installed copy."""
    checkout = Path(__file__).resolve().parent.parent.parent / "content"
    if (checkout / "pack.toml").is_file():
        return checkout
    # an installed wheel carries the pack as the data package game.basepack (a namespace
    # package, so its folder comes from the import spec rather than a module file)
    spec = importlib.util.find_spec("game.basepack")
    if spec is None or not spec.submodule_search_locations:
        raise ContentError([Problem("game.basepack", None, "", "the base content pack is not installed")])
    return Path(next(iter(spec.submodule_search_locations)))


def validate(model: type[BaseModel], data: dict[str, Any], text: str, label: str,
             problems: list[Problem]) -> BaseModel | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems += problems_from(exc, model, text, label)
        return None


def _a(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def _required(model: type[BaseModel]) -> str:
    return ", ".join(n for n, f in model.model_fields.items() if f.is_required())


def load_pack_into(content: Content, pf: PackFolder, problems: list[Problem]) -> None:
    """Load one pack: its items (later packs replace earlier ones by id), then its patches."""
    content.packs.append(pf.pack)
    content.pack_dirs.append(pf.folder)
    content.pack_labels.append(pf.label)
    mine: dict[tuple[str, str], str] = {}  # ids this pack defines, to catch duplicates within it
    patches: list[tuple[str, str, dict[str, Any], str]] = []
    for kind, model in KINDS.items():
        folder = pf.folder / kind
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            label = f"{pf.label}/{kind}/{path.name}"
            known = _known(path, model)
            if known is not None:
                data, text, item = known
                _add(content, pf, kind, item, data, text, label, mine, problems)
                continue
            found: list[Problem] = []
            parsed = read_toml(path, label, found)
            problems += found
            if parsed is None:
                continue
            data, text = parsed
            if not data:
                problems.append(Problem(label, 1, "", f"the file is empty: {_a(kind[:-1])} needs at least "
                                        f"{_required(model)} (or `patch = \"id\"` and the keys it changes)"))
                continue
            if PATCH_KEY in data:
                patches.append((kind, label, data, text))
                continue
            item = validate(model, data, text, label, problems)
            if item is not None and kind == "scenarios":
                wrong = scenario_problems(item)  # type: ignore[arg-type]
                positions = key_positions(text)
                for loc, message in wrong:
                    problems.append(Problem(label, position_of(positions, loc)[0], ".".join(map(str, loc)), message))
                item = None if wrong else item
            if item is None:
                content.unvalidated.append((kind, label, data, text))
                continue
            if not found:
                _remember(path, model, data, text, item)
            _add(content, pf, kind, item, data, text, label, mine, problems)
    for kind, label, data, text in patches:
        _patch(content, pf, kind, data, text, label, problems)


# Files that read and validated without a problem, by their bytes: loading the same packs
# again (the base pack, every time) skips parsing and validating what has not changed.
# The models are frozen and the parsed data is only read, so sharing them is safe.
_READ: dict[tuple[str, str, bytes], tuple[dict[str, Any], str, BaseModel]] = {}
_READ_LIMIT = 4096


def _known(path: Path, model: type[BaseModel]) -> tuple[dict[str, Any], str, BaseModel] | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
    except OSError:
        return None
    return _READ.get((str(path), model.__name__, digest))


def _remember(path: Path, model: type[BaseModel], data: dict[str, Any], text: str, item: BaseModel) -> None:
    if len(_READ) >= _READ_LIMIT:
        _READ.clear()
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
    _READ[(str(path), model.__name__, digest)] = (data, text, item)


def _add(content: Content, pf: PackFolder, kind: str, item: Any, data: dict[str, Any], text: str,
         label: str, mine: dict[tuple[str, str], str], problems: list[Problem]) -> None:
    key = (kind, item.id)
    line = top_key_line(text, "id")
    if key in mine:
        problems.append(Problem(label, line, "id", f"duplicate id {item.id!r}: {mine[key]} defines it too "
                                "(ids are unique within a pack; a later pack may replace one by id, or "
                                "change some of its fields with a patch)"))
        return
    mine[key] = label
    replacing = key in content.sources
    if replacing:
        content.overrides.append((kind, item.id, label, content.sources[key][0]))
    getattr(content, kind)[item.id] = item
    content.sources[key] = (label, text)
    content.patch_sources.pop(key, None)
    fields = tuple(k for k in data if k != "id")
    content.touches.setdefault(key, []).append(
        Touch(pf.pack.id, label, line, "replaces" if replacing else "defines", fields))


def _patch(content: Content, pf: PackFolder, kind: str, data: dict[str, Any], text: str, label: str,
           problems: list[Problem]) -> None:
    positions = key_positions(text)
    at = position_of(positions, (PATCH_KEY,))[0]
    if "id" in data:
        problems.append(Problem(label, position_of(positions, ("id",))[0], "id",
                                "a patch names the item it changes with `patch = \"...\"` alone: leave out `id` "
                                "(or leave out `patch` to define a new item)"))
        return
    items = getattr(content, kind)
    target = data.get(PATCH_KEY)
    if not isinstance(target, str) or target not in items:
        what = f"{target!r}" if isinstance(target, str) else "an id"
        problems.append(Problem(label, at, PATCH_KEY, f"no {kind[:-1]} {what} to patch: a patch changes an "
                                "item that an earlier pack (or this one) defines",
                                suggest(target, items) if isinstance(target, str) else ""))
        return
    new = patched(KINDS[kind], items[target], data, text, label, problems)
    if new is not None and kind == "scenarios":
        wrong = scenario_problems(new)  # type: ignore[arg-type]
        for loc, message in wrong:
            line = position_of(positions, loc)[0] if loc[0] in data else at
            problems.append(Problem(label, line, ".".join(map(str, loc)), "after the patch: " + message))
        new = None if wrong else new
    if new is None:
        return
    key = (kind, target)
    items[target] = new
    content.patch_sources.setdefault(key, []).append((label, text, set(data) - {PATCH_KEY}))
    touched = fields_touched(data)
    content.touches.setdefault(key, []).append(Touch(pf.pack.id, label, at, "patches", touched))


def load_content(mod_dirs: Iterable[Path] = ()) -> Content:
    """Load the base pack, then the mod packs in load order. Raises ContentError.

    Every scenario carries the loaded events (a private attribute), so that
    ``build_world(scenario, sectors, firms)`` compiles the events the scenario names.
    """
    from game.content.checks import check_all  # reads the registry of names: imported when needed

    content = Content()
    problems: list[Problem] = []
    folders = read_packs([base_pack_dir(), *map(Path, mod_dirs)], problems)
    for pf in load_order(folders, problems):
        layout_warnings(pf.folder, pf.label, problems)
        load_pack_into(content, pf, problems)
    # References are checked even when some files failed, so every problem shows at once;
    # only "unknown id" noise about the ids of files that failed to read is left out.
    broken = {Path(p.file).stem for p in problems if not p.is_warning}
    found: list[Problem] = []
    check_all(content, found)
    problems += [p for p in found if not any(f"{b!r}" in p.message for b in broken)]
    errors = [p for p in problems if not p.is_warning]
    warnings = [p for p in problems if p.is_warning]
    if errors:
        raise ContentError(errors + warnings)
    content.warnings = warnings
    for sid, sc in content.scenarios.items():
        sc = content.scenarios[sid] = sc.model_copy()  # a copy: read files are shared between loads
        sc._events = dict(content.events)
    return content


MODS_ENV = "ARCHITECT_MODS"


def default_mods_folder() -> Path | None:
    """The mods/ folder packs load from: $ARCHITECT_MODS, else mods/ in a checkout, else the
    per-user data folder's mods/ (the first that exists)."""
    env = os.environ.get(MODS_ENV)
    if env:
        return Path(env).expanduser()
    checkout = Path(__file__).resolve().parent.parent.parent / "mods"
    if checkout.is_dir() and (checkout.parent / "content" / "pack.toml").is_file():
        return checkout
    user = user_data_home() / "mods"
    return user if user.is_dir() else None


def user_data_home() -> Path:
    """The game's per-user data folder ($XDG_DATA_HOME or ~/.local/share, then
    industrial-architect), whether it exists or not."""
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "industrial-architect"


def discover_mods(folder: Path | None = None) -> list[Path]:
    """Packs (folders with a pack.toml) in the mods folder, in name order."""
    folder = default_mods_folder() if folder is None else folder
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if (p / "pack.toml").is_file())
