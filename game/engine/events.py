"""The event engine: narrative decisions with mechanical effects, for every world at once.

Events come from content (``events/*.toml``, see docs/modding.md) and are compiled once
per World into index arrays and small trees of conditions over registered metrics
(registry.py); nothing from a file is ever evaluated as code.

Once per quarter, at the end of ``end_turn`` (the new quarter's date), :func:`step` runs
in a fixed order:

1. the player's decisions left open since last quarter take the event's default option;
2. temporary modifiers that have run their course are undone;
3. each event, in order of id: where it is due from a queue, or where its per-quarter
   chance comes up (one pre-drawn uniform per world, quarter and event; shifted by the
   golden ratio for each city) and ``once``/``cooldown`` allow, its scope and trigger are
   evaluated over the candidate worlds as [worlds, cities, candidates] masks; where it
   holds it fires: the first (or best-ranked) match binds the firm or sector, the event's
   own effects apply, cities people play get a pending decision and each city the
   computer plays answers at once by its archetype's fixed rule.

People answer with a ``choose_event`` decision (``choose``), recorded in the action log,
so replays stay deterministic; a decision left open takes the event's default at the next
quarter's end (which is what a batch of worlds played by bots gets, unless its bots call
``answer_pending``). Every city people play (``State.human``: the player's, and in
hot-seat games others) gets decisions; the computer's cities answer at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from game.content.schema import (
    AddEffect,
    AllOf,
    AnyOf,
    Compare,
    EventDef,
    FirmDef,
    FlagEffect,
    FlagIs,
    InvestEffect,
    ModifierEffect,
    MultiplyEffect,
    NotOf,
    QueueEffect,
    SetEffect,
    SpawnEffect,
    StakeEffect,
)
from game.engine import prospects
from game.engine.arrays import cols_any, rows_any
from game.engine.ledger import book
from game.engine.registry import FIELDS, METRICS, STAGES, Ctx, FieldSpec
from game.engine.state import LANE_SPAWN_SIGNAL, State, sp_capex
from game.engine.world import DISTRESSED, NOT_YET, PROSPECT, WITHDRAWN, World

PHI = 0.6180339887498949  # spreads one uniform draw into one per city
NEVER = -1_000_000
LIVE_STAGES = np.array([STAGES[s] for s in ("prospect", "building", "ramping", "operating", "listed",
                                            "distressed")])
OPS = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
       "==": np.equal, "!=": np.not_equal}
FALSE = ("false",)


# ----- compiled form ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CEffect:
    kind: str  # add, multiply, set, stake, spawn, set_flag, clear_flag, modifier, queue
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
    condition: Any
    effects: tuple[CEffect, ...]
    follow_up: CEffect | None
    boldness: float


@dataclass(frozen=True)
class CEvent:
    index: int
    id: str
    definition: EventDef
    scope: str  # none, firm, sector
    candidates: np.ndarray  # [K] firm slots or sectors (K = 1, value -1, without a scope)
    stage_ok: np.ndarray  # [9] bool lookup by stage code (firm scope)
    where: str
    held: bool | None
    pick: str
    by: Any
    trigger: Any
    game_trigger: Any  # the part that reads only game.* metrics: the same in every world
    world_trigger: Any  # the part of the trigger that does not depend on the scope's candidates
    cand_trigger: Any  # the part that does (None: nothing)
    once: bool
    cooldown: int
    cities: str  # "player" (cities people play), "rivals" (the computer's) or "all"
    effects: tuple[CEffect, ...]
    options: tuple[COption, ...]
    ai_default: int
    rival_choice: dict[str, int]
    stage_bits: int = 0  # firm scope: bit (sector * 9 + stage) for each candidate sector and allowed stage


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

    @cached_property
    def people_events(self) -> np.ndarray:
        """Events with a chance each quarter that are evaluated for cities people play."""
        return np.nonzero((self.p > 0) & self.for_people)[0]

    @cached_property
    def computer_events(self) -> np.ndarray:
        """Events with a chance each quarter that are evaluated for the computer's cities."""
        return np.nonzero((self.p > 0) & self.for_computer)[0]

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


def compile_events(world: World, defs: list[EventDef], firms: dict[str, FirmDef]) -> tuple[EventTable, tuple[FirmDef, ...]]:
    """Compile event definitions against a world; returns the table and the spawn templates."""
    return _Compiler(world, defs, firms).run()


