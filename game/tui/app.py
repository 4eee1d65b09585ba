"""The Textual app: a thin shell that owns the content, the settings and the save folder,
starts and loads games, and switches screens.

``make_app`` is the factory tests use (content, folders and settings file injected);
``run_app`` is what ``architect play`` calls. Content and save problems show on an
error screen, never as a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from textual import work
from textual.app import App
from textual.theme import Theme

from game.content.loader import Content, ContentError, load_content
from game.engine.session import Session
from game.engine.world import build_world
from game.saves import SaveError, SaveInfo, default_saves_dir, list_saves, load_game, save_game
from game.saves import autosave as write_autosave
from game.tui.dashboard import DashboardScreen
from game.tui.dialogs import ConfirmDialog
from game.tui.end_report import EndReportScreen
from game.tui.error import ErrorScreen
from game.tui.settings import (
    DEFAULT_THEME,
    Settings,
    default_settings_path,
    load_settings,
    save_settings,
)
from game.tui.title import TitleScreen

CONTENT_ADVICE = ("The game's content packs have problems. Each line names the file, the line "
                  "where it could be found, the key and what was expected. Fix them, or leave "
                  "the pack out of --mods, and start again.")
AUTOSAVE_DELAY_S = 0.4
SAVE_ADVICE = ("The save could not be opened. Nothing has changed: your other saves, and the "
               "game you were playing, are as they were. Esc goes back.")


class ArchitectApp(App[None]):
    """Industrial Architect: title → scenario picker → dashboard → end report."""

    TITLE = "Industrial Architect"
    CSS_PATH = ["app.tcss", "dashboard.tcss", "dialogs.tcss"]

    def __init__(self, content: Content | None, problems: list[str] | None = None,
                 scenario: str | None = None, seed: int | None = None,
                 session: Session | None = None, saves_dir: Path | None = None,
                 settings_path: Path | None = None, mods: Iterable[Path] = (),
                 session_code: str | None = None, base_content: Content | None = None) -> None:
        super().__init__()
        self.content = content
        self.problems = problems or []
        self.base_content = base_content  # the base game alone, offered when mods are broken
        self.start_scenario = scenario
        self.seed = seed
        self.session = session
        self.saves_dir = default_saves_dir(saves_dir)
        self.settings_path = settings_path or default_settings_path()
        self.settings, self.settings_notice = load_settings(self.settings_path)
        self.mods = [Path(m) for m in mods]
        self.session_code = session_code
        self.dirty = False  # something happened since the last save or autosave
        self._pending_autosave: Session | None = None

    # ----- start -----------------------------------------------------------------------
    def on_mount(self) -> None:
        self.apply_theme()
        self.theme_changed_signal.subscribe(self, self.theme_changed)
        if self.settings_notice:
            self.notify(self.settings_notice, title="Settings", severity="warning", timeout=8)
        if self.problems or self.content is None:
            self.push_screen(ErrorScreen("The content could not be loaded", self.problems, CONTENT_ADVICE,
                                         fallback="Play the base game without the mods"
                                         if self.base_content is not None else None))
            return
        self.push_screen(TitleScreen())
        if self.session is not None:  # a loaded game
            self.open_session(self.session)
        elif self.start_scenario:
            self.start_game(self.start_scenario, self.seed)

    def use_base_content(self) -> None:
        """After a content error: go on with the base game alone (the mods screen lists why)."""
        self.content = self.base_content
        self.switch_screen(TitleScreen())

    def apply_theme(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        else:
            self.notify(f"There is no colour theme {self.settings.theme!r}; using {DEFAULT_THEME}.",
                        title="Settings", severity="warning")
            self.theme = DEFAULT_THEME

    def theme_changed(self, theme: Theme) -> None:
        """A theme picked anywhere (settings, the palette) is remembered."""
        if theme.name != self.settings.theme:
            self.update_settings(theme=theme.name)

    def update_settings(self, **changes) -> None:
        self.settings = self.settings.model_copy(update=changes)
        problem = save_settings(Settings.model_validate(self.settings.model_dump()), self.settings_path)
        if problem:
            self.notify(problem, title="Settings", severity="error")

    # ----- moving between modes ------------------------------------------------------
    def show_title(self) -> None:
        """Drop everything above the title screen."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.session = None
        self.dirty = False

    def leave_game(self, then) -> None:
        """Run ``then`` after asking, when the game has unsaved moves and confirmations are on."""
        if self.session is not None and self.dirty and self.settings.confirmations \
                and not self.session.over:
            def answer(yes: bool | None) -> None:
                if yes:
                    then()
            self.push_screen(ConfirmDialog("This quarter's moves are not saved yet (the game "
                                           "saves itself when a turn ends). Leave anyway?"), answer)
        else:
            then()

    def show_picker(self, browse: bool = False) -> None:
        from game.tui.picker import ScenarioPicker

        assert self.content is not None
        self.push_screen(ScenarioPicker(self.content, browse=browse))

    def start_game(self, scenario_id: str, seed: int | None = None) -> None:
        """Build the world and open the dashboard over the title screen."""
        assert self.content is not None
        try:
            world = build_world(self.content.scenario(scenario_id), self.content.sectors,
                                self.content.firms)
            session = Session.start(world, seed=seed)
        except ContentError as exc:
            self.show_title()
            self.push_screen(ErrorScreen(f"Scenario {scenario_id!r} could not be started",
                                         [str(p) for p in exc.problems], CONTENT_ADVICE))
            return
        self.open_session(session)

    def open_session(self, session: Session) -> None:
        self.show_title()
        self.session = session
        self.push_screen(EndReportScreen(session) if session.over else DashboardScreen(session))

    def show_end(self, session: Session) -> None:
        self.show_title()
        self.session = session
        self.push_screen(EndReportScreen(session))

    def request_quit(self) -> None:
        """Leave the game (asking first when something is unsaved)."""
        self.leave_game(self.exit)

    # ----- dialogs ---------------------------------------------------------------------
    def open_help(self, tab: str = "how") -> None:
        from game.tui.help import HelpScreen

        self.push_screen(HelpScreen(tab))

    def open_settings(self) -> None:
        from game.tui.settings_screen import SettingsScreen

        self.push_screen(SettingsScreen())

    def open_mods(self) -> None:
        from game.tui.mods_screen import ModsScreen

        self.push_screen(ModsScreen(self.content, self.problems))

    def open_game_menu(self, session: Session) -> None:
        from game.tui.menus import GameMenu

        self.push_screen(GameMenu(), self.game_menu_choice)

    def game_menu_choice(self, choice: str | None) -> None:
        if choice == "save" and self.session is not None:
            self.open_save(self.session)
        elif choice == "load":
            self.open_load()
        elif choice == "settings":
            self.open_settings()
        elif choice == "help":
            self.open_help()
        elif choice == "title":
            self.leave_game(self.show_title)
        elif choice == "quit":
            self.request_quit()

    # ----- saves -----------------------------------------------------------------------
    def save_meta(self) -> dict:
        return {"session_code": self.session_code} if self.session_code else {}

    def open_save(self, session: Session) -> None:
        from game.tui.saves_ui import SaveDialog

        def saved(name: str | None) -> None:
            if name:
                self.dirty = False
                self.notify(f"Saved as “{name}” in {self.saves_dir}.", title="Saved")
        self.push_screen(SaveDialog(session), saved)

    def write_save(self, session: Session, name: str) -> Path:
        """Save ``session`` as ``name`` (raises SaveError with a sentence for a person)."""
        return save_game(session, name, self.saves_dir, self.save_meta(), content=self.content,
                         mods=self.mods)

    def saves(self) -> list[SaveInfo]:
        return list_saves(self.saves_dir, self.content)

    def latest_autosave(self) -> SaveInfo | None:
        rows = [r for r in list_saves(self.saves_dir) if r.ok and r.kind == "autosave"]
        return rows[0] if rows else None

    def open_load(self) -> None:
        from game.tui.saves_ui import LoadScreen

        self.push_screen(LoadScreen())

    def load_save(self, path: Path) -> None:
        """Open a save as the game in play, or show why it cannot be opened."""
        def go() -> None:
            try:
                session = load_game(path, content=self.content)
            except SaveError as exc:
                self.push_screen(ErrorScreen("The save could not be opened", [str(exc)], SAVE_ADVICE,
                                             fatal=False))
                return
            except (OSError, ValueError, ContentError) as exc:  # belt and braces: never a traceback
                self.push_screen(ErrorScreen("The save could not be opened",
                                             [f"{path.name}: {exc}"], SAVE_ADVICE, fatal=False))
                return
            self.open_session(session)
            for news in session.news:
                if news.kind == "game" and news.severity == "warning" and news.text.startswith("Loaded save"):
                    self.notify(news.text, title="Loaded with a warning", severity="warning", timeout=8)
            self.notify(f"{session.world.scenario.name}, {session.date}.", title="Loaded")
        self.leave_game(go)

    def continue_game(self) -> None:
        info = self.latest_autosave()
        if info is None:
            self.notify("There is no autosave yet: start a new game.", severity="warning")
            return
        self.load_save(info.path)

    def autosave(self, session: Session) -> None:
        """Autosave a frozen copy of the game in a thread; the UI goes on at once."""
        copy = Session.restore(session.world, session.state.copy(), session.turn_start.copy(),
                               [list(t) for t in session.log], list(session.news),
                               list(session.history), list(session.turn_hashes))
        self.dirty = False
        # a moment later, so the writing never competes with drawing the turn report;
        # leaving before then writes it at once (see exit)
        self._pending_autosave = copy
        self.set_timer(AUTOSAVE_DELAY_S, self.start_autosave)

    def start_autosave(self) -> None:
        copy, self._pending_autosave = self._pending_autosave, None
        if copy is not None:
            self.autosave_worker(copy)

    def exit(self, *args, **kwargs) -> None:
        """Leave, after writing an autosave that is still waiting for its moment."""
        copy, self._pending_autosave = self._pending_autosave, None
        if copy is not None:
            try:
                write_autosave(copy, self.saves_dir, keep=self.settings.autosaves,
                               content=self.content, mods=self.mods, meta=self.save_meta())
            except (SaveError, OSError):
                pass  # leaving anyway; the previous autosaves are intact
        super().exit(*args, **kwargs)

    @work(thread=True, group="autosave", exit_on_error=False, description="autosave")
    def autosave_worker(self, session: Session) -> None:
        try:
            write_autosave(session, self.saves_dir, keep=self.settings.autosaves, content=self.content,
                           mods=self.mods, meta=self.save_meta())
        except (SaveError, OSError) as exc:
            self.call_from_thread(self.notify, f"The game could not be saved: {exc}",
                                  title="Autosave failed", severity="error", timeout=8)


