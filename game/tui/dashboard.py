"""The main game screen: the headline, the advisor, eight tabs, and every action.

Only the tab on show is redrawn after a change; the others redraw when they are opened,
so ending a turn stays quick however much there is to show.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from game.engine.actions import Action, Pass
from game.engine.session import Refused, Session
from game.tui.actions_menu import ActionsMenu
from game.tui.advisor import AdvisorLine
from game.tui.chains_pane import ChainsPane
from game.tui.city_pane import CityPane
from game.tui.commands import DashboardCommands
from game.tui.decisions import DecisionDialog, banner_text, pending
from game.tui.dialogs import ConfirmDialog, TurnReport, end_turn_question
from game.tui.firm_detail import FirmDetail
from game.tui.firms_table import SORT_NAMES, FirmsTable
from game.tui.forms import (
    ActionForm,
    CreateFundForm,
    GrantLandForm,
    InfrastructureForm,
    InvestForm,
    IssueBondsForm,
    RecruitSuppliersForm,
    RepayBondsForm,
    RescueForm,
    SellLandForm,
    SellStakeForm,
    TaxIncentiveForm,
)
from game.tui.headline import HeadlineBar
from game.tui.keybar import KeyBar
from game.tui.land_pane import LandPane
from game.tui.ledger_pane import LedgerPane
from game.tui.news_log import NewsLog
from game.tui.portfolio_pane import PortfolioPane
from game.tui.record import Records, replayed
from game.tui.sectors_pane import SectorsPane

SYNC_REPLAY_TURNS = 12  # a loaded game this short rebuilds its history at once; longer, in a thread

# (tab id, label, the widget that takes focus when the tab opens)
TABS: tuple[tuple[str, str, str], ...] = (
    ("city", "City", "#city-metrics"),
    ("land", "Land", "#land-facts"),
    ("industry", "Industry", "#firms"),
    ("sectors", "Sectors", "#sector-page"),
    ("chains", "Chains", "#chain-diagram"),
    ("portfolio", "Portfolio", "#portfolio"),
    ("ledger", "Ledger", "#ledger"),
    ("news", "News", "#news"),
)


class DashboardScreen(Screen[None]):
    """Where the game is played: read the numbers, act, end the turn."""

    COMMANDS = {DashboardCommands}
    BINDINGS = [
        Binding("l", "sell_land", "Land", id="sell_land", tooltip="Sell land"),
        Binding("i", "invest", "Invest", id="invest", tooltip="Invest equity in a firm"),
        Binding("a", "actions", "Actions", id="actions", tooltip="Every action, with its key"),
        Binding("u", "undo", "Undo", id="undo", tooltip="Undo the last action this turn"),
        Binding("e", "end_turn", "End turn", id="end_turn", tooltip="Close the quarter"),
        Binding("ctrl+s", "save", "Save", id="save", tooltip="Save the game"),
        Binding("escape", "menu", "Menu", id="menu", tooltip="Save, load, settings, help, quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        # Every other verb has its own key too (listed by a and in help).
        Binding("g", "grant_land", "Grant land", id="grant_land", show=False),
        Binding("b", "issue_bonds", "Bonds", id="issue_bonds", show=False),
        Binding("r", "repay_bonds", "Repay", id="repay_bonds", show=False),
        Binding("x", "rescue", "Rescue", id="rescue", show=False),
        Binding("s", "sell_stake", "Sell stake", id="sell_stake", show=False),
        Binding("m", "create_fund", "Fund", id="create_fund", show=False),
        Binding("c", "recruit", "Suppliers", id="recruit", show=False),
        Binding("t", "incentive", "Incentives", id="incentive", show=False),
        Binding("f", "build", "Build", id="build", show=False),
        Binding("p", "pass_turn", "Pass", id="pass_turn", show=False),
        Binding("d", "decisions", "Decide", id="decisions", show=False),
        Binding("y", "tab('ledger')", "Ledger", id="ledger", show=False),
        Binding("o", "sort", "Sort firms", id="sort", show=False),
        Binding("q", "quit", "Quit", id="quit", show=False),
        Binding("w", "export", "Export result", id="export", show=False,
                tooltip="Write a result file for the class report"),
        *(Binding(str(n), f"tab('{tab}')", label, show=False, id=f"tab.{tab}")
          for n, (tab, label, _) in enumerate(TABS, 1)),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.records = Records()
        self.stale: set[str] = set()
        self.report: TurnReport | None = None  # the turn report, kept from turn to turn
        self.drawn_under_report: int | None = None  # the turn the tabs were redrawn for

    def compose(self) -> ComposeResult:
        yield HeadlineBar(id="headline")
        yield AdvisorLine(id="advisor")
        yield Static(id="decisions")
        with TabbedContent(initial="city", id="tabs"):
            with TabPane("1 City", id="city"):
                yield CityPane(id="city-pane")
            with TabPane("2 Land", id="land"):
                yield LandPane(id="land-pane")
            with TabPane("3 Industry", id="industry"):
                yield FirmsTable(id="firms")
            with TabPane("4 Sectors", id="sectors"):
                yield SectorsPane(id="sectors-pane")
            with TabPane("5 Chains", id="chains"):
                yield ChainsPane(id="chains-pane")
            with TabPane("6 Portfolio", id="portfolio-tab"):
                yield PortfolioPane(id="portfolio")
            with TabPane("7 Ledger", id="ledger-tab"):
                yield LedgerPane(id="ledger")
            with TabPane("8 News", id="news-tab"):
                yield NewsLog(id="news")
        yield KeyBar(id="keybar")

    # tab ids in the DOM (Portfolio, Ledger and News panes carry the short ids)
    PANE_IDS = {"city": "city", "land": "land", "industry": "industry", "sectors": "sectors",
                "chains": "chains", "portfolio": "portfolio-tab", "ledger": "ledger-tab",
                "news": "news-tab"}

    def on_mount(self) -> None:
        self.query_one("#firms").border_title = "Firms"
        hotseat = getattr(self.session, "seat", None) is not None
        if self.session.turn > 0 and not hotseat:  # a game opened part-way: rebuild the turns it has closed
            if self.session.turn <= SYNC_REPLAY_TURNS:
                replayed(self.session, self.records)
            else:
                self.run_worker(self.replay_history, thread=True, description="replay history",
                                exit_on_error=False)
        self.refresh_view()
        self.query_one("#city-metrics").focus()
        self.call_after_refresh(self.turn_opened)

    def on_resize(self) -> None:
        self.set_class(self.size.height >= 34, "-tall")
        self.set_class(self.size.width >= 110, "-wide")
        self.stale.update(self.PANE_IDS)
        self.call_after_refresh(self.refresh_active)

    # ----- drawing ---------------------------------------------------------------------
    def replay_history(self) -> None:
        records = replayed(self.session)
        self.app.call_from_thread(self.merge_history, records)

    def merge_history(self, records: Records) -> None:
        for fid, rows in records.firms.items():
            self.records.firms[fid] = {**rows, **self.records.firms.get(fid, {})}
        for sid, rows in records.sectors.items():
            self.records.sectors[sid] = {**rows, **self.records.sectors.get(sid, {})}
        self.records.dates = {**records.dates, **self.records.dates}
        self.stale.update(self.PANE_IDS)
        self.refresh_active()

    def active_tab(self) -> str:
        active = self.query_one(TabbedContent).active
        return next((k for k, v in self.PANE_IDS.items() if v == active), "city")

    def pane(self, tab: str) -> Widget:
        return {
            "city": lambda: self.query_one(CityPane), "land": lambda: self.query_one(LandPane),
            "industry": lambda: self.query_one(FirmsTable), "sectors": lambda: self.query_one(SectorsPane),
            "chains": lambda: self.query_one(ChainsPane), "portfolio": lambda: self.query_one(PortfolioPane),
            "ledger": lambda: self.query_one(LedgerPane), "news": lambda: self.query_one(NewsLog),
        }[tab]()

    def draw_tab(self, tab: str) -> None:
        s = self.session
        widget = self.pane(tab)
        if isinstance(widget, FirmsTable):
            widget.show_rows(s.firms())
            self.call_after_refresh(self.update_table_hint)
        else:
            widget.refresh_from(s, self.records)  # type: ignore[attr-defined]
        self.stale.discard(tab)

    def refresh_active(self) -> None:
        tab = self.active_tab()
        if tab in self.stale:
            self.draw_tab(tab)

    def refresh_view(self) -> None:
        """Redraw the header and the tab on show from the session (after an action, an undo
        or a turn); the other tabs redraw when opened."""
        s = self.session
        self.records.observe(s)
        self.query_one(HeadlineBar).refresh_from(s)
        self.query_one(AdvisorLine).refresh_from(s)
        waiting = pending(s)
        banner = self.query_one("#decisions", Static)
        banner.set_class(bool(waiting), "-waiting")
        if waiting:
            banner.update(banner_text(waiting))
        self.stale.update(self.PANE_IDS)
        self.draw_tab(self.active_tab())

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_active()

    def update_table_hint(self) -> None:
        """Name the keys that apply to the firms now, and say when columns are hidden."""
        table = self.query_one(FirmsTable)
        rows = self.session.firms() if table.row_count else []
        hints = ["Enter: the firm's page"] if table.row_count else []
        can = {v for r in rows for v in r["can"]}
        for verb, hint in (("invest_equity", "i invest"), ("rescue_firm", "x rescue"),
                           ("sell_stake", "s sell"), ("grant_land", "g grant")):
            if verb in can:
                hints.append(hint)
        hints.append(f"o sort ({SORT_NAMES[table.sort_by]})")
        if table.virtual_size.width > table.scrollable_content_region.width:
            hints.append("←→ more")
        if not table.row_count:
            hints = ["No firms yet: offers arrive as news"]
        table.border_subtitle = " · ".join(hints)

    # ----- tabs ------------------------------------------------------------------------
    def action_tab(self, tab: str) -> None:
        """Show a tab and put the keyboard in it."""
        self.query_one(TabbedContent).active = self.PANE_IDS[tab]
        self.refresh_active()
        focus = next(f for t, _, f in TABS if t == tab)
        self.call_after_refresh(lambda: self.query_one(focus).focus())

    def action_sort(self) -> None:
        """Sort the firms table by the next column."""
        if self.active_tab() != "industry":
            self.action_tab("industry")
        name = self.query_one(FirmsTable).next_sort()
        self.call_after_refresh(self.update_table_hint)
        self.notify(f"Firms sorted by {name}.", timeout=1.5)

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
        self.app.dirty = True  # type: ignore[attr-defined]
        self.notify(self.session.describe(action), title="Done", timeout=2.5)
        self.refresh_view()

    def action_sell_land(self) -> None:
        """Sell land from the land bank."""
        self.open_form(SellLandForm(self.session))

    def action_grant_land(self, firm: str | None = None) -> None:
        """Grant industrial land to a firm."""
        self.open_form(GrantLandForm(self.session, firm))

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

    def action_create_fund(self, sector: str | None = None) -> None:
        """Create or top up a sector guidance fund."""
        self.open_form(CreateFundForm(self.session, sector))

    def action_recruit(self, sector: str | None = None) -> None:
        """Recruit suppliers for a chain link."""
        self.open_form(RecruitSuppliersForm(self.session, sector))

    def action_incentive(self, sector: str | None = None) -> None:
        """Offer tax incentives to a sector."""
        self.open_form(TaxIncentiveForm(self.session, sector))

    def action_actions(self) -> None:
        """Every action in one list."""
        def chosen(name: str | None) -> None:
            if name:
                getattr(self, f"action_{name}")()
        self.app.push_screen(ActionsMenu(self.session), chosen)

    def action_pass_turn(self) -> None:
        """Take no further action and end the quarter."""
        if self.session.over:
            self.app.show_end(self.session)  # type: ignore[attr-defined]
            return

        def answer(yes: bool | None) -> None:
            if yes:
                try:
                    self.session.act(Pass())
                except Refused as exc:
                    self.notify("\n".join(exc.reasons), title="Refused", severity="error")
                    return
                self.close_quarter()
        self.app.push_screen(ConfirmDialog("Pass: take no more action this quarter and end the turn?",
                                           enter_means_yes=True), answer)

    def action_undo(self) -> None:
        """Take back the last action of this turn."""
        if self.session.undo():
            self.app.dirty = True  # type: ignore[attr-defined]
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
        if not self.app.settings.confirmations:  # type: ignore[attr-defined]
            self.close_quarter()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.close_quarter()
        self.app.push_screen(ConfirmDialog(end_turn_question(s), enter_means_yes=True,
                                           title="End the quarter?"), answer)

    def close_quarter(self) -> None:
        if getattr(self.session, "seat", None) is not None:  # hot-seat: the next player decides
            self.app.seat_done(self.session)  # type: ignore[attr-defined]
            return
        s = self.session
        # the quarter as it opened, so the changes add up with the ledger's flows
        opened = s.history[-1]
        before = {k: float(getattr(opened, k)) for k in s.headline() if hasattr(opened, k)}
        closed = s.date
        news = s.end_turn()
        self.records.observe(s)
        report = self.report
        if report is not None and report.fits(self.app.size.width):
            report.quarter(s, closed, before, s.headline(), news, s.ledger_rows())
        else:
            report = TurnReport(s, closed, before, s.headline(), news, s.ledger_rows())
            self.keep_report(report)
        self.app.push_screen(report, self.after_report)
        # the tabs redraw under the report once it is on screen: closing it only repaints
        report.call_after_refresh(self.redraw_under_report)
        # save once the report is on screen, so the writing never delays the picture
        self.app.autosave(s)  # type: ignore[attr-defined]

    def redraw_under_report(self) -> None:
        s = self.session
        if self.app.screen is self.report and not s.over and self.drawn_under_report != s.turn:
            self.refresh_view()
            self.drawn_under_report = s.turn

    # One report screen serves every turn: installed, it outlives its dismissal, and the
    # next quarter updates its widgets instead of composing and mounting a new screen.
    def keep_report(self, report: TurnReport) -> None:
        self.drop_report()
        self.report = report
        self.app.install_screen(report, f"turn-report-{id(self)}")

    def drop_report(self) -> None:
        report, self.report = self.report, None
        if report is None or report in self.app.screen_stack:
            return
        self.app.uninstall_screen(report)
        if report.is_attached:
            report.remove()

    def on_unmount(self) -> None:
        self.drop_report()

    def after_report(self, _: None) -> None:
        if self.session.over:
            self.app.show_end(self.session)  # type: ignore[attr-defined]
        else:
            if self.drawn_under_report != self.session.turn:  # closed before it could
                self.refresh_view()
            self.turn_opened()

    def turn_opened(self) -> None:
        """A quarter opens: the class's milestones first, then the decisions that wait."""
        due = self.session.milestones_due()
        if not due:
            self.action_decisions()
            return
        m = due[0]
        if not (m["pause"] and self.app.settings.pause_at_milestones):  # type: ignore[attr-defined]
            self.session.acknowledge(m["id"])
            self.notify(m["prompt"], title=f"Milestone: {m['title']}", timeout=8)
            self.turn_opened()
            return

        def seen(milestone_id: str | None) -> None:
            self.session.acknowledge(milestone_id or m["id"])
            self.turn_opened()
        from game.tui.milestone import MilestoneDialog

        self.app.push_screen(MilestoneDialog(m), seen)

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
                self.app.dirty = True  # type: ignore[attr-defined]
            except Refused as exc:
                self.notify("\n".join(exc.reasons), title="Refused", severity="error")
            self.refresh_view()
            if any(e["key"] != event["key"] for e in pending(self.session)):
                self.action_decisions()

        self.app.push_screen(DecisionDialog(event), answered)

    def action_save(self) -> None:
        """Save the game under a name."""
        self.app.open_save(self.session)  # type: ignore[attr-defined]

    def action_export(self) -> None:
        """Write a result file (for the class report) into the saves folder."""
        self.app.export_result(self.session)  # type: ignore[attr-defined]

    def action_menu(self) -> None:
        """The game menu: resume, save, load, settings, help, title, quit."""
        self.app.open_game_menu(self.session)  # type: ignore[attr-defined]

    def action_help(self) -> None:
        """How to play, keys and the glossary."""
        self.app.open_help()  # type: ignore[attr-defined]

    def action_quit(self) -> None:
        """Ask, then leave the game."""
        self.app.request_quit()  # type: ignore[attr-defined]

    def open_firm(self, fid: str) -> None:
        """A firm's page; the verb chosen there opens its form."""
        forms: dict[str, Callable[[str], None]] = {
            "invest_equity": self.action_invest, "rescue_firm": self.action_rescue,
            "sell_stake": self.action_sell_stake, "grant_land": self.action_grant_land}

        def chosen(verb: str | None) -> None:
            if verb in forms:
                forms[verb](fid)
        self.app.push_screen(FirmDetail(self.session, fid, self.records), chosen)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a firm opens its page."""
        if event.row_key.value:
            self.open_firm(event.row_key.value)
