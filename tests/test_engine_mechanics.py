"""Mechanics that could break: prospects, building and production, the land market, bonds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.engine import actions as A
from game.engine.ledger import K
from game.engine.session import Session
from game.engine.tick import bond_rate
from game.engine.world import BUILDING, NOT_YET, PROSPECT, PROSPECT_PATIENCE_Q, RAMPING, WITHDRAWN

# ----- prospects -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5])
def test_an_unbacked_prospect_leaves_after_four_quarters(tutorial, seed):
    s = Session.start(tutorial, seed=seed)
    f = tutorial.firm_index["aurora-panels"]
    arrives = tutorial.firms[f].arrives_turn
    assert s.state.stage[0, f] == NOT_YET
    while s.turn < arrives:
        s.act(A.SellLand(hectares=60))  # stay solvent; the game must not end first
        s.end_turn()
    assert s.state.stage[0, f] == PROSPECT
    assert s.state.firm_city[0, f] == s.player
    for _ in range(PROSPECT_PATIENCE_Q - 1):
        s.act(A.SellLand(hectares=60))
        s.end_turn()
        assert s.state.stage[0, f] == PROSPECT, "left before its patience ran out"
        assert s.state.firm_city[0, f] == s.player
    s.act(A.SellLand(hectares=60))
    s.end_turn()
    assert not s.over
    gone = s.state.stage[0, f] == WITHDRAWN or s.state.firm_city[0, f] != s.player
    assert gone
    assert any("gave up waiting" in n.text and "Aurora" in n.text for n in s.news)
    row = next(r for r in s.firms() if r["id"] == "aurora-panels")
    assert not (row["mine"] and row["stage"] == "prospect")


def test_a_backed_prospect_builds_then_produces(hefei):
    s = Session.start(hefei)
    s.end_turn()
    f = hefei.firm_index["boe-hefei-gen6"]
    quarters = int(hefei.sector_params["build_quarters"][hefei.firm_sector[f]])
    assert s.state.stage[0, f] == PROSPECT
    s.act(A.InvestEquity(firm="boe-hefei-gen6", amount_bn=9.0))
    assert s.state.stage[0, f] == BUILDING
    assert s.state.cash[0, f] > 0
    for q in range(quarters):
        assert s.state.stage[0, f] == BUILDING, f"quarter {q}"
        assert s.state.revenue_f[0, f] == 0.0
        s.end_turn()
    assert s.state.stage[0, f] == RAMPING
    assert s.state.yield_f[0, f] > 0
    s.end_turn()
    assert s.state.revenue_f[0, f] > 0
    assert s.state.jobs_f[0, f] > 0
    assert s.history[-1].ledger["taxes_firms"] > 0
    assert any("started production" in n.text for n in s.news)


def test_a_prospect_backed_at_its_ask_gives_the_offered_stake_and_private_money(hefei):
    s = Session.start(hefei)
    s.end_turn()
    f = hefei.firm_index["boe-hefei-gen6"]
    s.act(A.InvestEquity(firm="boe-hefei-gen6", amount_bn=9.0))
    assert np.isclose(s.state.stake[0, f, s.player], hefei.firm_offered_stake[f])
    assert s.state.invested[0, s.player] == pytest.approx(9.0)
    # private partners and banks put in money on top of the city's
    assert s.state.paid_in[0, f] > 9.0
    assert s.state.cash[0, f] > 9.0


# ----- the land market --------------------------------------------------------------------


def test_selling_land_lowers_the_land_price_now_and_next_quarter(hefei):
    sold, kept = Session.start(hefei, seed=3), Session.start(hefei, seed=3)
    p = sold.player
    price0 = sold.state.land_price[0, p]
    sold.act(A.SellLand(hectares=400))
    assert sold.state.land_price[0, p] < price0
    assert sold.state.land_bank[0, p] == kept.state.land_bank[0, p] - 400
    sold.end_turn()
    kept.end_turn()
    assert sold.state.land_price[0, p] < kept.state.land_price[0, p]


@given(small=st.floats(1.0, 2000.0), factor=st.floats(1.05, 3.0))
@settings(max_examples=30, deadline=None)
def test_revenue_per_hectare_falls_with_the_size_of_a_sale(hefei, small, factor):
    big = small * factor
    per_ha = []
    for ha in (small, big):
        s = Session.start(hefei)
        s.act(A.SellLand(hectares=ha))
        per_ha.append(s.state.ledger[0, s.player, K["land_sales"]] / ha)
    assert 0 < per_ha[1] < per_ha[0]
    assert per_ha[0] <= hefei.city_params["land_price_bn_per_ha"][hefei.player]


def test_two_half_sales_fetch_less_than_selling_later(hefei):
    """A second lot in the same quarter sells into a sagging price."""
    s = Session.start(hefei)
    p = s.player
    s.act(A.SellLand(hectares=300))
    first = s.state.ledger[0, p, K["land_sales"]]
    s.act(A.SellLand(hectares=300))
    second = s.state.ledger[0, p, K["land_sales"]] - first
    assert second < first


# ----- bonds -------------------------------------------------------------------------------


def test_bond_interest_is_booked_every_quarter(hefei):
    s = Session.start(hefei)
    p = s.player
    s.act(A.IssueBonds(amount_bn=10.0))
    for _ in range(6):
        debt = s.state.debt[0, p]
        expected = -debt * bond_rate(hefei, s.state)[0, p] / 4
        s.end_turn()
        assert s.history[-1].ledger["interest"] == pytest.approx(expected, rel=1e-12)
        assert expected < 0


def test_more_debt_costs_more_interest(hefei):
    plain, indebted = Session.start(hefei, seed=9), Session.start(hefei, seed=9)
    indebted.act(A.IssueBonds(amount_bn=20.0))
    plain.end_turn()
    indebted.end_turn()
    extra = plain.history[-1].ledger["interest"] - indebted.history[-1].ledger["interest"]
    assert extra >= 20.0 * hefei.scenario.bond_rate / 4 - 1e-12
    assert indebted.history[-1].ledger["bond_proceeds"] == pytest.approx(20.0)


def test_repaid_debt_stops_costing_interest(tutorial):
    s = Session.start(tutorial)
    p = s.player
    debt = s.state.debt[0, p]
    assert debt > 0
    s.act(A.RepayBonds(amount_bn=debt))
    assert s.state.debt[0, p] == 0
    assert s.state.ledger[0, p, K["bond_repayment"]] == pytest.approx(-debt)
    s.end_turn()
    assert s.history[-1].ledger["interest"] == 0.0


def test_infrastructure_raises_the_index_and_costs_the_quoted_price(hefei):
    s = Session.start(hefei)
    p = s.player
    cost = A.infrastructure_cost(s.state, p, "industrial-park")[0]
    infra0, treasury0 = s.state.infrastructure[0, p], s.state.treasury[0, p]
    s.act(A.BuildInfrastructure(project="industrial-park"))
    assert s.state.infrastructure[0, p] == pytest.approx(infra0 + A.INFRASTRUCTURE["industrial-park"][1])
    assert s.state.treasury[0, p] == pytest.approx(treasury0 - cost)


# ----- granting land -------------------------------------------------------------------------


def test_granted_land_lowers_the_ask_but_never_past_seventy_percent(hefei):
    """actions.MIN_ASK_AFTER_GRANT: land covers at most 70% of a prospect's ask, however
    many grants it is given."""
    s = Session.start(hefei)
    s.end_turn()
    f = hefei.firm_slot("boe-hefei-gen6")
    ask0 = float(s.state.ask[0, f])
    bank0 = s.state.land_bank[0, s.player]
    s.act(A.GrantLand(firm="boe-hefei-gen6", hectares=100))
    assert s.state.ask[0, f] < ask0
    assert s.state.land_bank[0, s.player] == bank0 - 100
    assert s.state.ledger[0, s.player, K["land_sales"]] == 0.0  # granted, not sold
    for _ in range(2):
        s.act(A.GrantLand(firm="boe-hefei-gen6", hectares=1000))
    assert s.state.ask[0, f] >= A.MIN_ASK_AFTER_GRANT * ask0 - 1e-9


# ----- the end of a game -----------------------------------------------------------------------


@pytest.mark.parametrize("scenario", ["tutorial", "hefei"])
def test_the_end_report_of_a_whole_game(request, scenario):
    world = request.getfixturevalue(scenario)
    s = Session.start(world, seed=1)
    while not s.over:
        if not s.check(A.SellLand(hectares=80)):
            s.act(A.SellLand(hectares=80))
        s.end_turn()
    report = s.end_report()
    assert report["turns"] == s.turn
    assert s.turn == world.turns or report["crisis"]
    assert 0.0 <= report["score"] <= 100.0
    assert report["grade"] in {"A", "B", "C", "D", "E"}
    assert report["hash"] == s.hash()
    assert len(report["cities"]) == world.n_cities
    assert all(0.0 <= v <= 1.0 for v in report["components"].values())
    numbers = [v for v in report.values() if isinstance(v, float)]
    assert numbers and all(np.isfinite(numbers))
    assert report["gdp_start"] == s.history[0].gdp
    assert s.end_turn() == []  # a finished game does not tick
    assert s.turn == report["turns"]
