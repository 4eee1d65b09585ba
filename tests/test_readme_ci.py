"""The README's install and test commands are the ones CI runs."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

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
