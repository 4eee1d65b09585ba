"""The player's vocabulary: actions as data, checked against the state, then applied.

``check`` returns the reasons an action is refused (empty when it is allowed), naming
the number that was short; it never raises. ``apply`` performs an allowed action in
every world of the state (or those in ``mask``). The UI, bots, rivals, replays and tests
all use these same objects.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from game.engine import capital, events, land
from game.engine.arrays import rows_any, total
from game.engine.firms import start_building
from game.engine.ledger import book
from game.engine.state import State
from game.engine.world import (
    BUILDING,
    DISTRESSED,
    LISTED,
    NOT_YET,
    OPERATING,
    PROSPECT,
    RAMPING,
    STAGE_NAMES,
    World,
)

FirmId = Annotated[str, Field(min_length=1, max_length=80)]
SectorId = Annotated[str, Field(min_length=1, max_length=80)]


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    attention: ClassVar[int] = 1  # major actions spend one point of attention (not settable from data)
    city: int | None = Field(default=None, ge=0, le=31,
                             description="the city that acts, in hot-seat games; none means the player's")

    def log_entry(self) -> dict:
        """The action as plain data for the log (a save, a replay)."""
        return self.model_dump(exclude_none=True)

    def describe(self, world: World) -> str:  # pragma: no cover - overridden
        return self.kind  # type: ignore[attr-defined]


def _firm_label(world: World, fid: str) -> str:
    return world.firm_label(fid)


def _sector_label(world: World, sid: str) -> str:
    return world.sectors[world.sector_index[sid]].name if sid in world.sector_index else sid


class SellLand(_Action):
    """Sell land from the city's bank at auction."""

    kind: Literal["sell_land"] = "sell_land"
    hectares: float = Field(gt=0, le=100_000)

    def describe(self, world: World) -> str:
        return f"Sell {self.hectares:,.0f} ha of land"


class GrantLand(_Action):
    """Give industrial land to a prospect or a building firm: it lowers what it asks."""

    kind: Literal["grant_land"] = "grant_land"
    firm: FirmId
    hectares: float = Field(gt=0, le=10_000)

    def describe(self, world: World) -> str:
        return f"Grant {self.hectares:,.0f} ha of industrial land to {_firm_label(world, self.firm)}"


class IssueBonds(_Action):
    kind: Literal["issue_bonds"] = "issue_bonds"
    amount_bn: float = Field(gt=0, le=10_000)

    def describe(self, world: World) -> str:
        return f"Issue ¥{self.amount_bn:,.1f} bn of bonds"


class RepayBonds(_Action):
    kind: Literal["repay_bonds"] = "repay_bonds"
    amount_bn: float = Field(gt=0, le=10_000)

    def describe(self, world: World) -> str:
        return f"Repay ¥{self.amount_bn:,.1f} bn of bonds"


class InvestEquity(_Action):
    """Back a prospect (it builds here) or put new equity into one of the city's firms."""

    kind: Literal["invest_equity"] = "invest_equity"
    firm: FirmId
    amount_bn: float = Field(gt=0, le=10_000)
    from_fund: bool = False  # pay from the sector's guidance fund instead of the treasury

    def describe(self, world: World) -> str:
        src = " from the guidance fund" if self.from_fund else ""
        return f"Invest ¥{self.amount_bn:,.1f} bn in {_firm_label(world, self.firm)}{src}"


class RescueFirm(_Action):
    """Put money into a distressed firm; with ``relocate`` it moves its headquarters here."""

    kind: Literal["rescue_firm"] = "rescue_firm"
    firm: FirmId
    amount_bn: float = Field(gt=0, le=10_000)
    relocate: bool = False

    def describe(self, world: World) -> str:
        move = " on condition it moves here" if self.relocate else ""
        return f"Rescue {_firm_label(world, self.firm)} with ¥{self.amount_bn:,.1f} bn{move}"


class SellStake(_Action):
    """Sell part of the city's stake: on the market after an IPO's lock-up, else privately at a discount."""

    kind: Literal["sell_stake"] = "sell_stake"
    firm: FirmId
    share: float = Field(gt=0, le=1, description="share of the city's own stake to sell")

    def describe(self, world: World) -> str:
        return f"Sell {self.share:.0%} of the stake in {_firm_label(world, self.firm)}"


