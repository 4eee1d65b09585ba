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
