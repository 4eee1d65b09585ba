"""Pilot tests: the game played with keys only, refusals, undo, bad input, bad mods."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from textual.widgets import Input, Static

from game.content.loader import Content
from game.engine.actions import SellLand
from game.tui.app import ArchitectApp, make_app
from game.tui.dashboard import DashboardScreen
from game.tui.decisions import DecisionDialog
from game.tui.dialogs import HelpDialog, LedgerDialog, TurnReport
from game.tui.end_report import EndReportScreen
from game.tui.error import ErrorScreen
from game.tui.forms import InvestForm, RescueForm, SellLandForm, SellStakeForm
from game.tui.picker import ScenarioPicker
from game.tui.title import TitleScreen

SIZES = [(120, 40), (80, 24)]


def text_of(widget: Static) -> str:
    """What a Static shows, as plain text with runs of white space made single spaces."""
    console = Console(width=300, file=io.StringIO(), color_system=None)
    console.print(widget.content)
    return " ".join(console.file.getvalue().split())  # type: ignore[attr-defined]


def verdict(app: ArchitectApp) -> str:
    return text_of(app.screen.query_one("#verdict", Static))


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space", "-": "minus", ".": "full_stop"}.get(c, c) for c in text])


async def take_default_decisions(app: ArchitectApp, pilot) -> None:
    """Answer any decision dialog with the option it highlights first (the default)."""
    while isinstance(app.screen, DecisionDialog):
        await pilot.press("enter")
        await pilot.pause()


async def end_turn(app: ArchitectApp, pilot) -> None:
    """e, read the report, Enter; then answer decisions that pop up."""
    assert isinstance(app.screen, DashboardScreen)
    await pilot.press("e")
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


async def start_tutorial(app: ArchitectApp, pilot) -> None:
    await pick_scenario(app, pilot, "tutorial")


@pytest.mark.parametrize("size", SIZES)
async def test_tutorial_played_to_the_end_with_keys(content: Content, size) -> None:
    app = make_app(content=content)
    async with app.run_test(size=size) as pilot:
        await start_tutorial(app, pilot)
        s = app.session
        advisor = text_of(app.screen.query_one("#advisor", Static))
        assert advisor.startswith("Advisor: ") and s.world.scenario.tips[0] in advisor

        # Sell 100 ha through the form.
        bank, treasury = s.headline()["land_bank"], s.headline()["treasury"]
        await pilot.press("l")
        assert isinstance(app.screen, SellLandForm)
        await type_text(pilot, "100")
        assert "Treasury ¥10.0 bn → " in verdict(app)
        assert "Land bank 3,000 ha → 2,900 ha" in verdict(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert s.headline()["land_bank"] == pytest.approx(bank - 100)
        assert s.headline()["treasury"] > treasury

        # Next quarter Aurora asks for equity; the form pre-fills its ask.
        await end_turn(app, pilot)
        assert any(r["stage"] == "prospect" and r["mine"] for r in s.firms())
        await pilot.press("i")
        assert isinstance(app.screen, InvestForm)
        amount = app.screen.query_one("#amount", Input).value
        assert float(amount) == pytest.approx(3.0)
        assert "Stake 0% → 45%" in verdict(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        aurora = next(r for r in s.firms() if r["id"] == "aurora-panels")
        assert aurora["stake"] > 0.4 and aurora["stage"] == "building"

        await end_turns_until_over(app, pilot, limit=16)
        assert s.over
        report = app.screen
        assert isinstance(report, EndReportScreen)
        score = text_of(report.query_one("#end-score", Static))
        assert f"Grade {report.report['grade']}" in score
        cities = report.query_one("#end-cities", Static)
        assert cities is not None

        # t goes back to the title.
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)


async def test_hefei_played_to_the_end_with_keys(content: Content) -> None:
    app = make_app(content=content)
    async with app.run_test(size=(120, 40)) as pilot:
        await pick_scenario(app, pilot, "hefei-2008")
        turns = await end_turns_until_over(app, pilot, limit=56)
        assert turns == 56 or app.session.crisis
        report = app.screen
        assert isinstance(report, EndReportScreen)
        history = text_of(report.query_one("#end-history", Static))
        assert "What really happened" in history and "NIO" in history


async def test_refused_action_shows_the_engine_reason_and_changes_nothing(content: Content) -> None:
    app = make_app(content=content, scenario="tutorial")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        s = app.session
        before = s.headline()
        expected = s.check(SellLand(hectares=5000))
        assert expected  # the bank holds 3,000 ha
        await pilot.press("l")
        await type_text(pilot, "5000")
        shown = verdict(app)
        assert "Refused" in shown
        for reason in expected:
            assert reason in shown
        await pilot.press("enter")  # refused: the form stays open
        assert isinstance(app.screen, SellLandForm)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert s.headline() == before
        assert s.actions_this_turn == []


async def test_undo_restores_the_treasury(content: Content) -> None:
    app = make_app(content=content, scenario="tutorial")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        s = app.session
        treasury = s.headline()["treasury"]
        await pilot.press("l")
        await type_text(pilot, "200")
        await pilot.press("enter")
        await pilot.pause()
        assert s.headline()["treasury"] > treasury
        await pilot.press("u")
        await pilot.pause()
        assert s.headline()["treasury"] == pytest.approx(treasury)
        assert s.actions_this_turn == []
        stat = text_of(app.screen.query_one("#stat-treasury", Static))
        assert "¥10.0 bn" in stat


@pytest.mark.parametrize(("typed", "message"), [
    ("", "Type an amount in hectares."),
    ("abc", "“abc” is not a number"),
    ("-5", "The amount must be more than zero."),
    ("0", "The amount must be more than zero."),
    ("1e9", "more than the most this action allows"),
])
async def test_bad_input_gets_a_message(content: Content, typed: str, message: str) -> None:
    app = make_app(content=content, scenario="tutorial")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await type_text(pilot, typed)
        assert message in verdict(app)
        await pilot.press("enter")
        assert isinstance(app.screen, SellLandForm)
        assert app.session.actions_this_turn == []


async def test_bad_mod_shows_the_error_screen(tmp_path) -> None:
    pack = tmp_path / "broken-pack"
    pack.mkdir()
    (pack / "pack.toml").write_text('id = "broken-pack"\nname = "Broken\nversion = "1.0"\n')
    app = make_app(mods=[pack])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        problems = [text_of(w) for w in app.screen.query(".problem").results(Static)]
        assert problems and "broken-pack/pack.toml" in problems[0]
        assert "TOML syntax" in problems[0]
        await pilot.press("q")
    assert app.return_code == 1


async def test_unknown_scenario_shows_the_error_screen(content: Content) -> None:
    app = make_app(content=content, scenario="no-such-place")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        assert "no scenario 'no-such-place'" in text_of(app.screen.query(".problem").first(Static))


async def test_actions_are_reachable_from_the_command_palette(content: Content) -> None:
    app = make_app(content=content, scenario="tutorial")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await type_text(pilot, "sell land")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SellLandForm)
        await pilot.press("escape")
        # A firm on offer gets its own entry, which opens the form with it chosen.
        await end_turn(app, pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "invest in aurora")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InvestForm)
        assert app.screen.query_one("#firm").value == "aurora-panels"


async def test_ledger_and_help_open_and_close(content: Content) -> None:
    app = make_app(content=content, scenario="tutorial")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("y")
        assert isinstance(app.screen, LedgerDialog)
        await pilot.press("escape")
        await end_turn(app, pilot)
        await pilot.press("y")
        assert isinstance(app.screen, LedgerDialog)
        assert any("Taxes from the base economy" in text_of(w) for w in app.screen.query(Static))
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpDialog)
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


def firm_row(app: ArchitectApp, fid: str) -> dict:
    return next(r for r in app.session.firms() if r["id"] == fid)


async def test_sell_part_of_a_stake(fixture_content: Content) -> None:
    app = make_app(content=fixture_content, scenario="fixture-riverside")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        assert isinstance(app.screen, SellStakeForm)
        await type_text(pilot, "150")
        assert "at most 100%" in verdict(app)
        await pilot.press("backspace", "backspace", "backspace")
        await type_text(pilot, "50")
        assert "Stake 50% → 25%" in verdict(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert firm_row(app, "fixture-river-panels")["stake"] == pytest.approx(0.25)


async def test_rescue_a_firm_in_a_cash_crunch(fixture_content: Content) -> None:
    """Shaky Motors runs out of cash within a few quarters; x rescues it with what it needs."""
    app = make_app(content=fixture_content, scenario="fixture-riverside")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("x")
        assert isinstance(app.screen, RescueForm)
        assert "No firm is in a cash crunch" in text_of(app.screen.query_one("#no-firms", Static))
        await pilot.press("escape")
        for _ in range(10):
            if firm_row(app, "fixture-shaky-motors")["stage"] == "distressed":
                break
            await end_turn(app, pilot)
        else:
            pytest.skip("the fixture firm did not fall into a cash crunch with this engine")
        treasury = app.session.headline()["treasury"]
        await pilot.press("x")
        assert isinstance(app.screen, RescueForm)
        assert "Allowed" in verdict(app)  # the need is pre-filled
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert app.session.headline()["treasury"] < treasury
        assert app.session.actions_this_turn[-1]["kind"] == "rescue_firm"


async def test_a_decision_is_asked_answered_and_can_wait(fixture_content: Content) -> None:
    """The fixture's event fires after the first quarter: the dialog opens by itself,
    Esc puts it off (a banner says what happens by default), d brings it back."""
    app = make_app(content=fixture_content, scenario="fixture-riverside")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("e", "enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DecisionDialog)
        assert "business park" in dialog.event["title"]
        detail = text_of(dialog.query_one("#decision-detail", Static))
        assert "the city takes this option" in detail  # the default is highlighted first
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        banner = text_of(app.screen.query_one("#decisions", Static))
        assert "A decision waits" in banner and "Keep the plot" in banner
        await pilot.press("d")
        assert isinstance(app.screen, DecisionDialog)
        await pilot.press("up")
        assert "Credibility +0.02" in text_of(app.screen.query_one("#decision-detail", Static))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert app.session.actions_this_turn[-1] == {
            **app.session.actions_this_turn[-1], "kind": "choose_event", "option": 0}
        assert not app.screen.query_one("#decisions").has_class("-waiting")