class CreateFund(_Action):
    """Commit money to a sector guidance fund; private partners add to it."""

    kind: Literal["create_fund"] = "create_fund"
    sector: SectorId
    amount_bn: float = Field(gt=0, le=10_000)

    def describe(self, world: World) -> str:
        return f"Commit ¥{self.amount_bn:,.1f} bn to a {_sector_label(world, self.sector)} fund"


class RecruitSuppliers(_Action):
    """Court suppliers for a chain link: chain density in that sector rises over the next quarters."""

    kind: Literal["recruit_suppliers"] = "recruit_suppliers"
    sector: SectorId

    def describe(self, world: World) -> str:
        return f"Recruit {_sector_label(world, self.sector)} suppliers"


class OfferTaxIncentive(_Action):
    """The old brochure approach: half the local taxes back for two years. Cheap now, weak."""

    kind: Literal["offer_tax_incentive"] = "offer_tax_incentive"
    sector: SectorId

    def describe(self, world: World) -> str:
        return f"Offer tax incentives to {_sector_label(world, self.sector)} firms"


INFRASTRUCTURE = {
    # project: (cost in ¥ bn for a city of ¥250 bn GDP, infrastructure index gained, what it is)
    "industrial-park": (3.0, 0.04, "serviced plots and roads for factories"),
    "fab-utilities": (5.0, 0.05, "ultra-pure water and stable power that fabs need"),
    "transit": (8.0, 0.07, "metro and ring roads that widen the labour market"),
    "talent-programme": (2.0, 0.03, "university places and housing for engineers"),
}
COST_GDP_REF = 250.0
RECRUIT_COST_BN = 1.0  # for a city of ¥250 bn GDP
RECRUIT_GAIN = 0.12
RECRUIT_CAP = 0.5
INCENTIVE_QUARTERS = 8
INDUSTRIAL_LAND_DISCOUNT = 0.3  # industrial land is worth this share of the auction price
MIN_ASK_AFTER_GRANT = 0.3  # land can cover at most 70% of a prospect's ask
RESCUE_DISCOUNT_FLOOR = 0.05  # a distressed firm is never valued below 5% of its paid-in capital
PRIVATE_SALE_DISCOUNT = 0.7  # buyers of unlisted stakes pay this share of the mark
MARKET_IMPACT = 1.5  # a block of x of the company sells at a discount of 1.5x (capped)


class BuildInfrastructure(_Action):
    kind: Literal["build_infrastructure"] = "build_infrastructure"
    project: Literal["industrial-park", "fab-utilities", "transit", "talent-programme"]

    def describe(self, world: World) -> str:
        return f"Build {self.project.replace('-', ' ')}"


class Pass(_Action):
    kind: Literal["pass"] = "pass"
    attention: ClassVar[int] = 0

    def describe(self, world: World) -> str:
        return "Pass"


Action = Annotated[
    SellLand | GrantLand | IssueBonds | RepayBonds | InvestEquity | RescueFirm | SellStake
    | CreateFund | RecruitSuppliers | OfferTaxIncentive | BuildInfrastructure | Pass,
    Field(discriminator="kind"),
]
ACTION_ADAPTER: TypeAdapter[Action] = TypeAdapter(Action)
ACTION_KINDS = ("sell_land", "grant_land", "issue_bonds", "repay_bonds", "invest_equity",
                "rescue_firm", "sell_stake", "create_fund", "recruit_suppliers",
                "offer_tax_incentive", "build_infrastructure", "pass")




class ChooseEvent(_Action):
    """Answer an event that waits for the city's decision with one of its options.

    A decision rather than one of the verbs: it costs no attention and sits outside
    ``Action`` (so ``ACTION_KINDS`` stays the design's vocabulary), but it is checked,
    applied and logged like an action, so replays repeat it."""

    kind: Literal["choose_event"] = "choose_event"
    attention: ClassVar[int] = 0
    event: str = Field(min_length=1, max_length=80)
    option: int = Field(ge=0, le=5)

    def describe(self, world: World, names: dict[str, str] | None = None) -> str:
        """The event's title and the chosen option's label, with the placeholders filled by
        ``names`` (what they stand for in the game at hand) or else by plain words."""
        table = world.event_table
        if table is None or self.event not in table.index:
            return f"Answer {self.event!r} with option {self.option + 1}"
        ev = table.events[table.index[self.event]]
        label = ev.options[self.option].label if self.option < len(ev.options) else f"option {self.option + 1}"
        fill = {**UNBOUND_NAMES, **(names or {})}
        return f"{events.render(ev.definition.title, fill)}: {events.render(label, fill)}"


