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


class Spread:
    """Per-turn spread of the player's GDP across worlds, gathered chunk by chunk.

    Keeps count, sum and sum of squares of log GDP per turn so chunks merge exactly;
    ``diverged_most`` names the quarter whose outcome split the worlds most.
    """

    def __init__(self, world: World, turns: int):
        self.world = world
        self.stats = np.zeros((turns, 3))

    def __call__(self, state: State) -> None:
        x = np.log(np.maximum(state.gdp[:, self.world.player], 1e-9))
        self.stats[state.turn - 1] += (len(x), x.sum(), (x * x).sum())

    def merge(self, other: Spread) -> None:
        self.stats += other.stats

    def sd(self) -> np.ndarray:
        n, s, ss = self.stats.T
        n = np.maximum(n, 1)
        return np.sqrt(np.maximum(ss / n - (s / n) ** 2, 0.0))

    def diverged_most(self) -> dict:
        sd = self.sd()
        if len(sd) < 2:
            return {}
        jumps = np.diff(np.concatenate([[0.0], sd]))
        t = int(np.argmax(jumps))
        return {"turn": t, "date": self.world.date_label(t),
                "gdp_spread_added": round(float(jumps[t]), 5),
                "gdp_spread_at_end": round(float(sd[-1]), 5),
                "note": "spread = standard deviation of log GDP across worlds; the quarter "
                        "whose play widened it most"}


def play_batch(world: World, n_worlds: int, turns: int | None = None, seed: int | None = None,
               bot: Bot = pass_bot, progress: Callable[[int, int], None] | None = None,
               on_turn: Callable[[State], None] | None = None, chunk: int = CHUNK,
               threads: int | None = None, spread: Spread | None = None,
               ) -> tuple[State, dict[str, np.ndarray]]:
    """Play ``n_worlds`` worlds for ``turns`` quarters; returns the state and final figures.

    Worlds never interact, so a big batch is played in chunks of ``chunk`` worlds on up to
    ``threads`` threads (numpy releases the GIL in its loops) with the same results as one
    batch. ``on_turn`` sees the whole batch each turn, so it plays as one chunk.
    """
    turns = world.turns if turns is None else min(turns, world.turns)
    if on_turn is not None or n_worlds <= chunk:
        return _play(world, 0, n_worlds, turns, seed, bot, progress, _both(on_turn, spread))
    starts = list(range(0, n_worlds, chunk))
    done = [0]
    lock = threading.Lock()

    def one(start: int) -> tuple[State, dict[str, np.ndarray]]:
        def tick(t: int, n: int) -> None:
            with lock:
                done[0] += 1
                if progress is not None:
                    progress(done[0], len(starts) * turns)
        mine = Spread(world, turns) if spread is not None else None
        out = _play(world, start, min(chunk, n_worlds - start), turns, seed, bot, tick, mine)
        return out + (mine,)

    workers = threads or min(len(starts), os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(one, starts))
    if spread is not None:
        for part in parts:
            spread.merge(part[2])
    state = State.concat([p[0] for p in parts])
    final = {k: np.concatenate([p[1][k] for p in parts]) for k in parts[0][1]}
    return state, final


def _both(a: Callable[[State], None] | None, b: Callable[[State], None] | None):
    if a is None or b is None:
        return a or b
    return lambda state: (a(state), b(state))


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
             bot: str = "pass", progress: Callable[[int, int], None] | None = None,
             bots: dict[str, Bot] | None = None) -> dict:
    """The JSON summary of a headless batch."""
    t0 = time.perf_counter()
    n_turns = world.turns if turns is None else min(turns, world.turns)
    spread = Spread(world, n_turns)
    state, final = play_batch(world, n_worlds, turns, seed, (bots or BOTS)[bot], progress, spread=spread)
    seconds = time.perf_counter() - t0
    return {
        "scenario": world.scenario.id, "bot": bot, "worlds": n_worlds,
        "turns": int(state.turn), "seed": world.scenario.seed if seed is None else seed,
        "seconds": round(seconds, 4), "units": {"money": "¥ bn", "gdp": "¥ bn a year",
                                                 "land_share": "share of fiscal revenue"},
        "metrics": summarise(final),
        "failed_firms_total": int(final["failed_firms"].sum()),
        "crisis_rate": float(final["fiscal_crisis"].mean()),
        "diverged_most": spread.diverged_most(),
    }


def compare(world: World, bots: list[str], n_worlds: int, turns: int | None = None,
            seed: int | None = None, progress: Callable[[int, int], None] | None = None,
            known: dict[str, Bot] | None = None) -> dict:
    """Several bots on the same worlds (same seeds), side by side."""
    runs = {bot: simulate(world, n_worlds, turns, seed, bot, progress, known) for bot in bots}
    return {"scenario": world.scenario.id, "worlds": n_worlds, "bots": runs}
