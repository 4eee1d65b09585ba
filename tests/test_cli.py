"""The `architect` command: scenarios, simulate --json, mods and exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import main
from game.sim import BOTS

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


def test_unknown_scenario_exits_1_with_a_clear_message(capsys):
    code, out, err = run(capsys, "simulate", "--scenario", "atlantis-2030", "--worlds", "5", "--json")
    assert code == 1
    assert out == ""
    assert "atlantis-2030" in err
    assert "hefei-2008" in err  # it says which scenarios exist
    assert "Traceback" not in err


@pytest.mark.parametrize("worlds", ["0", "-3", "1000001"])
def test_out_of_range_worlds_exit_2(capsys, worlds):
    code, out, err = run(capsys, "simulate", "--scenario", "tutorial", "--worlds", worlds)
    assert code == 2
    assert "--worlds" in err and out == ""


def test_non_numeric_worlds_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["simulate", "--scenario", "tutorial", "--worlds", "many"])
    assert info.value.code == 2
    assert "--worlds" in capsys.readouterr().err


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
    assert done.returncode == 1
    assert "nowhere" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("bot", sorted(BOTS))
def test_every_bot_can_be_simulated(capsys, bot):
    data = simulate_json(capsys, "--scenario", "tutorial", "--worlds", "20", "--bot", bot)
    assert data["bot"] == bot and data["worlds"] == 20
    assert data["metrics"]["score"]["p10"] <= data["metrics"]["score"]["p90"]
