"""The ledger and the state's invariants under random legal play (hypothesis).

Actions of every kind are drawn with amounts; only those the engine's check accepts are
applied. After every closed turn each city's treasury change equals its ledger row, and
no state array holds a NaN, an infinity, a negative land bank or negative attention.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine import actions as A
from game.engine.ledger import CATEGORY_IDS, N_CATEGORIES
from game.engine.session import Session
from game.engine.state import new_state
from game.engine.tick import begin_turn, end_turn
from game.engine.world import DISTRESSED, LISTED, OPERATING, PROSPECT, RAMPING
from game.sim import BOTS, play_batch

EPS = 1e-9


def kind_strategies(world) -> dict[str, st.SearchStrategy]:
    """A strategy per action kind, with amounts from tiny to far too large."""
    firm_ids = list(world.firm_ids)  # spare slots too: firms spawned during play
    asks = dict(zip(world.firm_ids, world.firm_ask, strict=True))
    sector_ids = [s.id for s in world.sectors]
    firm = st.sampled_from([*firm_ids, "no-such-firm"])
    sector = st.sampled_from([*sector_ids, "no-such-sector"])
    money = st.floats(0.01, 120.0, allow_nan=False, allow_infinity=False)
    near_ask = st.tuples(st.sampled_from(firm_ids), st.floats(0.3, 1.8), st.booleans()).map(
        lambda t: A.InvestEquity(firm=t[0], amount_bn=max(asks[t[0]] * t[1], 0.01), from_fund=t[2]))
    return {
        "sell_land": st.builds(A.SellLand, hectares=st.floats(0.5, 5000.0)),
        "grant_land": st.builds(A.GrantLand, firm=firm, hectares=st.floats(0.5, 3000.0)),
        "issue_bonds": st.builds(A.IssueBonds, amount_bn=money),
        "repay_bonds": st.builds(A.RepayBonds, amount_bn=money),
        "invest_equity": st.one_of(
            near_ask, st.builds(A.InvestEquity, firm=firm, amount_bn=money, from_fund=st.booleans())),
        "rescue_firm": st.builds(A.RescueFirm, firm=firm, amount_bn=money, relocate=st.booleans()),
        "sell_stake": st.builds(A.SellStake, firm=firm, share=st.floats(0.01, 1.0)),
        "create_fund": st.builds(A.CreateFund, sector=sector, amount_bn=money),
        "recruit_suppliers": st.builds(A.RecruitSuppliers, sector=sector),
        "offer_tax_incentive": st.builds(A.OfferTaxIncentive, sector=sector),
        "build_infrastructure": st.builds(A.BuildInfrastructure,
                                          project=st.sampled_from(sorted(A.INFRASTRUCTURE))),
        "pass": st.just(A.Pass()),
    }


def action_strategy(world) -> st.SearchStrategy:
    return st.one_of(*kind_strategies(world).values())


def test_random_play_draws_every_kind_of_action(hefei):
    """If the vocabulary grows, the random-play properties must grow with it."""
    assert set(kind_strategies(hefei)) == set(A.ACTION_KINDS)


@given(data=st.data())
@settings(max_examples=30, deadline=None)
def test_each_kind_strategy_draws_its_kind(hefei, data):
    for kind, strategy in kind_strategies(hefei).items():
        assert data.draw(strategy).kind == kind


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


def scripted_policy(world, state, p):
    """A busy city that, over a game, uses every kind of action where it is legal."""
    first, wants = [], []
    if state.treasury[0, p] < 0.05 * state.gdp[0, p]:
        first.append(A.SellLand(hectares=float(world.city_params["land_absorption_ha"][p])))
    for f, fid in enumerate(world.firm_ids):
        stage, mine = int(state.stage[0, f]), state.firm_city[0, f] == p
        if stage == DISTRESSED:
            need = float(A.rescue_need(state, f)[0]) * 1.01 + 0.01
            first.append(A.RescueFirm(firm=fid, amount_bn=need, relocate=not mine))
        if stage == PROSPECT and mine:
            wants += [A.GrantLand(firm=fid, hectares=10.0),
                      A.InvestEquity(firm=fid, amount_bn=float(state.ask[0, f]), from_fund=True),
                      A.InvestEquity(firm=fid, amount_bn=float(state.ask[0, f]))]
        if state.stake[0, f, p] > 0 and stage in (RAMPING, OPERATING, LISTED):
            wants.append(A.SellStake(firm=fid, share=0.1))
    sector = world.sectors[0].id
    wants += [A.IssueBonds(amount_bn=1.0), A.CreateFund(sector=sector, amount_bn=1.0),
              A.RecruitSuppliers(sector=sector), A.OfferTaxIncentive(sector=sector),
              A.BuildInfrastructure(project="talent-programme"), A.RepayBonds(amount_bn=1.0),
              A.Pass()]
    # rotate so that each kind gets its turn at the three points of attention
    k = state.turn % len(wants)
    return first + wants[k:] + wants[:k]


@pytest.mark.parametrize("scenario", ["tutorial", "hefei"])
def test_every_kind_of_action_keeps_the_books_closed(request, scenario):
    world = request.getfixturevalue(scenario)
    p = world.player
    used = set()
    for seed in range(6):
        state = new_state(world, 1, seed=seed)
        while state.turn < world.turns and not state.over[0]:
            begin_turn(world, state)
            for action in scripted_policy(world, state, p):
                if not A.check(world, state, p, action):
                    A.apply(world, state, p, action)
                    used.add(action.kind)
                    assert_sound(state, f"after {action!r}")
            end_turn(world, state)
            assert_ledger_closes(state, f"seed {seed} turn {state.turn}")
            assert_sound(state, f"seed {seed} turn {state.turn}")
        if used == set(A.ACTION_KINDS):
            break
    assert used == set(A.ACTION_KINDS), set(A.ACTION_KINDS) - used


@pytest.mark.parametrize("bot", sorted(BOTS))
@pytest.mark.parametrize("scenario", ["tutorial", "hefei"])
def test_every_bot_keeps_the_books_closed_and_the_state_sound(request, scenario, bot):
    world = request.getfixturevalue(scenario)
    turns = []

    def after_each_turn(state):
        assert_ledger_closes(state, f"{bot} turn {state.turn}")
        assert_sound(state, f"{bot} turn {state.turn}")
        turns.append(state.turn)

    state, final = play_batch(world, 16, seed=5, bot=BOTS[bot], on_turn=after_each_turn)
    assert turns == list(range(1, world.turns + 1))
    for name, values in final.items():
        assert np.isfinite(values).all(), name
