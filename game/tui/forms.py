"""Action forms: a dialog per verb that builds an Action, checks it as you type, and
returns it through ``dismiss`` only when the engine allows it.

The engine's refusal reasons are shown verbatim; otherwise ``session.preview`` is
shown as "Treasury ¥12.0 bn → ¥7.5 bn". Bad input gets a message, never an exception.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from pydantic import ValidationError
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from game.engine.actions import (
    INCENTIVE_QUARTERS,
    INDUSTRIAL_LAND_DISCOUNT,
    INFRASTRUCTURE,
    MIN_ASK_AFTER_GRANT,
    RECRUIT_CAP,
    RECRUIT_COST_BN,
    RECRUIT_GAIN,
    Action,
    BuildInfrastructure,
    CreateFund,
    GrantLand,
    InvestEquity,
    IssueBonds,
    OfferTaxIncentive,
    RecruitSuppliers,
    RepayBonds,
    RescueFirm,
    SellLand,
    SellStake,
    infrastructure_cost,
    scaled_cost,
)
from game.engine.session import Refused, Session
from game.engine.world import PROSPECT_PATIENCE_Q
from game.tui import fmt
from game.tui.checkbox import MarkedCheckbox
from game.tui.firms_table import investable

COMPACT_BELOW = 34  # terminal rows under which form fields lose their borders


def parse_amount(text: str, unit: str) -> tuple[float | None, str | None]:
    """A positive number from what the player typed, or a message saying what is wrong."""
    cleaned = text.strip().replace(",", "").replace("¥", "").replace("_", "")
    for suffix in ("bn", "ha"):
        if cleaned.lower().endswith(suffix):
            cleaned = cleaned[: -len(suffix)].strip()
    if not cleaned:
        return None, f"Type an amount in {unit}."
    try:
        value = float(cleaned)
    except ValueError:
        return None, f"“{text.strip()}” is not a number: type digits only, such as 100 or 2.5."
    if not math.isfinite(value):
        return None, f"“{text.strip()}” is not a number: type digits only, such as 100 or 2.5."
    if value <= 0:
        return None, "The amount must be more than zero."
    return value, None


def validation_message(exc: ValidationError) -> str:
    err = exc.errors()[0]
    limit = (err.get("ctx") or {}).get("le")
    if limit is not None:
        return f"That is more than the most this action allows ({limit:,})."
    return f"That amount is not allowed: {err.get('msg', 'invalid value')}."


def int_text(x: float) -> str:
    """A number as a person would type it: 3 rather than 3.0, 2.25 rather than 2.250."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


