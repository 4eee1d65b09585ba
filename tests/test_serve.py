"""`architect serve`: this computer only unless told otherwise, and it serves `architect play`."""

from __future__ import annotations

import asyncio
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
    server = make_server(lambda folder: play_command(saves=folder), saves_root=Path("saves"))
    assert (server.host, server.port) == ("127.0.0.1", 8000)
    opened = build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9001"])
    assert (opened.host, opened.port) == ("0.0.0.0", 9001)


def test_the_command_it_serves_is_architect_play():
    argv = shlex.split(play_command())
    assert argv[-1] == "play"
    assert Path(argv[0]).name == "architect" or argv[-3:-1] == ["-m", "game.cli"]
    assert shlex.split(play_command(session="HEFEI-25JPM", mods=["my pack"], saves="s/b 1"))[1:] == [
        "--mods", "my pack", "play", "--session", "HEFEI-25JPM", "--saves", "s/b 1"]


def test_dry_run_prints_what_it_would_serve(content, capsys, tmp_path):
    code = encode(content, "classroom", 3)
    assert main(["serve", "--session", code, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"play --session {code} --saves " in out and "http://127.0.0.1:8000" in out
    assert main(["serve", "--dry-run", "--saves", str(tmp_path), "--max-games", "7"]) == 0
    out = capsys.readouterr().out
    assert f"--saves {tmp_path / 'browsers' / 'browser-ID'}'" in out and "at most 7 games" in out
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


# ----- the guards: Origin and Host, the cap, a saves folder per browser ------------------------
# The server runs in-process (aiohttp's TestServer) and each connection starts a stand-in for
# `architect play` that speaks textual-serve's protocol: it sends the saves folder it was
# given as its screen, then waits for the quit message.

FAKE_GAME = """
import sys
folder = sys.argv[1].encode()
out = sys.stdout.buffer
out.write(b"__GANGLION__\\n" + b"D" + len(folder).to_bytes(4, "big") + folder)
out.flush()
seen = b""
while b"quit" not in seen:
    chunk = sys.stdin.buffer.read1(4096)
    if not chunk:
        break
    seen += chunk
"""


@pytest.fixture
async def guarded(tmp_path):
    """``start(max_games=..., host=...)``: a GameServer on a test port, its client factory."""
    from aiohttp.test_utils import TestClient, TestServer

    script = tmp_path / "fake_game.py"
    script.write_text(FAKE_GAME)
    made: list = []

    async def start(max_games: int = 5, host: str = "127.0.0.1"):
        server = make_server(lambda folder: shlex.join([sys.executable, str(script), str(folder)]),
                             host, 8000, saves_root=tmp_path / "browsers", max_games=max_games)
        test_server = TestServer(await server._make_app(), host="127.0.0.1")
        await test_server.start_server()
        made.extend([server, test_server])

        async def client() -> TestClient:
            c = TestClient(test_server)
            await c.start_server()
            made.append(c)
            return c
        return server, test_server, client

    yield start
    for _ in range(1200):  # the games' processes to be stopped (a game counts until then)
        if not any(getattr(thing, "games", None) for thing in made):
            break
        await asyncio.sleep(0.05)
    for thing in reversed(made):
        if hasattr(thing, "close"):
            await thing.close()


async def _game(client, origin: str | None = "own"):
    """Open the page (for the cookie), then a game's websocket; the websocket and its
    first screen (the stand-in's saves folder)."""
    page = await client.get("/")
    assert page.status == 200
    own = f"http://{client.server.host}:{client.server.port}"
    headers = {} if origin is None else {"Origin": own if origin == "own" else origin}
    ws = await client.ws_connect("/ws", headers=headers)
    msg = await ws.receive(timeout=60)
    return ws, msg.data.decode() if isinstance(msg.data, bytes) else msg.data


async def test_games_start_only_from_the_servers_own_page(guarded):
    import aiohttp

    server, _, client = await guarded()
    c = await client()
    for origin in ("http://evil.example", "http://127.0.0.1:1", "null", None):
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await _game(c, origin)
        assert refused.value.status == 403, origin
    assert server.games == set()
    ws, screen = await _game(c)  # its own page's origin: a game
    assert screen.startswith(str(server.saves_root))
    await ws.close()


async def test_a_host_name_it_does_not_answer_to_is_refused(guarded):
    _, test_server, client = await guarded(host="0.0.0.0")
    c = await client()
    # bound to every address: a DNS-rebinding name is refused, an address is served with
    # URLs for that very address (the page used to say ws://0.0.0.0:8000/ws)
    refused = await c.get("/", headers={"Host": f"evil.example:{test_server.port}"})
    assert refused.status == 421
    page = await c.get("/", headers={"Host": "192.168.1.5:8000"})
    assert page.status == 200
    assert 'data-session-websocket-url="ws://192.168.1.5:8000/ws"' in await page.text()
    _, _, client = await guarded(host="127.0.0.1")
    c = await client()
    assert (await c.get("/", headers={"Host": "192.168.1.5:8000"})).status == 421
    assert (await c.get("/", headers={"Host": f"localhost:{test_server.port}"})).status == 200


async def test_past_the_cap_a_browser_is_told_the_server_is_full(guarded):
    server, _, client = await guarded(max_games=2)
    first, second, third = await client(), await client(), await client()
    one, _ = await _game(first)
    two, _ = await _game(second)
    assert len(server.games) == 2
    page = await third.get("/")
    assert page.status == 503 and "already runs 2 games" in await page.text()
    ws = await third.ws_connect("/ws", headers={"Origin": f"http://{third.server.host}:{third.server.port}"})
    refusal = await ws.receive(timeout=60)
    assert "already runs 2 games" in refusal.data.decode() and len(server.games) == 2
    await ws.close()
    await one.close()
    for _ in range(600):  # the first game's process to be stopped and counted out
        if len(server.games) < 2:
            break
        await asyncio.sleep(0.05)
    assert len(server.games) == 1
    three, _ = await _game(third)  # now there is room
    assert len(server.games) == 2
    await two.close()
    await three.close()


async def test_each_browser_saves_into_a_folder_of_its_own(guarded):
    server, _, client = await guarded()
    ana, ben = await client(), await client()  # two browsers: two cookie jars
    ws, ana_folder = await _game(ana)
    await ws.close()
    ws, ben_folder = await _game(ben)
    await ws.close()
    ws, ana_again = await _game(ana)  # Ana reloads the page: her saves are where she left them
    await ws.close()
    assert ana_folder == ana_again != ben_folder
    for folder in (ana_folder, ben_folder):
        assert Path(folder).parent == server.saves_root and Path(folder).name.startswith("browser-")
    cookie = next(c.value for c in ana.session.cookie_jar if c.key == "architect-browser")
    assert cookie not in ana_folder  # the folder name does not give the cookie away
