"""Binding has one path for every scope (events/binding.py). On random states it binds, for
every base event with a scope, what a plain loop over (world, city, candidate) binds: each
candidate checked on its own against the scope, the dice, ``held``, an inherited binding
and the trigger, then the first match or the best by the scope's ``by`` metric."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from game.engine.events import binding, holds
from game.engine.events.compile import CEvent
from game.engine.registry import Ctx
from game.engine.state import State, new_state
from game.engine.world import N_STAGES, World


def random_state(world: World, seed: int, n_worlds: int) -> State:
    """Firm stages, cities and stakes at random, and the numbers triggers read rounded to one
    decimal (so ``by`` has ties to break)."""
    rng = np.random.default_rng(seed)
    state = new_state(world, n_worlds)
    shape = state.stage.shape
    state.stage[:] = rng.integers(0, N_STAGES, shape)
    state.firm_city[:] = rng.integers(0, world.n_cities, shape)
    state.stake[:] = np.where(rng.random(state.stake.shape) < 0.3, rng.random(state.stake.shape), 0.0)
    for name in ("capacity_f", "quality", "cash", "valuation", "profit_f", "lockup_left", "distress_q"):
        getattr(state, name)[:] = np.round(rng.normal(1.0, 1.0, shape), 1)
    for name in ("sentiment", "price", "demand", "capacity"):
        getattr(state, name)[:] = np.round(rng.uniform(0.2, 3.0, state.sentiment.shape), 1)
    state.density[:] = np.round(rng.random(state.density.shape), 1)
    state.ev_due_target[:] = rng.integers(-1, world.n_firms, state.ev_due_target.shape)
    return state


def plain_binding(world: World, state: State, ev: CEvent, w: np.ndarray, cities: np.ndarray,
                  ok: np.ndarray, due: np.ndarray) -> list[tuple[int, int, int]]:
    """(world, city, target) bound in each (world, city), by looking at one candidate at a time."""
    out = []
    for i, wi in enumerate(w.tolist()):
        for j, c in enumerate(cities.tolist()):
            if not ok[i, j]:
                continue
            matches = []
            for k, target in enumerate(ev.candidates.tolist()):
                f = target if ev.scope == "firm" else None
                s = world.firm_sector[target] if ev.scope == "firm" else target if ev.scope == "sector" else None
                if f is not None:
                    home = int(state.firm_city[wi, f])
                    if not ev.stage_ok[state.stage[wi, f]] or (ev.where == "own" and home != c) \
                            or (ev.where == "rival" and home == c):
                        continue
                    if ev.held is not None and (state.stake[wi, f, c] > 0) != ev.held:
                        continue
                inherited = int(state.ev_due_target[wi, c, ev.index])
                if due[i, j] and inherited >= 0 and target != inherited:
                    continue
                ctx = Ctx(world, state, np.array([wi]), np.array([c]), None if f is None else np.array([f]),
                          None if s is None else np.array([s]))
                if ev.cand_trigger is not None and not np.all(holds(ev.cand_trigger, ctx)):
                    continue
                value = 0.0 if ev.pick == "first" or ev.by is None else float(np.asarray(ev.by(ctx)).reshape(-1)[0])
                matches.append((-value if ev.pick == "max" else value, k, target))
            if matches:
                out.append((wi, c, min(matches)[2]))  # the best value, the first among equals
    return out


def scoped_events(world: World) -> list[CEvent]:
    return [ev for ev in world.event_table.events if ev.scope != "none"]


def test_the_base_events_exercise_every_scope_and_pick(hefei):
    kinds = {(ev.scope, ev.pick) for ev in scoped_events(hefei)}
    assert {("firm", "first"), ("firm", "max"), ("firm", "min"), ("sector", "max")} <= kinds


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_worlds=st.integers(1, 4))
def test_bind_equals_a_plain_loop_over_candidates(hefei, seed, n_worlds):
    state = random_state(hefei, seed, n_worlds)
    rng = np.random.default_rng(seed + 1)
    w = np.arange(n_worlds)
    for ev in scoped_events(hefei):
        cities = np.flatnonzero(rng.random(hefei.n_cities) < 0.7)
        if not len(cities):
            cities = np.array([hefei.player])
        ok = rng.random((n_worlds, len(cities))) < 0.8
        due = ok & (rng.random(ok.shape) < 0.3)
        pairs = binding.bind(hefei, state, ev, w, cities, ok, due)
        got = list(zip(pairs.w.tolist(), pairs.c.tolist(), pairs.target.tolist(), strict=True))
        assert got == plain_binding(hefei, state, ev, w, cities, ok, due), ev.id