class ActionForm(ModalScreen[Action | None]):
    """Base dialog: subclasses add fields and turn them into an Action."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        # Enter confirms from any field; an open list or a focused button keeps its own Enter
        Binding("enter", "confirm", "Confirm", id="form.confirm", priority=True, show=False),
    ]
    TITLE_TEXT = "Action"
    CONFIRM_LABEL = "Confirm"
    UNIT = "¥ bn"

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.allowed: Action | None = None

    # ----- layout --------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        compact = self.app.size.height < COMPACT_BELOW
        with Vertical(id="dialog", classes="form compact" if compact else "form"):
            with VerticalScroll(id="form-body", can_focus=False):
                if not compact:
                    yield Static(self.explanation(), id="dialog-help")
                yield from self.compose_fields()
                yield Static(id="verdict")
                if compact:  # the check first, where it is seen; the background after it
                    yield Static(self.explanation(), id="dialog-help")
            with Horizontal(id="dialog-buttons"):
                yield Button(self.CONFIRM_LABEL, id="confirm", variant="primary", disabled=True)
                yield Button("Cancel", id="cancel")
            yield Static("Enter confirms · Esc cancels · Tab next field · ↓ opens a list",
                         id="dialog-keys")

    def compose_fields(self) -> ComposeResult:
        yield Input(placeholder=self.UNIT, id="amount")

    def explanation(self) -> str:
        return ""

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = self.TITLE_TEXT
        if self.app.size.height < COMPACT_BELOW:  # borderless fields so 24 rows suffice
            for widget in self.query("Input, Select, Button, Checkbox"):
                widget.compact = True  # type: ignore[attr-defined]
        self.on_resize()
        self.update_verdict()

    def on_resize(self) -> None:
        # the body scrolls when the screen is short; buttons and keys stay in sight
        self.query_one("#form-body").styles.max_height = max(self.app.size.height - 7, 6)

    # ----- building the action -------------------------------------------------------
    def build(self) -> tuple[Action | None, str | None]:
        """The action the fields describe, or a message saying what is missing."""
        raise NotImplementedError

    def amount(self) -> tuple[float | None, str | None]:
        return parse_amount(self.query_one("#amount", Input).value, self.UNIT)

    def with_amount(self, make: Callable[[float], Action]) -> tuple[Action | None, str | None]:
        """The action ``make`` builds from the amount field, or what is wrong with either."""
        value, problem = self.amount()
        if value is None:
            return None, problem
        try:
            return make(value), None
        except ValidationError as exc:
            return None, validation_message(exc)

    def picked_firm(self, none_left: str) -> tuple[str | None, str | None]:
        """The firm chosen in the form's list, or why there is none."""
        if not getattr(self, "rows", None):
            return None, none_left
        fid = self.query_one("#firm", Select).value
        return (fid, None) if isinstance(fid, str) else (None, "Pick a firm.")

    def update_verdict(self) -> None:
        verdict = self.query_one("#verdict", Static)
        self.allowed = None
        action, problem = self.build()
        text = Text()
        if action is None:
            verdict.set_classes("input-problem")
            text.append("? ", style="bold")
            text.append(problem or "")
        else:
            reasons = self.session.check(action)
            if not reasons:
                try:
                    changes = self.session.preview(action)
                except Refused as exc:
                    reasons = exc.reasons
            if reasons:
                verdict.set_classes("refused")
                text.append("✖ Refused:", style="bold")
                for reason in reasons:
                    text.append(f"\n  • {reason}")
            else:
                verdict.set_classes("allowed")
                text.append("✔ Allowed. After this action:", style="bold")
                lines = [fmt.preview_line(k, b, a) for k, (b, a) in changes.items()
                         if abs(a - b) > 1e-9 or k == "treasury"]
                for line in lines:
                    text.append(f"\n  {line}")
                self.allowed = action
        verdict.update(text)
        self.query_one("#confirm", Button).disabled = self.allowed is None

    # ----- events --------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.update_verdict()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.update_verdict()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.select_changed(event.value)
        self.update_verdict()

    def select_changed(self, value: object) -> None:
        """Hook for forms that prefill fields from the selection."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "confirm":
            if isinstance(self.focused, Button):
                return False
            if any(select.expanded for select in self.query(Select)):
                return False
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.action_cancel()

    def action_confirm(self) -> None:
        """Take the action if the engine allows it; otherwise point at the reason."""
        self.update_verdict()
        if self.allowed is None:
            self.app.bell()
            self.query_one("#verdict").add_class("flash")
            self.set_timer(0.4, lambda: self.query_one("#verdict").remove_class("flash"))
            return
        self.dismiss(self.allowed)

    def action_cancel(self) -> None:
        """Close the form without acting."""
        self.dismiss(None)


class FirmForm(ActionForm):
    """A form whose first field picks one of the firms ``keep`` admits (listed by
    ``sort_key``), with a line about the chosen one and an amount; with no such firm it
    says so (``NO_FIRMS``) and only Cancel is offered."""

    NO_FIRMS = "There is no firm for this now."
    FIRM_LABEL = "Firm"
    AMOUNT_LABEL = "Amount, ¥ bn"
    AMOUNT_PLACEHOLDER = "¥ bn"

    def __init__(self, session: Session, firm: str | None = None) -> None:
        super().__init__(session)
        self.rows = {r["id"]: r for r in session.firms() if self.keep(r)}
        self.order = sorted(self.rows, key=lambda f: self.sort_key(self.rows[f]))
        self.first = firm if firm in self.rows else (self.order[0] if self.order else None)

    def keep(self, row: dict) -> bool:
        raise NotImplementedError

    def sort_key(self, row: dict) -> tuple:
        return (row["name"],)

    def option_label(self, row: dict) -> str:
        return f"{row['name']} · {row['stage']}"

    def prefill(self, fid: str | None) -> str:
        """The amount field's first value for firm ``fid``."""
        return ""

    def extra_fields(self) -> ComposeResult:
        """Fields after the amount."""
        yield from ()

    def compose_fields(self) -> ComposeResult:
        if not self.rows:
            yield Static(self.NO_FIRMS, id="no-firms")
            return
        yield Label(self.FIRM_LABEL, classes="field-label")
        yield Select([(self.option_label(self.rows[f]), f) for f in self.order], value=self.first,
                     allow_blank=False, id="firm")
        yield Static(id="firm-story")
        yield Label(self.AMOUNT_LABEL, classes="field-label")
        yield Input(value=self.prefill(self.first), placeholder=self.AMOUNT_PLACEHOLDER, id="amount")
        yield from self.extra_fields()

    def on_mount(self) -> None:
        super().on_mount()
        if self.rows:
            self.select_changed(self.first)
            self.query_one("#amount", Input).focus()
        else:
            self.query_one("#cancel", Button).focus()


