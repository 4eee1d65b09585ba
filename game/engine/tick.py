"""One quarter for every world at once.

``begin_turn`` opens a turn (ledger cleared, attention restored, prospects arrive);
the player and the rivals act; ``end_turn`` runs the economy in a fixed order: rivals,
prospects, markets, firms, chains, cities, budget, land, capital; then the new quarter's
events (game/engine/events). Every money flow is booked in the ledger. No Python loop runs
over worlds.
"""

from __future__ import annotations

import numpy as np

from game.engine import arrays, capital, chains, events, firms, prospects, rivals
from game.engine import land as land_market
from game.engine.firms import start_building  # noqa: F401  (re-exported for callers)
from game.engine.ledger import LAND, REVENUE_MASK, book  # noqa: F401  (LAND for callers)
from game.engine.state import JOBS_PER_M_RESIDENTS, State
from game.engine.world import World, is_producing

SUPPLIER_MULTIPLIER = 1.5  # local value added and jobs around a strategic firm, per unit of its own, at density 0.5
BASE_GROWTH_SD = 0.015  # sd of the base economy's yearly growth rate, drawn each quarter
DEV_GROWTH = 0.5  # growth lost per unit of wanted development spending (share of GDP) left unpaid
INFRA_GROWTH = 0.03  # growth a year per unit of log infrastructure index
INFRA_DEPRECIATION = 0.005  # share of infrastructure above the ordinary level lost each quarter
CHAIN_GROWTH = 0.06  # extra base growth a year when the city's chains are dense in every sector
EMERGENCY_PATIENCE_COST = 0.1  # the province's patience lost each quarter the city borrows to pay its bills
# the ledger columns that count as fiscal revenue, in ledger order: summing only these gives
# the same numbers as summing every column times REVENUE_MASK (the others add exact zeros)
REVENUE_COLUMNS = np.nonzero(REVENUE_MASK)[0]


def begin_turn(world: World, state: State) -> None:
    state.ledger[:] = 0.0
    state.treasury_open[:] = state.treasury
    state.land_sold_q[:] = 0.0
    state.attention[:] = world.scenario.attention_per_turn
    prospects.arrive(world, state)


def end_turn(world: World, state: State) -> None:
    """Advance every world one quarter. Actions for this turn were applied before."""
    rivals.act(world, state)
    prospects.wait_or_leave(world, state)
    eff = _markets(world, state)
    taxes, annual_revenue = firms.operate(world, state, eff)
    firms.pay_taxes(world, state, taxes)
    finished = firms.build_and_ramp(world, state)
    firms.private_rounds(world, state)
    firms.distress_and_failure(world, state)
    capital.update_sentiment(world, state)
    firms.ipos(world, state)
    firms.revalue(world, state, annual_revenue)
    _kept_promises(world, state, finished)
    chains.update(world, state, _effective_capacity(state))
    firm_va, firm_jobs = _firm_contributions(world, state, annual_revenue)
    _cities(world, state, firm_va, firm_jobs)
    _budget(world, state)
    land_market.drift(world, state)
    _close_books(world, state)
    capital.drift(world, state, debt_ratio(state))
    _crisis(world, state)
    prospects.spawn(world, state)
    state.turn += 1
    events.step(world, state)  # the new quarter's events: its briefing shows their decisions


def _effective_capacity(state: State) -> np.ndarray:
    return arrays.where_or_zero(is_producing(state.stage), state.capacity_f * state.yield_f)


def city_sum(state: State, values: np.ndarray, n_cities: int) -> np.ndarray:
    """Sum a [W, F] firm quantity into [W, C] by each firm's city."""
    return arrays.by_city(state.firm_city, values, n_cities)


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
    eff = _effective_capacity(state)
    state.capacity[:] = state.other_capacity + arrays.by_sector(world.firm_sector, eff, world.n_sectors)
    ratio = state.demand / state.capacity
    state.price[:] = np.clip(ratio ** (1.0 / sp["price_elasticity"]), sp["price_floor"], sp["price_ceiling"])
    return eff


def _kept_promises(world: World, state: State, finished: np.ndarray) -> None:
    """A backed plant that starts producing is a promise kept: the city's credibility rises."""
    if finished.any():
        w = np.nonzero(arrays.rows_any(finished))[0]  # only worlds where a plant finished
        backers = np.zeros(state.credibility.shape, dtype=bool)
        backers[w] = (finished[w][:, :, None] & (state.stake[w] > 0)).any(axis=1)
        capital.adjust_credibility(state, np.where(backers, 0.04, 0.0))


