"""`architect mods trace`: one world of a scenario played quarter by quarter, listing the
events that fired and, for the events asked about, why they did not: not evaluated for
that city, nothing queued it, a decision still waiting, once, cooldown, the dice, the
trigger (which condition failed, with the value it read) or the scope (no match).

The world plays exactly as in the game: the economy of a quarter runs with the events
held back, then the events step runs as the turn's last step, as `end_turn` does; the
reasons are read just before that step (after open decisions take their defaults and
expired modifiers are undone), so only the effects of events earlier in the same
quarter (in order of id) are not seen by them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from game.bots import Bot
from game.content.schema import AllOf, AnyOf, Between, Compare, FlagIs, NotOf
from game.engine import events
from game.engine.events import dice
from game.engine.registry import METRICS, Ctx
from game.engine.state import State, new_state, state_hash
from game.engine.tick import begin_turn, end_turn
from game.engine.world import World

OP_WORDS = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "=", "!=": "!="}


@dataclass
class Quarter:
    """One quarter's events step: what fired, and why the events asked about did not."""

    turn: int  # the turn the step opened (its decisions are in this turn's briefing)
    date: str
    fired: list[str] = field(default_factory=list)  # "event-id for City (firm X)"
    why_not: dict[str, list[str]] = field(default_factory=dict)  # event id -> reasons, one per city


@dataclass
class Trace:
    scenario: str
    seed: int
    bot: str
    quarters: list[Quarter]
    asked: list[str]
    unknown: list[str]  # events asked about that the scenario does not have in play
    hash: str  # the final state's hash: the same as the game's with this seed and bot

    def lines(self) -> list[str]:
        out = [f"{self.scenario}, seed {self.seed}, bot {self.bot}, one world, {len(self.quarters)} "
               "quarters of events"]
        out += [f"  {eid}: not in the scenario's events, so it never fires" for eid in self.unknown]
        for q in self.quarters:
            out.append(f"{q.date} (turn {q.turn}): " + ("; ".join(q.fired) if q.fired else "no event fired"))
            for eid in self.asked:
                for reason in q.why_not.get(eid, []):
                    out.append(f"    {eid}: {reason}")
        return out


def trace(world: World, bot: Bot, bot_name: str, seed: int | None = None, asked: list[str] | None = None,
          turns: int | None = None) -> Trace:
    """Play one world of ``world``'s scenario with ``bot``, recording its events."""
    tab = world.event_table
    asked = list(asked or [])
    index = {} if tab is None else tab.index
    unknown = [e for e in asked if e not in index]
    asked = [e for e in asked if e in index]
    quiet = replace(world, event_table=None)  # the economy of a quarter, events held back
    state = new_state(world, 1, seed=seed)
    begin_turn(world, state)
    quarters = []
    n = world.turns if turns is None else min(turns, world.turns)
    for _ in range(n):
        bot(world, state)
        end_turn(quiet, state)
        if tab is not None and state.turn < world.turns:
            quarters.append(_step(world, state, asked))
        elif tab is not None:
            events.step(world, state)  # the last step only resolves open decisions
        if state.over[0] or state.turn >= world.turns:
            break
        begin_turn(world, state)
    return Trace(world.scenario.id, world.scenario.seed if seed is None else seed, bot_name, quarters,
                 asked, unknown, state_hash(state))


def _step(world: World, state: State, asked: list[str]) -> Quarter:
    tab = world.event_table
    t = state.turn
    quarter = Quarter(t, world.date_label(t))
    seen = state.copy()  # as the step will see it, once open decisions are settled
    events.resolve_defaults(world, seen)
    events.expire_modifiers(world, seen, tab, t)  # the step's own bookkeeping
    cities = range(world.n_cities)
    why = {}
    for eid in asked:
        ev = tab.events[tab.index[eid]]
        mine = [c for c in cities if _evaluated(world, seen, ev, c)]
        why[eid] = [(c, _why_not(world, seen, ev, c)) for c in mine]
        if not mine:
            quarter.why_not[eid] = [f"evaluated for no city of this game (cities = \"{ev.definition.cities}\")"]
    count = state.ev_count.copy()
    events.step(world, state)
    for c, e in zip(*np.nonzero(state.ev_count[0] > count[0]), strict=True):  # [C, E]
        quarter.fired.append(_fired(world, state, tab.events[int(e)], int(c)))
    for eid, reasons in why.items():
        e = tab.index[eid]
        quarter.why_not.setdefault(eid, [])
        quarter.why_not[eid] += [f"{world.cities[c].name}: {r}" for c, r in reasons
                                if r is not None and state.ev_count[0, c, e] == count[0, c, e]]
        for c, r in reasons:
            if r is None and state.ev_count[0, c, e] == count[0, c, e]:
                quarter.why_not[eid].append(f"{world.cities[c].name}: it could fire, but an event earlier this "
                                            "quarter changed what it reads")
    return quarter


