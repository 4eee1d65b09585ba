"""The guard against numbers that are not numbers: NaN or infinity in a game's state means
some content drove the economy past what it can hold (a demand that compounds past
1e308, a price with no capacity under it). The loader's bounds keep such content out; this
guard catches whatever gets through and names it as a content problem — which array, for
which sector, firm or city, on which turn — instead of letting ``¥nan bn`` reach a screen.

:func:`all_finite` is cheap enough for every turn (six sums over the arrays every money
flow ends in, about 20 µs for one world: 1% of an end turn); :func:`locate` scans every array to name
what went wrong, only when the cheap check fails. Problems are logged to the logger
``architect.content``, which the command line sends to the content problem log.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np

from game.engine.state import State
from game.engine.world import World

LOG = logging.getLogger("architect.content")
LOG.addHandler(logging.NullHandler())  # nothing on a terminal the game draws on, unless asked
LOG.propagate = False

SECTOR_ARRAYS = {"demand", "demand_shock", "other_capacity", "capacity", "price", "sentiment"}
CITY_SECTOR_ARRAYS = {"density", "recruited", "fund_cash", "fund_city_share", "incentive_left"}
FIRM_CITY_ARRAYS = {"stake", "cost_basis"}


@dataclass(frozen=True)
class NonFinite:
    """One state array that holds NaN or infinity, and the item it belongs to."""

    array: str
    kind: str  # "sector", "firm", "city" or "game"
    item: str  # the content id (a firm slot's id for projects that appeared in play)
    value: float  # the first bad value (nan, inf or -inf)
    worlds: int  # in how many worlds of the batch
    turn: int
    date: str

    def __str__(self) -> str:
        where = f"{self.kind} {self.item!r}" if self.kind != "game" else "the game"
        return (f"{where}: {self.array} became {self.value} on turn {self.turn} ({self.date}) in "
                f"{self.worlds} world{'s' if self.worlds != 1 else ''}")

    def advice(self) -> str:
        what = {"sector": "that sector's numbers (its file, and events that change it)",
                "firm": "that firm's numbers (its file, and events that change it)",
                "city": "that city's numbers in the scenario (and events that change it)"}
        return f"check {what.get(self.kind, 'the scenario')}: a value may be too large for the game"


def all_finite(state: State) -> bool:
    """True when the arrays every quarter's numbers end in (a city's treasury and GDP, a
    sector's demand and price, a firm's cash and valuation) hold only finite numbers."""
    return math.isfinite(state.treasury.sum() + state.gdp.sum() + state.demand.sum() + state.price.sum()
                         + state.cash.sum() + state.valuation.sum())


def locate(world: World, state: State, limit: int = 5) -> list[NonFinite]:
    """Every float array with NaN or infinity, named by the item it belongs to (at most
    ``limit``, the first item of each array)."""
    out: list[NonFinite] = []
    for name, arr in state.arrays().items():
        if arr.dtype.kind != "f":
            continue
        bad = ~np.isfinite(arr)
        if not bad.any():
            continue
        worlds = int(bad.reshape(len(arr), -1).any(axis=1).sum()) if arr.ndim > 1 else int(bad.sum())
        index = np.argwhere(bad)[0]
        kind, item = _item(world, name, arr, index)
        out.append(NonFinite(name, kind, item, float(arr[tuple(index)]), worlds, int(state.turn),
                             world.date_label(min(int(state.turn), world.turns))))
        if len(out) >= limit:
            break
    return out


def _item(world: World, name: str, arr: np.ndarray, index: np.ndarray) -> tuple[str, str]:
    if arr.ndim < 2:
        return "game", ""
    k = int(index[1])
    if name in SECTOR_ARRAYS:
        return "sector", world.sectors[k].id
    if name in CITY_SECTOR_ARRAYS and arr.ndim > 2:
        return "sector", world.sectors[int(index[2])].id
    if name in FIRM_CITY_ARRAYS or arr.shape[1] == world.n_firms and arr.shape[1] != world.n_cities:
        return "firm", world.firm_ids[k]
    return "city", world.cities[k].id


def report(problems: list[NonFinite]) -> str | None:
    """Log the problems to ``architect.content``; returns the log file's path when one
    takes them."""
    for p in problems:
        LOG.error("%s; %s", p, p.advice())
    for handler in LOG.handlers:
        if isinstance(handler, logging.FileHandler):
            return handler.baseFilename
    return None
