"""The player's vocabulary: actions as data, checked against the state, then applied.

``check`` returns the reasons an action is refused (empty when it is allowed), naming
the number that was short; it never raises. ``apply`` performs an allowed action in
every world of the state (or those in ``mask``). The UI, bots, replays and tests all
use these same objects.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from game.engine import land
from game.engine.ledger import book
from game.engine.state import State
from game.engine.tick import debt_ratio, start_building
from game.engine.world import (
    BUILDING,
    DISTRESSED,
    LISTED,
    OPERATING,
    PROSPECT,
    RAMPING,
    STAGE_NAMES,
    World,
)


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    attention: int = 1  # major actions spend one point of attention

    def describe(self, world: World) -> str:  # pragma: no cover - overridden
        return self.kind  # type: ignore[attr-defined]


class SellLand(_Action):
    kind: Literal["sell_land"] = "sell_land"
    hectares: float = Field(gt=0, le=100_000)

    def describe(self, world: World) -> str:
        return f"Sell {self.hectares:,.0f} ha of land"


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
    kind: Literal["invest_equity"] = "invest_equity"
    firm: str = Field(min_length=1)
    amount_bn: float = Field(gt=0, le=10_000)

    def describe(self, world: World) -> str:
        name = world.firms[world.firm_index[self.firm]].name if self.firm in world.firm_index else self.firm
        return f"Invest ¥{self.amount_bn:,.1f} bn in {name}"


INFRASTRUCTURE = {
    # project: (cost in ¥ bn for a city of ¥250 bn GDP, infrastructure index gained, what it is)
    "industrial-park": (3.0, 0.04, "serviced plots and roads for factories"),
    "fab-utilities": (5.0, 0.05, "ultra-pure water and stable power that fabs need"),
    "transit": (8.0, 0.07, "metro and ring roads that widen the labour market"),
    "talent-programme": (2.0, 0.03, "university places and housing for engineers"),
}
INFRA_COST_GDP_REF = 250.0


class BuildInfrastructure(_Action):
    kind: Literal["build_infrastructure"] = "build_infrastructure"
    project: Literal["industrial-park", "fab-utilities", "transit", "talent-programme"]

    def describe(self, world: World) -> str:
        return f"Build {self.project.replace('-', ' ')}"


class Pass(_Action):
    kind: Literal["pass"] = "pass"
    attention: int = 0

    def describe(self, world: World) -> str:
        return "Pass"


Action = Annotated[
    SellLand | IssueBonds | RepayBonds | InvestEquity | BuildInfrastructure | Pass,
    Field(discriminator="kind"),
]
ACTION_ADAPTER: TypeAdapter[Action] = TypeAdapter(Action)


def parse_action(data: dict) -> Action:
    """An action from plain data (a save, a replay, a bot); raises pydantic's error."""
    return ACTION_ADAPTER.validate_python(data)


def infrastructure_cost(state: State, city: int, project: str) -> np.ndarray:
    base = INFRASTRUCTURE[project][0]
    return base * np.maximum(state.gdp[:, city] / INFRA_COST_GDP_REF, 0.5)


def _bn(x: float) -> str:
    return f"¥{x:,.1f} bn"


def check(world: World, state: State, city: int, action: Action, w: int = 0) -> list[str]:
    """Why ``action`` cannot be taken by ``city`` in world ``w`` now; empty when it can."""
    reasons: list[str] = []
    if state.over[w]:
        return ["the game is over"]
    if state.attention[w, city] < action.attention:
        reasons.append(f"no attention left this turn ({state.attention[w, city]:.0f} of "
                       f"{world.scenario.attention_per_turn}); end the turn")
    treasury = state.treasury[w, city]
    match action:
        case SellLand(hectares=ha):
            bank = state.land_bank[w, city]
            if ha > bank:
                reasons.append(f"the land bank has {bank:,.0f} ha; you asked to sell {ha:,.0f} ha")
        case IssueBonds(amount_bn=amt):
            revenue = state.revenue_hist[w, city].sum()
            room = world.scenario.debt_limit_ratio * revenue - state.debt[w, city]
            if amt > room:
                reasons.append(
                    f"the province caps debt at {world.scenario.debt_limit_ratio:.1f}x yearly revenue "
                    f"({_bn(world.scenario.debt_limit_ratio * revenue)}); debt is {_bn(state.debt[w, city])}, "
                    f"so at most {_bn(max(room, 0.0))} more can be issued")
        case RepayBonds(amount_bn=amt):
            if amt > state.debt[w, city]:
                reasons.append(f"debt is {_bn(state.debt[w, city])}; you asked to repay {_bn(amt)}")
            if amt > treasury:
                reasons.append(f"the treasury holds {_bn(treasury)}; repaying needs {_bn(amt)}")
        case InvestEquity(firm=fid, amount_bn=amt):
            reasons += _check_invest(world, state, city, fid, amt, w)
        case BuildInfrastructure(project=project):
            cost = infrastructure_cost(state, city, project)[w]
            if cost > treasury:
                reasons.append(f"the {project.replace('-', ' ')} costs {_bn(cost)}; the treasury holds {_bn(treasury)}")
        case Pass():
            pass
    return reasons


