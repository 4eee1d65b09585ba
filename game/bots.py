"""Scripted strategies that play the player's city, for every world of a batch at once.

Bots build the same action objects a player does and apply them where ``legal_mask``
allows, so they can never do what a player could not. Each is a function
``bot(world, state)`` called once per turn before the turn ends.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from game.content.schema import BotDef, BotRule
from game.engine import actions as A
from game.engine.state import N_UNIFORM_LANES, State
from game.engine.world import BUILDING, DISTRESSED, LISTED, PROSPECT, World, is_producing

Bot = Callable[[World, State], None]
LANES_BOT = tuple(range(N_UNIFORM_LANES - 4, N_UNIFORM_LANES))  # the last four noise lanes are the bots' dice


def _do(world: World, state: State, action: A.Action, where: np.ndarray | None = None) -> np.ndarray:
    """Apply ``action`` for the player wherever it is legal (and ``where``); returns the mask."""
    mask = A.legal_mask(world, state, world.player, action)
    if where is not None:
        mask &= where
    if mask.any():
        A.apply(world, state, world.player, action, mask=mask)
    return mask


def _sell_land(world: World, state: State, pace: float) -> None:
    """Sell ``pace`` x the market's absorption, or what is left of the bank, in each world."""
    p = world.player
    ha = pace * float(world.city_params["land_absorption_ha"][p])
    full = _do(world, state, A.SellLand(hectares=ha))
    # the last scraps of the bank: each world sells exactly what it has left
    rest = ~full & (state.land_bank[:, p] > 0) & A.legal_mask(world, state, p, A.SellLand(hectares=1e-9))
    if rest.any():
        A.sell_land_each(world, state, p, np.where(rest, state.land_bank[:, p], 0.0), rest)


def _fund(world: World, state: State, amount: np.ndarray, where: np.ndarray) -> None:
    """Borrow where the treasury is short of ``amount`` [W], within the province's cap."""
    p = world.player
    short = where & (state.treasury[:, p] < amount)
    if not short.any():
        return
    gap = np.where(short, amount - state.treasury[:, p] + 0.5, 0.0)
    # one bond issue per turn: the largest gap that is legal where it is needed
    for size in np.unique(np.round(gap[short], 1))[::-1]:
        _do(world, state, A.IssueBonds(amount_bn=float(size)), where=short & (np.round(gap, 1) == size))


def _back_prospects(world: World, state: State, choose: np.ndarray, borrow: bool) -> None:
    """Offer each chosen prospect [W, F] exactly its ask."""
    p = world.player
    for f in np.nonzero(choose.any(axis=0))[0]:
        pick = choose[:, f]
        asks = np.round(state.ask[pick, f], 3)
        for ask in np.unique(asks):
            where = pick & (np.round(state.ask[:, f], 3) == ask)
            if borrow:
                _fund(world, state, np.full(state.n_worlds, ask), where)
            _do(world, state, A.InvestEquity(firm=world.firm_ids[f], amount_bn=float(ask)), where=where)
    del p


def _mine(world: World, state: State, stage: int) -> np.ndarray:
    return (state.stage == stage) & (state.firm_city == world.player)


def _rescue(world: World, state: State, choose: np.ndarray, relocate: bool = False) -> None:
    """Rescue each chosen distressed firm [W, F] with what it needs (from elsewhere: it moves here)."""
    for f in np.nonzero(choose.any(axis=0))[0]:
        need = A.rescue_need(state, f)
        for amount in np.unique(np.ceil(need[choose[:, f]] * 10) / 10):
            where = choose[:, f] & (np.ceil(need * 10) / 10 == amount)
            _do(world, state, A.RescueFirm(firm=world.firm_ids[f], amount_bn=float(amount), relocate=relocate),
                where=where)


