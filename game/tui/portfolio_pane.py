"""The Portfolio tab: the fund map (stakes and funds by sector and stage), what was put
in, what it is worth, what came back, and the internal rate of return.

The IRR is computed from the ledger, quarter by quarter: equity invested, rescues and
fund commitments go out; stake sales come back; what the portfolio is worth now counts
as if it were sold today; stakes held at the start count as bought at their first mark.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from game.engine.ledger import CATEGORY_IDS
from game.engine.session import Session
from game.tui import fmt
from game.tui.record import Records

OUTFLOWS = ("equity_investment", "rescues", "fund_commitment")
INFLOWS = ("exits",)
STAGES = ("building", "ramping", "operating", "listed", "distressed")
STAGE_HEADS = {"building": "Build", "ramping": "Ramp", "operating": "Oper.", "listed": "Listed",
               "distressed": "Crunch"}


def npv(rate: float, flows: list[float]) -> float:
    return sum(f / (1.0 + rate) ** t for t, f in enumerate(flows))


def irr(flows: list[float]) -> float | None:
    """The per-period rate that makes the flows' present value zero (bisection), or None
    when there is none (no money out, or no money back and nothing held)."""
    if not any(f < 0 for f in flows) or not any(f > 0 for f in flows):
        return None
    lo, hi = -0.99, 10.0
    f_lo, f_hi = npv(lo, flows), npv(hi, flows)
    if f_lo * f_hi > 0:
        return None
    for _ in range(200):
        mid = (lo + hi) / 2
        f_mid = npv(mid, flows)
        if abs(f_mid) < 1e-10:
            break
        if f_lo * f_mid < 0:
            hi, f_hi = mid, f_mid
        else:
            lo, f_lo = mid, f_mid
    return (lo + hi) / 2


def portfolio_flows(session: Session) -> list[float]:
    """Net flows to the city's investments per quarter (out negative), this quarter's so
    far included, with the portfolio's value now added to the last quarter. Stakes the
    city held when the game began count as bought at their first mark."""
    n = session.turn + 1
    flows = [0.0] * n
    flows[0] -= session.history[0].portfolio
    for snap in session.history[1:]:
        t = snap.turn - 1
        if 0 <= t < n:
            flows[t] += sum(snap.ledger.get(k, 0.0) for k in OUTFLOWS + INFLOWS)
    now = dict(zip(CATEGORY_IDS, session.state.ledger[0, session.player], strict=True))
    flows[-1] += sum(float(now[k]) for k in OUTFLOWS + INFLOWS)
    flows[-1] += session.headline()["portfolio"]
    return flows


def yearly_irr(session: Session) -> float | None:
    q = irr(portfolio_flows(session))
    return None if q is None else (1.0 + q) ** 4 - 1.0


def totals(session: Session) -> Table:
    """What the city put in (and held at the start), what it is worth, what came back."""
    st, p = session.state, session.player
    h = session.headline()
    start = session.history[0].portfolio
    invested = float(st.invested[0, p])
    realised = float(st.realised[0, p])
    written = float(st.written_off[0, p])
    rate = yearly_irr(session)
    gain = h["portfolio"] + realised - invested - start
    table = Table(box=None, padding=(0, 1), show_header=False)
    for _ in range(3):
        table.add_column(style="dim", no_wrap=True)
        table.add_column(style="bold", no_wrap=True)
    table.add_row("Held at start", fmt.bn(start), "Worth now", fmt.bn(h["portfolio"]),
                  "IRR", "n/a" if rate is None else f"{rate:+.0%} a year")
    table.add_row("Put in since", fmt.bn(invested), "Realised", fmt.bn(realised),
                  "Gain", Text(fmt.bn(gain, signed=True), style="bold green" if gain > 0 else
                               "bold red" if gain < 0 else "bold"))
    table.add_row("Written off", fmt.bn(written), "", "", "", "")
    if rate is None and invested <= 0 and start <= 0:
        table.caption = "Nothing invested yet: i invests in a firm, m commits to a fund."
        table.caption_justify = "left"
    return table


def fund_share(session: Session, sector_id: str) -> float:
    """The city's own part of the idle money in its guidance fund for a sector."""
    s = session.world.sector_index[sector_id]
    st, p = session.state, session.player
    return float(st.fund_cash[0, p, s] * st.fund_city_share[0, p, s])