class SellLandForm(ActionForm):
    TITLE_TEXT = "Sell land"
    CONFIRM_LABEL = "Sell"
    UNIT = "hectares"

    def explanation(self) -> str:
        h = self.session.headline()
        return (f"The land bank holds {fmt.ha(h['land_bank'])} at {fmt.price_m_per_ha(h['land_price'])}. "
                "Big lots fetch less: the price sags when much is sold at once, and every "
                "hectare sold is gone for good.")

    def compose_fields(self) -> ComposeResult:
        yield Label("Hectares to sell", classes="field-label")
        yield Input(placeholder="hectares, e.g. 100", id="amount")

    def build(self) -> tuple[Action | None, str | None]:
        return self.with_amount(lambda v: SellLand(hectares=v))


class IssueBondsForm(ActionForm):
    TITLE_TEXT = "Issue bonds"
    CONFIRM_LABEL = "Issue"

    def explanation(self) -> str:
        h = self.session.headline()
        sc = self.session.world.scenario
        return (f"Debt is {fmt.bn(h['debt'])} ({h['debt_ratio']:.1f}x yearly revenue; the province "
                f"caps it at {sc.debt_limit_ratio:.1f}x). Bonds pay about {sc.bond_rate:.1%} a year, "
                "every quarter, until repaid.")

    def compose_fields(self) -> ComposeResult:
        yield Label("Amount to borrow, ¥ bn", classes="field-label")
        yield Input(placeholder="¥ bn, e.g. 5", id="amount")

    def build(self) -> tuple[Action | None, str | None]:
        return self.with_amount(lambda v: IssueBonds(amount_bn=v))


class RepayBondsForm(ActionForm):
    TITLE_TEXT = "Repay bonds"
    CONFIRM_LABEL = "Repay"

    def explanation(self) -> str:
        h = self.session.headline()
        return (f"Debt is {fmt.bn(h['debt'])}; the treasury holds {fmt.bn(h['treasury'])}. "
                "Repaying cuts interest and the province's worry, but spends cash now.")

    def compose_fields(self) -> ComposeResult:
        yield Label("Amount to repay, ¥ bn", classes="field-label")
        yield Input(placeholder="¥ bn, e.g. 5", id="amount")

    def build(self) -> tuple[Action | None, str | None]:
        return self.with_amount(lambda v: RepayBonds(amount_bn=v))


def invest_label(row: dict) -> str:
    if row["stage"] == "prospect":
        return (f"{row['name']} · offer: ¥{row['ask']:,.1f} bn for "
                f"{row['offered_stake']:.0%}")
    held = f"you hold {row['stake']:.0%}" if row["stake"] > 1e-6 else "no stake yet"
    return f"{row['name']} · {row['stage']} · {held}"


