"""Firm lifecycles: prospect -> building -> ramping -> operating -> listed, with the
distressed and failed detours; cap tables, private rounds, valuation and IPOs.

All [W, F] arrays; no loop over worlds. Calibration notes sit next to the constants.
"""

from __future__ import annotations

import numpy as np

from game.engine import arrays, capital, chains, economics
from game.engine.arrays import AtEveryFirm, AtSlots, FirmInputs
from game.engine.economics import IPO_PREMIUM, MATURE_YIELD
from game.engine.ledger import book
from game.engine.state import LANE_PRIVATE_ROUND, State, sp_capex
from game.engine.world import (
    BUILDING,
    DISTRESSED,
    FAILED,
    LISTED,
    OPERATING,
    QUARTERS_PER_YEAR,
    RAMPING,
    World,
    is_live,
    is_producing,
)

RAMPED_YIELD = 0.85  # a ramping plant counts as operating from this yield
WORKING_CAPITAL = 0.15  # share of capex raised on top of it for the losses of the ramp
CONSTRUCTION_JOBS_SHARE = 0.3
DISTRESS_QUARTERS_TO_FAIL = 4  # plus up to DENSE_CHAIN_GRACE more where chains are dense
DENSE_CHAIN_GRACE = 2.0  # extra quarters of distress survived at full chain density
IPO_TRACK_RECORD = 4  # profitable quarters in a row before an IPO
IPO_RAISE = 0.15  # share of the company sold as new shares at the IPO
LOCKUP_QUARTERS = 4
PRIVATE_ROUND_SHARE = 0.3  # a private round raises this share of the plant's capex
UNPAID_SHARE_OF_DEBT = 0.2  # a failed firm's unpaid bills to local suppliers, beyond its cash hole
UNPAID_GDP_LOSS = 0.5  # local output lost per yuan left unpaid
INCENTIVE_REBATE = 0.5  # share of a firm's local taxes handed back under a tax incentive
RAMP_SPEED = 3.0  # a plant closes 1 - e^-3 (95%) of its yield gap over its sector's ramp_quarters
# private rounds
CASH_RUNWAY_QUARTERS = 2.0  # a firm looks for money when its cash covers fewer quarters of burn
ROUND_ODDS_BASE = (0.4, 0.3)  # added to the city's credibility and to the firm's quality signal
MAX_ROUND_ODDS = 0.95
LOSS_MAKER_ODDS = 0.4  # investors shun firms that lose money on every sale ...
DISTRESSED_ODDS = 0.5  # ... and distressed ones most of all
MIN_PRE_MONEY = 0.05  # a round prices the firm at no less than this share of its paid-in equity
FIRM_SPREAD = 0.6180339887  # the golden ratio's fraction (to ten places): one draw per world, spread over firms
# failures
FAILURE_CREDIBILITY_LOSS = 0.08  # for each city that loses money in a failure
FAILED_RESCUE_CREDIBILITY_LOSS = 0.07  # more for a city that rescued the firm in vain


def producing_mask(state: State) -> np.ndarray:
    return is_producing(state.stage)


def capex_total(world: World, state: State) -> np.ndarray:
    return state.capacity_f * sp_capex(world)


def start_building(world: World, state: State, w: np.ndarray, f: np.ndarray,
                   equity: np.ndarray) -> None:
    """A backed firm breaks ground: the city's equity is matched by private money and loans.

    Private investors take half of what is left, less in long-horizon sectors (the seed:
    "the private market remained hesitant"); banks lend the rest.
    """
    s = world.firm_sector[f]
    capex = state.capacity_f[w, f] * sp_capex(world)[f] * (1.0 + WORKING_CAPITAL)
    rest = np.maximum(capex - equity, 0.0)
    private = rest * world.sector_params["private_appetite"][s]
    loans = rest - private
    state.cash[w, f] += equity + private + loans
    state.firm_debt[w, f] += loans
    state.paid_in[w, f] += equity + private
    state.build_left[w, f] = world.sector_params["build_quarters"][s]
    state.stage[w, f] = BUILDING
    state.valuation[w, f] = state.paid_in[w, f]  # marked at cost until the quarter closes
    state.profit_streak[w, f] = 0


