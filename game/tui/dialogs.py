"""Small dialogs: the turn report, the ledger, help, and a yes/no question."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from game.engine.ledger import CATEGORY_IDS, CATEGORY_LABELS
from game.engine.session import News, Session
from game.tui import fmt
from game.tui.news_log import news_line

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
        self.session = session
        self.closed = closed
        self.before = before
        self.after = after
        self.news = news
        self.ledger = ledger

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="report"):
            yield Label(self.heading(), id="dialog-title")
            with VerticalScroll(id="report-body"):
                yield Static(self.news_text(), id="report-news")
                yield Static(self.numbers(), id="report-numbers")
                why = self.why_gdp()
                if why is not None:
                    yield Static(why, id="report-gdp")
                yield Static(ledger_table(self.ledger, "Where the money came from and went"),
                             id="report-ledger")
            yield Static("Enter continues · ↑↓ scroll", id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "End of quarter"
        self.query_one("#report-body").focus()

    def heading(self) -> str:
        if self.session.over:
            return f"{self.closed} closed. The game is over."
        return f"{self.closed} closed. Now {self.session.date}, turn {self.session.turn + 1} of {self.session.world.turns}."

    def numbers(self) -> Table:
        table = Table(box=None, padding=(0, 1), title="Headline numbers", title_justify="left",
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
        items = [n for n in self.news]
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


class LedgerDialog(ModalScreen[None]):
    """The last closed quarter's flows by category, and this quarter's so far."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="ledger.close"),
        Binding("enter", "close", "Close", show=False),
        Binding("y", "close", "Close", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        s = self.session
        with Vertical(id="dialog", classes="report"):
            yield Label("Ledger: every yuan in and out of the treasury", id="dialog-title")
            with VerticalScroll(id="report-body"):
                if len(s.history) > 1:
                    closed = s.world.date_label(s.history[-1].turn - 1)
                    yield Static(ledger_table(s.ledger_rows(), f"Last closed quarter, {closed}",
                                              expand=True))
                else:
                    yield Static(Text("No quarter has closed yet: end the turn to see a full "
                                      "quarter's taxes, spending and interest.", style="dim"))
                yield Static(ledger_table(self.so_far(), f"This quarter so far, {s.date} "
                                          "(your actions; taxes and spending come at the end)",
                                          expand=True), id="ledger-now")
            yield Static("Esc closes · ↑↓ scroll", id="dialog-keys")

    def so_far(self) -> list[tuple[str, float]]:
        flows = self.session.state.ledger[0, self.session.player]
        return [(CATEGORY_LABELS[k], float(v)) for k, v in zip(CATEGORY_IDS, flows, strict=False)
                if abs(v) > 1e-9]

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Ledger"
        self.query_one("#report-body").focus()

    def action_close(self) -> None:
        """Close the ledger."""
        self.dismiss(None)


HELP_TEXT = """\
[b]Keys[/b]
  l  sell land               i  invest equity in a firm
  b  issue bonds             r  repay bonds
  f  build infrastructure    u  undo the last action this turn
  s  sell part of a stake    x  rescue a firm in a cash crunch
  e  end the turn            y  ledger (money in and out)
  d  answer a decision       ?  this help
  q  quit
  Ctrl+P  the command palette: every action by name

  Tab and Shift+Tab move between panels. In the firms table ↑↓ pick
  a firm (marked ▸), ←→ scroll, Enter opens what you can do with it.
  In a form: type, read the check, Enter confirms, Esc cancels.

[b]The game[/b]
  Each quarter you have a few points of [b]attention[/b]: one per major
  action. [b]Land share[/b] is land revenue over all fiscal revenue.
  Land is easy money that runs out: sales depress the price, the
  bank is finite, and the land cycle turns.
  Firms go prospect → building → ramping → operating → listed.
  A distressed firm fails within a year unless someone rescues it.
  Debt buys time but costs interest, and the province caps it.

[b]Marks[/b]
  ▶OFFER  a firm asking you for equity
  ★OWN    you hold a stake      •HOME  a firm in your city
  News:   + good   · info   ! warn   x bad\
"""


class HelpDialog(ModalScreen[None]):
    """Keys and the few ideas the game rests on."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="help.close"),
        Binding("question_mark", "close", "Close", show=False),
        Binding("enter", "close", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="report"):
            yield Label("Help", id="dialog-title")
            with VerticalScroll(id="report-body"):
                yield Static(HELP_TEXT)
            yield Static("Esc closes · ↑↓ scroll", id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#report-body").focus()

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question answered with y or n."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "No", show=False),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="confirm"):
            yield Static(self.question, id="dialog-title")
            yield Static("y yes · n no", id="dialog-keys")

    def action_answer(self, yes: bool) -> None:
        """Answer the question."""
        self.dismiss(yes)
