"""A firm's page: its story, figures, history and cap table, with the keys that apply.

History comes from two places: the engine's per-turn snapshots (the value of the city's
stake, the firm's value added to the city) and what the screen recorded each turn it saw
(stage, cash, valuation). The dialog returns the verb the player chose, if any, and the
dashboard opens that form.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from game.engine.session import Session
from game.tui import fmt
from game.tui.charts import Chart, Series, hbar, line_chart
from game.tui.record import Records

VERB_KEYS = {"invest_equity": ("i", "invest"), "rescue_firm": ("x", "rescue"),
             "sell_stake": ("s", "sell stake"), "grant_land": ("g", "grant land")}


def cap_table(session: Session, fid: str) -> Table:
    """Each city's share of the firm and the private investors' rest, with bars."""
    slot = session.world.firm_slot(fid)
    table = Table(title="Cap table: who owns it", title_justify="left", title_style="bold",
                  box=None, padding=(0, 1), show_header=False)
    table.add_column("Holder", no_wrap=True)
    table.add_column("Share", justify="right", no_wrap=True)
    table.add_column("Bar", no_wrap=True)
    if slot is None:
        return table
    stakes = session.state.stake[0, slot]
    player = session.player
    rows = [(("★ " if c == player else "") + city.name, float(stakes[c]))
            for c, city in enumerate(session.world.cities) if stakes[c] > 1e-6]
    rows.sort(key=lambda r: -r[1])
    rows.append(("Private investors", max(0.0, 1.0 - float(stakes.sum()))))
    for name, share in rows:
        table.add_row(name, fmt.pct(share) if share >= 0.005 else "<1%", hbar(share, 1.0, 20))
    return table


def facts(row: dict) -> Table:
    table = Table(box=None, padding=(0, 1), show_header=False)
    table.add_column("What", style="dim", no_wrap=True)
    table.add_column("Figure", no_wrap=True)
    pairs = [
        ("Stage", row["stage"] + (f" (lock-up {row['lockup_left']} more qtr)" if row["lockup_left"] > 0
                                  and row["stage"] == "listed" else "")),
        ("Capacity", f"{fmt.num(row['capacity'])} ¥ bn a year, yield {row['yield']:.0%}"),
        ("Profit", f"{fmt.bn(row['profit'], signed=True)} last quarter"),
        ("Cash", fmt.bn(row["cash"])),
        ("Valuation", fmt.bn(row["valuation"]) if row["valuation"] > 0 else "-"),
        ("Jobs", fmt.jobs(row["jobs"])),
        ("Your stake", f"{fmt.pct(row['stake'])}, paid {fmt.bn(row['cost_basis'])}, worth "
                       f"{fmt.bn(row['stake'] * row['valuation'])}" if row["stake"] > 1e-6 else "none"),
    ]
    if row["stage"] == "prospect":
        pairs.append(("Asks", f"{fmt.bn(row['ask'])} for {fmt.pct(row['offered_stake'])}; "
                              f"due diligence rates it {row['quality_signal']:.2f} of 1"))
    if row["stage"] == "distressed":
        pairs.append(("Needs", f"{fmt.bn(row['rescue_need'])} to stay afloat"))
    for k, v in pairs:
        table.add_row(k, v)
    return table


class FirmDetail(ModalScreen[str | None]):
    """One firm; i/x/s/g close it and open that form, Esc closes."""

    BINDINGS = [
        Binding("escape,enter", "close", "Close", id="firm.close"),
        Binding("i", "verb('invest_equity')", "Invest", show=False),
        Binding("x", "verb('rescue_firm')", "Rescue", show=False),
        Binding("s", "verb('sell_stake')", "Sell stake", show=False),
        Binding("g", "verb('grant_land')", "Grant land", show=False),
    ]

    def __init__(self, session: Session, fid: str, records: Records | None = None) -> None:
        super().__init__()
        self.session = session
        self.fid = fid
        self.records = records
        self.row = next(r for r in session.firms() if r["id"] == fid)

    def compose(self) -> ComposeResult:
        r = self.row
        with Vertical(id="dialog", classes="report"):
            yield Static(Text.assemble((r["name"], "bold"), f" · {r['sector']} · {r['city']}"),
                         id="dialog-title")
            with VerticalScroll(id="report-body"):
                yield Static(Text(r["description"] or "", style="italic"), id="firm-text")
                yield Static(Group(facts(r), Text(""), cap_table(self.session, self.fid)),
                             id="firm-facts")
                yield Static(self.path_text(), id="firm-path")
                yield Chart(id="firm-chart")
            yield Static(self.keys_text(), id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Firm"
        self.query_one("#report-body").focus()
        self.plot()

    def keys_text(self) -> Text:
        text = Text()
        for verb in self.row["can"]:
            key, label = VERB_KEYS.get(verb, ("", ""))
            if key:
                text.append(f"{key} ", style="bold")
                text.append(f"{label} · ")
        text.append("Esc ", style="bold")
        text.append("close · ↑↓ scroll")
        return text

    def path_text(self) -> Text:
        w = self.session.world
        path = self.records.stage_path(self.fid) if self.records else []
        text = Text("Its path: ", style="bold")
        if not path:
            text.append("recorded from the turns you watch.", style="dim")
        for i, (turn, stage) in enumerate(path):
            if i:
                text.append(" → ")
            text.append(stage, style="bold")
            text.append(f" {w.date_label(turn)}", style="dim")
        return text

    def plot(self) -> None:
        s = self.session
        turns, values = self.records.firm_series(self.fid, "valuation") if self.records else ([], [])
        _, cash = self.records.firm_series(self.fid, "cash") if self.records else ([], [])
        chart = self.query_one("#firm-chart", Chart)
        chart.border_title = "Valuation and cash, ¥ bn"
        if len(turns) < 2:
            name = self.row["name"]
            stake_worth = [snap.stakes.get(name, 0.0) for snap in s.history]
            if any(stake_worth):
                dates = (s.world.date_label(s.history[0].turn), s.world.date_label(s.history[-1].turn))
                chart.border_title = "Your stake's worth, ¥ bn"
                chart.plot(lambda w, h: line_chart([Series("your stake", stake_worth)], w, h, dates))
                return
        if not any(values) and not any(cash):
            chart.plot(lambda w, h: Text("Nothing to chart yet: a prospect has no cash or value "
                                         "until it is backed and starts building.", style="dim"))
            return
        dates = (s.world.date_label(turns[0]), s.world.date_label(turns[-1])) if turns else ("", "")
        chart.plot(lambda w, h: line_chart([Series("valuation", values, "●"), Series("cash", cash, "×")],
                                           w, h, dates, fmt=fmt.num))

    def action_verb(self, verb: str) -> None:
        """Close and open the form for ``verb`` when it applies to this firm."""
        if verb in self.row["can"]:
            self.dismiss(verb)
        else:
            key, label = VERB_KEYS[verb]
            self.notify(f"You cannot {label} with {self.row['name']} now.", severity="warning")

    def action_close(self) -> None:
        """Close the page."""
        self.dismiss(None)
