"""The Land tab: the land bank, the price index and the macro land cycle over time, sales.

The land cycle is shown only as far as the game has come: the future is not the
player's to read.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from game.engine.session import Session
from game.tui import fmt
from game.tui.charts import Chart, Series, column_chart, line_chart, meter
from game.tui.record import Records


def land_facts(session: Session) -> Text:
    h = session.headline()
    hist = session.history
    first = hist[0]
    w = session.world
    cycle_now = float(w.land_cycle[min(session.turn, w.turns)])
    cycle_year_ago = float(w.land_cycle[max(min(session.turn, w.turns) - 4, 0)])
    trend = ("▲ up on a year" if cycle_now > cycle_year_ago + 1e-9 else
             "▼ down on a year" if cycle_now < cycle_year_ago - 1e-9 else "■ flat")
    sold = float(session.state.land_sold_q[0, session.player])
    last_rev = hist[-1].ledger.get("land_sales", 0.0) if len(hist) > 1 else 0.0
    start_bank = max(first.land_bank, 1e-9)
    price_index = h["land_price"] / max(first.land_price, 1e-12)
    rows = [
        ("Land bank", fmt.ha(h["land_bank"])),
        ("", f"{meter(h['land_bank'] / start_bank)} {fmt.pct(h['land_bank'] / start_bank)} left"),
        ("Price", f"{fmt.price_m_per_ha(h['land_price'])} (index {price_index:.2f})"),
        ("Land cycle", f"{cycle_now:.2f} {trend}"),
        ("Land share", f"{fmt.pct(h['land_share'])} of revenue"),
        ("Sold now", f"{fmt.ha(sold)} this quarter"),
        ("Last qtr", f"{fmt.bn(last_rev)} from land"),
        ("Last 4 qtrs", f"{fmt.bn(hist[-1].land_revenue_4q)} from land"),
    ]
    text = Text()
    for i, (label, value) in enumerate(rows):
        text.append(f"{label:<12}", style="dim")
        text.append(value, style="bold" if label else "")
        if i < len(rows) - 1:
            text.append("\n")
    text.append("\n\nSelling much at once depresses the price; every hectare sold is gone. "
                "l sells land, g grants it to a firm.", style="dim")
    return text


class LandPane(Horizontal):
    """Figures on the left; price and cycle, then sales per quarter, on the right."""

    DEFAULT_CSS = """
    LandPane { height: 1fr; }
    LandPane #land-facts { width: 38; height: 1fr; border: round $primary; padding: 0 1; }
    LandPane #land-charts { width: 1fr; height: 1fr; }
    LandPane Chart { height: 1fr; border: round $primary; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="land-facts"):
            yield Static(id="land-figures")
        with Vertical(id="land-charts"):
            yield Chart(id="land-price-chart")
            yield Chart(id="land-sales-chart")

    def on_mount(self) -> None:
        self.query_one("#land-facts").border_title = "Land"
        self.query_one("#land-price-chart").border_title = "Price index and the land cycle"
        self.query_one("#land-sales-chart").border_title = "Land sales, ¥ bn a quarter"

    def refresh_from(self, session: Session, records: Records | None = None) -> None:
        self.query_one("#land-figures", Static).update(land_facts(session))
        hist = session.history
        w = session.world
        p0 = max(hist[0].land_price, 1e-12)
        price = [s.land_price / p0 for s in hist]
        cycle = [s.land_cycle for s in hist]
        dates = (w.date_label(hist[0].turn), w.date_label(hist[-1].turn))
        self.query_one("#land-price-chart", Chart).plot(
            lambda wd, ht: line_chart([Series("price index", price, "●"),
                                       Series("land cycle", cycle, "·", "dim")], wd, ht, dates))
        sales = [s.ledger.get("land_sales", 0.0) for s in hist[1:]]
        closed = (w.date_label(hist[1].turn - 1), w.date_label(hist[-1].turn - 1)) if len(hist) > 1 else ("", "")
        self.query_one("#land-sales-chart", Chart).plot(
            lambda wd, ht: column_chart(sales, wd, ht, closed) if sales else
            Text("No quarter has closed yet.", style="dim"))
