"""The error screen: content that could not be loaded, one problem a line, no traceback."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static


class ErrorScreen(Screen[None]):
    """Shows what went wrong in words a modder can act on."""

    BINDINGS = [Binding("q", "quit", "Quit", id="error.quit"),
                Binding("escape", "quit", "Quit", show=False)]

    def __init__(self, heading: str, problems: list[str], advice: str) -> None:
        super().__init__()
        self.heading = heading
        self.problems = problems
        self.advice = advice

    def compose(self) -> ComposeResult:
        yield Static(Text("✖ " + self.heading, style="bold"), id="error-title")
        yield Static(self.advice, id="error-advice")
        with VerticalScroll(id="error-list"):
            for n, problem in enumerate(self.problems, 1):
                yield Static(f"{n}. {problem}", classes="problem")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        box = self.query_one("#error-list")
        box.border_title = f"{len(self.problems)} problem" + ("" if len(self.problems) == 1 else "s")
        box.focus()

    def action_quit(self) -> None:
        """Leave the game."""
        self.app.exit(return_code=1)
