"""Every subcommand, given one bad argument among good ones, fails in one line.

Hypothesis picks a command, which of its arguments to spoil and how (a negative or huge
number, a word for a number, a missing or unwritable path, an existing file where a folder
goes, an unknown id) and runs ``architect`` in-process. The answer must be exit code 2 (the
arguments) or 1 (a failure it explains) with exactly one line on stderr: never a traceback,
never exit 0, never the internal-error net's 70. The good arguments are cheap (a few
worlds, one scenario, --dry-run for serve), and the game screen is faked (``fake_game``),
so a bad argument that slipped through would show as exit 0 rather than start a game.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.cli import main

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="/proc is the unwritable place")

NOT_A_NUMBER = st.sampled_from(["many", "1.5", "", "0x10", "ten", "1e3"])
NEGATIVE = st.integers(max_value=-1).map(str)
HUGE = st.integers(min_value=2**63, max_value=10**40).map(str)
UNKNOWN_ID = st.from_regex(r"zz-[a-z0-9]{1,12}", fullmatch=True)
BAD_CODE = st.sampled_from(["X", "HEFEI-", "HEFEI-00000", "TUTORIAL-2222Z", "not a code", "-"])


def number(low: int, high: int | None):
    """Strings that are not whole numbers in [low, high]."""
    out = [NOT_A_NUMBER, st.integers(max_value=low - 1).map(str)]
    if high is not None:
        out.append(st.integers(min_value=high + 1, max_value=10**40).map(str))
    return st.one_of(*out)


SEED = st.one_of(NOT_A_NUMBER, NEGATIVE, HUGE)


@pytest.fixture(scope="module")
def places(tmp_path_factory, content) -> dict[str, str]:
    """Paths of each kind, good things to name (a save, a session code, a result, a pack)."""
    from game import saves
    from game.classroom.codes import encode
    from game.engine.session import Session
    from tests.conftest import make_world

    root = tmp_path_factory.mktemp("bad-args")
    (root / "saves").mkdir()
    (root / "a-folder").mkdir()
    (root / "a-file.txt").write_text("not a save, not a result, not a folder\n")
    (root / "empty.result.json").write_text("")
    (root / "pack").mkdir()
    (root / "pack" / "pack.toml").write_text('id = "mini"\nname = "Mini"\nversion = "1.0"\n')
    game = Session.start(make_world(content, "tutorial"), seed=5)
    for _ in range(3):
        game.end_turn()
    saves.save_game(game, "good", root / "saves", content=content)
    code, out, err = run_quietly(["classroom", "demo", "--scenario", "tutorial", "--students", "1",
                                  "--out", str(root / "class")])
    assert code == 0, err
    [result] = (root / "class").glob("*.result.json")
    return {"root": str(root), "saves": str(root / "saves"), "folder": str(root / "a-folder"),
            "file": str(root / "a-file.txt"), "missing": str(root / "missing" / "thing"),
            "unwritable": "/proc/no-such-folder/thing", "empty_result": str(root / "empty.result.json"),
            "result": str(result), "pack": str(root / "pack"), "code": encode(content, "tutorial", 5)}


def commands(p: dict[str, str]) -> dict[str, tuple[list[str], dict[int, st.SearchStrategy]]]:
    """Each command: good, cheap arguments, and bad values for some of them (by position)."""
    missing, unwritable, file, folder = p["missing"], p["unwritable"], p["file"], p["folder"]
    root = Path(p["root"])
    to_read = st.sampled_from([missing, folder, file, p["empty_result"]])
    out_dir = st.sampled_from([file, unwritable])
    out_md = st.sampled_from([folder, unwritable + ".md"])
    a_save = st.one_of(UNKNOWN_ID, to_read, st.just(p["result"]))  # a result is not a save
    return {
        "play --scenario": (["play", "--scenario", "tutorial", "--seed", "3", "--saves", p["saves"]],
                            {2: UNKNOWN_ID, 4: SEED, 6: st.sampled_from([file, unwritable])}),
        "play --load": (["play", "--load", "good", "--saves", p["saves"]], {2: a_save, 4: st.just(file)}),
        "play --session": (["play", "--session", p["code"], "--saves", p["saves"]],
                           {2: BAD_CODE, 4: st.just(unwritable)}),
        "replay": (["replay", "good", "--saves", p["saves"]],
                   {1: st.one_of(UNKNOWN_ID, to_read, st.just(p["result"] + ".nope")),
                    3: st.just(missing)}),
        "scenarios": (["scenarios", "--mods", p["pack"]], {2: st.one_of(to_read, UNKNOWN_ID)}),
        "simulate": (["simulate", "--scenario", "tutorial", "--worlds", "3", "--turns", "2",
                      "--seed", "1", "--bot", "pass"],
                     {2: UNKNOWN_ID, 4: number(1, 1_000_000), 6: number(1, None), 8: SEED,
                      10: UNKNOWN_ID}),
        "simulate --compare": (["simulate", "--scenario", "tutorial", "--worlds", "3", "--turns", "2",
                                "--compare", "pass,random"],
                               {8: st.one_of(UNKNOWN_ID, st.just(","), UNKNOWN_ID.map("pass,{}".format))}),
        "balance": (["balance", "--scenario", "tutorial", "--worlds", "10", "--seed", "1", "--out",
                     str(root / "balance.md")],
                    {2: UNKNOWN_ID, 4: number(10, 100_000), 6: SEED, 8: out_md}),
        "classroom new": (["classroom", "new", "--scenario", "tutorial", "--seed", "5"],
                          {3: UNKNOWN_ID, 5: SEED}),
        "classroom demo": (["classroom", "demo", "--scenario", "tutorial", "--seed", "5", "--students",
                            "1", "--out", str(root / "demo")],
                           {3: UNKNOWN_ID, 5: SEED, 7: number(1, 500), 9: out_dir}),
        "classroom decisions": (["classroom", "decisions", p["result"]], {2: to_read}),
        "classroom what-if": (["classroom", "what-if", p["result"], "--turn", "2", "--index", "0",
                               "--insert", '{"kind": "sell_land", "hectares": 50}'],
                              {2: to_read, 4: st.one_of(number(0, None), st.just("10000")),
                               5: st.just("--turn"), 6: st.one_of(number(0, None), st.just("10000")),
                               8: st.sampled_from(["{", "[]", "3", '{"kind": "zz"}',
                                                   '{"kind": "sell_land"}',
                                                   '{"kind": "sell_land", "hectares": -5}',
                                                   '{"kind": "pass", "hectares": 5}'])}),
        "export": (["export", "--session", p["code"], "--load", "good", "--out", str(root / "out"),
                    "--saves", p["saves"]],
                   {2: BAD_CODE, 4: a_save, 6: out_dir, 8: st.sampled_from([file, missing])}),
        "report": (["report", p["result"], "--out", str(root / "report")],
                   {1: st.just(missing), 3: out_dir}),
        "serve": (["serve", "--port", "8123", "--max-games", "3", "--saves", p["saves"], "--session",
                   p["code"], "--dry-run"],
                  {2: number(1, 65535), 4: number(1, 1000), 6: st.sampled_from([file, unwritable]),
                   8: BAD_CODE}),
        "mods validate": (["mods", "validate", p["pack"]], {2: to_read}),
        "mods test": (["mods", "test", p["pack"]], {2: to_read}),
        "mods schema": (["mods", "schema", "--out", str(root / "schema")], {3: out_dir}),
        "mods new": (["mods", "new", "My pack", "--dir", str(root / "packs")], {4: out_dir}),
        "mods list": (["mods", "list", "--mods", p["pack"]], {3: to_read}),
        "mods trace": (["mods", "trace", p["pack"], "--scenario", "tutorial", "--seed", "3",
                        "--event", "land-bidding-war", "--bot", "pass", "--turns", "2"],
                       {2: to_read, 4: UNKNOWN_ID, 6: SEED, 8: UNKNOWN_ID, 10: UNKNOWN_ID,
                        12: number(1, 10_000)}),
        "mods docs": (["mods", "docs", "--file", str(root / "modding.md"), "--write"],
                      {3: st.just(unwritable)}),
    }


@st.composite
def bad_command(draw, p: dict[str, str]) -> list[str]:
    """A command's good arguments with exactly one of them spoiled."""
    argv, spoilers = commands(p)[draw(st.sampled_from(sorted(commands(p))))]
    argv = list(argv)
    index = draw(st.sampled_from(sorted(spoilers)))
    argv[index] = draw(spoilers[index])
    return argv


