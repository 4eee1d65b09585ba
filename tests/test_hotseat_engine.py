"""Hot-seat support in the engine: several cities played by people in one market."""

from __future__ import annotations

import numpy as np
import pytest

from game.engine import actions as A
from game.engine.session import Session


@pytest.fixture
def duo(hefei):
    wuhan = hefei.city_index["wuhan"]
    return Session.start(hefei, seed=3, humans=[wuhan]), wuhan


def test_people_play_their_cities_and_the_computer_the_rest(hefei, duo):
    s, wuhan = duo
    assert s.humans == [hefei.player, wuhan]
    bank = s.state.land_bank[0].copy()
    for _ in range(3):
        s.end_turn()
    # a herd-chaser run by the computer would have sold land every quarter; Wuhan's people did not
    assert s.state.land_bank[0, wuhan] == bank[wuhan]
    nanjing = hefei.city_index["nanjing"]
    assert s.state.land_bank[0, nanjing] < bank[nanjing]


def test_each_player_acts_for_their_own_city(hefei, duo):
    s, wuhan = duo
    before = s.state.treasury[0].copy()
    s.act(A.IssueBonds(amount_bn=2.0, city=wuhan))
    assert s.state.treasury[0, wuhan] == pytest.approx(before[wuhan] + 2.0)
    assert s.state.treasury[0, hefei.player] == before[hefei.player]
    assert s.state.attention[0, wuhan] == hefei.scenario.attention_per_turn - 1
    assert s.actions_this_turn == [{"kind": "issue_bonds", "amount_bn": 2.0, "city": wuhan}]
    nanjing = hefei.city_index["nanjing"]
    assert any("computer" in r for r in s.check(A.IssueBonds(amount_bn=1.0, city=nanjing)))


def test_undo_takes_back_only_that_players_last_action(hefei, duo):
    s, wuhan = duo
    s.act(A.SellLand(hectares=50))
    s.act(A.IssueBonds(amount_bn=2.0, city=wuhan))
    s.act(A.SellLand(hectares=60, city=wuhan))
    assert s.undo(city=wuhan)
    assert [e.get("city") for e in s.actions_this_turn] == [None, wuhan]
    assert s.state.land_bank[0, wuhan] == hefei.cities[wuhan].land_bank_ha
    assert s.state.land_bank[0, hefei.player] == hefei.cities[hefei.player].land_bank_ha - 50


def test_news_is_shown_to_the_city_it_concerns(hefei, duo):
    s, wuhan = duo
    s.act(A.IssueBonds(amount_bn=2.0, city=wuhan))
    s.end_turn()
    mine = s.news_for(None)
    theirs = s.news_for(wuhan)
    assert not any(n.city == wuhan for n in mine)
    assert any(n.city == wuhan and n.kind == "fiscal" for n in theirs)
    assert len(s.others_history[wuhan]) == 2


def test_a_player_in_crisis_is_out_but_the_game_goes_on(hefei, duo):
    s, wuhan = duo
    s.state.crisis[0, wuhan] = True
    assert any("fiscal crisis" in r for r in s.check(A.SellLand(hectares=10, city=wuhan)))
    s.end_turn()
    assert not s.over
    s.state.crisis[0, hefei.player] = True
    s.end_turn()
    assert s.over


def test_single_player_is_unchanged_by_the_human_mask(hefei):
    a = Session.start(hefei, seed=8)
    b = Session.start(hefei, seed=8, humans=[hefei.player])
    for _ in range(4):
        a.end_turn()
        b.end_turn()
    assert a.hash() == b.hash()
    assert np.array_equal(a.state.human[0], np.arange(hefei.n_cities) == hefei.player)
