"""Load content packs from TOML into validated pydantic models.

Every problem becomes a :class:`Problem` naming the file, the line (where it can be
found), the dotted key and what was expected. All problems of a pack are collected
before :class:`ContentError` is raised, so a modder sees them all at once.
Nothing read from a file is ever evaluated as code.
"""

from __future__ import annotations

import importlib.util
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from game.content.locate import inline_offset, keys_of, line_of_offset, suggest, walk
from game.content.schema import BotDef, EventDef, FirmDef, PackDef, ScenarioDef, SectorDef

MAX_FILE_BYTES = 256 * 1024  # a content file larger than this is refused

KINDS: dict[str, type[BaseModel]] = {
    "sectors": SectorDef,
    "firms": FirmDef,
    "scenarios": ScenarioDef,
    "events": EventDef,
    "bots": BotDef,
}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    key: str
    message: str
    hint: str = ""  # e.g. "; did you mean 'demand_bn'?"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key or '(file)'}: {self.message}{self.hint}"


class ContentError(Exception):
    """One or more content files are wrong; ``problems`` lists each one."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Content:
    """Everything loaded from the packs, by id, after overrides."""

    packs: list[PackDef] = field(default_factory=list)
    sectors: dict[str, SectorDef] = field(default_factory=dict)
    firms: dict[str, FirmDef] = field(default_factory=dict)
    scenarios: dict[str, ScenarioDef] = field(default_factory=dict)
    events: dict[str, EventDef] = field(default_factory=dict)
    bots: dict[str, BotDef] = field(default_factory=dict)
    # where each item came from: (kind, id) -> (file label, file text), for error lines
    sources: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    # (kind, id, file that won, file it replaced) for every override between packs
    overrides: list[tuple[str, str, str, str]] = field(default_factory=list)
    # files that failed their schema, as (kind, label, data, text): their parts are still
    # reference-checked so that every problem shows at once
    unvalidated: list[tuple[str, str, dict[str, Any], str]] = field(default_factory=list)
    pack_dirs: list[Path] = field(default_factory=list)  # in load order, beside ``packs``

    def problem(self, kind: str, item_id: str, loc: tuple[Any, ...], message: str) -> Problem:
        """A problem located at ``loc`` inside the file that defined ``item_id``."""
        label, text = self.sources.get((kind, item_id), (f"{kind}/{item_id}", ""))
        line = find_key_line(text, loc) if text else None
        return Problem(label, line, ".".join(str(k) for k in loc), message)

    def scenario(self, scenario_id: str) -> ScenarioDef:
        try:
            return self.scenarios[scenario_id]
        except KeyError:
            known = ", ".join(sorted(self.scenarios))
            raise ContentError(
                [Problem("(scenarios)", None, "id", f"no scenario {scenario_id!r}; known: {known}")]
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


def _toml_line_of_error(message: str) -> int | None:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else None


def find_key_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort line number of a dotted key path such as ("cities", 1, "gdp_bn").

    Walks the file's table headers the way TOML nests them; good enough to point a
    person at the right line, which is all it is for.
    """
    lines = text.splitlines()
    keys = [k for k in loc if isinstance(k, str)]
    index_of = {k: loc[i + 1] for i, k in enumerate(loc[:-1]) if isinstance(loc[i + 1], int)}
    if not keys:
        return None
    # Find the table that holds the key: walk headers such as [[cities]] counting repeats.
    start, end = 0, len(lines)
    for depth, key in enumerate(keys[:-1]):
        header_re = re.compile(r"^\s*\[\[?\s*" + re.escape(".".join(keys[: depth + 1])) + r"\s*\]\]?\s*(#.*)?$")
        hits = [i for i in range(start, end) if header_re.match(lines[i])]
        if hits:
            n = index_of.get(key, 0)
            if n < len(hits):
                start = hits[n]
                nxt = [i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")
                       and not lines[i].lstrip().startswith("[" + ".".join(keys[: depth + 1]) + ".")]
                end = nxt[0] if nxt else len(lines)
                continue
        inline = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
        for i in range(start, end):
            if inline.match(lines[i]):
                return _inside_inline(text, lines, i, loc, key, depth) or i + 1
        return None
    last = keys[-1]
    key_re = re.compile(r"^\s*" + re.escape(last) + r"\s*=|[{,]\s*" + re.escape(last) + r"\s*=")
    own_line = re.compile(r"^\s*" + re.escape(last) + r"\s*=")
    for i in range(start, end):
        if key_re.search(lines[i]):
            if own_line.match(lines[i]) and not isinstance(loc[-1], str):
                return _inside_inline(text, lines, i, loc, last, len(keys) - 1) or i + 1
            return i + 1
    return start + 1 if start else None