class InvestForm(FirmForm):
    TITLE_TEXT = "Invest equity"
    CONFIRM_LABEL = "Invest"
    NO_FIRMS = ("No firm in your city is open to investment right now. Offers arrive as news: "
                "watch for ▶OFFER in the firms table.")
    AMOUNT_LABEL = "Amount to invest, ¥ bn"

    def keep(self, row: dict) -> bool:
        return investable(row)

    def sort_key(self, row: dict) -> tuple:
        return (row["stage"] != "prospect", row["name"])

    def option_label(self, row: dict) -> str:
        return invest_label(row)

    def explanation(self) -> str:
        h = self.session.headline()
        return (f"The treasury holds {fmt.bn(h['treasury'])}. A prospect builds here only if "
                "you put in at least half its ask; a firm already here sells you new shares "
                "at its valuation.")

    def extra_fields(self) -> ComposeResult:
        yield MarkedCheckbox("Pay from the sector's guidance fund", id="from-fund",
                             value=False, disabled=self.fund_cash(self.first) <= 0)

    def fund_cash(self, fid: str | None) -> float:
        row = self.rows.get(fid) if fid else None
        if row is None:
            return 0.0
        return next((s["fund"] for s in self.session.sectors() if s["id"] == row["sector_id"]), 0.0)

    def prefill(self, fid: str | None) -> str:
        row = self.rows.get(fid) if fid else None
        return int_text(row["ask"]) if row and row["stage"] == "prospect" else ""

    def show_story(self, fid: str | None) -> None:
        row = self.rows.get(fid) if fid else None
        if row is None:
            return
        facts = (f"{row['sector']} · valued {fmt.bn(row['valuation'])} · cash {fmt.bn(row['cash'])}"
                 if row["stage"] != "prospect" else
                 f"{row['sector']} · waits {max(PROSPECT_PATIENCE_Q - row['waited'], 0)} more quarter(s) "
                 f"· takes ¥{0.5 * row['ask']:,.1f}–{1.5 * row['ask']:,.1f} bn")
        fund = self.fund_cash(fid)
        if fund > 0:
            facts += f" · {row['sector']} fund holds {fmt.bn(fund)}"
        self.query_one("#firm-story", Static).update(
            Text.assemble((facts, "bold"), "\n", (row["description"] or "", "italic")))
        box = self.query_one("#from-fund", Checkbox)
        box.disabled = fund <= 0
        box.label = ("Pay from the sector's guidance fund" if fund > 0 else
                     "Pay from the guidance fund (empty: m fills one)")
        if fund <= 0:
            box.value = False

    def select_changed(self, value: object) -> None:
        fid = str(value)
        self.show_story(fid)
        filled = self.prefill(fid)
        if filled:
            self.query_one("#amount", Input).value = filled

    def build(self) -> tuple[Action | None, str | None]:
        fid, problem = self.picked_firm("There is nothing to invest in this turn.")
        if fid is None:
            return None, problem
        from_fund = self.query_one("#from-fund", Checkbox).value
        return self.with_amount(lambda v: InvestEquity(firm=fid, amount_bn=v, from_fund=from_fund))


class InfrastructureForm(ActionForm):
    TITLE_TEXT = "Build infrastructure"
    CONFIRM_LABEL = "Build"

    def __init__(self, session: Session, project: str | None = None) -> None:
        super().__init__(session)
        self.first = project if project in INFRASTRUCTURE else next(iter(INFRASTRUCTURE))

    def cost(self, project: str) -> float:
        return float(infrastructure_cost(self.session.state, self.session.player, project)[0])

    def explanation(self) -> str:
        h = self.session.headline()
        return (f"The treasury holds {fmt.bn(h['treasury'])}. Infrastructure lifts the base "
                "economy's growth and lowers your firms' costs; it is paid for now.")

    def compose_fields(self) -> ComposeResult:
        options = [(f"{p.replace('-', ' ').capitalize()} · {fmt.bn(self.cost(p))}", p)
                   for p in INFRASTRUCTURE]
        yield Label("Project", classes="field-label")
        yield Select(options, value=self.first, allow_blank=False, id="project")
        yield Static(id="project-story")

    def on_mount(self) -> None:
        super().on_mount()
        self.select_changed(self.first)
        self.query_one("#project", Select).focus()

    def select_changed(self, value: object) -> None:
        project = str(value)
        if project in INFRASTRUCTURE:
            _, gain, what = INFRASTRUCTURE[project]
            self.query_one("#project-story", Static).update(
                Text(f"{what.capitalize()}; infrastructure index +{gain:.2f}.", style="italic"))

    def build(self) -> tuple[Action | None, str | None]:
        project = self.query_one("#project", Select).value
        if not isinstance(project, str):
            return None, "Pick a project."
        return BuildInfrastructure(project=project), None  # type: ignore[arg-type]