class _Compiler:
    def __init__(self, world: World, defs: list[EventDef], firms: dict[str, FirmDef]):
        self.world, self.defs, self.firms = world, defs, firms
        self.index = {d.id: i for i, d in enumerate(defs)}
        self.flags: dict[str, int] = {}
        self.templates: list[FirmDef] = []
        self.modifiers: list[tuple[FieldSpec, bool]] = []

    def run(self) -> tuple[EventTable, tuple[FirmDef, ...]]:
        events = tuple(self._event(i, d) for i, d in enumerate(self.defs))
        p = np.array([_chance(d) for d in self.defs], dtype=np.float64)
        once = np.array([d.once for d in self.defs], dtype=bool)
        cooldown = np.array([d.cooldown for d in self.defs], dtype=np.int64)
        people = np.array([d.cities in ("player", "all") for d in self.defs], dtype=bool)
        computer = np.array([d.cities in ("rivals", "all") for d in self.defs], dtype=bool)
        table = EventTable(events, dict(self.index), p, once, cooldown, people, computer, tuple(self.flags),
                           len(self.modifiers), tuple(self.modifiers))
        return table, tuple(self.templates)

    # ----- pieces --------------------------------------------------------------------------
    def _event(self, i: int, d: EventDef) -> CEvent:
        w = self.world
        scope = d.scope
        kind = scope.kind if scope else "none"
        stage_ok = np.zeros(9, dtype=bool)
        if kind == "firm":
            secs = [w.sector_index[s] for s in scope.sectors if s in w.sector_index] if scope.sectors \
                else list(range(w.n_sectors))
            cand = np.nonzero(np.isin(w.firm_sector, secs))[0]
            stage_ok[[STAGES[s] for s in scope.stages] if scope.stages else LIVE_STAGES] = True
        elif kind == "sector":
            cand = np.array([w.sector_index[s] for s in scope.sectors if s in w.sector_index] if scope.sectors
                            else list(range(w.n_sectors)), dtype=np.int64)
        else:
            cand = np.array([-1], dtype=np.int64)
        options = tuple(self._option(o, kind) for o in d.options)
        by = METRICS[scope.by].get if scope and scope.by else None
        trigger = self._cond(d.trigger) if d.trigger is not None else None
        world_part, cand_part = _split(trigger, kind)
        game_part, world_part = _split_game(world_part)
        return CEvent(
            index=i, id=d.id, definition=d, scope=kind, candidates=cand.astype(np.int64), stage_ok=stage_ok,
            where=scope.where if scope else "own", held=scope.held if scope else None,
            pick=scope.pick if scope else "first", by=by,
            trigger=trigger, game_trigger=game_part, world_trigger=world_part, cand_trigger=cand_part,
            once=d.once, cooldown=d.cooldown, cities=d.cities,
            effects=tuple(e for e in (self._effect(x, kind) for x in d.effects) if e is not None),
            options=options, ai_default=d.ai_default, rival_choice=dict(d.rival_choice),
            stage_bits=_stage_bits(w.firm_sector[cand], stage_ok) if kind == "firm" else 0)

    def _option(self, o: Any, kind: str) -> COption:
        effects = tuple(e for e in (self._effect(x, kind) for x in o.effects) if e is not None)
        follow = None
        if o.follow_up is not None:
            follow = self._queue(o.follow_up.event, o.follow_up.after, kind)
        bold = sum(1.0 for x in o.effects if (isinstance(x, StakeEffect) and x.change > 0)
                   or isinstance(x, SpawnEffect | InvestEffect)
                   or (isinstance(x, AddEffect) and x.value > 0 and x.field in ("firm.cash_bn", "sector.fund_bn")))
        return COption(o.label, o.description, self._cond(o.condition) if o.condition is not None else None,
                       effects, follow, bold)

    def _fixed(self, item: Any) -> tuple[int | None, int | None, bool]:
        """Static firm/sector indices an item names; ok=False when the scenario lacks them."""
        w = self.world
        f = s = None
        if getattr(item, "firm", None) is not None:
            f = w.firm_index.get(item.firm)
            if f is None:
                return None, None, False
            s = int(w.firm_sector[f])
        if getattr(item, "sector", None) is not None:
            s = w.sector_index.get(item.sector)
            if s is None:
                return None, None, False
        return f, s, True

    def _cond(self, c: Any) -> Any:
        if isinstance(c, AllOf):
            return ("all", tuple(self._cond(x) for x in c.all))
        if isinstance(c, AnyOf):
            return ("any", tuple(self._cond(x) for x in c.any))
        if isinstance(c, NotOf):
            return ("not", self._cond(c.not_))
        if isinstance(c, FlagIs):
            return ("flag", self._flag(c.flag))
        f, s, ok = self._fixed(c)
        if not ok:
            return FALSE  # it reads a firm or sector this scenario does not have
        get = METRICS[c.metric].get
        if isinstance(c, Compare):
            return ("cmp", get, OPS[c.op], float(c.value), f, s)
        lo = -np.inf if c.min is None else float(c.min)
        hi = np.inf if c.max is None else float(c.max)
        return ("between", get, lo, hi, f, s)

    def _flag(self, name: str) -> int:
        return self.flags.setdefault(name, len(self.flags))

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
        if isinstance(x, StakeEffect):
            f, _, ok = self._fixed(x)
            return CEffect("stake", value=float(x.change), pay=x.pay, fixed_f=f) if ok else None
        if isinstance(x, InvestEffect):
            f, _, ok = self._fixed(x)
            per = METRICS[x.per].get if x.per else None
            return CEffect("invest", value=float(x.amount), per=per, fixed_f=f) if ok else None
        f, s, ok = self._fixed(x)
        if not ok:
            return None
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


def _stage_bits(sectors: np.ndarray, stage_ok: np.ndarray) -> int:
    """Bits (sector * 9 + stage) of the (sector, stage) pairs a firm-scoped event accepts."""
    bits = 0
    for s in np.unique(sectors):
        for k in np.nonzero(stage_ok)[0]:
            bits |= 1 << (int(s) * 9 + int(k))
    return bits


def _independent(node: Any) -> bool:
    """Whether a condition reads nothing of the scope's candidates (game and city metrics,
    flags, or metrics of a firm or sector named in the condition itself)."""
    kind = node[0]
    if kind in ("all", "any"):
        return all(_independent(n) for n in node[1])
    if kind == "not":
        return _independent(node[1])
    if kind in ("cmp", "between"):
        get, f, s = node[1], node[-2], node[-1]
        scope = next((m.scope for m in METRICS.values() if m.get is get), "firm")
        return scope in ("game", "city") or (scope == "sector" and s is not None) or f is not None
    return True


def _game_only(node: Any) -> bool:
    kind = node[0]
    if kind in ("all", "any"):
        return all(_game_only(n) for n in node[1])
    if kind == "not":
        return _game_only(node[1])
    if kind in ("cmp", "between"):
        return next((m.scope for m in METRICS.values() if m.get is node[1]), "firm") == "game"
    return kind == "false"


def _split_game(world: Any) -> tuple[Any, Any]:
    """(game-level part, the rest) of a world-level trigger: the game-level part is checked
    once a quarter for every world at once (a year window rules the event out cheaply)."""
    if world is None:
        return None, None
    parts = list(world[1]) if world[0] == "all" else [world]
    game = [p for p in parts if _game_only(p)]
    rest = [p for p in parts if not _game_only(p)]

    def join(ps: list[Any]) -> Any:
        return None if not ps else ps[0] if len(ps) == 1 else ("all", tuple(ps))
    return join(game), join(rest)


def _split(trigger: Any, kind: str) -> tuple[Any, Any]:
    """(world-level part, candidate-level part) of a trigger, so the cheap part can rule out
    worlds before the scope's candidates are looked at."""
    if trigger is None:
        return None, None
    if kind == "none":
        return trigger, None
    parts = list(trigger[1]) if trigger[0] == "all" else [trigger]
    world = [p for p in parts if _independent(p)]
    cand = [p for p in parts if not _independent(p)]

    def join(ps: list[Any]) -> Any:
        return None if not ps else ps[0] if len(ps) == 1 else ("all", tuple(ps))
    return join(world), join(cand)


def _chance(d: EventDef) -> float:
    if d.chance is not None:
        return float(d.chance)
    if d.mtth is not None:
        return 1.0 / float(d.mtth)
    return 0.0  # fires only when another event queues it


# ----- evaluation ------------------------------------------------------------------------------


