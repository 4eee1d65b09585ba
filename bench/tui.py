"""Interface benchmark: prints one JSON object (a script, not a timed test).

- title_cold_start_s: from launching a fresh Python process to the title screen drawn
  (median of --starts runs; target under 1.5 s);
- end_turn_redraw_ms_median: from pressing `e` on the dashboard (confirmations off) to the
  turn report drawn, at 120x40, over --turns quarters of Hefei 2008 (target under 150 ms);
- report_close_redraw_ms_median: from closing the report to the dashboard drawn again.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = """
import asyncio, sys, time
from game.tui.app import make_app
from game.tui.title import TitleScreen

async def main():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        while not isinstance(app.screen, TitleScreen):
            await pilot.pause()
        await pilot.pause()
        print(time.time(), flush=True)

asyncio.run(main())
"""


def cold_start(runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.time()
        done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True,
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        out.append(float(done.stdout.strip().splitlines()[-1]) - t0)
    return out


async def end_turns(turns: int) -> tuple[list[float], list[float]]:
    from game.tui.app import make_app
    from game.tui.dashboard import DashboardScreen as Dashboard
    from game.tui.dialogs import TurnReport

    report_ms, back_ms = [], []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Path(tmp) / "settings.json"
        settings.write_text(json.dumps({"confirmations": False}))
        app = make_app(scenario="hefei-2008", seed=1, saves_dir=Path(tmp) / "saves", settings_path=settings)
        async with app.run_test(size=(120, 40)) as pilot:
            while not isinstance(app.screen, Dashboard):
                await pilot.pause()
            for _ in range(turns):
                await pilot.pause()
                t0 = time.perf_counter()
                await pilot.press("e")
                while not isinstance(app.screen, TurnReport):
                    await pilot.pause()
                await pilot.pause()
                report_ms.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                await pilot.press("enter")
                while isinstance(app.screen, TurnReport):
                    await pilot.pause()
                await pilot.pause()
                back_ms.append((time.perf_counter() - t0) * 1000)
                while not isinstance(app.screen, Dashboard):  # a decision may wait: put it off
                    await pilot.press("escape")
                    await pilot.pause()
    return report_ms, back_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--turns", type=int, default=20)
    args = parser.parse_args()
    starts = cold_start(args.starts)
    report_ms, back_ms = asyncio.run(end_turns(args.turns))
    print(json.dumps({
        "title_cold_start_s": round(statistics.median(starts), 3),
        "title_cold_start_runs": [round(s, 3) for s in starts],
        "end_turn_redraw_ms_median": round(statistics.median(report_ms), 1),
        "end_turn_redraw_ms_p90": round(sorted(report_ms)[int(0.9 * len(report_ms))], 1),
        "report_close_redraw_ms_median": round(statistics.median(back_ms), 1),
        "size": "120x40",
        "turns": args.turns,
        "cores": os.cpu_count(),
    }, indent=2))


if __name__ == "__main__":
    main()
