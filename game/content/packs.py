"""Which packs load, in which order, and what in a pack folder the loader never reads.

The order is sorted from each pack's ``requires`` (packs that must be present and load
first) and ``load_after`` (packs it loads after when they are present), keeping the order
given wherever those allow: the base pack, then the mods folder in name order, then each
``--mods DIR``. A pack given twice loads once; two folders with one pack id load the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from game.content.locate import suggest
from game.content.messages import problems_from
from game.content.positions import key_positions, position_of
from game.content.problems import Problem, warning
from game.content.reading import read_toml
from game.content.schema import PackDef

KIND_FOLDERS = ("sectors", "firms", "scenarios", "events", "bots")
# what else a pack folder may hold without a word: the schemas `mods new` writes, docs
QUIET_FOLDERS = ("schema", "docs", "doc", "images", "tests")


@dataclass
class PackFolder:
    """A pack read from its folder: its pack.toml, and the label its files are named by."""

    folder: Path
    pack: PackDef
    text: str
    label: str  # the folder's name, as problems show its files

    def line(self, loc: tuple) -> int:
        return position_of(key_positions(self.text), loc)[0]


def read_packs(folders: list[Path], problems: list[Problem]) -> list[PackFolder]:
    """Each folder's pack.toml, in the order given; repeats and clashing ids warned about."""
    out: list[PackFolder] = []
    seen: dict[Path, Path] = {}
    for folder in folders:
        folder = Path(folder)
        real = folder.resolve()
        if real in seen:
            problems.append(warning(f"{folder}/", None, "", f"this pack folder is given twice (also as "
                                    f"{seen[real]}); it loads once"))
            continue
        seen[real] = folder
        meta = folder / "pack.toml"
        label = folder.name
        if not meta.is_file():
            problems.append(Problem(str(folder), None, "", "not a content pack: pack.toml is missing "
                                    "(`architect mods new NAME` starts one)"))
            continue
        parsed = read_toml(meta, f"{label}/pack.toml", problems)
        if parsed is None:
            continue
        data, text = parsed
        try:
            pack = PackDef.model_validate(data)
        except ValidationError as exc:
            problems += problems_from(exc, PackDef, text, f"{label}/pack.toml")
            # its files are still checked, so that every problem shows at once
            pack = PackDef.model_construct(id=f"({label})", name=label, version="0.0", description="",
                                           requires=[], load_after=[])
        twin = next((p for p in out if p.pack.id == pack.id), None)
        here = PackFolder(folder, pack, text, label if all(p.label != label for p in out) else str(folder))
        if twin is not None:
            problems.append(warning(f"{here.label}/pack.toml", here.line(("id",)), "id",
                                    f"pack id {pack.id!r} is also the id of {twin.folder}; both load, this one "
                                    "later (give each pack its own id, or `requires` cannot tell them apart)"))
        out.append(here)
    return out


def load_order(packs: list[PackFolder], problems: list[Problem]) -> list[PackFolder]:
    """The packs sorted so that each loads after what it requires and what it loads after;
    otherwise in the order given. A missing requirement or a cycle is an error."""
    ids = [p.pack.id for p in packs]
    deps: list[set[int]] = []
    for n, p in enumerate(packs):
        need: set[int] = set()
        for i, req in enumerate(p.pack.requires):
            if req in ids:
                need |= {k for k, other in enumerate(ids) if other == req and k != n}
            else:
                problems.append(Problem(f"{p.label}/pack.toml", p.line(("requires", i)), f"requires.{i}",
                                        f"needs the pack {req!r}, which is not loaded (loaded: "
                                        f"{', '.join(dict.fromkeys(ids))}); add its folder with --mods or to "
                                        "the mods folder", suggest(req, ids)))
        for after in p.pack.load_after:
            need |= {k for k, other in enumerate(ids) if other == after and k != n}
        deps.append(need)
    order: list[int] = []
    left = list(range(len(packs)))
    while left:
        ready = next((n for n in left if deps[n] <= set(order)), None)
        if ready is None:
            cycle = _cycle(deps, left)
            first = packs[cycle[0]]
            nxt = packs[cycle[1]].pack.id
            key = "requires" if nxt in first.pack.requires else "load_after"
            index = getattr(first.pack, key).index(nxt)
            problems.append(Problem(f"{first.label}/pack.toml", first.line((key, index)), f"{key}.{index}",
                                    "the load order has a cycle: " + " -> ".join(ids[n] for n in cycle)
                                    + " (each must load after the next): drop one of these requires or "
                                    "load_after"))
            order += left  # load them in the order given, so the rest can still be checked
            break
        order.append(ready)
        left.remove(ready)
    return [packs[n] for n in order]


def _cycle(deps: list[set[int]], left: list[int]) -> list[int]:
    """A cycle among the packs left, as [a, b, ..., a] (a loads after b, ...)."""
    node, path = left[0], []
    while node not in path:
        path.append(node)
        node = min(d for d in deps[node] if d in left)
    return [*path[path.index(node):], node]


def layout_warnings(folder: Path, label: str, problems: list[Problem]) -> None:
    """Folders and files in a pack that the loader never reads."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name.startswith(".") or name.endswith("~") or name == "pack.toml":
            continue
        if entry.is_dir():
            if name in KIND_FOLDERS or name.lower() in QUIET_FOLDERS:
                if name in KIND_FOLDERS:
                    _kind_folder(entry, f"{label}/{name}", problems)
                continue
            hint = suggest(name.lower(), KIND_FOLDERS)
            problems.append(warning(f"{label}/{name}/", None, "", "unknown folder: the loader never reads "
                                    "it; content goes in " + ", ".join(f"{k}/" for k in KIND_FOLDERS), hint))
        elif _looks_like_content(name):
            problems.append(warning(f"{label}/{name}", None, "", "a content file at the top of a pack is "
                                    "never read: put it in " + ", ".join(f"{k}/" for k in KIND_FOLDERS)))


def _kind_folder(folder: Path, label: str, problems: list[Problem]) -> None:
    for entry in sorted(folder.iterdir()):
        name = entry.name
        if name.startswith(".") or name.endswith("~"):
            continue
        if entry.is_dir():
            problems.append(warning(f"{label}/{name}/", None, "", f"folders inside {folder.name}/ are not "
                                    f"read: put the files straight in {folder.name}/"))
        elif entry.suffix != ".toml":
            if _looks_like_content(name):
                problems.append(warning(f"{label}/{name}", None, "", "not read: only files ending in "
                                        ".toml are content", f"; did you mean {entry.stem.split('.')[0]}.toml?"))
            else:
                problems.append(warning(f"{label}/{name}", None, "", "not read: only files ending in .toml "
                                        "are content (keep notes in the pack's README.md)"))


def _looks_like_content(name: str) -> bool:
    low = name.lower()
    return (low.endswith((".toml", ".tml", ".tmol", ".toml.txt", ".tom", ".tolm", ".tomll", ".ini"))
            and low != "pack.toml")
