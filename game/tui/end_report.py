"""The end report: score and grade, what changed, the rival cities, and what really happened."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from game.engine.session import Session
from game.tui import fmt
from game.tui.charts import spark

COMPONENT_LABELS = {
    "gdp_growth": "GDP growth against the nation",
    "land_share_drop": "Land share cut",
    "portfolio": "Portfolio return",
    "debt_discipline": "Debt discipline",
    "jobs": "Jobs",
}
BAR = 20


def bar(x: float) -> str:
    filled = int(round(max(0.0, min(1.0, x)) * BAR))
    return "█" * filled + "░" * (BAR - filled)


def score_block(report: dict, weights: dict[str, float]) -> Group:
    head = Text.assemble(("Score ", "bold"), (f"{report['score']:.0f}", "bold reverse"),
                         (" / 100   Grade ", "bold"), (f" {report['grade']} ", "bold reverse"))
    if report["crisis"]:
        head.append("   (halved: fiscal crisis)", style="bold red")
    table = Table(box=None, show_header=True, padding=(0, 1), header_style="dim")
    table.add_column("Component")
    table.add_column("Weight", justify="right")
    table.add_column("Result", no_wrap=True)
    for key, value in report["components"].items():
        table.add_row(COMPONENT_LABELS.get(key, key.replace("_", " ")),
                      f"{weights.get(key, 0):.0%}", f"{bar(value)} {value:.0%}")
    return Group(head, Text(""), table)


def growth(a: float, b: float) -> str:
    return f"{(b / a - 1) * 100:+.0f}%" if a else ""


def path(session: Session | None, key: str) -> str:
    """The quarter-by-quarter path of a headline number, as a sparkline."""
    if session is None or len(session.history) < 2:
        return ""
    return spark([getattr(s, key) for s in session.history], 16)


def outcome_table(r: dict, session: Session | None = None) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 1), title="Your city",
                  title_justify="left", title_style="bold")
    table.add_column("What", no_wrap=True)
    table.add_column("Figure")
    table.add_column("Path", no_wrap=True)
    table.add_row("GDP a year", f"{fmt.bn(r['gdp_start'])} → {fmt.bn(r['gdp_end'])} "
                                f"({growth(r['gdp_start'], r['gdp_end'])})", path(session, "gdp"))
    table.add_row("Land share", f"{fmt.pct(r['land_share_start'])} → {fmt.pct(r['land_share_end'])}",
                  path(session, "land_share"))
    table.add_row("Debt ratio", f"{r['debt_ratio']:.2f}x yearly revenue", "")
    if "jobs_start" in r and "jobs_end" in r:
        table.add_row("Jobs", f"{fmt.jobs(r['jobs_start'])} → {fmt.jobs(r['jobs_end'])}",
                      path(session, "jobs"))
    table.add_row("Invested in firms", fmt.bn(r["invested"]))
    table.add_row("Portfolio (marked to market)", fmt.bn(r["portfolio"]), path(session, "portfolio"))
    table.add_row("Realised from exits", fmt.bn(r["realised"]))
    table.add_row("Written off", fmt.bn(r["written_off"]))
    table.add_row("Failed firms in your city", f"{r['failed_firms']}")
    if r.get("unpaid_suppliers"):
        table.add_row("Suppliers left unpaid", fmt.bn(r["unpaid_suppliers"]))
    if "credibility" in r:
        table.add_row("Investors' trust in the city", f"{r['credibility']:.2f} (0 to 1)")
    return table


def cities_table(r: dict, player: str) -> Table:
    """Every city side by side; the archetype sits under the name to spare a column."""
    table = Table(title="All cities", title_justify="left", title_style="bold",
                  header_style="dim", padding=(0, 1), box=None)
    table.add_column("City", min_width=12)
    for col in ("GDP ¥bn", "Growth", "Land", "Debt", "Portf.", "Failed"):
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("Crisis", no_wrap=True)
    for c in sorted(r["cities"], key=lambda c: -c["gdp"]):
        you = c["name"] == player
        name = Text(("★ " if you else "") + c["name"], style="bold" if you else "")
        name.append("\n" + ("you" if you else c["archetype"]), style="dim")
        table.add_row(
            name, f"{c['gdp_start']:,.0f} → {c['gdp']:,.0f}", growth(c["gdp_start"], c["gdp"]),
            fmt.pct(c["land_share"]), fmt.num(c["debt"]), fmt.num(c["portfolio"]),
            str(c["failed_firms"]), Text("CRISIS", style="bold red") if c["crisis"] else "no",
        )
    table.caption = "GDP, debt and portfolio in ¥ bn; land = land share of revenue."
    table.caption_justify = "left"
    return table


def real_value(point: dict) -> str:
    unit, v = point.get("unit", ""), point["value"]
    if unit == "bn_RMB":
        return fmt.bn(v)
    if unit == "pct":
        return f"{v:.1f}%"
    return f"{v:,.4g} {unit}"


def yours_at(session: Session, point: dict) -> str | None:
    """The player's own figure for a real history point, where the game has one."""
    metric = point.get("metric", "")
    snaps = [s for s in session.history if s.date.startswith(f"{point['year']} ")]
    if not snaps:
        return None
    last = snaps[-1]
    if metric.endswith("_gdp"):
        return f"yours {fmt.bn(last.gdp)}"
    if "land_share" in metric:
        return f"yours {fmt.pct(last.land_share)}"
    return None


