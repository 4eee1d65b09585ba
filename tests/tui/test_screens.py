"""Pilot tests of the screens around the game: title, continue, save and load (damaged
saves included), the error screen, settings, help and its glossary, mods, the game menu."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import DataTable, Input, Select, Static

from game.content.loader import Content
from game.engine import registry
from game.engine.build import build_world
from game.engine.ledger import CATEGORY_LABELS
from game.engine.scoring import RULES
from game.engine.session import Session
from game.saves import list_saves, load_game, save_game
from game.tui.app import make_app
from game.tui.dashboard import DashboardScreen
from game.tui.dialogs import ConfirmDialog, TurnReport
from game.tui.end_report import COMPONENT_LABELS
from game.tui.error import ErrorScreen
from game.tui.help import HelpScreen
from game.tui.menus import GameMenu
from game.tui.mods_screen import ModsScreen
from game.tui.picker import ScenarioPicker
from game.tui.saves_ui import LoadScreen, SaveDialog
from game.tui.settings import Settings
from game.tui.settings_screen import SettingsScreen
from game.tui.title import TitleScreen
from tests.tui.helpers import end_turn, screen_text, text_of, type_text


def session_of(content: Content, scenario: str, turns: int = 0) -> Session:
    world = build_world(content.scenario(scenario), content.sectors, content.firms)
    s = Session.start(world)
    for _ in range(turns):
        s.end_turn()
    return s


async def test_the_title_menu_opens_every_screen(fixture_content: Content) -> None:
    app = make_app(content=fixture_content)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        shown = screen_text(app)
        for item in ("New game", "Continue (none)", "Load game", "Scenarios", "Mods",
                     "Settings", "Help", "Quit"):
            assert item in shown
        for key, screen in (("n", ScenarioPicker), ("s", ScenarioPicker), ("l", LoadScreen),
                            ("m", ModsScreen), ("o", SettingsScreen), ("question_mark", HelpScreen)):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, screen), key
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, TitleScreen), key
        await pilot.press("c")  # no autosave yet: a warning, the title stays
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("s")
        assert "Cities:" in text_of(app.screen.query_one("#scenario-brief", Static))  # the browser's details
        await pilot.press("escape", "q")
    assert app.return_code in (0, None)


async def test_autosave_after_each_turn_then_continue(fixture_content: Content, private_folders: Path) -> None:
    app = make_app(content=fixture_content, scenario="fixture-short")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await end_turn(app, pilot)
        await pilot.pause(0.5)  # the autosave waits until the report is on screen
        await app.workers.wait_for_complete()
        assert (private_folders / "autosave-1.save.json").is_file()
        rows = list_saves(private_folders)
        assert rows[0].kind == "autosave" and rows[0].date == "2010 Q2"
        # the game menu's Main menu leaves at once: nothing is unsaved
        await pilot.press("escape")
        assert isinstance(app.screen, GameMenu)
        await pilot.press("up", "up", "enter")  # Main menu (second from the bottom)
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        assert "Continue: Riverside Sprint (fixture), 2010 Q2" in screen_text(app)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert app.session.date == "2010 Q2" and app.session.turn == 1


async def test_leaving_right_after_a_turn_still_autosaves(fixture_content: Content,
                                                          private_folders: Path) -> None:
    app = make_app(content=fixture_content, scenario="fixture-short")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await end_turn(app, pilot)
        await pilot.press("q")  # before the autosave's moment
    assert list_saves(private_folders)[0].date == "2010 Q2"


async def test_save_dialog_suggests_a_name_checks_it_and_asks_before_replacing(
        fixture_content: Content, private_folders: Path) -> None:
    app = make_app(content=fixture_content, scenario="fixture-short")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        dialog = app.screen
        assert isinstance(dialog, SaveDialog)
        assert dialog.query_one("#save-name", Input).value == "fixture-short 2010 Q1"
        assert "A new save" in text_of(dialog.query_one("#verdict", Static))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert (private_folders / "fixture-short 2010 Q1.save.json").is_file()

        await pilot.press("ctrl+s")
        dialog = app.screen
        assert "exists" in text_of(dialog.query_one("#verdict", Static))
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmDialog)  # replacing asks first
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)

        await pilot.press("ctrl+s")
        dialog = app.screen
        dialog.query_one("#save-name", Input).value = "../escape"
        await pilot.pause()
        assert "would leave the save folder" in text_of(dialog.query_one("#verdict", Static))
        await pilot.press("enter")
        assert isinstance(app.screen, SaveDialog)
        dialog.query_one("#save-name", Input).value = "autosave-9"
        await pilot.pause()
        assert "kept for the autosaves" in text_of(dialog.query_one("#verdict", Static))
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_load_lists_damaged_saves_and_opens_good_ones(
        fixture_content: Content, private_folders: Path) -> None:
    good = session_of(fixture_content, "fixture-short", turns=2)
    save_game(good, "my game", private_folders, content=fixture_content)
    (private_folders / "broken.save.json").write_text('{"format": "industrial-architect-save"')
    app = make_app(content=fixture_content)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        load = app.screen
        assert isinstance(load, LoadScreen)
        table = load.query_one("#save-table", DataTable)
        names = [load.rows[int(k.value)].name for k in table.rows]
        assert names == ["my game", "broken"]  # good saves first, newest first
        shown = screen_text(app)
        assert "2010 Q3" in shown and "Riverside Sprint (fixture)" in shown and "✖ cannot open" in shown
        await pilot.press("down")
        assert "cannot be opened" in text_of(load.query_one("#save-detail", Static))
        await pilot.press("enter")  # damaged: refused, the list stays
        await pilot.pause()
        assert app.screen is load
        await pilot.press("up", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert app.session.turn == 2 and app.session.hash() == good.hash()


async def test_a_save_that_fails_to_load_shows_the_error_screen(
        fixture_content: Content, private_folders: Path) -> None:
    """The file changes between listing and opening: SaveError's words on the error
    screen, Esc back to the list, nothing lost."""
    s = session_of(fixture_content, "fixture-short", turns=1)
    path = save_game(s, "tampered", private_folders, content=fixture_content)
    app = make_app(content=fixture_content)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        assert isinstance(app.screen, LoadScreen)
        doc = json.loads(path.read_text())
        doc["payload"]["turn"] = 2  # a hand edit the checksum catches
        path.write_text(json.dumps(doc))
        await pilot.press("enter")
        await pilot.pause()
        error = app.screen
        assert isinstance(error, ErrorScreen)
        problem = text_of(error.query_one(".problem", Static))
        assert "tampered.save.json" in problem and "checksum" in problem
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)


async def test_a_loaded_session_opens_in_the_game(fixture_content: Content, private_folders: Path) -> None:
    """``run_app(session=...)`` (architect play --load) opens the game where it was."""
    s = session_of(fixture_content, "fixture-short", turns=1)
    save_game(s, "x", private_folders, content=fixture_content)
    loaded = load_game("x", private_folders, content=fixture_content)
    app = make_app(content=fixture_content, session=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert "2010 Q2" in text_of(app.screen.query_one("#stat-date", Static))


async def test_settings_change_the_theme_and_confirmations_and_persist(
        fixture_content: Content, tmp_path: Path) -> None:
    app = make_app(content=fixture_content, scenario="fixture-short")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        assert isinstance(app.screen, GameMenu)
        await pilot.press("down", "down", "down", "enter")  # Settings
        await pilot.pause()
        settings = app.screen
        assert isinstance(settings, SettingsScreen)
        settings.query_one("#theme", Select).value = "nord"
        await pilot.pause()
        assert app.theme == "nord"
        await pilot.press("tab", "space")  # untick confirmations
        await pilot.pause()
        saved = json.loads((tmp_path / "settings.json").read_text())
        assert saved["theme"] == "nord" and saved["confirmations"] is False
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("e")  # no question any more
        assert isinstance(app.screen, TurnReport)


async def test_a_bad_settings_file_falls_back_to_defaults_with_a_notice(
        fixture_content: Content, tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text('{"theme": "nord", "confirmations": "sometimes"}')
    app = make_app(content=fixture_content)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.settings == Settings()
        assert any("could not be used" in n.message for n in app._notifications)
    (tmp_path / "settings.json").write_text('{"theme": "no-such-theme"}')
    app = make_app(content=fixture_content)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        assert any("no colour theme" in n.message for n in app._notifications)


async def test_help_has_keys_and_a_glossary_of_every_metric(fixture_content: Content) -> None:
    app = make_app(content=fixture_content, scenario="fixture-short")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert "End the turn" in text_of(help_screen.query_one("#help-how Static", Static))
        scoring = text_of(help_screen.query_one("#help-score", Static))
        for key, rule in RULES.items():  # every component and its rule, as the engine scores it
            assert COMPONENT_LABELS[key] in scoring and rule.split(";")[0][:30] in scoring, key
        await pilot.press("2")
        keys = text_of(help_screen.query_one("#help-keys Static", Static))
        for word in ("Sell land", "Grant land", "Guidance fund", "Ctrl+S", "undo"):
            assert word in keys
        await pilot.press("3")
        glossary = text_of(help_screen.query_one("#help-glossary Static", Static))
        for name, metric in registry.METRICS.items():
            assert name.split(".", 1)[1].replace("_", " ") in glossary, name
            assert metric.meaning.split(";")[0][:30] in glossary, name
        for label in CATEGORY_LABELS.values():
            assert label in glossary
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_mods_screen_lists_packs_and_the_problems_of_broken_ones(tmp_path: Path) -> None:
    pack = tmp_path / "broken-pack"
    pack.mkdir()
    (pack / "pack.toml").write_text('id = "broken-pack"\nname = "Broken\nversion = "1.0"\n')
    app = make_app(mods=[pack])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        error = app.screen
        assert isinstance(error, ErrorScreen)
        problems = [text_of(w) for w in error.query(".problem").results(Static)]
        assert problems and "broken-pack/pack.toml" in problems[0] and "TOML syntax" in problems[0]
        assert "press b" in text_of(error.query_one("#error-advice", Static))
        await pilot.press("b")  # the base game alone
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("m")
        shown = screen_text(app)
        assert "Industrial Architect: base game" in shown and "could not be loaded" in shown
        assert "broken-pack/pack.toml" in shown


async def test_a_bad_mod_without_a_way_out_quits_with_an_error(tmp_path: Path) -> None:
    app = make_app(content=None)
    app.problems = ["content/x.toml: id: expected a string"]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        await pilot.press("q")
    assert app.return_code == 1


async def test_unknown_scenario_shows_the_error_screen(content: Content) -> None:
    app = make_app(content=content, scenario="no-such-place")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        assert "no scenario 'no-such-place'" in text_of(app.screen.query(".problem").first(Static))


async def test_leaving_with_unsaved_moves_asks_first(fixture_content: Content) -> None:
    app = make_app(content=fixture_content, scenario="fixture-short")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("q")  # nothing done yet: no question
        await pilot.pause()
    assert app.return_code in (0, None)
    app = make_app(content=fixture_content, scenario="fixture-short")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await type_text(pilot, "10")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("escape", "up", "enter")  # the menu's Quit
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
    assert app.return_code in (0, None)
