"""The Ledger tab: every yuan in and out of the treasury by category, for this quarter so
far, the last closed quarters and the last four together (the year)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from game.engine.ledger import CATEGORIES, CATEGORY_IDS
from game.engine.session import Session
from game.tui import fmt
from game.tui.record import Records

REVENUE = {k for k, _, rev in CATEGORIES if rev}


def ledger_columns(session: Session, closed: int) -> list[tuple[str, dict[str, float]]]:
    """(heading, flows by category) for this quarter so far, the last ``closed`` quarters,
    and the sum of the last four closed quarters."""
    now = dict(zip(CATEGORY_IDS, (float(v) for v in session.state.ledger[0, session.player]), strict=True))
    cols: list[tuple[str, dict[str, float]]] = [(f"{session.date} so far", now)]
    past = session.history[1:]
    for snap in reversed(past[-closed:]):
        cols.append((session.world.date_label(snap.turn - 1), snap.ledger))
    if past:
        year = {k: sum(s.ledger.get(k, 0.0) for s in past[-4:]) for k in CATEGORY_IDS}
        n = min(len(past), 4)
        cols.append(("Last 4 qtrs" if n == 4 else f"All {n} qtr{'s' if n > 1 else ''}", year))
    return cols


def ledger_grid(session: Session, width: int) -> Table:
    closed = 4 if width >= 110 else 2 if width >= 90 else 1
    cols = ledger_columns(session, closed)
    table = Table(box=None, padding=(0, 1), header_style="bold", expand=False)
    table.add_column("¥ bn", no_wrap=False, min_width=20, ratio=None)
    for head, _ in cols:
        table.add_column(head, justify="right", no_wrap=True)
    shown = [k for k in CATEGORY_IDS if any(abs(c.get(k, 0.0)) > 1e-9 for _, c in cols)]
    labels = {k: label for k, label, _ in CATEGORIES}

    def cell(v: float, bold: bool = False) -> Text:
        if abs(v) < 1e-9:
            return Text("·", style="dim")
        style = ("green" if v > 0 else "red") + (" bold" if bold else "")
        return Text(fmt.num(v, signed=True), style=style)

    for group, keys in (("Fiscal revenue", [k for k in shown if k in REVENUE]),
                        ("Other flows", [k for k in shown if k not in REVENUE])):
        if not keys:
            continue
        table.add_row(Text(group, style="bold underline"), *[""] * len(cols))
        for k in keys:
            table.add_row(("+ " if any(c.get(k, 0) > 0 for _, c in cols) else "- ") + labels[k],
                          *[cell(c.get(k, 0.0)) for _, c in cols])
        table.add_row(Text(f"= {group}", style="bold"),
                      *[cell(sum(c.get(k, 0.0) for k in keys), bold=True) for _, c in cols])
    if not shown:
        table.add_row(Text("No money has moved yet.", style="dim"), *[""] * len(cols))
    table.add_row(Text("= Net change of the treasury", style="bold"),
                  *[cell(sum(c.values()), bold=True) for _, c in cols])
    land = [(c.get("land_sales", 0.0), sum(c.get(k, 0.0) for k in REVENUE)) for _, c in cols]
    table.add_row(Text("Land share of revenue", style="dim"),
                  *[Text(fmt.pct(a / b) if b > 1e-9 else "-", style="dim") for a, b in land])
    return table


class LedgerPane(VerticalScroll):
    """The flows table; the first column is this quarter so far (your actions only)."""

    DEFAULT_CSS = """
    LedgerPane { height: 1fr; border: round $primary; padding: 0 1; }
    LedgerPane:focus { border: round $accent; }
    LedgerPane > Static { height: auto; }
    LedgerPane #ledger-note { color: $text-muted; margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="ledger-grid")
        yield Static("Taxes, spending and interest arrive when the quarter closes; this "
                     "quarter's column holds your actions so far. Every flow is booked here, "
                     "so the columns add up to the change of the treasury.", id="ledger-note")

    def on_mount(self) -> None:
        self.border_title = "Ledger, ¥ bn (money in +, out -)"

    def refresh_from(self, session: Session, records: Records | None = None) -> None:
        width = self.content_size.width or self.app.size.width - 4
        self.query_one("#ledger-grid", Static).update(ledger_grid(session, width))
