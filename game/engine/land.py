"""The land market: a finite land bank, a price that sags when much is sold at once,
and a macro land cycle set by the scenario (calibrated on cn_land_sale_revenue).

A sale is booked gross (land revenue counts in the land share, as in China's fiscal
statistics); half of it goes straight out again in compensation to former users and site
works, so the city keeps about half.
"""

from __future__ import annotations

import numpy as np

from game.engine.ledger import book
from game.engine.state import State
from game.engine.world import World

PREPARATION_COST = 0.5  # share of a sale's price paid out in compensation and site works
PRICE_IMPACT = 0.4  # share of the price lost when a sale equals the market's absorption
PRESSURE_DECAY = 0.6  # share of the price sag that remains after a quarter
GDP_ELASTICITY = 0.25  # land prices follow the city's GDP with this elasticity (the cycle carries the rest)


def anchor_price(world: World, state: State, turn: int, city: int | slice = slice(None)) -> np.ndarray:
    """The price with no recent sales: start price x land cycle x (GDP growth)^0.5
    ([W, C], or [W] for one ``city``)."""
    cp = world.city_params
    growth = np.maximum(state.gdp[:, city] / cp["gdp_bn"][city], 1e-6) ** GDP_ELASTICITY
    return cp["land_price_bn_per_ha"][city] * world.land_cycle[min(turn, world.turns)] * growth


def quote(world: World, state: State, city: int, hectares: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Revenue of selling ``hectares`` now, and the price per ha afterwards, [W] each."""
    # buyers thin out when the macro land cycle turns down
    absorb = world.city_params["land_absorption_ha"][city] * world.land_cycle[min(state.turn, world.turns)]
    price = state.land_price[:, city]
    revenue = hectares * price / (1.0 + 0.5 * PRICE_IMPACT * hectares / absorb)
    after = price * (1.0 - PRICE_IMPACT * hectares / (hectares + absorb))
    return revenue, after


def sell(world: World, state: State, city: int, hectares: np.ndarray) -> np.ndarray:
    """Sell land in every world (``hectares`` [W], clipped to the bank); returns revenue."""
    hectares = np.clip(hectares, 0.0, state.land_bank[:, city])
    revenue, after = quote(world, state, city, hectares)
    state.land_bank[:, city] -= hectares
    state.land_sold_q[:, city] += hectares
    anchor = anchor_price(world, state, state.turn, city)
    selling = hectares > 0  # worlds that sell nothing keep their price exactly as it was
    state.land_pressure[:, city] = np.where(selling, np.clip(1.0 - after / anchor, 0.0, 0.95),
                                            state.land_pressure[:, city])
    state.land_price[:, city] = np.where(selling, after, state.land_price[:, city])
    book(state, "land_sales", revenue, city)
    book(state, "land_preparation", -PREPARATION_COST * revenue, city)
    return revenue


def drift(world: World, state: State) -> None:
    """End of turn: the sag from sales fades and the price follows the cycle and GDP."""
    state.land_pressure *= PRESSURE_DECAY
    state.land_price[:] = anchor_price(world, state, state.turn + 1) * (1.0 - state.land_pressure)
