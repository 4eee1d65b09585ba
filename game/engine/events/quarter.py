"""The events of one quarter, for every world at once (``step``, at the end of ``end_turn``).

In a fixed order: decisions people left open take the event's default; temporary modifiers
that have run their course are undone; then each event in order of id is tried where its
dice came up (dice.py) or where a queue made it due: the game-level part of its trigger
for every world at once, then its scope and the rest of its trigger (binding.py); where a
binding holds it fires (``fire``).
"""

from __future__ import annotations

import numpy as np

from game.engine.arrays import cols_any, rows_any
from game.engine.events.binding import Pairs, Presence, bind, world_level
from game.engine.events.choices import resolve, resolve_defaults, rival_choice
from game.engine.events.compile import CEvent, EventTable
from game.engine.events.conditions import holds
from game.engine.events.dice import roll
from game.engine.events.effects import apply_all, expire_modifiers
from game.engine.registry import Ctx
from game.engine.state import State
from game.engine.world import World


def step(world: World, state: State) -> None:
    """The events of one quarter, for every world (called at the end of ``end_turn``)."""
    tab: EventTable | None = world.event_table
    if tab is None or tab.n == 0:
        return
    t = state.turn
    resolve_defaults(world, state)
    expire_modifiers(world, state, tab, t)
    if t >= world.turns:
        return  # the game is over: nothing is left to decide
    live = ~state.over
    gate = roll(tab, state, t, live)  # [E, W, C]
    everywhere = Ctx(world, state, np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64))
    present = Presence(world, state)
    todo = set(np.nonzero(rows_any(gate.reshape(gate.shape[0], -1)))[0].tolist())
    due_events: set[int] = set()
    if (state.ev_due >= 0).any():
        due_any = state.ev_due == t
        due_events = set(np.nonzero(cols_any(due_any.reshape(-1, due_any.shape[2])))[0].tolist())
    for e in sorted(todo | due_events):  # in order of id
        ev = tab.events[e]
        due = due_any[:, :, e] & live[:, None] if e in due_events else None
        if ev.game_trigger is not None and not np.all(holds(ev.game_trigger, everywhere)):
            if due is not None:  # a queued event whose trigger fails is dropped
                state.ev_due[:, :, e] = np.where(due, -1, state.ev_due[:, :, e])
            continue
        attempt(world, state, ev, gate[e], due, present)


def attempt(world: World, state: State, ev: CEvent, gate: np.ndarray, due: np.ndarray | None,
            present: Presence | None = None) -> None:
    """Fire ``ev`` where its dice came up (``gate`` [W, C]) or where it is due from a queue
    (``due`` [W, C] or None), if its scope and trigger hold."""
    either = gate if due is None else gate | due
    w = np.nonzero(rows_any(either))[0]
    cities = np.nonzero(cols_any(either[w]))[0]  # only the cities concerned somewhere
    g = gate[w][:, cities]
    d = np.zeros_like(g) if due is None else _take_due(state, ev, w, cities, due[w][:, cities])
    ok = world_level(world, state, ev, w, cities, g | d, present)
    rows = rows_any(ok)
    if not rows.any():
        return
    if not rows.all():  # the candidates are looked at only where the cheap part held
        w, ok, d = w[rows], ok[rows], d[rows]
    pairs = bind(world, state, ev, w, cities, ok, d)
    if len(pairs):
        fire(world, state, ev, pairs)
        if present is not None:
            present.changed(pairs.w)


def _take_due(state: State, ev: CEvent, w: np.ndarray, cities: np.ndarray, d: np.ndarray) -> np.ndarray:
    """The queue entries due now [n, Cc] are taken off the queue; where a person has not
    answered the event's last decision yet, it is due again a quarter later instead."""
    e = ev.index
    cell = (w[:, None], cities[None, :], e)
    state.ev_due[cell] = np.where(d, -1, state.ev_due[cell])
    waiting = d & state.ev_pending[cell]
    if waiting.any():
        rows = np.nonzero(waiting)
        state.ev_due[w[rows[0]], cities[rows[1]], e] = state.turn + 1
        d = d & ~waiting
    return d


def fire(world: World, state: State, ev: CEvent, pairs: Pairs) -> None:
    """The event happens for these pairs: record it, apply its effects, ask people for a
    choice and let the computer's cities answer by their archetype."""
    e, t = ev.index, state.turn
    state.ev_count[pairs.w, pairs.c, e] += 1
    state.ev_last[pairs.w, pairs.c, e] = t
    state.ev_target[pairs.w, pairs.c, e] = pairs.target
    apply_all(world, state, ev, ev.effects, pairs)
    if not ev.options:
        return
    people = state.human[pairs.w, pairs.c]
    if people.any():
        state.ev_pending[pairs.w[people], pairs.c[people], e] = True
    if (~people).any():
        rivals = pairs.sub(~people)
        resolve(world, state, ev, rivals, rival_choice(world, state, ev, rivals))
