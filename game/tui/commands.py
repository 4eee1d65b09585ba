"""Command palette providers built from the current context (the game on screen)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from game.engine.actions import INFRASTRUCTURE, infrastructure_cost
from game.tui import fmt
from game.tui.firms_table import investable
from game.tui.forms import rescuable, sellable

if TYPE_CHECKING:
    from game.tui.dashboard import DashboardScreen


class DashboardCommands(Provider):
    """Every dashboard action by name, plus one entry per firm and project on offer."""

    def commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen: DashboardScreen = self.screen  # type: ignore[assignment]
        session = screen.session
        out: list[tuple[str, str, Callable[[], object]]] = [
            ("Sell land", "Sell hectares from the land bank (l)", screen.action_sell_land),
            ("Invest equity", "Put money into a firm in your city (i)", screen.action_invest),
            ("Issue bonds", "Borrow through the city's investment platform (b)", screen.action_issue_bonds),
            ("Repay bonds", "Pay debt back from the treasury (r)", screen.action_repay_bonds),
            ("Build infrastructure", "Parks, fab utilities, transit, talent (f)", screen.action_build),
            ("Rescue a firm", "Save a firm in a cash crunch (x)", screen.action_rescue),
            ("Sell a stake", "Exit part of a stake in a firm (s)", screen.action_sell_stake),
            ("Undo last action", "Take back the last action of this turn (u)", screen.action_undo),
            ("End turn", "Close the quarter and see what changed (e)", screen.action_end_turn),
            ("Show ledger", "Money in and out by category (y)", screen.action_ledger),
            ("Help", "Keys and ideas (?)", screen.action_help),
            ("Quit", "Leave the game (q)", screen.action_quit),
        ]
        if session.over:
            return out
        from game.tui.decisions import pending

        for event in pending(session):
            out.append((f"Decide: {event['title']}", "A decision waits (d)", screen.action_decisions))
        for row in session.firms():
            if investable(row):
                what = (f"asks ¥{row['ask']:,.1f} bn for {row['offered_stake']:.0%}"
                        if row["stage"] == "prospect" else row["stage"])
                out.append((f"Invest in {row['name']}", f"{row['sector']}, {what}",
                            partial(screen.action_invest, row["id"])))
            if rescuable(row):
                out.append((f"Rescue {row['name']}", f"{row['city']}, needs "
                            f"{fmt.bn(row.get('rescue_need', 0.0))}",
                            partial(screen.action_rescue, row["id"])))
            if sellable(row):
                out.append((f"Sell stake in {row['name']}", f"you hold {fmt.pct(row['stake'])}",
                            partial(screen.action_sell_stake, row["id"])))
        for project in INFRASTRUCTURE:
            cost = float(infrastructure_cost(session.state, session.player, project)[0])
            out.append((f"Build {project.replace('-', ' ')}",
                        f"{fmt.bn(cost)}: {INFRASTRUCTURE[project][2]}",
                        partial(screen.action_build, project)))
        return out

    async def discover(self) -> Hits:
        for title, help_text, callback in self.commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self.commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)
