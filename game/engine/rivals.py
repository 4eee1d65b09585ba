"""Rival cities: AI players with archetypes, acting through the same vocabulary.

Each archetype sells land at its own pace and backs prospects in its own city by its own
rule; prospects the player turns down may also move to a rival (see tick._prospects).
Every rule is vectorised over worlds.
"""

from __future__ import annotations

import numpy as np

from game.engine import land
from game.engine.state import State
from game.engine.world import OPERATING, PROSPECT, World

# hectares sold per quarter, as a share of the city's land-market absorption
LAND_PACE = {"land-addict": 1.6, "herd-chaser": 0.9, "copycat": 0.8, "cautious": 0.5, "player": 0.0}


def act(world: World, state: State) -> None:
    from game.engine.actions import invest  # actions import the tick, which imports us

    absorb = world.city_params["land_absorption_ha"]
    for c, city in enumerate(world.cities):
        if c == world.player:
            continue
        pace = LAND_PACE[city.archetype]
        if pace > 0:
            land.sell(world, state, c, np.full(state.n_worlds, pace * absorb[c]))
        for f in range(len(world.firms)):
            waiting = (state.stage[:, f] == PROSPECT) & (state.firm_city[:, f] == c)
            if not waiting.any():
                continue
            ask = world.firm_ask[f]
            wants = _wants(world, state, c, city.archetype, f, ask)
            go = waiting & wants & (state.treasury[:, c] > ask)
            if go.any():
                invest(world, state, c, f, np.where(go, ask, 0.0))


def _wants(world: World, state: State, c: int, archetype: str, f: int, ask: float) -> np.ndarray:
    """Whether a rival of this archetype backs prospect ``f`` in each world."""
    W = state.n_worlds
    sector = world.firm_sector[f]
    if archetype == "herd-chaser":
        return np.ones(W, dtype=bool)
    if archetype == "cautious":
        return ask <= 0.25 * state.treasury[:, c]
    if archetype == "copycat":
        # follows whoever already produces in the sector
        in_sector = world.firm_sector[None, :] == sector
        producing = (state.stage >= OPERATING) & in_sector
        return producing.any(axis=1)
    return np.zeros(W, dtype=bool)  # land-addicts back nothing
