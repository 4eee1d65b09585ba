"""Speed benchmark: prints one JSON object (a script, not a timed test).

- end_turn_ms_median: one world (a Session, as the TUI plays it), ms per end turn,
  median over every turn of several games;
- world_turns_per_s: a batch of 10,000 worlds, world-turns per second over the scenario;
- batch_seconds: wall time of that batch for --turns turns (target: 40 turns < 5 s with events);
- batch_cpu_seconds: CPU time of that batch over every process and thread (its worker
  processes included): wall time near cpu/cores means the cores were free, near cpu means
  another program had one;
- batched_speedup: per-world time played one world at a time over per-world time in
  the batch, for the same worlds in the same run (target: at least 50x);
- bytes_per_world: state plus pre-drawn noise, per world (10,000 worlds under 2 GiB);
- cores: the machine's core count;
- without_events: the same batch and single-world figures with the scenario's events off
  (rivals stay in: they are part of every tick).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from game.content.loader import load_content  # noqa: E402
from game.engine.build import build_world  # noqa: E402
from game.engine.session import Session  # noqa: E402
from game.sim import play_batch  # noqa: E402


def state_bytes(state) -> int:
    total = sum(a.nbytes for a in state.arrays().values())
    if state.noise is not None:
        total += state.noise.normal.nbytes + state.noise.city_normal.nbytes + state.noise.uniform.nbytes
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="hefei-2008")
    parser.add_argument("--worlds", type=int, default=10_000)
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--games", type=int, default=5, help="single-world games timed")
    parser.add_argument("--repeats", type=int, default=3, help="batch runs; the median is reported")
    parser.add_argument("--singles", type=int, default=50, help="worlds played one at a time for the speedup")
    args = parser.parse_args()

    content = load_content()
    scenario = content.scenario(args.scenario)
    world = build_world(scenario, content.sectors, content.firms)
    quiet = build_world(scenario, content.sectors, content.firms, events={})
    report = measure(world, args)
    report["events"] = world.n_events
    report["without_events"] = {k: v for k, v in measure(quiet, args).items()
                                if k in ("end_turn_ms_median", "batch_seconds", "batch_cpu_seconds",
                                         "world_turns_per_s", "batched_speedup")}
    print(json.dumps(report, indent=2))


def cpu_seconds() -> float:
    """User and system time of this process and its finished children."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        r = resource.getrusage(who)
        total += r.ru_utime + r.ru_stime
    return total


def measure(world, args) -> dict:

    per_turn = []
    for g in range(args.games):
        session = Session.start(world, seed=g)
        while not session.over:
            t0 = time.perf_counter()
            session.end_turn()
            per_turn.append((time.perf_counter() - t0) * 1000)

    batch_times, cpu_times = [], []
    state = None
    for _ in range(args.repeats):
        c0 = cpu_seconds()
        t0 = time.perf_counter()
        state, _final = play_batch(world, args.worlds, args.turns)
        batch_times.append(time.perf_counter() - t0)
        cpu_times.append(cpu_seconds() - c0)
    batch = statistics.median(batch_times)

    # the same worlds (the first --singles of the batch), each played alone
    t0 = time.perf_counter()
    for k in range(args.singles):
        from game.engine.state import new_state  # noqa: PLC0415
        from game.engine.tick import begin_turn, end_turn  # noqa: PLC0415

        alone = new_state(world, 1, first_world=k)
        begin_turn(world, alone)
        for t in range(args.turns):
            end_turn(world, alone)
            if t + 1 < args.turns:
                begin_turn(world, alone)
    single_per_world = (time.perf_counter() - t0) / args.singles
    batch_per_world = batch / args.worlds

    return {
        "scenario": args.scenario,
        "end_turn_ms_median": round(statistics.median(per_turn), 3),
        "end_turn_ms_p90": round(sorted(per_turn)[int(0.9 * len(per_turn))], 3),
        "single_turns_timed": len(per_turn),
        "worlds": args.worlds,
        "turns": args.turns,
        "batch_seconds": round(batch, 3),
        "batch_cpu_seconds": round(statistics.median(cpu_times), 3),
        "world_turns_per_s": round(args.worlds * args.turns / batch),
        "batched_speedup": round(single_per_world / batch_per_world, 1),
        "bytes_per_world": state_bytes(state) // args.worlds,
        "gib_for_10k_worlds": round(state_bytes(state) / args.worlds * 10_000 / 2**30, 3),
        "cores": os.cpu_count(),
    }


if __name__ == "__main__":
    main()
