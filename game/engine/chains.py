"""Supply chains: how dense each city's cluster is around each sector.

Density (0..1 per city and sector) grows with local producing firms in the sector itself,
in the sectors it buys from (inputs) and in those that buy from it, plus suppliers the
city recruits; it moves a fifth of the way to its target each quarter, so chains take
years to thicken. Dense chains lower unit costs (economics.COST_CUT), lift the local
multiplier, draw new projects and cushion cash crunches; a failure tears them.
"""

from __future__ import annotations

import numpy as np

from game.engine.arrays import at_firm_city_sector, by_city_sector, over_links
from game.engine.state import State
from game.engine.world import World

PRESENCE_SCALE = 0.03  # local capacity, as a share of national demand, that makes a strong presence
ADJUST = 0.2  # share of the gap to the target closed each quarter
RECRUIT_DECAY = 0.98  # recruited suppliers drift away without firms to sell to
FAILURE_DAMAGE = 0.75  # density kept in a failed firm's sector and its inputs


def local_capacity(world: World, state: State, eff: np.ndarray) -> np.ndarray:
    """Producing capacity by city and sector, [W, C, S]."""
    return by_city_sector(state.firm_city, world.firm_sector, eff, world.n_cities, world.n_sectors)


def update(world: World, state: State, eff: np.ndarray) -> None:
    local = local_capacity(world, state, eff)
    presence = 1.0 - np.exp(-local / (PRESENCE_SCALE * state.demand[:, None, :]))
    inputs = world.inputs  # [S, S]: inputs[s, i] = 1 when s buys from i
    n_in = inputs.sum(axis=1)
    n_out = inputs.sum(axis=0)
    upstream = np.where(n_in > 0, over_links(presence, inputs) / np.maximum(n_in, 1), presence)
    downstream = np.where(n_out > 0, over_links(presence, inputs.T) / np.maximum(n_out, 1), 0.0)
    target = np.clip(0.4 * presence + 0.35 * upstream + 0.25 * downstream + state.recruited, 0.0, 1.0)
    state.density += ADJUST * (target - state.density)
    state.recruited *= RECRUIT_DECAY


def damage(world: World, state: State, failing: np.ndarray) -> None:
    """A failure leaves suppliers unpaid: density falls in its sector and its inputs
    (once per city and sector in a quarter, however many firms fail there)."""
    w_idx, f_idx = np.nonzero(failing)
    if len(w_idx) == 0:
        return
    s = world.firm_sector[f_idx]
    hit_rows = world.inputs[s] > 0  # [n, S]
    hit_rows[np.arange(len(s)), s] = True
    hit = np.zeros(state.density.shape, dtype=bool)
    np.logical_or.at(hit, (w_idx, state.firm_city[w_idx, f_idx]), hit_rows)
    state.density[hit] *= FAILURE_DAMAGE
    state.recruited[hit] *= FAILURE_DAMAGE


def firm_density(world: World, state: State) -> np.ndarray:
    """Each firm's local chain density, [W, F]."""
    return at_firm_city_sector(state.density, state.firm_city, world.firm_sector)
