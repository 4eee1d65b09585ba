"""One quarter for every world at once.

``begin_turn`` opens a turn (ledger cleared, attention restored, prospects arrive);
the player and the rivals act; ``end_turn`` runs the economy: markets, firms, cities,
land and the budget, booking every money flow in the ledger. No Python loop runs over
worlds; the small loops over cities are over a handful of columns.
"""

from __future__ import annotations

import numpy as np

from game.engine import land as land_market
from game.engine.ledger import LAND, REVENUE_MASK, book
from game.engine.state import LANE_PROSPECT_CITY, LANE_RIVAL, State, sp_capex
from game.engine.world import (
    BUILDING,
    DISTRESSED,
    FAILED,
    LISTED,
    NOT_YET,
    OPERATING,
    PROSPECT,
    PROSPECT_PATIENCE_Q,
    RAMPING,
    WITHDRAWN,
    World,
)

SUPPLIER_MULTIPLIER = 0.8  # local value added and jobs around a strategic firm, per unit of its own
MATURE_YIELD = 0.95
RAMPED_YIELD = 0.85  # a ramping plant counts as operating from this yield
WORKING_CAPITAL = 0.15  # share of capex raised on top of it for the losses of the ramp
DISTRESS_QUARTERS_TO_FAIL = 4
FIRM_INTEREST_RATE = 0.05
CONSTRUCTION_JOBS_SHARE = 0.3
BASE_GROWTH_SD = 0.015  # sd of the base economy's yearly growth rate, drawn each quarter
LAND_CONSTRUCTION_BOOST = 0.25  # growth of the base economy per unit of land revenue over GDP


def begin_turn(world: World, state: State) -> None:
    state.ledger[:] = 0.0
    state.treasury_open[:] = state.treasury
    state.land_sold_q[:] = 0.0
    state.attention[:] = world.scenario.attention_per_turn
    arriving = (state.stage == NOT_YET) & (world.firm_arrives[None, :] <= state.turn)
    state.stage[arriving] = PROSPECT
    state.waited[arriving] = 0


def end_turn(world: World, state: State) -> None:
    """Advance every world one quarter. Actions for this turn were applied before."""
    from game.engine import rivals  # rivals use the action vocabulary, which imports tick helpers

    rivals.act(world, state)
    _prospects(world, state)
    producing_cap = _markets(world, state)
    firm_va, firm_jobs = _firms(world, state, producing_cap)
    _cities(world, state, firm_va, firm_jobs)
    _budget(world, state)
    land_market.drift(world, state)
    _close_books(world, state)
    state.turn += 1


def city_sum(state: State, values: np.ndarray, n_cities: int) -> np.ndarray:
    """Sum a [W, F] firm quantity into [W, C] by each firm's city."""
    onehot = state.firm_city[:, :, None] == np.arange(n_cities)
    return np.einsum("wf,wfc->wc", values, onehot.astype(values.dtype))


def _prospects(world: World, state: State) -> None:
    """Prospects wait for terms; the player's unbacked ones go to a rival or give up."""
    waiting = state.stage == PROSPECT
    state.waited[waiting] += 1
    leaving = waiting & (state.waited >= PROSPECT_PATIENCE_Q)
    if not leaving.any():
        return
    rivals_idx = np.array([c for c in range(world.n_cities) if c != world.player])
    u = state.noise.uniform[:, state.turn, LANE_PROSPECT_CITY]
    pick = rivals_idx[np.minimum((u * len(rivals_idx)).astype(int), len(rivals_idx) - 1)]
    # Two in three of the player's lost prospects find a rival who takes the same terms.
    goes = state.noise.uniform[:, state.turn, LANE_RIVAL] < 2 / 3
    from_player = state.firm_city == world.player
    w_idx, f_idx = np.nonzero(leaving & from_player & goes[:, None])
    dest = pick[w_idx]
    ask = world.firm_ask[f_idx]
    afford = state.treasury[w_idx, dest] > ask
    w_ok, f_ok, d_ok, a_ok = w_idx[afford], f_idx[afford], dest[afford], ask[afford]
    for c in np.unique(d_ok):
        sel = d_ok == c
        amount = np.zeros(state.n_worlds)
        np.add.at(amount, w_ok[sel], a_ok[sel])
        book(state, "equity_investment", -amount, int(c))
        state.invested[:, c] += amount
    state.firm_city[w_ok, f_ok] = d_ok
    state.stake[w_ok, f_ok, d_ok] = world.firm_offered_stake[f_ok]
    start_building(world, state, w_ok, f_ok, a_ok)
    still = leaving.copy()
    still[w_ok, f_ok] = False
    state.stage[still] = WITHDRAWN


