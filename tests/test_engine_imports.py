"""The engine's modules import each other in layers (game/engine/__init__.py): counting the
imports inside functions too, they form no cycle, apart from the ones listed here while
they wait to be moved down a layer."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "game" / "engine"
# Imports inside a function that still close a cycle; each goes when its mechanics move down.
PENDING = {
    ("game.engine.events.effects", "game.engine.actions"): "invest and rescue mechanics move below events",
    ("game.engine.rivals", "game.engine.actions"): "the rivals' moves call the actions",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ENGINE.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def engine_modules() -> dict[str, Path]:
    return {module_name(p): p for p in ENGINE.rglob("*.py")}


def imports(path: Path, known: set[str]) -> set[str]:
    """The engine modules a file imports, at the top or inside a function."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("game.engine"):
            subs = {f"{node.module}.{a.name}" for a in node.names} & known
            out |= subs or ({node.module} & known)
    return out


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of the graph, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                return path[path.index(n):] + [n]
            if n not in state and (found := visit(n)) is not None:
                return found
        path.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)) is not None:
            return found
    return None


def engine_graph() -> dict[str, set[str]]:
    modules = engine_modules()
    return {m: imports(p, set(modules)) - {m} for m, p in modules.items()}


def test_the_engine_has_no_import_cycle():
    graph = engine_graph()
    for (importer, imported) in PENDING:
        graph[importer].discard(imported)
    assert cycle(graph) is None


def test_the_check_finds_a_cycle_when_there_is_one():
    graph = engine_graph()
    assert "game.engine.events.compile" in graph["game.engine.build"] | graph["game.engine.events"]
    graph["game.engine.world"].add("game.engine.build")  # as when world.py built worlds itself
    found = cycle(graph)
    assert found is not None and found[0] == found[-1] and "game.engine.world" in found
