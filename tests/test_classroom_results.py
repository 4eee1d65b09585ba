"""Result files: exported from a game or a save, read back, and trusted only after a replay."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest

from game.classroom import results as R
from game.classroom.codes import encode
from game.classroom.sample import play_student
from game.cli import main
from game.engine import actions as A
from game.engine.session import Session
from game.saves import canonical, checksum, save_game
from tests.conftest import make_world


@pytest.fixture(scope="module")
def classroom(content):
    return make_world(content, "classroom")


@pytest.fixture(scope="module")
def played(classroom):
    return play_student(classroom, 11, "industrial", random.Random(3))


@pytest.fixture
def exported(played, content, tmp_path) -> Path:
    code = encode(content, "classroom", 11)
    return R.export_result(played, tmp_path / "ann.result.json", player="Ann Lee", code=code, content=content)


def rewrite(path: Path, change) -> None:
    """Edit a result's payload the way a cheat would: and recompute the checksum."""
    doc = json.loads(path.read_text())
    change(doc["payload"])
    doc["checksum"] = checksum(doc["payload"])
    path.write_text(json.dumps(doc))


def test_an_exported_result_verifies_and_matches_the_end_report(exported, played, content):
    result = R.read_result(exported)
    p = result.payload
    assert (p.player, p.scenario, p.seed, p.city, p.humans) == ("Ann Lee", "classroom", 11, "hefei", ["hefei"])
    assert p.session_code == encode(content, "classroom", 11)
    assert p.packs[0].version == content.packs[0].version
    end = played.end_report()
    assert p.outcome.score == pytest.approx(end["score"]) and p.outcome.grade == end["grade"]
    assert p.final_hash == played.hash() and p.over
    assert [r.turn for r in p.history] == list(range(played.turn + 1))
    assert p.history[-1].land_share == pytest.approx(end["land_share_end"])
    checked = R.replay_result(result, content)
    assert checked.status == R.VERIFIED, checked.message
    assert checked.outcome["score"] == p.outcome.score
    assert checked.moves and all(m.city == played.player for m in checked.moves)


def test_an_edited_score_is_caught_even_with_a_fresh_checksum(exported, content):
    rewrite(exported, lambda p: p["outcome"].update(score=99.0, grade="A"))
    checked = R.check_file(exported, content)
    assert checked.status == R.TAMPERED
    assert "numbers in the file were changed" in checked.message and "score" in checked.message


def test_an_edited_history_is_caught(exported, content):
    rewrite(exported, lambda p: p["history"][5].update(land_share=0.01))
    checked = R.check_file(exported, content)
    assert checked.status == R.TAMPERED and "land_share" in checked.message


def test_an_edited_move_is_caught(exported, content):
    def cheat(p):
        turn = next(t for t in p["log"] if any(a["kind"] == "sell_land" for a in t))
        sale = next(a for a in turn if a["kind"] == "sell_land")
        sale["hectares"] = sale["hectares"] / 2
    rewrite(exported, cheat)
    checked = R.check_file(exported, content)
    assert checked.status == R.TAMPERED
    assert "do not give the game it records" in checked.message


def test_a_changed_byte_breaks_the_checksum_and_names_the_player(exported, content):
    raw = exported.read_bytes()
    exported.write_bytes(raw.replace(b'"Ann Lee"', b'"Ann Lea"', 1))
    checked = R.check_file(exported, content)
    assert checked.status == R.TAMPERED and "checksum" in checked.message
    assert checked.player == "Ann Lea"


@pytest.mark.parametrize("damage", ["truncate", "empty", "not json", "array", "save"])
def test_bad_files_are_reported_not_raised(exported, content, tmp_path, damage, played):
    if damage == "truncate":
        exported.write_bytes(exported.read_bytes()[:500])
    elif damage == "empty":
        exported.write_bytes(b"")
    elif damage == "not json":
        exported.write_bytes(b"\xff\xfe garbage")
    elif damage == "array":
        exported.write_text("[1, 2, 3]")
    else:
        exported = save_game(played, "a save", tmp_path)
    checked = R.check_file(exported, content)
    assert checked.status == R.UNREADABLE
    assert checked.message
    if damage == "save":
        assert "saved game" in checked.message


def test_an_oversized_file_is_refused_before_reading(tmp_path, content):
    big = tmp_path / "big.result.json"
    with open(big, "wb") as fh:
        fh.truncate(R.MAX_RESULT_BYTES + 1)
    checked = R.check_file(big, content)
    assert checked.status == R.UNREADABLE and "at most" in checked.message


def test_a_result_from_another_engine_is_flagged_as_diverged(exported, content):
    rewrite(exported, lambda p: p["turn_hashes"].__setitem__(0, "0" * 64))
    checked = R.check_file(exported, content)
    assert checked.status == R.DIVERGED
    assert "another version" in checked.message


