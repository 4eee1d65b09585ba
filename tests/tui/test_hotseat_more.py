"""Hot-seat: the setup refuses a lone player, and the end screen ranks the players."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox

from game.content.loader import Content
from game.engine.actions import SellLand
from game.engine.build import build_world
from game.engine.session import Session
from game.tui.app import make_app
from game.tui.hotseat import HotSeatEnd, HotSeatSetup, Seat, SeatView, ranking
from tests.tui.helpers import screen_text


def world_of(content: Content, scenario_id: str = "fixture-short"):
    return build_world(content.scenario(scenario_id), content.sectors, content.firms)


@pytest.mark.asyncio
async def test_setup_needs_two_players(fixture_content: Content) -> None:
    app = make_app(content=fixture_content)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        app.push_screen(HotSeatSetup(world_of(fixture_content)))
        await pilot.pause()
        setup = app.screen
        for box in setup.query(Checkbox):
            if not box.disabled:
                box.value = False
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HotSeatSetup) and app.session is None
        assert "Tick 2 to 6 cities" in screen_text(app)


@pytest.mark.asyncio
async def test_the_end_ranks_players_by_score(fixture_content: Content, private_folders) -> None:
    world = world_of(fixture_content)
    s = Session.start(world, humans=[0, 1])
    while not s.over:
        s.end_turn()
    seats = [Seat("Ann", 0), Seat("Bo", 1)]
    best = max(seats, key=lambda seat: s.score(seat.city))
    table = ranking(s, seats)
    assert table.row_count == 2
    app = make_app(content=fixture_content)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        app.seats = seats
        app.push_screen(HotSeatEnd(s, seats))
        await pilot.pause()
        text = screen_text(app)
        assert "Players by score" in text
        assert text.index(f"1 {best.name}") < text.index("2 ")
        await pilot.press("w")  # a result file per player, from the end screen
        await pilot.pause()
        assert len(list(private_folders.glob("*.result.json"))) == 2


def test_a_seat_reads_its_own_city(fixture_content: Content) -> None:
    s = Session.start(world_of(fixture_content), humans=[0, 1])
    s.act(SellLand(hectares=100, city=1))
    s.end_turn()
    bo = SeatView(s, Seat("Bo", 1))
    assert bo.player == 1 and bo.headline() == s.headline(1)
    assert bo.history[-1].land_bank == pytest.approx(s.headline(1)["land_bank"])
    assert dict(bo.ledger_rows()) != dict(s.ledger_rows())  # Bo sold land; Riverside did not
    assert bo.explain("treasury") == bo.ledger_rows()