def make_app(content: Content | None = None, scenario: str | None = None,
             seed: int | None = None, mods: Iterable[Path] = (),
             session: Session | None = None, saves_dir: Path | None = None,
             settings_path: Path | None = None, session_code: str | None = None) -> ArchitectApp:
    """Build the app; load content from the base pack and ``mods`` unless given.

    ``scenario`` starts that game at once; ``session`` opens a game already under way
    (a loaded save). ``saves_dir`` and ``settings_path`` default to the player's folders.
    """
    problems: list[str] = []
    base: Content | None = None
    mods = [Path(m) for m in mods]
    if content is None:
        try:
            content = load_content(mods)
        except ContentError as exc:
            problems = [str(p) for p in exc.problems]
            if mods:
                try:
                    base = load_content()
                except ContentError:
                    base = None
    return ArchitectApp(content, problems, scenario=scenario, seed=seed, session=session,
                        saves_dir=saves_dir, settings_path=settings_path, mods=mods,
                        session_code=session_code, base_content=base)


def run_app(scenario: str | None = None, seed: int | None = None, mods: Iterable[Path] = (),
            session: Session | None = None, content: Content | None = None,
            saves_dir: str | os.PathLike[str] | None = None, session_code: str | None = None) -> int:
    """Run the game in this terminal; returns the exit code (1 after a content error)."""
    app = make_app(content=content, scenario=scenario, seed=seed, mods=mods, session=session,
                   saves_dir=Path(saves_dir) if saves_dir else None, session_code=session_code)
    app.run()
    return app.return_code or 0