def start_building(world: World, state: State, w: np.ndarray, f: np.ndarray,
                   equity: np.ndarray) -> None:
    """A backed firm breaks ground: the city's equity is matched by private money and loans."""
    s = world.firm_sector[f]
    capex = state.capacity_f[w, f] * sp_capex(world)[f] * (1.0 + WORKING_CAPITAL)
    rest = np.maximum(capex - equity, 0.0)
    private = rest * 0.5
    loans = rest - private
    state.cash[w, f] += equity + private + loans
    state.firm_debt[w, f] += loans
    state.paid_in[w, f] += equity + private
    state.build_left[w, f] = world.sector_params["build_quarters"][s]
    state.stage[w, f] = BUILDING


def _markets(world: World, state: State) -> np.ndarray:
    sp = world.sector_params
    t = state.turn
    years = (t + 1) / 4.0
    trend = sp["demand_bn"] * (1.0 + sp["demand_growth"]) ** years
    cycle = 1.0 + sp["cycle_amplitude"] * np.sin(2 * np.pi * (years + sp["cycle_phase"]) / sp["cycle_years"])
    state.demand_shock[:] = (sp["shock_persistence"] * state.demand_shock
                             + sp["shock_sd"] * state.noise.normal[:, t + 1, :])
    state.demand[:] = trend * cycle * np.exp(state.demand_shock)
    state.other_capacity *= (1.0 + sp["other_capacity_growth"]) ** 0.25
    producing = np.isin(state.stage, (RAMPING, OPERATING, LISTED, DISTRESSED))
    eff = np.where(producing, state.capacity_f * state.yield_f, 0.0)
    state.capacity[:] = state.other_capacity + eff @ world.firm_onehot
    ratio = state.demand / state.capacity
    state.price[:] = np.clip(ratio ** (1.0 / sp["price_elasticity"]), sp["price_floor"], sp["price_ceiling"])
    return eff


