"""The title screen: new game, continue (the latest autosave), load, join a class (a
session code), scenarios, mods,
settings, help and quit."""

from __future__ import annotations

from rich.text import Text
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

ITEMS = (("new", "New game", "n"), ("continue", "Continue", "c"), ("load", "Load game", "l"),
         ("join", "Join class", "j"),
         ("scenarios", "Scenarios", "s"), ("mods", "Mods", "m"), ("settings", "Settings", "o"),
         ("help", "Help", "?"), ("quit", "Quit", "q"))


class TitleScreen(Screen[None]):
    """The first screen."""

    BINDINGS = [
        Binding("n", "pick('new')", "New game", id="title.new"),
        Binding("c", "pick('continue')", "Continue", id="title.continue", show=False),
        Binding("l", "pick('load')", "Load", id="title.load", show=False),
        Binding("j", "pick('join')", "Join a class", id="title.join", show=False),
        Binding("s", "pick('scenarios')", "Scenarios", id="title.scenarios", show=False),
        Binding("m", "pick('mods')", "Mods", id="title.mods", show=False),
        Binding("o", "pick('settings')", "Settings", id="title.settings", show=False),
        Binding("question_mark", "pick('help')", "Help", key_display="?", id="title.help"),
        Binding("q", "pick('quit')", "Quit", id="title.quit"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="title-box"):
            yield Static(LOGO, id="logo")
            yield Static(TAGLINE, id="tagline")
            with Center():
                yield MarkedOptionList(*(Option(self.item_text(label, key), id=item)
                                         for item, label, key in ITEMS), id="title-menu")
            yield Static(id="continue-note")
            yield Static("↑↓ choose · Enter select · or press the letter", id="title-keys")
        yield Footer(compact=True)

    @staticmethod
    def item_text(label: str, key: str) -> Text:
        return Text.assemble((f"{label:<11}", ""), (key, "dim"))

    def on_mount(self) -> None:
        menu = self.query_one("#title-menu", OptionList)
        menu.highlighted = 0
        menu.focus()
        self.show_continue()

    def on_screen_resume(self) -> None:
        self.show_continue()

    def on_resize(self) -> None:
        self.set_class(self.size.height < 30, "-short")

    def show_continue(self) -> None:
        """Name the game Continue opens (the newest autosave), or grey it out."""
        info = self.app.latest_autosave()  # type: ignore[attr-defined]
        menu = self.query_one("#title-menu", MarkedOptionList)
        index = [i for i, _, _ in ITEMS].index("continue")
        note = self.query_one("#continue-note", Static)
        prompts = [self.item_text(label, key) for _, label, key in ITEMS]
        if info is None:
            prompts[index] = Text("Continue   (none)", style="dim")
            menu.set_prompts(prompts)
            menu.disable_option_at_index(index)
            note.update("")
        else:
            menu.set_prompts(prompts)
            menu.enable_option_at_index(index)
            note.update(Text(f"Continue: {info.scenario_name}, {info.date}", style="dim"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_pick(event.option.id or "")

    def action_pick(self, item: str) -> None:
        """Open a title menu item."""
        app = self.app
        if item == "new":
            app.show_picker()  # type: ignore[attr-defined]
        elif item == "continue":
            app.continue_game()  # type: ignore[attr-defined]
        elif item == "load":
            app.open_load()  # type: ignore[attr-defined]
        elif item == "join":
            app.join_class()  # type: ignore[attr-defined]
        elif item == "scenarios":
            app.show_picker(browse=True)  # type: ignore[attr-defined]
        elif item == "mods":
            app.open_mods()  # type: ignore[attr-defined]
        elif item == "settings":
            app.open_settings()  # type: ignore[attr-defined]
        elif item == "help":
            app.open_help()  # type: ignore[attr-defined]
        elif item == "quit":
            app.exit()
