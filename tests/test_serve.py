"""`architect serve`: this computer only unless told otherwise, and it serves `architect play`."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from game.classroom.codes import encode
from game.cli import build_parser, main
from game.serve import DEFAULT_HOST, DEFAULT_PORT, make_server, play_command


def test_serve_binds_this_computer_only_by_default():
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8000) == (DEFAULT_HOST, DEFAULT_PORT)
    server = make_server(play_command())
    assert (server.host, server.port) == ("127.0.0.1", 8000)
    opened = build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9001"])
    assert (opened.host, opened.port) == ("0.0.0.0", 9001)


def test_the_command_it_serves_is_architect_play():
    argv = shlex.split(play_command())
    assert argv[-1] == "play"
    assert Path(argv[0]).name == "architect" or argv[-3:-1] == ["-m", "game.cli"]
    assert shlex.split(play_command(session="HEFEI-25JPM", mods=["my pack"]))[1:] == [
        "--mods", "my pack", "play", "--session", "HEFEI-25JPM"]


def test_dry_run_prints_what_it_would_serve(content, capsys):
    code = encode(content, "classroom", 3)
    assert main(["serve", "--session", code, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"play --session {code}'" in out and "http://127.0.0.1:8000" in out
    assert main(["serve", "--session", "CLASSROOM-22222", "--dry-run"]) == 1
    assert "typo" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on ``port`` (Linux /proc), as hex."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, hexport = local.split(":")
            if state == "0A" and int(hexport, 16) == port:  # 0A: LISTEN
                found.add(addr)
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/net/tcp")
def test_a_live_server_answers_on_loopback_only():
    port = _free_port()
    architect = Path(sys.executable).parent / "architect"
    argv = [str(architect)] if architect.is_file() else [sys.executable, "-m", "game.cli"]
    proc = subprocess.Popen([*argv, "serve", "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        page = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as resp:
                    page = resp.read().decode("utf-8", "replace")
                break
            except OSError:
                time.sleep(0.1)  # polling for the server to come up, not timing anything
        assert page is not None, "the server did not answer within 30 s"
        assert "Industrial Architect" in page
        assert _listening_addresses(port) == {"0100007F"}  # 127.0.0.1, and nothing else
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def test_play_session_starts_exactly_that_world(content, fake_game):
    code = encode(content, "hefei-2008", 77)
    assert main(["play", "--session", code]) == 0
    [seen] = fake_game
    assert (seen["scenario"], seen["seed"], seen["session_code"]) == ("hefei-2008", 77, code)
    assert main(["play", "--session", code[:-1] + ("2" if code[-1] != "2" else "3")]) == 1
    assert len(fake_game) == 1  # a typo never starts a game


def test_classroom_new_prints_a_code_for_the_world(content, capsys):
    from game.classroom.codes import decode

    assert main(["classroom", "new", "--scenario", "land-cliff", "--seed", "12"]) == 0
    out = capsys.readouterr().out
    code = out.splitlines()[0]
    assert decode(code, content) == ("land-cliff", 12)
    assert f"architect play --session {code}" in out
    assert main(["classroom", "new", "--scenario", "atlantis"]) == 2
