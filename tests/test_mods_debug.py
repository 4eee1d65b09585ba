"""Debugging tools: `mods test` forcing events and choosing options, `mods trace` saying why
an event did not fire, the memory check before a batch, and `mods new` with a path."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from game import mods
from game.bots import BOTS
from game.content.loader import load_content
from game.engine.build import build_world
from game.engine.state import new_state, state_hash
from game.engine.tick import begin_turn, end_turn
from game.mods import memory
from game.mods.trace import trace
from tests.helpers import run_cli, write_files

SCENARIO = "scenarios/lakeside-batteries.toml"
OFFER = '''id = "offer"
title = "An offer"
text = "Take it or leave it."

[[options]]
label = "Leave it"
effects = [ { op = "set_flag", flag = "left" } ]

[[options]]
label = "Take it"
effects = [ { op = "set_flag", flag = "taken" } ]
'''
TAKEN = '''id = "taken"
title = "It was taken"
text = "And so it goes on."
chance = 1.0
once = true
trigger = { flag = "taken" }
'''
STRIKE = '''id = "port-strike"
title = "Dockers strike at {my_city}'s port"
text = "The port has stopped."
chance = 0.3
cooldown = 4

[scope]
kind = "firm"
sectors = ["batteries"]
stages = ["operating", "listed"]

[trigger]
all = [
    { metric = "firm.revenue_bn", op = ">", value = 0.2 },
    { metric = "game.year", op = ">=", value = 2017 },
]
'''


def starter(tmp_path: Path, events: dict[str, str], expectations: str = "") -> Path:
    folder = tmp_path / "p"
    mods.new_pack(folder, "p")
    write_files(folder, {f"events/{k}.toml": v for k, v in events.items()})
    path = folder / SCENARIO
    text = path.read_text(encoding="utf-8")
    listed = ", ".join(f'"{k}"' for k in events)
    text = text.replace('events = ["lakeside-battery-fair", "price-war", "talent-poaching"]',
                        f'events = ["lakeside-battery-fair", "price-war", "talent-poaching", {listed}]')
    head, _, _ = text.partition("# Balance checks")
    tail = text[text.index("[[cities]]"):]
    path.write_text(head + expectations + "\n" + tail, encoding="utf-8")
    return folder


def test_mods_test_forces_an_event_and_chooses_its_option(tmp_path, capsys):
    folder = starter(tmp_path, {"offer": OFFER, "taken": TAKEN}, '''
[[expectations]]
label = "taking the offer leads on"
worlds = 4
force = [ { event = "offer", turn = 2 } ]
choose = { offer = 1 }
event = "taken"
at_least = 4

[[expectations]]
label = "left to its default, it does not"
worlds = 4
force = [ { event = "offer", turn = 2 } ]
event = "taken"
at_most = 0

[[expectations]]
label = "never forced, never offered"
worlds = 4
event = "offer"
at_most = 0
''')
    code, out, err = run_cli(capsys, "mods", "test", str(folder))
    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[0] == ("held     lakeside-batteries #1 taking the offer leads on: taken fired in 4 of 4 worlds, "
                        "bot pass, 12 turns, choosing offer #1, forcing offer on turn 2 (needs at least 4)")
    assert lines[1].startswith("held     lakeside-batteries #2 left to its default, it does not: taken fired in 0")
    assert lines[2].startswith("held     lakeside-batteries #3 never forced, never offered: offer fired in 0")


def test_steering_names_events_in_play(tmp_path, capsys):
    folder = starter(tmp_path, {"offer": OFFER}, '''
[[expectations]]
worlds = 2
force = [ { event = "ofer", turn = 20 } ]
choose = { offer = 3 }
event = "offer"
at_least = 1
''')
    code, out, _ = run_cli(capsys, "mods", "validate", str(folder))
    assert code == 1
    text = out.replace(str(folder), "p")
    assert "expectations.0.force.0.event: unknown event 'ofer'; did you mean 'offer'?" in text
    assert "expectations.0.force.0.turn: turn 20 is not played: the expectation plays turns 0 to 11" in text
    assert "expectations.0.choose.offer: 'offer' has 2 options (numbered from 0); got 3" in text


def test_trace_says_why_a_named_event_did_not_fire(tmp_path, capsys):
    folder = starter(tmp_path, {"port-strike": STRIKE})
    code, out, err = run_cli(capsys, "mods", "trace", str(folder), "--scenario", "lakeside-batteries",
                             "--event", "port-strike", "--bot", "patient-industrialist")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "lakeside-batteries, seed 42, bot patient-industrialist, one world, 11 quarters of events"
    why = {m[1]: m[2] for ln in lines if (m := re.match(r"    port-strike: Lakeside: (\w+)(.*)", ln))}
    assert set(why) >= {"chance", "trigger", "scope", "cooldown"}
    assert "    port-strike: Lakeside: trigger: game.year >= 2017 (it is 2016.5) fails" in lines
    assert "    port-strike: Lakeside: scope: no firm of this city in batteries at operating, listed" in lines
    assert any(re.fullmatch(r"    port-strike: Lakeside: chance: the dice gave 0\.\d{3}; it needs below 0\.3", ln)
               for ln in lines)
    fired = [ln for ln in lines if ln.startswith("20") and "port-strike for Lakeside (Lakeside Cells)" in ln]
    assert len(fired) == 1
    after = lines[lines.index(fired[0]) + 2]  # the next quarter's reason
    assert re.fullmatch(r"    port-strike: Lakeside: cooldown: it fired in \d{4} Q\d \(turn (\d+)\); it may fire "
                        r"again from turn \d+", after)
    assert not any("Hillport" in ln for ln in lines if "port-strike:" in ln)  # evaluated for the player only


def test_trace_plays_the_same_game_as_the_game(tmp_path):
    folder = starter(tmp_path, {"port-strike": STRIKE})
    content = load_content([folder])
    world = build_world(content.scenario("lakeside-batteries"), content.sectors, content.firms)
    bot = BOTS["patient-industrialist"]
    traced = trace(world, bot, "patient-industrialist", seed=7, asked=["port-strike", "price-war"])
    state = new_state(world, 1, seed=7)
    begin_turn(world, state)
    for _ in range(world.turns):
        bot(world, state)
        end_turn(world, state)
        if state.over[0] or state.turn >= world.turns:
            break
        begin_turn(world, state)
    assert traced.hash == state_hash(state)
    assert int(state.ev_count[0].sum()) == sum(len(q.fired) for q in traced.quarters)


def test_trace_names_an_event_that_is_not_in_play(tmp_path, capsys):
    folder = starter(tmp_path, {"port-strike": STRIKE})
    code, out, _ = run_cli(capsys, "mods", "trace", str(folder), "--scenario", "lakeside-batteries",
                           "--event", "memory-supercycle", "--turns", "2")
    assert code == 0
    assert "  memory-supercycle: not in the scenario's events, so it never fires" in out.splitlines()
    code, _, err = run_cli(capsys, "mods", "trace", str(folder), "--scenario", "lakeside-batteries",
                           "--event", "land-reform", "--turns", "2")
    assert code == 2 and "no event 'land-reform' in the loaded packs; did you mean 'land-reform-praise'?" in err
    code, _, err = run_cli(capsys, "mods", "trace", str(folder), "--scenario", "lakeside-batteris")
    assert code == 2 and "no scenario 'lakeside-batteris'; the pack's: lakeside-batteries" in err


def test_a_batch_too_big_for_memory_is_refused_with_a_size_that_fits(tmp_path, capsys, monkeypatch, hefei):
    per = memory.world_bytes(hefei)
    assert per > 10_000
    monkeypatch.setattr(memory, "available_bytes", lambda: 200 * per)
    why = memory.refusal(hefei, 1000)
    m = re.fullmatch(r"this batch would need about [\d.]+ [KMG]B of memory for 1,000 worlds of 'hefei-2008' "
                     r"\([\d.]+ [KM]B a world\); this machine has [\d.]+ [KM]B free: try --worlds ([\d,]+)", why)
    assert m, why
    fits = int(m[1].replace(",", ""))
    assert 1 <= fits < 1000 and memory.refusal(hefei, fits) is None
    assert memory.refusal(hefei, 10) is None
    code, _, err = run_cli(capsys, "simulate", "--scenario", "hefei-2008", "--worlds", "1000")
    assert code == 2 and err.startswith("architect: this batch would need about") and "try --worlds" in err


def test_the_memory_estimate_is_not_below_what_a_batch_takes(hefei):
    """A batch's state alone, at the estimate's own measure, is within the estimate."""
    n = 50
    from game.sim import play_batch

    state, _ = play_batch(hefei, n, turns=2, threads=1)
    held = sum(a.nbytes for a in state.arrays().values())
    assert memory.batch_bytes(hefei, n) >= held


@pytest.mark.parametrize("arg,folder,name", [
    ("My Pack", "my-pack", "My Pack"),
    ("{tmp}/some/path/mypack", "{tmp}/some/path/mypack", "mypack"),
    ("./solar", "solar", "solar"),
])
def test_mods_new_takes_a_name_or_a_path(tmp_path, monkeypatch, capsys, arg, folder, name):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "mods", "new", arg.format(tmp=tmp_path))
    assert code == 0, err
    where = Path(folder.format(tmp=tmp_path))
    assert (where / "pack.toml").is_file()
    assert f'name = "{name}"' in (where / "pack.toml").read_text(encoding="utf-8")
    assert not any(p.name.startswith("tmp") or "-some-path-" in p.name for p in tmp_path.iterdir())
    assert run_cli(capsys, "mods", "validate", str(where))[0] == 0


def test_mods_new_help_says_what_name_is(capsys):
    code, out, _ = run_cli(capsys, "mods", "new", "--help")
    assert code == 0
    assert "or a folder path" in " ".join(out.split())


def test_mods_test_notes_the_packs_events_that_never_fired(tmp_path, capsys):
    never = 'id = "never"\ntitle = "Never"\ntext = "Not before 1990."\nchance = 1.0\n' \
            'trigger = { metric = "game.year", op = "<", value = 1990 }\n'
    folder = starter(tmp_path, {"never": never}, '''
[[expectations]]
worlds = 3
metric = "city.crisis"
op = "=="
value = 0
''')
    code, out, err = run_cli(capsys, "mods", "test", str(folder))
    assert code == 0, out + err
    note = (f"never never fired in the worlds of lakeside-batteries's expectations: `architect mods trace "
            f"{folder} --scenario lakeside-batteries --event never` says why")
    assert f"note: {note}" in err.splitlines()
    assert note in Path(os.environ["ARCHITECT_LOG"]).read_text(encoding="utf-8")
    named = re.findall(r"^note: (\S+) never fired", err, re.M)
    assert named and set(named) <= {"never", "lakeside-battery-fair"}  # the pack's own events only
