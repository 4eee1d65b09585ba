"""The headline bar: date, turn, treasury, debt, land share, GDP, portfolio, attention."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from game.engine.session import Session
from game.tui import fmt


class StatCell(Static):
    """One headline number: a dim label over a bold value."""

    DEFAULT_CSS = """
    StatCell {
        width: 1fr;
        height: 2;
        padding: 0 0 0 1;
    }
    """

    def show(self, label: str, value: str, style: str = "bold") -> None:
        self.update(Text.assemble((label, "dim"), "\n", (value, style)))


class HeadlineBar(Horizontal):
    """The city's headline numbers, refreshed from the session after every change."""

    DEFAULT_CSS = """
    HeadlineBar {
        height: 2;
        background: $boost;
    }
    """

    CELLS = ("date", "treasury", "debt", "land_share", "gdp", "portfolio", "attention")

    def compose(self) -> ComposeResult:
        for name in self.CELLS:
            yield StatCell(id=f"stat-{name}")

    def refresh_from(self, session: Session) -> None:
        h = session.headline()
        turns = session.world.turns
        shown_turn = min(session.turn + 1, turns)
        per_turn = session.world.scenario.attention_per_turn
        left = int(round(h.get("attention", 0)))
        dots = "●" * left + "○" * max(per_turn - left, 0)
        cells = {
            "date": (f"Turn {shown_turn}/{turns}", session.date),
            "treasury": ("Treasury", fmt.bn(h["treasury"])),
            "debt": ("Debt", fmt.bn(h["debt"])),
            "land_share": ("Land share", fmt.pct(h["land_share"])),
            "gdp": ("GDP a year", fmt.bn(h["gdp"])),
            "portfolio": ("Portfolio", fmt.bn(h.get("portfolio", 0.0))),
            "attention": ("Attention", f"{dots} {left}/{per_turn}"),
        }
        for name, (label, value) in cells.items():
            style = "bold"
            if name == "treasury" and h["treasury"] < 0:
                style = "bold red"
            self.query_one(f"#stat-{name}", StatCell).show(label, value, style)
