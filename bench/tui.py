"""Interface benchmark: prints one JSON object (a script, not a timed test).

- title_cold_start_s: from launching a fresh Python process to the title screen drawn
  (median of --starts runs; target under 1.5 s);
- end_turn_redraw_ms_median: from the key event of `e` on the dashboard (confirmations off)
  to the first frame, turned into terminal bytes, that shows the whole turn report, at
  120x40, over --turns quarters of Hefei 2008 (target under 150 ms); the app paints on its
  own schedule meanwhile, and each turn starts once the previous autosave is written;
- end_turn_redraw_cpu_ms_median: the CPU time the app's thread spent over that span (what
  a busy machine's other processes cannot inflate);
- end_turn_settled_ms_median: to the report's last frame (later repaints: focus, layout);
- report_close_redraw_ms_median: from Enter on the report to the first frame after it.
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


class FrameClock:
    """Timestamps of the frames the app sends to the terminal.

    Headless, Textual skips turning a frame into terminal bytes; the clock does that work
    too (and throws the bytes away), so a frame costs what it costs in a real terminal.
    A frame shows the whole report once the report's last widget (its key line) has a
    place on screen: the report was composed, laid out and painted.
    """

    def __init__(self, app) -> None:
        self.app = app
        self.frames: list[tuple[float, float, object, bool]] = []  # (wall, cpu, screen, whole)
        self._display = app._display
        app._display = self.display

    def display(self, screen, renderable) -> None:
        from textual._compositor import CompositorUpdate

        self._display(screen, renderable)
        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(self.app.console)
        keys = screen.query("#dialog-keys")
        self.frames.append((time.perf_counter(), time.thread_time(), screen,
                            bool(keys) and bool(keys.first().region)))

    async def first(self, since: float, shows, timeout: float = 20.0) -> tuple[float, float]:
        """(wall, cpu) times of the first frame after ``since`` for which ``shows(screen, whole)``."""
        deadline = time.perf_counter() + timeout
        while True:
            hit = next(((t, cpu) for t, cpu, screen, whole in self.frames
                        if t >= since and shows(screen, whole)), None)
            if hit is not None:
                return hit
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no such frame within {timeout} s")
            await asyncio.sleep(0.001)


async def settle(app, pilot) -> None:
    """Wait as a player would between turns: until the app is idle and the autosave written."""
    await pilot.pause(0.1)
    while getattr(app, "_pending_autosave", None) is not None or any(
            w.group == "autosave" and not w.is_finished for w in app.workers):
        await asyncio.sleep(0.02)
    await pilot.pause(0.1)


async def end_turns(turns: int) -> dict[str, list[float]]:
    """From the key event of `e` to the first frame of the whole report (and from Enter to
    the first frame after it). Meanwhile the app runs on its own: no Pilot call forces a
    repaint, so the timing includes Textual's own refresh schedule. The CPU time of the
    app's thread over the same span is the figure to compare on a busy machine."""
    from game.tui.app import make_app
    from game.tui.dashboard import DashboardScreen as Dashboard
    from game.tui.dialogs import TurnReport

    report_ms, cpu_ms, settled_ms, back_ms = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Path(tmp) / "settings.json"
        # no confirmation and no classroom pauses: `e` goes straight to the report
        settings.write_text(json.dumps({"confirmations": False, "pause_at_milestones": False}))
        app = make_app(scenario="hefei-2008", seed=1, saves_dir=Path(tmp) / "saves", settings_path=settings)
        clock = FrameClock(app)
        async with app.run_test(size=(120, 40)) as pilot:
            while not isinstance(app.screen, Dashboard):
                await pilot.pause()
            for _ in range(turns):
                await settle(app, pilot)
                t0, cpu0 = time.perf_counter(), time.thread_time()
                await pilot.press("e")
                drawn, cpu = await clock.first(t0, lambda screen, whole: isinstance(screen, TurnReport) and whole)
                report_ms.append((drawn - t0) * 1000)
                cpu_ms.append((cpu - cpu0) * 1000)
                await pilot.pause(0.3)  # the report's later frames (focus, layout settling)
                settled_ms.append((max(t for t, _, screen, _ in clock.frames
                                       if t >= t0 and isinstance(screen, TurnReport)) - t0) * 1000)
                await settle(app, pilot)
                t0 = time.perf_counter()
                await pilot.press("enter")
                back, _ = await clock.first(t0, lambda screen, _: not isinstance(screen, TurnReport))
                back_ms.append((back - t0) * 1000)
                for _ in range(50):  # a decision may wait: put it off
                    if isinstance(app.screen, Dashboard):
                        break
                    await pilot.press("escape")
                    await pilot.pause()
                else:
                    raise RuntimeError(f"stuck on {app.screen!r}")
                clock.frames.clear()
    return {"report": report_ms, "cpu": cpu_ms, "settled": settled_ms, "back": back_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--turns", type=int, default=20)
    args = parser.parse_args()
    starts = cold_start(args.starts)
    ms = asyncio.run(end_turns(args.turns))
    print(json.dumps({
        "title_cold_start_s": round(statistics.median(starts), 3),
        "title_cold_start_runs": [round(s, 3) for s in starts],
        "end_turn_redraw_ms_median": round(statistics.median(ms["report"]), 1),
        "end_turn_redraw_ms_p90": round(sorted(ms["report"])[int(0.9 * len(ms["report"]))], 1),
        "end_turn_redraw_cpu_ms_median": round(statistics.median(ms["cpu"]), 1),
        "end_turn_settled_ms_median": round(statistics.median(ms["settled"]), 1),
        "report_close_redraw_ms_median": round(statistics.median(ms["back"]), 1),
        "size": "120x40",
        "turns": args.turns,
        "cores": os.cpu_count(),
    }, indent=2))


if __name__ == "__main__":
    main()