# what an event's placeholders read as when no game binds them (an action log read alone)
UNBOUND_NAMES = {"firm": "a firm", "sector": "a sector", "city": "a city", "my_city": "the city",
                 "date": "that quarter"}


DECISION_KINDS = ("choose_event",)
LoggedAction = Annotated[
    SellLand | GrantLand | IssueBonds | RepayBonds | InvestEquity | RescueFirm | SellStake
    | CreateFund | RecruitSuppliers | OfferTaxIncentive | BuildInfrastructure | Pass | ChooseEvent,
    Field(discriminator="kind"),
]
LOGGED_ADAPTER: TypeAdapter[LoggedAction] = TypeAdapter(LoggedAction)


def parse_action(data: dict) -> Action | ChooseEvent:
    """An action (or a decision) from plain data (a save, a replay, a bot); raises pydantic's error."""
    return LOGGED_ADAPTER.validate_python(data)


def scaled_cost(state: State, city: int, base: float) -> np.ndarray:
    """A cost quoted for a ¥250 bn city, scaled to this city's GDP (never below half)."""
    return base * np.maximum(state.gdp[:, city] / COST_GDP_REF, 0.5)


def infrastructure_cost(state: State, city: int, project: str) -> np.ndarray:
    return scaled_cost(state, city, INFRASTRUCTURE[project][0])


def _bn(x: float) -> str:
    return f"¥{x:,.1f} bn"


# ----- checking --------------------------------------------------------------------------

def check(world: World, state: State, city: int, action: Action, w: int = 0) -> list[str]:
    """Why ``action`` cannot be taken by ``city`` in world ``w`` now; empty when it can."""
    if state.over[w]:
        return ["the game is over"]
    if state.crisis[w, city]:
        return [f"{world.cities[city].name} is in fiscal crisis: the province runs its budget now"]
    reasons: list[str] = []
    if state.attention[w, city] < action.attention:
        reasons.append(f"no attention left this turn ({state.attention[w, city]:.0f} of "
                       f"{world.scenario.attention_per_turn}); end the turn")
    treasury = state.treasury[w, city]
    match action:
        case SellLand(hectares=ha):
            bank = state.land_bank[w, city]
            if ha > bank:
                reasons.append(f"the land bank has {bank:,.0f} ha; you asked to sell {ha:,.0f} ha")
        case GrantLand(firm=fid, hectares=ha):
            reasons += _check_grant(world, state, city, fid, ha, w)
        case IssueBonds(amount_bn=amt):
            revenue = total(state.revenue_hist[:, city], axis=1)[w]
            cap = world.scenario.debt_limit_ratio * revenue
            room = cap - state.debt[w, city]
            if amt > room:
                reasons.append(
                    f"the province caps debt at {world.scenario.debt_limit_ratio:.1f}x yearly revenue "
                    f"({_bn(cap)}); debt is {_bn(state.debt[w, city])}, "
                    f"so at most {_bn(max(room, 0.0))} more can be issued")
        case RepayBonds(amount_bn=amt):
            if amt > state.debt[w, city]:
                reasons.append(f"debt is {_bn(state.debt[w, city])}; you asked to repay {_bn(amt)}")
            if amt > treasury:
                reasons.append(f"the treasury holds {_bn(treasury)}; repaying needs {_bn(amt)}")
        case InvestEquity(firm=fid, amount_bn=amt, from_fund=from_fund):
            reasons += _check_invest(world, state, city, fid, amt, from_fund, w)
        case RescueFirm(firm=fid, amount_bn=amt, relocate=relocate):
            reasons += _check_rescue(world, state, city, fid, amt, relocate, w)
        case SellStake(firm=fid):
            reasons += _check_sale(world, state, city, fid, w)
        case CreateFund(sector=sid, amount_bn=amt):
            if sid not in world.sector_index:
                reasons.append(f"there is no sector {sid!r} in this scenario")
            if amt > treasury:
                reasons.append(f"the treasury holds {_bn(treasury)}; you want to commit {_bn(amt)}")
        case RecruitSuppliers(sector=sid):
            if sid not in world.sector_index:
                reasons.append(f"there is no sector {sid!r} in this scenario")
            else:
                cost = scaled_cost(state, city, RECRUIT_COST_BN)[w]
                if cost > treasury:
                    reasons.append(f"recruiting suppliers costs {_bn(cost)}; the treasury holds {_bn(treasury)}")
                s = world.sector_index[sid]
                if state.recruited[w, city, s] >= RECRUIT_CAP - 1e-9:
                    reasons.append(f"{_sector_label(world, sid)} suppliers are already courted as far as they will go")
        case OfferTaxIncentive(sector=sid):
            if sid not in world.sector_index:
                reasons.append(f"there is no sector {sid!r} in this scenario")
            elif state.incentive_left[w, city, world.sector_index[sid]] > 0:
                left = state.incentive_left[w, city, world.sector_index[sid]]
                reasons.append(f"{_sector_label(world, sid)} firms already have incentives for {left:.0f} more quarters")
        case BuildInfrastructure(project=project):
            cost = infrastructure_cost(state, city, project)[w]
            if cost > treasury:
                reasons.append(f"the {project.replace('-', ' ')} costs {_bn(cost)}; the treasury holds {_bn(treasury)}")
        case ChooseEvent(event=eid, option=k):
            reasons += events.choice_reasons(world, state, city, eid, k, w)
        case Pass():
            pass
    return reasons


