"""The title screen: the game's name, one line about it, New game and Quit."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from game.tui.marked_list import MarkedOptionList

LOGO = """\
 ___         _         _       _      _
|_ _|_ _  __| |_  _ __| |_ _ _(_)__ _| |
 | || ' \\/ _` | || (_-<  _| '_| / _` | |
|___|_||_\\__,_|\\_,_/__/\\__|_| |_\\__,_|_|
   _          _    _ _            _
  /_\\  _ _ __| |_ (_) |_ ___ __| |_
 / _ \\| '_/ _| ' \\| |  _/ -_) _|  _|
/_/ \\_\\_| \\__|_||_|_|\\__\\___\\__|\\__|"""

TAGLINE = ("Run a Chinese city's industrial policy, 2008 onward. Land sales pay the bills "
           "today; chip, panel and EV firms might pay them tomorrow, if you back the right "
           "ones and get out in time.")


class TitleScreen(Screen[None]):
    """The first screen."""

    BINDINGS = [
        Binding("n", "new_game", "New game", id="title.new"),
        Binding("q", "quit", "Quit", id="title.quit"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="title-box"):
            yield Static(LOGO, id="logo")
            yield Static(TAGLINE, id="tagline")
            with Center():
                yield MarkedOptionList(Option("New game", id="new"), Option("Quit", id="quit"),
                                 id="title-menu")
            yield Static("↑↓ choose · Enter select", id="title-keys")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#title-menu", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == "new":
            self.action_new_game()
        else:
            self.action_quit()

    def action_new_game(self) -> None:
        """Pick a scenario."""
        self.app.show_picker()  # type: ignore[attr-defined]

    def action_quit(self) -> None:
        """Leave the game."""
        self.app.exit()
