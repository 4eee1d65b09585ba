"""The advisor: the scenario's tip for this turn (tutorials) and the most urgent thing
the city faces, found from the session's own numbers.

``alerts`` ranks what needs the player now: an empty treasury, the province's patience,
a firm in (or near) a cash crunch, a prospect about to leave, the debt cap, an IPO
window for a firm the city holds. Each alert names the key that acts on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from game.engine.session import Session
from game.engine.world import PROSPECT_PATIENCE_Q
from game.tui import fmt

LIVE = ("building", "ramping", "operating", "listed")


@dataclass(frozen=True)
class Alert:
    urgency: int  # 0 first
    text: str
    mark: str = "!"


def tip_for(session: Session) -> str | None:
    tips = session.world.scenario.tips
    return tips[session.turn] if 0 <= session.turn < len(tips) else None


def alerts(session: Session) -> list[Alert]:
    """Everything worth the player's attention now, most urgent first."""
    if session.over:
        return []
    h = session.headline()
    sc = session.world.scenario
    out: list[Alert] = []
    if h["treasury"] < 0.02 * h["gdp"] / 4:
        out.append(Alert(0, f"The treasury is nearly empty ({fmt.bn(h['treasury'])}): development "
                            "spending is being cut. Sell land (l), issue bonds (b) or sell a stake (s).", "‼"))
    if h["patience"] < 0.5:
        out.append(Alert(0, f"The province's patience is down to {fmt.pct(h['patience'])}: at 0 it "
                            "takes over the budget. Repay bonds (r) and cut the debt ratio.", "‼"))
    elif h["patience"] < 0.8:
        out.append(Alert(2, f"The province is watching the debt (patience {fmt.pct(h['patience'])})."))
    limit = sc.debt_limit_ratio
    if h["debt_ratio"] >= 0.8 * limit:
        out.append(Alert(1 if h["debt_ratio"] >= 0.95 * limit else 2,
                         f"Debt is {h['debt_ratio']:.1f}x yearly revenue; the province caps it at "
                         f"{limit:.1f}x. New bonds will soon be refused."))
    sectors = {s["name"]: s for s in session.sectors()}
    for row in session.firms():
        held = row["stake"] > 1e-6
        name = row["name"]
        if row["stage"] == "distressed" and (row["mine"] or held):
            out.append(Alert(0, f"{name} is in a cash crunch and fails within a year: rescue it (x) "
                                f"with about {fmt.bn(row['rescue_need'])}, or let it go.", "‼"))
        elif row["stage"] in LIVE and (row["mine"] or held) and row["profit"] < 0 < row["cash"]:
            quarters = row["cash"] / -row["profit"]
            if quarters < 2.5:
                out.append(Alert(1, f"{name} burns {fmt.bn(-row['profit'])} a quarter and has "
                                    f"{fmt.bn(row['cash'])} left: a cash crunch in about "
                                    f"{max(quarters, 0.5):.0f} quarter(s). More equity (i) would carry it."))
        if row["stage"] == "prospect" and row["mine"]:
            left = PROSPECT_PATIENCE_Q - row["waited"]
            if left <= 1:
                out.append(Alert(1, f"{name} leaves at the end of this quarter unless you invest (i): "
                                    f"it asks {fmt.bn(row['ask'])} for {fmt.pct(row['offered_stake'])}."))
        sector = sectors.get(row["sector"])
        if held and sector is not None and sector["ipo_window"]:
            if row["stage"] == "listed" and row["lockup_left"] <= 0:
                out.append(Alert(3, f"{name} is listed, its lock-up is over and the {row['sector']} "
                                    f"window is open: selling (s) now would realise part of "
                                    f"{fmt.bn(row['stake'] * row['valuation'])}.", "$"))
            elif row["stage"] == "operating":
                out.append(Alert(3, f"The IPO window is open for {row['sector']}: {name} (you hold "
                                    f"{fmt.pct(row['stake'])}) lists after four profitable quarters.", "$"))
    return sorted(out, key=lambda a: a.urgency)


class AdvisorLine(Static):
    """The tip of the turn and the most urgent alert; collapses when there is neither."""

    DEFAULT_CSS = """
    AdvisorLine {
        height: auto;
        max-height: 5;
        padding: 0 1;
        background: $primary-background;
        display: none;
    }
    AdvisorLine.-shown { display: block; }
    """

    def refresh_from(self, session: Session) -> None:
        tip = tip_for(session)
        found = alerts(session)
        text = Text()
        if tip:
            text.append("Advisor: ", style="bold")
            text.append(tip)
        if found:
            if tip:
                text.append("\n")
            first = found[0]
            text.append(f"{first.mark} ", style="bold")
            text.append(first.text, style="bold" if first.urgency == 0 else "")
            if len(found) > 1:
                text.append(f" (+{len(found) - 1} more: City tab)", style="dim")
        self.set_class(bool(tip or found), "-shown")
        self.update(text)