def _firm(world: World, fid: str, state: State | None = None, w: int = 0) -> int | None:
    """The slot of a firm the player can see: one that has arrived (or None)."""
    f = world.firm_slot(fid)
    if f is None or (state is not None and state.stage[w, f] == NOT_YET):
        return None
    return f


def _check_invest(world: World, state: State, city: int, fid: str, amt: float,
                  from_fund: bool, w: int) -> list[str]:
    f = _firm(world, fid, state, w)
    if f is None:
        return [f"there is no firm {fid!r} in play"]
    name = world.firm_name(f, int(state.name_index[w, f]))
    stage = int(state.stage[w, f])
    reasons = []
    if from_fund:
        s = world.firm_sector[f]
        cash = state.fund_cash[w, city, s]
        if amt > cash:
            reasons.append(f"the {world.sectors[s].name} fund holds {_bn(cash)}; you want {_bn(amt)} from it")
    elif amt > state.treasury[w, city]:
        reasons.append(f"the treasury holds {_bn(state.treasury[w, city])}; you offered {_bn(amt)}")
    if stage == DISTRESSED:
        reasons.append(f"{name} is in a cash crunch: use a rescue, which sets the terms of distress")
    elif stage not in (PROSPECT, BUILDING, RAMPING, OPERATING, LISTED):
        reasons.append(f"{name} is {STAGE_NAMES[stage]}; it cannot take investment")
    elif state.firm_city[w, f] != city:
        reasons.append(f"{name} is in {world.cities[state.firm_city[w, f]].name}, not your city")
    elif stage == PROSPECT:
        ask = state.ask[w, f]
        if amt < 0.5 * ask:
            reasons.append(f"{name} asks for {_bn(ask)} and will not come for less than half "
                           f"({_bn(0.5 * ask)}); you offered {_bn(amt)}")
        if amt > 1.5 * ask:
            reasons.append(f"{name} asks for {_bn(ask)}; it takes at most {_bn(1.5 * ask)}")
    elif amt > 2.0 * max(state.valuation[w, f], 0.1):
        reasons.append(f"{name} is valued at {_bn(state.valuation[w, f])}; a round larger than "
                       f"twice that ({_bn(2 * state.valuation[w, f])}) is not on offer")
    return reasons


def rescue_need(state: State, f: int | np.ndarray | slice = slice(None)) -> np.ndarray:
    """Money a distressed firm needs to be solvent again, plus a quarter's margin:
    [W] for one firm, [W, F] for all."""
    burn = np.maximum(-state.profit_f[:, f], 0.0)
    return np.maximum(-state.cash[:, f], 0.0) + burn + 0.05 * state.paid_in[:, f]