def _exit(world: World, state: State, share: float, where: np.ndarray | None = None) -> None:
    """Sell part of every listed stake that is out of lock-up and worth more than it cost."""
    p = world.player
    value = state.stake[:, :, p] * state.valuation
    ripe = (state.stage == LISTED) & (state.lockup_left <= 0) & (value > 1.2 * state.cost_basis[:, :, p])
    if where is not None:
        ripe &= where[:, None]
    for f in np.nonzero(ripe.any(axis=0))[0]:
        _do(world, state, A.SellStake(firm=world.firm_ids[f], share=share), where=ripe[:, f])


def _recruit_around(world: World, state: State) -> None:
    """Court suppliers in each sector where the city has a producing firm, until the chain is dense."""
    p = world.player
    producing = is_producing(state.stage) & (state.firm_city == p)
    for s, sector in enumerate(world.sectors):
        has = (producing & (world.firm_sector == s)[None, :]).any(axis=1)
        if has.any():
            _do(world, state, A.RecruitSuppliers(sector=sector.id), where=has & (state.density[:, p, s] < 0.6))


# ----- the bots -----------------------------------------------------------------------------

def pass_bot(world: World, state: State) -> None:
    """Does nothing: the city's economy runs on its own."""


def land_addict_bot(world: World, state: State) -> None:
    """Sells land fast every quarter and pours it into roads and metro lines; borrows when
    the treasury runs low; backs no firm."""
    p = world.player
    _sell_land(world, state, 1.5)
    flush = state.treasury[:, p] > 0.04 * state.gdp[:, p]
    for project in ("transit", "industrial-park"):
        _do(world, state, A.BuildInfrastructure(project=project), where=flush)
    low = state.treasury[:, p] < 0.01 * state.gdp[:, p]
    _fund(world, state, 0.03 * state.gdp[:, p], low)


def herd_chaser_bot(world: World, state: State) -> None:
    """Backs every prospect in the one sector everyone is talking about (the hottest),
    borrows to do it, offers that sector tax breaks to win more of its projects, bids for
    any failing maker of it elsewhere to move here, rescues its own firms whatever their
    prospects, and never sells.

    All its eggs go in one basket: when the hot sector booms it wins big, when the herd
    it joined floods the market it loses most (the widest spread of any strategy)."""
    p = world.player
    _sell_land(world, state, 1.0)
    hottest = state.sentiment >= state.sentiment.max(axis=1, keepdims=True)  # [W, S]
    hot_firm = hottest[:, world.firm_sector]
    _back_prospects(world, state, _mine(world, state, PROSPECT) & hot_firm, borrow=True)
    for s, sector in enumerate(world.sectors):
        _do(world, state, A.OfferTaxIncentive(sector=sector.id), where=hottest[:, s])
    crunch = _mine(world, state, DISTRESSED) & ~state.rescued  # one rescue each; the second crunch kills
    for f in np.nonzero(crunch.any(axis=0))[0]:
        _fund(world, state, A.rescue_need(state, f) + 0.1, crunch[:, f])
    _rescue(world, state, crunch)
    # the Neta pattern: one failing maker of the hot sector a quarter, lured here with a rescue
    far = (state.stage == DISTRESSED) & (state.firm_city != p) & hot_firm & ~state.rescued
    first = far & (np.cumsum(far, axis=1) == 1)
    for f in np.nonzero(first.any(axis=0))[0]:
        _fund(world, state, A.rescue_need(state, f) + 0.1, first[:, f])
    _rescue(world, state, first, relocate=True)


