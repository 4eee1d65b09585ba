"""Actions: every refusal names its reason and numbers; refusals, previews and undo
leave the state exactly as it was."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_engine_ledger import action_strategy

from game.engine import actions as A
from game.engine.session import Refused, Session
from game.engine.world import BUILDING, NOT_YET, PROSPECT, WITHDRAWN


def bn(x: float) -> str:
    return f"¥{x:,.1f} bn"


def only_reason(s: Session, action) -> str:
    reasons = s.check(action)
    assert len(reasons) == 1, reasons
    return reasons[0]


# ----- selling land ------------------------------------------------------------------


def test_selling_more_land_than_the_bank_names_both_numbers(hefei):
    s = Session.start(hefei)
    bank = s.state.land_bank[0, s.player]
    msg = only_reason(s, A.SellLand(hectares=bank + 1234))
    assert f"{bank:,.0f} ha" in msg
    assert f"{bank + 1234:,.0f} ha" in msg
    assert s.check(A.SellLand(hectares=bank)) == []


# ----- bonds ---------------------------------------------------------------------------


def test_bonds_over_the_provinces_cap_are_refused_at_the_edge(hefei):
    s = Session.start(hefei)
    p = s.player
    cap = hefei.scenario.debt_limit_ratio * s.state.revenue_hist[0, p].sum()
    room = cap - s.state.debt[0, p]
    assert room > 1
    msg = only_reason(s, A.IssueBonds(amount_bn=room + 0.5))
    assert bn(room) in msg and bn(cap) in msg
    assert f"{hefei.scenario.debt_limit_ratio:.1f}x" in msg
    assert s.check(A.IssueBonds(amount_bn=room - 0.5)) == []
    s.act(A.IssueBonds(amount_bn=room - 0.5))
    # the room is used up now
    assert s.check(A.IssueBonds(amount_bn=1.0)) != []


def test_repaying_more_than_the_debt(tutorial):
    s = Session.start(tutorial)
    debt = s.state.debt[0, s.player]
    assert debt < s.state.treasury[0, s.player]
    msg = only_reason(s, A.RepayBonds(amount_bn=debt + 1))
    assert bn(debt) in msg and bn(debt + 1) in msg
    assert s.check(A.RepayBonds(amount_bn=debt)) == []


def test_repaying_more_than_the_treasury(hefei):
    s = Session.start(hefei)
    p = s.player
    treasury, debt = s.state.treasury[0, p], s.state.debt[0, p]
    assert treasury < debt
    amount = (treasury + debt) / 2
    msg = only_reason(s, A.RepayBonds(amount_bn=amount))
    assert bn(treasury) in msg and bn(amount) in msg


# ----- equity --------------------------------------------------------------------------


def test_investing_in_an_unknown_firm(hefei):
    s = Session.start(hefei)
    msg = only_reason(s, A.InvestEquity(firm="acme-widgets", amount_bn=1.0))
    assert "acme-widgets" in msg


def test_investing_in_a_firm_of_another_city(custom_world):
    world = custom_world("hefei-2008", firms={"chongqing-gen85": {"arrives_turn": 0}})
    s = Session.start(world)
    f = world.firm_index["chongqing-gen85"]
    assert s.state.stage[0, f] == PROSPECT
    msg = only_reason(s, A.InvestEquity(firm="chongqing-gen85", amount_bn=world.firm_ask[f]))
    assert "Chongqing" in msg and "not your city" in msg


def test_investing_in_a_firm_that_has_not_arrived(hefei):
    s = Session.start(hefei)
    f = hefei.firm_index["nio-china"]
    assert s.state.stage[0, f] == NOT_YET
    msg = only_reason(s, A.InvestEquity(firm="nio-china", amount_bn=7.0))
    # the refusal must not give away a firm the player cannot see yet
    assert "no firm 'nio-china' in play" in msg and "NIO China" not in msg


def test_investing_in_a_withdrawn_or_departed_prospect(tutorial):
    """Aurora arrives on turn 1 and waits 4 quarters; then it cannot be backed here."""
    seen = set()
    for seed in range(12):
        s = Session.start(tutorial, seed=seed)
        f = tutorial.firm_index["aurora-panels"]
        for _ in range(5):
            s.act(A.SellLand(hectares=100))  # keep the treasury able to pay the ask
            s.end_turn()
        stage, city = int(s.state.stage[0, f]), int(s.state.firm_city[0, f])
        assert stage != PROSPECT or city != s.player
        ask = tutorial.firm_ask[f]
        msg = only_reason(s, A.InvestEquity(firm="aurora-panels", amount_bn=ask))
        if stage == WITHDRAWN:
            seen.add("withdrawn")
            assert "withdrawn" in msg and "cannot take investment" in msg
        else:
            seen.add("moved")
            assert tutorial.cities[city].name in msg and "not your city" in msg
    assert seen == {"withdrawn", "moved"}


def test_offering_less_than_half_the_ask(hefei):
    s = Session.start(hefei)
    s.end_turn()
    f = hefei.firm_index["boe-hefei-gen6"]
    ask = hefei.firm_ask[f]
    msg = only_reason(s, A.InvestEquity(firm="boe-hefei-gen6", amount_bn=0.5 * ask - 0.1))
    assert bn(ask) in msg and bn(0.5 * ask) in msg and bn(0.5 * ask - 0.1) in msg
    assert s.check(A.InvestEquity(firm="boe-hefei-gen6", amount_bn=0.5 * ask)) == []


def test_offering_more_than_one_and_a_half_times_the_ask(tutorial):
    s = Session.start(tutorial)
    s.end_turn()
    f = tutorial.firm_index["aurora-panels"]
    ask = tutorial.firm_ask[f]
    assert 1.6 * ask < s.state.treasury[0, s.player]
    msg = only_reason(s, A.InvestEquity(firm="aurora-panels", amount_bn=1.6 * ask))
    assert bn(1.5 * ask) in msg


def test_investing_more_than_the_treasury(hefei):
    s = Session.start(hefei)
    s.end_turn()
    treasury = s.state.treasury[0, s.player]
    ask = hefei.firm_ask[hefei.firm_index["boe-hefei-gen6"]]
    amount = treasury + 1.0
    assert 0.5 * ask <= amount <= 1.5 * ask  # only the treasury is short
    msg = only_reason(s, A.InvestEquity(firm="boe-hefei-gen6", amount_bn=amount))
    assert bn(treasury) in msg and bn(amount) in msg


# ----- attention and infrastructure ---------------------------------------------------


def test_no_attention_left_after_three_actions(hefei):
    s = Session.start(hefei)
    assert hefei.scenario.attention_per_turn == 3
    for _ in range(3):
        s.act(A.SellLand(hectares=10))
    msg = only_reason(s, A.SellLand(hectares=10))
    assert "no attention left" in msg and "0 of 3" in msg
    assert s.check(A.Pass()) == []
    with pytest.raises(Refused):
        s.act(A.IssueBonds(amount_bn=1.0))
    s.end_turn()
    assert s.state.attention[0, s.player] == 3
    assert s.check(A.SellLand(hectares=10)) == []


def test_infrastructure_the_treasury_cannot_pay(tutorial):
    s = Session.start(tutorial)
    s.end_turn()
    ask = tutorial.firm_ask[tutorial.firm_index["aurora-panels"]]
    s.act(A.InvestEquity(firm="aurora-panels", amount_bn=1.5 * ask))
    treasury = s.state.treasury[0, s.player]
    cost = A.infrastructure_cost(s.state, s.player, "transit")[0]
    assert cost > treasury
    msg = only_reason(s, A.BuildInfrastructure(project="transit"))
    assert bn(cost) in msg and bn(treasury) in msg
    cheap = A.infrastructure_cost(s.state, s.player, "talent-programme")[0]
    assert cheap < treasury
    assert s.check(A.BuildInfrastructure(project="talent-programme")) == []


def test_all_reasons_are_listed_together(hefei):
    s = Session.start(hefei)
    for _ in range(3):
        s.act(A.SellLand(hectares=10))
    reasons = s.check(A.SellLand(hectares=1e5))
    assert len(reasons) == 2


def test_nothing_is_allowed_once_the_game_is_over(tutorial):
    s = Session.start(tutorial)
    while not s.over:
        s.end_turn()
    assert s.check(A.Pass()) == ["the game is over"] or s.turn >= tutorial.turns
    assert s.end_turn() == []


# ----- refusals, previews and undo change nothing --------------------------------------

REFUSED = [
    A.SellLand(hectares=99_999),
    A.IssueBonds(amount_bn=9_999),
    A.RepayBonds(amount_bn=999),
    A.InvestEquity(firm="acme-widgets", amount_bn=1.0),
    A.InvestEquity(firm="nio-china", amount_bn=7.0),
    A.InvestEquity(firm="boe-hefei-gen6", amount_bn=1.0),
    A.BuildInfrastructure(project="transit"),
]


@pytest.mark.parametrize("action", REFUSED, ids=lambda a: a.kind)
def test_a_refused_action_raises_and_changes_nothing(hefei, action):
    s = Session.start(hefei)
    s.end_turn()
    if isinstance(action, A.BuildInfrastructure):  # empty the treasury so transit is too dear
        s.act(A.InvestEquity(firm="boe-hefei-gen6", amount_bn=s.state.treasury[0, s.player] - 0.1))
    before, log, news = s.hash(), [list(t) for t in s.log], list(s.news)
    reasons = s.check(action)
    assert reasons
    with pytest.raises(Refused) as info:
        s.act(action)
    assert info.value.reasons == reasons
    assert s.hash() == before
    assert s.log == log and s.news == news


def test_preview_changes_nothing_and_predicts_the_act(hefei):
    s = Session.start(hefei)
    s.end_turn()
    for action in (A.SellLand(hectares=200), A.IssueBonds(amount_bn=3.0),
                   A.InvestEquity(firm="boe-hefei-gen6", amount_bn=9.0),
                   A.BuildInfrastructure(project="industrial-park")):
        before = s.hash()
        shown = s.preview(action)
        assert s.hash() == before
        s.act(action)
        for key, (old, new) in shown.items():
            assert old != new or key in ("debt", "land_bank", "land_price", "stake", "treasury",
                                         "infrastructure"), key
            assert np.isclose(new, s._preview_numbers(s.state, action)[key]), key
        assert shown["attention"] == (3.0 - len(s.actions_this_turn) + 1, 2.0 - len(s.actions_this_turn) + 1)
        s.undo()
        assert s.hash() == before


def test_preview_of_a_refused_action_raises(hefei):
    s = Session.start(hefei)
    before = s.hash()
    with pytest.raises(Refused):
        s.preview(A.SellLand(hectares=1e5))
    assert s.hash() == before


def test_undo_restores_the_exact_state_before_each_action(hefei):
    s = Session.start(hefei)
    s.end_turn()
    hashes = [s.hash()]
    for action in (A.SellLand(hectares=150), A.InvestEquity(firm="boe-hefei-gen6", amount_bn=9.0),
                   A.IssueBonds(amount_bn=2.0)):
        s.act(action)
        hashes.append(s.hash())
    assert len(set(hashes)) == 4
    for expected in reversed(hashes[:-1]):
        assert s.undo() is True
        assert s.hash() == expected
    assert s.undo() is False
    assert s.hash() == hashes[0]
    assert s.actions_this_turn == []


def test_undo_does_not_reach_into_a_closed_turn(hefei):
    s = Session.start(hefei)
    s.act(A.SellLand(hectares=100))
    s.end_turn()
    after = s.hash()
    assert s.undo() is False
    assert s.hash() == after


@given(data=st.data())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_undo_then_redo_reproduces_the_state(hefei, data):
    s = Session.start(hefei, seed=data.draw(st.integers(0, 1000)))
    for _ in range(data.draw(st.integers(0, 12))):
        s.act(A.SellLand(hectares=100)) if not s.check(A.SellLand(hectares=100)) else None
        s.end_turn()
    actions = data.draw(st.lists(action_strategy(hefei), min_size=1, max_size=6))
    hashes = [s.hash()]
    taken = []
    for a in actions:
        if not s.check(a):
            s.act(a)
            taken.append(a)
            hashes.append(s.hash())
    if not taken:
        return
    assert s.undo()
    assert s.hash() == hashes[-2]
    s.act(taken[-1])
    assert s.hash() == hashes[-1]
    for expected in reversed(hashes[:-1]):
        assert s.undo()
        assert s.hash() == expected
    assert not s.undo()


def test_accepted_actions_change_the_state(hefei):
    s = Session.start(hefei)
    s.end_turn()
    f = hefei.firm_index["boe-hefei-gen6"]
    before = s.hash()
    s.act(A.InvestEquity(firm="boe-hefei-gen6", amount_bn=9.0))
    assert s.hash() != before
    assert s.state.stage[0, f] == BUILDING
    assert np.isclose(s.state.stake[0, f, s.player], hefei.firm_offered_stake[f])
    assert s.state.attention[0, s.player] == 2
    assert s.actions_this_turn == [A.InvestEquity(firm="boe-hefei-gen6", amount_bn=9.0).log_entry()]


# ----- the rest of the vocabulary ---------------------------------------------------------


def test_unknown_sectors_are_refused(hefei):
    s = Session.start(hefei)
    for action in (A.CreateFund(sector="space-elevators", amount_bn=1.0),
                   A.RecruitSuppliers(sector="space-elevators"),
                   A.OfferTaxIncentive(sector="space-elevators")):
        msg = only_reason(s, action)
        assert "space-elevators" in msg


def test_rescue_needs_a_firm_in_a_cash_crunch(hefei):
    s = Session.start(hefei)
    s.end_turn()
    msg = only_reason(s, A.RescueFirm(firm="boe-hefei-gen6", amount_bn=1.0))
    assert "not in a cash crunch" in msg


def test_selling_a_stake_the_city_does_not_hold(hefei):
    s = Session.start(hefei)
    s.end_turn()
    reasons = s.check(A.SellStake(firm="boe-hefei-gen6", share=0.5))
    assert any("no stake" in r for r in reasons)


def test_investing_from_an_empty_fund(hefei):
    s = Session.start(hefei)
    s.end_turn()
    msg = only_reason(s, A.InvestEquity(firm="boe-hefei-gen6", amount_bn=9.0, from_fund=True))
    assert "fund holds ¥0.0 bn" in msg


def test_a_tax_incentive_cannot_be_stacked(hefei):
    s = Session.start(hefei)
    sector = hefei.sectors[0].id
    s.act(A.OfferTaxIncentive(sector=sector))
    msg = only_reason(s, A.OfferTaxIncentive(sector=sector))
    assert "already have incentives" in msg