def _check_rescue(world: World, state: State, city: int, fid: str, amt: float, relocate: bool,
                  w: int) -> list[str]:
    f = _firm(world, fid, state, w)
    if f is None:
        return [f"there is no firm {fid!r} in play"]
    name = world.firm_name(f, int(state.name_index[w, f]))
    reasons = []
    if amt > state.treasury[w, city]:
        reasons.append(f"the treasury holds {_bn(state.treasury[w, city])}; the rescue needs {_bn(amt)}")
    if state.stage[w, f] != DISTRESSED:
        reasons.append(f"{name} is {STAGE_NAMES[int(state.stage[w, f])]}, not in a cash crunch")
        return reasons
    if state.firm_city[w, f] != city and not relocate:
        reasons.append(f"{name} is in {world.cities[state.firm_city[w, f]].name}: a rescue from here "
                       "must be on condition that it moves its headquarters to your city")
    need = rescue_need(state, f)[w]
    if amt < need:
        reasons.append(f"{name} needs {_bn(need)} to stay afloat; you offered {_bn(amt)}")
    return reasons


def _check_sale(world: World, state: State, city: int, fid: str, w: int) -> list[str]:
    f = _firm(world, fid, state, w)
    if f is None:
        return [f"there is no firm {fid!r} in play"]
    name = world.firm_name(f, int(state.name_index[w, f]))
    stage = int(state.stage[w, f])
    reasons = []
    if state.stake[w, f, city] <= 0:
        reasons.append(f"the city holds no stake in {name}")
    if stage == LISTED and state.lockup_left[w, f] > 0:
        reasons.append(f"{name}'s IPO lock-up has {state.lockup_left[w, f]:.0f} more quarters to run")
    elif stage not in (LISTED, OPERATING, RAMPING):
        reasons.append(f"{name} is {STAGE_NAMES[stage]}: nobody buys a stake in it now")
    return reasons


def _check_grant(world: World, state: State, city: int, fid: str, ha: float, w: int) -> list[str]:
    f = _firm(world, fid, state, w)
    if f is None:
        return [f"there is no firm {fid!r} in play"]
    name = world.firm_name(f, int(state.name_index[w, f]))
    reasons = []
    if ha > state.land_bank[w, city]:
        reasons.append(f"the land bank has {state.land_bank[w, city]:,.0f} ha; you want to grant {ha:,.0f} ha")
    if state.stage[w, f] not in (PROSPECT, BUILDING) or state.firm_city[w, f] != city:
        reasons.append(f"land can be granted only to a prospect or a firm building in your city; "
                       f"{name} is {STAGE_NAMES[int(state.stage[w, f])]} in {world.cities[state.firm_city[w, f]].name}")
    return reasons


# ----- applying --------------------------------------------------------------------------

def apply(world: World, state: State, city: int, action: Action,
          mask: np.ndarray | None = None) -> None:
    """Perform ``action`` for ``city`` in every world (or where ``mask`` is True).

    The caller has checked it; amounts are clipped to what each world allows so a batch
    can never go out of bounds.
    """
    on = np.ones(state.n_worlds, dtype=bool) if mask is None else mask
    state.attention[:, city] -= np.where(on, action.attention, 0)
    match action:
        case SellLand(hectares=ha):
            land.sell(world, state, city, np.where(on, ha, 0.0))
        case GrantLand(firm=fid, hectares=ha):
            grant_land(world, state, city, world.firm_slot(fid), np.where(on, ha, 0.0))
        case IssueBonds(amount_bn=amt):
            issue_bonds(state, city, np.where(on, amt, 0.0))
        case RepayBonds(amount_bn=amt):
            room = np.minimum(state.debt[:, city], np.maximum(state.treasury[:, city], 0.0))
            amount = np.where(on, np.minimum(amt, room), 0.0)
            state.debt[:, city] -= amount
            book(state, "bond_repayment", -amount, city)
        case InvestEquity(firm=fid, amount_bn=amt, from_fund=from_fund):
            invest(world, state, city, world.firm_slot(fid), np.where(on, amt, 0.0), from_fund)
        case RescueFirm(firm=fid, amount_bn=amt, relocate=relocate):
            rescue(world, state, city, world.firm_slot(fid), np.where(on, amt, 0.0), relocate)
        case SellStake(firm=fid, share=share):
            sell_stake(world, state, city, world.firm_slot(fid), np.where(on, share, 0.0))
        case CreateFund(sector=sid, amount_bn=amt):
            amount = np.clip(np.where(on, amt, 0.0), 0.0, np.maximum(state.treasury[:, city], 0.0))
            book(state, "fund_commitment", -amount, city)
            state.invested[:, city] += amount
            capital.commit_to_fund(world, state, city, world.sector_index[sid], amount)
        case RecruitSuppliers(sector=sid):
            s = world.sector_index[sid]
            cost = np.where(on, scaled_cost(state, city, RECRUIT_COST_BN), 0.0)
            book(state, "supplier_recruitment", -cost, city)
            state.recruited[:, city, s] = np.where(
                on, np.minimum(state.recruited[:, city, s] + RECRUIT_GAIN, RECRUIT_CAP), state.recruited[:, city, s])
        case OfferTaxIncentive(sector=sid):
            s = world.sector_index[sid]
            state.incentive_left[:, city, s] = np.where(on, INCENTIVE_QUARTERS, state.incentive_left[:, city, s])
        case BuildInfrastructure(project=project):
            cost = np.where(on, infrastructure_cost(state, city, project), 0.0)
            book(state, "infrastructure", -cost, city)
            state.infrastructure[:, city] += np.where(on, INFRASTRUCTURE[project][1], 0.0)
        case ChooseEvent(event=eid, option=k):
            events.choose(world, state, city, eid, k, on)
        case Pass():
            pass