def _holds(node: Any, ctx: Ctx) -> Any:
    kind = node[0]
    if kind == "cmp":
        _, get, op, value, f, s = node
        return op(get(_fixed_ctx(ctx, f, s)), value)
    if kind == "between":
        _, get, lo, hi, f, s = node
        v = get(_fixed_ctx(ctx, f, s))
        return (v >= lo) & (v <= hi)
    if kind == "all":
        out: Any = True
        for sub in node[1]:
            out = out & _holds(sub, ctx)
            if not np.any(out):
                return out
        return out
    if kind == "any":
        out = False
        for sub in node[1]:
            out = out | _holds(sub, ctx)
        return out
    if kind == "not":
        return ~np.asarray(_holds(node[1], ctx), dtype=bool)
    if kind == "flag":
        return ctx.state.flags[ctx.w, ctx.c, node[1]]
    return False


def _fixed_ctx(ctx: Ctx, f: int | None, s: int | None) -> Ctx:
    if f is None and s is None:
        return ctx
    return Ctx(ctx.world, ctx.state, ctx.w, ctx.c, ctx.f if f is None else np.int64(f),
               ctx.s if s is None else np.int64(s), ctx.memo)


def _scope_mask(ev: CEvent, ctx: Ctx) -> np.ndarray:
    """Which candidates of the scope match, [n, Cc, K]."""
    st = ctx.state
    shape = np.broadcast_shapes(np.shape(ctx.w), np.shape(ctx.c), ev.candidates[None, None, :].shape)
    if ev.scope != "firm":
        return np.ones(shape, dtype=bool)
    f = ctx.f
    mask = ev.stage_ok[st.stage[ctx.w, f]]
    if ev.where == "own":
        mask = mask & (st.firm_city[ctx.w, f] == ctx.c)
    elif ev.where == "rival":
        mask = mask & (st.firm_city[ctx.w, f] != ctx.c)
    if ev.held is not None:
        mask = mask & ((st.stake[ctx.w, f, ctx.c] > 0) == ev.held)
    return np.broadcast_to(mask, shape)


def _trigger_ctx(world: World, state: State, ev: CEvent, w: np.ndarray, cities: np.ndarray) -> Ctx:
    cand = ev.candidates[None, None, :]
    f = cand if ev.scope == "firm" else None
    s = world.firm_sector[cand] if ev.scope == "firm" else cand if ev.scope == "sector" else None
    return Ctx(world, state, w[:, None, None], cities[None, :, None], f, s)


@dataclass
class Pairs:
    """The (world, city) pairs an event fires or resolves for, with the bound target."""

    w: np.ndarray
    c: np.ndarray
    target: np.ndarray  # firm slot or sector; -1 without a scope

    def __len__(self) -> int:
        return len(self.w)

    def sub(self, keep: np.ndarray) -> Pairs:
        return Pairs(self.w[keep], self.c[keep], self.target[keep])

    def ctx(self, world: World, state: State, scope: str, memo: dict | None = None) -> Ctx:
        f = self.target if scope == "firm" else None
        s = world.firm_sector[self.target] if scope == "firm" else self.target if scope == "sector" else None
        return Ctx(world, state, self.w, self.c, f, s, {} if memo is None else memo)


def _dice(tab: EventTable, state: State, t: int, live: np.ndarray) -> np.ndarray:
    """[E, W, C] bool: where each event's dice came up this quarter and ``once``, ``cooldown``
    and open decisions allow it.

    One uniform per world, quarter and event, shifted by the golden ratio per city
    (frac(u + PHI c) < p); events with a chance are rolled for the cities people play or
    the computer's, as the event says. Computed over whole [W, C, E] arrays (no gathers of
    event columns), then laid out event-first so each event's [W, C] slice is contiguous.
    """
    n_c = state.human.shape[1]
    shift = np.array([(PHI * c) % 1.0 for c in range(n_c)], dtype=np.float32)
    x = state.noise.event_uniform[:, t, None, :] + shift[None, :, None]  # [W, C, E] float32
    x -= x >= 1.0
    # x < p with p a float64 is x < (the least float32 >= p): no float64 copy of x; an
    # event that is not rolled for a kind of city gets 0 (x is never below 0)
    thr = tab.thresholds  # [2, E]: for the computer's cities, for people's
    human = state.human
    if (human == human[:1]).all():  # the usual batch: the same cities are people's everywhere
        rolled = x < thr[human[0].astype(np.intp)][None, :, :]
    else:
        rolled = x < thr[human.astype(np.intp)]
    rolled &= live[:, None, None]
    np.greater(rolled, state.ev_pending, out=rolled)  # and no decision on it waits
    rolled &= state.ev_last <= (t - tab.cooldown).astype(state.ev_last.dtype)
    if tab.once.any():
        limit = np.where(tab.once, 0, np.iinfo(state.ev_count.dtype).max).astype(state.ev_count.dtype)
        rolled &= state.ev_count <= limit
    return np.ascontiguousarray(rolled.transpose(2, 0, 1))


def step(world: World, state: State) -> None:
    """The events of one quarter, for every world (called at the end of ``end_turn``)."""
    tab: EventTable | None = getattr(world, "event_table", None)
    if tab is None or tab.n == 0:
        return
    t = state.turn
    resolve_defaults(world, state)
    _expire_modifiers(world, state, tab, t)
    if t >= world.turns:
        return  # the game is over: nothing is left to decide
    live = ~state.over
    gate = _dice(tab, state, t, live)  # [E, W, C]
    everywhere = Ctx(world, state, np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64))
    present = _Presence(world, state)
    todo = set(np.nonzero(rows_any(gate.reshape(gate.shape[0], -1)))[0].tolist())
    due_events: set[int] = set()
    if (state.ev_due >= 0).any():
        due_any = state.ev_due == t
        due_events = set(np.nonzero(cols_any(due_any.reshape(-1, due_any.shape[2])))[0].tolist())
    for e in sorted(todo | due_events):  # in order of id
        ev = tab.events[e]
        due = due_any[:, :, e] & live[:, None] if e in due_events else None
        if ev.game_trigger is not None and not np.all(_holds(ev.game_trigger, everywhere)):
            if due is not None:  # a queued event whose trigger fails is dropped
                state.ev_due[:, :, e] = np.where(due, -1, state.ev_due[:, :, e])
            continue
        _try(world, state, ev, gate[e], due, present)


