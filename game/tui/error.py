"""The error screen: content or a save that could not be loaded, one problem a line, no
traceback. A fatal one (the game cannot start) quits; others go back with Esc."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static


class ErrorScreen(Screen[None]):
    """Shows what went wrong in words a player or a modder can act on."""

    BINDINGS = [Binding("q", "quit", "Quit", id="error.quit"),
                Binding("escape", "back", "Back", id="error.back"),
                Binding("b", "fallback", "Base game", id="error.base")]

    def __init__(self, heading: str, problems: list[str], advice: str, fatal: bool = True,
                 fallback: str | None = None) -> None:
        super().__init__()
        self.heading = heading
        self.problems = problems
        self.advice = advice
        self.fatal = fatal
        self.fallback = fallback

    def compose(self) -> ComposeResult:
        yield Static(Text("✖ " + self.heading, style="bold"), id="error-title")
        advice = self.advice
        if self.fallback:
            advice += f" Or press b: {self.fallback.lower()}."
        yield Static(advice, id="error-advice")
        with VerticalScroll(id="error-list"):
            for n, problem in enumerate(self.problems, 1):
                yield Static(f"{n}. {problem}", classes="problem")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        box = self.query_one("#error-list")
        box.border_title = f"{len(self.problems)} problem" + ("" if len(self.problems) == 1 else "s")
        box.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "fallback":
            return self.fallback is not None
        if action == "back":
            return True
        return True

    def action_back(self) -> None:
        """Go back (or leave, when the game cannot start)."""
        if self.fatal:
            self.app.exit(return_code=1)
        else:
            self.dismiss(None)

    def action_fallback(self) -> None:
        """Play the base game without the broken mods."""
        self.app.use_base_content()  # type: ignore[attr-defined]

    def action_quit(self) -> None:
        """Leave the game."""
        self.app.exit(return_code=1)
