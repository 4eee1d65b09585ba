"""Replays: a save's log re-run from its seed reaches its state, or the first bad turn is named.

Also the command line: `architect replay SAVE` and `architect play --load NAME`.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import pytest

from game import saves
from game.cli import main
from game.content.loader import load_content
from game.engine import actions as A
from game.engine.build import build_world
from game.engine.session import Session


@pytest.fixture(autouse=True)
def _saves_env(tmp_path, monkeypatch):
    monkeypatch.setenv(saves.ENV_FOLDER, str(tmp_path / "saves"))


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "saves"


def world_of(content, scenario_id):
    return build_world(content.scenario(scenario_id), content.sectors, content.firms)


def land_game(content, turns: int, hectares: float = 50.0, scenario: str = "tutorial") -> Session:
    s = Session.start(world_of(content, scenario))
    for _ in range(turns):
        s.act(A.SellLand(hectares=hectares))
        s.act(A.IssueBonds(amount_bn=0.5))
        s.end_turn()
    return s


def edit(path: Path, change) -> None:
    """Hand-edit a save and recompute its checksum, as a forger would."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc["payload"])
    doc["checksum"] = saves.checksum(doc["payload"])
    path.write_text(json.dumps(doc), encoding="utf-8")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ----- the API ------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", ["tutorial", "hefei-2008"])
def test_a_fresh_save_replays_ok(content, folder, scenario):
    s = land_game(content, 6, scenario=scenario)
    s.act(A.SellLand(hectares=10.0))  # mid-turn
    saves.save_game(s, "g", folder, content=content)
    result = saves.replay("g", content, folder)
    assert result.ok and result.first_divergent_turn is None
    assert result.expected_hash == result.actual_hash == s.hash()
    assert result.turns == 6 and result.warnings == []


def test_a_finished_game_replays_ok(content, folder):
    s = Session.start(world_of(content, "tutorial"))
    while not s.over:
        s.end_turn()
    saves.save_game(s, "done", folder, content=content)
    result = saves.replay("done", content, folder)
    assert result.ok and result.turns == s.turn


@pytest.mark.parametrize("turn", [0, 3, 5])
def test_a_changed_action_is_found_at_its_turn(content, folder, turn):
    s = land_game(content, 6)
    path = saves.save_game(s, "g", folder, content=content)
    edit(path, lambda p: p["log"][turn][0].update(hectares=60.0))
    # the snapshot is intact, so the save still loads; only the replay shows the forgery
    assert saves.load_game("g", folder, content).hash() == s.hash()
    result = saves.replay("g", content, folder)
    assert not result.ok
    assert result.first_divergent_turn == turn
    assert result.expected_hash == s.hash() and result.actual_hash != s.hash()
    assert f"turn {turn}" in result.message


def test_an_action_the_engine_refuses_is_reported(content, folder):
    s = land_game(content, 4)
    path = saves.save_game(s, "g", folder, content=content)
    edit(path, lambda p: p["log"][2].insert(0, {"kind": "sell_land", "hectares": 99_000.0}))
    result = saves.replay("g", content, folder)
    assert not result.ok and result.first_divergent_turn == 2
    assert "refused" in result.message and "land bank" in result.message


def test_a_forged_final_state_is_caught(content, folder):
    honest = land_game(content, 5)
    richer = land_game(content, 5, hectares=200.0)
    path = saves.save_game(honest, "g", folder, content=content)
    forged = saves.build_payload(richer, "g", "manual", content, (), None)
    edit(path, lambda p: p.update(state=forged["state"], turn_start=forged["turn_start"],
                                  final_hash=forged["final_hash"]))
    assert saves.load_game("g", folder, content).hash() == richer.hash()  # it looks fine...
    result = saves.replay("g", content, folder)  # ...until it is replayed
    assert not result.ok and result.first_divergent_turn == 5
    assert result.actual_hash == honest.hash()


def test_forged_turn_hashes_do_not_hide_a_forged_log(content, folder):
    honest = land_game(content, 5)
    richer = land_game(content, 5, hectares=200.0)
    path = saves.save_game(honest, "g", folder, content=content)
    forged = saves.build_payload(richer, "g", "manual", content, (), None)
    edit(path, lambda p: p.update({k: forged[k] for k in (
        "state", "turn_start", "final_hash", "turn_hashes")}))
    result = saves.replay("g", content, folder)
    assert not result.ok and result.first_divergent_turn == 0


def test_without_turn_hashes_the_final_state_still_decides(content, folder):
    s = land_game(content, 4)
    path = saves.save_game(s, "g", folder, content=content)
    edit(path, lambda p: (p["log"][1][0].update(hectares=70.0), p.update(turn_hashes=[])))
    result = saves.replay("g", content, folder)
    assert not result.ok and result.first_divergent_turn is None
    assert "no per-turn hashes" in result.message