def rescuable(row: dict) -> bool:
    return row["stage"] == "distressed"


def sellable(row: dict) -> bool:
    return row["stake"] > 1e-6 and row["stage"] not in ("failed", "withdrawn")


class RescueForm(FirmForm):
    """Save a firm in a cash crunch; one elsewhere must move its headquarters here."""

    TITLE_TEXT = "Rescue a firm"
    CONFIRM_LABEL = "Rescue"
    NO_FIRMS = "No firm is in a cash crunch right now."
    FIRM_LABEL = "Firm in a cash crunch"

    def keep(self, row: dict) -> bool:
        return rescuable(row)

    def sort_key(self, row: dict) -> tuple:
        return (not row["mine"], row["name"])

    def option_label(self, row: dict) -> str:
        return f"{row['name']} · {row['city']} · needs {fmt.bn(row['rescue_need'])}"

    def explanation(self) -> str:
        h = self.session.headline()
        return (f"The treasury holds {fmt.bn(h['treasury'])}. A firm in a cash crunch fails within "
                "a year unless someone puts in what it needs. A timely rescue of a strong firm can "
                "be the best deal a city makes; the same money into a weak one is lost.")

    def extra_fields(self) -> ComposeResult:
        yield MarkedCheckbox("On condition it moves its headquarters here", id="relocate",
                             value=self.must_move(self.first))

    def prefill(self, fid: str | None) -> str:
        row = self.rows.get(fid) if fid else None
        return int_text(math.ceil(row["rescue_need"] * 100) / 100) if row else ""

    def must_move(self, fid: str | None) -> bool:
        row = self.rows.get(fid) if fid else None
        return bool(row and not row["mine"])

    def select_changed(self, value: object) -> None:
        row = self.rows.get(str(value))
        if row is None:
            return
        self.query_one("#amount", Input).value = self.prefill(row["id"])
        self.query_one("#relocate", Checkbox).value = self.must_move(row["id"])
        held = f"you hold {fmt.pct(row['stake'])}" if row["stake"] > 1e-6 else "no stake"
        self.query_one("#firm-story", Static).update(Text.assemble(
            (f"{row['sector']} · {row['city']} · cash {fmt.bn(row['cash'])} · {held}", "bold"),
            "\n", (row["description"] or "", "italic")))

    def build(self) -> tuple[Action | None, str | None]:
        fid, problem = self.picked_firm("There is no firm to rescue.")
        if fid is None:
            return None, problem
        relocate = self.query_one("#relocate", Checkbox).value
        return self.with_amount(lambda v: RescueFirm(firm=fid, amount_bn=v, relocate=relocate))


class SellStakeForm(FirmForm):
    """Sell part of a stake: at market after an IPO lock-up, else privately at a discount."""

    TITLE_TEXT = "Sell a stake"
    CONFIRM_LABEL = "Sell"
    UNIT = "percent of your stake"
    NO_FIRMS = "The city holds no stake to sell."
    AMOUNT_LABEL = "Share of your stake to sell, %"
    AMOUNT_PLACEHOLDER = "percent, e.g. 50"

    def keep(self, row: dict) -> bool:
        return sellable(row)

    def option_label(self, row: dict) -> str:
        return f"{row['name']} · {row['stage']} · you hold {fmt.pct(row['stake'])}"

    def explanation(self) -> str:
        return ("Exits recycle capital: a listed firm's shares sell at market once its lock-up "
                "ends; before a listing a buyer pays less than the valuation.")

    def select_changed(self, value: object) -> None:
        row = self.rows.get(str(value))
        if row is None:
            return
        lock = (f" · lock-up {row['lockup_left']} more quarter(s)"
                if row.get("lockup_left", 0) > 0 else "")
        self.query_one("#firm-story", Static).update(Text.assemble(
            (f"{row['stage']} · valued {fmt.bn(row['valuation'])} · you paid "
             f"{fmt.bn(row.get('cost_basis', 0.0))}{lock}", "bold")))

    def amount(self) -> tuple[float | None, str | None]:
        value, problem = parse_amount(self.query_one("#amount", Input).value.replace("%", ""), self.UNIT)
        if value is not None and value > 100:
            return None, "You can sell at most 100% of your stake."
        return value, problem

    def build(self) -> tuple[Action | None, str | None]:
        fid, problem = self.picked_firm("There is no stake to sell.")
        if fid is None:
            return None, problem
        return self.with_amount(lambda v: SellStake(firm=fid, share=v / 100.0))