def _firms(world: World, state: State, eff: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sp = world.sector_params
    fs = world.firm_sector
    stage = state.stage
    capex_total = state.capacity_f * sp_capex(world)
    utilisation = np.minimum(1.0, state.demand / state.capacity)[:, fs]
    price = state.price[:, fs]

    # Producing firms sell, learn and pay.
    producing = eff > 0
    output = eff * utilisation / 4.0
    state.cum_output += output
    b = -np.log2(1.0 - sp["learning_rate"][fs])
    experience = np.maximum(state.cum_output / np.maximum(state.capacity_f, 1e-9), 0.25)
    learning = np.clip((experience / 2.0) ** (-b), 1.0, 2.0)
    quality = 1.0 + 0.6 * (0.5 - world.firm_quality)
    infra = np.take_along_axis(state.infrastructure, state.firm_city, axis=1)
    unit_cost = sp["unit_cost"][fs] * learning * quality / np.sqrt(infra)
    revenue = output * price
    cost = output * unit_cost + np.where(producing, capex_total * sp["fixed_cost_share"][fs] / 4.0, 0.0)
    interest = state.firm_debt * FIRM_INTEREST_RATE / 4.0
    taxes = revenue * sp["tax_rate"][fs]
    profit = revenue - cost - interest - taxes
    state.revenue_f[:] = revenue
    state.profit_f[:] = np.where(producing, profit, 0.0)
    state.cash += state.profit_f
    book(state, "taxes_firms", city_sum(state, taxes, world.n_cities))

    # Construction draws capex; finished plants start ramping.
    building = stage == BUILDING
    state.cash -= np.where(building, capex_total / sp["build_quarters"][fs], 0.0)
    state.build_left -= building
    done = building & (state.build_left <= 0)
    stage[done] = RAMPING
    state.yield_f[done] = np.broadcast_to(sp["start_yield"][fs], stage.shape)[done]

    # Yields climb the learning curve while a plant produces; ramping ends near maturity.
    growing = np.isin(stage, (RAMPING, OPERATING, LISTED, DISTRESSED)) & ~done
    step = 1.0 - np.exp(-3.0 / sp["ramp_quarters"][fs])
    grown = state.yield_f + (MATURE_YIELD - state.yield_f) * step * (0.5 + world.firm_quality)
    state.yield_f[:] = np.where(growing, np.minimum(grown, MATURE_YIELD), state.yield_f)
    matured = (stage == RAMPING) & (state.yield_f >= RAMPED_YIELD)
    stage[matured] = OPERATING

    # Cash crunch: distressed firms recover or, after a year, fail.
    active = np.isin(stage, (BUILDING, RAMPING, OPERATING, LISTED))
    crunch = active & (state.cash < 0)
    stage[crunch] = DISTRESSED
    state.distress_q[crunch] = 0
    distressed = (stage == DISTRESSED) & ~crunch
    recovered = distressed & (state.cash >= 0)
    stage[recovered] = np.where(state.build_left[recovered] > 0, BUILDING,
                                np.where(state.yield_f[recovered] >= RAMPED_YIELD, OPERATING, RAMPING))
    state.distress_q[distressed & ~recovered] += 1
    failing = distressed & ~recovered & (state.distress_q >= DISTRESS_QUARTERS_TO_FAIL)
    if failing.any():
        lost = state.stake * state.paid_in[:, :, None]
        state.written_off += np.where(failing[:, :, None], lost, 0.0).sum(axis=1)
        stage[failing] = FAILED
        state.capacity_f[failing] = 0.0
        state.yield_f[failing] = 0.0
        state.cash[failing] = 0.0

    # Valuation and jobs.
    sentiment = np.clip(price, 0.5, 1.5) ** 1.5
    annual = revenue * 4.0
    market_value = annual * sp["valuation_multiple"][fs] * sentiment - state.firm_debt
    live = np.isin(stage, (BUILDING, RAMPING, OPERATING, LISTED, DISTRESSED))
    book_value = np.maximum(state.paid_in, 0.0)
    # Operating firms trade on sales and sentiment, but never far below what their plant cost.
    value = np.where(np.isin(stage, (OPERATING, LISTED)), np.maximum(market_value, 0.6 * book_value), book_value)
    state.valuation[:] = np.where(live, np.maximum(value, 0.0), 0.0)
    state.valuation[stage == DISTRESSED] *= 0.5
    jobs = np.where(producing, sp["jobs_per_bn"][fs] * state.capacity_f * state.yield_f, 0.0)
    jobs += np.where(stage == BUILDING, CONSTRUCTION_JOBS_SHARE * sp["jobs_per_bn"][fs] * state.capacity_f, 0.0)
    state.jobs_f[:] = np.where(stage == FAILED, 0.0, jobs)
    va = annual * sp["value_added_share"][fs]
    return city_sum(state, va, world.n_cities), city_sum(state, state.jobs_f, world.n_cities)


def _cities(world: World, state: State, firm_va: np.ndarray, firm_jobs: np.ndarray) -> None:
    cp = world.city_params
    t = state.turn
    land_rev_annual = state.ledger[:, :, LAND] * 4.0
    growth = (world.macro_growth[t] + cp["growth_premium"]
              + 0.03 * (state.dev_fulfilment - 1.0)
              + 0.02 * (state.infrastructure - 1.0)
              + LAND_CONSTRUCTION_BOOST * land_rev_annual / state.gdp)
    # Ordinary economies wobble too: about 1.5 points a year of quarterly noise.
    growth = growth + BASE_GROWTH_SD * state.noise.city_normal[:, t + 1, :]
    state.base_gdp *= 1.0 + growth / 4.0
    state.gdp[:] = state.base_gdp + firm_va * (1.0 + SUPPLIER_MULTIPLIER)
    state.population *= 1.0 + (0.01 + 0.2 * growth) / 4.0
    state.jobs[:] = state.population * 550.0 + firm_jobs * SUPPLIER_MULTIPLIER


def bond_rate(world: World, state: State) -> np.ndarray:
    """Yearly coupon per city: the scenario's rate plus a spread as debt outgrows revenue."""
    ratio = state.debt / np.maximum(state.revenue_hist.sum(axis=2), 1e-9)
    return world.scenario.bond_rate + 0.02 * np.maximum(ratio - 1.0, 0.0)


def _budget(world: World, state: State) -> None:
    cp = world.city_params
    book(state, "taxes_base", cp["tax_take"] * state.base_gdp / 4.0)
    book(state, "transfers", cp["transfers_share"] * state.gdp / 4.0)
    book(state, "spending_core", -cp["spending_share"] * state.gdp / 4.0)
    book(state, "interest", -state.debt * bond_rate(world, state) / 4.0)
    wanted = cp["development_share"] * state.gdp / 4.0
    paid = np.clip(state.treasury, 0.0, wanted)
    book(state, "spending_development", -paid)
    state.dev_fulfilment[:] = paid / np.maximum(wanted, 1e-9)
    broke = state.treasury < 0
    state.crisis |= broke
    state.over |= broke[:, world.player]


def _close_books(world: World, state: State) -> None:
    revenue = (state.ledger * REVENUE_MASK).sum(axis=2)
    state.revenue_hist[:] = np.roll(state.revenue_hist, -1, axis=2)
    state.land_hist[:] = np.roll(state.land_hist, -1, axis=2)
    state.revenue_hist[:, :, -1] = revenue
    state.land_hist[:, :, -1] = state.ledger[:, :, LAND]


def land_share(state: State) -> np.ndarray:
    """Land revenue over fiscal revenue over the last four quarters, [W, C]."""
    return state.land_hist.sum(axis=2) / np.maximum(state.revenue_hist.sum(axis=2), 1e-9)


def debt_ratio(state: State) -> np.ndarray:
    return state.debt / np.maximum(state.revenue_hist.sum(axis=2), 1e-9)


def portfolio_value(state: State) -> np.ndarray:
    """Each city's stakes marked to market, [W, C]."""
    return (state.stake * state.valuation[:, :, None]).sum(axis=1)
