"""Small dialogs: the turn report and a yes/no question."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from game.engine.actions import parse_action
from game.engine.session import News, Session
from game.tui import fmt
from game.tui.decisions import pending
from game.tui.news_log import news_line
from game.tui.plain_table import TableStatic

WIDE = 110  # columns from which the report shows two columns
LEDGER_TITLE = "Why the treasury changed"

REPORT_NUMBERS = (
    ("treasury", "Treasury", fmt.bn),
    ("gdp", "GDP a year", fmt.bn),
    ("land_share", "Land share", fmt.pct),
    ("debt", "Debt", fmt.bn),
    ("land_bank", "Land bank", fmt.ha),
    ("land_price", "Land price", fmt.price_m_per_ha),
    ("portfolio", "Portfolio", fmt.bn),
    ("jobs", "Jobs", fmt.jobs),
)


def ledger_table(rows: list[tuple[str, float]], title: str | None = None,
                 expand: bool = False) -> Table:
    """Money in, then money out, then the net change; every figure with its unit."""
    table = Table(box=None, show_header=False, padding=(0, 1), title=title,
                  title_justify="left", title_style="bold", expand=expand)
    table.add_column("Category", ratio=1)
    table.add_column("Flow", justify="right", no_wrap=True)
    ins = sorted((r for r in rows if r[1] > 0), key=lambda r: -r[1])
    outs = sorted((r for r in rows if r[1] <= 0), key=lambda r: r[1])
    for label, value in ins:
        table.add_row(f"+ {label}", Text(fmt.bn(value, signed=True), style="green"))
    for label, value in outs:
        table.add_row(f"- {label}", Text(fmt.bn(value, signed=True), style="red"))
    if not rows:
        table.add_row(Text("No money moved.", style="dim"), "")
    table.add_row(Text("= Net change of the treasury", style="bold"),
                  Text(fmt.bn(sum(v for _, v in rows), signed=True), style="bold"))
    return table


class TurnReport(Screen[None]):
    """What the quarter changed and why: headline numbers, money flows, news."""

    BINDINGS = [
        Binding("enter", "close", "Continue", id="report.continue"),
        Binding("escape", "close", "Continue", show=False),
        Binding("space", "close", "Continue", show=False),
    ]

    def __init__(self, session: Session, closed: str, before: dict[str, float],
                 after: dict[str, float], news: list[News], ledger: list[tuple[str, float]]) -> None:
        super().__init__()
        self.wide: bool | None = None  # the layout composed: two columns, or one
        self.quarter(session, closed, before, after, news, ledger)

    def quarter(self, session: Session, closed: str, before: dict[str, float],
                after: dict[str, float], news: list[News], ledger: list[tuple[str, float]]) -> None:
        """Report this quarter. A report already composed updates its widgets in place, so
        showing it again costs no compose and no mount (the dashboard keeps one)."""
        self.session = session
        self.closed = closed
        self.before = before
        self.after = after
        self.news = news
        self.ledger = ledger
        if self.wide is None:
            return
        self.query_one("#dialog-title", Label).update(self.heading())
        self.query_one("#report-numbers", TableStatic).update(self.numbers())
        self.query_one("#report-news", Static).update(self.news_text())
        why = self.why_gdp()
        gdp = self.query_one("#report-gdp", TableStatic)
        gdp.display = why is not None
        if why is not None:
            gdp.update(why)
        self.query_one("#report-ledger", TableStatic).update(ledger_table(self.ledger, LEDGER_TITLE))
        for scroll in self.query(VerticalScroll):
            scroll.scroll_home(animate=False, immediate=True)
        self.set_focus(self.query_one("#report-body"), scroll_visible=False)

    def fits(self, width: int) -> bool:
        """Whether the layout composed suits a screen this wide."""
        return self.wide is None or self.wide == (width >= WIDE)

    def compose(self) -> ComposeResult:
        self.wide = wide = self.app.size.width >= WIDE
        why = self.why_gdp()
        numbers = TableStatic(self.numbers(), id="report-numbers")
        news = Static(self.news_text(), id="report-news")
        gdp = TableStatic(why if why is not None else Table(), id="report-gdp")
        gdp.display = why is not None
        money = TableStatic(ledger_table(self.ledger, LEDGER_TITLE), id="report-ledger")
        with Vertical(id="dialog", classes="report wide" if wide else "report"):
            yield Label(self.heading(), id="dialog-title")
            if wide:  # what changed and why on the left, what happened and the money on the right
                with Horizontal(id="report-columns"):
                    with VerticalScroll(id="report-body"):
                        yield numbers
                        yield gdp
                    with VerticalScroll(id="report-side"):
                        yield news
                        yield money
            else:
                with VerticalScroll(id="report-body"):
                    yield numbers
                    yield news
                    yield gdp
                    yield money
            yield Static("Enter continues · ↑↓ scroll · Tab the other column" if wide
                         else "Enter continues · ↑↓ scroll", id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "End of quarter: what changed and why"
        self.query_one("#report-body").focus()

    def heading(self) -> str:
        if self.session.over:
            return f"{self.closed} closed. The game is over."
        return f"{self.closed} closed. Now {self.session.date}, turn {self.session.turn + 1} of {self.session.world.turns}."

    def numbers(self) -> Table:
        table = Table(box=None, padding=(0, 1), title="What changed", title_justify="left",
                      title_style="bold", show_header=False)
        table.add_column("What", no_wrap=True)
        table.add_column("Before", justify="right", no_wrap=True)
        table.add_column("", no_wrap=True)
        table.add_column("After", justify="right", no_wrap=True)
        table.add_column("Change", justify="right", no_wrap=True)
        for key, label, f in REPORT_NUMBERS:
            if key not in self.before or key not in self.after:
                continue
            b, a = self.before[key], self.after[key]
            if key == "land_share":
                change = f"{(a - b) * 100:+.0f} pts"
            elif key in ("land_bank", "land_price", "jobs"):
                change = f"{(a / b - 1) * 100:+.0f}%" if b else ""
            else:
                change = fmt.bn(a - b, signed=True)
            mark = "▲" if a > b + 1e-9 else ("▼" if a < b - 1e-9 else "=")
            table.add_row(label, f(b), "→", Text(f(a), style="bold"), f"{mark} {change}")
        return table

    def why_gdp(self) -> Table | None:
        """The GDP change split by cause, when the engine can explain it."""
        explain = getattr(self.session, "explain", None)
        try:
            rows = explain("gdp") if explain is not None else []
        except ValueError:
            rows = []
        rows = [(label, v) for label, v in rows if abs(v) >= 0.005]
        if not rows:
            return None
        table = Table(box=None, show_header=False, padding=(0, 1), title="Why GDP changed",
                      title_justify="left", title_style="bold")
        table.add_column("Cause", ratio=1)
        table.add_column("Change", justify="right", no_wrap=True)
        for label, value in sorted(rows, key=lambda r: -abs(r[1])):
            table.add_row(f"{'+' if value > 0 else '-'} {label}",
                          Text(fmt.bn(value, signed=True), style="green" if value > 0 else "red"))
        return table

    def news_text(self) -> Text:
        text = Text("What happened\n", style="bold")
        # the quarter's fiscal summary repeats the numbers above (from after your actions)
        items = [n for n in self.news if not (n.kind == "fiscal" and n.severity == "info")]
        if not items:
            text.append("Nothing new this quarter.", style="dim")
        for i, item in enumerate(items):
            text.append_text(news_line(self.session, item))
            if i < len(items) - 1:
                text.append("\n")
        return text

    def action_close(self) -> None:
        """Close the report and go on."""
        self.dismiss(None)


def end_turn_question(session: Session) -> Text:
    """What ending the turn locks in: the actions taken, attention unused, decisions left."""
    h = session.headline()
    text = Text.assemble((f"End {session.date}?", "bold"),
                         " Once the quarter closes, its actions cannot be undone.\n")
    done = [a for a in session.actions_this_turn if a.get("kind") != "pass"]
    if done:
        text.append("This quarter: ", style="dim")
        text.append(f"{len(done)} action(s), the last: ")
        text.append(session.describe(parse_action(done[-1])))
    else:
        text.append("No action taken this quarter.", style="dim")
    left = int(round(h["attention"]))
    if left:
        text.append(f"\n{left} point(s) of attention unused (they do not carry over).", style="dim")
    for event in pending(session):
        default = next((o["label"] for o in event["options"] if o["default"]), None)
        text.append("\n⚑ Unanswered: ", style="bold")
        text.append(event["title"])
        if default:
            text.append(f" (the city takes “{default}”)")
    return text


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question answered with y or n (and Enter, where Enter means yes)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "No", show=False),
    ]

    def __init__(self, question: str | Text, enter_means_yes: bool = False,
                 title: str = "Are you sure?") -> None:
        super().__init__()
        self.question = question
        self.enter_means_yes = enter_means_yes
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="confirm"):
            yield Static(self.question, id="confirm-question")
            keys = "y or Enter: yes · n or Esc: no" if self.enter_means_yes else "y yes · n or Esc no"
            yield Static(keys, id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = self.title_text

    def on_key(self, event) -> None:
        if event.key == "enter" and self.enter_means_yes:
            event.stop()
            self.dismiss(True)

    def action_answer(self, yes: bool) -> None:
        """Answer the question."""
        self.dismiss(yes)
