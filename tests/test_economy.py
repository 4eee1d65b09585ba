"""The economy's mechanisms, each shown to work in one world and in a batch.

Each test sets up the situation a mechanism is about, runs the real tick, and checks the
outcome the design promises (firms fail without a rescue, IPOs wait for their window,
dense chains cut costs, herds crash prices, funds draw private money, debt tries the
province's patience).
"""

from __future__ import annotations

import numpy as np
import pytest

from game.engine import actions as A
from game.engine import capital, economics, firms
from game.engine.session import Session
from game.engine.state import new_state
from game.engine.tick import begin_turn, end_turn
from game.engine.world import (
    BUILDING,
    DISTRESSED,
    FAILED,
    LISTED,
    NOT_YET,
    OPERATING,
    PROSPECT,
    WITHDRAWN,
)

BOE = "boe-hefei-gen6"


def _operating(world, state, f, city, cash=5.0, quality=0.7):
    """Put firm slot ``f`` into production in ``city`` for every world."""
    state.stage[:, f] = OPERATING
    state.firm_city[:, f] = city
    state.capacity_f[:, f] = 10.0
    state.yield_f[:, f] = firms.MATURE_YIELD
    state.cum_output[:, f] = 40.0
    state.cash[:, f] = cash
    state.quality[:, f] = quality
    state.quality_signal[:, f] = quality
    state.paid_in[:, f] = 10.0


@pytest.fixture
def closed_market(monkeypatch):
    """Private investors stay away, so only a city can save a firm in a crunch."""
    monkeypatch.setattr(firms, "private_rounds", lambda world, state: None)


@pytest.mark.parametrize("n_worlds", [1, 16])
def test_a_firm_without_cash_fails_unless_rescued(hefei, n_worlds, closed_market):
    state = new_state(hefei, n_worlds, seed=5)
    begin_turn(hefei, state)
    f, p = hefei.firm_slot(BOE), hefei.player
    _operating(hefei, state, f, p, cash=-30.0, quality=0.05)
    state.stake[:, f, p] = 0.4
    state.cost_basis[:, f, p] = 6.0
    for _ in range(firms.DISTRESS_QUARTERS_TO_FAIL + 4):
        end_turn(hefei, state)
        begin_turn(hefei, state)
    assert (state.stage[:, f] == FAILED).all()
    assert np.allclose(state.written_off[:, p], 6.0)
    assert (state.jobs_f[:, f] == 0).all()
    assert (state.unpaid_suppliers[:, p] > 0).all()
    assert (state.valuation[:, f] == 0).all()


def test_a_rescue_pulls_a_firm_out_of_its_crunch(hefei, closed_market):
    s = Session.start(hefei, seed=5)
    f, p = hefei.firm_slot(BOE), hefei.player
    _operating(hefei, s.state, f, p, cash=-1.0, quality=0.8)
    s.end_turn()
    assert s.state.stage[0, f] == DISTRESSED
    need = float(A.rescue_need(s.state, f)[0])
    short = A.RescueFirm(firm=BOE, amount_bn=need * 0.5)
    assert any("needs" in r for r in s.check(short))
    if s.state.treasury[0, p] < need:
        s.act(A.IssueBonds(amount_bn=need))
    s.act(A.RescueFirm(firm=BOE, amount_bn=need))
    assert s.state.rescued[0, f]
    assert s.state.stake[0, f, p] > 0
    s.end_turn()
    assert s.state.stage[0, f] in (OPERATING, LISTED)


def test_a_rescue_from_afar_must_bring_the_firm_home(hefei, closed_market):
    s = Session.start(hefei, seed=5)
    f, p = hefei.firm_slot(BOE), hefei.player
    rival = next(c for c in range(hefei.n_cities) if c != p)
    _operating(hefei, s.state, f, rival, cash=-1.0)
    s.end_turn()
    need = float(A.rescue_need(s.state, f)[0]) + 0.5
    assert any("headquarters" in r for r in s.check(A.RescueFirm(firm=BOE, amount_bn=need)))
    if s.state.treasury[0, p] < need:
        s.act(A.IssueBonds(amount_bn=need))
    s.act(A.RescueFirm(firm=BOE, amount_bn=need, relocate=True))
    assert s.state.firm_city[0, f] == p


def _profitable_record(world, state, f):
    _operating(world, state, f, world.player, cash=20.0, quality=0.9)
    state.profit_streak[:, f] = firms.IPO_TRACK_RECORD + 1
    state.stake[:, f, world.player] = 0.5
    state.cost_basis[:, f, world.player] = 5.0


def test_an_ipo_waits_for_its_window(hefei):
    f = hefei.firm_slot(BOE)
    s_idx = hefei.firm_sector[f]
    state = new_state(hefei, 2, seed=3)
    begin_turn(hefei, state)
    _profitable_record(hefei, state, f)
    state.sentiment[0, s_idx] = 0.5  # world 0: a shut window
    state.sentiment[1, s_idx] = 1.6  # world 1: investors queueing
    state.price[:, s_idx] = 1.0
    listed = firms.ipos(hefei, state)
    assert not listed[0, f] and listed[1, f]
    assert state.stage[0, f] == OPERATING and state.stage[1, f] == LISTED
    assert state.lockup_left[1, f] == firms.LOCKUP_QUARTERS - 1
    # the IPO sold new shares: the city's stake was diluted by the raise
    assert state.stake[1, f, hefei.player] == pytest.approx(0.5 * (1 - firms.IPO_RAISE))


