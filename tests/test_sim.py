"""Headless batches: chunked and threaded play gives the same worlds as one batch."""

from __future__ import annotations

import numpy as np

from game.bots import BOTS
from game.engine.state import state_hash
from game.sim import play_batch, simulate


def test_chunked_threaded_batches_equal_one_batch(hefei):
    one_state, one = play_batch(hefei, 150, turns=16, bot=BOTS["herd-chaser"], chunk=1000)
    many_state, many = play_batch(hefei, 150, turns=16, bot=BOTS["herd-chaser"], chunk=32, threads=2)
    for k in one:
        assert np.array_equal(one[k], many[k]), k
    assert state_hash(one_state) == state_hash(many_state)


def test_progress_reaches_the_end(tutorial):
    seen = []
    play_batch(tutorial, 70, bot=BOTS["pass"], chunk=32, progress=lambda d, n: seen.append((d, n)))
    assert seen and seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_simulate_reports_failures_and_crises_as_shares(hefei):
    out = simulate(hefei, 64, turns=12, bot="land-addict")
    assert 0.0 <= out["metrics"]["fiscal_crisis"]["mean"] <= 1.0
    assert out["metrics"]["failed_firms"]["p10"] >= 0.0


def test_threaded_fallback_equals_forked_processes(hefei):
    """Called from a thread (no fork then), the batch plays on threads with the same worlds."""
    from concurrent.futures import ThreadPoolExecutor

    forked_state, forked = play_batch(hefei, 120, turns=8, bot=BOTS["herd-chaser"], chunk=32, threads=2)
    with ThreadPoolExecutor(1) as pool:
        threaded_state, threaded = pool.submit(
            play_batch, hefei, 120, 8, None, BOTS["herd-chaser"], None, None, 32, 2).result()
    for k in forked:
        assert np.array_equal(forked[k], threaded[k]), k
    assert state_hash(forked_state) == state_hash(threaded_state)


def test_a_failing_worker_process_raises(tutorial):
    def broken(world, state):
        if state.turn == 2:
            raise ValueError("bot broke")

    try:
        play_batch(tutorial, 70, bot=broken, chunk=32, threads=2)
    except (RuntimeError, ValueError) as e:
        assert "bot broke" in str(e)
    else:
        raise AssertionError("the bot's error was swallowed")