def test_changed_rules_show_in_the_replay(content, folder):
    s = land_game(content, 3)
    saves.save_game(s, "g", folder, content=content)
    sc = content.scenarios["tutorial"]
    changed = dataclasses.replace(content, scenarios={
        **content.scenarios, "tutorial": sc.model_copy(update={"bond_rate": sc.bond_rate + 0.02})})
    result = saves.replay("g", changed, folder)
    assert not result.ok and result.first_divergent_turn == 0
    assert any("changed" in w for w in result.warnings)


def test_replaying_a_missing_scenario_is_a_save_error(content, folder):
    saves.save_game(land_game(content, 1), "g", folder, content=content)
    without = dataclasses.replace(content, scenarios={
        k: v for k, v in content.scenarios.items() if k != "tutorial"})
    with pytest.raises(saves.SaveError, match="tutorial"):
        saves.replay("g", without, folder)


# ----- architect replay -----------------------------------------------------------------------


def test_cli_replay_ok_and_diverging(content, folder, capsys):
    s = land_game(content, 4)
    path = saves.save_game(s, "class-7", folder, content=content)
    code, out, err = run(capsys, "replay", "class-7", "--saves", str(folder))
    assert code == 0, err
    assert out.startswith("OK: class-7") and s.hash()[:16] in out
    code, out, _ = run(capsys, "replay", str(path))  # a file path works too
    assert code == 0 and "OK" in out
    edit(path, lambda p: p["log"][2][0].update(hectares=55.0))
    code, out, _ = run(capsys, "replay", "class-7", "--saves", str(folder))
    assert code == 1
    assert out.startswith("DIVERGES at turn 2") and s.hash() in out


def test_cli_replay_uses_the_env_folder(content, capsys):
    saves.save_game(land_game(content, 1), "env", content=content)
    code, out, _ = run(capsys, "replay", "env")
    assert code == 0 and "OK" in out


@pytest.mark.parametrize("damage, expected", [
    (lambda p: p.write_text("{ half a save"), "cut short"),
    (lambda p: p.write_bytes(re.sub(rb'"turn":\s*4', b'"turn":5', p.read_bytes(), count=1)),
     "checksum"),
])
def test_cli_replay_of_a_bad_save_exits_1_naming_it(content, folder, capsys, damage, expected):
    path = saves.save_game(land_game(content, 4), "bad", folder, content=content)
    damage(path)
    code, out, err = run(capsys, "replay", "bad", "--saves", str(folder))
    assert code == 1 and out == ""
    assert "bad.save.json" in err and expected in err and "Traceback" not in err


def test_cli_replay_of_missing_and_escaping_names(folder, capsys):
    code, _, err = run(capsys, "replay", "nothing-here", "--saves", str(folder))
    assert code == 1 and "no such save" in err
    code, _, err = run(capsys, "replay", "..", "--saves", str(folder))
    assert code == 1 and "leave the save folder" in err


def test_cli_replay_loads_the_mods_the_save_recorded(content, tmp_path, folder, capsys):
    mod = tmp_path / "class-mod"
    shutil.copytree(Path(saves.game.__file__).resolve().parent.parent / "content", mod)
    (mod / "pack.toml").write_text('id = "class-mod"\nname = "A class mod"\nversion = "1.0"\n')
    with_mod = load_content([mod])
    s = Session.start(build_world(with_mod.scenario("tutorial"), with_mod.sectors, with_mod.firms))
    s.end_turn()
    saves.save_game(s, "modded", folder, content=with_mod, mods=[str(mod)])
    code, out, err = run(capsys, "replay", "modded", "--saves", str(folder))
    assert code == 0, err
    shutil.rmtree(mod)
    code, out, err = run(capsys, "replay", "modded", "--saves", str(folder))
    assert code == 1 and "'class-mod'" in err and "--mods" in err and str(mod) in err


# ----- architect play --load ----------------------------------------------------------------


def test_play_load_hands_the_session_to_the_game(content, folder, capsys, fake_game):
    s = land_game(content, 3)
    saves.save_game(s, "mine", folder, content=content)
    code, _, err = run(capsys, "play", "--load", "mine", "--saves", str(folder))
    assert code == 0, err
    assert len(fake_game) == 1 and fake_game[0]["session"].hash() == s.hash()
    assert fake_game[0]["session"].log == s.log
    assert fake_game[0]["saves_dir"] == folder  # the game goes on saving where it was loaded from


def test_play_load_of_a_bad_save_never_starts_the_game(content, folder, capsys, fake_game):
    path = saves.save_game(land_game(content, 3), "mine", folder, content=content)
    path.write_bytes(path.read_bytes()[:-40])
    code, _, err = run(capsys, "play", "--load", "mine", "--saves", str(folder))
    assert code == 1 and fake_game == []
    assert "mine.save.json" in err and "cut short" in err and "Traceback" not in err