def _check_invest(world: World, state: State, city: int, fid: str, amt: float, w: int) -> list[str]:
    if fid not in world.firm_index:
        return [f"there is no firm {fid!r} in this scenario"]
    f = world.firm_index[fid]
    name = world.firms[f].name
    stage = int(state.stage[w, f])
    reasons = []
    if amt > state.treasury[w, city]:
        reasons.append(f"the treasury holds {_bn(state.treasury[w, city])}; you offered {_bn(amt)}")
    if stage not in (PROSPECT, BUILDING, RAMPING, OPERATING, LISTED, DISTRESSED):
        reasons.append(f"{name} is {STAGE_NAMES[stage]}; it cannot take investment")
    elif state.firm_city[w, f] != city:
        reasons.append(f"{name} is in {world.cities[state.firm_city[w, f]].name}, not your city")
    elif stage == PROSPECT:
        ask = world.firm_ask[f]
        if amt < 0.5 * ask:
            reasons.append(f"{name} asks for {_bn(ask)} and will not come for less than half "
                           f"({_bn(0.5 * ask)}); you offered {_bn(amt)}")
        if amt > 1.5 * ask:
            reasons.append(f"{name} asks for {_bn(ask)}; it takes at most {_bn(1.5 * ask)}")
    elif amt > 2.0 * max(state.valuation[w, f], 0.1):
        reasons.append(f"{name} is valued at {_bn(state.valuation[w, f])}; a round larger than "
                       f"twice that ({_bn(2 * state.valuation[w, f])}) is not on offer")
    return reasons


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
        case IssueBonds(amount_bn=amt):
            amount = np.where(on, amt, 0.0)
            state.debt[:, city] += amount
            book(state, "bond_proceeds", amount, city)
        case RepayBonds(amount_bn=amt):
            amount = np.where(on, np.minimum(amt, np.minimum(state.debt[:, city],
                                                          np.maximum(state.treasury[:, city], 0.0))), 0.0)
            state.debt[:, city] -= amount
            book(state, "bond_repayment", -amount, city)
        case InvestEquity(firm=fid, amount_bn=amt):
            invest(world, state, city, world.firm_index[fid], np.where(on, amt, 0.0))
        case BuildInfrastructure(project=project):
            cost = np.where(on, infrastructure_cost(state, city, project), 0.0)
            book(state, "infrastructure", -cost, city)
            state.infrastructure[:, city] += np.where(on, INFRASTRUCTURE[project][1], 0.0)
        case Pass():
            pass


def invest(world: World, state: State, city: int, f: int, amount: np.ndarray) -> None:
    """Put ``amount`` [W] of equity into firm ``f``: a prospect breaks ground, others dilute."""
    amount = np.clip(amount, 0.0, np.maximum(state.treasury[:, city], 0.0))
    on = amount > 0
    if not on.any():
        return
    book(state, "equity_investment", -amount, city)
    state.invested[:, city] += amount
    prospect = on & (state.stage[:, f] == PROSPECT)
    if prospect.any():
        w = np.nonzero(prospect)[0]
        ask = world.firm_ask[f]
        state.stake[w, f, city] = world.firm_offered_stake[f] * np.minimum(amount[w] / ask, 1.5)
        start_building(world, state, w, np.full(len(w), f), amount[w])
    later = on & ~prospect
    if later.any():
        w = np.nonzero(later)[0]
        pre = np.maximum(state.valuation[w, f], 0.1)
        post = pre + amount[w]
        state.stake[w, f, :] *= (pre / post)[:, None]
        state.stake[w, f, city] += amount[w] / post
        state.cash[w, f] += amount[w]
        state.paid_in[w, f] += amount[w]
        state.valuation[w, f] = post
    np.clip(state.stake, 0.0, 1.0, out=state.stake)


def is_major(action: Action) -> bool:
    return action.attention > 0


__all__ = [
    "Action", "BuildInfrastructure", "INFRASTRUCTURE", "InvestEquity", "IssueBonds", "Pass",
    "RepayBonds", "SellLand", "apply", "check", "debt_ratio", "parse_action",
    "BUILDING", "DISTRESSED", "LISTED", "OPERATING", "RAMPING",
]