def history_block(session: Session, r: dict) -> Group | None:
    parts: list = []
    for point in r.get("history", []):
        line = Text.assemble("• ", (point.get("label") or point["metric"], ""), ": ",
                             (real_value(point), "bold"))
        mine = yours_at(session, point)
        if mine:
            line.append(f"  ({mine})", style="italic")
        parts.append(line)
    firms = {row["name"]: row for row in session.firms()}
    for item in r.get("firm_history", []):
        parts.append(Text(""))
        parts.append(Text(item["name"], style="bold underline"))
        parts.append(Text(item["history"]))
        row = firms.get(item["name"])
        if row is None:
            game = "In your game it never arrived."
        else:
            held = f", your stake {fmt.pct(row['stake'])}" if row["stake"] > 1e-6 else ""
            game = f"In your game: {row['stage']} in {row['city']}{held}."
        parts.append(Text(game, style="italic"))
    if not parts:
        return None
    return Group(Text("What really happened", style="bold"), *parts)


class EndReportScreen(Screen[None]):
    """The end of a game, with keys back to the title or out."""

    BINDINGS = [
        Binding("t", "title", "Title", id="end.title"),
        Binding("n", "new_game", "New game", id="end.new"),
        Binding("q", "quit", "Quit", id="end.quit"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.report = session.end_report()

    def compose(self) -> ComposeResult:
        r, s = self.report, self.session
        player = s.world.cities[s.player].name
        w = s.world
        first, last = w.date_label(0), w.date_label(max(s.turn - 1, 0))
        if r["crisis"]:
            title = f"{r['scenario']}: fiscal crisis in {last}, after {s.turn} of {w.turns} quarters"
        else:
            title = f"{r['scenario']}: the end, {first} to {last} ({s.turn} quarters)"
        yield Static(Text(title, style="bold"), id="end-title")
        ending = next((n.text for n in reversed(s.news) if n.kind == "game"), None)
        if ending:
            yield Static(ending, id="end-why")
        with VerticalScroll(id="end-body"):
            yield Static(score_block(r, s.world.scenario.score.model_dump()), id="end-score")
            yield Static(outcome_table(r, s), id="end-outcome")
            yield Static(cities_table(r, player), id="end-cities")
            story = history_block(s, r)
            if story is not None:
                yield Static(story, id="end-history")
            yield Static(Text(f"World hash {r['hash'][:16]}… (same seed and moves, same game)",
                              style="dim"), id="end-hash")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#end-body").focus()

    def action_title(self) -> None:
        """Back to the title screen."""
        self.app.show_title()  # type: ignore[attr-defined]

    def action_new_game(self) -> None:
        """Pick another scenario."""
        self.app.show_title()  # type: ignore[attr-defined]
        self.app.show_picker()  # type: ignore[attr-defined]

    def action_quit(self) -> None:
        """Leave the game."""
        self.app.exit()