def run_quietly(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_one_bad_argument_fails_in_one_line(places, fake_game, data):
    argv = data.draw(bad_command(places), label="argv")
    code, out, err = run_quietly(argv)
    assert code in (1, 2), (argv, code, out[-500:], err[-500:])
    assert "Traceback" not in err and "internal error" not in err, (argv, err)
    assert err.endswith("\n") and err.count("\n") == 1, (argv, err)
    assert fake_game == [], argv  # no game started on bad arguments


@pytest.mark.parametrize("name", sorted(commands(dict.fromkeys(
    ["root", "saves", "folder", "file", "missing", "unwritable", "empty_result", "result", "pack",
     "code"], "/x"))))
def test_the_good_arguments_are_good(places, fake_game, name):
    """Each command runs with its good arguments (so a spoiled one is the only fault)."""
    argv = commands(places)[name][0]
    code, out, err = run_quietly(argv)
    if name == "balance" and code == 1:  # ten worlds are too few for every check to hold
        assert "balance checks do not hold" in err and Path(argv[-1]).is_file()
    else:
        assert code == 0, (argv, err)
    assert fake_game == [] or name.startswith("play")


def test_every_subcommand_is_covered(places):
    """A new subcommand must join the list above (so it gets bad arguments too)."""
    import argparse

    from game.cli import build_parser

    def names(parser: argparse.ArgumentParser, prefix: str = "") -> set[str]:
        found = set()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    deeper = names(sub, f"{prefix}{name} ")
                    found |= deeper or {f"{prefix}{name}"}
        return found

    covered = {" ".join(argv[:2]) if argv[0] in ("classroom", "mods") else argv[0]
               for argv, _ in commands(places).values()}
    assert names(build_parser()) == covered
