"""Hot-seat end screen: who built each sector's capacity; hot-seat saves keep the players' names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Static

from game.content.loader import Content
from game.engine.build import build_world
from game.engine.contrib import sector_parts
from game.engine.session import Session
from game.saves import SaveError, checksum, load_game
from game.tui.app import make_app
from game.tui.dashboard import DashboardScreen
from game.tui.dialogs import ConfirmDialog
from game.tui.hotseat import HotSeatEnd, PassScreen, Seat, SeatView
from tests.test_contrib import invest_in_every_prospect
from tests.tui.helpers import screen_text, take_default_decisions, text_of

SEATS = [Seat("Ann", 0), Seat("Bo", 1)]


def world_of(content: Content, scenario_id: str):
    return build_world(content.scenario(scenario_id), content.sectors, content.firms)


@pytest.fixture(scope="module")
def finished(fixture_content: Content) -> Session:
    """A whole hot-seat game of fixture-riverside in which both players back their prospects."""
    s = Session.start(world_of(fixture_content, "fixture-riverside"), humans=[0, 1])
    s.player_names = {seat.city: seat.name for seat in SEATS}
    while not s.over:
        invest_in_every_prospect(s)
        s.end_turn()
    return s


@pytest.mark.asyncio
async def test_the_end_says_who_built_each_sectors_capacity(fixture_content: Content, finished) -> None:
    s = finished
    parts = sector_parts(s.world, s.state, s.log)
    built = [p for p in parts if p.share(p.cities_added_bn) is not None]
    assert built, "the fixture game should add capacity somewhere"
    app = make_app(content=fixture_content)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.seats = SEATS
        app.push_screen(HotSeatEnd(s, SEATS))
        await pilot.pause()
        table = text_of(app.screen.query_one("#sector-table", Static))
        story = text_of(app.screen.query_one("#sector-story", Static))
        assert "Who built the capacity" in table
        for seat in SEATS:
            assert seat.name in table and s.world.cities[seat.city].name in table
        for part in parts:
            assert part.name in table
            assert f"{part.capacity_bn:,.0f} / {part.demand_bn:,.0f}" in table
        for part in built:  # the biggest builder, named in words, with its share
            top = max(part.cities, key=lambda c: c.added_bn)
            who = {seat.city: seat.name for seat in SEATS}[top.city]
            assert f"{part.name} ends" in story
            assert f"{who}'s {top.name} built {part.share(top.added_bn) * 100:.0f}% of the capacity" in story
            money = top.invested_bn
            assert money and f"· ¥{money:,.1f}" in table  # what that player put in
        assert "Players by score" in screen_text(app)


async def _play_one_quarter(pilot, app) -> None:
    """Each seat in turn: past the pass screen, end the quarter; then read the reports."""
    for _ in app.seats:
        assert isinstance(app.screen, PassScreen)
        await pilot.press("enter")
        await pilot.pause()
        await take_default_decisions(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("e")
        await pilot.pause()
        if isinstance(app.screen, ConfirmDialog):
            await pilot.press("enter")
            await pilot.pause()
    for _ in app.seats:  # each report behind its pass screen
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()


def _rewrite(path: Path, change) -> None:
    """Change a save's payload and seal it again with a good checksum."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc["payload"])
    doc["checksum"] = checksum(doc["payload"])
    path.write_text(json.dumps(doc), encoding="utf-8")


@pytest.mark.asyncio
async def test_a_hotseat_save_brings_back_its_players(fixture_content: Content, private_folders) -> None:
    world = world_of(fixture_content, "fixture-riverside")
    app = make_app(content=fixture_content)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        app.start_hotseat(world, SEATS)
        await pilot.pause()
        await _play_one_quarter(pilot, app)
        assert app.session.turn == 1
        path = app.write_save(app.session, "duo")
        app.autosave(app.session)  # the autosave's frozen copy keeps the names too
        app.start_autosave()
        await app.workers.wait_for_complete()
        autosave = app.latest_autosave()
    assert load_game(path, content=fixture_content).player_names == {0: "Ann", 1: "Bo"}
    assert autosave is not None
    assert load_game(autosave.path, content=fixture_content).player_names == {0: "Ann", 1: "Bo"}

    again = make_app(content=fixture_content)
    async with again.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        again.load_save(path)
        await pilot.pause()
        assert again.seats == SEATS
        assert isinstance(again.screen, PassScreen)
        assert "Pass the keyboard to Ann (Riverside)" in screen_text(again)
        await _play_one_quarter(pilot, again)  # the second player's charts and reports work too
        assert again.session.turn == 2
        assert isinstance(again.screen, PassScreen) and "Ann" in screen_text(again)
        await pilot.press("enter")
        await pilot.pause()
        view = again.screen.session
        assert isinstance(view, SeatView) and view.seat == SEATS[0]


@pytest.mark.asyncio
async def test_an_older_hotseat_save_names_its_players_by_seat(fixture_content: Content,
                                                              private_folders) -> None:
    s = Session.start(world_of(fixture_content, "fixture-riverside"), humans=[0, 1])
    s.player_names = {0: "Ann", 1: "Bo"}
    s.end_turn()
    app = make_app(content=fixture_content)
    path = app.write_save(s, "old")
    _rewrite(path, lambda p: p.pop("players"))  # as saved before names were kept
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        app.load_save(path)
        await pilot.pause()
        assert app.seats == [Seat("Player 1", 0), Seat("Player 2", 1)]
        assert "Pass the keyboard to Player 1" in screen_text(app)


@pytest.mark.parametrize("change, why", [
    (lambda p: p["players"][1].update(city=0), "players play cities"),
    (lambda p: p["players"][1].update(name="Ann"), "same name"),
    (lambda p: p["players"][0].update(seat=1), "players.0.seat"),
    (lambda p: p["players"][0].update(name=""), "players.0.name"),
])
def test_a_hotseat_saves_players_are_checked(fixture_content: Content, private_folders, change, why) -> None:
    s = Session.start(world_of(fixture_content, "fixture-riverside"), humans=[0, 1])
    s.player_names = {0: "Ann", 1: "Bo"}
    path = make_app(content=fixture_content).write_save(s, "duo")
    _rewrite(path, change)
    with pytest.raises(SaveError, match=why):
        load_game(path, content=fixture_content)


def test_a_single_players_save_has_no_players(fixture_content: Content, private_folders) -> None:
    s = Session.start(world_of(fixture_content, "fixture-riverside"))
    path = make_app(content=fixture_content).write_save(s, "solo")
    assert "players" not in json.loads(path.read_text(encoding="utf-8"))["payload"]
    assert load_game(path, content=fixture_content).player_names == {}


def test_a_save_from_a_seats_dashboard_keeps_the_whole_game(fixture_content: Content,
                                                           private_folders) -> None:
    s = Session.start(world_of(fixture_content, "fixture-riverside"), humans=[0, 1])
    s.player_names = {0: "Ann", 1: "Bo"}
    s.end_turn()
    path = make_app(content=fixture_content).write_save(SeatView(s, SEATS[1]), "from-bo")
    loaded = load_game(path, content=fixture_content)
    assert loaded.hash() == s.hash() and loaded.player_names == s.player_names
    assert [h.treasury for h in loaded.history] == [h.treasury for h in s.history]  # the game's, not Bo's
    assert loaded.others_history[1][-1].treasury == s.others_history[1][-1].treasury