def _inside_inline(text: str, lines: list[str], i: int, loc: tuple[Any, ...], key: str,
                   depth: int) -> int | None:
    """The line of the rest of ``loc`` inside the inline value of ``key`` (on line ``i``)."""
    # the components of loc after this key: skip past the ``depth``-th string key
    seen, at = -1, None
    for n, comp in enumerate(loc):
        if isinstance(comp, str):
            seen += 1
            if seen == depth and comp == key:
                at = n
                break
    if at is None or at + 1 >= len(loc):
        return None
    offset = sum(len(line) + 1 for line in lines[:i]) + lines[i].index("=") + 1
    found = inline_offset(text, offset, tuple(loc[at + 1:]))
    return line_of_offset(text, found) if found is not None else None


def read_toml(path: Path, label: str, problems: list[Problem]) -> tuple[dict[str, Any], str] | None:
    """Parse one TOML file, appending problems instead of raising."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(label, None, "", f"file is {size} bytes; the limit is {MAX_FILE_BYTES}"))
            return None
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(label, None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
        return None
    except OSError as exc:
        problems.append(Problem(label, None, "", f"cannot read: {exc.strerror or exc}"))
        return None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        problems.append(Problem(label, _toml_line_of_error(msg), "", f"TOML syntax: {msg}"))
        return None
    except RecursionError:
        problems.append(Problem(label, None, "", "TOML nests too deeply to read"))
        return None


def _describe(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    return str(err.get("msg", "invalid value"))


def validate(model: type[BaseModel], data: dict[str, Any], text: str, label: str,
             problems: list[Problem]) -> BaseModel | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc, holders = walk(model, tuple(err.get("loc", ())))
            key = ".".join(str(k) for k in loc)
            line = find_key_line(text, loc) if loc else None
            hint = ""
            if err.get("type") == "union_tag_invalid":
                ctx = err.get("ctx") or {}
                hint = suggest(str(ctx.get("tag", "")), re.findall(r"'([^']+)'", str(ctx.get("expected_tags", ""))))
            if err.get("type") == "extra_forbidden" and loc and isinstance(loc[-1], str):
                hint = suggest(loc[-1], keys_of(holders))
                if len(loc) > 1 and loc[-1] in keys_of([model]) and loc[-1] not in keys_of(holders):
                    hint = (f"; {loc[-1]} is a key of the whole file: move it above the first "
                            "[table] header (in TOML, keys after a header belong to that table)")
            problems.append(Problem(label, line, key, _describe(err), hint))
        return None


def load_pack_into(content: Content, pack_dir: Path, problems: list[Problem]) -> None:
    """Load one pack; later packs override earlier ones by id."""
    pack_dir = Path(pack_dir)
    name = pack_dir.name
    meta = pack_dir / "pack.toml"
    if not meta.is_file():
        problems.append(Problem(str(pack_dir), None, "", "not a content pack: pack.toml is missing"))
        return
    parsed = read_toml(meta, f"{name}/pack.toml", problems)
    if parsed is not None:
        pack = validate(PackDef, parsed[0], parsed[1], f"{name}/pack.toml", problems)
        if pack is not None:
            _check_requires(content, pack, parsed[1], f"{name}/pack.toml", problems)  # type: ignore[arg-type]
            content.packs.append(pack)  # type: ignore[arg-type]
            content.pack_dirs.append(pack_dir)
    mine: dict[tuple[str, str], str] = {}  # ids this pack defines, to catch duplicates within it
    for kind, model in KINDS.items():
        folder = pack_dir / kind
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            label = f"{name}/{kind}/{path.name}"
            parsed = read_toml(path, label, problems)
            if parsed is None:
                continue
            item = validate(model, parsed[0], parsed[1], label, problems)
            if item is None:
                content.unvalidated.append((kind, label, parsed[0], parsed[1]))
                continue
            key = (kind, item.id)  # type: ignore[attr-defined]
            if key in mine:
                problems.append(Problem(label, find_key_line(parsed[1], ("id",)), "id",
                                        f"duplicate id {item.id!r}: {mine[key]} defines it too (ids are "  # type: ignore[attr-defined]
                                        "unique within a pack; a later pack may override one by id)"))
                continue
            mine[key] = label
            if key in content.sources:
                content.overrides.append((kind, item.id, label, content.sources[key][0]))  # type: ignore[attr-defined]
            getattr(content, kind)[item.id] = item  # type: ignore[attr-defined]
            content.sources[key] = (label, parsed[1])


def _check_requires(content: Content, pack: PackDef, text: str, label: str, problems: list[Problem]) -> None:
    """A pack may require packs by id; they must be loaded before it."""
    loaded = [p.id for p in content.packs]
    for i, req in enumerate(pack.requires):
        if req not in loaded:
            order = " -> ".join([*loaded, pack.id])
            problems.append(Problem(label, find_key_line(text, ("requires", i)), f"requires.{i}",
                                    f"needs the pack {req!r} loaded before it; the load order is {order}"
                                    + suggest(req, loaded)))


def check_references(content: Content, problems: list[Problem]) -> None:
    """Every id a file names must exist, and a scenario's firms must fit the scenario."""
    for firm in content.firms.values():
        if firm.sector not in content.sectors:
            problems.append(content.problem("firms", firm.id, ("sector",), f"unknown sector {firm.sector!r}"))
    for sector in content.sectors.values():
        for i, dep in enumerate(sector.inputs):
            if dep not in content.sectors:
                problems.append(content.problem("sectors", sector.id, ("inputs", i), f"unknown sector {dep!r}"))
    for sc in content.scenarios.values():
        city_ids = {c.id for c in sc.cities}

        def bad(loc: tuple[Any, ...], message: str, sc: ScenarioDef = sc) -> None:
            problems.append(content.problem("scenarios", sc.id, loc, message))

        for i, sid in enumerate(sc.sectors):
            if sid not in content.sectors:
                bad(("sectors", i), f"unknown sector {sid!r}")
        for i, fid in enumerate(sc.firms):
            firm = content.firms.get(fid)
            if firm is None:
                bad(("firms", i), f"unknown firm {fid!r}")
                continue
            if firm.sector not in sc.sectors:
                bad(("firms", i), f"firm {fid!r} is in sector {firm.sector!r}, which the scenario does not include")
            if firm.city not in city_ids:
                bad(("firms", i), f"firm {fid!r} is in city {firm.city!r}, which the scenario does not include")
            if firm.arrives_turn >= sc.turns:
                bad(("firms", i), f"firm {fid!r} arrives on turn {firm.arrives_turn}, after the last turn {sc.turns - 1}")
        _check_moves(content, sc, problems)
        _check_milestones(content, sc, problems)
    _check_bots(content, problems)
    from game.content.event_checks import check_events  # needs the engine's registry

    check_events(content, problems)


