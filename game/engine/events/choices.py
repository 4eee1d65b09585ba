"""Choices: the options an event offers each city, the default, the computer's answers by
archetype, and people's answers (``choose``), recorded as decisions so replays stay
deterministic.
"""

from __future__ import annotations

import numpy as np

from game.engine.arrays import cols_any
from game.engine.events.binding import Pairs
from game.engine.events.compile import CEvent, EventTable
from game.engine.events.conditions import holds, with_fixed
from game.engine.events.effects import apply_all, invest_amount, new_value
from game.engine.state import State
from game.engine.world import World

RIVAL_RULE_WEIGHT = 1e15  # an event's own rival_choice for an archetype outranks its rule
CAUTION_WEIGHT = 1e9  # a cautious city avoids bold options before it looks at cash


def offered(world: World, state: State, ev: CEvent, pairs: Pairs) -> np.ndarray:
    """[P, O] bool: which options each pair is offered."""
    out = np.ones((len(pairs), len(ev.options)), dtype=bool)
    memo: dict = {}
    for k, opt in enumerate(ev.options):
        if opt.condition is not None:
            out[:, k] = np.broadcast_to(holds(opt.condition, pairs.ctx(world, state, ev.scope, memo)), len(pairs))
    return out


def default_choice(ev: CEvent, offer: np.ndarray) -> np.ndarray:
    """The default option where it is offered, else the first offered; -1 when none is."""
    choice = np.where(offer[:, ev.ai_default], ev.ai_default, np.argmax(offer, axis=1))
    return np.where(offer.any(axis=1), choice, -1)


def rival_choice(world: World, state: State, ev: CEvent, pairs: Pairs,
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
            score = _cash_now(world, state, ev, sub)
        elif kind == "herd-chaser":
            score = np.broadcast_to(bold, (len(sub), n_opt)).astype(np.float64)
        elif kind == "cautious":
            score = -CAUTION_WEIGHT * bold[None, :] + _cash_now(world, state, ev, sub)
        else:  # copycat, and anything else: follow the player, else the default
            last = state.ev_choice[sub.w, world.player, ev.index]
            k = np.arange(n_opt)[None, :]
            score = (k == last[:, None]) * 2.0 + (k == ev.ai_default) * 1.0
        if kind in ev.rival_choice:
            score = score + RIVAL_RULE_WEIGHT * (np.arange(n_opt)[None, :] == ev.rival_choice[kind])
        score = np.where(offer[sel], score, -np.inf)
        choice[sel] = np.where(offer[sel].any(axis=1), np.argmax(score, axis=1), -1)
    return choice


def _cash_now(world: World, state: State, ev: CEvent, pairs: Pairs) -> np.ndarray:
    """Immediate cash each option brings the city, [P, O] (treasury effects and paid stakes)."""
    out = np.zeros((len(pairs), len(ev.options)))
    ctx = pairs.ctx(world, state, ev.scope)
    for k, opt in enumerate(ev.options):
        for eff in opt.effects:
            if eff.kind in ("add", "multiply", "set") and eff.spec is not None and eff.spec.ledger:
                c2 = with_fixed(ctx, eff.fixed_f, eff.fixed_s)
                old = eff.spec.read(c2)
                out[:, k] += new_value(eff, c2, old) - old
            elif eff.kind == "stake" and eff.pay:
                f = pairs.target if eff.fixed_f is None else np.full(len(pairs), eff.fixed_f)
                out[:, k] -= eff.value * state.valuation[pairs.w, f]
            elif eff.kind == "invest":
                out[:, k] -= invest_amount(eff, with_fixed(ctx, eff.fixed_f, None))
    return out


def resolve(world: World, state: State, ev: CEvent, pairs: Pairs, choice: np.ndarray) -> None:
    """Apply the chosen option (-1: none) for each pair."""
    if len(pairs):
        state.ev_choice[pairs.w, pairs.c, ev.index] = np.where(choice >= 0, choice, state.ev_choice[pairs.w, pairs.c, ev.index])
    for k, opt in enumerate(ev.options):
        sel = choice == k
        if not sel.any():
            continue
        sub = pairs.sub(sel)
        apply_all(world, state, ev, opt.effects, sub)
        if opt.follow_up is not None:
            apply_all(world, state, ev, (opt.follow_up,), sub)


def resolve_defaults(world: World, state: State) -> None:
    """Decisions people left open take the default option (in order of event)."""
    tab: EventTable | None = world.event_table
    if tab is None or not state.ev_pending.any():
        return
    for e in np.nonzero(cols_any(state.ev_pending.reshape(-1, state.ev_pending.shape[2])))[0]:
        ev = tab.events[e]
        w, c = np.nonzero(state.ev_pending[:, :, e])
        state.ev_pending[w, c, e] = False
        pairs = Pairs(w, c, state.ev_target[w, c, e])
        resolve(world, state, ev, pairs, default_choice(ev, offered(world, state, ev, pairs)))


def answer_pending(world: World, state: State, archetype: str, mask: np.ndarray | None = None,
                   city: int | None = None) -> None:
    """Answer ``city``'s open decisions (default: the player's) as a rival of ``archetype``
    would, for bots that play in character ("land-addict", "herd-chaser", "cautious" or
    "copycat"); ``mask`` limits the worlds."""
    tab: EventTable | None = world.event_table
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
        resolve(world, state, ev, pairs, rival_choice(world, state, ev, pairs, archetype))


def pending(world: World, state: State, w: int = 0, city: int | None = None) -> list[tuple[CEvent, int]]:
    """(event, bound target) of ``city``'s open decisions (default: the player's) in world
    ``w``, in event order."""
    tab: EventTable | None = world.event_table
    if tab is None:
        return []
    c = world.player if city is None else city
    return [(tab.events[e], int(state.ev_target[w, c, e])) for e in np.nonzero(state.ev_pending[w, c])[0]]


def choice_reasons(world: World, state: State, city: int, event_id: str, option: int, w: int = 0) -> list[str]:
    """Why the city cannot take ``option`` of ``event_id`` now; empty when it can."""
    tab: EventTable | None = world.event_table
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
    tab: EventTable | None = world.event_table
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
    tab: EventTable = world.event_table
    ev = tab.events[tab.index[event_id]]
    on = choice_mask(world, state, city, event_id, option)
    if mask is not None:
        on &= mask
    w = np.nonzero(on)[0]
    if not len(w):
        return
    state.ev_pending[w, city, ev.index] = False
    pairs = Pairs(w, np.full(len(w), city), state.ev_target[w, city, ev.index])
    resolve(world, state, ev, pairs, np.full(len(w), option))
