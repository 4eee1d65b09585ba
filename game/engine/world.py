"""The static side of a game: everything that does not change during play, as arrays
indexed by city, sector and firm slot, and the firm stage codes.

``build.build_world`` makes a World from a validated scenario and its content (content ids
become integer indices once, there); the tick only sees arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from game.content.schema import CityDef, FirmDef, ScenarioDef, SectorDef

# Firm stages, by code. NOT_YET covers empty slots and prospects that have not arrived.
STAGE_NAMES = ("not yet", "prospect", "building", "ramping", "operating", "listed",
               "distressed", "failed", "withdrawn")
N_STAGES = len(STAGE_NAMES)  # stage codes are 0 .. N_STAGES - 1 (state.stage is int8)
NOT_YET, PROSPECT, BUILDING, RAMPING, OPERATING, LISTED, DISTRESSED, FAILED, WITHDRAWN = range(N_STAGES)
STAGE_CODES = {"prospect": PROSPECT, "building": BUILDING, "ramping": RAMPING,
               "operating": OPERATING, "listed": LISTED}
PRODUCING = (RAMPING, OPERATING, LISTED, DISTRESSED)


def is_producing(stage: np.ndarray) -> np.ndarray:
    """Ramping, operating, listed or distressed (stage codes 3..6): the plant makes output."""
    return (stage >= RAMPING) & (stage <= DISTRESSED)


def is_live(stage: np.ndarray) -> np.ndarray:
    """Building to distressed (codes 2..6): the firm exists and has a plant or is making one."""
    return (stage >= BUILDING) & (stage <= DISTRESSED)


QUARTERS_PER_YEAR = 4  # one turn is one quarter
SPARE_SLOTS_PER_SECTOR = 4  # room per sector for projects that appear during play
PROSPECT_PATIENCE_Q = 4  # quarters a prospect waits for terms before going elsewhere
HORIZON_PRIVATE_APPETITE = {"short": 0.7, "medium": 0.5, "long": 0.3}
NEVER_ARRIVES = 1 << 30  # the arrival turn of a spare slot: it fills only during play


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
        return f"{self.scenario.start_year + q0 // QUARTERS_PER_YEAR} Q{q0 % QUARTERS_PER_YEAR + 1}"

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