def _check_milestones(content: Content, sc: ScenarioDef, problems: list[Problem]) -> None:
    """Milestones come within the scenario, once each, and read registered city metrics."""
    from game.engine.registry import METRICS  # the engine's registry, imported late

    def bad(loc: tuple[Any, ...], message: str) -> None:
        problems.append(content.problem("scenarios", sc.id, loc, message))

    seen: set[str] = set()
    first = sc.start_year * 4 + sc.start_quarter - 1
    for i, m in enumerate(sc.milestones):
        if m.id in seen:
            bad(("milestones", i, "id"), f"milestone id {m.id!r} is used twice")
        seen.add(m.id)
        when = m.when
        turn = when.turn
        if when.year is not None:
            turn = when.year * 4 + (when.quarter or 1) - 1 - first
        if turn is not None and not 0 <= turn < sc.turns:
            bad(("milestones", i, "when"), f"comes on turn {turn}, outside the scenario's turns 0 to {sc.turns - 1}")
        for loc, metric in _condition_metrics(when.condition, ("milestones", i, "when", "condition")):
            spec = METRICS.get(metric)
            if spec is None:
                bad(loc, f"unknown metric {metric!r}")
            elif spec.scope not in ("game", "city"):
                bad(loc, f"{metric} is a {spec.scope} metric: a milestone reads game.* and city.* metrics")


