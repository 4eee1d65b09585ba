"""Shared helpers for the Pilot tests: read what a widget shows, type, end turns."""

from __future__ import annotations

import io

from rich.console import Console
from textual.widgets import Static

from game.tui.app import ArchitectApp
from game.tui.dashboard import DashboardScreen
from game.tui.decisions import DecisionDialog
from game.tui.dialogs import ConfirmDialog, TurnReport
from game.tui.end_report import EndReportScreen
from game.tui.picker import ScenarioPicker
from game.tui.title import TitleScreen


def text_of(widget: Static) -> str:
    """What a Static shows, as plain text with runs of white space made single spaces."""
    console = Console(width=300, file=io.StringIO(), color_system=None)
    console.print(widget.content)
    return " ".join(console.file.getvalue().split())  # type: ignore[attr-defined]


def screen_text(app: ArchitectApp) -> str:
    """Every character on the screen, as single-spaced text."""
    strips = app.screen._compositor.render_strips()
    return " ".join(" ".join("".join(seg.text for seg in strip) for strip in strips).split())


def verdict(app: ArchitectApp) -> str:
    return text_of(app.screen.query_one("#verdict", Static))


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space", "-": "minus", ".": "full_stop", "%": "percent_sign"}.get(c, c)
                        for c in text])


async def take_default_decisions(app: ArchitectApp, pilot) -> None:
    """Answer any decision dialog with the option it highlights first (the default)."""
    while isinstance(app.screen, DecisionDialog):
        await pilot.press("enter")
        await pilot.pause()


async def end_turn(app: ArchitectApp, pilot) -> None:
    """e (and Enter to confirm), read the report, Enter; then answer decisions that pop up."""
    assert isinstance(app.screen, DashboardScreen)
    await pilot.press("e")
    if isinstance(app.screen, ConfirmDialog):
        await pilot.press("enter")
    assert isinstance(app.screen, TurnReport)
    await pilot.press("enter")
    await pilot.pause()
    await take_default_decisions(app, pilot)


async def end_turns_until_over(app: ArchitectApp, pilot, limit: int) -> int:
    """End turns until the end report shows."""
    turns = 0
    while not isinstance(app.screen, EndReportScreen):
        assert turns < limit, "the game did not end"
        await end_turn(app, pilot)
        turns += 1
    return turns


async def pick_scenario(app: ArchitectApp, pilot, scenario_id: str) -> None:
    """Title → New game → picker → arrow down to the scenario → Enter, keys only."""
    assert isinstance(app.screen, TitleScreen)
    await pilot.press("enter")
    picker = app.screen
    assert isinstance(picker, ScenarioPicker)
    index = [sc.id for sc in picker.scenarios].index(scenario_id)
    await pilot.press(*["down"] * index, "enter")
    await pilot.pause()
    assert isinstance(app.screen, DashboardScreen)
    assert app.session is not None and app.session.world.scenario.id == scenario_id