def test_a_result_for_a_missing_scenario_is_unverifiable(exported, content):
    import copy

    fewer = copy.copy(content)
    fewer.scenarios = {k: v for k, v in content.scenarios.items() if k != "classroom"}
    assert R.check_file(exported, fewer).status == R.UNVERIFIABLE


def test_a_code_for_another_world_is_refused_at_export(played, content, tmp_path):
    with pytest.raises(R.ResultError, match="another world"):
        R.export_result(played, tmp_path / "x.result.json", player="Ann",
                        code=encode(content, "classroom", 12), content=content)
    assert not (tmp_path / "x.result.json").exists()


def test_a_bad_player_name_is_refused(played, content, tmp_path):
    with pytest.raises(R.ResultError, match="player"):
        R.export_result(played, tmp_path / "x.result.json", player="", content=content)


def test_a_game_in_progress_exports_and_verifies(classroom, content, tmp_path):
    s = Session.start(classroom, seed=4)
    s.act(A.SellLand(hectares=80))
    s.end_turn()
    s.act(A.IssueBonds(amount_bn=3.0))  # an action of the turn in progress
    path = R.export_result(s, tmp_path / "mid.result.json", player="Bo", content=content)
    p = R.read_result(path).payload
    assert not p.over and p.turn == 1 and len(p.log) == 2
    assert R.check_file(path, content).status == R.VERIFIED


def test_hot_seat_gives_one_verified_result_per_person(classroom, content, tmp_path):
    wuhan = classroom.city_index["wuhan"]

    def play() -> Session:
        s = Session.start(classroom, seed=9, humans=[wuhan])
        for _ in range(3):
            # both players decide in the same turn; the quarter resolves for both together
            s.act(A.SellLand(hectares=120))
            s.act(A.IssueBonds(amount_bn=4.0, city=wuhan))
            s.act(A.SellLand(hectares=30, city=wuhan))
            s.end_turn()
        return s

    s, again = play(), play()
    assert s.hash() == again.hash()  # simultaneous turns resolve deterministically
    paths = R.export_results(s, tmp_path / "duel.result.json", players=["Ann", "Bo"], content=content)
    assert [p.name for p in paths] == ["duel-hefei.result.json", "duel-wuhan.result.json"]
    ann, bo = (R.check_file(p, content) for p in paths)
    assert ann.status == bo.status == R.VERIFIED, (ann.message, bo.message)
    assert bo.result.payload.city == "wuhan" and bo.result.payload.humans == ["hefei", "wuhan"]
    assert [m.kind for m in bo.moves] == ["issue_bonds", "sell_land"] * 3
    assert [m.kind for m in ann.moves] == ["sell_land"] * 3
    assert bo.history[-1]["debt"] > bo.history[0]["debt"] + 11.9
    assert bo.history[-1]["gdp"] != ann.history[-1]["gdp"]
    with pytest.raises(R.ResultError, match="2 players"):
        R.export_results(s, tmp_path, players=["Ann"], content=content)


def test_export_from_a_save_on_the_command_line(played, content, tmp_path, capsys):
    code = encode(content, "classroom", 11)
    saves = tmp_path / "saves"
    save_game(played, "my game", saves, meta={"player": "Chen", "session_code": code}, content=content)
    out = tmp_path / "chen.result.json"
    assert main(["export", "--session", code, "--saves", str(saves), "--out", str(out)]) == 0
    p = R.read_result(out).payload
    assert (p.player, p.session_code) == ("Chen", code)
    assert main(["replay", str(out)]) == 0
    assert "OK:" in capsys.readouterr().out
    rewrite(out, lambda p: p["outcome"].update(score=1.0))
    assert main(["replay", str(out)]) == 1
    assert "TAMPERED" in capsys.readouterr().out


def test_export_names_a_missing_session_save(content, tmp_path, capsys):
    code = encode(content, "classroom", 500)
    assert main(["export", "--session", code, "--saves", str(tmp_path), "--out", str(tmp_path / "x.result.json")]) == 1
    assert "no save of the session" in capsys.readouterr().err


def test_the_file_is_canonical_json_with_its_checksum(exported):
    doc = json.loads(exported.read_text())
    assert doc["format"] == R.FORMAT and doc["format_version"] == R.FORMAT_VERSION
    assert doc["checksum"] == "sha256:" + hashlib.sha256(canonical(doc["payload"])).hexdigest()


def test_a_game_that_fails_during_a_replay_is_not_called_cheating(exported, content, monkeypatch):
    def broken(self):
        raise ValueError("engine bug")

    monkeypatch.setattr(Session, "end_turn", broken)
    checked = R.check_file(exported, content)
    assert checked.status == R.UNVERIFIABLE
    assert "the game failed while replaying" in checked.message and "engine bug" in checked.message
