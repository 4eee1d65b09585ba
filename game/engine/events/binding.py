"""Binding: which firm or sector an event fires for, in each (world, city) its dice allow.

One path serves every scope. The scope's candidates (firm slots, sectors, or the single
"no target" of an event without a scope) are listed as (world, city, candidate) matches
where the dice came up (or the event is due), and only where they can bind: a firm at an
allowed stage, in the city itself, a rival's city or any, as the scope says. The matches
are then kept where the city holds the firm (or not) as ``held`` asks, where a queued
event keeps the firm or sector it inherited, and where the candidate-level part of the
trigger holds; the first match of each (world, city), or the best by the scope's ``by``
metric, binds.

Each step is a function a tool can call to see why an event did not bind for a city.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.engine.arrays import rows_any
from game.engine.events.compile import CEvent
from game.engine.events.conditions import holds
from game.engine.registry import Ctx
from game.engine.state import State
from game.engine.world import N_STAGES, World


@dataclass
class Pairs:
    """The (world, city) pairs an event fires or resolves for, with the bound target."""

    w: np.ndarray
    c: np.ndarray
    target: np.ndarray  # firm slot or sector; -1 without a scope

    def __len__(self) -> int:
        return len(self.w)

    def sub(self, keep: np.ndarray) -> Pairs:
        return Pairs(self.w[keep], self.c[keep], self.target[keep])

    def ctx(self, world: World, state: State, scope: str, memo: dict | None = None) -> Ctx:
        """Where the event's conditions and effects read: a bound firm brings its sector."""
        f = self.target if scope == "firm" else None
        s = world.firm_sector[self.target] if scope == "firm" else self.target if scope == "sector" else None
        return Ctx(world, state, self.w, self.c, f, s, {} if memo is None else memo)


# ----- world level: is there anything to bind at all? ----------------------------------------


class Presence:
    """Which (sector, stage) pairs each world has a firm at, as bits of one uint64 per world
    (bit ``sector * N_STAGES + stage``), kept up to date through a quarter's events: a
    firm-scoped event is out at once in worlds with no candidate at an allowed stage. The
    bits are None when the scenario has too many sectors for 64 bits."""

    def __init__(self, world: World, state: State):
        self.world, self.state = world, state
        self.bits = self._bits(slice(None)) if world.n_sectors * N_STAGES <= 64 else None

    def _bits(self, w: np.ndarray | slice) -> np.ndarray:
        shift = self.state.stage[w].astype(np.uint64)
        shift += (self.world.firm_sector * N_STAGES).astype(np.uint64)
        return np.bitwise_or.reduce(np.left_shift(np.uint64(1), shift), axis=1)

    def any_at(self, ev: CEvent, w: np.ndarray) -> np.ndarray:
        """[n] bool: worlds ``w`` have one of the event's candidate firms at an allowed stage."""
        if self.bits is None:
            return rows_any(ev.stage_ok[self.state.stage[w[:, None], ev.candidates]])
        return (self.bits[w] & np.uint64(ev.stage_bits)) != 0

    def changed(self, w: np.ndarray) -> None:
        """Firms of worlds ``w`` may have changed stage (an event fired there)."""
        if self.bits is not None and len(w):
            w = np.unique(w)
            self.bits[w] = self._bits(w)


def world_level(world: World, state: State, ev: CEvent, w: np.ndarray, cities: np.ndarray,
                ok: np.ndarray, present: Presence | None = None) -> np.ndarray:
    """``ok`` [n, Cc] where a firm-scoped event has a candidate at an allowed stage in the
    world and the trigger's world-level part holds for the city."""
    if ev.scope == "firm" and ok.any():
        here = present.any_at(ev, w) if present is not None \
            else rows_any(ev.stage_ok[state.stage[w[:, None], ev.candidates]])
        ok = ok & here[:, None]
    if ev.world_trigger is not None and ok.any():
        ok = ok & holds(ev.world_trigger, Ctx(world, state, w[:, None], cities[None, :]))
    return ok


# ----- candidate level: the (world, city, candidate) matches -----------------------------------


@dataclass
class Matches:
    """(world row, city column, candidate index) triples of one event, over worlds ``w``
    [n] and ``cities`` [Cc]; ``keep`` narrows them, in order."""

    ev: CEvent
    w: np.ndarray
    cities: np.ndarray
    row: np.ndarray
    col: np.ndarray
    k: np.ndarray

    def __len__(self) -> int:
        return len(self.row)

    def keep(self, mask: np.ndarray) -> Matches:
        return Matches(self.ev, self.w, self.cities, self.row[mask], self.col[mask], self.k[mask])

    @property
    def target(self) -> np.ndarray:
        return self.ev.candidates[self.k]

    def pairs(self) -> Pairs:
        return Pairs(self.w[self.row], self.cities[self.col], self.target)


