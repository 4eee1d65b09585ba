"""A classroom milestone: the game stops with a prompt for the class to discuss.

Enter goes on (the milestone is acknowledged and does not come again); t shows or hides
the teacher's notes, which are kept off the screen until asked for.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class MilestoneDialog(ModalScreen[str]):
    """One milestone's title, date and prompt; dismisses with the milestone's id."""

    BINDINGS = [
        Binding("enter", "go_on", "Continue", id="milestone.continue"),
        Binding("t", "notes", "Teacher notes", id="milestone.notes"),
    ]

    def __init__(self, milestone: dict) -> None:
        super().__init__()
        self.milestone = milestone
        self.notes_shown = False

    def compose(self) -> ComposeResult:
        m = self.milestone
        with Vertical(id="dialog", classes="confirm milestone"):
            yield Label(Text(m["title"], style="bold"), id="dialog-title")
            with VerticalScroll(id="milestone-body"):
                yield Static(Text(str(m.get("date", "")), style="dim"), id="milestone-date")
                yield Static(m["prompt"], id="milestone-prompt")
                yield Static("", id="milestone-notes")
            keys = "Enter continues · t teacher notes" if m.get("teacher_notes") else "Enter continues"
            yield Static(keys, id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Milestone: stop and discuss"
        self.query_one("#milestone-notes").display = False

    def action_notes(self) -> None:
        """Show or hide the teacher's notes."""
        notes = self.milestone.get("teacher_notes") or ""
        if not notes:
            self.notify("This milestone has no teacher notes.", severity="warning")
            return
        self.notes_shown = not self.notes_shown
        widget = self.query_one("#milestone-notes", Static)
        widget.update(Text.assemble(("Teacher notes\n", "bold"), notes))
        widget.display = self.notes_shown

    def action_go_on(self) -> None:
        """Acknowledge the milestone and go on."""
        self.dismiss(self.milestone["id"])
