"""Help: how to play, every key, and a glossary of every metric.

The glossary is generated from the engine's registry (each metric's unit and meaning,
the same names events and mods use) and the ledger's categories, so it never drifts
from the game.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane

from game.engine import registry
from game.engine.ledger import CATEGORIES
from game.engine.scoring import CRISIS_PENALTY, GRADES, RULES
from game.tui.actions_menu import VERBS
from game.tui.end_report import COMPONENT_LABELS

HOW_TO_PLAY = """\
[b]You run a Chinese city's industrial policy, one quarter a turn.[/b]

[b]1. Read.[/b] The header shows the date, the treasury, the debt, the land share (land revenue over all fiscal revenue), GDP and your attention: one point per major action, a few a quarter. The advisor line under it points at the most urgent thing. Tabs 1–8 hold the rest: the City's numbers and why they moved, Land, Industry (every firm), Sectors and rival cities, supply Chains, your Portfolio, the Ledger and News.

[b]2. Act.[/b] Press a key (l sells land, i invests, a lists every action). Each form checks your numbers as you type: a refusal says which number was short, and a preview shows the treasury, stake or land price after the move. Nothing happens until you confirm. u takes back the last action of the quarter.

[b]3. End the turn.[/b] e closes the quarter: every city's economy moves, firms build, ramp, list or run out of cash, events fire, and a report shows what changed and why. A decision that waits opens as a dialog; Esc puts it off (the city takes the default if the quarter ends first). The game saves itself after every turn.

[b]What the game teaches[/b]
• Land is easy money that runs out: big sales depress the price, the bank is finite, and the land cycle turns down.
• Value lives in dense supply chains and strong firms, not in land.
• Strategic firms need big, patient money early, when private investors hesitate.
• A timely rescue of a strong firm can be the best deal a city makes; the same money in a weak firm is lost.
• When every city chases the same sector, capacity outruns demand and prices fall.
• Exits (an IPO, then selling the stake) recycle capital into the next bet.
• Debt buys time, but the province caps it and loses patience.

[b]Firms[/b] go prospect → building → ramping → operating → listed. A prospect waits four quarters for your terms, then goes elsewhere. A firm out of cash is distressed (a cash crunch) and fails within a year unless someone rescues it.

[b]Marks[/b] (words, not only colours): ▶OFFER a firm asking you for equity · ★OWN you hold a stake · •HOME a firm in your city · ▸ the row under the cursor · news tagged + good, · info, ! warn, x bad · ‼ urgent advice. """

OTHER_KEYS = (
    ("e", "end the turn (the quarter closes; a report follows)"),
    ("u", "undo the last action of this quarter"),
    ("a", "every action in one list, with why a greyed one is closed"),
    ("d", "answer a decision that waits"),
    ("1 … 8", "the tabs: City, Land, Industry, Sectors, Chains, Portfolio, Ledger, News"),
    ("y", "the Ledger tab"),
    ("o", "sort the firms table by the next column (or click a header)"),
    ("Enter", "on a firm: its page (history, cap table, what you can do)"),
    ("←→ [ ]", "in the Chains tab: the previous or next sector"),
    ("Ctrl+S", "save the game"),
    ("Esc", "the game menu: save, load, settings, help, main menu, quit"),
    ("Ctrl+P", "the command palette: every action, firm and tab by name"),
    ("?", "this help"),
    ("q", "quit (asks first when there is something unsaved)"),
    ("Tab", "move between panels; ↑↓ scroll and choose; mouse optional"),
)


def score_rules() -> Group:
    """How the score is made: each component's rule (from the engine), grades, the crisis."""
    table = Table(title="How you are scored", title_justify="left", title_style="bold underline", box=None,
                  padding=(0, 2), show_header=False)
    table.add_column("Component", style="bold", no_wrap=True)
    table.add_column("What earns it")
    for key, rule in RULES.items():
        table.add_row(COMPONENT_LABELS.get(key, key), rule)
    grades = ", ".join(f"{letter} from {floor}" for floor, letter in GRADES if floor > 0)
    note = Text(f"Each scenario weighs the components its own way (the picker and the end report show "
                f"the weights); the total is out of 100. Grades: {grades}, E below. A fiscal crisis "
                f"multiplies the score by {CRISIS_PENALTY:g}.")
    return Group(Text(""), table, Text(""), note)


