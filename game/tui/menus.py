"""The game menu (Esc in a game): resume, save, export a result, load, settings, help, main menu, quit."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from game.tui.marked_list import MarkedOptionList

ITEMS = (("resume", "Resume"), ("save", "Save game      Ctrl+S"), ("load", "Load game"),
         ("settings", "Settings"), ("help", "Help           ?"),
         ("export", "Export result  w"), ("title", "Main menu"),
         ("quit", "Quit           q"))


class GameMenu(ModalScreen[str | None]):
    """Returns the chosen item's id (None or "resume" to go back to the game)."""

    BINDINGS = [Binding("escape", "close", "Resume", id="menu.close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="menu small"):
            yield MarkedOptionList(*(Option(label, id=key) for key, label in ITEMS), id="menu-list")
            yield Static("↑↓ Enter · Esc resumes", id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Game menu"
        menu = self.query_one("#menu-list", OptionList)
        menu.highlighted = 0
        menu.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        """Back to the game."""
        self.dismiss(None)
