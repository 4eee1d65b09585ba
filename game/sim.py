"""Headless batches: many worlds of one scenario played by a scripted bot.

Bots act for every world of the batch at once, through the same action functions the
player uses; results are collected apart from the model (the final figures of each
world, frozen at the turn its game ended).
"""

from __future__ import annotations

import ctypes
import mmap
import os
import select
import signal
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from game.bots import BOTS, Bot, land_addict_bot, pass_bot  # noqa: F401  (re-exported)
from game.engine import finite
from game.engine.scoring import failed_firms, score
from game.engine.state import Noise, State, new_state
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


CHUNK = 2500  # worlds played together: big enough for numpy calls to pay off, small enough for the cache


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

    Worlds never interact, so a big batch is played in chunks of at most ``chunk`` worlds
    by up to ``threads`` workers with the same results as one batch. Workers are forked
    processes where the platform can fork and the caller is the only thread (a numpy tick
    holds the GIL between its many small operations, so threads barely overlap); otherwise
    threads. ``on_turn`` sees the whole batch each turn, so it plays as one chunk.
    """
    turns = world.turns if turns is None else min(turns, world.turns)
    if on_turn is not None or n_worlds <= chunk:
        return _play(world, 0, n_worlds, turns, seed, bot, progress, _both(on_turn, spread))
    workers = threads or os.cpu_count() or 1
    if workers > 1 and _can_fork():
        return _play_forked(world, n_worlds, turns, seed, bot, progress, chunk, workers, spread)
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

    with ThreadPoolExecutor(max_workers=min(len(starts), workers)) as pool:
        parts = list(pool.map(one, starts))
    if spread is not None:
        for part in parts:
            spread.merge(part[2])
    state = State.concat([p[0] for p in parts])
    final = {k: np.concatenate([p[1][k] for p in parts]) for k in parts[0][1]}
    return state, final


def _can_fork() -> bool:
    """Forking is safe here: the platform has fork and no other thread could hold a lock."""
    return hasattr(os, "fork") and threading.active_count() == 1 \
        and threading.current_thread() is threading.main_thread()


def _keep_freed_memory() -> None:
    """In a forked worker (glibc only): keep freed memory for reuse instead of handing it back.

    A tick makes and frees hundreds of temporary [worlds, firms] arrays. By default glibc
    serves the biggest from fresh mmaps and trims the heap's top whenever enough is free,
    so the same pages are faulted in again and again: about a tenth of a worker's CPU time
    went to the kernel. A worker lives for one batch and then exits, so it keeps what it
    frees (the parent process is left as it is).
    """
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return  # not glibc: nothing to tune
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    mallopt(m_mmap_threshold, 32 * 2**20)  # glibc's largest: bigger blocks are still mmapped
    mallopt(m_trim_threshold, 2**30)
    mallopt(m_top_pad, 16 * 2**20)


def _shared(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """A zeroed array in memory shared with processes forked after it is made."""
    size = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
    buf = mmap.mmap(-1, max(size, 1), flags=mmap.MAP_SHARED | mmap.MAP_ANONYMOUS)
    return np.frombuffer(buf, dtype=dtype, count=int(np.prod(shape, dtype=np.int64))).reshape(shape)


NOISE_PARTS = ("normal", "city_normal", "uniform")  # what State.concat keeps of the noise


def _play_forked(world: World, n_worlds: int, turns: int, seed: int | None, bot: Bot,
                 progress: Callable[[int, int], None] | None, chunk: int, workers: int,
                 spread: Spread | None) -> tuple[State, dict[str, np.ndarray]]:
    """``play_batch`` on forked processes: each plays an equal share of the worlds in chunks
    and writes its states, final figures and spread straight into shared memory; a pipe
    carries only an error's traceback, as text (nothing is unpickled)."""
    workers = min(workers, n_worlds)
    share = -(-n_worlds // workers)
    parts = []  # (first world, worlds) of each chunk, grouped by worker
    for k in range(workers):
        lo, hi = k * share, min((k + 1) * share, n_worlds)
        if lo >= hi:
            break
        n_chunks = -(-(hi - lo) // chunk)
        cuts = [lo + (hi - lo) * i // n_chunks for i in range(n_chunks + 1)]
        parts.append([(a, b - a) for a, b in zip(cuts[:-1], cuts[1:], strict=True)])
    chunks = [c for p in parts for c in p]
    template = new_state(world, 1, seed=seed)
    arrays = {name: _shared((n_worlds,) + a.shape[1:], a.dtype) for name, a in template.arrays().items()}
    noise = {k: _shared((n_worlds,) + getattr(template.noise, k).shape[1:], getattr(template.noise, k).dtype)
             for k in NOISE_PARTS}
    done = _shared((len(chunks),), np.int64)  # turns played by each chunk, for progress
    figures = {k: _shared((n_worlds,), np.float64) for k in METRICS}  # every figure is float64
    spreads = _shared((len(chunks), turns, 3), np.float64)
    pipes: dict[int, tuple[int, list[bytes]]] = {}  # pid -> (read end, what it sent)
    index = 0
    try:
        for mine in parts:
            first = index
            index += len(mine)
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: play, write, report, leave without running the parent's cleanup
                os.close(r)
                _keep_freed_memory()
                code, payload = 0, b""
                try:
                    for i, (start, n) in enumerate(mine, first):
                        def tick(t: int, _n: int, i: int = i) -> None:
                            done[i] = t
                        sp = Spread(world, turns) if spread is not None else None
                        state, final = _play(world, start, n, turns, seed, bot, tick, sp)
                        for name, a in state.arrays().items():
                            if a.dtype != arrays[name].dtype:
                                raise TypeError(f"state.{name} changed dtype to {a.dtype} during play")
                            arrays[name][start:start + n] = a
                        for k in NOISE_PARTS:
                            noise[k][start:start + n] = getattr(state.noise, k)
                        if tuple(final) != METRICS or any(v.dtype != np.float64 for v in final.values()):
                            raise TypeError("measure() must give the METRICS figures, each float64")
                        for k in METRICS:
                            figures[k][start:start + n] = final[k]
                        if sp is not None:
                            spreads[i] = sp.stats
                except BaseException:  # noqa: BLE001  (reported to the parent, which raises)
                    payload = traceback.format_exc().encode("utf-8", "replace")
                    code = 1
                try:
                    with os.fdopen(w, "wb") as f:
                        f.write(payload)
                finally:
                    os._exit(code)
            os.close(w)
            pipes[pid] = (r, [])
        results = _collect(pipes, done, len(chunks) * turns, progress)
    finally:
        for pid in pipes:  # a child still running (the parent was interrupted) is stopped
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
    for error in results:
        if error is not None:
            raise RuntimeError(f"a worker process failed:\n{error}")
    if spread is not None:
        for stats in spreads:  # merged chunk by chunk, in order
            spread.stats += stats
    state = State(turn=template.turn + turns, seed=template.seed, **arrays,
                  noise=Noise(*(noise[k] for k in NOISE_PARTS)))
    return state, dict(figures)


def _collect(pipes: dict[int, tuple[int, list[bytes]]], done: np.ndarray, total: int,
             progress: Callable[[int, int], None] | None) -> list[str | None]:
    """Wait for every child, reporting progress meanwhile; returns each child's error (None
    when it finished cleanly), in the order the children were started. Children are reaped."""
    open_fds = {fd: pid for pid, (fd, _) in pipes.items()}
    status: dict[int, int] = {}
    reported = -1
    while open_fds:
        ready, _, _ = select.select(list(open_fds), [], [], 0.05)
        for fd in ready:
            data = os.read(fd, 1 << 20)
            pid = open_fds[fd]
            if data:
                pipes[pid][1].append(data)
            else:
                os.close(fd)
                del open_fds[fd]
                status[pid] = os.waitpid(pid, 0)[1]
        if progress is not None:
            now = int(done.sum())
            if now != reported and (open_fds or now == total):
                progress(now, total)
                reported = now
    out: list[str | None] = []
    for pid, (_, data) in pipes.items():
        text = b"".join(data).decode("utf-8", "replace")
        code = status.get(pid, -1)
        out.append(None if code == 0 and not text else text or f"the worker process died (status {code})")
    pipes.clear()
    return out


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
    bad = finite.locate(world, state) if not finite.all_finite(state) else []
    log = finite.report(bad)
    return {
        "scenario": world.scenario.id, "bot": bot, "worlds": n_worlds,
        "turns": int(state.turn), "seed": world.scenario.seed if seed is None else seed,
        "seconds": round(seconds, 4), "units": {"money": "¥ bn", "gdp": "¥ bn a year",
                                                 "land_share": "share of fiscal revenue"},
        "metrics": summarise(final),
        "failed_firms_total": int(final["failed_firms"].sum()),
        "crisis_rate": float(final["fiscal_crisis"].mean()),
        "diverged_most": spread.diverged_most(),
        "content_problems": [f"{p}; {p.advice()}" + (f" (logged to {log})" if log else "") for p in bad],
    }


def compare(world: World, bots: list[str], n_worlds: int, turns: int | None = None,
            seed: int | None = None, progress: Callable[[int, int], None] | None = None,
            known: dict[str, Bot] | None = None) -> dict:
    """Several bots on the same worlds (same seeds), side by side."""
    runs = {bot: simulate(world, n_worlds, turns, seed, bot, progress, known) for bot in bots}
    return {"scenario": world.scenario.id, "worlds": n_worlds, "bots": runs}