def grantable(row: dict) -> bool:
    return "grant_land" in row.get("can", ())


class GrantLandForm(FirmForm):
    """Give industrial land to a prospect (it lowers the ask) or a firm building here."""

    TITLE_TEXT = "Grant industrial land"
    CONFIRM_LABEL = "Grant"
    UNIT = "hectares"
    NO_FIRMS = ("Land can be granted only to a prospect or a firm building in your city, and "
                "there is none now.")
    AMOUNT_LABEL = "Hectares to grant"
    AMOUNT_PLACEHOLDER = "hectares, e.g. 20"

    def keep(self, row: dict) -> bool:
        return grantable(row)

    def sort_key(self, row: dict) -> tuple:
        return (row["stage"] != "prospect", row["name"])

    def explanation(self) -> str:
        h = self.session.headline()
        return (f"The land bank holds {fmt.ha(h['land_bank'])}. Granted land brings no revenue: "
                f"it is worth {INDUSTRIAL_LAND_DISCOUNT:.0%} of the auction price to the firm. A "
                "prospect counts it toward its ask (land covers at most "
                f"{1 - MIN_ASK_AFTER_GRANT:.0%}); a firm that is building gets it as cash.")

    def select_changed(self, value: object) -> None:
        row = self.rows.get(str(value))
        if row is None:
            return
        what = (f"asks {fmt.bn(row['ask'])} for {fmt.pct(row['offered_stake'])}"
                if row["stage"] == "prospect" else f"building · cash {fmt.bn(row['cash'])}")
        self.query_one("#firm-story", Static).update(Text(f"{row['sector']} · {what}", style="bold"))

    def ask_after(self, fid: str, hectares: float) -> tuple[float, float] | None:
        """A prospect's ask before and after the grant (the engine's rule, for the preview)."""
        row = self.rows.get(fid)
        slot = self.session.world.firm_slot(fid)
        if row is None or slot is None or row["stage"] != "prospect":
            return None
        st, p = self.session.state, self.session.player
        ha = min(hectares, float(st.land_bank[0, p]))
        value = ha * float(st.land_price[0, p]) * INDUSTRIAL_LAND_DISCOUNT
        floor = MIN_ASK_AFTER_GRANT * (row["ask"] + float(st.land_granted[0, slot]))
        return row["ask"], row["ask"] - max(min(value, row["ask"] - floor), 0.0)

    def update_verdict(self) -> None:
        super().update_verdict()
        if self.allowed is not None and isinstance(self.allowed, GrantLand):
            change = self.ask_after(self.allowed.firm, self.allowed.hectares)
            if change is not None:
                verdict = self.query_one("#verdict", Static)
                text = verdict.content.copy() if isinstance(verdict.content, Text) else Text()
                text.append(f"\n  Its ask {fmt.arrow(fmt.bn(change[0]), fmt.bn(change[1]))}")
                verdict.update(text)

    def build(self) -> tuple[Action | None, str | None]:
        fid, problem = self.picked_firm("There is no firm to grant land to.")
        if fid is None:
            return None, problem
        return self.with_amount(lambda v: GrantLand(firm=fid, hectares=v))


class SectorForm(ActionForm):
    """A form whose first field picks one of the scenario's sectors."""

    SECTOR_LABEL = "Sector"

    def __init__(self, session: Session, sector: str | None = None) -> None:
        super().__init__(session)
        self.sectors = {s["id"]: s for s in session.sectors()}
        self.first = sector if sector in self.sectors else next(iter(self.sectors), None)

    def sector_label(self, row: dict) -> str:
        return row["name"]

    def compose_sector(self) -> ComposeResult:
        yield Label(self.SECTOR_LABEL, classes="field-label")
        yield Select([(self.sector_label(r), sid) for sid, r in self.sectors.items()],
                     value=self.first, allow_blank=False, id="sector")
        yield Static(id="sector-story")

    def compose_fields(self) -> ComposeResult:
        yield from self.compose_sector()

    def on_mount(self) -> None:
        super().on_mount()
        self.select_changed(self.first)
        self.query_one("#sector", Select).focus()

    def select_changed(self, value: object) -> None:
        row = self.sectors.get(str(value))
        if row is not None:
            self.query_one("#sector-story", Static).update(self.story(row))

    def story(self, row: dict) -> Text:
        return Text(f"{row['name']}: chain density here {fmt.pct(row['density'])}, price index "
                    f"{row['price']:.2f}", style="bold")

    def sector(self) -> str | None:
        sid = self.query_one("#sector", Select).value
        return sid if isinstance(sid, str) else None