class _Presence:
    """Which (sector, stage) pairs each world has a firm at, as bits of one uint64 per world
    (bit ``sector * 9 + stage``), kept up to date through a quarter's events: a firm-scoped
    event is out at once in worlds with no candidate at an allowed stage. None when the
    scenario has too many sectors for 64 bits."""

    def __init__(self, world: World, state: State):
        self.world, self.state = world, state
        self.bits = self._bits(slice(None)) if world.n_sectors * 9 <= 64 else None

    def _bits(self, w: np.ndarray | slice) -> np.ndarray:
        shift = self.state.stage[w].astype(np.uint64)
        shift += (self.world.firm_sector * 9).astype(np.uint64)
        return np.bitwise_or.reduce(np.left_shift(np.uint64(1), shift), axis=1)

    def any_at(self, ev: CEvent, w: np.ndarray) -> np.ndarray:
        """[n] bool: worlds ``w`` have one of the event's candidate firms at an allowed stage."""
        if self.bits is None:
            return rows_any(ev.stage_ok[self.state.stage[w[:, None], ev.candidates]])
        return (self.bits[w] & np.uint64(ev.stage_bits)) != 0

    def changed(self, w: np.ndarray) -> None:
        """Firms of worlds ``w`` may have changed stage (an event fired there)."""
        if self.bits is not None and len(w):
            w = np.unique(w)
            self.bits[w] = self._bits(w)


def _try(world: World, state: State, ev: CEvent, gate: np.ndarray, due: np.ndarray | None,
         present: _Presence | None = None) -> None:
    """Fire ``ev`` where its dice came up (``gate`` [W, C], bookkeeping already applied) or
    where it is due from a queue (``due`` [W, C] or None), if its scope and trigger hold."""
    e = ev.index
    t = state.turn
    either = gate if due is None else gate | due
    w = np.nonzero(rows_any(either))[0]
    cities = np.nonzero(cols_any(either[w]))[0]  # only the cities concerned somewhere
    g = gate[w][:, cities]
    if due is None:
        d = np.zeros_like(g)
    else:
        cell = (w[:, None], cities[None, :], e)
        d = due[w][:, cities]
        state.ev_due[cell] = np.where(d, -1, state.ev_due[cell])
        waiting = d & state.ev_pending[cell]
        if waiting.any():  # a person has not answered the last one yet: a quarter later
            rows = np.nonzero(waiting)
            state.ev_due[w[rows[0]], cities[rows[1]], e] = t + 1
            d = d & ~waiting
    ok = g | d
    if ev.scope == "firm" and ok.any():  # worlds with no firm at an allowed stage are out at once
        here = present.any_at(ev, w) if present is not None \
            else rows_any(ev.stage_ok[state.stage[w[:, None], ev.candidates]])
        ok = ok & here[:, None]
    if ev.world_trigger is not None and ok.any():
        ok = ok & _holds(ev.world_trigger, Ctx(world, state, w[:, None], cities[None, :]))
    rows = rows_any(ok)
    if not rows.any():
        return
    if not rows.all():  # the candidates are looked at only where the cheap part held
        w, ok, d = w[rows], ok[rows], d[rows]
    if ev.scope == "firm":
        pairs = _bind_firms(world, state, ev, w, cities, ok, d)
        if len(pairs):
            fire(world, state, ev, pairs)
            if present is not None:
                present.changed(pairs.w)
        return
    ctx = _trigger_ctx(world, state, ev, w, cities)
    mask = _scope_mask(ev, ctx)
    if d.any() and ev.scope != "none":
        inherited = state.ev_due_target[w[:, None], cities[None, :], e]  # [n, Cc]
        restrict = d & (inherited >= 0)
        mask = mask & (~restrict[:, :, None] | (ev.candidates[None, None, :] == inherited[:, :, None]))
    if ev.cand_trigger is not None:
        mask = mask & _holds(ev.cand_trigger, ctx)
    ok = mask.any(axis=2) & ok
    if not ok.any():
        return
    k = _pick(ev, ctx, mask)
    rows, cols = np.nonzero(ok)
    pairs = Pairs(w[rows], cities[cols], ev.candidates[k[rows, cols]])
    fire(world, state, ev, pairs)
    if present is not None:
        present.changed(pairs.w)


