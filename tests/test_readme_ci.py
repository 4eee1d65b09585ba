"""The README's install and test commands are the ones CI runs, and its other commands run
as written."""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def sh_blocks(text: str) -> list[list[str]]:
    """The ```sh blocks of a Markdown text, as lists of their command lines."""
    blocks = re.findall(r"^```sh[ \t]*\n(.*?)^```", text, flags=re.S | re.M)
    return [[ln.strip() for ln in b.splitlines() if ln.strip() and not ln.strip().startswith("#")]
            for b in blocks]


def ci_commands() -> list[str]:
    return [ln.strip() for ln in CI.splitlines() if ln.strip() and not ln.strip().startswith("#")]


def test_the_first_two_sh_blocks_hold_one_command_each():
    blocks = sh_blocks(README)
    assert len(blocks) >= 2
    for block in blocks[:2]:
        assert len(block) == 1, block


def test_ci_installs_with_the_readme_pip_arguments():
    install = sh_blocks(README)[0][0]
    m = re.search(r"pip install (.+?)(?:\s*&&|$)", install)
    assert m, install
    readme_args = shlex.split(m.group(1))
    ci_installs = [shlex.split(c.split("pip install", 1)[1]) for c in ci_commands()
                   if "pip install" in c and "--upgrade pip" not in c]
    assert readme_args in ci_installs, (readme_args, ci_installs)


def test_ci_runs_the_readme_test_command():
    test_cmd = sh_blocks(README)[1][0]
    assert "python -m pytest" in test_cmd
    assert test_cmd in ci_commands()


def test_the_readme_install_line_creates_the_venv_ci_uses():
    install = sh_blocks(README)[0][0]
    venv = re.search(r"python3? -m venv (\S+)", install)
    assert venv, install
    assert any(c.startswith("python3 -m venv " + venv.group(1)) or c.startswith("python -m venv " + venv.group(1))
               for c in ci_commands())


def test_ci_works_in_a_fresh_clone_and_never_deletes_the_checkouts_venv():
    """Run by hand, .ci/run must leave the developer's .venv alone: it clones first and
    makes its venv in the clone."""
    lines = ci_commands()
    clone = next(i for i, c in enumerate(lines) if c.startswith("git clone"))
    into = next(i for i, c in enumerate(lines) if c.startswith("cd ") and "$work" in c)
    venv = next(i for i, c in enumerate(lines) if "-m venv .venv" in c)
    assert clone < into < venv
    assert not any(re.search(r"\brm\b.*\.venv", c) for c in lines)


# ----- the README's commands, run the way it says ----------------------------------------------
# After its install line, the README's commands run with the environment activated (its bin
# folder first on PATH), in a temporary folder that holds what they name of the checkout
# (.venv and bench/), with temporary save, mods and settings folders and the one save they
# assume ("my-game", a game of the README's session code). Then: each exits 0 without a
# traceback, and they wrote nothing but out/, which git ignores.
#
# Three kinds of line are run a little differently, their command unchanged:
# - a game (`architect`, `architect play ...`) runs with textual-serve's web driver on pipes,
#   until its first screen shows, then quits;
# - `architect serve` gets --dry-run (it would serve until stopped);
# - the long runs get options appended that narrow their work (argparse keeps the last):
NARROWER = {
    "bench/run.py": ["--worlds", "200", "--turns", "4", "--games", "1", "--repeats", "1", "--singles", "4"],
    "bench/tui.py": ["--starts", "1", "--turns", "1"],
    "balance": ["--scenario", "tutorial"],  # one scenario: the all-scenario check may not hold
    "simulate": ["--worlds", "200"],
    "demo": ["--students", "3"],
}
ANSI = re.compile(r"\x1b\[[0-9;?$]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b\][^\x07]*\x07")
GAME_DEADLINE_S = 120


