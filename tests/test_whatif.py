"""What if: one decision changed, the same seed replayed, both games side by side."""

from __future__ import annotations

import random

import pytest

from game.classroom import results as R
from game.classroom.sample import play_student
from game.classroom.whatif import (
    Change,
    WhatIfError,
    changed_log,
    result_decisions,
    what_if_result,
    what_if_session,
)
from game.cli import main
from game.engine import actions as A
from game.engine.session import Session
from tests.conftest import make_world


@pytest.fixture(scope="module")
def game(content):
    return play_student(make_world(content, "classroom"), 13, "industrial", random.Random(5))


@pytest.fixture(scope="module")
def result(game, content, tmp_path_factory):
    path = tmp_path_factory.mktemp("wi") / "ann.result.json"
    return R.read_result(R.export_result(game, path, player="Ann", content=content))


def test_the_same_decision_reproduces_the_game_exactly(result, content):
    first = result_decisions(result, content)[0]
    wi = what_if_result(result, content, Change(first.turn, first.index, first.data))
    assert wi.identical
    assert wi.alternative_hash == result.payload.final_hash
    assert wi.original == wi.alternative
    assert [r.model_dump() for r in result.payload.history] == wi.original
    assert wi.first_divergence is None and not wi.skipped
    assert "unchanged" in wi.summary()


def test_declining_the_memory_fab_changes_the_game_and_skips_what_depended_on_it(result, content):
    moves = result_decisions(result, content)
    fab = next(m for m in moves if m.kind == "choose_event" and m.data["event"] == "classroom-memory-fab")
    assert m_option(fab) == 0  # the industrial student heard the offer
    wi = what_if_result(result, content, Change(fab.turn, fab.index, {**fab.data, "option": 1}))
    assert not wi.identical
    invested = [m for m in moves if m.kind == "invest_equity" and m.firm == "Changxin Memory"]
    assert invested and {(m.turn, m.index) for m in invested} <= {(m.turn, m.index) for m in wi.skipped}
    assert wi.first_divergence is not None and wi.first_divergence > fab.turn
    rows = wi.rows()
    assert len(rows) == len(wi.original) and rows[-1]["portfolio"] != rows[-1]["portfolio_what_if"]
    assert rows[0]["gdp"] == rows[0]["gdp_what_if"]  # the start is shared
    text = wi.summary()
    assert "Memory chips are not for us" in text and "instead of" in text and "skipped" in text
    assert f"Invest ¥{invested[0].amount_bn:.1f} bn in Changxin Memory" in text  # named as it was


def m_option(move) -> int:
    return int(move.data["option"])


def test_removing_and_inserting_decisions(content):
    world = make_world(content, "classroom")
    s = Session.start(world, seed=2)
    s.act(A.SellLand(hectares=200))
    s.end_turn()
    s.end_turn()
    gone = what_if_session(s, Change(0, 0))
    assert gone.alternative[-1]["land_bank"] == pytest.approx(gone.original[-1]["land_bank"] + 200)
    assert "had not chosen to sell 200 ha" in gone.summary()
    more = what_if_session(s, Change(1, 0, {"kind": "sell_land", "hectares": 50.0}, insert=True))
    assert more.alternative[-1]["land_bank"] == pytest.approx(more.original[-1]["land_bank"] - 50)


def test_impossible_changes_are_refused_with_reasons(result):
    log = result.payload.log
    with pytest.raises(WhatIfError, match="no turn"):
        changed_log(log, Change(len(log), 0))
    with pytest.raises(WhatIfError, match="decisions"):
        changed_log(log, Change(0, 99))
    with pytest.raises(WhatIfError, match="not a valid action"):
        changed_log(log, Change(0, 0, {"kind": "print_money"}))
    assert changed_log(log, Change(0, 0)) != log and log == result.payload.log  # the original is untouched


def test_what_if_on_the_command_line(result, capsys):
    path = str(result.path)
    assert main(["classroom", "decisions", path]) == 0
    listing = capsys.readouterr().out
    assert "turn   0 #0" in listing
    assert main(["classroom", "what-if", path, "--turn", "0", "--index", "0", "--remove"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("What if Hefei had not chosen to") and "By the end of 2020 Q4" in out
    assert main(["classroom", "what-if", path, "--turn", "0", "--index", "0", "--action", "{oops"]) == 2
