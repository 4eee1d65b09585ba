"""End to end in a browser: `architect serve`, headless Chromium, the title screen, a game.

The page textual-serve sends draws the terminal with xterm.js on a canvas, so the text is
not in the DOM. The test reads xterm's own screen buffer instead: it serves the page's
script with one change, ``this.terminal=new X.Terminal(`` becoming
``this.terminal=window.__xterm=new X.Terminal(``, and then reads each row of
``window.__xterm.buffer.active`` as text. Keys go in as real key presses on the page.

Needs Debian's ``chromium`` (``apt-get install chromium chromium-driver``) and the
``playwright`` package, driven with that Chromium (no browser download). Without
Chromium the test is skipped, except under CI (the ``CI`` variable set), where it fails.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVER_DEADLINE_S = 60
SCREEN_DEADLINE_MS = 60_000

# textual-serve's bundle makes its xterm Terminal here; the hook keeps a handle on it
TERMINAL_MADE = re.compile(r"this\.terminal=new (\w+)\.Terminal\(")
HOOK = r"this.terminal=window.__xterm=new \1.Terminal("
SCREEN_JS = """() => {
    const term = window.__xterm;
    if (!term) return "";
    const buf = term.buffer.active, rows = [];
    for (let i = 0; i < term.rows; i++) {
        const line = buf.getLine(buf.viewportY + i);
        rows.push(line ? line.translateToString(true) : "");
    }
    return rows.join("\\n");
}"""


def _need_chromium() -> None:
    if CHROMIUM.is_file():
        return
    why = f"{CHROMIUM} is missing (apt-get install chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser test, but {why}; .ci/run installs it")
    pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """`architect serve` on a free port, with private saves, settings and mods; its URL."""
    port = _free_port()
    architect = Path(sys.executable).parent / "architect"
    argv = [str(architect)] if architect.is_file() else [sys.executable, "-m", "game.cli"]
    (tmp_path / "mods").mkdir()
    env = dict(os.environ, ARCHITECT_SAVES=str(tmp_path / "saves"),
               ARCHITECT_SETTINGS=str(tmp_path / "settings.toml"), ARCHITECT_MODS=str(tmp_path / "mods"))
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen([*argv, "serve", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT,
                            env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + SERVER_DEADLINE_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"architect serve exited with {proc.returncode}: "
                            + (tmp_path / "serve.log").read_text(errors="replace")[-2000:])
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"architect serve did not answer within {SERVER_DEADLINE_S} s")
                time.sleep(0.1)  # the poll's interval, not a wait for anything in particular
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and the app processes it started
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


def _hook_terminal(route) -> None:
    """Serve textual-serve's script with a handle on its terminal (see the module doc)."""
    response = route.fetch()
    script, n = TERMINAL_MADE.subn(HOOK, response.text())
    if n != 1:
        route.abort()
        raise AssertionError("textual-serve's textual.js no longer makes its terminal as "
                             "`this.terminal=new X.Terminal(`: update TERMINAL_MADE")
    route.fulfill(response=response, body=script)


@pytest.mark.skipif(sys.platform != "linux", reason="Debian's chromium at /usr/bin/chromium")
def test_the_title_screen_renders_and_enter_starts_a_game(server: str, tmp_path: Path) -> None:
    _need_chromium()
    try:
        from playwright import sync_api
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("playwright is missing: pip install -e '.[dev]' brings it")

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            hooked = []
            page.route("**/static/js/textual.js", lambda route: (hooked.append(1), _hook_terminal(route)))
            page.goto(server)

            def screen() -> str:
                return page.evaluate(SCREEN_JS)

            def wait_for(*words: str) -> str:
                """Poll xterm's screen until every word shows (or fail, showing the screen)."""
                try:
                    page.wait_for_function(f"words => ({SCREEN_JS})().length && "
                                           f"words.every(w => ({SCREEN_JS})().includes(w))",
                                           arg=list(words), timeout=SCREEN_DEADLINE_MS, polling=100)
                except sync_api.TimeoutError:
                    page.screenshot(path=str(tmp_path / "timeout.png"))
                    pytest.fail(f"{words} did not show within {SCREEN_DEADLINE_MS / 1000:.0f} s; the "
                                f"screen reads:\n{screen()}")
                return screen()

            title = wait_for("New game", "Load game", "Quit")
            assert hooked, "the page did not load textual-serve's script"
            assert "|_ _|_ _  __| |_" in title  # the big "Industrial Architect" lettering
            page.locator(".xterm-helper-textarea").focus()

            page.keyboard.press("Enter")  # "New game" is highlighted
            picker = wait_for("Choose a scenario", "Tutorial")
            assert "Brief" in picker
            page.keyboard.press("Enter")  # the first scenario, the tutorial
            game = wait_for("Turn 1/16", "Treasury", "End turn")  # the tutorial's dashboard
            assert "Choose a scenario" not in game and "Advisor:" in game
            # the game saves into this browser's own folder (made when the game started)
            [folder] = (tmp_path / "saves" / "browsers").iterdir()
            assert folder.name.startswith("browser-") and folder.is_dir()
        finally:
            browser.close()
