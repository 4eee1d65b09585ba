"""Every verb in one list, with its key and whether it can be used now (the "a" menu)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from game.engine.session import Session
from game.tui import fmt
from game.tui.marked_list import MarkedOptionList

# (action name on the dashboard, key, label, what it does)
VERBS: tuple[tuple[str, str, str, str], ...] = (
    ("sell_land", "l", "Sell land", "hectares from the land bank"),
    ("grant_land", "g", "Grant land", "industrial land for a prospect or a builder"),
    ("issue_bonds", "b", "Issue bonds", "borrow through the city's platform"),
    ("repay_bonds", "r", "Repay bonds", "pay debt back from the treasury"),
    ("invest", "i", "Invest equity", "back a prospect or a firm here"),
    ("rescue", "x", "Rescue a firm", "save a firm in a cash crunch"),
    ("sell_stake", "s", "Sell a stake", "exit part of a stake"),
    ("create_fund", "m", "Guidance fund", "a sector fund; partners add money"),
    ("recruit", "c", "Recruit suppliers", "thicken a supply-chain link"),
    ("incentive", "t", "Tax incentives", "half the taxes back: cheap, weak"),
    ("build", "f", "Build infrastructure", "parks, fab utilities, transit, talent"),
    ("pass_turn", "p", "Pass", "act no more; end the quarter"),
)
MAJOR = {v[0] for v in VERBS} - {"pass_turn"}


def availability(session: Session) -> dict[str, str | None]:
    """Why each verb cannot be used now (None when it can; forms check the amounts)."""
    h = session.headline()
    rows = session.firms()
    out: dict[str, str | None] = {v[0]: None for v in VERBS}
    if h["attention"] < 1:
        for name in MAJOR:
            out[name] = "no attention left this turn"
        return out
    if h["land_bank"] <= 0:
        out["sell_land"] = "the land bank is empty"
    if not any("grant_land" in r["can"] for r in rows):
        out["grant_land"] = "no prospect or building firm in your city"
    if h["debt"] <= 0:
        out["repay_bonds"] = "the city has no debt"
    if not any("invest_equity" in r["can"] for r in rows):
        out["invest"] = "no firm in your city takes money now"
    if not any("rescue_firm" in r["can"] for r in rows):
        out["rescue"] = "no firm is in a cash crunch"
    if not any("sell_stake" in r["can"] for r in rows):
        out["sell_stake"] = "no stake can be sold now"
    return out


def verb_prompt(key: str, label: str, what: str, why_not: str | None) -> Text:
    text = Text()
    text.append(f"{key}  ", style="bold")
    text.append(f"{label:<21}", style="bold" if why_not is None else "dim")
    text.append(what if why_not is None else f"✖ {why_not}", style="" if why_not is None else "dim italic")
    return text


class ActionsMenu(ModalScreen[str | None]):
    """Pick a verb; returns the dashboard action's name. Greyed verbs say why."""

    BINDINGS = [Binding("escape,a", "close", "Close", id="actions.close")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.why_not = availability(session)

    def compose(self) -> ComposeResult:
        h = self.session.headline()
        with Vertical(id="dialog", classes="menu"):
            yield Static(Text.assemble(("Actions", "bold"), f"  · attention {h['attention']:.0f} of "
                                       f"{h['attention_max']:.0f} left · treasury {fmt.bn(h['treasury'])}"),
                         id="dialog-title")
            yield MarkedOptionList(*(Option(verb_prompt(k, label, what, self.why_not[name]), id=name)
                                     for name, k, label, what in VERBS), id="actions-list")
            yield Static("↑↓ choose · Enter open · or press the key · Esc close", id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "What will the city do?"
        menu = self.query_one("#actions-list", OptionList)
        menu.highlighted = next((i for i, v in enumerate(VERBS) if self.why_not[v[0]] is None), 0)
        menu.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def on_key(self, event) -> None:
        """A verb's own key opens it from here too."""
        for name, key, _, _ in VERBS:
            if event.key == key:
                event.stop()
                self.dismiss(name)
                return

    def action_close(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
