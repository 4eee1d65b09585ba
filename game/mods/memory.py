"""How much memory a batch of worlds needs, checked before `simulate` or `mods test` starts.

One world's state and pre-drawn noise are measured from a fresh state of the scenario;
a batch keeps every world's state (the results), and its workers each play a chunk at a
time with the tick's temporaries. A batch that would not fit in the memory this machine
has free is refused with the figure and a number of worlds that fits.
"""

from __future__ import annotations

import os
from pathlib import Path

from game.engine.state import new_state
from game.engine.world import World
from game.sim import CHUNK

TEMPORARIES = 1.5  # the tick's temporaries over the state itself (measured: 1.1 for Hefei 2008)
HEADROOM = 0.8  # the share of the free memory a batch may take


def world_bytes(world: World) -> int:
    """Bytes of one world's state and noise, for this scenario."""
    state = new_state(world, 1)
    noise = state.noise
    parts = [noise.normal, noise.city_normal, noise.uniform]
    if noise.event_uniform is not None:
        parts.append(noise.event_uniform)
    return sum(a.nbytes for a in state.arrays().values()) + sum(a.nbytes for a in parts)


def batch_bytes(world: World, worlds: int, per_world: int | None = None) -> int:
    """Peak bytes of a batch: every world's result, plus the chunks being played."""
    per = world_bytes(world) if per_world is None else per_world
    playing = min(worlds, CHUNK * (os.cpu_count() or 1))
    return int(per * (worlds + TEMPORARIES * playing))


def available_bytes() -> int | None:
    """Memory free for a new batch (MemAvailable on Linux), or None when unknown."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def refusal(world: World, worlds: int, what: str = "this batch") -> str | None:
    """Why a batch of ``worlds`` cannot start (its estimate, the memory free, a number of
    worlds that fits), or None when it fits."""
    free = available_bytes()
    if free is None:
        return None
    per = world_bytes(world)
    need = batch_bytes(world, worlds, per)
    room = free * HEADROOM
    if need <= room:
        return None
    if batch_bytes(world, 1, per) > room:
        return (f"one world of {world.scenario.id!r} needs about {_mb(per)} and {what} about "
                f"{_gb(batch_bytes(world, 1, per))}; this machine has {_gb(free)} free")
    fits = worlds
    while fits > 1 and batch_bytes(world, fits, per) > room:
        fits = max(1, int(fits * room / batch_bytes(world, fits, per)) - 1)
    return (f"{what} would need about {_gb(need)} of memory for {worlds:,} worlds of "
            f"{world.scenario.id!r} ({_mb(per)} a world); this machine has {_gb(free)} free: "
            f"try --worlds {fits:,}")


def _gb(n: float) -> str:
    return f"{n / 2**30:.1f} GB" if n >= 2**30 else _mb(n)


def _mb(n: float) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 1024:.0f} KB"