def unit_cost(world: World, state: State, at: FirmInputs | None = None) -> np.ndarray:
    """``economics.unit_cost`` of the firms ``at`` reads: every slot, [W, F], by default."""
    sp = world.sector_params
    at = AtEveryFirm(world.firm_sector, state.firm_city) if at is None else at
    return economics.unit_cost(
        base_cost=at.sector(sp["unit_cost"]),
        exponent=at.slot(economics.learning_exponent(sp["learning_rate"][world.firm_sector])),
        cum_output=at.firm(state.cum_output), capacity=at.firm(state.capacity_f),
        quality=at.firm(state.quality), infrastructure=at.city(state.infrastructure),
        chain_density=at.city_sector(state.density))


def profit(world: World, state: State, at: FirmInputs, output: np.ndarray, revenue: np.ndarray,
           taxes: np.ndarray) -> np.ndarray:
    """``economics.quarterly_profit`` of the firms ``at`` reads, given this quarter's
    output, revenue and taxes [W, F]."""
    return economics.quarterly_profit(
        revenue=at.firm(revenue), taxes=at.firm(taxes), output=at.firm(output),
        unit_cost=unit_cost(world, state, at),
        capex=at.firm(state.capacity_f) * at.slot(sp_capex(world)),
        fixed_cost_share=at.sector(world.sector_params["fixed_cost_share"]),
        debt=at.firm(state.firm_debt))


