"""Conditions: content's condition tables compiled into small trees over registered metrics,
and evaluated for every index a :class:`~game.engine.registry.Ctx` binds at once.

Nothing from a file is evaluated as code: a tree holds metric getters from the registry,
numbers and flag indices. A comparison may name a fixed firm or sector (``firm = "id"``)
that overrides the scope's; one naming a firm or sector the scenario lacks never holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from game.content.schema import AllOf, AnyOf, Between, Compare, FlagIs, NotOf
from game.engine.registry import METRICS, Ctx
from game.engine.world import World

OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
    "==": np.equal, "!=": np.not_equal}


@dataclass(frozen=True)
class Compared:
    """A metric against a number (``op`` one of OPS), or within [lo, hi] when ``op`` is None."""

    scope: str  # the metric's scope: game, city, sector or firm
    get: Callable[[Ctx], Any]
    op: Callable[[Any, Any], Any] | None
    value: float = 0.0
    lo: float = -np.inf
    hi: float = np.inf
    firm: int | None = None  # a fixed firm slot the comparison reads instead of the scope's
    sector: int | None = None  # a fixed sector, likewise

    def holds(self, ctx: Ctx) -> Any:
        v = self.get(with_fixed(ctx, self.firm, self.sector))
        return self.op(v, self.value) if self.op is not None else (v >= self.lo) & (v <= self.hi)


@dataclass(frozen=True)
class AllOfThese:
    parts: tuple[Node, ...]

    def holds(self, ctx: Ctx) -> Any:
        out: Any = True
        for part in self.parts:
            out = out & part.holds(ctx)
            if not np.any(out):  # nothing can hold any more: skip the rest
                return out
        return out


@dataclass(frozen=True)
class AnyOfThese:
    parts: tuple[Node, ...]

    def holds(self, ctx: Ctx) -> Any:
        out: Any = False
        for part in self.parts:
            out = out | part.holds(ctx)
        return out


@dataclass(frozen=True)
class NotThis:
    part: Node

    def holds(self, ctx: Ctx) -> Any:
        return ~np.asarray(self.part.holds(ctx), dtype=bool)


@dataclass(frozen=True)
class Flag:
    index: int  # into State.flags' last axis; -1 for a flag no event sets

    def holds(self, ctx: Ctx) -> Any:
        return ctx.state.flags[ctx.w, ctx.c, self.index] if self.index >= 0 else False


@dataclass(frozen=True)
class Never:
    """A condition that cannot hold here (it reads a firm or sector the scenario lacks)."""

    def holds(self, ctx: Ctx) -> Any:
        return False


Node = Compared | AllOfThese | AnyOfThese | NotThis | Flag | Never
NEVER = Never()


def fixed_indices(world: World, item: Any) -> tuple[int | None, int | None, bool]:
    """The firm slot and sector an item (a comparison or an effect) names by id, and whether
    the scenario has them; a named firm brings its sector."""
    f = s = None
    if getattr(item, "firm", None) is not None:
        f = world.firm_index.get(item.firm)
        if f is None:
            return None, None, False
        s = int(world.firm_sector[f])
    if getattr(item, "sector", None) is not None:
        s = world.sector_index.get(item.sector)
        if s is None:
            return None, None, False
    return f, s, True


def compile_node(world: World, c: Any, flag_index: Callable[[str], int]) -> Node:
    """A content condition as a tree; ``flag_index`` gives each flag name its index."""
    if isinstance(c, AllOf):
        return AllOfThese(tuple(compile_node(world, x, flag_index) for x in c.all))
    if isinstance(c, AnyOf):
        return AnyOfThese(tuple(compile_node(world, x, flag_index) for x in c.any))
    if isinstance(c, NotOf):
        return NotThis(compile_node(world, c.not_, flag_index))
    if isinstance(c, FlagIs):
        return Flag(flag_index(c.flag))
    f, s, ok = fixed_indices(world, c)
    if not ok:
        return NEVER
    metric = METRICS[c.metric]
    if isinstance(c, Compare):
        return Compared(metric.scope, metric.get, OPS[c.op], float(c.value), firm=f, sector=s)
    assert isinstance(c, Between)
    return Compared(metric.scope, metric.get, None, lo=-np.inf if c.min is None else float(c.min),
                    hi=np.inf if c.max is None else float(c.max), firm=f, sector=s)


def compile_condition(world: World, cond: Any) -> Node:
    """A content condition compiled for ``world`` (milestones, bots), to evaluate with
    :func:`holds`. Flags keep the indices of the world's compiled events; a flag no event
    sets never holds."""
    known = world.event_table.flags if world.event_table is not None else ()
    index = {name: i for i, name in enumerate(known)}
    return compile_node(world, cond, lambda name: index.get(name, -1))


# ----- evaluation ------------------------------------------------------------------------------


def with_fixed(ctx: Ctx, f: int | None, s: int | None) -> Ctx:
    """``ctx`` reading a fixed firm slot or sector instead of the bound one (None: as bound)."""
    if f is None and s is None:
        return ctx
    return Ctx(ctx.world, ctx.state, ctx.w, ctx.c, ctx.f if f is None else np.int64(f),
               ctx.s if s is None else np.int64(s), ctx.memo)


def holds(node: Node | None, ctx: Ctx) -> Any:
    """Whether a compiled condition holds, for every index the context binds (a bool or a
    bool array of their broadcast shape); no condition (None) always holds."""
    return True if node is None else node.holds(ctx)


# ----- splitting a trigger by what it reads ---------------------------------------------------


def reads_only(node: Node, scopes: tuple[str, ...], fixed_count: bool = False) -> bool:
    """Whether a condition reads nothing but metrics of these scopes (flags count as the
    city's); with ``fixed_count`` a comparison naming its own firm or sector counts too."""
    if isinstance(node, AllOfThese | AnyOfThese):
        return all(reads_only(n, scopes, fixed_count) for n in node.parts)
    if isinstance(node, NotThis):
        return reads_only(node.part, scopes, fixed_count)
    if isinstance(node, Compared):
        return node.scope in scopes or (fixed_count and (
            node.firm is not None or (node.scope == "sector" and node.sector is not None)))
    if isinstance(node, Flag):
        return "city" in scopes
    return True  # Never


def _parts(node: Node | None) -> list[Node]:
    return [] if node is None else list(node.parts) if isinstance(node, AllOfThese) else [node]


def _join(parts: list[Node]) -> Node | None:
    return None if not parts else parts[0] if len(parts) == 1 else AllOfThese(tuple(parts))


def split(node: Node | None, keep: Callable[[Node], bool]) -> tuple[Node | None, Node | None]:
    """(the parts of a top-level "all" that ``keep`` accepts, the rest), each None when empty."""
    parts = _parts(node)
    return _join([p for p in parts if keep(p)]), _join([p for p in parts if not keep(p)])
