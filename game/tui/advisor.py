"""The advisor line: the scenario's tip for this turn (tutorials), hidden when there is none."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from game.engine.session import Session


def tip_for(session: Session) -> str | None:
    tips = session.world.scenario.tips
    return tips[session.turn] if 0 <= session.turn < len(tips) else None


class AdvisorLine(Static):
    """Shows ``tips[turn]`` with an "Advisor:" label; collapses when the turn has no tip."""

    DEFAULT_CSS = """
    AdvisorLine {
        height: auto;
        max-height: 4;
        padding: 0 1;
        background: $primary-background;
        display: none;
    }
    AdvisorLine.-has-tip { display: block; }
    """

    def refresh_from(self, session: Session) -> None:
        tip = tip_for(session)
        self.set_class(tip is not None, "-has-tip")
        self.update(Text.assemble(("Advisor: ", "bold"), tip or ""))