def operate(world: World, state: State, eff: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Produce, sell, pay costs and taxes; returns (taxes [W, F], annual revenue [W, F])."""
    sp = world.sector_params
    fs = world.firm_sector
    utilisation = np.minimum(1.0, state.demand / state.capacity)[:, fs]
    output = eff * utilisation
    output /= QUARTERS_PER_YEAR
    state.cum_output += output
    revenue = output * state.price[:, fs]
    taxes = revenue * sp["tax_rate"][fs]
    # profit only where something is produced; elsewhere output and profit are zero
    at = AtSlots(np.flatnonzero(eff > 0), fs, state.firm_city)
    earned = at.scatter(profit(world, state, at, output, revenue, taxes), eff.shape)
    state.revenue_f[:] = revenue
    state.profit_f[:] = earned
    state.cash += earned
    state.profit_streak[:] = arrays.where_or_zero(earned > 0, state.profit_streak + 1)
    revenue *= QUARTERS_PER_YEAR
    return taxes, revenue


def build_and_ramp(world: World, state: State) -> np.ndarray:
    """Construction draws capex; finished plants ramp; returns the mask of plants just finished."""
    sp = world.sector_params
    fs = world.firm_sector
    stage = state.stage
    building = stage == BUILDING
    # construction draws only where a plant is being built (cash elsewhere is left as it
    # was, as subtracting zero did); the same operations on the same numbers there
    idx = np.flatnonzero(building)
    f = idx % world.n_firms
    draw = np.take(state.capacity_f.reshape(-1), idx) * sp_capex(world)[f]
    draw /= sp["build_quarters"][fs][f]
    np.put(state.cash, idx, np.take(state.cash.reshape(-1), idx) - draw)
    state.build_left -= building
    done = building & (state.build_left <= 0)
    stage[done] = RAMPING
    state.yield_f[done] = np.broadcast_to(sp["start_yield"][fs], stage.shape)[done]
    # Yields climb the learning curve while a plant produces; good managers climb faster.
    idx = np.flatnonzero(is_producing(stage) & ~done)  # only where the yield grows
    f = idx % world.n_firms
    step = 1.0 - np.exp(-RAMP_SPEED / sp["ramp_quarters"][fs])
    old = np.take(state.yield_f.reshape(-1), idx)
    grown = old + (MATURE_YIELD - old) * step[f] * (0.5 + np.take(state.quality.reshape(-1), idx))
    np.put(state.yield_f, idx, np.minimum(grown, MATURE_YIELD))
    stage[(stage == RAMPING) & (state.yield_f >= RAMPED_YIELD)] = OPERATING
    return done


def private_rounds(world: World, state: State) -> None:
    """Firms short of cash try to raise private money, diluting every holder.

    The odds rise with sector sentiment, the city's credibility and the firm's visible
    quality, and are low for long-horizon sectors until the plant produces.
    """
    sp = world.sector_params
    fs = world.firm_sector
    stage = state.stage
    live = is_live(stage) & (stage != LISTED)
    capex = capex_total(world, state)
    burn = np.where(stage == BUILDING, capex / sp["build_quarters"][fs], np.maximum(-state.profit_f, 0.0))
    short = live & (state.cash < CASH_RUNWAY_QUARTERS * burn) & (burn > 0)
    # the odds only for the firms short of cash (flat indices; the same operations on the
    # same numbers as over whole rows)
    idx = np.flatnonzero(short)
    if len(idx) == 0:
        return
    wi, fi = np.divmod(idx, world.n_firms)
    st = np.take(stage.reshape(-1), idx)
    appetite = capital.private_appetite(world, state)[wi, fs[fi]]
    producing = is_producing(st)
    appetite = np.where(producing, np.sqrt(appetite), appetite)
    cred = state.credibility[wi, np.take(state.firm_city.reshape(-1), idx)]
    cred_base, signal_base = ROUND_ODDS_BASE
    signal = np.take(state.quality_signal.reshape(-1), idx)
    odds = np.clip(appetite * (cred_base + cred) * (signal_base + signal), 0.0, MAX_ROUND_ODDS)
    odds = np.where(producing & (np.take(state.profit_f.reshape(-1), idx) < 0), odds * LOSS_MAKER_ODDS, odds)
    odds = np.where(st == DISTRESSED, odds * DISTRESSED_ODDS, odds)
    # one draw per world, spread over firms with the golden ratio so firms differ
    u = state.noise.uniform[wi, state.turn, LANE_PRIVATE_ROUND] + FIRM_SPREAD * fi
    u -= np.floor(u)  # the fractional part: exactly u % 1.0 for u >= 0, and cheaper
    hit = u < odds
    if not hit.any():
        return
    raise_ = np.zeros(stage.shape, dtype=bool)
    raise_.reshape(-1)[idx[hit]] = True
    w = np.arange(stage.shape[0])
    rows = arrays.rows_any(raise_)  # from here on only the worlds where a round happens
    w, raise_ = w[rows], raise_[rows]
    amount = np.where(raise_, PRIVATE_ROUND_SHARE * capex[w], 0.0)
    pre = np.maximum(state.valuation[w], MIN_PRE_MONEY * np.maximum(state.paid_in[w], 1e-9))
    keep = np.where(raise_, pre / (pre + amount), 1.0)
    state.stake[w] *= keep[:, :, None]
    state.cash[w] += amount
    state.paid_in[w] += amount
    state.valuation[w] = np.where(raise_, pre + amount, state.valuation[w])


def distress_and_failure(world: World, state: State) -> np.ndarray:
    """Negative cash makes a firm distressed; a year (more in dense chains) of it, a failure.

    Returns the mask of firms that failed this quarter.
    """
    stage = state.stage
    active = (stage >= BUILDING) & (stage <= LISTED)
    crunch = active & (state.cash < 0)
    stage[crunch] = DISTRESSED
    state.distress_q[crunch] = 0
    distressed = (stage == DISTRESSED) & ~crunch
    recovered = distressed & (state.cash >= 0)
    back_to = np.where(state.listed, LISTED, np.where(state.yield_f >= RAMPED_YIELD, OPERATING, RAMPING))
    back_to = np.where(state.build_left > 0, BUILDING, back_to)
    stage[recovered] = back_to[recovered]
    state.distress_q += distressed & ~recovered  # adding 0.0 elsewhere changes nothing
    # the grace only where a firm stays distressed (flat indices; the same numbers there)
    idx = np.flatnonzero(distressed & ~recovered)
    w, f = np.divmod(idx, world.n_firms)
    density = state.density[w, np.take(state.firm_city.reshape(-1), idx), world.firm_sector[f]]
    grace = DISTRESS_QUARTERS_TO_FAIL + np.round(DENSE_CHAIN_GRACE * density)
    failing = np.zeros(stage.shape, dtype=bool)
    np.put(failing, idx, np.take(state.distress_q.reshape(-1), idx) >= grace)
    if failing.any():
        fail(world, state, failing)
    return failing


def fail(world: World, state: State, failing: np.ndarray) -> None:
    """Write off every city's stake, lose the jobs, leave local suppliers unpaid."""
    w = np.nonzero(arrays.rows_any(failing))[0]  # only the worlds where something fails
    hit = failing[w]
    lost = np.where(hit[:, :, None], state.cost_basis[w], 0.0)
    lost_by_city = arrays.total(lost, axis=1)  # [w, C]
    state.written_off[w] += lost_by_city
    rescued = (hit & state.rescued[w])[:, :, None] & (state.cost_basis[w] > 0)
    state.credibility[w] = np.clip(
        state.credibility[w] + np.where(lost_by_city > 0, -FAILURE_CREDIBILITY_LOSS, 0.0)
        - FAILED_RESCUE_CREDIBILITY_LOSS * rescued.any(axis=1), 0.05, 1.0)
    unpaid = np.where(hit, np.maximum(-state.cash[w], 0.0) + UNPAID_SHARE_OF_DEBT * state.firm_debt[w], 0.0)
    by_city = arrays.by_city(state.firm_city[w], unpaid, world.n_cities)
    state.unpaid_suppliers[w] += by_city
    state.base_gdp[w] -= UNPAID_GDP_LOSS * by_city
    chains.damage(world, state, failing)
    state.stage[failing] = FAILED
    state.capacity_f[failing] = 0.0
    state.yield_f[failing] = 0.0
    state.cash[failing] = 0.0
    state.firm_debt[failing] = 0.0
    state.valuation[failing] = 0.0
    state.cost_basis[failing] = 0.0


def ipos(world: World, state: State) -> np.ndarray:
    """Operating firms with a track record list when their sector's window is open."""
    fs = world.firm_sector
    window = capital.window_open(state)[:, fs]
    listing = (state.stage == OPERATING) & (state.profit_streak >= IPO_TRACK_RECORD) & window
    if listing.any():
        state.stage[listing] = LISTED
        state.listed[listing] = True
        state.lockup_left[listing] = LOCKUP_QUARTERS
        keep = np.where(listing, 1.0 - IPO_RAISE, 1.0)
        w = np.nonzero(arrays.rows_any(listing))[0]  # only worlds where a firm lists
        state.stake[w] *= keep[w][:, :, None]
        raised = arrays.where_or_zero(listing, IPO_RAISE * state.valuation * IPO_PREMIUM / (1 - IPO_RAISE))
        state.cash += raised
        state.paid_in += raised
    state.lockup_left[:] = np.maximum(state.lockup_left - (state.stage == LISTED), 0.0)
    return listing


def revalue(world: World, state: State, annual_revenue: np.ndarray) -> None:
    """Mark every live firm: producing firms on sales, sentiment and their plant; others at cost."""
    state.valuation[:] = economics.marks(world, state.stage, annual_revenue, state.sentiment, state.cash,
                                         state.firm_debt, state.paid_in)


def jobs(world: World, state: State) -> np.ndarray:
    sp = world.sector_params
    fs = world.firm_sector
    producing = producing_mask(state)
    j = arrays.where_or_zero(producing, sp["jobs_per_bn"][fs] * state.capacity_f * state.yield_f)
    j += arrays.where_or_zero(state.stage == BUILDING, CONSTRUCTION_JOBS_SHARE * sp["jobs_per_bn"][fs] * state.capacity_f)
    state.jobs_f[:] = np.where(state.stage == FAILED, 0.0, j)
    return state.jobs_f


def pay_taxes(world: World, state: State, taxes: np.ndarray) -> None:
    """Firms' local taxes go to their city; a tax incentive hands half of them back."""
    active = arrays.at_firm_city_sector(state.incentive_left, state.firm_city, world.firm_sector) > 0
    relief = arrays.where_or_zero(active, INCENTIVE_REBATE * taxes)
    state.cash += relief
    book(state, "taxes_firms", arrays.by_city(state.firm_city, taxes, world.n_cities))
    book(state, "tax_incentives", -arrays.by_city(state.firm_city, relief, world.n_cities))
    state.incentive_left[:] = np.maximum(state.incentive_left - 1, 0.0)
