"""Effects: what an event or a chosen option does to the state, for many (world, city) pairs.

Fields change within their registered bounds; money into or out of a treasury goes through
the ledger; a fund's partners own the money an event adds to it; a temporary modifier
remembers how to undo itself. Stakes, new equity (through the same functions as the invest
and rescue actions) and new projects from templates each have their own function.
"""

from __future__ import annotations

import numpy as np

from game.engine import prospects
from game.engine.arrays import cols_any
from game.engine.events.binding import Pairs
from game.engine.events.compile import CEffect, CEvent, EventTable
from game.engine.events.conditions import with_fixed
from game.engine.ledger import book
from game.engine.registry import Ctx, FieldSpec
from game.engine.state import LANE_SPAWN_SIGNAL, State, sp_capex
from game.engine.world import DISTRESSED, NOT_YET, PROSPECT, WITHDRAWN, World


def apply_all(world: World, state: State, ev: CEvent, effects: tuple[CEffect, ...], pairs: Pairs) -> None:
    """Apply effects in order; one city at a time so no two pairs touch the same cell at once."""
    if not effects or not len(pairs):
        return
    cities = np.unique(pairs.c)
    for c in cities:
        sub = pairs if len(cities) == 1 else pairs.sub(pairs.c == c)
        for eff in effects:
            _apply(world, state, ev, eff, sub)


def bounded(spec: FieldSpec, values: np.ndarray) -> np.ndarray:
    """``values`` within the field's registered bounds."""
    return np.clip(values, -np.inf if spec.lo is None else spec.lo, np.inf if spec.hi is None else spec.hi)


def new_value(eff: CEffect, ctx: Ctx, old: np.ndarray) -> np.ndarray:
    """What an add, multiply or set effect makes of a field's ``old`` values."""
    spec = eff.spec
    assert spec is not None
    if eff.kind == "add":
        new = old + eff.value * (eff.per(ctx) if eff.per is not None else 1.0)
    elif eff.kind == "multiply":
        new = old * eff.value
    else:
        new = np.full(np.shape(old), eff.value)
    return bounded(spec, new)


def write(world: World, state: State, spec: FieldSpec, ctx: Ctx, old: np.ndarray, new: np.ndarray) -> None:
    """Set a field where ``ctx`` points from ``old`` to ``new``: money into a treasury goes
    through the ledger; money added to a fund is a partner's."""
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
    """One effect for every pair (of one city)."""
    kind = eff.kind
    if kind in ("add", "multiply", "set"):
        ctx = with_fixed(pairs.ctx(world, state, ev.scope), eff.fixed_f, eff.fixed_s)
        old = eff.spec.read(ctx)  # type: ignore[union-attr]
        write(world, state, eff.spec, ctx, old, new_value(eff, ctx, old))  # type: ignore[arg-type]
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


def invest_amount(eff: CEffect, ctx: Ctx) -> np.ndarray:
    """What an invest effect puts in for each pair: its amount (times ``per``), no more than
    the treasury holds."""
    amount = eff.value * (eff.per(ctx) if eff.per is not None else 1.0)
    return np.clip(np.broadcast_to(amount, np.shape(ctx.w)), 0.0,
                   np.maximum(ctx.state.treasury[ctx.w, ctx.c], 0.0))


def _invest(world: World, state: State, ev: CEvent, eff: CEffect, pairs: Pairs) -> None:
    """New equity through the same functions as the invest and rescue actions, one
    (city, firm) at a time with a [W] amount."""
    from game.engine.actions import invest, rescue  # the actions import this module

    ctx = with_fixed(pairs.ctx(world, state, ev.scope), eff.fixed_f, None)
    amount = invest_amount(eff, ctx)
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
    prospects.open_slot(world, state, w, f, city, u)
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
    ctx = with_fixed(pairs.ctx(world, state, ev.scope), eff.fixed_f, eff.fixed_s)
    spec = eff.spec
    assert spec is not None
    old = spec.read(ctx)
    new = bounded(spec, old * eff.value if eff.multiply else old + eff.value)
    write(world, state, spec, ctx, old, new)
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
    back = now / np.where(delta > 0, delta, 1.0) if multiply else now - delta
    write(world, state, spec, ctx, now, bounded(spec, back))
    state.mod_until[w, c, m] = -1


def expire_modifiers(world: World, state: State, tab: EventTable, t: int) -> None:
    """Undo the temporary modifiers whose time ends at turn ``t``."""
    if tab.n_modifiers == 0:
        return
    ending = state.mod_until == t
    if not ending.any():
        return
    for m in np.nonzero(cols_any(ending.reshape(-1, ending.shape[2])))[0]:
        w, c = np.nonzero(ending[:, :, m])
        _undo(world, state, int(m), w, c)