def sell_land_each(world: World, state: State, city: int, hectares: np.ndarray, mask: np.ndarray) -> None:
    """SellLand with a different amount in each world (for bots); each sale is legal by
    construction: no more than the bank, and only where attention is left."""
    mask = mask & (state.attention[:, city] >= 1) & ~state.over
    state.attention[:, city] -= mask
    land.sell(world, state, city, np.where(mask, hectares, 0.0))


def issue_bonds(state: State, city: int, amount: np.ndarray) -> None:
    """Borrow ``amount`` [W] through the city's investment platform."""
    state.debt[:, city] += amount
    book(state, "bond_proceeds", amount, city)


def invest(world: World, state: State, city: int, f: int, amount: np.ndarray,
           from_fund: bool = False) -> None:
    """Put ``amount`` [W] of equity into firm ``f``: a prospect breaks ground, others dilute.

    From a guidance fund, the city's stake is its share of the fund's; the partners'
    share goes to private holders.
    """
    s = world.firm_sector[f]
    if from_fund:
        amount = np.clip(amount, 0.0, state.fund_cash[:, city, s])
        share = state.fund_city_share[:, city, s].copy()
        state.fund_cash[:, city, s] -= amount
    else:
        amount = np.clip(amount, 0.0, np.maximum(state.treasury[:, city], 0.0))
        share = np.ones(state.n_worlds)
        book(state, "equity_investment", -amount, city)
        state.invested[:, city] += amount
    on = amount > 0
    if not on.any():
        return
    prospect = on & (state.stage[:, f] == PROSPECT)
    if prospect.any():
        w = np.nonzero(prospect)[0]
        _break_ground(world, state, city, w, np.full(len(w), f), amount[w], share[w])
    later = on & ~prospect
    if later.any():
        w = np.nonzero(later)[0]
        _new_shares(state, w, f, city, amount[w], np.maximum(state.valuation[w, f], 0.1), share[w])
    on_w = np.nonzero(on)[0]
    state.stake[on_w, f] = np.clip(state.stake[on_w, f], 0.0, 1.0)


def _break_ground(world: World, state: State, city: int, w: np.ndarray, f: np.ndarray,
                  amount: np.ndarray, share: np.ndarray) -> None:
    """Prospects (w[i], f[i]) take ``amount[i]``: the city gets its stake, building starts."""
    ratio = np.minimum(amount / np.maximum(state.ask[w, f], 1e-9), 1.5)
    state.stake[w, f, city] = np.minimum(state.offered_stake[w, f] * ratio * share, 1.0)
    state.cost_basis[w, f, city] += amount * share
    start_building(world, state, w, f, amount)


def back_prospects(world: World, state: State, city: int, w: np.ndarray, f: np.ndarray) -> None:
    """Back prospects (w[i], f[i]) with exactly their ask from the treasury; at most one pair
    per world, each checked by the caller (the rivals' way of investing, in one step)."""
    amount = state.ask[w, f]
    per_world = np.zeros(state.n_worlds)
    per_world[w] = amount
    book(state, "equity_investment", -per_world, city)
    state.invested[:, city] += per_world
    _break_ground(world, state, city, w, f, amount, np.ones(len(w)))


