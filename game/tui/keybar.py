"""A one-line key bar for the dashboard: the main keys, drawn once.

Textual's Footer rebuilds itself whenever the focus moves, which made every tab switch
cost a tenth of a second; the dashboard's keys do not change with the focus, so a
plain line does the same job. Keys are bold words, not colours alone.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

KEYS = (("l", "Land"), ("i", "Invest"), ("a", "Actions"), ("u", "Undo"), ("e", "End turn"),
        ("^s", "Save"), ("esc", "Menu"), ("?", "Help"))


class KeyBar(Static):
    """The dashboard's keys; the palette key is added when the line has room."""

    DEFAULT_CSS = """
    KeyBar {
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        padding: 0 1;
    }
    """

    def on_resize(self) -> None:
        self.update(self.keys_text(self.size.width))

    @staticmethod
    def keys_text(width: int) -> Text:
        parts = list(KEYS)
        if width >= 100:
            parts += [("1-8", "Tabs"), ("^p", "Palette")]
        text = Text()
        for key, label in parts:
            candidate = len(text) + len(key) + len(label) + 3
            if candidate > width - 2:
                break
            text.append(key, style="bold")
            text.append(f" {label}  ")
        return text