def in_scope(world: World, state: State, ev: CEvent, w: np.ndarray, cities: np.ndarray,
             ok: np.ndarray) -> Matches:
    """Every match the scope admits in the (world, city) cells where ``ok`` [n, Cc]: for a
    firm scope, its firms at an allowed stage, each with its own city, or every (rival)
    city, as ``where`` says; otherwise every candidate. Listing only firms at an allowed
    stage is much less work than a dense [worlds, cities, firm slots] mask: a world has few."""
    cand = ev.candidates
    if ev.scope != "firm":
        row, col = np.nonzero(ok)
        if len(cand) == 1:
            return Matches(ev, w, cities, row, col, np.zeros(len(row), dtype=np.intp))
        n_k = len(cand)
        return Matches(ev, w, cities, np.repeat(row, n_k), np.repeat(col, n_k), np.tile(np.arange(n_k), len(row)))
    row, k = np.nonzero(ev.stage_ok[state.stage[w[:, None], cand]])
    if ev.where == "own":
        col_of = np.full(world.n_cities, -1)
        col_of[cities] = np.arange(len(cities))
        col = col_of[state.firm_city[w[row], cand[k]]]
        m = Matches(ev, w, cities, row, col, k).keep(col >= 0)
    else:  # every city of the event may bind the firm (a rival's, or any)
        n_c = len(cities)
        m = Matches(ev, w, cities, np.repeat(row, n_c), np.tile(np.arange(n_c), len(row)), np.repeat(k, n_c))
        if ev.where == "rival":
            m = m.keep(state.firm_city[w[m.row], m.target] != cities[m.col])
    return m.keep(ok[m.row, m.col])


def held_as_asked(state: State, m: Matches) -> np.ndarray:
    """[len(m)] bool: the city holds a stake in the firm, or not, as the scope's ``held`` asks."""
    return (state.stake[m.w[m.row], m.target, m.cities[m.col]] > 0) == m.ev.held


def keeps_inheritance(state: State, m: Matches, due: np.ndarray) -> np.ndarray:
    """[len(m)] bool: where the event is due from a queue ([n, Cc]) with a binding it
    inherited, only that firm or sector."""
    inherited = state.ev_due_target[m.w[m.row], m.cities[m.col], m.ev.index]
    return ~(due[m.row, m.col] & (inherited >= 0)) | (m.target == inherited)


def trigger_holds(world: World, state: State, m: Matches) -> np.ndarray:
    """[len(m)] bool: the trigger's candidate-level part holds for the match."""
    return np.broadcast_to(holds(m.ev.cand_trigger, m.pairs().ctx(world, state, m.ev.scope)), len(m))


def pick(world: World, state: State, m: Matches) -> Pairs:
    """The match that binds in each (world, city): the first candidate, or the one with the
    most (``pick = "max"``) or least of the scope's ``by`` metric, the first among equals."""
    ev = m.ev
    if len(ev.candidates) == 1 or not len(m):  # one match at most per (world, city), in their order
        return m.pairs()
    if ev.pick == "first" or ev.by is None:
        order = np.lexsort((m.k, m.col, m.row))
    else:
        value = np.broadcast_to(ev.by(m.pairs().ctx(world, state, ev.scope)), len(m)).astype(np.float64)
        order = np.lexsort((m.k, -value if ev.pick == "max" else value, m.col, m.row))
    row, col, k = m.row[order], m.col[order], m.k[order]
    first = np.ones(len(row), dtype=bool)
    first[1:] = (row[1:] != row[:-1]) | (col[1:] != col[:-1])
    return Pairs(m.w[row[first]], m.cities[col[first]], ev.candidates[k[first]])


def bind(world: World, state: State, ev: CEvent, w: np.ndarray, cities: np.ndarray, ok: np.ndarray,
         due: np.ndarray) -> Pairs:
    """The binding of each (world, city) where ``ok`` [n, Cc] (the dice came up or the
    event is due, and the world-level part held); ``due`` [n, Cc] marks the queued ones."""
    m = in_scope(world, state, ev, w, cities, ok)
    if ev.held is not None:
        m = m.keep(held_as_asked(state, m))
    if due.any():
        m = m.keep(keeps_inheritance(state, m, due))
    if ev.cand_trigger is not None and len(m):
        m = m.keep(trigger_holds(world, state, m))
    return pick(world, state, m)