def _new_shares(state: State, w: np.ndarray, f: int, city: int, amount: np.ndarray,
                pre: np.ndarray, share: np.ndarray) -> None:
    """Issue new shares worth ``amount`` at pre-money ``pre``: every holder is diluted."""
    post = pre + amount
    state.stake[w, f, :] *= (pre / post)[:, None]
    state.stake[w, f, city] += share * amount / post
    state.cost_basis[w, f, city] += share * amount
    state.cash[w, f] += amount
    state.paid_in[w, f] += amount
    state.valuation[w, f] = post


def rescue(world: World, state: State, city: int, f: int, amount: np.ndarray, relocate: bool) -> None:
    """Money into a distressed firm at distressed terms; optionally it moves here."""
    amount = np.clip(amount, 0.0, np.maximum(state.treasury[:, city], 0.0))
    on = amount > 0
    if not on.any():
        return
    w = np.nonzero(on)[0]
    rescue_pairs(state, city, w, np.full(len(w), f), amount[w], relocate)


def rescue_pairs(state: State, city: int, w: np.ndarray, f: np.ndarray, amount: np.ndarray,
                 relocate: bool) -> None:
    """Rescue firms (w[i], f[i]) with ``amount[i]`` each; at most one firm per world."""
    per_world = np.zeros(state.n_worlds)
    per_world[w] = amount
    book(state, "rescues", -per_world, city)
    state.invested[:, city] += per_world
    pre = np.maximum(state.valuation[w, f], RESCUE_DISCOUNT_FLOOR * state.paid_in[w, f])
    _new_shares(state, w, f, city, amount, np.maximum(pre, 0.05), np.ones(len(w)))
    state.rescued[w, f] = True
    if relocate:
        state.firm_city[w, f] = city
    state.stake[w, f] = np.clip(state.stake[w, f], 0.0, 1.0)


def sale_quote(world: World, state: State, city: int, f: int, share: np.ndarray) -> np.ndarray:
    """Cash from selling ``share`` of the city's stake in ``f`` now, [W]."""
    part = state.stake[:, f, city] * share  # share of the company sold
    mark = part * state.valuation[:, f]
    listed = state.stage[:, f] == LISTED
    impact = np.minimum(MARKET_IMPACT * part, 0.5)
    return mark * (1.0 - impact) * np.where(listed, 1.0, PRIVATE_SALE_DISCOUNT)


def sell_stake(world: World, state: State, city: int, f: int, share: np.ndarray) -> None:
    """Sell ``share`` [W] of the city's stake in firm ``f``."""
    shares = np.zeros(state.stage.shape)
    shares[:, f] = share
    sell_stakes(world, state, city, shares)


def sell_stakes(world: World, state: State, city: int, share: np.ndarray) -> None:
    """Sell ``share`` [W, F] of the city's stake in every firm at once; realised gains are
    booked, big listed blocks move the price, and profitable exits build credibility."""
    w = np.nonzero(rows_any(share > 0))[0]  # only the worlds that sell something
    share = np.clip(share[w], 0.0, 1.0)
    part = state.stake[w, :, city] * share  # share of each company sold
    listed = state.stage[w] == LISTED
    impact = np.minimum(MARKET_IMPACT * part, 0.5)
    proceeds = part * state.valuation[w] * (1.0 - impact) * np.where(listed, 1.0, PRIVATE_SALE_DISCOUNT)
    basis = state.cost_basis[w, :, city] * share
    gains = (proceeds - basis > 0) & (share > 0)
    cash = np.zeros(state.n_worlds)
    cash[w] = total(proceeds, axis=1)
    book(state, "exits", cash, city)
    state.realised[:, city] += cash
    state.stake[w, :, city] -= part
    state.cost_basis[w, :, city] -= basis
    state.valuation[w] *= np.where(listed, 1.0 - 0.5 * impact, 1.0)
    credit = np.zeros(state.n_worlds)
    credit[w] = 0.05 * gains.sum(axis=1)
    capital.adjust_credibility_city(state, city, credit)


