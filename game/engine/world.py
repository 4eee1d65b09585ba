"""The static side of a game: a scenario compiled into index maps and parameter arrays.

Content ids become integer indices once, here; the tick only sees arrays. The engine
takes validated pydantic models and never touches files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np

from game.content.schema import CityDef, FirmDef, ScenarioDef, SectorDef

# Firm stages. NOT_YET covers empty slots and prospects that have not arrived.
NOT_YET, PROSPECT, BUILDING, RAMPING, OPERATING, LISTED, DISTRESSED, FAILED, WITHDRAWN = range(9)
STAGE_NAMES = ("not yet", "prospect", "building", "ramping", "operating", "listed",
               "distressed", "failed", "withdrawn")
STAGE_CODES = {"prospect": PROSPECT, "building": BUILDING, "ramping": RAMPING,
               "operating": OPERATING, "listed": LISTED}
PRODUCING = (RAMPING, OPERATING, LISTED, DISTRESSED)


def is_producing(stage: np.ndarray) -> np.ndarray:
    """Ramping, operating, listed or distressed (stage codes 3..6): the plant makes output."""
    return (stage >= RAMPING) & (stage <= DISTRESSED)


def is_live(stage: np.ndarray) -> np.ndarray:
    """Building to distressed (codes 2..6): the firm exists and has a plant or is making one."""
    return (stage >= BUILDING) & (stage <= DISTRESSED)

SPARE_SLOTS_PER_SECTOR = 4  # room per sector for projects that appear during play
PROSPECT_PATIENCE_Q = 4  # quarters a prospect waits for terms before going elsewhere
HORIZON_PRIVATE_APPETITE = {"short": 0.7, "medium": 0.5, "long": 0.3}


def interpolate(points: list[tuple[float, float]], x: np.ndarray | float) -> np.ndarray:
    xs = np.array([p[0] for p in points], dtype=np.float64)
    ys = np.array([p[1] for p in points], dtype=np.float64)
    return np.interp(x, xs, ys)


@dataclass(frozen=True)
class World:
    """Everything that does not change during play, as arrays indexed by city/sector/firm."""

    scenario: ScenarioDef
    cities: tuple[CityDef, ...]
    sectors: tuple[SectorDef, ...]
    firms: tuple[FirmDef, ...]
    player: int
    city_index: dict[str, int]
    sector_index: dict[str, int]
    firm_index: dict[str, int]
    # per-turn series, shape [T + 1]
    year_of_turn: np.ndarray
    land_cycle: np.ndarray
    macro_growth: np.ndarray
    # sector parameters, shape [S]
    sector_params: dict[str, np.ndarray]
    # firm statics, shape [F]: the scenario's firms, then spare slots grouped by sector
    firm_sector: np.ndarray
    firm_arrives: np.ndarray
    firm_quality: np.ndarray
    firm_ask: np.ndarray
    firm_offered_stake: np.ndarray
    spare: np.ndarray  # [F] bool: a slot for projects that appear during play
    firm_ids: tuple[str, ...]  # [F] ids of all slots; spare ones are "new-<sector>-<k>"
    # input-output: inputs[s, s2] = 1 when sector s buys from s2
    inputs: np.ndarray
    firm_onehot: np.ndarray  # [F, S] 1 where the firm is in the sector
    city_params: dict[str, np.ndarray]  # [C] city parameters
    event_table: Any = None  # events.EventTable: the scenario's events, compiled
    templates: tuple[FirmDef, ...] = ()  # firms events may spawn into spare slots

    @property
    def n_events(self) -> int:
        return 0 if self.event_table is None else self.event_table.n

    @property
    def n_cities(self) -> int:
        return len(self.cities)

    @property
    def n_sectors(self) -> int:
        return len(self.sectors)

    @property
    def n_firms(self) -> int:
        return len(self.firm_sector)

    @property
    def turns(self) -> int:
        return self.scenario.turns

    def date_label(self, turn: int) -> str:
        q0 = self.scenario.start_quarter - 1 + turn
        return f"{self.scenario.start_year + q0 // 4} Q{q0 % 4 + 1}"

    def firm_slot(self, fid: str) -> int | None:
        return self._slot_of.get(fid)

    @cached_property
    def _slot_of(self) -> dict[str, int]:
        return {fid: i for i, fid in enumerate(self.firm_ids)}

    def firm_label(self, fid: str) -> str:
        f = self.firm_slot(fid)
        if f is None:
            return fid
        if f < len(self.firms):
            return self.firms[f].name
        return f"a new {self.sectors[int(self.firm_sector[f])].name.lower()} project"

    @property
    def n_content_firms(self) -> int:
        return len(self.firms)

    def firm_name(self, f: int, name_index: int = 0) -> str:
        """A firm's name; spare slots take a name from their sector's list, or from the
        template an event spawned them from (a negative ``name_index``)."""
        if f < len(self.firms):
            return self.firms[f].name
        if name_index < 0 and -name_index - 1 < len(self.templates):
            return self.templates[-name_index - 1].name
        sector = self.sectors[int(self.firm_sector[f])]
        if sector.prospect_names:
            return sector.prospect_names[name_index % len(sector.prospect_names)]
        return f"{sector.name} venture {name_index + 1}"


SECTOR_FIELDS = (
    "demand_bn", "demand_growth", "cycle_amplitude", "cycle_years", "cycle_phase", "shock_sd",
    "shock_persistence", "other_capacity_share", "other_capacity_growth", "price_elasticity",
    "price_floor", "price_ceiling", "capex_per_capacity", "build_quarters", "ramp_quarters",
    "start_yield", "learning_rate", "unit_cost", "fixed_cost_share", "jobs_per_bn",
    "value_added_share", "tax_rate", "valuation_multiple", "prospect_rate", "prospect_capacity_bn",
)


CITY_FIELDS = (
    "gdp_bn", "population_m", "land_price_bn_per_ha", "tax_take", "transfers_share",
    "spending_share", "development_share", "growth_premium", "land_absorption_ha", "land_share",
    "credibility",
)


def build_world(scenario: ScenarioDef, sectors: dict[str, SectorDef],
                firms: dict[str, FirmDef], events: Mapping[str, Any] | None = None) -> World:
    """Compile a validated scenario and its content into a World.

    ``events`` are the loaded events by id (default: those the loader attached to the
    scenario); the scenario's ``events`` key picks which of them are in play.
    """
    cities = tuple(scenario.cities)
    sector_defs = tuple(sectors[s] for s in scenario.sectors)
    firm_defs = tuple(firms[f] for f in scenario.firms)
    city_index = {c.id: i for i, c in enumerate(cities)}
    sector_index = {s.id: i for i, s in enumerate(sector_defs)}
    firm_index = {f.id: i for i, f in enumerate(firm_defs)}
    n_s = len(sector_defs)
    n_f = len(firm_defs) + SPARE_SLOTS_PER_SECTOR * n_s

    turns = np.arange(scenario.turns + 1)
    year = scenario.start_year + (scenario.start_quarter - 1 + turns) / 4.0
    land = interpolate([(p.year, p.index) for p in scenario.land_cycle], year)
    growth = interpolate([(p.year, p.rate) for p in scenario.macro_growth], year)

    params = {name: np.array([getattr(s, name) for s in sector_defs], dtype=np.float64)
              for name in SECTOR_FIELDS}
    params["private_appetite"] = np.array(
        [HORIZON_PRIVATE_APPETITE[s.horizon] for s in sector_defs], dtype=np.float64)

    def firm_array(attr: str, fill: float, dtype=np.float64) -> np.ndarray:
        out = np.full(n_f, fill, dtype=dtype)
        for i, f in enumerate(firm_defs):
            out[i] = getattr(f, attr)
        return out

    firm_sector = np.zeros(n_f, dtype=np.int64)
    for i, f in enumerate(firm_defs):
        firm_sector[i] = sector_index[f.sector]
    firm_sector[len(firm_defs):] = np.repeat(np.arange(n_s), SPARE_SLOTS_PER_SECTOR)
    spare = np.zeros(n_f, dtype=bool)
    spare[len(firm_defs):] = True
    firm_ids = tuple(f.id for f in firm_defs) + tuple(
        f"new-{s.id}-{k + 1}" for s in sector_defs for k in range(SPARE_SLOTS_PER_SECTOR))
    arrives = np.full(n_f, 1 << 30, dtype=np.int64)
    for i, f in enumerate(firm_defs):
        arrives[i] = f.arrives_turn if f.stage == "prospect" else 0

    inputs = np.zeros((n_s, n_s), dtype=np.float64)
    for i, s in enumerate(sector_defs):
        for dep in s.inputs:
            if dep in sector_index:
                inputs[i, sector_index[dep]] = 1.0

    onehot = np.zeros((n_f, n_s))
    onehot[np.arange(n_f), firm_sector] = 1.0
    city_params = {name: np.array([getattr(c, name) for c in cities], dtype=np.float64)
                   for name in CITY_FIELDS}

    world = World(
        scenario=scenario, cities=cities, sectors=sector_defs, firms=firm_defs,
        player=city_index[scenario.player_city], city_index=city_index,
        sector_index=sector_index, firm_index=firm_index,
        year_of_turn=year, land_cycle=land / land[0], macro_growth=growth,
        sector_params=params, firm_sector=firm_sector, firm_arrives=arrives,
        firm_quality=firm_array("quality", 0.5), firm_ask=firm_array("ask_bn", 0.0),
        firm_offered_stake=firm_array("offered_stake", 0.0), inputs=inputs,
        firm_onehot=onehot, city_params=city_params, spare=spare, firm_ids=firm_ids,
    )
    return _with_events(world, firms, scenario._events if events is None else dict(events))


def _with_events(world: World, firms: dict[str, FirmDef], events: dict[str, Any]) -> World:
    from game.engine import events as ev  # the event engine needs the World's index maps

    chosen = ev.select(world.scenario, events)
    if not chosen:
        return world
    table, templates = ev.compile_events(world, chosen, firms)
    return replace(world, event_table=table, templates=templates)
