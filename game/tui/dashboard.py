"""The dashboard: one game's headline numbers, firms, land and news, and every action."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from game.engine.actions import Action
from game.engine.session import Refused, Session
from game.tui.advisor import AdvisorLine
from game.tui.commands import DashboardCommands
from game.tui.decisions import DecisionDialog, banner_text, pending
from game.tui.dialogs import ConfirmDialog, HelpDialog, LedgerDialog, TurnReport
from game.tui.firms_table import FirmsTable, investable
from game.tui.forms import (
    ActionForm,
    InfrastructureForm,
    InvestForm,
    IssueBondsForm,
    RepayBondsForm,
    RescueForm,
    SellLandForm,
    SellStakeForm,
    rescuable,
    sellable,
)
from game.tui.headline import HeadlineBar
from game.tui.land_panel import LandPanel
from game.tui.news_log import NewsLog


class DashboardScreen(Screen[None]):
    """Where the game is played: read the numbers, act, end the turn."""

    COMMANDS = {DashboardCommands}
    BINDINGS = [
        Binding("l", "sell_land", "Land", id="sell_land", tooltip="Sell land"),
        Binding("i", "invest", "Invest", id="invest", tooltip="Invest equity in a firm"),
        Binding("b", "issue_bonds", "Bonds", id="issue_bonds", tooltip="Issue bonds"),
        Binding("r", "repay_bonds", "Repay", id="repay_bonds", tooltip="Repay bonds"),
        Binding("f", "build", "Build", id="build", tooltip="Build infrastructure"),
        Binding("u", "undo", "Undo", id="undo", tooltip="Undo the last action this turn"),
        Binding("e", "end_turn", "End turn", id="end_turn", tooltip="Close the quarter"),
        Binding("y", "ledger", "Ledger", id="ledger", tooltip="Money in and out by category"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
        # Contextual verbs: the firms table's subtitle names them when they apply.
        Binding("s", "sell_stake", "Sell stake", id="sell_stake", show=False),
        Binding("x", "rescue", "Rescue", id="rescue", show=False),
        Binding("d", "decisions", "Decide", id="decisions", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield HeadlineBar(id="headline")
        yield AdvisorLine(id="advisor")
        yield Static(id="decisions")
        with Vertical(id="body"):
            yield FirmsTable(id="firms")
            with Horizontal(id="lower"):
                yield LandPanel(id="land")
                yield NewsLog(id="news")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#firms").border_title = "Firms"
        self.refresh_view()
        self.query_one(FirmsTable).focus()
        self.call_after_refresh(self.action_decisions)

    def on_resize(self) -> None:
        self.set_class(self.size.height >= 34, "-tall")
        self.query_one(LandPanel).set_class(self.size.height >= 34, "-roomy")
        self.set_class(self.size.width >= 110, "-wide")
        # At 80 columns every key needs the footer's whole width; Ctrl+P is listed in help.
        self.query_one(Footer).show_command_palette = self.size.width >= 100
        self.call_after_refresh(self.update_table_hint)

    def update_table_hint(self) -> None:
        """Name the keys that apply to the firms now, and say when columns are hidden."""
        table = self.query_one(FirmsTable)
        rows = self.session.firms() if table.row_count else []
        hints = []
        if any(investable(r) for r in rows):
            hints.append("Enter/i invest")
        if any(rescuable(r) for r in rows):
            hints.append("x rescue")
        if any(sellable(r) for r in rows):
            hints.append("s sell stake")
        if table.virtual_size.width > table.scrollable_content_region.width:
            hints.append("←→ more columns")
        if not table.row_count:
            hints.append("No firms yet: offers arrive as news")
        table.border_subtitle = " · ".join(hints) or None

    def refresh_view(self) -> None:
        """Redraw every panel from the session (after an action, an undo or a turn)."""
        s = self.session
        self.query_one(HeadlineBar).refresh_from(s)
        self.query_one(AdvisorLine).refresh_from(s)
        waiting = pending(s)
        banner = self.query_one("#decisions", Static)
        banner.set_class(bool(waiting), "-waiting")
        if waiting:
            banner.update(banner_text(waiting))
        rows = s.firms()
        table = self.query_one(FirmsTable)
        table.show_rows(rows)
        self.call_after_refresh(self.update_table_hint)
        self.query_one(LandPanel).refresh_from(s)
        self.query_one(NewsLog).refresh_from(s)

    # ----- actions -------------------------------------------------------------------
    def open_form(self, form: ActionForm) -> None:
        if self.session.over:
            self.app.bell()
            return
        self.app.push_screen(form, self.take)

    def take(self, action: Action | None) -> None:
        if action is None:
            return
        try:
            self.session.act(action)
        except Refused as exc:
            self.notify("\n".join(exc.reasons), title="Refused", severity="error")
            return
        self.notify(action.describe(self.session.world), title="Done", timeout=2.5)
        self.refresh_view()

    def action_sell_land(self) -> None:
        """Sell land from the land bank."""
        self.open_form(SellLandForm(self.session))

    def action_invest(self, firm: str | None = None) -> None:
        """Invest equity in a firm in your city."""
        self.open_form(InvestForm(self.session, firm))

    def action_issue_bonds(self) -> None:
        """Borrow by issuing bonds."""
        self.open_form(IssueBondsForm(self.session))

    def action_repay_bonds(self) -> None:
        """Repay bonds from the treasury."""
        self.open_form(RepayBondsForm(self.session))

    def action_build(self, project: str | None = None) -> None:
        """Build infrastructure."""
        self.open_form(InfrastructureForm(self.session, project))

    def action_rescue(self, firm: str | None = None) -> None:
        """Rescue a firm in a cash crunch."""
        self.open_form(RescueForm(self.session, firm))

    def action_sell_stake(self, firm: str | None = None) -> None:
        """Sell part of a stake."""
        self.open_form(SellStakeForm(self.session, firm))

    def action_undo(self) -> None:
        """Take back the last action of this turn."""
        if self.session.undo():
            self.notify("The last action was taken back.", title="Undone")
            self.refresh_view()
        else:
            self.notify("Nothing to undo this turn.", severity="warning")

    def action_end_turn(self) -> None:
        """Close the quarter and show what changed."""
        s = self.session
        if s.over:
            self.app.show_end(s)  # type: ignore[attr-defined]
            return
        closed, before = s.date, s.headline()
        news = s.end_turn()
        report = TurnReport(s, closed, before, s.headline(), news, s.ledger_rows())
        self.app.push_screen(report, self.after_report)

    def after_report(self, _: None) -> None:
        if self.session.over:
            self.app.show_end(self.session)  # type: ignore[attr-defined]
        else:
            self.refresh_view()
            self.action_decisions()

    def action_decisions(self) -> None:
        """Answer the decisions that wait, one dialog each."""
        waiting = pending(self.session)
        if not waiting:
            return
        event = waiting[0]

        def answered(choice: int | None) -> None:
            if choice is None:
                self.refresh_view()
                return
            try:
                self.session.choose(event["key"], choice)
            except Refused as exc:
                self.notify("\n".join(exc.reasons), title="Refused", severity="error")
            self.refresh_view()
            if any(e["key"] != event["key"] for e in pending(self.session)):
                self.action_decisions()

        self.app.push_screen(DecisionDialog(event), answered)

    def action_ledger(self) -> None:
        """Show money in and out by category."""
        self.app.push_screen(LedgerDialog(self.session))

    def action_help(self) -> None:
        """Show keys and ideas."""
        self.app.push_screen(HelpDialog())

    def action_quit(self) -> None:
        """Ask, then leave the game."""
        def answer(yes: bool | None) -> None:
            if yes:
                self.app.exit()
        self.app.push_screen(ConfirmDialog("Quit the game? This game is not saved."), answer)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a firm: invest if it takes money from you, else tell its story."""
        fid = event.row_key.value
        row = next((r for r in self.session.firms() if r["id"] == fid), None)
        if row is None:
            return
        if rescuable(row):
            self.action_rescue(row["id"])
        elif investable(row):
            self.action_invest(row["id"])
        elif sellable(row):
            self.action_sell_stake(row["id"])
        else:
            self.notify(row["description"] or f"{row['name']} is in {row['city']}.",
                        title=f"{row['name']} ({row['stage']}, {row['city']})")
