"""The City tab: headline numbers with sparklines, and why the highlighted one changed.

The "why" comes from ``session.explain``: rows that add up to the last closed quarter's
change (ledger categories for the treasury, growth drivers and firms for GDP, ...).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from game.engine.session import Session
from game.tui import fmt
from game.tui.advisor import alerts
from game.tui.charts import Chart, Series, hbar, line_chart, meter, spark
from game.tui.marked_list import MarkedOptionList
from game.tui.record import Records

# (key in headline and Snapshot, label, format, format of a change)
METRICS: tuple[tuple[str, str, Callable[[float], str], Callable[[float], str]], ...] = (
    ("treasury", "Treasury", fmt.bn, lambda d: fmt.bn(d, signed=True)),
    ("gdp", "GDP a year", fmt.bn, lambda d: fmt.bn(d, signed=True)),
    ("jobs", "Jobs", fmt.jobs, lambda d: ("+" if d > 0 else "") + fmt.jobs(d)),
    ("land_share", "Land share", fmt.pct, lambda d: f"{d * 100:+.0f} pts"),
    ("portfolio", "Portfolio", fmt.bn, lambda d: fmt.bn(d, signed=True)),
    ("debt", "Debt", fmt.bn, lambda d: fmt.bn(d, signed=True)),
)
EXPLAINED = ("treasury", "gdp", "jobs", "land_share", "portfolio")


def closed_label(session: Session) -> str | None:
    """The last closed quarter, or None before the first turn has ended."""
    if len(session.history) < 2:
        return None
    return session.world.date_label(session.history[-1].turn - 1)


def why_rows(session: Session, key: str) -> list[tuple[str, float]]:
    """Causes of the last change of ``key``; debt from the bond flows of the ledger."""
    if key in EXPLAINED:
        return session.explain(key)
    if key == "debt" and len(session.history) > 1:
        prev, now = session.history[-2], session.history[-1]
        issued = now.ledger.get("bond_proceeds", 0.0)
        repaid = now.ledger.get("bond_repayment", 0.0)
        rows = [("Bonds issued", issued), ("Bonds repaid", repaid)]
        other = (now.debt - prev.debt) - issued - repaid
        if abs(other) > 1e-6:
            rows.append(("Other (events, debt taken over)", other))
        return [(k, v) for k, v in rows if abs(v) > 1e-9]
    return []


def why_table(rows: list[tuple[str, float]], fmt_change: Callable[[float], str],
              bar_width: int = 10) -> Table:
    """Causes largest first, each with a signed figure and a bar of its size (▶ up, ◀ down);
    no bars when ``bar_width`` is 0."""
    table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
    table.add_column("Cause", ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column("Change", justify="right", no_wrap=True)
    if bar_width:
        table.add_column("Size", no_wrap=True)
    biggest = max((abs(v) for _, v in rows), default=0.0)
    shown = sorted(rows, key=lambda r: -abs(r[1]))
    for label, value in shown:
        sign = "+" if value > 0 else "-" if value < 0 else " "
        cells = [f"{sign} {label}",
                 Text(fmt_change(value), style="green" if value > 0 else "red" if value < 0 else "")]
        if bar_width:
            cells.append(Text(("▶" if value >= 0 else "◀") + hbar(abs(value), biggest, bar_width - 1),
                              style="green" if value > 0 else "red"))
        table.add_row(*cells)
    total = sum(v for _, v in rows)
    table.add_row(Text("= Total change", style="bold"), Text(fmt_change(total), style="bold"),
                  *([""] if bar_width else []))
    return table


class CityPane(Horizontal):
    """Headline list (left) and the why of the highlighted number (right)."""

    DEFAULT_CSS = """
    CityPane { height: 1fr; }
    CityPane #city-left { width: 34; height: 1fr; scrollbar-size-vertical: 1; }
    CityPane.-wide #city-left { width: 46; }
    CityPane #city-metrics { height: auto; border: round $primary; }
    CityPane #city-metrics:focus { border: round $accent; }
    CityPane #city-standing { height: auto; padding: 0 1; }
    CityPane #city-alerts { height: auto; padding: 0 1; margin-top: 1; }
    CityPane #city-firms { height: auto; padding: 0 1; margin-top: 1; }
    CityPane #city-why { width: 1fr; height: 1fr; border: round $primary; padding: 0 1; }
    CityPane #why-text { height: auto; }
    CityPane #city-chart { height: 9; margin-top: 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session: Session | None = None
        self.selected = "treasury"

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="city-left"):
            yield MarkedOptionList(*(Option(label, id=key) for key, label, _, _ in METRICS),
                                   id="city-metrics")
            yield Static(id="city-standing")
            yield Static(id="city-firms")
            yield Static(id="city-alerts")
        with VerticalScroll(id="city-why"):
            yield Static(id="why-text")
            yield Chart(id="city-chart")

    def on_mount(self) -> None:
        metrics = self.query_one("#city-metrics", OptionList)
        metrics.border_title = "Headline numbers"
        metrics.border_subtitle = "↑↓ pick one"
        metrics.highlighted = 0
        self.query_one("#city-why").border_title = "Why it changed"

    def refresh_from(self, session: Session, records: Records | None = None) -> None:
        self.session = session
        wide = self.app.size.width >= 110
        self.set_class(wide, "-wide")
        h = session.headline()
        hist = session.history
        prompts = []
        for key, label, f, fd in METRICS:
            series = [getattr(s, key) for s in hist]
            change = series[-1] - series[-2] if len(series) > 1 else 0.0
            text = Text(f"{label:<11}", style="dim")
            text.append(f"{f(h[key]):>9}", style="bold")
            if wide:
                text.append(f" {fd(change) if len(series) > 1 else '':>9}")
            text.append(" " + spark(series if len(series) > 1 else series * 2, 8))
            prompts.append(text)
        self.query_one("#city-metrics", MarkedOptionList).set_prompts(prompts)
        self.query_one("#city-standing", Static).update(self.standing(session, wide))
        firms = self.query_one("#city-firms", Static)
        story = self.your_firms(session)
        firms.display = story is not None
        if story is not None:
            firms.update(story)
        found = alerts(session)
        box = self.query_one("#city-alerts", Static)
        box.display = bool(found)
        if found:
            text = Text("The advisor's list\n", style="bold")
            for i, a in enumerate(found):
                text.append(f"{a.mark} ", style="bold")
                text.append(a.text + ("\n" if i < len(found) - 1 else ""))
            box.update(text)
        self.show_why()

    @staticmethod
    def standing(session: Session, wide: bool = True) -> Text:
        h = session.headline()
        limit = session.world.scenario.debt_limit_ratio
        left, most = int(round(h["attention"])), int(h["attention_max"])
        n = 10 if wide else 6
        text = Text()
        text.append("Debt ratio ", style="dim")
        text.append(f"{meter(h['debt_ratio'] / limit, n)} {h['debt_ratio']:.1f}x of {limit:.1f}x"
                    f"{' cap' if wide else ''}\n")
        text.append("Province   ", style="dim")
        text.append(f"{meter(h['patience'], n)} {'patience ' if wide else ''}{fmt.pct(h['patience'])}\n")
        text.append("Investors  ", style="dim")
        text.append(f"{meter(h['credibility'], n)} trust {h['credibility']:.2f}\n")
        text.append("Attention  ", style="dim")
        text.append("●" * left + "○" * max(most - left, 0) + f" {left} of {most} left")
        done = [a for a in session.actions_this_turn if a.get("kind") not in ("pass", "choose_event")]
        if done:
            text.append("\nDone now   ", style="dim")
            text.append(f"{len(done)} action{'s' if len(done) > 1 else ''} · u undoes")
        return text

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id:
            self.selected = event.option.id
            self.show_why()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()

    def show_why(self) -> None:
        s = self.session
        if s is None:
            return
        key = self.selected
        _, label, f, fd = next(m for m in METRICS if m[0] == key)
        closed = closed_label(s)
        text_box = self.query_one("#why-text", Static)
        if closed is None:
            text_box.update(self.first_turn(s, label))
        else:
            rows = why_rows(s, key)
            head = Text.assemble((f"Why {label.lower()} changed in {closed}", "bold"))
            if key == "land_share":
                body = self.land_share_story(s, rows)
            elif not rows:
                body = Text("It did not change.", style="dim")
            else:
                width = self.query_one("#city-why").content_size.width
                body = why_table(rows, fd, 12 if width >= 56 else 0)
            text_box.update(Group(head, body))
        hist = s.history
        series = [getattr(x, key) for x in hist]
        scale = 100.0 if key == "land_share" else 1.0
        first = s.world.date_label(hist[0].turn)
        last = s.world.date_label(hist[-1].turn)
        self.query_one("#city-chart", Chart).plot(
            lambda w, h: line_chart([Series(f"{label}, start of each quarter", [v * scale for v in series])],
                                    w, h, (first, last)))

    @staticmethod
    def your_firms(session: Session) -> Text | None:
        """The firms that are the city's business: offers, stakes, firms at home."""
        rows = [r for r in session.firms() if (r["mine"] or r["stake"] > 1e-6)
                and r["stage"] not in ("failed", "withdrawn")]
        if not rows:
            return None
        rows.sort(key=lambda r: (r["stage"] != "prospect", -r["stake"], r["name"]))
        text = Text("Your firms (▶ offers; 3 for all)\n", style="bold")
        for i, r in enumerate(rows[:6]):
            tag = "▶ " if r["stage"] == "prospect" else ("★ " if r["stake"] > 1e-6 else "• ")
            text.append(tag, style="bold")
            text.append(f"{r['name'][:16]} ")
            what = (f"asks {fmt.bn(r['ask'])}" if r["stage"] == "prospect" else
                    f"{r['stage']}" + (f", {fmt.pct(r['stake'])}" if r["stake"] > 1e-6 else ""))
            text.append(what, style="bold red" if r["stage"] == "distressed" else "dim")
            if i < min(len(rows), 6) - 1:
                text.append("\n")
        if len(rows) > 6:
            text.append(f"\n… and {len(rows) - 6} more", style="dim")
        return text

    @staticmethod
    def first_turn(s: Session, label: str) -> Text:
        """Before any quarter has closed: the goal, and how this panel will help."""
        text = Text()
        text.append("Your goal\n", style="bold")
        text.append(s.world.scenario.victory + "\n\n")
        text.append(f"{label}: nothing has changed yet. ", style="dim")
        text.append("End the turn (e) and this panel shows what moved each number, cause by "
                    "cause. Every number in the list on the left has its own story: ↑↓ pick one.",
                    style="dim")
        return text

    @staticmethod
    def land_share_story(s: Session, rows: list[tuple[str, float]]) -> Text:
        vals = dict(rows)
        land = vals.get("Land revenue, last four quarters (¥ bn)", 0.0)
        total = vals.get("All fiscal revenue, last four quarters (¥ bn)", 0.0)
        pts = vals.get("Change in land share (points)", 0.0)
        text = Text()
        text.append("Land revenue over the last four quarters  ", style="dim")
        text.append(fmt.bn(land) + "\n", style="bold")
        text.append("All fiscal revenue over those quarters     ", style="dim")
        text.append(fmt.bn(total) + "\n", style="bold")
        text.append("Land share = land ÷ all                    ", style="dim")
        text.append((fmt.pct(land / total) if total else "-") + "\n", style="bold")
        text.append(f"Change over the quarter: {pts:+.1f} points. ")
        text.append("It falls when other revenue (taxes from firms) grows faster than land sales.",
                    style="dim")
        return text