def _fired(world: World, state: State, ev: Any, c: int) -> str:
    target = int(state.ev_target[0, c, ev.index])
    what = ""
    if ev.scope == "firm" and target >= 0:
        what = f" ({world.firm_name(target, int(state.name_index[0, target]))})"
    elif ev.scope == "sector" and target >= 0:
        what = f" ({world.sectors[target].name})"
    return f"{ev.id} for {world.cities[c].name}{what}"


def _evaluated(world: World, state: State, ev: Any, c: int) -> bool:
    tab = world.event_table
    return bool(tab.for_people[ev.index] if state.human[0, c] else tab.for_computer[ev.index])


def _why_not(world: World, state: State, ev: Any, c: int) -> str | None:
    """Why ``ev`` does not fire for city ``c`` in this step (every reason that stops it,
    in the order the step checks them), or None when nothing does."""
    tab, t, e = world.event_table, state.turn, ev.index
    if state.over[0]:
        return "the game is over"
    reasons = []
    if state.ev_due[0, c, e] != t:
        last = int(state.ev_last[0, c, e])
        if tab.p[e] == 0:
            reasons.append("no chance or mtth: it fires only when queued, and nothing queued it")
        elif state.ev_pending[0, c, e]:
            reasons.append("a decision on it is still waiting")
        elif tab.once[e] and state.ev_count[0, c, e] > 0:
            reasons.append(f"once: it fired in {world.date_label(last)} (turn {last})")
        elif last > t - int(tab.cooldown[e]):
            reasons.append(f"cooldown: it fired in {world.date_label(last)} (turn {last}); it may fire again "
                           f"from turn {last + int(tab.cooldown[e])}")
        else:
            roll = float(dice.draws(state, t)[0, c, e])
            if not roll < float(tab.thresholds[int(bool(state.human[0, c])), e]):
                reasons.append(f"chance: the dice gave {roll:.3f}; it needs below {float(tab.p[e]):.3g}")
    ctx = Ctx(world, state, np.array([0]), np.array([c]))
    trigger = ev.definition.trigger
    if trigger is not None and not _independent_holds(world, ev, ctx):
        reasons.append("trigger: " + "; ".join(_explain(world, trigger, ctx, bound=False)))
    elif ev.scope != "none":
        scope = _why_scope(world, state, ev, c)
        if scope is not None:
            reasons.append(scope)
    return "; and ".join(reasons) if reasons else None


def _independent_holds(world: World, ev: Any, ctx: Ctx) -> bool:
    for node in (ev.game_trigger, ev.world_trigger):
        if node is not None and not bool(np.all(events.holds(node, ctx))):
            return False
    return True


def _why_scope(world: World, state: State, ev: Any, c: int) -> str | None:
    scope = ev.definition.scope
    cands = [int(k) for k in ev.candidates]
    if ev.scope == "firm":
        matches = [f for f in cands if _firm_matches(state, ev, f, c)]
        if not matches:
            sectors = ", ".join(scope.sectors) or "any sector"
            stages = ", ".join(scope.stages) or "prospect to listed, or distressed"
            whose = {"own": "of this city", "rival": "of a rival city", "any": "anywhere"}[ev.where]
            held = "" if ev.held is None else (" held by the city" if ev.held else " not held by the city")
            return f"scope: no firm {whose} in {sectors} at {stages}{held}"
    else:
        matches = cands
    if ev.cand_trigger is None:
        return None
    checked = []
    for k in matches:
        ctx = _bound(world, state, ev, c, k)
        if bool(np.all(events.holds(ev.cand_trigger, ctx))):
            return None
        checked.append((k, _explain(world, ev.definition.trigger, ctx)))
    k, why = checked[0]
    name = world.firm_name(k, int(state.name_index[0, k])) if ev.scope == "firm" else world.sectors[k].name
    more = f" (and {len(checked) - 1} more match{'es' if len(checked) > 2 else ''} of the scope)" \
        if len(checked) > 1 else ""
    return f"trigger, for every match of the scope: for {name}{more}: " + "; ".join(why)


