"""Command palette providers built from the current context (the game on screen):
every action, every firm on offer or in trouble, each tab, saving and loading."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from game.engine.actions import INFRASTRUCTURE, infrastructure_cost
from game.tui import fmt
from game.tui.actions_menu import VERBS

if TYPE_CHECKING:
    from game.tui.dashboard import DashboardScreen

Command = tuple[str, str, Callable[[], object]]


class DashboardCommands(Provider):
    """Every dashboard action by name, plus one entry per firm, sector and project."""

    def commands(self) -> list[Command]:
        from game.tui.dashboard import TABS
        from game.tui.decisions import pending

        screen: DashboardScreen = self.screen  # type: ignore[assignment]
        session = screen.session
        out: list[Command] = [(label, f"{what} ({key})", getattr(screen, f"action_{name}"))
                              for name, key, label, what in VERBS]
        out += [
            ("Undo last action", "Take back the last action of this turn (u)", screen.action_undo),
            ("End turn", "Close the quarter and see what changed (e)", screen.action_end_turn),
            ("Save game", "Save under a name (Ctrl+S)", screen.action_save),
            ("Load game", "Open a saved game", self.app.open_load),  # type: ignore[attr-defined]
            ("Settings", "Colour theme, confirmations, autosaves", self.app.open_settings),  # type: ignore[attr-defined]
            ("Help", "How to play, keys, glossary (?)", screen.action_help),
            ("Glossary", "Every metric and ledger category", partial(self.app.open_help, "glossary")),  # type: ignore[attr-defined]
            ("Main menu", "Back to the title screen", partial(self.app.leave_game, self.app.show_title)),  # type: ignore[attr-defined]
            ("Quit", "Leave the game (q)", screen.action_quit),
        ]
        out += [(f"Show {label}", f"The {label} tab ({n})", partial(screen.action_tab, tab))
                for n, (tab, label, _) in enumerate(TABS, 1)]
        if session.over:
            return out
        for event in pending(session):
            out.append((f"Decide: {event['title']}", "A decision waits (d)", screen.action_decisions))
        for row in session.firms():
            can = row["can"]
            out.append((f"Firm: {row['name']}", f"{row['sector']}, {row['stage']}, {row['city']}",
                        partial(screen.open_firm, row["id"])))
            if "invest_equity" in can:
                what = (f"asks ¥{row['ask']:,.1f} bn for {row['offered_stake']:.0%}"
                        if row["stage"] == "prospect" else row["stage"])
                out.append((f"Invest in {row['name']}", f"{row['sector']}, {what}",
                            partial(screen.action_invest, row["id"])))
            if "rescue_firm" in can:
                out.append((f"Rescue {row['name']}", f"{row['city']}, needs {fmt.bn(row['rescue_need'])}",
                            partial(screen.action_rescue, row["id"])))
            if "sell_stake" in can:
                out.append((f"Sell stake in {row['name']}", f"you hold {fmt.pct(row['stake'])}",
                            partial(screen.action_sell_stake, row["id"])))
            if "grant_land" in can:
                out.append((f"Grant land to {row['name']}", row["stage"],
                            partial(screen.action_grant_land, row["id"])))
        for sec in session.sectors():
            out.append((f"Fund for {sec['name']}", f"holds {fmt.bn(sec['fund'])}",
                        partial(screen.action_create_fund, sec["id"])))
            out.append((f"Recruit {sec['name']} suppliers", f"density {fmt.pct(sec['density'])}",
                        partial(screen.action_recruit, sec["id"])))
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
