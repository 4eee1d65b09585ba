"""The guard against NaN and infinity: content that drives a number past what the game can
hold becomes a named content problem (which sector, firm or city, which turn) in the game,
in `simulate` and in the content problem log, never ``¥nan bn`` on a screen."""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path

import numpy as np
import pytest

from game.engine import finite
from game.engine.build import build_world
from game.engine.session import Session
from game.engine.state import new_state
from game.engine.tick import begin_turn, end_turn
from game.mods import runtime_log
from game.sim import simulate

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy's overflow, on purpose


@pytest.fixture
def overflowing(content):
    """The tutorial with its first sector's demand at the largest float (no loader would
    accept it: built around the loader, as a guard for whatever gets through)."""
    sc = content.scenario("tutorial")
    sectors = dict(content.sectors)
    sid = sc.sectors[0]
    sectors[sid] = sectors[sid].model_copy(update={"demand_bn": 1.7e308, "demand_growth": 1.0})
    return build_world(sc, sectors, content.firms), sid


@pytest.fixture
def log_file(tmp_path):
    path = runtime_log.install(tmp_path / "logs" / "content-problems.log")
    yield path
    runtime_log.install(Path(os.environ["ARCHITECT_LOG"]))


def test_all_finite_is_cheap_and_right(tutorial):
    state = new_state(tutorial, 3)
    begin_turn(tutorial, state)
    end_turn(tutorial, state)
    assert finite.all_finite(state) and finite.locate(tutorial, state) == []
    for name, k in (("price", 1), ("cash", 2), ("gdp", 0)):
        broken = state.copy()
        getattr(broken, name)[1, k] = np.nan
        assert not finite.all_finite(broken), name
    broken = state.copy()
    broken.demand[2, 1] = np.inf
    [p] = finite.locate(tutorial, broken)
    assert (p.array, p.kind, p.item, p.worlds, math.isinf(p.value)) == ("demand", "sector",
                                                                         tutorial.sectors[1].id, 1, True)
    broken = state.copy()
    broken.valuation[0, 2] = np.nan
    [p] = finite.locate(tutorial, broken)
    assert (p.kind, p.item) == ("firm", tutorial.firm_ids[2])


def test_a_game_stops_at_the_last_good_quarter_and_names_the_content(overflowing, log_file):
    world, sid = overflowing
    session = Session.start(world)
    good = session.headline()
    news = session.end_turn()
    assert session.over and session.turn == 0  # the quarter that overflowed is not kept
    assert session.headline() == good and all(math.isfinite(v) for v in session.headline().values())
    [problem] = session.content_problems
    assert problem == f"sector '{sid}': demand became inf on turn 1 (2008 Q2) in 1 world"
    [item] = news
    assert item.severity == "bad" and f"sector '{sid}': demand became inf" in item.text
    assert f"Logged to {log_file}" in item.text
    logged = log_file.read_text(encoding="utf-8")
    assert f"sector '{sid}': demand became inf on turn 1" in logged and "a value may be too large" in logged
    assert session.end_turn() == []  # over: nothing more happens


def test_simulate_reports_the_content_problem(overflowing, log_file):
    world, sid = overflowing
    summary = simulate(world, 4, turns=2)
    assert summary["content_problems"]
    assert summary["content_problems"][0].startswith(f"sector '{sid}': demand became inf")
    assert str(log_file) in summary["content_problems"][0]


def test_a_normal_batch_has_no_content_problem(hefei):
    assert simulate(hefei, 3, turns=4)["content_problems"] == []


def test_nothing_reaches_the_terminal_without_a_log():
    """Without the file handler, the engine's logger stays quiet (the TUI owns the screen)."""
    logger = logging.getLogger("architect.content")
    assert not logger.propagate and any(isinstance(h, logging.NullHandler) for h in logger.handlers)