def patient_industrialist_bot(world: World, state: State) -> None:
    """Sells land steadily, backs prospects that look strong or fit the city's chains,
    recruits suppliers where it has firms (and, while it has none, in the least crowded
    sector, so that projects come to a chain already forming), rescues only strong
    firms, and exits listed stakes a quarter at a time."""
    p = world.player
    _sell_land(world, state, 0.8)
    fits = state.density[:, p, :][:, world.firm_sector] > 0.2
    good = (state.quality_signal > 0.55) | (fits & (state.quality_signal > 0.4))
    affordable = state.ask <= 0.8 * np.maximum(state.treasury[:, p], 0.0)[:, None] + 5.0
    _back_prospects(world, state, _mine(world, state, PROSPECT) & good & affordable, borrow=True)
    _recruit_around(world, state)
    # with nothing built or building, court suppliers where the herd is not: the sector
    # with the least national capacity for its demand
    held = state.stake[:, :, p] > 0
    live = (held & ((state.stage == BUILDING) | is_producing(state.stage))).any(axis=1)
    least_crowded = np.argmin(state.capacity / np.maximum(state.demand, 1e-9), axis=1)
    for s, sector in enumerate(world.sectors):
        where = ~live & (least_crowded == s)
        if where.any():
            _do(world, state, A.RecruitSuppliers(sector=sector.id), where=where)
    _rescue(world, state, _mine(world, state, DISTRESSED) & (state.quality_signal > 0.6))
    _exit(world, state, 0.25)


def historical_bot(world: World, state: State) -> None:
    """Plays the scenario's real decisions (its historical_moves) with the real amounts,
    sells land at the real city's pace, courts suppliers around the firms it has (the
    Hefei model's "supply chain ecosystems"), rescues strong firms and exits after lock-ups."""
    sc = world.scenario
    _sell_land(world, state, sc.historical_land_pace)
    for move in sc.historical_moves:
        if move.turn != state.turn:
            continue
        action = A.parse_action(move.action)
        amount = getattr(action, "amount_bn", 0.0)
        if amount:
            _fund(world, state, np.full(state.n_worlds, amount), ~state.over)
        _do(world, state, action)
    _rescue(world, state, _mine(world, state, DISTRESSED) & (state.quality_signal > 0.6))
    _exit(world, state, 0.25)
    _recruit_around(world, state)


RANDOM_KINDS = ("sell_land", "issue_bonds", "invest", "infrastructure", "recruit", "sell_stake", "pass")


def random_bot(world: World, state: State) -> None:
    """Takes one random legal action a quarter (or passes), with dice drawn per world from
    the world's own seeded lanes: a baseline that any sensible strategy should beat."""
    p = world.player
    dice = state.noise.uniform[:, state.turn][:, list(LANES_BOT)]
    kind = np.minimum((dice[:, 0] * len(RANDOM_KINDS)).astype(int), len(RANDOM_KINDS) - 1)
    pick = dice[:, 1]

    def choose(options: int) -> np.ndarray:
        return np.minimum((pick * options).astype(int), options - 1)

    is_ = {k: kind == i for i, k in enumerate(RANDOM_KINDS)}
    for i, ha in enumerate((50.0, 100.0, 200.0)):
        _do(world, state, A.SellLand(hectares=ha), where=is_["sell_land"] & (choose(3) == i))
    for i, amount in enumerate((2.0, 5.0, 10.0)):
        _do(world, state, A.IssueBonds(amount_bn=amount), where=is_["issue_bonds"] & (choose(3) == i))
    projects = list(A.INFRASTRUCTURE)
    for i, project in enumerate(projects):
        _do(world, state, A.BuildInfrastructure(project=project),
            where=is_["infrastructure"] & (choose(len(projects)) == i))
    for i, sector in enumerate(world.sectors):
        _do(world, state, A.RecruitSuppliers(sector=sector.id),
            where=is_["recruit"] & (choose(world.n_sectors) == i))
    _random_firm(world, state, is_["invest"], _mine(world, state, PROSPECT), pick, invest=True)
    held = (state.stake[:, :, p] > 0) & ((state.stage == LISTED) | (state.stage == 4))
    _random_firm(world, state, is_["sell_stake"], held, pick, invest=False)


