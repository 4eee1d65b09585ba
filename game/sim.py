"""Headless batches: many worlds of one scenario played by a scripted bot.

Bots act for every world of the batch at once, through the same action functions the
player uses; results are collected apart from the model (the final figures of each
world, frozen at the turn its game ended).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from game.bots import BOTS, Bot, land_addict_bot, pass_bot  # noqa: F401  (re-exported)
from game.engine.scoring import failed_firms, score
from game.engine.state import State, new_state
from game.engine.tick import begin_turn, debt_ratio, end_turn, land_share, portfolio_value
from game.engine.world import World

METRICS = ("gdp", "treasury", "debt", "land_share", "portfolio", "score", "debt_ratio",
           "failed_firms", "fiscal_crisis")


def measure(world: World, state: State) -> dict[str, np.ndarray]:
    p = world.player
    return {
        "gdp": state.gdp[:, p].copy(),  # ¥ bn a year
        "treasury": state.treasury[:, p].copy(),
        "debt": state.debt[:, p].copy(),
        "land_share": land_share(state)[:, p],
        "portfolio": portfolio_value(state)[:, p],
        "score": score(world, state),
        "debt_ratio": debt_ratio(state)[:, p],
        "failed_firms": failed_firms(world, state, p).astype(np.float64),
        "fiscal_crisis": state.crisis[:, p].astype(np.float64),
    }


CHUNK = 2048  # worlds played together: small enough for the CPU cache, big enough for numpy


def play_batch(world: World, n_worlds: int, turns: int | None = None, seed: int | None = None,
               bot: Bot = pass_bot, progress: Callable[[int, int], None] | None = None,
               on_turn: Callable[[State], None] | None = None, chunk: int = CHUNK,
               threads: int | None = None) -> tuple[State, dict[str, np.ndarray]]:
    """Play ``n_worlds`` worlds for ``turns`` quarters; returns the state and final figures.

    Worlds never interact, so a big batch is played in chunks of ``chunk`` worlds on up to
    ``threads`` threads (numpy releases the GIL in its loops) with the same results as one
    batch. ``on_turn`` sees the whole batch each turn, so it plays as one chunk.
    """
    turns = world.turns if turns is None else min(turns, world.turns)
    if on_turn is not None or n_worlds <= chunk:
        return _play(world, 0, n_worlds, turns, seed, bot, progress, on_turn)
    starts = list(range(0, n_worlds, chunk))
    done = [0]
    lock = threading.Lock()

    def one(start: int) -> tuple[State, dict[str, np.ndarray]]:
        def tick(t: int, n: int) -> None:
            with lock:
                done[0] += 1
                if progress is not None:
                    progress(done[0], len(starts) * turns)
        return _play(world, start, min(chunk, n_worlds - start), turns, seed, bot, tick, None)

    workers = threads or min(len(starts), os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(one, starts))
    state = State.concat([p[0] for p in parts])
    final = {k: np.concatenate([p[1][k] for p in parts]) for k in parts[0][1]}
    return state, final


def _play(world: World, first_world: int, n_worlds: int, turns: int, seed: int | None, bot: Bot,
          progress: Callable[[int, int], None] | None,
          on_turn: Callable[[State], None] | None) -> tuple[State, dict[str, np.ndarray]]:
    state = new_state(world, n_worlds, seed=seed, first_world=first_world)
    begin_turn(world, state)
    frozen: dict[str, np.ndarray] | None = None  # figures of worlds whose game ended early
    ended = np.zeros(n_worlds, dtype=bool)
    for t in range(turns):
        bot(world, state)
        end_turn(world, state)
        if on_turn is not None:
            on_turn(state)
        newly = state.over & ~ended
        if newly.any():
            now = measure(world, state)
            frozen = now if frozen is None else {k: np.where(newly, now[k], frozen[k]) for k in now}
            ended |= newly
        if t + 1 < turns:
            begin_turn(world, state)
        if progress is not None:
            progress(t + 1, turns)
    final = measure(world, state)
    if frozen is not None:
        final = {k: np.where(ended, frozen[k], final[k]) for k in final}
    return state, final


def summarise(values: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    out = {}
    for name, v in values.items():
        v = np.asarray(v, dtype=np.float64)
        p10, p50, p90 = np.percentile(v, [10, 50, 90])
        out[name] = {"mean": float(v.mean()), "p10": float(p10), "p50": float(p50), "p90": float(p90)}
    return out


def simulate(world: World, n_worlds: int, turns: int | None = None, seed: int | None = None,
             bot: str = "pass", progress: Callable[[int, int], None] | None = None) -> dict:
    """The JSON summary of a headless batch."""
    t0 = time.perf_counter()
    state, final = play_batch(world, n_worlds, turns, seed, BOTS[bot], progress)
    seconds = time.perf_counter() - t0
    return {
        "scenario": world.scenario.id, "bot": bot, "worlds": n_worlds,
        "turns": int(state.turn), "seed": world.scenario.seed if seed is None else seed,
        "seconds": round(seconds, 4), "units": {"money": "¥ bn", "gdp": "¥ bn a year",
                                                 "land_share": "share of fiscal revenue"},
        "metrics": summarise(final),
    }