def grant_land(world: World, state: State, city: int, f: int, hectares: np.ndarray) -> None:
    """Industrial land given, not sold: no revenue; it lowers a prospect's ask or adds to a builder's cash."""
    hectares = np.clip(hectares, 0.0, state.land_bank[:, city])
    value = hectares * state.land_price[:, city] * INDUSTRIAL_LAND_DISCOUNT
    state.land_bank[:, city] -= hectares
    prospect = state.stage[:, f] == PROSPECT
    floor = MIN_ASK_AFTER_GRANT * (state.ask[:, f] + state.land_granted[:, f])  # of the original ask
    # the land counts toward the ask: the same stake for less cash
    cut = np.where(prospect, np.minimum(value, state.ask[:, f] - floor), 0.0)
    state.ask[:, f] -= cut
    state.land_granted[:, f] += np.where(prospect, cut, value)
    state.cash[:, f] += np.where(prospect, 0.0, value)
    state.waited[:, f] = np.where(prospect & (hectares > 0), np.maximum(state.waited[:, f] - 1, 0), state.waited[:, f])


def is_major(action: Action) -> bool:
    return action.attention > 0


# ----- the same rules for a whole batch ---------------------------------------------------

def legal_mask(world: World, state: State, city: int, action: Action) -> np.ndarray:
    """[W] bool: worlds where ``check`` would allow the action (vectorised, for bots)."""
    ok = ~state.over & ~state.crisis[:, city] & (state.attention[:, city] >= action.attention)
    treasury = state.treasury[:, city]
    match action:
        case SellLand(hectares=ha):
            return ok & (ha <= state.land_bank[:, city])
        case GrantLand(firm=fid, hectares=ha):
            f = world.firm_slot(fid)
            if f is None:
                return np.zeros_like(ok)
            stage = state.stage[:, f]
            return (ok & (ha <= state.land_bank[:, city]) & ((stage == PROSPECT) | (stage == BUILDING))
                    & (state.firm_city[:, f] == city))
        case IssueBonds(amount_bn=amt):
            cap = world.scenario.debt_limit_ratio * total(state.revenue_hist[:, city], axis=1)
            return ok & (amt <= cap - state.debt[:, city])
        case RepayBonds(amount_bn=amt):
            return ok & (amt <= state.debt[:, city]) & (amt <= treasury)
        case InvestEquity(firm=fid, amount_bn=amt, from_fund=from_fund):
            f = world.firm_slot(fid)
            if f is None:
                return np.zeros_like(ok)
            s = world.firm_sector[f]
            money = state.fund_cash[:, city, s] if from_fund else treasury
            stage = state.stage[:, f]
            takes = (stage >= PROSPECT) & (stage <= LISTED)
            ask = state.ask[:, f]
            size_ok = np.where(stage == PROSPECT, (amt >= 0.5 * ask) & (amt <= 1.5 * ask),
                               amt <= 2.0 * np.maximum(state.valuation[:, f], 0.1))
            return ok & (amt <= money) & takes & (state.firm_city[:, f] == city) & size_ok
        case RescueFirm(firm=fid, amount_bn=amt, relocate=relocate):
            f = world.firm_slot(fid)
            if f is None:
                return np.zeros_like(ok)
            here = (state.firm_city[:, f] == city) | relocate
            return (ok & (amt <= treasury) & (state.stage[:, f] == DISTRESSED) & here
                    & (amt >= rescue_need(state, f)))
        case SellStake(firm=fid):
            f = world.firm_slot(fid)
            if f is None:
                return np.zeros_like(ok)
            stage = state.stage[:, f]
            sellable = ((stage == LISTED) & (state.lockup_left[:, f] <= 0)) | (stage == OPERATING) | (stage == RAMPING)
            return ok & (state.stake[:, f, city] > 0) & sellable
        case CreateFund(sector=sid, amount_bn=amt):
            return ok & (sid in world.sector_index) & (amt <= treasury)
        case RecruitSuppliers(sector=sid):
            if sid not in world.sector_index:
                return np.zeros_like(ok)
            s = world.sector_index[sid]
            return (ok & (scaled_cost(state, city, RECRUIT_COST_BN) <= treasury)
                    & (state.recruited[:, city, s] < RECRUIT_CAP - 1e-9))
        case OfferTaxIncentive(sector=sid):
            if sid not in world.sector_index:
                return np.zeros_like(ok)
            return ok & (state.incentive_left[:, city, world.sector_index[sid]] <= 0)
        case BuildInfrastructure(project=project):
            return ok & (infrastructure_cost(state, city, project) <= treasury)
        case ChooseEvent(event=eid, option=k):
            return ok & events.choice_mask(world, state, city, eid, k)
        case Pass():
            return ok
    return np.zeros_like(ok)  # pragma: no cover - every kind is matched above
