"""Pilot tests: the game played with keys only; every action from its key; refusals,
undo, bad input, decisions, the tabs, a firm's page, the end report."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select, Static

from game.content.loader import Content
from game.engine.actions import SellLand
from game.tui import fmt
from game.tui.actions_menu import ActionsMenu
from game.tui.app import make_app
from game.tui.dashboard import TABS, DashboardScreen
from game.tui.decisions import DecisionDialog
from game.tui.dialogs import ConfirmDialog, TurnReport
from game.tui.end_report import EndReportScreen
from game.tui.firm_detail import FirmDetail
from game.tui.forms import (
    CreateFundForm,
    GrantLandForm,
    InfrastructureForm,
    InvestForm,
    IssueBondsForm,
    RecruitSuppliersForm,
    RepayBondsForm,
    RescueForm,
    SellLandForm,
    SellStakeForm,
    TaxIncentiveForm,
)
from game.tui.title import TitleScreen
from tests.tui.helpers import (
    end_turn,
    end_turns_until_over,
    pick_scenario,
    screen_text,
    take_default_decisions,
    text_of,
    type_text,
    verdict,
)


async def test_tutorial_played_to_the_end_with_keys(content: Content) -> None:
    """The whole tutorial at 80x24, as a new player would: sell land, back Aurora, end turns."""
    app = make_app(content=content)
    async with app.run_test(size=(80, 24)) as pilot:
        await pick_scenario(app, pilot, "tutorial")
        s = app.session
        advisor = text_of(app.screen.query_one("#advisor", Static))
        assert advisor.startswith("Advisor: ") and s.world.scenario.tips[0] in advisor

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

        # Ending the turn asks first (confirmations are on by default) and names the sale.
        await pilot.press("e")
        assert isinstance(app.screen, ConfirmDialog)
        assert "Sell 100 ha of land" in text_of(app.screen.query_one("#confirm-question", Static))
        await pilot.press("enter")
        assert isinstance(app.screen, TurnReport)
        numbers = text_of(app.screen.query_one("#report-numbers", Static))
        assert "Treasury ¥10.0 bn →" in numbers  # from the quarter's start: it adds up with the ledger
        await pilot.press("enter")
        await pilot.pause()

        # Next quarter Aurora asks for equity; the form pre-fills its ask.
        assert any(r["stage"] == "prospect" and r["mine"] for r in s.firms())
        await pilot.press("i")
        assert isinstance(app.screen, InvestForm)
        assert float(app.screen.query_one("#amount", Input).value) == pytest.approx(3.0)
        assert "Stake 0% → 45%" in verdict(app)
        await pilot.press("enter")
        await pilot.pause()
        aurora = next(r for r in s.firms() if r["id"] == "aurora-panels")
        assert aurora["stake"] > 0.4 and aurora["stage"] == "building"

        await end_turns_until_over(app, pilot, limit=16)
        assert s.over
        report = app.screen
        assert isinstance(report, EndReportScreen)
        assert f"Grade {report.report['grade']}" in text_of(report.query_one("#end-score", Static))
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)


async def test_a_short_game_reaches_the_end_report(fixture_content: Content) -> None:
    """Three quarters of the fixture sprint, at 120x40: the end report with what really happened."""
    app = make_app(content=fixture_content, scenario="fixture-short")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        turns = await end_turns_until_over(app, pilot, limit=3)
        assert turns == 3
        report = app.screen
        assert isinstance(report, EndReportScreen)
        history = text_of(report.query_one("#end-history", Static))
        assert "What really happened" in history and "River Panels" in history
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ScenarioPicker"


async def test_one_turn_report_screen_shows_each_quarter(fixture_content: Content) -> None:
    """The dashboard keeps one report screen and fills it in each quarter: that quarter's
    heading and numbers, the left column focused again; a narrower screen gets a new report
    laid out for it, and the old one goes."""
    app = make_app(content=fixture_content, scenario="fixture-long-haul")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        s = app.session
        reports = []
        for _ in range(2):
            closed = s.date
            await pilot.press("e")
            if isinstance(app.screen, ConfirmDialog):
                await pilot.press("enter")
            await pilot.pause()
            report = app.screen
            assert isinstance(report, TurnReport)
            reports.append(report)
            assert text_of(report.query_one("#dialog-title", Static)).startswith(f"{closed} closed. Now {s.date},")
            numbers = text_of(report.query_one("#report-numbers", Static))
            assert f"→ {fmt.bn(s.headline()['treasury'])}" in numbers
            assert "Net change of the treasury" in text_of(report.query_one("#report-ledger", Static))
            assert app.focused is report.query_one("#report-body")
            await pilot.press("tab")  # read the other column; the next report starts on the left
            assert app.focused is report.query_one("#report-side")
            await pilot.press("enter")
            await pilot.pause()
            await take_default_decisions(app, pilot)
        assert reports[0] is reports[1]

        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.press("e")
        if isinstance(app.screen, ConfirmDialog):
            await pilot.press("enter")
        await pilot.pause()
        narrow = app.screen
        assert isinstance(narrow, TurnReport) and narrow is not reports[0]
        assert text_of(narrow.query_one("#dialog-keys", Static)) == "Enter continues · ↑↓ scroll"
        assert not reports[0].is_attached


async def test_the_tab_on_show_redraws_under_the_report_and_the_others_when_opened(
        fixture_content: Content) -> None:
    """While the turn report is up, the dashboard under it is redrawn for the new quarter
    (closing the report only repaints); a tab not on show waits, and shows the new quarter's
    numbers when opened."""
    app = make_app(content=fixture_content, scenario="fixture-long-haul")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        dash = app.screen
        assert isinstance(dash, DashboardScreen)
        s = app.session
        closed = s.date
        await pilot.press("7")
        await pilot.pause()
        assert f"{closed} so far" in screen_text(app)
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("e")
        if isinstance(app.screen, ConfirmDialog):
            await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TurnReport)
        assert s.date != closed and s.date in text_of(dash.query_one("#stat-date", Static))
        assert "city" not in dash.stale and "ledger" in dash.stale
        await pilot.press("enter")
        await pilot.pause()
        await take_default_decisions(app, pilot)
        await pilot.press("7")
        await pilot.pause()
        ledger = screen_text(app)
        assert f"{s.date} so far" in ledger and f"{closed} so far" not in ledger
        assert "ledger" not in dash.stale


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
        assert "¥10.0 bn" in text_of(app.screen.query_one("#stat-treasury", Static))
        await pilot.press("u")  # nothing left to undo: a warning, no error
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


BAD_INPUT = [
    ("", "Type an amount in hectares."),
    ("abc", "“abc” is not a number"),
    ("-5", "The amount must be more than zero."),
    ("1e9", "more than the most this action allows"),
]


async def test_bad_input_gets_a_message(fixture_content: Content) -> None:
    app = make_app(content=fixture_content, scenario="fixture-short")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        for typed, message in BAD_INPUT:
            app.screen.query_one("#amount", Input).value = typed
            await pilot.pause()
            assert message in verdict(app), typed
            await pilot.press("enter")
            assert isinstance(app.screen, SellLandForm)
        assert app.session.actions_this_turn == []


async def confirm_form(app, pilot, form_type, typed: str | None = None) -> None:
    assert isinstance(app.screen, form_type), app.screen
    if typed is not None:
        await type_text(pilot, typed)
    assert "Allowed" in verdict(app), verdict(app)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, DashboardScreen)


async def test_every_verb_from_its_key(fixture_content: Content) -> None:
    """g l b r m i(from the fund) f c t s: each form opens on its key, checks, previews, acts."""
    app = make_app(content=fixture_content, scenario="fixture-long-haul")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await take_default_decisions(app, pilot)
        s = app.session
        kinds = lambda: [a["kind"] for a in s.actions_this_turn if a["kind"] != "choose_event"]  # noqa: E731

        await pilot.press("b")
        await confirm_form(app, pilot, IssueBondsForm, "2")
        await pilot.press("r")
        await confirm_form(app, pilot, RepayBondsForm, "1")
        await pilot.press("m")
        assert isinstance(app.screen, CreateFundForm)
        app.screen.query_one("#sector", Select).value = "display-glass"
        await pilot.pause()
        await pilot.press("tab")
        await confirm_form(app, pilot, CreateFundForm, "2")
        assert kinds() == ["issue_bonds", "repay_bonds", "create_fund"]
        assert s.headline()["attention"] == 0

        await end_turn(app, pilot)
        glass = next(r for r in s.firms() if r["id"] == "fixture-clear-glass")
        assert glass["stage"] == "prospect"
        await pilot.press("g")
        assert isinstance(app.screen, GrantLandForm)
        app.screen.query_one("#firm", Select).value = "fixture-clear-glass"
        await pilot.pause()
        await type_text(pilot, "20")
        assert "Its ask ¥" in verdict(app)
        await confirm_form(app, pilot, GrantLandForm)
        await pilot.press("i")
        assert isinstance(app.screen, InvestForm)
        app.screen.query_one("#firm", Select).value = "fixture-clear-glass"
        await pilot.pause()
        box = app.screen.query_one("#from-fund")
        assert not box.disabled
        box.value = True
        await pilot.pause()
        await confirm_form(app, pilot, InvestForm)
        assert s.actions_this_turn[-1]["from_fund"] is True
        await pilot.press("f")
        await confirm_form(app, pilot, InfrastructureForm)
        assert kinds() == ["grant_land", "invest_equity", "build_infrastructure"]

        await end_turn(app, pilot)
        await pilot.press("c")
        await confirm_form(app, pilot, RecruitSuppliersForm)
        await pilot.press("t")
        await confirm_form(app, pilot, TaxIncentiveForm)
        await pilot.press("s")
        assert isinstance(app.screen, SellStakeForm)
        app.screen.query_one("#firm", Select).value = "fixture-river-panels"
        await pilot.pause()
        await confirm_form(app, pilot, SellStakeForm, "10")
        assert kinds() == ["recruit_suppliers", "offer_tax_incentive", "sell_stake"]

        # With no attention left every form refuses with the engine's reason.
        await pilot.press("l")
        await type_text(pilot, "10")
        assert "no attention left this turn" in verdict(app)
        await pilot.press("escape")

        # p passes: it asks, then ends the quarter.
        await pilot.press("p")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        assert isinstance(app.screen, TurnReport)
        await pilot.press("enter")


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
        row = next(r for r in app.session.firms() if r["id"] == "fixture-river-panels")
        assert row["stake"] == pytest.approx(0.25)


async def test_rescue_a_firm_in_a_cash_crunch(fixture_content: Content) -> None:
    """Shaky Motors runs out of cash within a few quarters; x rescues it with what it needs,
    and the advisor says so first."""
    app = make_app(content=fixture_content, scenario="fixture-riverside")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("x")
        assert isinstance(app.screen, RescueForm)
        assert "No firm is in a cash crunch" in text_of(app.screen.query_one("#no-firms", Static))
        await pilot.press("escape")
        for _ in range(10):
            if next(r for r in app.session.firms() if r["id"] == "fixture-shaky-motors")["stage"] == "distressed":
                break
            await end_turn(app, pilot)
        else:
            pytest.skip("the fixture firm did not fall into a cash crunch with this engine")
        advisor = text_of(app.screen.query_one("#advisor", Static))
        assert "Shaky Motors is in a cash crunch" in advisor and "rescue it (x)" in advisor
        treasury = app.session.headline()["treasury"]
        await pilot.press("x")
        assert isinstance(app.screen, RescueForm)
        assert "Allowed" in verdict(app)  # the need is pre-filled
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.headline()["treasury"] < treasury
        assert app.session.actions_this_turn[-1]["kind"] == "rescue_firm"


async def test_a_decision_is_asked_answered_and_can_wait(fixture_content: Content) -> None:
    """The fixture's event fires when the first quarter closes: the dialog opens by itself,
    Esc puts it off (a banner says what happens by default), d brings it back."""
    app = make_app(content=fixture_content, scenario="fixture-riverside")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("e", "enter", "enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DecisionDialog)
        assert "business park" in dialog.event["title"]
        assert "the city takes this option" in text_of(dialog.query_one("#decision-detail", Static))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        banner = text_of(app.screen.query_one("#decisions", Static))
        assert "A decision waits" in banner and "Keep the plot" in banner
        # Ending the turn now names the default the city will take.
        await pilot.press("e")
        assert "Unanswered" in text_of(app.screen.query_one("#confirm-question", Static))
        await pilot.press("n")
        await pilot.press("d")
        assert isinstance(app.screen, DecisionDialog)
        await pilot.press("up")
        assert "Credibility +0.02" in text_of(app.screen.query_one("#decision-detail", Static))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert app.session.actions_this_turn[-1]["kind"] == "choose_event"
        assert not app.screen.query_one("#decisions").has_class("-waiting")


async def test_every_tab_shows_its_numbers(fixture_content: Content) -> None:
    """1–8 open the tabs; each draws from the session after a quarter has closed."""
    app = make_app(content=fixture_content, scenario="fixture-long-haul")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await end_turn(app, pilot)
        expected = {"city": "Why treasury changed", "land": "Land bank", "industry": "River Panels",
                    "sectors": "The herd", "chains": "Sector 1 of", "portfolio": "IRR",
                    "ledger": "Net change of the treasury", "news": "The quarter closed"}
        for n, (tab, _, _) in enumerate(TABS, 1):
            await pilot.press(str(n))
            await pilot.pause()
            assert expected[tab] in screen_text(app), tab
        # the Sectors and Chains pages step with ←→
        await pilot.press("4", "right")
        await pilot.pause()
        assert "National demand" in screen_text(app)
        await pilot.press("5", "right")
        await pilot.pause()
        assert "Sector 2 of" in screen_text(app)
        # City: ↓ picks GDP; its why names the growth drivers
        await pilot.press("1", "down")
        await pilot.pause()
        assert "Why gdp a year changed" in screen_text(app)
        await pilot.press("y")
        assert app.screen.query_one("#tabs").active == "ledger-tab"


async def test_a_firms_page_and_sorting(fixture_content: Content) -> None:
    app = make_app(content=fixture_content, scenario="fixture-long-haul")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("3")
        table = app.screen.query_one("#firms")
        first = table.current_firm()
        await pilot.press("o")  # by name
        assert table.sort_by == "name"
        assert "o sort (name)" in (table.border_subtitle or "")
        await pilot.press("o", "o", "o")  # city, stage, stake
        assert table.sort_by == "stake"
        assert table.current_firm() == first  # the cursor stays on its firm
        assert table.coordinate_to_cell_key((0, 0)).row_key.value == "fixture-river-panels"
        table.move_cursor(row=0)
        await pilot.press("enter")
        page = app.screen
        assert isinstance(page, FirmDetail)
        assert page.fid == "fixture-river-panels"  # the biggest stake first
        facts = text_of(page.query_one("#firm-facts", Static))
        assert "Cap table" in facts and "★ Riverside 50%" in facts and "Private investors" in facts
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, InvestForm)
        assert app.screen.query_one("#firm", Select).value == "fixture-river-panels"


async def test_the_actions_menu_lists_every_verb(fixture_content: Content) -> None:
    app = make_app(content=fixture_content, scenario="fixture-long-haul")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        assert isinstance(app.screen, ActionsMenu)
        shown = screen_text(app)
        for label in ("Sell land", "Grant land", "Issue bonds", "Repay bonds", "Invest equity",
                      "Rescue a firm", "Sell a stake", "Guidance fund", "Recruit suppliers",
                      "Tax incentives", "Build infrastructure", "Pass"):
            assert label in shown
        assert "✖ no firm is in a cash crunch" in shown
        await pilot.press("enter")  # the first open verb: sell land
        await pilot.pause()
        assert isinstance(app.screen, SellLandForm)
        await pilot.press("escape", "a", "b")  # a verb's own key works inside the menu
        await pilot.pause()
        assert isinstance(app.screen, IssueBondsForm)


PALETTE_ACTIONS = {
    "sell land": "action_sell_land", "grant land": "action_grant_land",
    "issue bonds": "action_issue_bonds", "repay bonds": "action_repay_bonds",
    "invest equity": "action_invest", "rescue a firm": "action_rescue",
    "sell a stake": "action_sell_stake", "guidance fund": "action_create_fund",
    "recruit suppliers": "action_recruit", "tax incentives": "action_incentive",
    "build infrastructure": "action_build", "pass": "action_pass_turn",
}


async def test_every_verb_is_in_the_command_palette(fixture_content: Content) -> None:
    """The palette's commands, built from the screen, run the same actions as the keys."""
    from game.tui.commands import DashboardCommands

    app = make_app(content=fixture_content, scenario="fixture-long-haul")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        dashboard = app.screen
        commands = {title.lower(): cb for title, _, cb in DashboardCommands(dashboard).commands()}
        for title, action in PALETTE_ACTIONS.items():
            assert commands[title] == getattr(dashboard, action), title
        for name in ("end turn", "save game", "load game", "settings", "show land",
                     "firm: river panels", "invest in river panels", "sell stake in river panels",
                     "fund for display glass", "build transit"):
            assert name in commands, name
        commands["sell stake in river panels"]()
        await pilot.pause()
        assert isinstance(app.screen, SellStakeForm)
        assert app.screen.query_one("#firm", Select).value == "fixture-river-panels"


async def test_the_palette_opens_forms_by_name(fixture_content: Content) -> None:
    app = make_app(content=fixture_content, scenario="fixture-long-haul")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await type_text(pilot, "sell la")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SellLandForm)
