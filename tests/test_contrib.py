"""Who built each sector's capacity (game.engine.contrib): the parts add up."""

from __future__ import annotations

import numpy as np
import pytest

from game.engine.actions import InvestEquity
from game.engine.contrib import effective_capacity, opening_state, sector_parts
from game.engine.session import Session


def invest_in_every_prospect(s: Session) -> None:
    """Each person backs every prospect in their city they can afford (half the ask at least)."""
    for city in s.humans:
        for row in s.firms(city):
            if row["mine"] and row["stage"] == "prospect" and "invest_equity" in row["can"]:
                amount = round(min(row["ask"], s.headline(city)["treasury"] - 0.5), 2)
                if amount <= 0:
                    continue
                action = InvestEquity(firm=row["id"], amount_bn=amount, city=city)
                if not s.check(action):
                    s.act(action)


@pytest.fixture(scope="module")
def played(hefei):
    wuhan = hefei.city_index["wuhan"]
    s = Session.start(hefei, seed=3, humans=[hefei.player, wuhan])
    for _ in range(28):
        invest_in_every_prospect(s)
        s.end_turn()
    return s


def test_the_opening_is_the_games_turn_zero(hefei):
    s = Session.start(hefei, seed=5, humans=[hefei.player, hefei.city_index["nanjing"]])
    start = opening_state(hefei, s.state)
    assert np.array_equal(start.human, s.state.human)
    assert np.allclose(effective_capacity(start), effective_capacity(s.state))
    assert np.allclose(start.other_capacity, s.state.other_capacity)
    parts = sector_parts(hefei, s.state, s.log)
    assert all(p.added_bn == pytest.approx(0.0, abs=1e-9) for p in parts)


def test_the_parts_add_up_to_each_sectors_added_capacity(hefei, played):
    s = played
    parts = sector_parts(hefei, s.state, s.log)
    assert [p.sector for p in parts] == [sec.id for sec in hefei.sectors]
    start = opening_state(hefei, s.state)
    eff0, eff1 = effective_capacity(start)[0], effective_capacity(s.state)[0]
    built_somewhere = False
    for i, part in enumerate(parts):
        in_s = hefei.firm_sector == i
        national = float(s.state.other_capacity[0, i] + eff1[in_s].sum())
        national0 = float(start.other_capacity[0, i] + eff0[in_s].sum())
        assert part.capacity_bn == pytest.approx(national)
        assert part.added_bn == pytest.approx(national - national0)
        assert sum(c.added_bn for c in part.cities) + part.rest_added_bn == pytest.approx(part.added_bn)
        # the market's own figure, one quarter's building behind at most
        assert part.capacity_bn == pytest.approx(float(s.state.capacity[0, i]), rel=0.1)
        if part.share(part.cities_added_bn) is not None:
            built_somewhere = True
            assert sum(part.share(c.added_bn) for c in part.cities) == pytest.approx(1.0)
        assert part.overcapacity == pytest.approx(part.capacity_bn / part.demand_bn - 1)
    assert built_somewhere


def test_money_is_each_persons_own_from_the_log(hefei, played):
    s = played
    parts = sector_parts(hefei, s.state, s.log)
    put_in = {c: 0.0 for c in s.humans}
    for turn in s.log:
        for a in turn:
            if a["kind"] == "invest_equity":
                put_in[a.get("city", s.player)] += a["amount_bn"]
    assert sum(put_in.values()) > 0
    for c in s.humans:
        assert sum(p.cities[c].invested_bn for p in parts) == pytest.approx(put_in[c])
    computer = [c for c in range(hefei.n_cities) if c not in s.humans]
    assert all(p.cities[c].invested_bn is None and not p.cities[c].human for p in parts for c in computer)