def test_a_listed_stake_cannot_be_sold_in_lockup_and_sells_after(hefei):
    s = Session.start(hefei, seed=3)
    f, p = hefei.firm_slot(BOE), hefei.player
    _profitable_record(hefei, s.state, f)
    s.state.stage[0, f] = LISTED
    s.state.listed[0, f] = True
    s.state.valuation[0, f] = 30.0
    s.state.lockup_left[0, f] = 2
    reasons = s.check(A.SellStake(firm=BOE, share=0.5))
    assert any("lock-up" in r for r in reasons)
    s.state.lockup_left[0, f] = 0
    before = s.state.treasury[0, p]
    s.act(A.SellStake(firm=BOE, share=0.5))
    proceeds = s.state.treasury[0, p] - before
    assert 0 < proceeds < 0.25 * 30.0  # a quarter of the firm, sold at a discount to the mark
    assert s.state.stake[0, f, p] == pytest.approx(0.25)
    assert s.state.realised[0, p] == pytest.approx(proceeds)
    assert s.state.valuation[0, f] < 30.0  # a big block moves the price


def test_a_private_sale_before_ipo_fetches_less_than_a_listed_one(hefei):
    state = new_state(hefei, 2, seed=3)
    f, p = hefei.firm_slot(BOE), hefei.player
    _profitable_record(hefei, state, f)
    state.valuation[:, f] = 30.0
    state.stage[1, f] = LISTED
    quotes = A.sale_quote(hefei, state, p, f, np.full(2, 0.2))
    assert quotes[0] < quotes[1]


def test_dense_chains_cut_unit_costs(hefei):
    state = new_state(hefei, 2, seed=3)
    f, p = hefei.firm_slot(BOE), hefei.player
    _operating(hefei, state, f, p)
    state.density[1, p, hefei.firm_sector[f]] = 0.9
    cost = firms.unit_cost(hefei, state)[:, f]
    assert cost[1] < cost[0]
    assert cost[1] == pytest.approx(cost[0] * (1 - economics.COST_CUT * 0.9))


def test_chain_density_grows_with_local_suppliers_and_a_failure_tears_it(hefei):
    state = new_state(hefei, 1, seed=3)
    begin_turn(hefei, state)
    p = hefei.player
    panel, glass = hefei.firm_slot(BOE), hefei.firm_slot("irico-glass")
    _operating(hefei, state, panel, p)
    _operating(hefei, state, glass, p)
    s_panel, s_glass = hefei.firm_sector[panel], hefei.firm_sector[glass]
    for _ in range(8):
        end_turn(hefei, state)
        begin_turn(hefei, state)
    assert state.density[0, p, s_panel] > 0.2
    glass_density = state.density[0, p, s_glass]
    failing = np.zeros_like(state.stage, dtype=bool)
    failing[0, panel] = True  # the panel fab leaves its glass supplier unpaid
    firms.fail(hefei, state, failing)
    assert state.density[0, p, s_glass] < glass_density


def test_many_rival_entrants_push_a_sector_price_down(hefei):
    """The herd: the same world with and without five rival plants in one sector."""
    slots = [f for f in range(hefei.n_firms) if hefei.spare[f] and hefei.sectors[hefei.firm_sector[f]].id == "ev-makers"]
    s_ev = hefei.sector_index["ev-makers"]
    prices = []
    for herd in (False, True):
        state = new_state(hefei, 1, seed=11)
        begin_turn(hefei, state)
        if herd:
            rivals = [c for c in range(hefei.n_cities) if c != hefei.player]
            for k, f in enumerate(slots):
                _operating(hefei, state, f, rivals[k % len(rivals)], cash=50.0)
                state.capacity_f[:, f] = 0.3 * state.demand[0, s_ev]
        end_turn(hefei, state)
        prices.append(state.price[0, s_ev])
    assert prices[1] < 0.7 * prices[0]


def test_weak_firms_fail_first_when_prices_collapse(hefei, closed_market):
    state = new_state(hefei, 1, seed=11)
    begin_turn(hefei, state)
    s_ev = hefei.sector_index["ev-makers"]
    slots = [f for f in range(hefei.n_firms) if hefei.spare[f] and hefei.firm_sector[f] == s_ev]
    strong, weak = slots[0], slots[1]
    _operating(hefei, state, strong, 1, cash=2.0, quality=0.9)
    _operating(hefei, state, weak, 2, cash=2.0, quality=0.05)
    state.other_capacity[:, s_ev] *= 2.5  # a glut
    for _ in range(12):
        end_turn(hefei, state)
        begin_turn(hefei, state)
    assert state.stage[0, weak] == FAILED
    assert state.stage[0, strong] != FAILED


