"""Classroom dialogs: join a class with a session code, and ask for a short text (the
player's name for a result file)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from game.classroom.codes import EXAMPLE, CodeError, Decoded, decode
from game.content.loader import Content


class TextPrompt(ModalScreen[str | None]):
    """One line of text; Enter gives it (when ``check`` finds no problem), Esc gives None.

    ``check`` returns a sentence saying what is wrong, or None when the text will do."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, title: str, label: str, value: str = "", placeholder: str = "",
                 check: Callable[[str], str | None] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.label = label
        self.value = value
        self.placeholder = placeholder
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form"):
            yield Static(self.label, classes="field-label")
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static(id="verdict")
            yield Static("Enter goes on · Esc cancels", id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = self.title_text
        self.query_one("#prompt-input", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one("#verdict", Static).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        problem = self.check(text) if self.check is not None else None
        if problem:
            verdict = self.query_one("#verdict", Static)
            verdict.update(Text(problem, style="bold red"))
            verdict.set_classes("refused")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)


def join_dialog(content: Content) -> TextPrompt:
    """Ask for a session code; a code that does not decode says why and stays open."""
    def check(text: str) -> str | None:
        if not text:
            return "Type the code your teacher gave you."
        try:
            decode(text, content)
        except CodeError as exc:
            return f"{exc.message[:1].upper()}{exc.message[1:]}."
        return None
    return TextPrompt("Join a class", "Session code (from your teacher)", placeholder=EXAMPLE,
                      check=check)


def decoded(code: str, content: Content) -> Decoded:
    """The scenario and seed of a code already checked by ``join_dialog``."""
    return decode(code, content)
