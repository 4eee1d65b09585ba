"""Settings: the colour theme (shown at once), confirmations, autosaves kept. Each change
is written to the settings file straight away."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Label, Select, Static

from game.tui.checkbox import MarkedCheckbox

AUTOSAVE_CHOICES = (1, 3, 5, 10, 20)


class SettingsScreen(ModalScreen[None]):
    """Four settings; Esc closes."""

    BINDINGS = [Binding("escape", "close", "Close", id="settings.close")]

    def compose(self) -> ComposeResult:
        s = self.app.settings  # type: ignore[attr-defined]
        themes = sorted(self.app.available_themes)
        keep = s.autosaves if s.autosaves in AUTOSAVE_CHOICES else 5
        with Vertical(id="dialog", classes="form"):
            yield Label("Colour theme (every mark in the game is a word or a symbol too)",
                        classes="field-label")
            yield Select([(t, t) for t in themes], value=s.theme if s.theme in themes else themes[0],
                         allow_blank=False, id="theme")
            yield Label("Before ending a turn, replacing a save or leaving unsaved moves",
                        classes="field-label")
            yield MarkedCheckbox("Ask first", value=s.confirmations, id="confirmations")
            yield Label("Autosaves kept (one a turn; the oldest is replaced)", classes="field-label")
            yield Select([(str(n), n) for n in AUTOSAVE_CHOICES], value=keep, allow_blank=False,
                         id="autosaves")
            yield Label("Classroom milestones (a prompt to discuss)", classes="field-label")
            yield MarkedCheckbox("Pause at milestones", value=s.pause_at_milestones,
                                 id="pause_at_milestones")
            yield Static(id="settings-file")
            yield Static("Tab moves · Enter opens a list · Esc closes", id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Settings"
        if self.app.size.height < 34:
            for widget in self.query("Select, Checkbox"):
                widget.compact = True  # type: ignore[attr-defined]
        path = self.app.settings_path  # type: ignore[attr-defined]
        self.query_one("#settings-file", Static).update(Text(f"Saved in {path}", style="dim"))
        self.query_one("#theme", Select).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "theme" and isinstance(event.value, str):
            self.app.theme = event.value  # the app remembers it (theme_changed)
        elif event.select.id == "autosaves" and isinstance(event.value, int):
            self.app.update_settings(autosaves=event.value)  # type: ignore[attr-defined]

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        if event.checkbox.id in ("confirmations", "pause_at_milestones"):
            self.app.update_settings(**{event.checkbox.id: event.value})  # type: ignore[attr-defined]

    def action_close(self) -> None:
        """Close the settings."""
        self.dismiss(None)
