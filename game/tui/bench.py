"""Speed of the game's screens: prints one JSON object (a script, not a timed test).

    python -m game.tui.bench [--turns 12] [--scenario hefei-2008]

- title_cold_s: a fresh Python process until the title screen is up (target < 1.5 s);
- end_turn_ms_median / _max: end turn until the turn report has been drawn at 120x40
  (target < 150 ms), over --turns turns;
- back_to_game_ms_median: closing the report until the dashboard has been redrawn;
- tab_switch_ms_median: a tab until it has been drawn, over the eight tabs.

Times are wall-clock on this machine, headless (no terminal output), with the
confirmation before ending a turn switched off.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD_FLAG = "--child-title"


def child_title() -> None:
    """Run in a fresh process: start the app, exit as soon as the title has been drawn."""
    from game.tui.app import make_app
    from game.tui.title import TitleScreen

    app = make_app()

    def check() -> None:
        if isinstance(app.screen, TitleScreen):
            app.call_after_refresh(lambda: app.exit(return_code=0))
        else:
            app.set_timer(0.01, check)

    app.call_later(check)
    app.run(headless=True, size=(120, 40))
    print(time.time())


def title_cold_start() -> float:
    env = {**os.environ, "ARCHITECT_SAVES": tempfile.mkdtemp(),
           "ARCHITECT_SETTINGS": str(Path(tempfile.mkdtemp()) / "settings.json")}
    t0 = time.time()
    out = subprocess.run([sys.executable, "-m", "game.tui.bench", CHILD_FLAG], env=env,
                         capture_output=True, text=True, check=True).stdout
    return float(out.strip().splitlines()[-1]) - t0


async def drawn(app, start: float) -> float:
    """Milliseconds from ``start`` until the screen's next refresh has happened."""
    done: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    app.call_after_refresh(lambda: done.done() or done.set_result(time.perf_counter()))
    return (await asyncio.wait_for(done, 10)) * 1000 - start * 1000


async def in_game(scenario: str, turns: int) -> dict:
    from game.tui.app import make_app
    from game.tui.dashboard import TABS, DashboardScreen
    from game.tui.decisions import DecisionDialog
    from game.tui.dialogs import TurnReport

    os.environ.setdefault("ARCHITECT_SAVES", tempfile.mkdtemp())
    os.environ.setdefault("ARCHITECT_SETTINGS", str(Path(tempfile.mkdtemp()) / "settings.json"))
    app = make_app(scenario=scenario)
    end, back, tabs = [], [], []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.settings = app.settings.model_copy(update={"confirmations": False})
        for _ in range(turns):
            while isinstance(app.screen, DecisionDialog):
                app.screen.dismiss(None)
                await pilot.pause()
            dash = app.screen
            assert isinstance(dash, DashboardScreen)
            t0 = time.perf_counter()
            dash.action_end_turn()
            end.append(await drawn(app, t0))
            await app.workers.wait_for_complete()
            await pilot.pause()
            report = app.screen
            if not isinstance(report, TurnReport):
                break
            t0 = time.perf_counter()
            report.action_close()
            back.append(await drawn(app, t0))
            await pilot.pause()
            if app.session is None or app.session.over:
                break
        if isinstance(app.screen, DecisionDialog):
            app.screen.dismiss(None)
            await pilot.pause()
        dash = app.screen
        if isinstance(dash, DashboardScreen):
            for tab, _, _ in TABS:
                t0 = time.perf_counter()
                dash.action_tab(tab)
                tabs.append(await drawn(app, t0))
                await pilot.pause()
    return {
        "end_turn_ms_median": round(statistics.median(end), 1),
        "end_turn_ms_max": round(max(end), 1),
        "back_to_game_ms_median": round(statistics.median(back), 1) if back else None,
        "tab_switch_ms_median": round(statistics.median(tabs), 1) if tabs else None,
        "turns": len(end),
    }


def main() -> None:
    if CHILD_FLAG in sys.argv:
        child_title()
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="hefei-2008")
    parser.add_argument("--turns", type=int, default=12)
    parser.add_argument("--starts", type=int, default=3, help="cold starts timed (the median is kept)")
    args = parser.parse_args()
    cold = statistics.median(title_cold_start() for _ in range(args.starts))
    result = {"title_cold_s": round(cold, 3), "scenario": args.scenario,
              **asyncio.run(in_game(args.scenario, args.turns)), "cores": os.cpu_count()}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
