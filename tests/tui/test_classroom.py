"""Pilot tests for the classroom parts: milestone pauses, session codes, export, hot-seat."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import Input

from game.content.loader import Content
from game.content.schema import MilestoneDef
from game.tui.app import make_app
from game.tui.dashboard import DashboardScreen
from game.tui.milestone import MilestoneDialog
from tests.tui.helpers import end_turn, screen_text


def with_milestone(content: Content, scenario_id: str = "fixture-short") -> Content:
    """The fixture scenario with one milestone at the start of turn 1 (2010 Q2)."""
    sc = content.scenario(scenario_id)
    milestone = MilestoneDef.model_validate({
        "id": "first-sale", "when": {"turn": 1}, "title": "Who bought the land?",
        "prompt": "Riverside sold land last quarter. Who paid, and what for?",
        "teacher_notes": "Point at the land share: the herd is coming."})
    sc = sc.model_copy(update={"milestones": [milestone]})
    return replace(content, scenarios={**content.scenarios, scenario_id: sc})


@pytest.mark.asyncio
async def test_milestone_pauses_once(fixture_content: Content) -> None:
    app = make_app(content=with_milestone(fixture_content), scenario="fixture-short")
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)  # turn 0: no milestone
        await end_turn(app, pilot)
        assert isinstance(app.screen, MilestoneDialog)
        text = screen_text(app)
        assert "Who bought the land?" in text and "Who paid" in text and "2010 Q2" in text
        assert "herd is coming" not in text  # the teacher's notes wait for t
        await pilot.press("t")
        await pilot.pause()
        assert "herd is coming" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert app.session is not None and "first-sale" in app.session.milestones_seen
        assert app.session.milestones_due() == []
        await end_turn(app, pilot)  # the next quarter does not stop again
        assert not isinstance(app.screen, MilestoneDialog)


@pytest.mark.asyncio
async def test_milestone_pause_setting_off(fixture_content: Content) -> None:
    app = make_app(content=with_milestone(fixture_content), scenario="fixture-short")
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        app.update_settings(pause_at_milestones=False)
        await end_turn(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.session is not None and app.session.milestones_due() == []


@pytest.mark.asyncio
async def test_join_a_class(fixture_content: Content) -> None:
    from game.classroom.codes import encode
    from game.tui.classroom_ui import TextPrompt
    from game.tui.title import TitleScreen
    from tests.tui.helpers import type_text

    good = encode(fixture_content, "fixture-riverside", 321)
    label, _, body = good.partition("-")
    typo = f"{label}-{body[:-1]}{'A' if body[-1] != 'A' else 'B'}"
    app = make_app(content=fixture_content)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("j")
        assert isinstance(app.screen, TextPrompt)
        await type_text(pilot, typo)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt) and app.session is None
        assert "typo" in screen_text(app).lower()
        app.screen.query_one(Input).value = good.lower()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert app.session is not None
        assert app.session.world.scenario.id == "fixture-riverside"
        assert int(app.session.state.seed) == 321
        assert app.session_code == good
        assert app.save_meta() == {"session_code": good}


@pytest.mark.asyncio
async def test_export_a_result(fixture_content: Content, private_folders) -> None:
    from game.classroom.results import check_file, read_result
    from game.tui.classroom_ui import TextPrompt

    app = make_app(content=fixture_content, scenario="fixture-short")
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        await end_turn(app, pilot)
        await pilot.press("w")
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one(Input).value = "Ann Lee"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        files = sorted(private_folders.glob("*.result.json"))
        assert [f.name for f in files] == ["Ann Lee.result.json"]
        result = read_result(files[0])
        assert check_file(files[0], fixture_content).ok
        assert "Ann Lee" in str(result.model_dump() if hasattr(result, "model_dump") else result)
        await pilot.press("w")  # the name is asked once
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


@pytest.mark.asyncio
async def test_hotseat_two_players_one_turn(fixture_content: Content, private_folders) -> None:
    from game.engine.actions import SellLand
    from game.engine.build import build_world
    from game.engine.session import Session
    from game.tui.dialogs import ConfirmDialog, TurnReport
    from game.tui.forms import SellLandForm
    from game.tui.hotseat import HotSeatSetup, PassScreen, SeatView
    from game.tui.picker import ScenarioPicker
    from tests.tui.helpers import type_text

    app = make_app(content=fixture_content)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        picker = app.screen
        assert isinstance(picker, ScenarioPicker)
        index = [sc.id for sc in picker.scenarios].index("fixture-short")
        await pilot.press(*["down"] * index, "h")
        await pilot.pause()
        setup = app.screen
        assert isinstance(setup, HotSeatSetup)
        inputs = list(setup.query(Input))
        inputs[0].value, inputs[1].value = "Ann", "Bo"
        await pilot.press("ctrl+s")
        await pilot.pause()
        s = app.session
        assert s is not None and len(s.humans) == 2
        banks = [s.headline(c)["land_bank"] for c in s.humans]
        for name, hectares in (("Ann", "100"), ("Bo", "50")):
            assert isinstance(app.screen, PassScreen)
            assert f"Pass the keyboard to {name}" in screen_text(app)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, DashboardScreen)
            assert isinstance(app.screen.session, SeatView) and app.screen.session.seat.name == name
            await pilot.press("l")
            assert isinstance(app.screen, SellLandForm)
            await type_text(pilot, hectares)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, DashboardScreen)
            assert s.turn == 0  # nothing resolves before the last player ends
            await pilot.press("e")
            if isinstance(app.screen, ConfirmDialog):
                await pilot.press("enter")
            await pilot.pause()
        assert s.turn == 1  # resolved once, for both
        for name in ("Ann", "Bo"):  # each player's report, behind the pass screen
            assert isinstance(app.screen, PassScreen) and name in screen_text(app)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, TurnReport)
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, PassScreen) and "Ann" in screen_text(app)
        assert s.turn == 1
        await pilot.press("enter")
        await pilot.press("w")  # one result per player, named by seat
        await pilot.pause()
        assert sorted(p.name for p in private_folders.glob("*.result.json")) == [
            "Ann-riverside.result.json", "Bo-hillside.result.json"]
        after = [s.headline(c)["land_bank"] for c in s.humans]
        assert after[0] < banks[0] and after[1] < banks[1]

        # the same inputs give the same game
        world = build_world(fixture_content.scenario("fixture-short"), fixture_content.sectors,
                            fixture_content.firms)
        again = Session.start(world, humans=list(s.humans))
        again.act(SellLand(hectares=100, city=s.humans[0]))
        again.act(SellLand(hectares=50, city=s.humans[1]))
        again.end_turn()
        assert again.hash() == s.hash()
