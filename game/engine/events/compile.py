"""Event definitions (content) compiled once per World into tables: index arrays for the
scope's candidates, condition trees (conditions.py) and effects that name state fields.

A trigger is split by what it reads, so the per-quarter work starts with the cheapest part:
the game-level part (the date, the macro cycle) once for every world, then the part that
reads only the world and the city, and only then the part that reads the scope's
candidate firms or sectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from game.content.schema import (
    AddEffect,
    EventDef,
    FirmDef,
    FlagEffect,
    InvestEffect,
    ModifierEffect,
    MultiplyEffect,
    QueueEffect,
    SetEffect,
    SpawnEffect,
    StakeEffect,
)
from game.engine.events.conditions import Node, compile_node, fixed_indices, reads_only, split
from game.engine.registry import FIELDS, METRICS, STAGES, FieldSpec
from game.engine.world import (
    BUILDING,
    DISTRESSED,
    LISTED,
    N_STAGES,
    OPERATING,
    PROSPECT,
    RAMPING,
    World,
)

NO_TARGET = np.array([-1], dtype=np.int64)  # the one "candidate" of an event without a scope
# a firm scope without ``stages``: prospect to listed, and distressed
SCOPE_STAGES = np.array([PROSPECT, BUILDING, RAMPING, OPERATING, LISTED, DISTRESSED])


@dataclass(frozen=True)
class CEffect:
    kind: str  # add, multiply, set, stake, invest, spawn, set_flag, clear_flag, modifier, queue
    spec: FieldSpec | None = None
    value: float = 0.0
    per: Any = None  # a metric getter
    fixed_f: int | None = None
    fixed_s: int | None = None
    flag: int = -1
    template: int = -1  # index into World.templates
    template_sector: int = -1
    where_firm: bool = False
    pay: bool = False
    modifier: int = -1
    multiply: bool = False
    turns: int = 0
    event: int = -1
    after: int = 0
    inherit: str = "none"  # how a queued event inherits the binding: none, same, sector


@dataclass(frozen=True)
class COption:
    label: str
    description: str
    condition: Node | None
    effects: tuple[CEffect, ...]
    follow_up: CEffect | None
    boldness: float


@dataclass(frozen=True)
class CEvent:
    index: int
    id: str
    definition: EventDef
    scope: str  # none, firm, sector
    candidates: np.ndarray  # [K] firm slots or sectors (NO_TARGET without a scope)
    stage_ok: np.ndarray  # [N_STAGES] bool lookup by stage code (every stage outside a firm scope)
    where: str  # firm scope: own, rival or any city's firms; "any" outside a firm scope
    held: bool | None  # firm scope: only firms the city holds (True) or does not (False)
    pick: str  # first, max or min
    by: Any  # the metric getter pick ranks by, or None
    trigger: Node | None
    game_trigger: Node | None  # the part that reads only game.* metrics: the same in every world
    world_trigger: Node | None  # the part that does not depend on the scope's candidates
    cand_trigger: Node | None  # the part that does (None: nothing)
    once: bool
    cooldown: int
    cities: str  # "player" (cities people play), "rivals" (the computer's) or "all"
    effects: tuple[CEffect, ...]
    options: tuple[COption, ...]
    ai_default: int
    rival_choice: dict[str, int]
    stage_bits: int = 0  # firm scope: the (sector, stage) bits (binding.presence_bit) it accepts


@dataclass(frozen=True)
class EventTable:
    events: tuple[CEvent, ...]
    index: dict[str, int]
    p: np.ndarray  # [E] chance per quarter (0: only when queued)
    once: np.ndarray  # [E] bool
    cooldown: np.ndarray  # [E] int
    for_people: np.ndarray  # [E] bool: evaluated for cities people play
    for_computer: np.ndarray  # [E] bool: evaluated for cities the computer plays
    flags: tuple[str, ...]
    n_modifiers: int
    modifier_spec: tuple[tuple[FieldSpec, bool], ...] = field(default=())  # (field, multiply) by modifier

    @property
    def n(self) -> int:
        return len(self.events)

    @cached_property
    def thresholds(self) -> np.ndarray:
        """[2, E] float32: the least float32 at or above each event's chance, for the
        computer's cities (row 0) and people's (row 1); 0 where the event is not rolled
        for them. A float32 draw is below the chance exactly when it is below this."""
        p32 = self.p.astype(np.float32)
        p32 = np.where(p32 < self.p, np.nextafter(p32, np.float32(np.inf)), p32)
        rolled = self.p > 0
        return np.stack([np.where(rolled & self.for_computer, p32, np.float32(0.0)),
                         np.where(rolled & self.for_people, p32, np.float32(0.0))]).astype(np.float32)


def select(scenario: Any, events: dict[str, EventDef]) -> list[EventDef]:
    """The events a scenario names ("all", or a list of ids), in order of id."""
    chosen = events if scenario.events == "all" else {k: events[k] for k in scenario.events if k in events}
    return [chosen[k] for k in sorted(chosen)]


def compile_events(world: World, defs: list[EventDef],
                   firms: dict[str, FirmDef]) -> tuple[EventTable, tuple[FirmDef, ...]]:
    """Compile event definitions against a world; returns the table and the spawn templates."""
    return _Compiler(world, defs, firms).run()


def chance(d: EventDef) -> float:
    """The chance per quarter (``chance``, or one over ``mtth`` quarters); 0 for an event
    that fires only when another queues it."""
    if d.chance is not None:
        return float(d.chance)
    if d.mtth is not None:
        return 1.0 / float(d.mtth)
    return 0.0


def stage_bits(sectors: np.ndarray, stage_ok: np.ndarray) -> int:
    """Bits (sector * N_STAGES + stage) of the (sector, stage) pairs a firm-scoped event accepts."""
    bits = 0
    for s in np.unique(sectors):
        for k in np.nonzero(stage_ok)[0]:
            bits |= 1 << (int(s) * N_STAGES + int(k))
    return bits


def split_trigger(trigger: Node | None, scope: str) -> tuple[Node | None, Node | None, Node | None]:
    """(game-level, world-level, candidate-level) parts of a trigger. The world-level part
    reads game and city metrics, flags, and metrics of a firm or sector the condition names
    itself; without a scope the whole trigger is world-level."""
    if scope == "none":
        world_part, cand_part = trigger, None
    else:
        world_part, cand_part = split(trigger, lambda n: reads_only(n, ("game", "city"), fixed_count=True))
    game_part, world_part = split(world_part, lambda n: reads_only(n, ("game",)))
    return game_part, world_part, cand_part


class _Compiler:
    def __init__(self, world: World, defs: list[EventDef], firms: dict[str, FirmDef]):
        self.world, self.defs, self.firms = world, defs, firms
        self.index = {d.id: i for i, d in enumerate(defs)}
        self.flags: dict[str, int] = {}
        self.templates: list[FirmDef] = []
        self.modifiers: list[tuple[FieldSpec, bool]] = []

    def run(self) -> tuple[EventTable, tuple[FirmDef, ...]]:
        events = tuple(self._event(i, d) for i, d in enumerate(self.defs))
        p = np.array([chance(d) for d in self.defs], dtype=np.float64)
        once = np.array([d.once for d in self.defs], dtype=bool)
        cooldown = np.array([d.cooldown for d in self.defs], dtype=np.int64)
        people = np.array([d.cities in ("player", "all") for d in self.defs], dtype=bool)
        computer = np.array([d.cities in ("rivals", "all") for d in self.defs], dtype=bool)
        table = EventTable(events, dict(self.index), p, once, cooldown, people, computer, tuple(self.flags),
                           len(self.modifiers), tuple(self.modifiers))
        return table, tuple(self.templates)

    def _cond(self, c: Any) -> Node | None:
        return None if c is None else compile_node(self.world, c, self._flag)

    def _flag(self, name: str) -> int:
        return self.flags.setdefault(name, len(self.flags))

    def _event(self, i: int, d: EventDef) -> CEvent:
        w, scope = self.world, d.scope
        kind = scope.kind if scope else "none"
        sectors = [w.sector_index[s] for s in scope.sectors if s in w.sector_index] \
            if scope and scope.sectors else list(range(w.n_sectors))
        stage_ok = np.ones(N_STAGES, dtype=bool)
        if kind == "firm":
            cand = np.nonzero(np.isin(w.firm_sector, sectors))[0].astype(np.int64)
            stage_ok[:] = False
            stage_ok[[STAGES[s] for s in scope.stages] if scope.stages else SCOPE_STAGES] = True
        elif kind == "sector":
            cand = np.array(sectors, dtype=np.int64)
        else:
            cand = NO_TARGET
        trigger = self._cond(d.trigger)
        game_part, world_part, cand_part = split_trigger(trigger, kind)
        return CEvent(
            index=i, id=d.id, definition=d, scope=kind, candidates=cand, stage_ok=stage_ok,
            where=scope.where if kind == "firm" else "any", held=scope.held if kind == "firm" else None,
            pick=scope.pick if scope else "first", by=METRICS[scope.by].get if scope and scope.by else None,
            trigger=trigger, game_trigger=game_part, world_trigger=world_part, cand_trigger=cand_part,
            once=d.once, cooldown=d.cooldown, cities=d.cities,
            effects=self._effects(d.effects, kind),
            options=tuple(self._option(o, kind) for o in d.options),
            ai_default=d.ai_default, rival_choice=dict(d.rival_choice),
            stage_bits=stage_bits(w.firm_sector[cand], stage_ok) if kind == "firm" else 0)

    def _effects(self, items: Any, kind: str) -> tuple[CEffect, ...]:
        return tuple(e for e in (self._effect(x, kind) for x in items) if e is not None)

    def _option(self, o: Any, kind: str) -> COption:
        follow = None if o.follow_up is None else self._queue(o.follow_up.event, o.follow_up.after, kind)
        # how bold a bet the option is, for the computer's herd-chasers and cautious cities
        bold = sum(1.0 for x in o.effects if (isinstance(x, StakeEffect) and x.change > 0)
                   or isinstance(x, SpawnEffect | InvestEffect)
                   or (isinstance(x, AddEffect) and x.value > 0 and x.field in ("firm.cash_bn", "sector.fund_bn")))
        return COption(o.label, o.description, self._cond(o.condition), self._effects(o.effects, kind), follow, bold)

    def _queue(self, event_id: str, after: int, kind: str) -> CEffect | None:
        target = self.index.get(event_id)
        if target is None:
            return None  # the scenario does not include that event
        theirs = self.defs[target].scope
        tkind = theirs.kind if theirs else "none"
        inherit = "same" if tkind == kind and kind != "none" else \
            "sector" if (kind == "firm" and tkind == "sector") else "none"
        return CEffect("queue", event=target, after=int(after), inherit=inherit)

    def _effect(self, x: Any, kind: str) -> CEffect | None:
        if isinstance(x, QueueEffect):
            return self._queue(x.event, x.after, kind)
        if isinstance(x, FlagEffect):
            return CEffect(x.op, flag=self._flag(x.flag))
        if isinstance(x, SpawnEffect):
            tpl = self.firms[x.template]
            s = self.world.sector_index.get(tpl.sector)
            if s is None:
                return None  # no room for that sector in this scenario
            if tpl not in self.templates:
                self.templates.append(tpl)
            return CEffect("spawn", template=self.templates.index(tpl), template_sector=s,
                           where_firm=x.where == "firm")
        f, s, ok = fixed_indices(self.world, x)
        if not ok:
            return None  # it names a firm or sector this scenario does not have
        if isinstance(x, StakeEffect):
            return CEffect("stake", value=float(x.change), pay=x.pay, fixed_f=f)
        if isinstance(x, InvestEffect):
            per = METRICS[x.per].get if x.per else None
            return CEffect("invest", value=float(x.amount), per=per, fixed_f=f)
        spec = FIELDS[x.field]
        if isinstance(x, ModifierEffect):
            mult = x.multiply is not None
            self.modifiers.append((spec, mult))
            return CEffect("modifier", spec=spec, value=float(x.multiply if mult else x.add),
                           multiply=mult, turns=int(x.turns), modifier=len(self.modifiers) - 1,
                           fixed_f=f, fixed_s=s)
        per = METRICS[x.per].get if isinstance(x, AddEffect) and x.per else None
        op = "add" if isinstance(x, AddEffect) else "multiply" if isinstance(x, MultiplyEffect) else "set"
        assert isinstance(x, AddEffect | MultiplyEffect | SetEffect)
        return CEffect(op, spec=spec, value=float(x.value), per=per, fixed_f=f, fixed_s=s)

