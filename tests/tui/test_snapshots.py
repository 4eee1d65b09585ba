"""SVG snapshots of the main screens at 80x24 and 120x40: title, picker, every dashboard
tab, a firm's page, the event modal, a form, the turn report, save and load, the end report.

They use the frozen fixture pack (see conftest.py) and games prepared through the engine
(a few quarters with a sale, an investment, a fund and courted suppliers), opened the way
a loaded save is. Regenerate after a deliberate change with
``pytest tests/tui --snapshot-update`` and look at the SVGs before committing them.
Nothing on these screens depends on the clock (the load list's times are fixed, in UTC).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_textual_snapshot import SVGImageExtension

from game.content.loader import Content
from game.engine.actions import CreateFund, InvestEquity, RecruitSuppliers, SellLand
from game.engine.build import build_world
from game.engine.session import Session
from game.saves import SaveInfo
from game.tui.app import make_app
from game.tui.saves_ui import LoadScreen

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


def start(content: Content, scenario: str) -> Session:
    return Session.start(build_world(content.scenario(scenario), content.sectors, content.firms))


def answer_all(s: Session) -> None:
    for event in s.pending_events():
        s.choose(event["key"], next(o["index"] for o in event["options"] if o["default"]))


@pytest.fixture(scope="module")
def played(fixture_content: Content) -> Session:
    """Long Haul after four quarters: land sold, Clear Glass backed, a glass fund, suppliers."""
    s = start(fixture_content, "fixture-long-haul")
    s.act(SellLand(hectares=100))
    answer_all(s)
    s.end_turn()
    ask = next(r["ask"] for r in s.firms() if r["id"] == "fixture-clear-glass")
    s.act(InvestEquity(firm="fixture-clear-glass", amount_bn=ask))
    s.act(CreateFund(sector="display-glass", amount_bn=2.0))
    s.end_turn()
    s.act(RecruitSuppliers(sector="display-glass"))
    s.end_turn()
    s.end_turn()
    return s


def copy(s: Session) -> Session:
    return Session.restore(s.world, s.state.copy(), s.turn_start.copy(), [list(t) for t in s.log],
                           list(s.news), list(s.history), list(s.turn_hashes))


@SIZES
def test_title(snap_compare, fixture_content: Content, size) -> None:
    assert snap_compare(make_app(content=fixture_content), terminal_size=size)


@SIZES
def test_scenario_picker(snap_compare, fixture_content: Content, size) -> None:
    assert snap_compare(make_app(content=fixture_content), press=["enter"], terminal_size=size)


TOUR = (  # (snapshot name, keys that lead there, keys that leave it)
    *((f"tab-{tab}", [str(n)], []) for n, tab in enumerate(
        ("city", "land", "industry", "sectors", "chains", "portfolio", "ledger", "news"), 1)),
    ("firm-page", ["3", "enter"], ["escape"]),
    ("sell-land-form", ["l", "1", "0", "0"], ["escape"]),
    ("save-dialog", ["ctrl+s"], ["escape"]),
    ("turn-report", ["e", "enter"], []),
)


@pytest.fixture
def svg_snapshot(snapshot):
    return snapshot.use_extension(SVGImageExtension)


@SIZES
def test_dashboard_tour(svg_snapshot, fixture_content: Content, played: Session, size) -> None:
    """Every tab, a firm's page, a form, the save dialog and the turn report, in one run of
    the app (a run per picture would cost a second each)."""
    shots: dict[str, str] = {}

    async def tour(pilot) -> None:
        app = pilot.app
        await pilot.pause()
        for name, keys, leave in TOUR:
            await pilot.press(*keys)
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            shots[name] = app.export_screenshot(title=app.title)
            await pilot.press(*leave)
            await pilot.pause()
        app.exit()

    app = make_app(content=fixture_content, session=copy(played))
    app.run(headless=True, auto_pilot=tour, size=size)
    assert list(shots) == [name for name, _, _ in TOUR]
    for name, svg in shots.items():
        assert svg == svg_snapshot(name=name), name


@SIZES
def test_event_modal(snap_compare, fixture_content: Content, size) -> None:
    s = start(fixture_content, "fixture-riverside")
    s.end_turn()  # the business-park offer waits; the dashboard opens it at once
    assert snap_compare(make_app(content=fixture_content, session=s), terminal_size=size)


@SIZES
def test_load_screen(snap_compare, fixture_content: Content, size, monkeypatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    at = datetime(2026, 3, 14, 9, 26, tzinfo=UTC)
    folder = Path("/saves")
    rows = [
        SaveInfo("riverside-2012", folder / "riverside-2012.save.json", True, kind="manual",
                 scenario="fixture-long-haul", scenario_name="Long Haul (fixture)", date="2012 Q3",
                 turn=8, saved_at=at, game_version="0.1.0", over=False),
        SaveInfo("autosave-1", folder / "autosave-1.save.json", True, kind="autosave",
                 scenario="fixture-riverside", scenario_name="Riverside (fixture)", date="2010 Q2",
                 turn=1, saved_at=at, game_version="0.1.0", over=False),
        SaveInfo("edited", folder / "edited.save.json", False,
                 error="the checksum does not match: the file was changed after it was saved"),
    ]
    app = make_app(content=fixture_content, saves_dir=folder)

    async def open_load(pilot) -> None:
        await pilot.pause()
        app.push_screen(LoadScreen(rows))
        await pilot.pause()

    try:
        assert snap_compare(app, run_before=open_load, terminal_size=size)
    finally:
        monkeypatch.undo()
        time.tzset()


@SIZES
def test_end_report(snap_compare, fixture_content: Content, size) -> None:
    s = start(fixture_content, "fixture-short")
    while not s.over:
        s.end_turn()
    assert snap_compare(make_app(content=fixture_content, session=s), terminal_size=size)