def fund_map(session: Session, wide: bool = True) -> Table:
    """Sectors down, stages across: the city's stakes at market value, and idle fund money."""
    rows = [r for r in session.firms() if r["stake"] > 1e-6]
    sectors = session.sectors()
    table = Table(title="Fund map: stakes by sector and stage, ¥ bn at market" + (" (count)" if wide else ""),
                  title_justify="left", title_style="bold", box=None, padding=(0, 1),
                  header_style="dim")
    table.add_column("Sector", no_wrap=True)
    for stage in STAGES:
        table.add_column(STAGE_HEADS[stage], justify="right", no_wrap=True)
    table.add_column("Fund", justify="right", no_wrap=True)  # the city's share of it
    table.add_column("Total", justify="right", no_wrap=True)
    any_row = False
    for sec in sectors:
        mine = [r for r in rows if r["sector_id"] == sec["id"]]
        if not mine and sec["fund"] <= 0:
            continue
        any_row = True
        cells, total = [], 0.0
        for stage in STAGES:
            here = [r for r in mine if r["stage"] == stage]
            value = sum(r["stake"] * r["valuation"] for r in here)
            total += value
            label = f"{value:,.1f} ({len(here)})" if wide else f"{value:,.1f}"
            cells.append(Text(label, style="bold red" if stage == "distressed" else "")
                         if here else Text("·", style="dim"))
        yours = fund_share(session, sec["id"])
        total += yours
        table.add_row(sec["name"], *cells, fmt.num(yours) if sec["fund"] > 0 else Text("·", style="dim"),
                      Text(fmt.num(total), style="bold"))
    if not any_row:
        table.caption = "No stakes and no funds yet."
        table.caption_justify = "left"
    return table


def holdings(session: Session, wide: bool = True) -> Table:
    table = Table(title="Holdings, ¥ bn", title_justify="left", title_style="bold", box=None,
                  padding=(0, 1), header_style="dim")
    cols = [("Firm", "left"), ("Stage", "left"), ("Stake", "right"), ("Paid", "right"),
            ("Worth", "right"), ("×paid", "right")] + ([("Sector", "left")] if wide else [])
    for col, just in cols:
        table.add_column(col, justify=just, no_wrap=True)  # type: ignore[arg-type]
    rows = sorted((r for r in session.firms() if r["stake"] > 1e-6),
                  key=lambda r: -r["stake"] * r["valuation"])
    for r in rows:
        worth = r["stake"] * r["valuation"]
        paid = r["cost_basis"]
        multiple = f"{worth / paid:.2f}" if paid > 1e-9 else "-"
        lock = f" lock {r['lockup_left']}q" if r["stage"] == "listed" and r["lockup_left"] > 0 else ""
        cells = [r["name"], r["stage"] + lock, fmt.pct(r["stake"]), fmt.num(paid), fmt.num(worth),
                 Text(multiple, style="green" if paid and worth > paid else "red" if paid else "")]
        table.add_row(*cells, *([r["sector"]] if wide else []))
    if not rows:
        table.caption = "The city holds no stakes."
        table.caption_justify = "left"
    return table


class PortfolioPane(VerticalScroll):
    """Totals with the IRR, the fund map, then each holding."""

    DEFAULT_CSS = """
    PortfolioPane { height: 1fr; border: round $primary; padding: 0 1; }
    PortfolioPane:focus { border: round $accent; }
    PortfolioPane > Static { height: auto; margin-bottom: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="portfolio-totals")
        yield Static(id="portfolio-map")
        yield Static(id="portfolio-holdings")

    def on_mount(self) -> None:
        self.border_title = "Portfolio"

    def refresh_from(self, session: Session, records: Records | None = None) -> None:
        wide = self.app.size.width >= 100
        self.query_one("#portfolio-totals", Static).update(totals(session))
        self.query_one("#portfolio-map", Static).update(fund_map(session, wide))
        self.query_one("#portfolio-holdings", Static).update(
            Group(holdings(session, wide), Text("Sell part of a stake with s; a stake sells at market "
                                          "after an IPO's lock-up, privately at a discount before.",
                                          style="dim")))
