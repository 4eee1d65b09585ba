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
from game.engine.build import build_world
from game.engine.session import Session
from game.saves import SaveError, SaveInfo, default_saves_dir, list_saves, load_game, save_game
from game.saves import autosave as write_autosave
from game.tui.dashboard import DashboardScreen
from game.tui.dialogs import ConfirmDialog, TurnReport
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
DEFAULT_PLAYER = "player"
SAVE_ADVICE = ("The save could not be opened. Nothing has changed: your other saves, and the "
               "game you were playing, are as they were. Esc goes back.")


def player_name_problem(name: str) -> str | None:
    """Why a player's name cannot go into a result file (empty means the default)."""
    if len(name) > 60:
        return "A name of at most 60 characters, please."
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "A name without control characters, please."
    return None


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
        self.player_name: str | None = None  # asked once, for result files
        self.seats: list = []  # hot-seat players (game.tui.hotseat.Seat), empty otherwise
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
            self.start_game(self.start_scenario, self.seed, session_code=self.session_code)

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
        self.seats = []
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

    def start_game(self, scenario_id: str, seed: int | None = None,
                   session_code: str | None = None) -> None:
        """Build the world and open the dashboard over the title screen (``session_code``,
        when the game came from one, goes into its saves and result files)."""
        assert self.content is not None
        self.session_code = session_code
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

    # ----- hot-seat ----------------------------------------------------------------------
    def open_hotseat(self, scenario_id: str) -> None:
        """Ask who plays which city, then start the hot-seat game."""
        from game.tui.hotseat import HotSeatSetup

        assert self.content is not None
        world = build_world(self.content.scenario(scenario_id), self.content.sectors,
                            self.content.firms)

        def chosen(seats) -> None:
            if seats:
                self.start_hotseat(world, seats)
        self.push_screen(HotSeatSetup(world), chosen)

    def start_hotseat(self, world, seats, seed: int | None = None) -> None:
        """A new game with a person at each of ``seats``' cities; the first seat begins."""
        session = Session.start(world, seed=seed, humans=[s.city for s in seats])
        session.player_names = {s.city: s.name for s in seats}  # saves keep them
        self.show_title()
        self.session_code = None
        self.resume_hotseat(session, list(seats))

    def resume_hotseat(self, session: Session, seats) -> None:
        """Play on a hot-seat game (new or loaded): the first seat decides, or the end shows."""
        from game.tui.hotseat import HotSeatEnd

        self.session = session
        self.seats = list(seats)
        if session.over:
            self.push_screen(HotSeatEnd(session, self.seats))
        else:
            self.next_seat(0)

    def next_seat(self, n: int) -> None:
        """Hide the game until seat ``n``'s player is at the keyboard, then their dashboard."""
        from game.tui.hotseat import PassScreen, SeatView, city_label

        session, seat = self.session, self.seats[n]
        assert session is not None
        city = session.world.cities[seat.city].name

        def ready(_: None) -> None:
            self.push_screen(DashboardScreen(SeatView(session, seat)))  # type: ignore[arg-type]
        self.push_screen(PassScreen(city_label(session, seat),
                                    f"{session.date}: {city}'s decisions. The others look away."),
                         ready)

    def seat_done(self, view) -> None:
        """A hot-seat player ended their quarter: the next one decides, or the turn resolves."""
        from game.tui.hotseat import SeatView

        n = self.seats.index(view.seat)
        self.pop_screen()  # that player's dashboard
        if n + 1 < len(self.seats):
            self.next_seat(n + 1)
            return
        session = self.session
        assert session is not None
        views = [SeatView(session, seat) for seat in self.seats]
        befores = []
        for v in views:
            opened = v.history[-1]
            befores.append({k: float(getattr(opened, k)) for k in v.headline() if hasattr(opened, k)})
        closed = session.date
        news = session.end_turn()
        self.autosave(session)
        self.show_reports(views, befores, closed, news, 0)

    def show_reports(self, views, befores, closed: str, news, n: int) -> None:
        """Each player's turn report, behind the pass screen; then the next quarter."""
        from game.tui.hotseat import HotSeatEnd, PassScreen, city_label

        session = self.session
        assert session is not None
        if n >= len(views):
            if session.over:
                self.push_screen(HotSeatEnd(session, self.seats))
            else:
                self.next_seat(0)
            return
        v = views[n]
        tag = None if v.seat.city == session.player else v.seat.city
        mine = [item for item in news if item.city is None or item.city == tag]

        def ready(_: None) -> None:
            report = TurnReport(v, closed, befores[n], v.headline(), mine, v.ledger_rows())  # type: ignore[arg-type]
            self.push_screen(report, lambda _: self.show_reports(views, befores, closed, news, n + 1))
        self.push_screen(PassScreen(city_label(session, v.seat), f"{closed} closed: "
                                    f"{session.world.cities[v.seat.city].name}'s report."), ready)

    def join_class(self) -> None:
        """Ask for a session code and start the world it names."""
        from game.classroom.codes import normalise
        from game.tui.classroom_ui import decoded, join_dialog

        assert self.content is not None
        content = self.content

        def entered(code: str | None) -> None:
            if code:
                scenario_id, seed = decoded(code, content)
                self.start_game(scenario_id, seed, session_code=normalise(code))
        self.push_screen(join_dialog(content), entered)

    def open_session(self, session: Session) -> None:
        self.show_title()
        if len(session.humans) > 1:  # a saved hot-seat game: its players, by name
            from game.tui.hotseat import seats_of

            self.resume_hotseat(session, seats_of(session))
            return
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
        elif choice == "export" and self.session is not None:
            self.export_result(self.session)
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

    # ----- results (for the class report) --------------------------------------------
    def export_result(self, session: Session) -> None:
        """Write this game's result file into the saves folder (the name is asked once;
        a hot-seat game writes one file per player, named by seat)."""
        if self.seats:
            self.write_hotseat_results(session)
            return
        if self.player_name is not None:
            self.write_result(session, self.player_name)
            return
        from game.tui.classroom_ui import TextPrompt

        def named(name: str | None) -> None:
            if name is None:
                return
            self.player_name = name or DEFAULT_PLAYER
            self.write_result(session, self.player_name)
        self.push_screen(TextPrompt("Export a result", "Your name (it goes into the result file)",
                                    value=DEFAULT_PLAYER, check=player_name_problem), named)

    def write_result(self, session: Session, name: str) -> Path | None:
        from game.classroom.results import ResultError, result_filename
        from game.classroom.results import export_result as write

        try:
            path = write(session, self.saves_dir / result_filename(name, self.session_code),
                         player=name, code=self.session_code, content=self.content)
        except ResultError as exc:
            self.notify(exc.message, title="The result could not be written", severity="error",
                        timeout=10)
            return None
        self.notify(f"Written to {path}.", title="Result exported", timeout=8)
        return path

    def write_hotseat_results(self, session: Session) -> list[Path]:
        from game.classroom.results import ResultError, export_results

        names = {seat.city: seat.name for seat in self.seats}
        try:
            paths = export_results(session, self.saves_dir, players=[names[c] for c in session.humans],
                                   code=self.session_code, content=self.content)
        except ResultError as exc:
            self.notify(exc.message, title="The results could not be written", severity="error",
                        timeout=10)
            return []
        self.notify("\n".join(str(p) for p in paths), title="Results exported", timeout=8)
        return paths

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
        copy.player_names = dict(session.player_names)
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
