"""Prospects: projects looking for a city that will back them.

The scenario's own firms arrive on their turn. Besides them, new projects appear during
play, more of them in hot sectors, and choose a city by its chain density, infrastructure,
credibility and tax incentives. A project the player leaves waiting for a year goes to a
rival that takes the same terms, or gives up; a rival's own project that nobody backs
gives up.
"""

from __future__ import annotations

import numpy as np

from game.engine import arrays
from game.engine.firms import WORKING_CAPITAL, start_building
from game.engine.ledger import book
from game.engine.state import (
    LANE_PROSPECT_CITY,
    LANE_RIVAL,
    LANE_SPAWN,
    LANE_SPAWN_CITY,
    LANE_SPAWN_QUALITY,
    LANE_SPAWN_SECTOR,
    LANE_SPAWN_SIGNAL,
    LANE_SPAWN_SIZE,
    State,
    sp_capex,
)
from game.engine.world import NOT_YET, PROSPECT, PROSPECT_PATIENCE_Q, WITHDRAWN, World

ASK_SHARE_OF_CAPEX = 0.35  # a new project asks the city for this share of its capex
STAKE_PREMIUM = 1.2  # and offers a stake a fifth richer than the money would buy
MAX_OFFERED_STAKE = 0.9
SIGNAL_NOISE = 0.3  # due diligence sees quality give or take this much
# a new project's hidden quality, and its capacity as a share of the sector's usual new
# project, are drawn evenly over (lowest, lowest + width)
QUALITY_DRAW = (0.1, 0.8)
SIZE_DRAW = (0.6, 0.8)
MAX_SPAWN_PROBABILITY = 0.9
# how strongly a new project leans to a city: exp(the sum of these times the city's figures)
DENSITY_PULL = 2.5  # per unit of chain density in the project's sector
INFRASTRUCTURE_PULL = 2.0  # per unit of infrastructure above the ordinary 1.0
CREDIBILITY_PULL = 1.5  # per unit of credibility
INCENTIVE_PULL = 0.5  # while the city offers a tax incentive in the sector


def arrive(world: World, state: State) -> None:
    """The scenario's firms whose turn has come become prospects."""
    arriving = (state.stage == NOT_YET) & (world.firm_arrives[None, :] <= state.turn) & ~world.spare[None, :]
    state.stage[arriving] = PROSPECT
    state.waited[arriving] = 0


def pull(density: np.ndarray, infrastructure: np.ndarray, credibility: np.ndarray,
         incentive_left: np.ndarray) -> np.ndarray:
    """How strongly a new project leans to a city (unnormalised), element by element."""
    return np.exp(DENSITY_PULL * density + INFRASTRUCTURE_PULL * (infrastructure - 1.0)
                  + CREDIBILITY_PULL * credibility + INCENTIVE_PULL * (incentive_left > 0))


def attraction(world: World, state: State) -> np.ndarray:
    """:func:`pull` of each city for a new project in each sector, [W, C, S]."""
    return pull(state.density, state.infrastructure[:, :, None], state.credibility[:, :, None],
                state.incentive_left)


def spawn(world: World, state: State) -> None:
    """Maybe a new project appears in each world; hot sectors breed more of them."""
    if not world.scenario.spawn_prospects:
        return
    sp = world.sector_params
    t = state.turn
    u = state.noise.uniform[:, t, :]
    heat = np.clip(state.sentiment, 0.5, 2.0) ** 2
    rate = sp["prospect_rate"][None, :] / 4.0 * heat  # expected projects this quarter, [W, S]
    total = arrays.total(rate, axis=1)
    happens = u[:, LANE_SPAWN] < np.minimum(total, MAX_SPAWN_PROBABILITY)
    if not happens.any():
        return
    w = np.nonzero(happens)[0]  # from here on only the worlds where a project appears
    u = u[w]
    cum = np.cumsum(rate[w], axis=1) / np.maximum(total[w], 1e-12)[:, None]
    sector = np.minimum((u[:, LANE_SPAWN_SECTOR][:, None] > cum).sum(axis=1), world.n_sectors - 1)
    pull = _attraction_to(state, w, sector)  # [n, C]
    cum_c = np.cumsum(pull, axis=1) / arrays.total(pull, axis=1)[:, None]
    city = np.minimum((u[:, LANE_SPAWN_CITY][:, None] > cum_c).sum(axis=1), world.n_cities - 1)
    # the first free spare slot of the sector (never used, or its project withdrew)
    slots = _spare_slots(world)[sector]  # [n, SPARE_SLOTS_PER_SECTOR]
    stage = state.stage[w[:, None], slots]
    free = (stage == NOT_YET) | (stage == WITHDRAWN)
    has = free.any(axis=1)
    f = slots[has, np.argmax(free[has], axis=1)]
    open_slot(world, state, w[has], f, city[has], u[has])


