"""A validated scenario and its content compiled into a World, its events included.

Content ids become integer indices once, here; the tick only sees arrays. The engine takes
validated pydantic models and never touches files. This module sits above the event
engine, which compiles the scenario's events against the World's index maps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from game.content.schema import FirmDef, ScenarioDef, SectorDef
from game.engine.events import compile_events, select
from game.engine.world import (
    HORIZON_PRIVATE_APPETITE,
    NEVER_ARRIVES,
    QUARTERS_PER_YEAR,
    SPARE_SLOTS_PER_SECTOR,
    World,
)


def interpolate(points: list[tuple[float, float]], x: np.ndarray | float) -> np.ndarray:
    xs = np.array([p[0] for p in points], dtype=np.float64)
    ys = np.array([p[1] for p in points], dtype=np.float64)
    return np.interp(x, xs, ys)


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
    year = scenario.start_year + (scenario.start_quarter - 1 + turns) / QUARTERS_PER_YEAR
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
    arrives = np.full(n_f, NEVER_ARRIVES, dtype=np.int64)
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


def _with_events(world: World, firms: dict[str, FirmDef], defs: dict[str, Any]) -> World:
    chosen = select(world.scenario, defs)
    if not chosen:
        return world
    table, templates = compile_events(world, chosen, firms)
    return replace(world, event_table=table, templates=templates)