def _bind_firms(world: World, state: State, ev: CEvent, w: np.ndarray, cities: np.ndarray,
                ok: np.ndarray, d: np.ndarray) -> Pairs:
    """The firm each (world, city) binds, looking only at live (world, city, firm) triples:
    a world has few firms at the scope's stages, so this is much less work than a dense
    [worlds, cities, firm slots] mask."""
    cand = ev.candidates
    stage_ok = ev.stage_ok[state.stage[w[:, None], cand]]  # [n, K]
    row, k = np.nonzero(stage_ok)
    if not len(row):
        return Pairs(w[:0], cities[:0], cand[:0])
    f = cand[k]
    firm_city = state.firm_city[w[row], f]
    if ev.where == "own":
        col_of = np.full(world.n_cities, -1)
        col_of[cities] = np.arange(len(cities))
        col = col_of[firm_city]
        keep = col >= 0
        row, k, f, col = row[keep], k[keep], f[keep], col[keep]
    else:  # every city of the event may bind the firm (a rival's, or any)
        n_c = len(cities)
        row, k, f = np.repeat(row, n_c), np.repeat(k, n_c), np.repeat(f, n_c)
        col = np.tile(np.arange(n_c), len(row) // max(n_c, 1))
        if ev.where == "rival":
            keep = state.firm_city[w[row], f] != cities[col]
            row, k, f, col = row[keep], k[keep], f[keep], col[keep]
    keep = ok[row, col]
    row, k, f, col = row[keep], k[keep], f[keep], col[keep]
    if ev.held is not None:
        keep = (state.stake[w[row], f, cities[col]] > 0) == ev.held
        row, k, f, col = row[keep], k[keep], f[keep], col[keep]
    if d.any():  # a queued event keeps the firm it inherited
        inherited = state.ev_due_target[w[row], cities[col], ev.index]
        keep = ~(d[row, col] & (inherited >= 0)) | (f == inherited)
        row, k, f, col = row[keep], k[keep], f[keep], col[keep]
    if ev.cand_trigger is not None and len(row):
        ctx = Ctx(world, state, w[row], cities[col], f, world.firm_sector[f])
        keep = np.broadcast_to(_holds(ev.cand_trigger, ctx), len(row))
        row, k, f, col = row[keep], k[keep], f[keep], col[keep]
    if not len(row):
        return Pairs(w[:0], cities[:0], cand[:0])
    # the binding match of each (world, city): the first candidate, or the best by `by`
    if ev.pick == "first" or ev.by is None:
        order = np.lexsort((k, col, row))
    else:
        value = np.broadcast_to(ev.by(Ctx(world, state, w[row], cities[col], f, world.firm_sector[f])),
                                len(row)).astype(np.float64)
        order = np.lexsort((k, -value if ev.pick == "max" else value, col, row))
    row, col, f = row[order], col[order], f[order]
    first = np.ones(len(row), dtype=bool)
    first[1:] = (row[1:] != row[:-1]) | (col[1:] != col[:-1])
    return Pairs(w[row[first]], cities[col[first]], f[first])


def _pick(ev: CEvent, ctx: Ctx, mask: np.ndarray) -> np.ndarray:
    """Index into the candidates of the match that binds, [n, Cc]."""
    if ev.pick == "first" or ev.by is None:
        return np.argmax(mask, axis=2)
    values = np.broadcast_to(ev.by(ctx), mask.shape)
    if ev.pick == "max":
        return np.argmax(np.where(mask, values, -np.inf), axis=2)
    return np.argmin(np.where(mask, values, np.inf), axis=2)


def fire(world: World, state: State, ev: CEvent, pairs: Pairs) -> None:
    """The event happens for these pairs: record it, apply its effects, ask people for a
    choice and let the computer's cities answer by their archetype."""
    e, t = ev.index, state.turn
    state.ev_count[pairs.w, pairs.c, e] += 1
    state.ev_last[pairs.w, pairs.c, e] = t
    state.ev_target[pairs.w, pairs.c, e] = pairs.target
    _apply_all(world, state, ev, ev.effects, pairs)
    if not ev.options:
        return
    people = state.human[pairs.w, pairs.c]
    if people.any():
        state.ev_pending[pairs.w[people], pairs.c[people], e] = True
    if (~people).any():
        rivals = pairs.sub(~people)
        _resolve(world, state, ev, rivals, _rival_choice(world, state, ev, rivals))


# ----- options ---------------------------------------------------------------------------------


def offered(world: World, state: State, ev: CEvent, pairs: Pairs) -> np.ndarray:
    """[P, O] bool: which options each pair is offered."""
    out = np.ones((len(pairs), len(ev.options)), dtype=bool)
    memo: dict = {}
    for k, opt in enumerate(ev.options):
        if opt.condition is not None:
            out[:, k] = np.broadcast_to(_holds(opt.condition, pairs.ctx(world, state, ev.scope, memo)), len(pairs))
    return out


def default_choice(ev: CEvent, offer: np.ndarray) -> np.ndarray:
    """The default option where it is offered, else the first offered; -1 when none is."""
    choice = np.where(offer[:, ev.ai_default], ev.ai_default, np.argmax(offer, axis=1))
    return np.where(offer.any(axis=1), choice, -1)


def _rival_choice(world: World, state: State, ev: CEvent, pairs: Pairs,
                  archetype: str | None = None) -> np.ndarray:
    """Each rival answers by its archetype's fixed rule, among the options it is offered:
    land-addict takes the most cash now; herd-chaser the boldest bet; cautious the least
    committed, then the most cash; copycat what the player chose last time (else the default)."""
    offer = offered(world, state, ev, pairs)
    n_opt = len(ev.options)
    arche = np.array([archetype or world.cities[c].archetype for c in pairs.c])
    choice = np.full(len(pairs), -1, dtype=np.int64)
    bold = np.array([o.boldness for o in ev.options])
    for kind in np.unique(arche):
        sel = arche == kind
        sub = pairs.sub(sel)
        if kind == "land-addict":
            score = _cash(world, state, ev, sub)
        elif kind == "herd-chaser":
            score = np.broadcast_to(bold, (len(sub), n_opt)).astype(np.float64)
        elif kind == "cautious":
            score = -1e9 * bold[None, :] + _cash(world, state, ev, sub)
        else:  # copycat, and anything else: follow the player, else the default
            last = state.ev_choice[sub.w, world.player, ev.index]
            k = np.arange(n_opt)[None, :]
            score = (k == last[:, None]) * 2.0 + (k == ev.ai_default) * 1.0
        if kind in ev.rival_choice:
            score = score + 1e15 * (np.arange(n_opt)[None, :] == ev.rival_choice[kind])
        score = np.where(offer[sel], score, -np.inf)
        choice[sel] = np.where(offer[sel].any(axis=1), np.argmax(score, axis=1), -1)
    return choice


def _cash(world: World, state: State, ev: CEvent, pairs: Pairs) -> np.ndarray:
    """Immediate cash each option brings the city, [P, O] (treasury effects and paid stakes)."""
    out = np.zeros((len(pairs), len(ev.options)))
    ctx = pairs.ctx(world, state, ev.scope)
    for k, opt in enumerate(ev.options):
        for eff in opt.effects:
            if eff.kind in ("add", "multiply", "set") and eff.spec is not None and eff.spec.ledger:
                c2 = _fixed_ctx(ctx, eff.fixed_f, eff.fixed_s)
                old = eff.spec.read(c2)
                out[:, k] += _new_value(eff, c2, old) - old
            elif eff.kind == "stake" and eff.pay:
                f = pairs.target if eff.fixed_f is None else np.full(len(pairs), eff.fixed_f)
                out[:, k] -= eff.value * state.valuation[pairs.w, f]
            elif eff.kind == "invest":
                out[:, k] -= _invest_amount(eff, _fixed_ctx(ctx, eff.fixed_f, None))
    return out


def _resolve(world: World, state: State, ev: CEvent, pairs: Pairs, choice: np.ndarray) -> None:
    """Apply the chosen option (-1: none) for each pair."""
    if len(pairs):
        state.ev_choice[pairs.w, pairs.c, ev.index] = np.where(choice >= 0, choice, state.ev_choice[pairs.w, pairs.c, ev.index])
    for k, opt in enumerate(ev.options):
        sel = choice == k
        if not sel.any():
            continue
        sub = pairs.sub(sel)
        _apply_all(world, state, ev, opt.effects, sub)
        if opt.follow_up is not None:
            _apply_all(world, state, ev, (opt.follow_up,), sub)


def resolve_defaults(world: World, state: State) -> None:
    """Decisions people left open take the default option (in order of event)."""
    tab: EventTable | None = getattr(world, "event_table", None)
    if tab is None or not state.ev_pending.any():
        return
    for e in np.nonzero(cols_any(state.ev_pending.reshape(-1, state.ev_pending.shape[2])))[0]:
        ev = tab.events[e]
        w, c = np.nonzero(state.ev_pending[:, :, e])
        state.ev_pending[w, c, e] = False
        pairs = Pairs(w, c, state.ev_target[w, c, e])
        _resolve(world, state, ev, pairs, default_choice(ev, offered(world, state, ev, pairs)))


def answer_pending(world: World, state: State, archetype: str, mask: np.ndarray | None = None,
                   city: int | None = None) -> None:
    """Answer ``city``'s open decisions (default: the player's) as a rival of ``archetype``
    would, for bots that play in character ("land-addict", "herd-chaser", "cautious" or
    "copycat"); ``mask`` limits the worlds."""
    tab: EventTable | None = getattr(world, "event_table", None)
    if tab is None or not state.ev_pending.any():
        return
    c = world.player if city is None else city
    for e in np.nonzero(state.ev_pending[:, c].any(axis=0))[0]:
        ev = tab.events[e]
        on = state.ev_pending[:, c, e] & ~state.over
        if mask is not None:
            on &= mask
        w = np.nonzero(on)[0]
        if not len(w):
            continue
        state.ev_pending[w, c, e] = False
        pairs = Pairs(w, np.full(len(w), c), state.ev_target[w, c, e])
        _resolve(world, state, ev, pairs, _rival_choice(world, state, ev, pairs, archetype))


def pending(world: World, state: State, w: int = 0, city: int | None = None) -> list[tuple[CEvent, int]]:
    """(event, bound target) of ``city``'s open decisions (default: the player's) in world
    ``w``, in event order."""
    tab: EventTable | None = getattr(world, "event_table", None)
    if tab is None:
        return []
    c = world.player if city is None else city
    return [(tab.events[e], int(state.ev_target[w, c, e])) for e in np.nonzero(state.ev_pending[w, c])[0]]


def choice_reasons(world: World, state: State, city: int, event_id: str, option: int, w: int = 0) -> list[str]:
    """Why the city cannot take ``option`` of ``event_id`` now; empty when it can."""
    tab: EventTable | None = getattr(world, "event_table", None)
    if tab is None or event_id not in tab.index:
        return [f"there is no event {event_id!r} in this scenario"]
    ev = tab.events[tab.index[event_id]]
    if not state.ev_pending[w, city, ev.index]:
        return [f"no decision on {ev.definition.title!r} is waiting"]
    if option >= len(ev.options):
        return [f"{ev.definition.title!r} has {len(ev.options)} options; there is no option {option}"]
    pairs = Pairs(np.array([w]), np.array([city]), state.ev_target[[w], city, ev.index])
    if not offered(world, state, ev, pairs)[0, option]:
        return [f"the option {ev.options[option].label!r} is not on offer now"]
    return []


def choice_mask(world: World, state: State, city: int, event_id: str, option: int) -> np.ndarray:
    """[W] bool: worlds where ``choice_reasons`` would allow the choice."""
    tab: EventTable | None = getattr(world, "event_table", None)
    if tab is None or event_id not in tab.index:
        return np.zeros(state.n_worlds, dtype=bool)
    ev = tab.events[tab.index[event_id]]
    if option >= len(ev.options):
        return np.zeros(state.n_worlds, dtype=bool)
    mask = state.ev_pending[:, city, ev.index] & ~state.over
    w = np.nonzero(mask)[0]
    if len(w):
        pairs = Pairs(w, np.full(len(w), city), state.ev_target[w, city, ev.index])
        mask[w] = offered(world, state, ev, pairs)[:, option]
    return mask


def choose(world: World, state: State, city: int, event_id: str, option: int,
           mask: np.ndarray | None = None) -> None:
    """A city answers a pending event (where ``mask``, default every world where it waits)."""
    tab: EventTable = world.event_table  # type: ignore[attr-defined]
    ev = tab.events[tab.index[event_id]]
    on = choice_mask(world, state, city, event_id, option)
    if mask is not None:
        on &= mask
    w = np.nonzero(on)[0]
    if not len(w):
        return
    state.ev_pending[w, city, ev.index] = False
    pairs = Pairs(w, np.full(len(w), city), state.ev_target[w, city, ev.index])
    _resolve(world, state, ev, pairs, np.full(len(w), option))


# ----- effects ---------------------------------------------------------------------------------


def _apply_all(world: World, state: State, ev: CEvent, effects: tuple[CEffect, ...], pairs: Pairs) -> None:
    """Apply effects in order; one city at a time so no two pairs touch the same cell at once."""
    if not effects or not len(pairs):
        return
    cities = np.unique(pairs.c)
    for c in cities:
        sub = pairs if len(cities) == 1 else pairs.sub(pairs.c == c)
        for eff in effects:
            _apply(world, state, ev, eff, sub)


def _new_value(eff: CEffect, ctx: Ctx, old: np.ndarray) -> np.ndarray:
    spec = eff.spec
    assert spec is not None
    if eff.kind == "add":
        new = old + eff.value * (eff.per(ctx) if eff.per is not None else 1.0)
    elif eff.kind == "multiply":
        new = old * eff.value
    else:
        new = np.full(np.shape(old), eff.value)
    return np.clip(new, -np.inf if spec.lo is None else spec.lo, np.inf if spec.hi is None else spec.hi)


def _write(world: World, state: State, spec: FieldSpec, ctx: Ctx, old: np.ndarray, new: np.ndarray) -> None:
    if spec.ledger:
        amount = np.zeros((state.n_worlds, world.n_cities))
        amount[ctx.w, ctx.c] = new - old
        book(state, spec.ledger, amount)
        return
    if spec.name == "sector.fund_bn":  # money added or taken is a partner's: the city's share moves
        share = state.fund_city_share[ctx.w, ctx.c, ctx.s]
        mine = share * old
        new = np.maximum(new, np.minimum(mine, old))  # partners can leave; the city's own money stays
        state.fund_city_share[ctx.w, ctx.c, ctx.s] = np.where(new > 0, np.minimum(mine / np.maximum(new, 1e-12), 1.0), share)
    getattr(state, spec.array)[spec.where(ctx)] = new


def _apply(world: World, state: State, ev: CEvent, eff: CEffect, pairs: Pairs) -> None:
    kind = eff.kind
    if kind in ("add", "multiply", "set"):
        ctx = _fixed_ctx(pairs.ctx(world, state, ev.scope), eff.fixed_f, eff.fixed_s)
        old = eff.spec.read(ctx)  # type: ignore[union-attr]
        _write(world, state, eff.spec, ctx, old, _new_value(eff, ctx, old))  # type: ignore[arg-type]
    elif kind in ("set_flag", "clear_flag"):
        state.flags[pairs.w, pairs.c, eff.flag] = kind == "set_flag"
    elif kind == "queue":
        state.ev_due[pairs.w, pairs.c, eff.event] = state.turn + eff.after
        target = pairs.target if eff.inherit == "same" else \
            world.firm_sector[pairs.target] if eff.inherit == "sector" else np.full(len(pairs), -1)
        state.ev_due_target[pairs.w, pairs.c, eff.event] = target
    elif kind == "stake":
        f = pairs.target if eff.fixed_f is None else np.full(len(pairs), eff.fixed_f)
        _stake(world, state, pairs.w, pairs.c, f, eff.value, eff.pay)
    elif kind == "invest":
        _invest(world, state, ev, eff, pairs)
    elif kind == "spawn":
        _spawn(world, state, eff, pairs)
    elif kind == "modifier":
        _modify(world, state, ev, eff, pairs)


def _stake(world: World, state: State, w: np.ndarray, c: np.ndarray, f: np.ndarray, change: float,
           pay: bool) -> None:
    """Change each city's stake by ``change``; other holders make room; with ``pay`` the city
    pays or receives the firm's mark for the change."""
    old = state.stake[w, f, c]
    new = np.clip(old + change, 0.0, 1.0)
    others = state.stake[w, f, :].sum(axis=1) - old
    room = 1.0 - new
    scale = np.where(others > room, room / np.maximum(others, 1e-12), 1.0)
    state.stake[w, f, :] *= scale[:, None]
    state.stake[w, f, c] = new
    delta = new - old
    kept = np.where(old > 0, new / np.maximum(old, 1e-12), 1.0)
    basis = state.cost_basis[w, f, c]
    if pay:
        money = delta * np.maximum(state.valuation[w, f], 0.0)
        buy = np.zeros((state.n_worlds, world.n_cities))
        sell = np.zeros_like(buy)
        buy[w, c] = np.maximum(money, 0.0)
        sell[w, c] = np.maximum(-money, 0.0)
        book(state, "equity_investment", -buy)
        book(state, "exits", sell)
        state.invested += buy
        state.realised += sell
        state.cost_basis[w, f, c] = np.where(delta > 0, basis + money, basis * np.minimum(kept, 1.0))
    else:  # a gift keeps what was paid; a loss without payment writes off its share of the cost
        lost = np.where(delta < 0, basis * (1.0 - kept), 0.0)
        state.cost_basis[w, f, c] = basis - lost
        np.add.at(state.written_off, (w, c), lost)


def _invest_amount(eff: CEffect, ctx: Ctx) -> np.ndarray:
    amount = eff.value * (eff.per(ctx) if eff.per is not None else 1.0)
    return np.clip(np.broadcast_to(amount, np.shape(ctx.w)), 0.0,
                   np.maximum(ctx.state.treasury[ctx.w, ctx.c], 0.0))


def _invest(world: World, state: State, ev: CEvent, eff: CEffect, pairs: Pairs) -> None:
    """New equity through the same functions as the invest and rescue actions, one
    (city, firm) at a time with a [W] amount."""
    from game.engine.actions import invest, rescue  # the actions import this module

    ctx = _fixed_ctx(pairs.ctx(world, state, ev.scope), eff.fixed_f, None)
    amount = _invest_amount(eff, ctx)
    f_all = np.broadcast_to(ctx.f, len(pairs))
    for c, f in sorted(set(zip(pairs.c.tolist(), f_all.tolist(), strict=True))):
        sel = (pairs.c == c) & (f_all == f)
        per_world = np.zeros(state.n_worlds)
        per_world[pairs.w[sel]] = amount[sel]
        distressed = state.stage[:, f] == DISTRESSED
        if (distressed & (per_world > 0)).any():
            rescue(world, state, c, f, np.where(distressed, per_world, 0.0), relocate=False)
        if (~distressed & (per_world > 0)).any():
            invest(world, state, c, f, np.where(distressed, 0.0, per_world))


def _spawn(world: World, state: State, eff: CEffect, pairs: Pairs) -> None:
    """A new project from a template asks for terms, in a free slot of its sector."""
    tpl = world.templates[eff.template]  # type: ignore[attr-defined]
    slots = np.nonzero(world.spare & (world.firm_sector == eff.template_sector))[0]
    if not len(slots):
        return
    free = (state.stage[pairs.w[:, None], slots[None, :]] == NOT_YET) | \
        (state.stage[pairs.w[:, None], slots[None, :]] == WITHDRAWN)
    has = free.any(axis=1)
    if not has.any():
        return
    w = pairs.w[has]
    f = slots[np.argmax(free[has], axis=1)]
    city = state.firm_city[w, pairs.target[has]] if eff.where_firm else pairs.c[has]
    u = state.noise.uniform[w, state.turn, :]
    prospects._open(world, state, w, f, city, u)
    capex = tpl.capacity_bn * sp_capex(world)[f]
    state.capacity_f[w, f] = tpl.capacity_bn
    state.quality[w, f] = tpl.quality
    state.quality_signal[w, f] = np.clip(tpl.quality + prospects.SIGNAL_NOISE * (2 * u[:, LANE_SPAWN_SIGNAL] - 1),
                                         0.0, 1.0)
    state.ask[w, f] = tpl.ask_bn if tpl.ask_bn > 0 else prospects.ASK_SHARE_OF_CAPEX * capex
    if tpl.offered_stake > 0:
        state.offered_stake[w, f] = tpl.offered_stake
    state.cash[w, f] = tpl.cash_bn
    state.firm_debt[w, f] = tpl.debt_bn
    state.name_index[w, f] = -(eff.template + 1)
    state.stage[w, f] = PROSPECT


def _modify(world: World, state: State, ev: CEvent, eff: CEffect, pairs: Pairs) -> None:
    """A temporary change: undo any earlier one of this modifier, apply, remember how to undo."""
    m = eff.modifier
    active = state.mod_until[pairs.w, pairs.c, m] >= 0
    if active.any():
        _undo(world, state, m, pairs.w[active], pairs.c[active])
    ctx = _fixed_ctx(pairs.ctx(world, state, ev.scope), eff.fixed_f, eff.fixed_s)
    spec = eff.spec
    assert spec is not None
    old = spec.read(ctx)
    lo = -np.inf if spec.lo is None else spec.lo
    hi = np.inf if spec.hi is None else spec.hi
    new = np.clip(old * eff.value if eff.multiply else old + eff.value, lo, hi)
    _write(world, state, spec, ctx, old, new)
    index = ctx.f if spec.index == "wf" else ctx.s if spec.index in ("ws", "wcs") else None
    state.mod_target[pairs.w, pairs.c, m] = -1 if index is None else np.broadcast_to(index, len(pairs))
    if eff.multiply:
        state.mod_delta[pairs.w, pairs.c, m] = np.where(old != 0, new / np.where(old != 0, old, 1.0), 1.0)
    else:
        state.mod_delta[pairs.w, pairs.c, m] = new - old
    state.mod_until[pairs.w, pairs.c, m] = state.turn + eff.turns


def _undo(world: World, state: State, m: int, w: np.ndarray, c: np.ndarray) -> None:
    spec, multiply = world.event_table.modifier_spec[m]  # type: ignore[attr-defined]
    target = state.mod_target[w, c, m]
    ctx = Ctx(world, state, w, c, target if spec.index == "wf" else None,
              target if spec.index in ("ws", "wcs") else None)
    now = spec.read(ctx)
    delta = state.mod_delta[w, c, m]
    lo = -np.inf if spec.lo is None else spec.lo
    hi = np.inf if spec.hi is None else spec.hi
    back = now / np.where(delta > 0, delta, 1.0) if multiply else now - delta
    _write(world, state, spec, ctx, now, np.clip(back, lo, hi))
    state.mod_until[w, c, m] = -1


def _expire_modifiers(world: World, state: State, tab: EventTable, t: int) -> None:
    if tab.n_modifiers == 0:
        return
    ending = state.mod_until == t
    if not ending.any():
        return
    for m in np.nonzero(cols_any(ending.reshape(-1, ending.shape[2])))[0]:
        w, c = np.nonzero(ending[:, :, m])
        _undo(world, state, int(m), w, c)


# ----- text ------------------------------------------------------------------------------------


def render(text: str, names: dict[str, str]) -> str:
    """Replace the known placeholders ({firm}, {sector}, {city}, {my_city}, {date}) by plain
    substitution; anything else in braces stays as written."""
    for key, value in names.items():
        text = text.replace("{" + key + "}", value)
    return text


def names_for(world: World, state: State, ev: CEvent, target: int, city: int, w: int = 0) -> dict[str, str]:
    """What the placeholders of an event stand for in world ``w``."""
    out = {"my_city": world.cities[city].name, "city": world.cities[city].name,
           "date": world.date_label(min(state.turn, world.turns))}
    if ev.scope == "firm" and target >= 0:
        out["firm"] = world.firm_name(target, int(state.name_index[w, target]))
        out["sector"] = world.sectors[int(world.firm_sector[target])].name
        out["city"] = world.cities[int(state.firm_city[w, target])].name
    elif ev.scope == "sector" and target >= 0:
        out["sector"] = world.sectors[target].name
    return out


def describe_effects(world: World, state: State, ev: CEvent, effects: tuple[CEffect, ...], target: int,
                     city: int, w: int = 0) -> list[str]:
    """Plain words for what effects will do now, e.g. "Treasury +¥2.0 bn"."""
    pairs = Pairs(np.array([w]), np.array([city]), np.array([target]))
    out = []
    for eff in effects:
        ctx = _fixed_ctx(pairs.ctx(world, state, ev.scope), eff.fixed_f, eff.fixed_s)
        out.append(_describe(world, state, ev, eff, ctx, pairs))
    return [x for x in out if x]


def _label(name: str) -> str:
    return name.split(".", 1)[1].replace("_bn", "").replace("_ha", "").replace("_", " ")


def _describe(world: World, state: State, ev: CEvent, eff: CEffect, ctx: Ctx, pairs: Pairs) -> str:
    tab: EventTable = world.event_table  # type: ignore[attr-defined]
    whose = ""
    if ctx.f is not None and eff.spec is not None and eff.spec.scope == "firm":
        f = int(np.asarray(ctx.f).reshape(-1)[0])
        whose = f" of {world.firm_name(f, int(state.name_index[pairs.w[0], f]))}"
    elif ctx.s is not None and eff.spec is not None and eff.spec.scope == "sector":
        whose = f" in {world.sectors[int(np.asarray(ctx.s).reshape(-1)[0])].name}"
    if eff.kind in ("add", "multiply", "set"):
        spec = eff.spec
        assert spec is not None
        old = float(np.asarray(spec.read(ctx)).reshape(-1)[0])
        new = float(np.asarray(_new_value(eff, ctx, np.asarray([old]))).reshape(-1)[0])
        money = "¥" if spec.unit.startswith("¥") else ""
        unit = " bn" if money else ""
        sign = "+" if new >= old else "-"
        return (f"{_label(spec.name).capitalize()}{whose} {sign}{money}{abs(new - old):,.2f}{unit} "
                f"(to {money}{new:,.2f}{unit})")
    if eff.kind == "stake":
        f = int(pairs.target[0]) if eff.fixed_f is None else eff.fixed_f
        name = world.firm_name(f, int(state.name_index[pairs.w[0], f]))
        cost = eff.value * float(max(state.valuation[pairs.w[0], f], 0.0))
        pay = (f", paying ¥{cost:,.2f} bn" if cost > 0 else f", receiving ¥{-cost:,.2f} bn") if eff.pay else ""
        return f"Your stake in {name} {eff.value:+.0%}{pay}"
    if eff.kind == "invest":
        f = int(np.asarray(ctx.f).reshape(-1)[0])
        amount = float(np.asarray(_invest_amount(eff, ctx)).reshape(-1)[0])
        return f"Invest ¥{amount:,.2f} bn in {world.firm_name(f, int(state.name_index[pairs.w[0], f]))}"
    if eff.kind == "spawn":
        tpl = world.templates[eff.template]  # type: ignore[attr-defined]
        return f"{tpl.name} arrives asking for terms"
    if eff.kind in ("set_flag", "clear_flag"):
        return ""  # bookkeeping the player need not see
    if eff.kind == "modifier":
        spec = eff.spec
        assert spec is not None
        change = f"x{eff.value:g}" if eff.multiply else f"{eff.value:+g}"
        return f"{_label(spec.name).capitalize()}{whose} {change} for {eff.turns} quarters"
    if eff.kind == "queue":
        return f"Consequences in {eff.after} quarter{'s' if eff.after != 1 else ''}: {tab.events[eff.event].definition.title}"
    return ""


# ----- conditions outside events (milestones, bots) --------------------------------------------


def compile_condition(world: World, cond: Any) -> Any:
    """A content condition compiled for ``world``, to evaluate with :func:`holds`.

    Flags keep the indices of the world's compiled events; a flag no event sets never holds.
    """
    comp = _Compiler(world, [], {})
    known = world.event_table.flags if world.event_table is not None else ()
    comp.flags = {name: i for i, name in enumerate(known)}
    node = comp._cond(cond)
    return _drop_unknown_flags(node, len(known))


def _drop_unknown_flags(node: Any, n_flags: int) -> Any:
    kind = node[0] if isinstance(node, tuple) else None
    if kind == "flag" and node[1] >= n_flags:
        return FALSE
    if kind in ("all", "any"):
        return (kind, tuple(_drop_unknown_flags(x, n_flags) for x in node[1]))
    if kind == "not":
        return ("not", _drop_unknown_flags(node[1], n_flags))
    return node


def holds(node: Any, ctx: Ctx) -> Any:
    """Whether a compiled condition holds, for every index the context binds."""
    return _holds(node, ctx)
