"""The per-quarter dice: where each event's chance comes up and its limits allow it.

One uniform per world, quarter and event is drawn up front (``Noise.event_uniform``,
float32); the golden ratio spreads it into one draw per city: frac(u + PHI c). An event
with a chance is rolled for the cities people play, the computer's, or both, as it says.
Where the chance came up it may still be held back: the world's game is over, a person's
decision on the same event still waits, its ``cooldown`` has not run, or it is ``once``
and has fired for that city before.

Each step is a function over whole [W, C, E] arrays, so a tool can ask any one of them
why an event did not fire for a city (``roll`` combines them for the tick).
"""

from __future__ import annotations

import numpy as np

from game.engine.events.compile import EventTable
from game.engine.state import State

PHI = 0.6180339887498949  # the golden ratio's fraction: spreads one uniform draw into one per city


def draws(state: State, t: int) -> np.ndarray:
    """[W, C, E] float32: each (world, city, event)'s uniform draw for quarter ``t``."""
    n_c = state.human.shape[1]
    shift = np.array([(PHI * c) % 1.0 for c in range(n_c)], dtype=np.float32)
    x = state.noise.event_uniform[:, t, None, :] + shift[None, :, None]
    x -= x >= 1.0  # the fractional part
    return x


def chance_came_up(tab: EventTable, state: State, t: int) -> np.ndarray:
    """[W, C, E] bool: the draw is below the event's chance, for the kinds of city it is
    rolled for (people's or the computer's)."""
    x = draws(state, t)
    # x < p with p a float64 is x < (the least float32 >= p): no float64 copy of x; an
    # event that is not rolled for a kind of city gets 0 (x is never below 0)
    thr = tab.thresholds  # [2, E]: for the computer's cities, for people's
    human = state.human
    if (human == human[:1]).all():  # the usual batch: the same cities are people's everywhere
        return x < thr[human[0].astype(np.intp)][None, :, :]
    return x < thr[human.astype(np.intp)]


def cooled_down(tab: EventTable, state: State, t: int) -> np.ndarray:
    """[W, C, E] bool: the event's cooldown has run since it last fired for the city."""
    return state.ev_last <= (t - tab.cooldown).astype(state.ev_last.dtype)


def once_allows(tab: EventTable, state: State) -> np.ndarray:
    """[W, C, E] bool: the event is not ``once``, or has not fired for the city yet."""
    limit = np.where(tab.once, 0, np.iinfo(state.ev_count.dtype).max).astype(state.ev_count.dtype)
    return state.ev_count <= limit


def roll(tab: EventTable, state: State, t: int, live: np.ndarray) -> np.ndarray:
    """[E, W, C] bool: where each event's dice came up this quarter in the ``live`` worlds
    [W] and no open decision, cooldown or ``once`` holds it back.

    Computed over whole [W, C, E] arrays (no gathers of event columns), then laid out
    event-first so each event's [W, C] slice is contiguous.
    """
    rolled = chance_came_up(tab, state, t)
    rolled &= live[:, None, None]
    np.greater(rolled, state.ev_pending, out=rolled)  # and no decision on it waits
    rolled &= cooled_down(tab, state, t)
    if tab.once.any():
        rolled &= once_allows(tab, state)
    return np.ascontiguousarray(rolled.transpose(2, 0, 1))