def _random_firm(world: World, state: State, where: np.ndarray, eligible: np.ndarray,
                 pick: np.ndarray, invest: bool) -> None:
    """Back (or sell a quarter of the stake in) one eligible firm per world, chosen by ``pick``."""
    count = eligible.sum(axis=1)
    where = where & (count > 0)
    if not where.any():
        return
    nth = np.minimum((pick * count).astype(int), np.maximum(count - 1, 0))
    order = np.cumsum(eligible, axis=1) - 1  # rank of each eligible firm in its row
    chosen = eligible & (order == nth[:, None]) & where[:, None]
    if invest:
        _back_prospects(world, state, chosen, borrow=False)
    else:
        for f in np.nonzero(chosen.any(axis=0))[0]:
            _do(world, state, A.SellStake(firm=world.firm_ids[f], share=0.25), where=chosen[:, f])


def rule_bot(defn: BotDef) -> Bot:
    """A bot described in TOML (a pack's bots/ folder): its rules are tried in order each
    quarter, each where its condition holds for the city and its dice allow."""
    compiled: dict[int, list] = {}

    def bot(world: World, state: State) -> None:
        from game.engine import events
        from game.engine.registry import Ctx

        if id(world) not in compiled:
            compiled[id(world)] = [events.compile_condition(world, r.when) if r.when is not None else None
                                   for r in defn.rules]
        W, p = state.n_worlds, world.player
        dice = state.noise.uniform[:, state.turn, LANES_BOT[2]]
        for i, (rule, node) in enumerate(zip(defn.rules, compiled[id(world)], strict=True)):
            where = ~state.over
            if node is not None:
                ctx = Ctx(world, state, np.arange(W), np.full(W, p))
                where &= np.broadcast_to(np.asarray(events.holds(node, ctx), dtype=bool), (W,))
            if rule.chance < 1.0:
                where &= (dice + 0.6180339887 * i) % 1.0 < rule.chance
            if where.any():
                _rule_step(world, state, rule, where)

    bot.__name__ = bot.__qualname__ = defn.id
    bot.__doc__ = defn.description or defn.name
    return bot


def _rule_step(world: World, state: State, rule: BotRule, where: np.ndarray) -> None:
    p = world.player
    known = world.sector_index
    match rule.do:
        case "sell_land":
            _do(world, state, A.SellLand(hectares=rule.hectares), where)
        case "issue_bonds":
            _do(world, state, A.IssueBonds(amount_bn=rule.amount_bn), where)
        case "repay_bonds":
            _do(world, state, A.RepayBonds(amount_bn=rule.amount_bn), where)
        case "build":
            _do(world, state, A.BuildInfrastructure(project=rule.project), where)
        case "recruit" if rule.sector in known:
            _do(world, state, A.RecruitSuppliers(sector=rule.sector), where)
        case "fund" if rule.sector in known:
            _do(world, state, A.CreateFund(sector=rule.sector, amount_bn=rule.amount_bn), where)
        case "back_prospects":
            ok = state.quality_signal >= rule.min_signal
            if rule.sectors:
                chosen = [known[s] for s in rule.sectors if s in known]
                ok &= np.isin(world.firm_sector, chosen)[None, :]
            _back_prospects(world, state, _mine(world, state, PROSPECT) & ok & where[:, None], borrow=False)
        case "rescue":
            _rescue(world, state, _mine(world, state, DISTRESSED) & (state.quality_signal >= rule.min_signal)
                    & where[:, None])
        case "exit":
            _exit(world, state, rule.share, where)
    del p


def bots_with(content) -> dict[str, Bot]:
    """The built-in bots and the packs' TOML bots (a pack's bot may not replace a built-in)."""
    out = dict(BOTS)
    for bot_id, defn in getattr(content, "bots", {}).items():
        out.setdefault(bot_id, rule_bot(defn))
    return out


BOTS: dict[str, Bot] = {
    "pass": pass_bot,
    "land-addict": land_addict_bot,
    "herd-chaser": herd_chaser_bot,
    "patient-industrialist": patient_industrialist_bot,
    "historical": historical_bot,
    "random": random_bot,
}
