"""Decisions: an event that waits for the city's answer, shown as a dialog with its options.

The engine describes each pending event as data (``session.pending_events()``); the dialog
returns the chosen option's index through ``dismiss``, or None to decide later (the
engine then takes the default when the turn ends).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from game.tui.fmt import SEVERITY_TAGS
from game.tui.marked_list import MarkedOptionList


def pending(session) -> list[dict]:
    """Pending decisions, or none with an engine that has no events."""
    getter = getattr(session, "pending_events", None)
    return list(getter()) if getter is not None and not session.over else []


def banner_text(events: list[dict]) -> Text:
    first = events[0]
    default = next((o["label"] for o in first["options"] if o["default"]), None)
    head = "⚑ A decision waits: " if len(events) == 1 else f"⚑ {len(events)} decisions wait. First: "
    text = Text.assemble((head, "bold"), (first["title"], "bold"), ". Press d to answer")
    if default:
        text.append(f"; if you end the turn first, the city takes “{default}”")
    text.append(".")
    return text


def option_prompt(n: int, option: dict) -> Text:
    text = Text(f"{n}. {option['label']}", style="" if option["offered"] else "dim")
    if option["default"]:
        text.append("  (default)", style="italic")
    if not option["offered"]:
        text.append("  (not open to you now)", style="italic")
    return text


def option_detail(option: dict) -> Text:
    text = Text()
    if option.get("description"):
        text.append(option["description"] + "\n")
    effects = option.get("effects") or []
    text.append("Effects: ", style="bold")
    text.append("; ".join(effects) if effects else "none that the city can see now")
    if option["default"]:
        text.append("\nIf you end the turn without answering, the city takes this option.",
                    style="italic")
    return text


class DecisionDialog(ModalScreen[int | None]):
    """One pending event: its story, its options, and what each option does."""

    BINDINGS = [
        Binding("escape", "later", "Decide later", id="decision.later"),
    ]

    def __init__(self, event: dict) -> None:
        super().__init__()
        self.event = event

    def compose(self) -> ComposeResult:
        ev = self.event
        tag = SEVERITY_TAGS.get(ev.get("severity", "info"), ("", ""))[0].strip()
        with Vertical(id="dialog", classes="decision"):
            yield Static(Text.assemble((ev["title"], "bold"), (f"  [{tag}]", "dim")),
                         id="dialog-title")
            with VerticalScroll(id="decision-body"):
                yield Static(ev["text"], id="decision-text")
            yield MarkedOptionList(
                *(Option(option_prompt(i + 1, o), id=str(o["index"]), disabled=not o["offered"])
                  for i, o in enumerate(ev["options"])), id="decision-options")
            yield Static(id="decision-detail")
            yield Static("↑↓ choose · Enter answer · Esc decide later", id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "A decision waits"
        options = self.query_one("#decision-options", MarkedOptionList)
        first = next((i for i, o in enumerate(self.event["options"]) if o["default"] and o["offered"]),
                     next((i for i, o in enumerate(self.event["options"]) if o["offered"]), 0))
        options.highlighted = first
        options.focus()
        self.show_detail(first)

    def show_detail(self, index: int | None) -> None:
        if index is None or index >= len(self.event["options"]):
            return
        self.query_one("#decision-detail", Static).update(option_detail(self.event["options"][index]))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_detail(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0))

    def action_later(self) -> None:
        """Close without answering; the default applies if the turn ends first."""
        self.dismiss(None)