class CreateFundForm(SectorForm):
    """Commit money to a sector guidance fund; partners add to it."""

    TITLE_TEXT = "Create or top up a guidance fund"
    CONFIRM_LABEL = "Commit"

    def explanation(self) -> str:
        h = self.session.headline()
        return (f"The treasury holds {fmt.bn(h['treasury'])}. Private partners add money in "
                f"proportion to investors' trust in the city ({h['credibility']:.2f}) and the "
                "sector's mood (less for long-horizon sectors early on). Invest from the fund "
                "with i and the box “Pay from the sector's guidance fund”.")

    def story(self, row: dict) -> Text:
        mood = "IPO window open" if row["ipo_window"] else "IPO window shut"
        return Text(f"The {row['name']} fund holds {fmt.bn(row['fund'])} · sentiment "
                    f"{row['sentiment']:.2f} ({mood})", style="bold")

    def compose_fields(self) -> ComposeResult:
        yield from self.compose_sector()
        yield Label("Amount to commit, ¥ bn", classes="field-label")
        yield Input(placeholder="¥ bn, e.g. 5", id="amount")

    def build(self) -> tuple[Action | None, str | None]:
        sid = self.sector()
        if sid is None:
            return None, "Pick a sector."
        return self.with_amount(lambda v: CreateFund(sector=sid, amount_bn=v))


class RecruitSuppliersForm(SectorForm):
    """Court suppliers for a chain link: density in that sector rises over the next quarters."""

    TITLE_TEXT = "Recruit suppliers"
    CONFIRM_LABEL = "Recruit"
    SECTOR_LABEL = "Chain link (sector) to court suppliers for"

    def explanation(self) -> str:
        cost = float(scaled_cost(self.session.state, self.session.player, RECRUIT_COST_BN)[0])
        return (f"Costs {fmt.bn(cost)}. Suppliers courted for a sector raise its chain density "
                f"by up to {RECRUIT_GAIN:.0%} over the next quarters (at most {RECRUIT_CAP:.0%} "
                "in all): denser chains cut your firms' costs and lift GDP. See the Chains tab.")

    def story(self, row: dict) -> Text:
        s = self.session.world.sector_index.get(row["id"])
        courted = float(self.session.state.recruited[0, self.session.player, s]) if s is not None else 0.0
        return Text(f"{row['name']}: density here {fmt.pct(row['density'])} · suppliers courted "
                    f"{fmt.pct(courted)} of {fmt.pct(RECRUIT_CAP)}", style="bold")

    def build(self) -> tuple[Action | None, str | None]:
        sid = self.sector()
        if sid is None:
            return None, "Pick a sector."
        return RecruitSuppliers(sector=sid), None


class TaxIncentiveForm(SectorForm):
    """The old brochure approach: half the local taxes back for two years."""

    TITLE_TEXT = "Offer tax incentives"
    CONFIRM_LABEL = "Offer"

    def explanation(self) -> str:
        return (f"Firms of the sector pay half their local taxes for {INCENTIVE_QUARTERS} quarters. "
                "Nothing leaves the treasury now, but tax revenue falls: cheap, and weak.")

    def story(self, row: dict) -> Text:
        s = self.session.world.sector_index.get(row["id"])
        left = float(self.session.state.incentive_left[0, self.session.player, s]) if s is not None else 0.0
        now = f"incentives run {left:.0f} more quarters" if left > 0 else "no incentives now"
        return Text(f"{row['name']}: {now}", style="bold")

    def build(self) -> tuple[Action | None, str | None]:
        sid = self.sector()
        if sid is None:
            return None, "Pick a sector."
        return OfferTaxIncentive(sector=sid), None
