"""The news log: every News item with its date and a severity word, newest at the bottom."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

from game.engine.session import News, Session
from game.tui.fmt import SEVERITY_TAGS


def news_line(session: Session, item: News) -> Text:
    tag, style = SEVERITY_TAGS.get(item.severity, (item.severity, ""))
    return Text.assemble(
        (f"{tag:<6}", f"bold {style}".strip()), " ",
        (session.world.date_label(item.turn), "dim"), " ", item.text)


class NewsLog(RichLog):
    """Appends only the news it has not shown yet, so the scroll position survives."""

    DEFAULT_CSS = """
    NewsLog {
        height: 1fr;
        border: round $primary;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(wrap=True, markup=False, highlight=False, auto_scroll=True, min_width=20,
                         **kwargs)
        self._shown: list[News] = []

    def on_mount(self) -> None:
        self.border_title = "News"

    def refresh_from(self, session: Session, records: object = None) -> None:
        n = len(self._shown)
        if session.news[:n] != self._shown:  # undo took an item back: redraw it all
            self.clear()
            self._shown, n = [], 0
        for item in session.news[n:]:
            self.write(news_line(session, item))
        self._shown = list(session.news)
