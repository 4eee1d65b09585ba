"""The ledger and the state's invariants under random legal play (hypothesis).

Actions of every kind are drawn with amounts; only those the engine's check accepts are
applied. After every closed turn each city's treasury change equals its ledger row, and
no state array holds a NaN, an infinity, a negative land bank or negative attention.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine import actions as A
from game.engine.ledger import CATEGORY_IDS, N_CATEGORIES
from game.engine.session import Session
from game.engine.state import new_state
from game.engine.tick import begin_turn, end_turn

EPS = 1e-9


def action_strategy(world) -> st.SearchStrategy:
    """Any action of the vocabulary, with amounts from tiny to far too large."""
    firm_ids = [f.id for f in world.firms]
    asks = {f.id: f.ask_bn for f in world.firms}
    money = st.floats(0.01, 120.0, allow_nan=False, allow_infinity=False)
    near_ask = st.tuples(st.sampled_from(firm_ids), st.floats(0.3, 1.8)).map(
        lambda fa: A.InvestEquity(firm=fa[0], amount_bn=max(asks[fa[0]] * fa[1], 0.01)))
    return st.one_of(
        st.builds(A.SellLand, hectares=st.floats(0.5, 5000.0)),
        st.builds(A.IssueBonds, amount_bn=money),
        st.builds(A.RepayBonds, amount_bn=money),
        st.builds(A.InvestEquity, firm=st.sampled_from([*firm_ids, "no-such-firm"]), amount_bn=money),
        near_ask,
        st.builds(A.BuildInfrastructure, project=st.sampled_from(sorted(A.INFRASTRUCTURE))),
        st.just(A.Pass()),
    )


def turns_strategy(world, max_turns: int) -> st.SearchStrategy:
    return st.lists(st.lists(action_strategy(world), max_size=5), min_size=4, max_size=max_turns)


def assert_sound(state, where: str = "") -> None:
    """Invariants that must hold at any moment of any game."""
    for name, arr in state.arrays().items():
        if arr.dtype.kind == "f":
            assert np.isfinite(arr).all(), f"{name} is not finite {where}"
    assert np.isfinite(state.noise.normal).all()
    assert (state.land_bank >= 0).all(), f"negative land bank {where}"
    assert (state.attention >= 0).all(), f"negative attention {where}"
    assert (state.stake >= 0).all() and (state.stake <= 1).all(), f"stake out of [0, 1] {where}"
    assert (state.stake.sum(axis=2) <= 1 + 1e-9).all(), f"a firm's stakes sum over 1 {where}"
    assert (state.debt >= -EPS).all(), f"negative debt {where}"


def assert_ledger_closes(state, where: str = "") -> None:
    """Every city's treasury change over the turn equals the sum of its ledger row."""
    change = state.treasury - state.treasury_open
    booked = state.ledger.sum(axis=2)
    np.testing.assert_allclose(change, booked, rtol=1e-9, atol=1e-9, err_msg=where)


def play_engine(world, turns, seed, n_worlds=1):
    """Drive the engine directly; yields the state after each end_turn, before the next begin."""
    p = world.player
    state = new_state(world, n_worlds, seed=seed)
    assert_sound(state, "at the start")
    for turn_actions in turns:
        if state.turn >= world.turns or state.over.all():
            return
        begin_turn(world, state)
        for action in turn_actions:
            ok = np.array([not A.check(world, state, p, action, w) for w in range(n_worlds)])
            if ok.any():
                A.apply(world, state, p, action, mask=ok)
                assert_sound(state, f"after {action!r}")
        end_turn(world, state)
        yield state


@given(data=st.data(), seed=st.integers(0, 10_000))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_ledger_conserves_money_for_every_city_tutorial(tutorial, data, seed):
    turns = data.draw(turns_strategy(tutorial, tutorial.turns))
    for state in play_engine(tutorial, turns, seed):
        assert_ledger_closes(state, f"turn {state.turn}")
        assert_sound(state, f"after turn {state.turn}")


@given(data=st.data(), seed=st.integers(0, 10_000))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_ledger_conserves_money_for_every_city_hefei(hefei, data, seed):
    turns = data.draw(turns_strategy(hefei, 24))
    for state in play_engine(hefei, turns, seed):
        assert_ledger_closes(state, f"turn {state.turn}")
        assert_sound(state, f"after turn {state.turn}")


@given(data=st.data(), seed=st.integers(0, 10_000))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_player_history_matches_the_ledger(tutorial, data, seed):
    """Through the Session: each snapshot's treasury change is its ledger row's sum."""
    turns = data.draw(turns_strategy(tutorial, tutorial.turns))
    s = Session.start(tutorial, seed=seed)
    for turn_actions in turns:
        if s.over:
            break
        for action in turn_actions:
            if not s.check(action):
                s.act(action)
                assert_sound(s.state, f"after {action!r}")
        s.end_turn()
    for prev, snap in zip(s.history, s.history[1:], strict=False):
        assert set(snap.ledger) == set(CATEGORY_IDS)
        assert np.isclose(snap.treasury - prev.treasury, sum(snap.ledger.values()),
                          rtol=1e-9, atol=1e-9), f"turn {snap.turn}"
    assert len(s.history) == s.turn + 1


def test_ledger_row_is_not_trivially_empty(hefei):
    """The conservation property has teeth: a turn books several non-zero categories."""
    s = Session.start(hefei)
    s.act(A.SellLand(hectares=100))
    s.act(A.IssueBonds(amount_bn=5.0))
    s.end_turn()
    flows = s.history[-1].ledger
    for k in ("land_sales", "taxes_base", "transfers", "spending_core", "interest", "bond_proceeds"):
        assert flows[k] != 0.0, k
    assert len(flows) == N_CATEGORIES


@given(data=st.data(), seed=st.integers(0, 10_000))
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_batches_play_both_scenarios_to_the_end(tutorial, hefei, data, seed):
    """Random legal play over 32 worlds at once, every turn, to the scenario's last turn."""
    for world in (tutorial, hefei):
        turns = data.draw(st.lists(st.lists(action_strategy(world), max_size=4),
                                   min_size=world.turns, max_size=world.turns))
        last = None
        for state in play_engine(world, turns, seed, n_worlds=32):
            assert_ledger_closes(state, f"{world.scenario.id} turn {state.turn}")
            assert_sound(state, f"{world.scenario.id} turn {state.turn}")
            last = state
        assert last is not None
        assert last.turn == world.turns or last.over.all()