def test_a_guidance_fund_draws_more_private_money_for_a_trusted_city(hefei):
    state = new_state(hefei, 2, seed=3)
    p = hefei.player
    s = hefei.sector_index["display-panels"]
    state.credibility[0, p] = 0.2
    state.credibility[1, p] = 0.9
    capital.commit_to_fund(hefei, state, p, s, np.full(2, 5.0))
    assert state.fund_cash[1, p, s] > state.fund_cash[0, p, s] > 5.0
    assert state.fund_city_share[1, p, s] < state.fund_city_share[0, p, s] < 1.0


def test_long_horizon_sectors_draw_less_private_money(hefei):
    state = new_state(hefei, 1, seed=3)
    lev = {sid: float(capital.fund_leverage(hefei, state, hefei.player, hefei.sector_index[sid])[0])
           for sid in ("memory-chips", "display-panels", "batteries")}
    assert lev["memory-chips"] < lev["display-panels"] < lev["batteries"]


def test_investing_from_a_fund_gives_the_city_its_share_of_the_stake(hefei):
    s = Session.start(hefei, seed=3)
    s.end_turn()  # the BOE prospect arrives on turn 1
    p, f = hefei.player, hefei.firm_slot(BOE)
    s.act(A.CreateFund(sector="display-panels", amount_bn=5.0))
    share = s.state.fund_city_share[0, p, hefei.sector_index["display-panels"]]
    treasury = s.state.treasury[0, p]
    s.act(A.InvestEquity(firm=BOE, amount_bn=9.0, from_fund=True))
    assert s.state.treasury[0, p] == treasury  # the fund paid, not the treasury
    assert s.state.stage[0, f] == BUILDING
    assert s.state.stake[0, f, p] == pytest.approx(s.state.offered_stake[0, f] * share)


def test_new_equity_dilutes_every_holder(hefei):
    state = new_state(hefei, 1, seed=3)
    f, p = hefei.firm_slot(BOE), hefei.player
    rival = (p + 1) % hefei.n_cities
    _operating(hefei, state, f, p)
    state.stake[0, f, p], state.stake[0, f, rival] = 0.3, 0.2
    state.valuation[0, f] = 20.0
    A.invest(hefei, state, p, f, np.array([5.0]))
    assert state.stake[0, f, rival] == pytest.approx(0.2 * 20 / 25)
    assert state.stake[0, f, p] == pytest.approx(0.3 * 20 / 25 + 5 / 25)
    assert state.stake[0, f].sum() <= 1.0


def test_debt_tries_the_provinces_patience_until_crisis(hefei):
    state = new_state(hefei, 2, seed=3)
    begin_turn(hefei, state)
    p = hefei.player
    yearly = state.revenue_hist[:, p].sum(axis=1)
    state.debt[1, p] = 0.98 * hefei.scenario.debt_limit_ratio * yearly[1]  # world 1 borrowed to the cap
    for _ in range(12):
        end_turn(hefei, state)
        begin_turn(hefei, state)
    assert state.patience[0, p] == pytest.approx(1.0)
    assert state.crisis[1, p] and state.over[1] and not state.over[0]


def test_an_unbacked_prospect_may_go_to_a_rival_and_add_its_capacity_there(hefei):
    moved = 0
    for seed in range(12):
        state = new_state(hefei, 1, seed=seed)
        begin_turn(hefei, state)
        f = hefei.firm_slot(BOE)
        for _ in range(6):
            end_turn(hefei, state)
            begin_turn(hefei, state)
        assert state.stage[0, f] not in (PROSPECT, NOT_YET)
        if state.stage[0, f] != WITHDRAWN:
            moved += 1
            assert state.firm_city[0, f] != hefei.player
            assert state.stake[0, f, state.firm_city[0, f]] > 0
    assert moved > 0


def test_new_projects_lean_to_cities_with_dense_chains(hefei):
    from game.engine.prospects import attraction

    state = new_state(hefei, 1, seed=3)
    s = hefei.sector_index["ev-makers"]
    state.density[0, hefei.player, s] = 0.9
    pull = attraction(hefei, state)[0, :, s]
    assert pull.argmax() == hefei.player


def test_explanations_add_up_to_the_change(hefei):
    from game.bots import BOTS

    s = Session.start(hefei, seed=4)
    for _ in range(12):
        BOTS["historical"](hefei, s.state)
        s.end_turn()
    prev, now = s.history[-2], s.history[-1]
    assert sum(v for _, v in s.explain("gdp")) == pytest.approx(now.gdp - prev.gdp)
    assert sum(v for _, v in s.explain("jobs")) == pytest.approx(now.jobs - prev.jobs)
    opened = s.history[-2].treasury
    assert sum(v for _, v in s.explain("treasury")) == pytest.approx(now.treasury - opened)
    rows = {r["id"]: r for r in s.sectors()}
    assert rows["display-panels"]["capacity"] >= rows["display-panels"]["rest_of_country"]
