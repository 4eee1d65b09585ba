"""Score and grade from the scenario's weights, and the end-of-game summary numbers."""

from __future__ import annotations

import numpy as np

from game.engine import arrays
from game.engine.state import State
from game.engine.tick import JOBS_PER_M_RESIDENTS, debt_ratio, land_share, portfolio_value
from game.engine.world import FAILED, World

GRADES = ((85, "A"), (70, "B"), (55, "C"), (40, "D"), (0, "E"))
CRISIS_PENALTY = 0.5
LAND_BANK_FLOOR = 0.15  # share of the starting land bank below which a falling land share earns less
LAND_PACE_FLOOR = 0.25  # land sold at under this share of the market's pace earns a falling land share less
LAND_STOPPED_CREDIT = 0.5  # share of that credit left to a city that sells no land at all


def components(world: World, state: State, city: int | None = None) -> dict[str, np.ndarray]:
    """Each score component in [0, 1] for a city (default: the player's), [W] each."""
    p = world.player if city is None else city
    city = world.cities[p]
    years = max(state.turn / 4.0, 0.25)
    cagr = (state.gdp[:, p] / city.gdp_bn) ** (1.0 / years) - 1.0
    macro = float(np.mean(world.macro_growth[: max(state.turn, 1)]))
    # 1.0 when the city outgrows the nation by 3 points a year (Hefei 2008-20 did about 2.5);
    # 0.5 when it keeps pace
    gdp_growth = np.clip(0.5 + (cagr - macro) / 0.06, 0.0, 1.0)
    start_share = city.land_share
    land_drop = np.clip((start_share - land_share(state)[:, p]) / max(start_share, 1e-9), 0.0, 1.0)
    # Credit for a transition, not for running out or for simply stopping: a city whose land
    # bank is nearly gone, that grows no faster than the nation, or that has all but stopped
    # selling land (its land share falls because nothing is sold, not because other revenue
    # grew) gets less of it.
    bank_left = state.land_bank[:, p] / max(city.land_bank_ha, 1e-9)
    selling = np.clip(land_pace(world, state, p) / LAND_PACE_FLOOR, 0.0, 1.0)
    land_drop = (land_drop * np.clip(gdp_growth * 2.0 - 0.5, 0.0, 1.0)
                 * np.clip(bank_left / LAND_BANK_FLOOR, 0.0, 1.0)
                 * (LAND_STOPPED_CREDIT + (1.0 - LAND_STOPPED_CREDIT) * selling))
    invested = state.invested[:, p]
    value = portfolio_value(state)[:, p] + state.realised[:, p]
    # a city that invested nothing kept its money: as if it broke even (a multiple of 1)
    moic = np.where(invested > 0, value / np.maximum(invested, 1e-9), 1.0)
    portfolio = np.clip((moic - 0.5) / 2.0, 0.0, 1.0)
    debt = np.clip(1.0 - debt_ratio(state)[:, p] / world.scenario.debt_limit_ratio, 0.0, 1.0)
    jobs0 = city.population_m * JOBS_PER_M_RESIDENTS
    jobs = np.clip(0.5 + (state.jobs[:, p] / jobs0 - 1.0) / (0.03 * years * 4), 0.0, 1.0)
    return {"gdp_growth": gdp_growth, "land_share_drop": land_drop, "portfolio": portfolio,
            "debt_discipline": debt, "jobs": jobs}


def land_pace(world: World, state: State, city: int) -> np.ndarray:
    """Land revenue of the last four quarters over what a year of sales at the market's
    pace (its absorption, as the land cycle stands) would fetch at today's price, [W]."""
    absorb = world.city_params["land_absorption_ha"][city] * world.land_cycle[min(state.turn, world.turns)]
    ordinary = 4.0 * absorb * state.land_price[:, city]
    return arrays.total(state.land_hist[:, city], axis=1) / np.maximum(ordinary, 1e-9)


# What each component rewards, in the player's words (the help screen shows these).
RULES = {
    "gdp_growth": "half marks for growing as fast as the nation, full marks for outgrowing it by "
                  "3 points a year",
    "land_share_drop": "how far land revenue's share of fiscal revenue fell from the start; full "
                       "credit only for a city that outgrows the nation, keeps some of its land bank "
                       f"and still sells land at {LAND_PACE_FLOOR:.0%} of the market's pace or more; "
                       f"a city that stops selling keeps only {LAND_STOPPED_CREDIT:.0%} of it (a share "
                       "that falls because nothing is sold is not a transition)",
    "portfolio": "what the city's stakes are worth plus the cash it took out, over what it put in: "
                 "nothing at half its money back, half marks at 1.5 times, full marks at 2.5 times "
                 "(investing nothing counts as getting the money back)",
    "debt_discipline": "full marks with no debt, nothing at the province's debt limit",
    "jobs": "half marks for keeping jobs level, full marks for 6% more a year of play",
}


def score(world: World, state: State, city: int | None = None) -> np.ndarray:
    """0-100 per world for a city (default: the player's); halved after a fiscal crisis."""
    c = world.player if city is None else city
    weights = world.scenario.score.model_dump()
    parts = components(world, state, c)
    total = sum(weights[k] * parts[k] for k in parts) / max(sum(weights.values()), 1e-9)
    total = 100.0 * total
    return np.where(state.crisis[:, c], total * CRISIS_PENALTY, total)


def grade(points: float) -> str:
    return next(letter for floor, letter in GRADES if points >= floor)


def failed_firms(world: World, state: State, city: int | None = None) -> np.ndarray:
    failed = state.stage == FAILED
    if city is not None:
        failed &= state.firm_city == city
    return failed.sum(axis=1)