def _firm_matches(state: State, ev: Any, f: int, c: int) -> bool:
    ok = bool(ev.stage_ok[state.stage[0, f]])
    if ev.where == "own":
        ok &= int(state.firm_city[0, f]) == c
    elif ev.where == "rival":
        ok &= int(state.firm_city[0, f]) != c
    if ev.held is not None:
        ok &= bool(state.stake[0, f, c] > 0) == ev.held
    return ok


def _bound(world: World, state: State, ev: Any, c: int, k: int) -> Ctx:
    w, cc = np.array([0]), np.array([c])
    if ev.scope == "firm":
        return Ctx(world, state, w, cc, np.array([k]), np.array([int(world.firm_sector[k])]))
    return Ctx(world, state, w, cc, None, np.array([k]))


def _explain(world: World, cond: Any, ctx: Ctx, bound: bool = True) -> list[str]:
    """The parts of a condition that fail, each with the value it read (without a bound
    scope, parts that read the scope's firm or sector are left to the scope's check)."""
    if isinstance(cond, AllOf):
        return [why for sub in cond.all for why in _explain(world, sub, ctx, bound)]
    if not bound and _reads_scope(cond):
        return []
    if isinstance(cond, AnyOf):
        if _holds(world, cond, ctx):
            return []
        return ["none of: " + " | ".join(_describe(world, sub, ctx) for sub in cond.any)]
    if isinstance(cond, NotOf):
        return [] if _holds(world, cond, ctx) else [f"not ({_describe(world, cond.not_, ctx)}) fails"]
    return [] if _holds(world, cond, ctx) else [_describe(world, cond, ctx) + " fails"]


def _reads_scope(cond: Any) -> bool:
    """Whether a condition reads the firm or sector the scope binds."""
    if isinstance(cond, AllOf | AnyOf):
        return any(_reads_scope(c) for c in (cond.all if isinstance(cond, AllOf) else cond.any))
    if isinstance(cond, NotOf):
        return _reads_scope(cond.not_)
    if isinstance(cond, Compare | Between):
        scope = METRICS[cond.metric].scope
        return (scope == "firm" and cond.firm is None) or (scope == "sector" and cond.sector is None
                                                            and cond.firm is None)
    return False


def _holds(world: World, cond: Any, ctx: Ctx) -> bool:
    return bool(np.all(events.holds(events.compile_condition(world, cond), ctx)))


def _describe(world: World, cond: Any, ctx: Ctx) -> str:
    if isinstance(cond, FlagIs):
        return f"flag {cond.flag!r}"
    if isinstance(cond, Compare | Between):
        value = _read(world, cond, ctx)
        shown = "n/a" if value is None else f"{value:.6g}"
        if isinstance(cond, Compare):
            text = f"{cond.metric} {OP_WORDS[cond.op]} {cond.value:g}"
        else:
            text = f"{cond.metric} in [{'' if cond.min is None else f'{cond.min:g}'}, " \
                   f"{'' if cond.max is None else f'{cond.max:g}'}]"
        return f"{text} (it is {shown})"
    return "a condition"


def _read(world: World, cond: Any, ctx: Ctx) -> float | None:
    f, s = ctx.f, ctx.s
    if cond.firm is not None:
        slot = world.firm_slot(cond.firm)
        if slot is None:
            return None
        f, s = np.array([slot]), np.array([int(world.firm_sector[slot])])
    if cond.sector is not None:
        if cond.sector not in world.sector_index:
            return None
        s = np.array([world.sector_index[cond.sector]])
    spec = METRICS[cond.metric]
    if (spec.scope == "firm" and f is None) or (spec.scope == "sector" and s is None):
        return None
    return float(np.asarray(spec.get(Ctx(world, ctx.state, ctx.w, ctx.c, f, s))).ravel()[0])
