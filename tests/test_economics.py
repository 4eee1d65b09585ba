"""The firm formulas (economics.py) are written once; the tick runs them only at the slots
where they apply (flat indices). On random states, that fast path gives exactly the numbers
of the plain formula over whole arrays, gathered here with ordinary numpy indexing."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.engine import economics, firms
from game.engine.arrays import AtSlots
from game.engine.state import State, new_state
from game.engine.world import N_STAGES, World, is_live

SEEDS = st.integers(0, 2**32 - 1)
WORLDS = st.integers(1, 5)


def random_state(world: World, seed: int, n_worlds: int) -> State:
    """A state with every input of the firm formulas drawn at random (some slots empty)."""
    rng = np.random.default_rng(seed)
    state = new_state(world, n_worlds)
    shape = state.stage.shape
    state.stage[:] = rng.integers(0, N_STAGES, shape)
    state.firm_city[:] = rng.integers(0, world.n_cities, shape)
    state.capacity_f[:] = np.where(rng.random(shape) < 0.2, 0.0, rng.uniform(0.0, 60.0, shape))
    state.cum_output[:] = rng.uniform(0.0, 200.0, shape)
    state.quality[:] = rng.random(shape)
    state.cash[:] = rng.normal(0.0, 20.0, shape)
    state.firm_debt[:] = rng.uniform(0.0, 40.0, shape)
    state.paid_in[:] = rng.uniform(-1.0, 50.0, shape)
    state.infrastructure[:] = rng.uniform(0.2, 3.0, state.infrastructure.shape)
    state.density[:] = rng.random(state.density.shape)
    state.sentiment[:] = rng.uniform(0.2, 3.0, state.sentiment.shape)
    state.price[:] = rng.uniform(0.3, 2.0, state.price.shape)
    state.demand[:] = rng.uniform(1.0, 500.0, state.demand.shape)
    state.capacity[:] = rng.uniform(1.0, 500.0, state.capacity.shape)
    return state


def plain_unit_cost(world: World, state: State) -> np.ndarray:
    """[W, F]: the unit cost formula over whole arrays."""
    sp, fs = world.sector_params, world.firm_sector
    w = np.arange(state.n_worlds)[:, None]
    return economics.unit_cost(
        sp["unit_cost"][fs], economics.learning_exponent(sp["learning_rate"][fs]), state.cum_output,
        state.capacity_f, state.quality, state.infrastructure[w, state.firm_city],
        state.density[w, state.firm_city, fs])


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS, n_worlds=WORLDS, share=st.floats(0.0, 1.0))
def test_unit_cost_at_some_slots_equals_the_whole_array_formula(hefei, seed, n_worlds, share):
    state = random_state(hefei, seed, n_worlds)
    rng = np.random.default_rng(seed + 1)
    idx = np.flatnonzero(rng.random(state.stage.shape) < share)
    plain = plain_unit_cost(hefei, state)
    fast = firms.unit_cost(hefei, state, AtSlots(idx, hefei.firm_sector, state.firm_city))
    assert np.array_equal(fast, plain.reshape(-1)[idx])
    assert np.array_equal(firms.unit_cost(hefei, state), plain)


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS, n_worlds=WORLDS)
def test_profit_in_operate_equals_the_whole_array_formula(hefei, seed, n_worlds):
    state = random_state(hefei, seed, n_worlds)
    rng = np.random.default_rng(seed + 2)
    eff = np.where(rng.random(state.stage.shape) < 0.5, 0.0, state.capacity_f * rng.random(state.stage.shape))
    before = state.copy()
    taxes, annual_revenue = firms.operate(hefei, state, eff)

    sp, fs = hefei.sector_params, hefei.firm_sector
    output = eff * np.minimum(1.0, before.demand / before.capacity)[:, fs] / 4
    revenue = output * before.price[:, fs]
    plain_taxes = revenue * sp["tax_rate"][fs]
    before.cum_output += output  # costs fall with this quarter's output already counted
    profit = economics.quarterly_profit(
        revenue, plain_taxes, output, plain_unit_cost(hefei, before), before.capacity_f * sp["capex_per_capacity"][fs],
        sp["fixed_cost_share"][fs], before.firm_debt)
    expected = np.where(eff > 0, profit, 0.0)
    assert np.array_equal(state.profit_f, expected)
    assert np.array_equal(state.cash, before.cash + expected)
    assert np.array_equal(taxes, plain_taxes)
    assert np.array_equal(annual_revenue, revenue * 4)


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS, n_worlds=WORLDS)
def test_valuation_in_revalue_equals_the_whole_array_formula(hefei, seed, n_worlds):
    state = random_state(hefei, seed, n_worlds)
    annual_revenue = np.random.default_rng(seed + 3).uniform(0.0, 80.0, state.stage.shape)
    firms.revalue(hefei, state, annual_revenue)
    fs = hefei.firm_sector
    value = economics.equity_value(
        state.stage, annual_revenue, hefei.sector_params["valuation_multiple"][fs],
        economics.market_mood(state.sentiment)[:, fs], state.cash, state.firm_debt, state.paid_in)
    assert np.array_equal(state.valuation, np.where(is_live(state.stage), value, 0.0))


# ----- what the formulas say -------------------------------------------------------------------


def test_a_mature_average_plant_costs_the_sectors_unit_cost():
    cost = economics.unit_cost(base_cost=np.array([0.7]), exponent=economics.learning_exponent(np.array([0.2])),
                               cum_output=np.array([economics.MATURE_EXPERIENCE_YEARS * 10.0]),
                               capacity=np.array([10.0]), quality=np.array([0.5]),
                               infrastructure=np.array([1.0]), chain_density=np.array([0.0]))
    assert cost[0] == pytest.approx(0.7)


def test_a_new_plant_pays_for_learning_but_never_more_than_the_cap():
    args = dict(base_cost=np.ones(3), exponent=economics.learning_exponent(np.full(3, 0.3)),
                capacity=np.full(3, 10.0), quality=np.full(3, 0.5), infrastructure=np.ones(3),
                chain_density=np.zeros(3))
    cost = economics.unit_cost(cum_output=np.array([0.0, 5.0, 20.0]), **args)
    assert cost[0] == pytest.approx(economics.MAX_LEARNING_PENALTY)
    assert cost[0] >= cost[1] > cost[2] == pytest.approx(1.0)


def test_profit_is_sales_less_costs_interest_and_taxes():
    profit = economics.quarterly_profit(revenue=np.array([10.0]), taxes=np.array([1.0]), output=np.array([10.0]),
                                        unit_cost=np.array([0.5]), capex=np.array([40.0]),
                                        fixed_cost_share=np.array([0.1]), debt=np.array([20.0]))
    assert profit[0] == pytest.approx(10.0 - 5.0 - 1.0 - 20.0 * economics.FIRM_INTEREST_RATE / 4 - 1.0)


def test_marks_listed_above_private_and_distressed_far_below():
    from game.engine.world import DISTRESSED, LISTED, OPERATING

    stage = np.array([OPERATING, LISTED, DISTRESSED])
    value = economics.equity_value(stage, annual_revenue=np.full(3, 10.0), multiple=np.full(3, 2.0),
                                   mood=np.ones(3), cash=np.zeros(3), debt=np.zeros(3), paid_in=np.full(3, 1.0))
    assert value[1] / value[0] == pytest.approx(economics.IPO_PREMIUM / economics.PRIVATE_DISCOUNT)
    assert value[2] == pytest.approx(economics.DISTRESSED_MARK * value[0])
