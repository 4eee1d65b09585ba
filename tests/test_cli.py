"""The `architect` command: scenarios, simulate --json, mods and exit codes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import main
from game.sim import BOTS
from tests.conftest import make_world

METRICS = ("gdp", "treasury", "debt", "land_share", "score")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def simulate_json(capsys, *argv: str) -> dict:
    code, out, err = run(capsys, "simulate", "--json", *argv)
    assert code == 0, err
    return json.loads(out)


def test_scenarios_lists_the_base_scenarios(capsys):
    code, out, err = run(capsys, "scenarios")
    assert code == 0
    ids = [line.split()[0] for line in out.splitlines() if line.strip()]
    assert "hefei-2008" in ids and "tutorial" in ids
    assert "Hefei 2008" in out and "56 turns" in out
    assert err == ""


def test_simulate_json_has_the_documented_shape(capsys):
    data = simulate_json(capsys, "--scenario", "hefei-2008", "--worlds", "1000")
    assert {"worlds", "turns", "seconds", "metrics"} <= set(data)
    assert data["worlds"] == 1000
    assert data["turns"] == 56
    assert data["seconds"] >= 0
    for name in METRICS:
        m = data["metrics"][name]
        assert set(m) >= {"mean", "p10", "p50", "p90"}, name
        assert all(isinstance(m[k], float) for k in ("mean", "p10", "p50", "p90"))
        assert m["p10"] <= m["p50"] <= m["p90"], name
    # 1000 worlds are not 1000 copies of one world
    assert data["metrics"]["gdp"]["p10"] < data["metrics"]["gdp"]["p90"]
    assert 0.0 <= data["metrics"]["land_share"]["p50"] <= 1.0
    assert 0.0 <= data["metrics"]["score"]["p10"] and data["metrics"]["score"]["p90"] <= 100.0


def test_simulate_turns_stops_early(capsys):
    data = simulate_json(capsys, "--scenario", "hefei-2008", "--worlds", "50", "--turns", "8")
    assert data["turns"] == 8
    longer = simulate_json(capsys, "--scenario", "hefei-2008", "--worlds", "50", "--turns", "9")
    assert longer["metrics"]["gdp"] != data["metrics"]["gdp"]


def test_simulate_turns_beyond_the_scenario_stop_at_its_end(capsys):
    data = simulate_json(capsys, "--scenario", "tutorial", "--worlds", "20", "--turns", "999")
    assert data["turns"] == 16


def test_simulate_is_reproducible_by_seed(capsys):
    args = ("--scenario", "tutorial", "--worlds", "40")
    a = simulate_json(capsys, *args, "--seed", "3")
    b = simulate_json(capsys, *args, "--seed", "3")
    c = simulate_json(capsys, *args, "--seed", "4")
    assert a["metrics"] == b["metrics"]
    assert a["metrics"] != c["metrics"]
    assert a["seed"] == 3


def test_simulate_table_output(capsys):
    code, out, _ = run(capsys, "simulate", "--scenario", "tutorial", "--worlds", "10")
    assert code == 0
    assert "tutorial" in out.splitlines()[0]
    assert any(line.startswith("gdp") for line in out.splitlines())


@pytest.mark.parametrize("argv", [
    ["simulate", "--worlds", "5", "--json"],
    ["balance", "--worlds", "10"],
    ["classroom", "new"],
    ["play"],
])
def test_an_unknown_scenario_is_a_usage_error_everywhere(capsys, tmp_path, fake_game, argv):
    if argv[0] == "balance":
        argv = [*argv, "--out", str(tmp_path / "b.md")]
    code, out, err = run(capsys, *argv, "--scenario", "atlantis-2030")
    assert code == 2 and out == "" and fake_game == []
    assert err.startswith("architect: unknown scenario 'atlantis-2030'; known: ")
    assert "hefei-2008" in err and err.count("\n") == 1  # it says which scenarios exist, in one line


@pytest.mark.parametrize("worlds", ["0", "-3", "1000001"])
def test_out_of_range_worlds_exit_2(capsys, worlds):
    code, out, err = run(capsys, "simulate", "--scenario", "tutorial", "--worlds", worlds)
    assert code == 2
    assert "--worlds" in err and out == ""


def test_non_numeric_worlds_exit_2_in_one_line(capsys):
    code, out, err = run(capsys, "simulate", "--scenario", "tutorial", "--worlds", "many")
    assert code == 2 and out == ""
    assert err == ("architect simulate: argument --worlds: expected a whole number from 1 to "
                   "1,000,000, not 'many' (see architect simulate --help)\n")


def test_bad_turns_and_bot_exit_2(capsys):
    assert run(capsys, "simulate", "--scenario", "tutorial", "--turns", "0")[0] == 2
    code, _, err = run(capsys, "simulate", "--scenario", "tutorial", "--bot", "oracle")
    assert code == 2 and "oracle" in err


def test_a_mod_scenario_is_listed(capsys, tmp_path):
    base = Path(__file__).resolve().parent.parent / "content" / "scenarios" / "tutorial.toml"
    mod = tmp_path / "mod"
    (mod / "scenarios").mkdir(parents=True)
    (mod / "pack.toml").write_text('id = "mod"\nname = "Mod"\nversion = "1.0"\n', encoding="utf-8")
    text = base.read_text(encoding="utf-8").replace('id = "tutorial"', 'id = "tutorial-two"', 1)
    (mod / "scenarios" / "two.toml").write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "--mods", str(mod), "scenarios")
    assert code == 0
    assert "tutorial-two" in out and "hefei-2008" in out
    code, out, _ = run(capsys, "scenarios", "--mods", str(mod))
    assert code == 0 and "tutorial-two" in out


def test_a_broken_mod_exits_1_naming_file_and_line(capsys, tmp_path):
    mod = tmp_path / "brokenmod"
    (mod / "sectors").mkdir(parents=True)
    (mod / "pack.toml").write_text('id = "broken"\nname = "Broken"\nversion = "1.0"\n', encoding="utf-8")
    (mod / "sectors" / "bad.toml").write_text('id = "bad"\nname = "Bad"\ndemand_bn = "lots"\n',
                                              encoding="utf-8")
    code, out, err = run(capsys, "--mods", str(mod), "scenarios")
    assert code == 1
    assert "brokenmod/sectors/bad.toml:3" in err and "demand_bn" in err
    assert "Traceback" not in err


def test_the_installed_script_runs(tmp_path):
    script = shutil.which("architect", path=str(Path(sys.executable).parent))
    assert script, "the architect script is not installed next to this Python"
    done = subprocess.run([script, "scenarios"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "hefei-2008" in done.stdout and "tutorial" in done.stdout
    done = subprocess.run([script, "simulate", "--scenario", "nowhere"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "nowhere" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("bot", sorted(BOTS))
def test_every_bot_can_be_simulated(capsys, bot):
    data = simulate_json(capsys, "--scenario", "tutorial", "--worlds", "20", "--bot", bot)
    assert data["bot"] == bot and data["worlds"] == 20
    assert data["metrics"]["score"]["p10"] <= data["metrics"]["score"]["p90"]


# ----- play: --saves on every path, exit codes, no terminal ----------------------------------


def test_saves_is_honoured_on_every_path_of_play(content, tmp_path, capsys, fake_game):
    from game import saves
    from game.classroom.codes import encode
    from game.engine.session import Session

    folder = tmp_path / "my saves"
    assert run(capsys, "play", "--saves", str(folder))[0] == 0
    assert run(capsys, "play", "--scenario", "tutorial", "--seed", "4", "--saves", str(folder))[0] == 0
    code = encode(content, "classroom", 9)
    assert run(capsys, "play", "--session", code, "--saves", str(folder))[0] == 0
    s = Session.start(make_world(content, "tutorial"))
    s.end_turn()
    saves.save_game(s, "mine", folder, content=content)
    assert run(capsys, "play", "--load", "mine", "--saves", str(folder))[0] == 0
    assert [call["saves_dir"] for call in fake_game] == [folder] * 4
    assert fake_game[1]["scenario"] == "tutorial" and fake_game[1]["seed"] == 4
    assert fake_game[2]["session_code"] == code and fake_game[3]["session"].hash() == s.hash()
    assert folder.is_dir()  # made before the game starts, so the first autosave has a home


def test_without_saves_the_game_keeps_its_default_folder(capsys, fake_game):
    assert run(capsys, "play")[0] == 0
    assert fake_game[0]["saves_dir"] is None


@pytest.mark.parametrize("saves, code, words", [
    ("FILE", 2, "that is a file, not a folder"),
    ("/proc/no-such-folder/saves", 1, "cannot write into that folder"),
])
def test_a_save_folder_that_cannot_be_used_is_refused_before_the_game(tmp_path, capsys, fake_game,
                                                                      saves, code, words):
    if saves == "FILE":
        saves = str(tmp_path / "a file")
        Path(saves).write_text("not a folder")
    got, out, err = run(capsys, "play", "--saves", saves)
    assert (got, out, fake_game) == (code, "", [])
    assert words in err and err.count("\n") == 1


def test_play_exits_with_the_game_screens_code(capsys, monkeypatch, fake_game):
    import game.cli

    monkeypatch.setattr(game.cli, "game_screen", lambda **options: 1)  # e.g. a pack that failed
    assert run(capsys, "play")[0] == 1
    assert run(capsys, "--mods", "somewhere")[0] == 1


@pytest.mark.parametrize("argv, words", [
    (["play", "--seed", "4"], "--seed needs --scenario"),
    (["play", "--seed", "-1", "--scenario", "tutorial"], "argument --seed: must be a whole number"),
    (["play", "--load", "x", "--scenario", "tutorial"], "--load and --scenario: give one of them"),
    (["play", "--session", "HEFEI-25JPM", "--seed", "3"], "--seed needs --scenario"),
])
def test_contradicting_or_bad_play_arguments_are_usage_errors(capsys, fake_game, argv, words):
    code, out, err = run(capsys, *argv)
    assert (code, out, fake_game) == (2, "", []) and words in err and err.count("\n") == 1


def test_play_without_a_terminal_says_so_and_exits_1(tmp_path):
    script = Path(sys.executable).parent / "architect"
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_DRIVER"}
    env["ARCHITECT_SAVES"] = str(tmp_path / "saves")
    for argv in (["play"], [], ["play", "--scenario", "tutorial"]):
        done = subprocess.run([str(script), *argv], cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 1, (argv, done.stderr)
        assert done.stderr.startswith("architect: the game needs a terminal, and its standard input is "
                                      "not one") and done.stderr.count("\n") == 1
        assert done.stdout == ""


# ----- replay: a FIFO, output folders ---------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize("name", ["pipe", "pipe.save.json", "pipe.result.json"])
def test_replay_refuses_a_fifo_instead_of_waiting_on_it(tmp_path, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    script = Path(sys.executable).parent / "architect"
    done = subprocess.run([str(script), "replay", str(fifo)], cwd=tmp_path, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)  # the old code never returned
    assert done.returncode == 1
    assert "not a regular file" in done.stdout + done.stderr and done.stderr.count("\n") == 1


@pytest.mark.parametrize("argv", [
    ["report", "RESULTS", "--out", "OUT"],
    ["classroom", "demo", "--students", "1", "--out", "OUT"],
])
def test_an_out_folder_that_is_a_file_is_a_usage_error(tmp_path, capsys, argv):
    results = tmp_path / "results"
    results.mkdir()
    existing = tmp_path / "existing.md"
    existing.write_text("mine")
    argv = [str(results) if a == "RESULTS" else str(existing) if a == "OUT" else a for a in argv]
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "") and "that is a file, not a folder" in err
    assert existing.read_text() == "mine" and err.count("\n") == 1


def test_balance_checks_its_out_file_before_the_study(tmp_path, capsys, monkeypatch):
    import game.balance

    monkeypatch.setattr(game.balance, "run_study", lambda *a, **k: pytest.fail("the study ran"))
    code, out, err = run(capsys, "balance", "--out", "/proc/no-such/balance.md")
    assert (code, out) == (1, "") and "cannot write into that folder" in err
    code, out, err = run(capsys, "balance", "--out", str(tmp_path))
    assert (code, out) == (2, "") and "that is a folder; give a file name" in err


# ----- help and the JSON's notes ---------------------------------------------------------------


def test_simulate_help_lists_every_bot_and_explains_its_options(capsys):
    code, out, _ = run(capsys, "simulate", "--help")
    assert code == 0
    text = " ".join(out.split())
    for bot in BOTS:
        assert f" {bot} " in text
    assert "steady-builder" in text  # the base pack's rule bot
    assert "--worlds WORLDS how many worlds" in text and "--scenario SCENARIO the scenario" in text
    assert "treasury each quarter the city spends" in text


def test_what_if_help_says_what_turn_counts_and_shows_every_kind_of_decision(capsys):
    from game.engine.actions import ACTION_KINDS

    code, out, _ = run(capsys, "classroom", "what-if", "--help")
    assert code == 0
    text = " ".join(out.split())
    assert "0 is the game's first quarter" in text
    for kind in ACTION_KINDS:
        assert f'{{"kind": "{kind}"' in text
    example = re.search(r"--action '(\{.*?\})'", text)
    assert example and json.loads(example.group(1)) == {"kind": "sell_land", "hectares": 100}


def test_pass_zeros_come_with_their_reasons(capsys):
    data = simulate_json(capsys, "--scenario", "tutorial", "--worlds", "20")
    zero = {name for name, m in data["metrics"].items()
            if name in ("treasury", "land_share", "portfolio") and m["p90"] == 0 and m["p10"] == 0}
    assert zero and set(data["notes"]) == zero
    code, out, _ = run(capsys, "simulate", "--scenario", "tutorial", "--worlds", "20")
    assert "land_share is 0 in every world: no land was sold" in out
    busy = simulate_json(capsys, "--scenario", "tutorial", "--worlds", "20", "--bot", "land-addict")
    assert "land_share" not in busy["notes"]


def test_a_reader_that_leaves_early_gets_no_complaint(tmp_path):
    """`architect scenarios | head -1`: when the reader has gone, no "Broken pipe" line."""
    script = Path(sys.executable).parent / "architect"
    read, write = os.pipe()
    os.close(read)  # the reader has left before the first line
    with os.fdopen(write, "wb") as out:
        done = subprocess.run([str(script), "scenarios"], cwd=tmp_path, stdout=out,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 141 and done.stderr == ""