def keys_table() -> Group:
    def section(title: str, rows: list[tuple[str, str]]) -> Table:
        table = Table(title=title, title_justify="left", title_style="bold underline", box=None,
                      padding=(0, 2), show_header=False)
        table.add_column("Key", style="bold", no_wrap=True, min_width=7)
        table.add_column("What it does")
        for key, what in rows:
            table.add_row(key, what)
        return table

    verbs = [(key, f"{label}: {what}") for _, key, label, what in VERBS]
    form = [("Enter", "confirm (only when the check says Allowed)"), ("Esc", "cancel; nothing happens"),
            ("Tab", "the next field")]
    return Group(section("Actions", verbs), Text(""), section("Moving around", list(OTHER_KEYS)),
                 Text(""), section("In a form", form))


SCOPE_TITLES = {
    "game": "The game and the nation",
    "city": "Your city (and each rival)",
    "sector": "A sector (national market, and your chain in it)",
    "firm": "A firm",
}

TERMS = (
    ("attention", "points a quarter for major actions; answering decisions and undo are free"),
    ("land share", "land revenue over all fiscal revenue, last four quarters; the transition's key number"),
    ("chain density", "0..1: how much of a sector's supply chain is in the city; cuts costs, lifts GDP"),
    ("portfolio", "the city's stakes marked to market, plus its idle guidance-fund money"),
    ("IRR", "the yearly return that makes every flow into and out of the portfolio, and its worth "
            "now, add up to nothing"),
    ("cash crunch", "a firm out of cash (distressed); it fails within a year unless rescued"),
    ("IPO window", "open when a sector's sentiment is 1.0 or more: profitable firms can list"),
    ("lock-up", "quarters after an IPO before a holder may sell listed shares"),
    ("guidance fund", "a sector fund the city commits to; private partners add money to it"),
    ("province's patience", "0..1; falls while debt is high; at 0 the province takes over (a fiscal crisis)"),
)


def glossary() -> Group:
    parts: list = [Text("Terms", style="bold underline")]
    terms = Table(box=None, padding=(0, 1), show_header=False)
    terms.add_column("Term", style="bold", no_wrap=True)
    terms.add_column("Meaning")
    for term, meaning in TERMS:
        terms.add_row(term, meaning)
    parts += [terms, Text("")]
    by_scope: dict[str, list[registry.Metric]] = {}
    for m in registry.METRICS.values():
        by_scope.setdefault(m.scope, []).append(m)
    for scope in registry.SCOPES:
        metrics = by_scope.get(scope, [])
        if not metrics:
            continue
        parts.append(Text(SCOPE_TITLES.get(scope, scope), style="bold underline"))
        table = Table(box=None, padding=(0, 1), show_header=True, header_style="dim")
        table.add_column("Metric", no_wrap=True)
        table.add_column("Unit", no_wrap=True)
        table.add_column("Meaning")
        for m in sorted(metrics, key=lambda m: m.name):
            table.add_row(m.name.split(".", 1)[1].replace("_", " "), m.unit, m.meaning)
        parts += [table, Text("")]
    parts.append(Text("Ledger categories (every flow of money has one)", style="bold underline"))
    ledger = Table(box=None, padding=(0, 1), show_header=True, header_style="dim")
    ledger.add_column("Category", no_wrap=True)
    ledger.add_column("Counts as fiscal revenue", no_wrap=True)
    for _, label, revenue in CATEGORIES:
        ledger.add_row(label, "yes (in the land share)" if revenue else "no")
    parts.append(ledger)
    parts.append(Text("\nMetric names (city.land_share, ...) are the ones events and mods use; "
                      "see docs/modding.md.", style="dim"))
    return Group(*parts)


class HelpScreen(Screen[None]):
    """Three tabs: how to play, keys, glossary."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
        Binding("1", "tab('how')", "How to play", show=False),
        Binding("2", "tab('keys')", "Keys", show=False),
        Binding("3", "tab('glossary')", "Glossary", show=False),
    ]

    def __init__(self, initial: str = "how") -> None:
        super().__init__()
        self.initial = initial

    def compose(self) -> ComposeResult:
        yield Static(Text("Help", style="bold"), id="help-title")
        with TabbedContent(initial=self.initial, id="help-tabs"):
            with TabPane("1 How to play", id="how"), VerticalScroll(id="help-how"):
                yield Static(HOW_TO_PLAY)
                yield Static(score_rules(), id="help-score")
            with TabPane("2 Keys", id="keys"), VerticalScroll(id="help-keys"):
                yield Static(keys_table())
            with TabPane("3 Glossary", id="glossary"), VerticalScroll(id="help-glossary"):
                yield Static(glossary())
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(f"#help-{self.initial}").focus()

    def action_tab(self, tab: str) -> None:
        """Show a tab."""
        self.query_one(TabbedContent).active = tab
        self.query_one(f"#help-{tab}").focus()

    def action_close(self) -> None:
        """Back to where you were."""
        self.dismiss(None)