def _attraction_to(state: State, w: np.ndarray, sector: np.ndarray) -> np.ndarray:
    """``attraction`` of each city for the sector of each world ``w`` only, [n, C]."""
    return pull(state.density[w, :, sector], state.infrastructure[w], state.credibility[w],
                state.incentive_left[w, :, sector])


def _spare_slots(world: World) -> np.ndarray:
    """[S, k]: the spare firm slots of each sector, in slot order."""
    return np.stack([np.nonzero(world.spare & (world.firm_sector == s))[0] for s in range(world.n_sectors)])


def open_slot(world: World, state: State, w: np.ndarray, f: np.ndarray, city: np.ndarray,
              u: np.ndarray) -> None:
    """A new project in spare slot ``f`` of worlds ``w``, asking ``city`` for terms; its
    quality, size and signal come from this quarter's draws ``u`` [n, lanes]."""
    sp = world.sector_params
    s = world.firm_sector[f]
    quality = _within(QUALITY_DRAW, u[:, LANE_SPAWN_QUALITY])
    size = sp["prospect_capacity_bn"][s] * _within(SIZE_DRAW, u[:, LANE_SPAWN_SIZE])
    capex = size * sp_capex(world)[f]
    # every slot written through one flat index (the same cells as [w, f])
    flat = np.asarray(w, dtype=np.intp) * world.n_firms + f
    np.put(state.stage, flat, PROSPECT)
    np.put(state.firm_city, flat, city)
    np.put(state.capacity_f, flat, size)
    np.put(state.quality, flat, quality)
    np.put(state.quality_signal, flat, np.clip(quality + SIGNAL_NOISE * (2 * u[:, LANE_SPAWN_SIGNAL] - 1), 0.0, 1.0))
    np.put(state.ask, flat, ASK_SHARE_OF_CAPEX * capex)
    # the stake the ask buys at cost (the capex and its working capital), plus the premium
    np.put(state.offered_stake, flat,
           np.minimum(STAKE_PREMIUM * ASK_SHARE_OF_CAPEX / (1 + WORKING_CAPITAL), MAX_OFFERED_STAKE))
    np.put(state.name_index, flat, state.spawned[w])
    state.spawned[w] += 1
    for arr in (state.waited, state.distress_q, state.build_left, state.yield_f, state.cum_output,
                state.cash, state.firm_debt, state.revenue_f, state.profit_f, state.valuation,
                state.jobs_f, state.paid_in, state.profit_streak, state.lockup_left, state.land_granted):
        np.put(arr, flat, 0.0)
    np.put(state.rescued, flat, False)
    np.put(state.listed, flat, False)
    state.stake[w, f, :] = 0.0
    state.cost_basis[w, f, :] = 0.0


def _within(draw: tuple[float, float], u: np.ndarray) -> np.ndarray:
    """A uniform draw ``u`` in [0, 1) spread evenly over (lowest, lowest + width)."""
    lowest, width = draw
    return lowest + width * u


def wait_or_leave(world: World, state: State) -> None:
    """Prospects wait for terms; the player's unbacked ones go to a rival or give up."""
    waiting = state.stage == PROSPECT
    state.waited += waiting  # one more quarter where waiting (adding 0.0 elsewhere changes nothing)
    leaving = waiting & (state.waited >= PROSPECT_PATIENCE_Q)
    if not leaving.any():
        return
    # the project goes to one of the cities run by the computer (people decide for themselves)
    ai = ~state.human  # [W, C]
    n_ai = ai.sum(axis=1)
    u = state.noise.uniform[:, state.turn, LANE_PROSPECT_CITY]
    nth = np.minimum((u * n_ai).astype(int), np.maximum(n_ai - 1, 0))
    pick = np.argmax(ai & (np.cumsum(ai, axis=1) - 1 == nth[:, None]), axis=1)
    # Two in three of the player's lost prospects find a rival who takes the same terms.
    goes = (state.noise.uniform[:, state.turn, LANE_RIVAL] < 2 / 3) & (n_ai > 0)
    from_player = state.firm_city == world.player
    w_idx, f_idx = np.nonzero(leaving & from_player & goes[:, None])
    dest = pick[w_idx]
    ask = state.ask[w_idx, f_idx]
    afford = state.treasury[w_idx, dest] > ask
    w_ok, f_ok, d_ok, a_ok = w_idx[afford], f_idx[afford], dest[afford], ask[afford]
    for c in np.unique(d_ok):
        sel = d_ok == c
        amount = np.zeros(state.n_worlds)
        np.add.at(amount, w_ok[sel], a_ok[sel])
        book(state, "equity_investment", -amount, int(c))
        state.invested[:, c] += amount
    state.firm_city[w_ok, f_ok] = d_ok
    state.stake[w_ok, f_ok, d_ok] = state.offered_stake[w_ok, f_ok]
    state.cost_basis[w_ok, f_ok, d_ok] = a_ok
    start_building(world, state, w_ok, f_ok, a_ok)
    still = leaving.copy()
    still[w_ok, f_ok] = False
    state.stage[still] = WITHDRAWN