def _check_bots(content: Content, problems: list[Problem]) -> None:
    """A bot's rules read registered city metrics and name sectors some pack defines."""
    from game.engine.registry import METRICS  # the engine's registry, imported late

    for bot in content.bots.values():
        for i, rule in enumerate(bot.rules):
            for loc, metric in _condition_metrics(rule.when, ("rules", i, "when")):
                spec = METRICS.get(metric)
                if spec is None:
                    problems.append(content.problem("bots", bot.id, loc, f"unknown metric {metric!r}"))
                elif spec.scope not in ("game", "city"):
                    problems.append(content.problem("bots", bot.id, loc,
                                                    f"{metric} is a {spec.scope} metric: a bot reads game.* and city.*"))
            for key, sid in [("sector", rule.sector), *(("sectors", s) for s in rule.sectors)]:
                if sid is not None and sid not in content.sectors:
                    problems.append(content.problem("bots", bot.id, ("rules", i, key), f"unknown sector {sid!r}"))


def _condition_metrics(cond: Any, loc: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], str]]:
    """Every metric a condition reads, with where it sits."""
    if cond is None:
        return []
    for key in ("all", "any"):
        if hasattr(cond, key) and isinstance(getattr(cond, key), list):
            return [hit for k, sub in enumerate(getattr(cond, key)) for hit in _condition_metrics(sub, (*loc, key, k))]
    if hasattr(cond, "not_"):
        return _condition_metrics(cond.not_, (*loc, "not"))
    metric = getattr(cond, "metric", None)
    return [((*loc, "metric"), metric)] if metric else []


def _check_moves(content: Content, sc: ScenarioDef, problems: list[Problem]) -> None:
    """Historical moves must be valid actions naming the scenario's own firms and sectors."""
    from game.engine.actions import parse_action  # the engine's vocabulary, imported late

    def bad(loc: tuple[Any, ...], message: str) -> None:
        problems.append(content.problem("scenarios", sc.id, loc, message))

    for i, move in enumerate(sc.historical_moves):
        loc = ("historical_moves", i, "action")
        try:
            action = parse_action(move.action)
        except ValidationError as exc:
            for err in exc.errors():
                bad(loc + tuple(err.get("loc", ())), _describe(err))
            continue
        firm = getattr(action, "firm", None)
        if firm is not None and firm not in sc.firms:
            bad(loc, f"firm {firm!r} is not in the scenario's firms")
        sector = getattr(action, "sector", None)
        if sector is not None and sector not in sc.sectors:
            bad(loc, f"sector {sector!r} is not in the scenario's sectors")
        if move.turn >= sc.turns:
            bad(("historical_moves", i, "turn"), f"turn {move.turn} is after the last turn {sc.turns - 1}")


def load_content(mod_dirs: Iterable[Path] = ()) -> Content:
    """Load the base pack, then each mod pack in order. Raises ContentError.

    Every scenario carries the loaded events (a private attribute), so that
    ``build_world(scenario, sectors, firms)`` compiles the events the scenario names.
    """
    content = Content()
    problems: list[Problem] = []
    for pack_dir in [base_pack_dir(), *map(Path, mod_dirs)]:
        load_pack_into(content, pack_dir, problems)
    # References are checked even when some files failed, so every problem shows at once;
    # only "unknown id" noise about the ids of files that failed to read is left out.
    broken = {Path(p.file).stem for p in problems}
    found: list[Problem] = []
    check_references(content, found)
    problems += [p for p in found if not any(f"{b!r}" in p.message for b in broken)]
    if problems:
        raise ContentError(problems)
    for sc in content.scenarios.values():
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
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    user = base / "industrial-architect" / "mods"
    return user if user.is_dir() else None


def discover_mods(folder: Path | None = None) -> list[Path]:
    """Packs (folders with a pack.toml) in the mods folder, in name order."""
    folder = default_mods_folder() if folder is None else folder
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if (p / "pack.toml").is_file())
