"""The class report: 30 generated results (and some bad files) checked, compared, debriefed."""

from __future__ import annotations

import csv
import io
import json
import random
import re

import pytest

from game.classroom import report as REP
from game.classroom import results as R
from game.classroom.codes import encode
from game.classroom.sample import make_class, play_student
from game.cli import main
from tests.conftest import make_world

STUDENTS = 30


@pytest.fixture(scope="module")
def klass(content, tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    code = encode(content, "classroom", 21)
    paths = make_class(content, "classroom", 21, STUDENTS, folder, code=code)
    # three bad hand-ins: an edited score, a cut-off file, and something else entirely
    doc = json.loads(paths[0].read_text())
    doc["payload"]["outcome"]["score"] = 100.0
    doc["checksum"] = R.checksum(doc["payload"])
    (folder / "cheat.result.json").write_text(json.dumps(doc))
    (folder / "cut.result.json").write_bytes(paths[1].read_bytes()[:300])
    (folder / "notes.result.json").write_text("my homework")
    return folder, code, paths


@pytest.fixture(scope="module")
def built(klass, content):
    folder, _, _ = klass
    return REP.build_report([folder], content)


def test_every_good_file_is_verified_and_every_bad_one_flagged(built):
    assert len(built.entries) == STUDENTS + 3
    assert sum(e.ok for e in built.entries) == STUDENTS
    flagged = {e.checked.path.name: e.checked.status for e in built.flagged}
    assert flagged == {"cheat.result.json": R.TAMPERED, "cut.result.json": R.UNREADABLE,
                       "notes.result.json": R.UNREADABLE}


def test_the_report_writes_three_files_with_the_class_in_them(built, klass, tmp_path):
    _, code, paths = klass
    files = REP.write_report(built, tmp_path / "out")
    assert {p.name for p in files.values()} == {"report.md", "report.html", "results.csv"}
    md = files["markdown"].read_text()
    html = files["html"].read_text()
    players = [R.read_result(p).payload.player for p in paths]
    for name in players:
        assert f"| {name} |" in md
        assert f"<td>{name}</td>" in html
    assert code in md and code in html
    assert "cheat.result.json" in md and "tampered" in md
    rows = list(csv.DictReader(io.StringIO(files["csv"].read_text())))
    assert len(rows) == STUDENTS + 3
    assert sum(r["status"] == "verified" for r in rows) == STUDENTS
    assert {r["player"] for r in rows if r["status"] == "verified"} == set(players)


def test_the_html_is_self_contained_with_five_charts(built):
    html = REP.report_html(built)
    assert html.count("<svg") == 5
    assert "<script" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "Scores by strategy" in html and "Land share of revenue, by student" in html


def test_numbers_come_from_the_replay_not_from_the_file(built, klass):
    _, _, paths = klass
    by_file = {r["file"]: r for r in built.rows()}
    for p in paths:
        claimed = R.read_result(p).payload.outcome
        assert by_file[p.name]["score"] == round(claimed.score, 2)
    s = built.sections[0].summary()
    scores = [R.read_result(p).payload.outcome.score for p in paths]
    assert s["students"] == STUDENTS
    assert s["score_max"] == pytest.approx(max(scores))  # the cheat's 100 is not in it
    assert s["score_median"] == pytest.approx(sorted(scores)[14] / 2 + sorted(scores)[15] / 2)


def test_strategies_are_told_apart(built):
    section = built.sections[0]
    found = {e.strategy for e in section.entries}
    assert {"passive", "land-heavy", "industrial"} <= found
    rows = section.strategies()
    assert sum(r["students"] for r in rows) == STUDENTS
    assert rows == sorted(rows, key=lambda r: -r["score_mean"])
    for e in section.entries:
        if e.strategy == "passive":
            assert e.invested_bn == 0
        if e.strategy == "land-heavy":
            assert e.counts["sell_land"] * 2 >= e.major_moves


def test_the_debrief_counts_the_class_decisions(built):
    section = built.sections[0]
    d = section.debrief()
    memory = next(r for r in d["events"] if r["event"] == "classroom-memory-fab")
    answered = sum(o["students"] for o in memory["options"])
    chose = sum(1 for e in section.entries for m in e.moves
                if m.kind == "choose_event" and m.data["event"] == "classroom-memory-fab")
    assert answered == chose > 0
    firms = {r["firm"]: r for r in d["firms"]}
    assert "Changxin Memory" in firms and "69%" in firms["Changxin Memory"]["history"]
    backers = sum(1 for e in section.entries
                  if any(m.firm == "Changxin Memory" and m.kind == "invest_equity" for m in e.moves))
    assert firms["Changxin Memory"]["backers"] == backers
    assert [r["lesson"] for r in d["lessons"]] == [k for k, _, _ in REP.LESSONS]
    assert all(r["question"].endswith("?") for r in d["lessons"])
    gdp = next(r for r in d["history_points"] if r["label"] == "Hefei GDP, 2020")
    assert gdp["real"] == pytest.approx(1004.6) and gdp["class_median"] > 0


def test_a_historical_scenario_is_tied_to_what_hefei_did(content, tmp_path):
    world = make_world(content, "hefei-2008")
    for i, style in enumerate(("industrial", "land-heavy", "passive")):
        s = play_student(world, 5, style, random.Random(i), turns=8)
        R.export_result(s, tmp_path / f"{style}.result.json", player=style, content=content)
    rep = REP.build_report([tmp_path], content)
    sec = rep.sections[0]
    moves = sec.debrief()["historical_moves"]
    boe = moves[0]
    assert boe["turn"] == 1 and "BOE" in boe["move"] and "9" in boe["note"]
    expected = sum(1 for e in sec.entries if any(
        m.kind == "invest_equity" and m.data.get("firm") == "boe-hefei-gen6" and m.turn <= 5 for m in e.moves))
    assert boe["same_within_a_year"] == expected
    assert expected >= 1  # the industrial student backs every prospect, BOE's line included
    md = REP.report_markdown(rep)
    assert "What the real city did" in md and "BOE" in md
    assert "Hefei pledged ¥9 bn" in md  # the firm's own history text


def test_a_spreadsheet_formula_in_a_name_is_defused(content, tmp_path):
    world = make_world(content, "tutorial")
    s = play_student(world, 1, "passive", random.Random(0), turns=2)
    R.export_result(s, tmp_path / "x.result.json", player="=HYPERLINK(1)", content=content)
    text = REP.report_csv(REP.build_report([tmp_path], content))
    assert "'=HYPERLINK(1)" in text


def test_report_on_the_command_line(klass, tmp_path, capsys):
    folder, _, _ = klass
    assert main(["report", str(folder), "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert f"{STUDENTS} of {STUDENTS + 3} results verified" in out
    assert (tmp_path / "r" / "report.html").is_file()
    assert main(["report", str(tmp_path / "nothing-here"), "--out", str(tmp_path / "r2")]) == 2


def test_rows_are_plain_data_for_a_screen(built):
    rows = built.rows()
    assert rows[0]["status"] == "verified"
    assert all(isinstance(v, str | int | float | bool) for r in rows for v in r.values())
    scores = [r["score"] for r in rows if r["status"] == "verified"]
    assert scores == sorted(scores, reverse=True)


def test_milestones_join_the_debrief(built):
    """The scenario's milestone prompts, dated and tied to their lesson, with teacher notes."""
    section = built.sections[0]
    scenario = section.world.scenario
    rows = section.debrief()["milestones"]
    assert [r["id"] for r in rows] == [m.id for m in scenario.milestones] and rows
    assert rows[0]["date"] == section.world.date_label(scenario.milestones[0].when.turn)
    assert all(r["prompt"] and r["teacher_notes"] for r in rows)
    assert rows[0]["lesson"].startswith("Strategic sectors")
    text = REP.report_markdown(built)
    assert f"{rows[0]['date']}: {rows[0]['prompt']}" in text and "*Teacher's note:*" in text
