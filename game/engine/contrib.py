"""Who built each sector's capacity over a game: the hot-seat debrief's "who caused the
overcapacity".

A sector's national capacity is the rest of the country's plus what the cities' firms
produce at full tilt (``capacity_f * yield_f`` of producing firms, the sum the market
uses). Its change from turn 0 to now splits exactly into each city's change (its firms
then and now, by where each firm stands) and the rest of the country's. Closed or failed
plants count against their city, so the parts are net and always add up to the total.
The rest of the country grows with the market on its own; shares are of what the
scenario's cities added, the herd the players are part of.

People's cities also get the money they put into each sector, read from the action log:
equity from the treasury, rescues and guidance-fund commitments (investing out of a fund
spends money the fund already counted).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.engine.state import State, new_state
from game.engine.world import World, is_producing

MONEY_KINDS = ("invest_equity", "rescue_firm", "create_fund")


@dataclass(frozen=True)
class CityPart:
    """One city's part in a sector's capacity change."""

    city: int
    name: str
    human: bool  # a person played it
    start_bn: float  # its firms' effective capacity at turn 0, ¥ bn a year of output
    end_bn: float  # and now
    invested_bn: float | None  # money its player put into the sector (None: the computer's city)

    @property
    def added_bn(self) -> float:
        return self.end_bn - self.start_bn


@dataclass(frozen=True)
class SectorParts:
    """A sector's national capacity against demand, and who added what since turn 0."""

    sector: str  # id
    name: str
    demand_bn: float  # ¥ bn a year, now
    capacity_bn: float  # national effective capacity now
    capacity_start_bn: float
    cities: tuple[CityPart, ...]
    rest_start_bn: float  # the rest of the country (outside the scenario's cities)
    rest_end_bn: float

    @property
    def overcapacity(self) -> float:
        """Capacity over demand, as a share of demand (negative: short of demand)."""
        return self.capacity_bn / max(self.demand_bn, 1e-9) - 1.0

    @property
    def added_bn(self) -> float:
        return self.capacity_bn - self.capacity_start_bn

    @property
    def rest_added_bn(self) -> float:
        return self.rest_end_bn - self.rest_start_bn

    @property
    def cities_added_bn(self) -> float:
        """What the scenario's cities added between them (the herd the players are part of)."""
        return sum(p.added_bn for p in self.cities)

    def share(self, added_bn: float) -> float | None:
        """``added_bn`` as a share of what the cities added; None when they added next to
        nothing (or, net, took capacity away)."""
        total = self.cities_added_bn
        return added_bn / total if total > 1e-6 * max(self.capacity_start_bn, 1.0) else None


def effective_capacity(state: State) -> np.ndarray:
    """[W, F] what each firm produces at full tilt now (zero unless producing)."""
    return np.where(is_producing(state.stage), state.capacity_f * state.yield_f, 0.0)


def opening_state(world: World, state: State) -> State:
    """The game's state at turn 0 (rebuilt: it depends only on the world, seed and players)."""
    humans = tuple(int(c) for c in np.nonzero(state.human[0])[0])
    return new_state(world, 1, seed=int(state.seed), first_world=int(state.world_ids[0]), humans=humans)


def invested_by_sector(world: World, log: list[list[dict]], n_cities: int) -> np.ndarray:
    """[C, S] money each city's person put into each sector, from the action log (¥ bn)."""
    out = np.zeros((n_cities, world.n_sectors))
    for turn in log:
        for a in turn:
            kind = a.get("kind")
            if kind not in MONEY_KINDS or (kind == "invest_equity" and a.get("from_fund")):
                continue
            city = world.player if a.get("city") is None else int(a["city"])
            s = (world.sector_index[a["sector"]] if kind == "create_fund"
                 else int(world.firm_sector[world.firm_slot(a["firm"])]))
            out[city, s] += float(a.get("amount_bn", 0.0))
    return out


def sector_parts(world: World, state: State, log: list[list[dict]],
                 opening: State | None = None) -> list[SectorParts]:
    """For each sector: capacity now against demand, and each city's and the rest of the
    country's part in the capacity added since turn 0 (world 0 of ``state``)."""
    start = opening_state(world, state) if opening is None else opening
    eff0, eff1 = effective_capacity(start)[0], effective_capacity(state)[0]
    city0, city1 = start.firm_city[0], state.firm_city[0]
    humans = state.human[0]
    money = invested_by_sector(world, log, world.n_cities)
    rows = []
    for s, sec in enumerate(world.sectors):
        in_s = world.firm_sector == s
        parts = tuple(
            CityPart(city=c, name=city.name, human=bool(humans[c]),
                     start_bn=float(eff0[in_s & (city0 == c)].sum()),
                     end_bn=float(eff1[in_s & (city1 == c)].sum()),
                     invested_bn=float(money[c, s]) if humans[c] else None)
            for c, city in enumerate(world.cities))
        rest0, rest1 = float(start.other_capacity[0, s]), float(state.other_capacity[0, s])
        rows.append(SectorParts(
            sector=sec.id, name=sec.name, demand_bn=float(state.demand[0, s]),
            capacity_bn=rest1 + float(eff1[in_s].sum()), capacity_start_bn=rest0 + float(eff0[in_s].sum()),
            cities=parts, rest_start_bn=rest0, rest_end_bn=rest1))
    return rows
