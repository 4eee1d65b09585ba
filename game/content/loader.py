"""Load content packs from TOML into validated pydantic models.

Every problem becomes a :class:`Problem` naming the file, the line (where it can be
found), the dotted key and what was expected. All problems of a pack are collected
before :class:`ContentError` is raised, so a modder sees them all at once.
Nothing read from a file is ever evaluated as code.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from game.content.schema import FirmDef, PackDef, ScenarioDef, SectorDef

MAX_FILE_BYTES = 256 * 1024  # a content file larger than this is refused

KINDS: dict[str, type[BaseModel]] = {
    "sectors": SectorDef,
    "firms": FirmDef,
    "scenarios": ScenarioDef,
}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key or '(file)'}: {self.message}"


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
    return Path(str(resources.files("game.basepack")))


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
                return i + 1
        return None
    last = keys[-1]
    key_re = re.compile(r"^\s*" + re.escape(last) + r"\s*=|[{,]\s*" + re.escape(last) + r"\s*=")
    for i in range(start, end):
        if key_re.search(lines[i]):
            return i + 1
    return start + 1 if start else None


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
            loc = tuple(err.get("loc", ()))
            key = ".".join(str(k) for k in loc)
            line = find_key_line(text, loc) if loc else None
            problems.append(Problem(label, line, key, _describe(err)))
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
            content.packs.append(pack)  # type: ignore[arg-type]
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
            if item is not None:
                getattr(content, kind)[item.id] = item  # type: ignore[attr-defined]


def check_references(content: Content, problems: list[Problem]) -> None:
    for firm in content.firms.values():
        if firm.sector not in content.sectors:
            problems.append(Problem(f"firms/{firm.id}", None, "sector", f"unknown sector {firm.sector!r}"))
    for sector in content.sectors.values():
        for dep in sector.inputs:
            if dep not in content.sectors:
                problems.append(Problem(f"sectors/{sector.id}", None, "inputs", f"unknown sector {dep!r}"))
    for sc in content.scenarios.values():
        label = f"scenarios/{sc.id}"
        city_ids = {c.id for c in sc.cities}
        for sid in sc.sectors:
            if sid not in content.sectors:
                problems.append(Problem(label, None, "sectors", f"unknown sector {sid!r}"))
        for fid in sc.firms:
            firm = content.firms.get(fid)
            if firm is None:
                problems.append(Problem(label, None, "firms", f"unknown firm {fid!r}"))
                continue
            if firm.sector not in sc.sectors:
                problems.append(Problem(label, None, "firms", f"firm {fid!r} is in sector {firm.sector!r}, which the scenario does not include"))
            if firm.city not in city_ids:
                problems.append(Problem(label, None, "firms", f"firm {fid!r} is in city {firm.city!r}, which the scenario does not include"))
            if firm.arrives_turn >= sc.turns:
                problems.append(Problem(label, None, "firms", f"firm {fid!r} arrives on turn {firm.arrives_turn}, after the last turn {sc.turns - 1}"))


def load_content(mod_dirs: Iterable[Path] = ()) -> Content:
    """Load the base pack, then each mod pack in order. Raises ContentError."""
    content = Content()
    problems: list[Problem] = []
    for pack_dir in [base_pack_dir(), *map(Path, mod_dirs)]:
        load_pack_into(content, pack_dir, problems)
    if not problems:
        check_references(content, problems)
    if problems:
        raise ContentError(problems)
    return content
