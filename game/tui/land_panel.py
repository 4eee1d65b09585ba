"""The land panel: bank, price, land share, the macro land cycle and their recent path."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static

from game.engine.session import Session
from game.tui import fmt

SPARK_POINTS = 40  # the last ten years of quarters


class LandPanel(Vertical):
    """Land numbers as text, then sparklines of the price and the land share."""

    DEFAULT_CSS = """
    LandPanel {
        height: auto;
        border: round $primary;
        border-title-color: $text;
        padding: 0 1;
    }
    LandPanel #land-figures { height: auto; }
    LandPanel #land-extra { height: auto; display: none; }
    LandPanel.-roomy #land-extra { display: block; }
    LandPanel .spark-label { height: 1; color: $text-muted; }
    LandPanel Sparkline { height: 1; margin-bottom: 0; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="land-figures")
        yield Static(id="land-extra")
        yield Static("Price, last quarters", classes="spark-label", id="price-label")
        yield Sparkline([0.0], id="price-spark")
        yield Static("Land share, last quarters", classes="spark-label", id="share-label")
        yield Sparkline([0.0], id="share-spark")

    def on_mount(self) -> None:
        self.border_title = "Land"

    def refresh_from(self, session: Session) -> None:
        h = session.headline()
        hist = session.history[-SPARK_POINTS:]
        cycle_now = float(session.world.land_cycle[min(session.turn, session.world.turns)])
        cycle_prev = hist[-2].land_cycle if len(hist) > 1 else cycle_now
        trend = "▲ rising" if cycle_now > cycle_prev + 1e-9 else (
            "▼ falling" if cycle_now < cycle_prev - 1e-9 else "■ flat")
        lines = [
            ("Land bank  ", fmt.ha(h["land_bank"])),
            ("Price      ", fmt.price_m_per_ha(h["land_price"])),
            ("Land share ", fmt.pct(h["land_share"])),
            ("Land cycle ", f"{cycle_now:.2f} {trend}"),
        ]
        text = Text()
        for i, (label, value) in enumerate(lines):
            text.append(label, style="dim")
            text.append(value, style="bold")
            if i < len(lines) - 1:
                text.append("\n")
        self.query_one("#land-figures", Static).update(text)
        self.query_one("#land-extra", Static).update(self.extra_text(session))
        prices = [s.land_price * 1000 for s in hist]
        shares = [s.land_share * 100 for s in hist]
        self.query_one("#price-label", Static).update(
            f"Price ¥ m/ha, {len(prices)} qtr: {min(prices):,.0f}–{max(prices):,.0f}")
        self.query_one("#share-label", Static).update(
            f"Land share %, {len(shares)} qtr: {min(shares):.0f}–{max(shares):.0f}")
        # One point would draw as a solid block; two equal points draw a quiet baseline.
        self.query_one("#price-spark", Sparkline).data = prices * 2 if len(prices) == 1 else prices
        self.query_one("#share-spark", Sparkline).data = shares * 2 if len(shares) == 1 else shares

    @staticmethod
    def extra_text(session: Session) -> Text:
        """This quarter's sales and the last closed quarter's land revenue (roomy screens)."""
        sold = float(session.state.land_sold_q[0, session.player])
        last = session.history[-1].ledger.get("land_sales", 0.0) if len(session.history) > 1 else 0.0
        return Text.assemble(("This qtr   ", "dim"), (f"{fmt.ha(sold)} sold", "bold"), "\n",
                             ("Last qtr   ", "dim"), (f"{fmt.bn(last)} from land", "bold"))
