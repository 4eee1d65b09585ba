"""Rival cities: AI players with archetypes, acting through the player's vocabulary.

- herd-chaser: sells land briskly, backs every project in a hot sector, launches its own
  projects when a sector runs hot, and rescues its own firms (the Neta pattern);
- land-addict: lives on land sales and bonds, backs nothing;
- cautious: sells little land, backs only projects that look strong and are cheap for it,
  sells listed stakes after the lock-up;
- copycat: backs projects in sectors where the leading city already produces.
Every rule is vectorised over worlds; the same ``apply``/``invest`` functions as the player's.
"""

from __future__ import annotations

import numpy as np

from game.engine import land
from game.engine.arrays import by_city_sector, rows_any, where_or_zero
from game.engine.state import State
from game.engine.world import DISTRESSED, LISTED, OPERATING, PROSPECT, World

# hectares sold per quarter, as a share of the city's land-market absorption
LAND_PACE = {"land-addict": 1.6, "herd-chaser": 0.9, "copycat": 0.8, "cautious": 0.5, "player": 0.0}
HOT = 1.1  # sentiment above which a sector counts as hot


def act(world: World, state: State) -> None:
    from game.engine import actions as A  # actions import the tick, which imports us

    absorb = world.city_params["land_absorption_ha"]
    hot = state.sentiment > HOT  # [W, S]
    copycats = any(city.archetype == "copycat" for city in world.cities)
    leader = _leader(world, state) if copycats else None  # only copycats follow the leader
    for c, city in enumerate(world.cities):
        ai = ~state.human[:, c]  # in hot-seat games people play some rival cities
        if not ai.any():
            continue
        kind = city.archetype
        pace = LAND_PACE[kind]
        if pace > 0:
            land.sell(world, state, c, np.where(ai, pace * absorb[c], 0.0))
        if kind == "land-addict":
            _borrow_when_short(world, state, c, ai)
            continue
        here = (state.firm_city == c) & ai[:, None]
        # back at most one project a quarter: the first it likes that it can afford twice over
        go = ((state.stage == PROSPECT) & here & _wants_all(world, state, c, kind, hot, leader)
              & (state.treasury[:, c, None] > 1.5 * state.ask))
        w_go = np.nonzero(rows_any(go))[0]
        if len(w_go):
            A.back_prospects(world, state, c, w_go, np.argmax(go[w_go], axis=1))
        if kind == "herd-chaser":
            # rescue one of its own firms a quarter while it can afford twice the need
            crunch = (state.stage == DISTRESSED) & here
            need = A.rescue_need(state)
            crunch &= state.treasury[:, c, None] > 2.0 * need
            w_go = np.nonzero(rows_any(crunch))[0]
            if len(w_go):
                f_go = np.argmax(crunch[w_go], axis=1)
                A.rescue_pairs(state, c, w_go, f_go, need[w_go, f_go], relocate=False)
        if kind == "cautious":
            sellable = (state.stage == LISTED) & (state.lockup_left <= 0) & (state.stake[:, :, c] > 0) & ai[:, None]
            if sellable.any():
                A.sell_stakes(world, state, c, np.where(sellable, 0.25, 0.0))



def _borrow_when_short(world: World, state: State, c: int, ai: np.ndarray) -> None:
    """Land-addicts paper over falling land income with platform bonds (3% of GDP a time)."""
    from game.engine import actions as A

    short = (state.treasury[:, c] < 0.02 * state.gdp[:, c]) & ai
    if short.any():
        A.issue_bonds(state, c, np.where(short, 0.03 * state.gdp[:, c], 0.0))


def _leader(world: World, state: State) -> np.ndarray:
    """The city with the most producing capacity in each sector, [W, S] (-1 when none)."""
    producing = (state.stage >= OPERATING) & (state.stage <= LISTED)
    eff = where_or_zero(producing, state.capacity_f)
    by_cs = by_city_sector(state.firm_city, world.firm_sector, eff, world.n_cities, world.n_sectors)
    # max and argmax over the few cities, one city at a time (numpy's along a middle axis are
    # slow); a tie keeps the first city, as argmax does
    best = by_cs[:, 0, :].copy()
    lead = np.zeros(best.shape, dtype=np.int64)
    for c in range(1, world.n_cities):
        better = by_cs[:, c, :] > best
        np.copyto(best, by_cs[:, c, :], where=better)
        lead[better] = c
    return np.where(best > 0, lead, -1)


def _wants_all(world: World, state: State, c: int, archetype: str, hot: np.ndarray,
               leader: np.ndarray | None) -> np.ndarray:
    """[W, F]: whether a rival of this archetype would back each firm as a prospect."""
    fs = world.firm_sector
    if archetype == "herd-chaser":
        return hot[:, fs] | (state.sentiment[:, fs] > 0.95)
    if archetype == "cautious":
        return (state.quality_signal > 0.55) & (state.ask <= 0.25 * state.treasury[:, c, None])
    if archetype == "copycat" and leader is not None:
        lead = leader[:, fs]
        return (lead >= 0) & (lead != c)
    return np.zeros(state.stage.shape, dtype=bool)