def _firm_contributions(world: World, state: State, annual_revenue: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    va = annual_revenue * world.sector_params["value_added_share"][world.firm_sector]
    return city_sum(state, va, world.n_cities), city_sum(state, firms.jobs(world, state), world.n_cities)


def city_multiplier(state: State) -> np.ndarray:
    """Local value added around strategic firms per unit of their own, by city [W, C]:
    thicker chains keep more of the suppliers' work in the city."""
    return SUPPLIER_MULTIPLIER * (0.5 + state.density.max(axis=2))


def _cities(world: World, state: State, firm_va: np.ndarray, firm_jobs: np.ndarray) -> None:
    cp = world.city_params
    t = state.turn
    parts = state.growth_parts  # [W, C, G] in the order of GROWTH_DRIVERS
    parts[:, :, 0] = world.macro_growth[t] + cp["growth_premium"]
    parts[:, :, 1] = DEV_GROWTH * cp["development_share"] * (state.dev_fulfilment - 1.0)
    parts[:, :, 2] = INFRA_GROWTH * np.log(state.infrastructure)
    parts[:, :, 3] = CHAIN_GROWTH * arrays.total(state.density, axis=2) / world.n_sectors
    parts[:, :, 4] = BASE_GROWTH_SD * state.noise.city_normal[:, t + 1, :]
    growth = arrays.total(parts, axis=2)
    state.infrastructure -= INFRA_DEPRECIATION * np.maximum(state.infrastructure - 1.0, 0.0)
    state.base_gdp *= 1.0 + growth / 4.0
    mult = city_multiplier(state)
    state.firm_gdp[:] = firm_va
    state.gdp[:] = state.base_gdp + firm_va * (1.0 + mult)
    state.population *= 1.0 + (0.01 + 0.2 * growth) / 4.0
    state.jobs[:] = state.population * JOBS_PER_M_RESIDENTS + firm_jobs * (1.0 + mult)


def bond_rate(world: World, state: State) -> np.ndarray:
    """Yearly coupon per city: the scenario's rate plus a spread as debt outgrows revenue."""
    return world.scenario.bond_rate + 0.02 * np.maximum(debt_ratio(state) - 1.0, 0.0)


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


def _crisis(world: World, state: State) -> None:
    """A city short of cash borrows on emergency terms while the province's cap allows and
    its patience holds; one that cannot is in fiscal crisis, which ends the player's game."""
    short = np.maximum(-state.treasury, 0.0)
    if (short > 0).any():
        room = np.maximum(world.scenario.debt_limit_ratio * yearly_revenue(state) - state.debt, 0.0)
        emergency = np.minimum(short, room)
        state.debt += emergency
        book(state, "bond_proceeds", emergency)
        state.patience -= np.where(emergency > 0, EMERGENCY_PATIENCE_COST, 0.0)
    broke = (state.treasury < -1e-9) | (state.patience <= 0)
    state.crisis |= broke
    # the game ends when every city a person plays is in crisis (alone: the player's)
    state.over |= ~arrays.rows_any(state.human & ~state.crisis)


def _close_books(world: World, state: State) -> None:
    revenue = arrays.total(state.ledger[:, :, REVENUE_COLUMNS], axis=2)
    state.revenue_hist[:, :, :-1] = state.revenue_hist[:, :, 1:].copy()
    state.land_hist[:, :, :-1] = state.land_hist[:, :, 1:].copy()
    state.revenue_hist[:, :, -1] = revenue
    state.land_hist[:, :, -1] = state.ledger[:, :, LAND]


def land_share(state: State) -> np.ndarray:
    """Land revenue over fiscal revenue over the last four quarters, [W, C]."""
    return arrays.total(state.land_hist, axis=2) / np.maximum(yearly_revenue(state), 1e-9)


def debt_ratio(state: State) -> np.ndarray:
    """Debt over the last four quarters' fiscal revenue, [W, C]."""
    return state.debt / np.maximum(yearly_revenue(state), 1e-9)


def portfolio_value(state: State) -> np.ndarray:
    """Each city's stakes marked to market plus its share of idle fund money, [W, C]."""
    stakes = arrays.total(state.stake * state.valuation[:, :, None], axis=1)
    return stakes + arrays.total(state.fund_cash * state.fund_city_share, axis=2)


def yearly_revenue(state: State) -> np.ndarray:
    """Fiscal revenue of the last four quarters, [W, C]."""
    return arrays.total(state.revenue_hist, axis=2)