@pytest.fixture(scope="module")
def readme_place(tmp_path_factory, content) -> dict:
    """The folder the README's commands run in, their environment, and the save they assume."""
    from game import saves
    from game.classroom.codes import decode
    from game.engine import actions
    from game.engine.session import Refused, Session
    from tests.conftest import make_world

    tmp = tmp_path_factory.mktemp("readme")
    cwd = tmp / "checkout"
    cwd.mkdir()
    (cwd / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    (cwd / "bench").symlink_to(ROOT / "bench", target_is_directory=True)
    for name in ("saves", "mods", "data"):
        (tmp / name).mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARCHITECT_", "TEXTUAL", "PYTHON"))}
    env.update(PATH=f"{Path(sys.prefix) / 'bin'}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=sys.prefix,
               ARCHITECT_SAVES=str(tmp / "saves"), ARCHITECT_MODS=str(tmp / "mods"),
               ARCHITECT_SETTINGS=str(tmp / "settings.toml"), XDG_DATA_HOME=str(tmp / "data"),
               COLUMNS="100", ROWS="30")
    code = re.search(r"--session (\S+)", README).group(1)
    scenario, seed = decode(code, content)
    game = Session.start(make_world(content, scenario), seed=seed)
    for _ in range(17):  # up to Turn 18 of 20, a land sale in most quarters
        with contextlib.suppress(Refused):
            game.act(actions.SellLand(hectares=30))
        game.end_turn()
    saves.save_game(game, "my-game", tmp / "saves", content=content)
    return {"cwd": cwd, "env": env, "code": code}


def _commands(line: str) -> list[list[str]]:
    words = shlex.split(line, comments=True)
    out, current = [], []
    for w in words:
        if w == "&&":
            out.append(current)
            current = []
        else:
            current.append(w)
    return [*out, current] if current else out


def _is_game(argv: list[str]) -> bool:
    from game.cli import _commands as subcommands
    from game.cli import build_parser

    names = subcommands(build_parser())
    return argv[0] == "architect" and ("play" in argv or not set(argv[1:]) & names)


def _play_until(argv: list[str], place: dict, words: list[str]) -> tuple[int, str]:
    """Run a game line over textual-serve's pipe protocol until ``words`` show; then quit."""
    env = dict(place["env"], TEXTUAL_DRIVER="textual.drivers.web_driver:WebDriver")
    proc = subprocess.Popen(argv, cwd=place["cwd"], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    buffer, text = b"", ""
    deadline = time.monotonic() + GAME_DEADLINE_S
    try:
        while not all(w in text for w in words):
            ready, _, _ = select.select([proc.stdout], [], [], max(deadline - time.monotonic(), 0))
            chunk = os.read(proc.stdout.fileno(), 65536) if ready else b""
            if not chunk:
                break  # the game ended, or the deadline passed
            buffer += chunk
            if buffer.startswith(b"__GANGLION__\n"):
                buffer = buffer[len(b"__GANGLION__\n"):]
            while len(buffer) >= 5 and len(buffer) >= 5 + int.from_bytes(buffer[1:5], "big"):
                size = int.from_bytes(buffer[1:5], "big")
                kind, payload, buffer = buffer[:1], buffer[5:5 + size], buffer[5 + size:]
                if kind == b"D":
                    text += ANSI.sub("", payload.decode("utf-8", "replace"))
        quit_ = json.dumps({"type": "quit"}).encode()
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.write(b"M" + len(quit_).to_bytes(4, "big") + quit_)
            proc.stdin.close()
        proc.wait(timeout=60)
        err = proc.stderr.read().decode("utf-8", "replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert all(w in text for w in words), (argv, words, text[-1500:], err[-1500:])
    return proc.returncode, err


@pytest.mark.skipif(sys.platform == "win32", reason="the README's commands are POSIX shell lines")
def test_the_readme_commands_run_as_written(readme_place):
    if os.environ.get("CI"):  # .ci/run: a fresh clone, its fresh .venv installed as the README says
        assert Path(sys.prefix).resolve() == (ROOT / ".venv").resolve()
    ran = 0
    for block in sh_blocks(README)[2:]:
        for line in block:
            for argv in _commands(line):
                ran += 1
                if _is_game(argv):
                    scenario = "--scenario" in argv or "--session" in argv
                    words = ["Turn 1/"] if scenario else ["Turn 18/20"] if "--load" in argv else ["New game"]
                    code, err = _play_until(argv, readme_place, words)
                    assert code == 0 and "Traceback" not in err, (argv, err)
                    continue
                extra = ["--dry-run"] if argv[:2] == ["architect", "serve"] else []
                for key, more in NARROWER.items():
                    if key in argv or any(a.endswith(key) for a in argv):
                        extra += more
                done = subprocess.run([*argv, *extra], cwd=readme_place["cwd"], env=readme_place["env"],
                                      stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                      timeout=600)
                assert "Traceback" not in done.stderr, (argv, done.stderr)
                if "balance" in argv and done.returncode == 1:
                    assert "balance checks do not hold" in done.stderr
                else:
                    assert done.returncode == 0, (argv, done.stdout[-1000:], done.stderr[-1000:])
                if "demo" in argv:  # the code the README gives for the demo's class
                    demo_code = re.search(r"demo .*\((CLASSROOM-[A-Z0-9-]+)\)", README).group(1)
                    assert f"results for {demo_code} written" in done.stdout, done.stdout
    assert ran >= 20
    left = {p.name for p in readme_place["cwd"].iterdir()}
    assert left == {".venv", "bench", "out"}, left  # nothing outside out/
    assert "out/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_the_readme_session_code_is_what_classroom_new_prints(readme_place):
    """The README's short code is the one `classroom new --seed 7` prints (as it says)."""
    assert "`CLASSROOM-25SPQ` (`--seed 7`)" in README
    new = subprocess.run(["architect", "classroom", "new", "--scenario", "classroom", "--seed", "7"],
                         cwd=readme_place["cwd"], env=readme_place["env"], capture_output=True,
                         text=True, timeout=120)
    assert new.stdout.splitlines()[0] == readme_place["code"] == "CLASSROOM-25SPQ"
