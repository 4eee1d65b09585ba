"""The Textual app: a thin shell that loads content, starts sessions and switches screens.

``make_app`` is the factory tests use (content can be injected); ``run_app`` is what
``architect play`` calls. Content problems show on an error screen, never as a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import App

from game.content.loader import Content, ContentError, load_content
from game.engine.session import Session
from game.engine.world import build_world
from game.tui.dashboard import DashboardScreen
from game.tui.end_report import EndReportScreen
from game.tui.error import ErrorScreen
from game.tui.picker import ScenarioPicker
from game.tui.title import TitleScreen

CONTENT_ADVICE = ("The game's content packs have problems. Each line names the file, the line "
                  "where it could be found, the key and what was expected. Fix them, or leave "
                  "the pack out of --mods, and start again.")


class ArchitectApp(App[None]):
    """Industrial Architect: title → scenario picker → dashboard → end report."""

    TITLE = "Industrial Architect"
    CSS_PATH = ["app.tcss", "dashboard.tcss", "dialogs.tcss"]

    def __init__(self, content: Content | None, problems: list[str] | None = None,
                 scenario: str | None = None, seed: int | None = None,
                 session: Session | None = None) -> None:
        super().__init__()
        self.content = content
        self.problems = problems or []
        self.start_scenario = scenario
        self.seed = seed
        self.session = session

    def on_mount(self) -> None:
        if self.problems or self.content is None:
            self.push_screen(ErrorScreen("The content could not be loaded", self.problems,
                                         CONTENT_ADVICE))
            return
        self.push_screen(TitleScreen())
        if self.session is not None:  # a loaded game
            self.push_screen(EndReportScreen(self.session) if self.session.over
                             else DashboardScreen(self.session))
        elif self.start_scenario:
            self.start_game(self.start_scenario, self.seed)

    # ----- moving between modes ------------------------------------------------------
    def show_title(self) -> None:
        """Drop everything above the title screen."""
        while len(self.screen_stack) > 2:
            self.pop_screen()

    def show_picker(self) -> None:
        assert self.content is not None
        self.push_screen(ScenarioPicker(self.content))

    def start_game(self, scenario_id: str, seed: int | None = None) -> None:
        """Build the world and open the dashboard over the title screen."""
        assert self.content is not None
        try:
            world = build_world(self.content.scenario(scenario_id), self.content.sectors,
                                self.content.firms)
            self.session = Session.start(world, seed=seed)
        except ContentError as exc:
            self.show_title()
            self.push_screen(ErrorScreen(f"Scenario {scenario_id!r} could not be started",
                                         [str(p) for p in exc.problems], CONTENT_ADVICE))
            return
        self.show_title()
        self.push_screen(DashboardScreen(self.session))

    def show_end(self, session: Session) -> None:
        self.show_title()
        self.push_screen(EndReportScreen(session))


def make_app(content: Content | None = None, scenario: str | None = None,
             seed: int | None = None, mods: Iterable[Path] = (),
             session: Session | None = None) -> ArchitectApp:
    """Build the app; load content from the base pack and ``mods`` unless given.

    ``scenario`` starts that game at once; ``session`` opens a game already under way
    (a loaded save).
    """
    problems: list[str] = []
    if content is None:
        try:
            content = load_content([Path(m) for m in mods])
        except ContentError as exc:
            problems = [str(p) for p in exc.problems]
    return ArchitectApp(content, problems, scenario=scenario, seed=seed, session=session)


def run_app(scenario: str | None = None, seed: int | None = None, mods: Iterable[Path] = (),
            session: Session | None = None, content: Content | None = None) -> int:
    """Run the game in this terminal; returns the exit code (1 after a content error)."""
    app = make_app(content=content, scenario=scenario, seed=seed, mods=mods, session=session)
    app.run()
    return app.return_code or 0
