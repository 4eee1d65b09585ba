"""Determinism: seeds and actions fix the game bit for bit, alone or inside a batch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.engine import actions as A
from game.engine.session import Session
from game.engine.state import new_state, state_hash
from game.engine.tick import begin_turn, end_turn
from game.sim import BOTS, play_batch

MOVES = [
    [A.SellLand(hectares=120), A.IssueBonds(amount_bn=4.0)],
    [A.InvestEquity(firm="boe-hefei-gen6", amount_bn=9.0)],
    [A.BuildInfrastructure(project="talent-programme"), A.RepayBonds(amount_bn=1.0)],
    [],
    [A.SellLand(hectares=300)],
] * 3


def play(world, seed, moves):
    s = Session.start(world, seed=seed)
    for turn_moves in moves:
        for m in turn_moves:
            if not s.check(m):
                s.act(m)
        s.end_turn()
    return s


def test_same_seed_and_actions_give_the_same_hash(hefei):
    a, b = play(hefei, 11, MOVES), play(hefei, 11, MOVES)
    assert a.hash() == b.hash()
    assert a.log == b.log
    # the moves were really taken, so the hash covers a game with actions in it
    assert sum(len(t) for t in a.log) > len(MOVES)


@given(seed=st.integers(0, 2**31 - 1))
@settings(max_examples=10, deadline=None)
def test_different_seeds_give_different_states(hefei, seed):
    a, b = play(hefei, seed, MOVES[:4]), play(hefei, seed + 1, MOVES[:4])
    assert a.hash() != b.hash()
    # not only the seed in the header differs: the economies themselves do
    assert not np.array_equal(a.state.gdp, b.state.gdp)


def test_different_actions_give_different_hash(tutorial):
    a = play(tutorial, 3, [[A.SellLand(hectares=100)]])
    b = play(tutorial, 3, [[A.SellLand(hectares=101)]])
    assert a.hash() != b.hash()


def _run(world, state, bot, turns):
    begin_turn(world, state)
    for t in range(turns):
        bot(world, state)
        end_turn(world, state)
        if t + 1 < turns:
            begin_turn(world, state)
    return state


@pytest.mark.parametrize("bot", list(BOTS.values()), ids=list(BOTS))
@pytest.mark.parametrize("scenario", ["tutorial", "hefei"])
def test_world_alone_equals_same_world_in_a_batch(request, scenario, bot):
    world = request.getfixturevalue(scenario)
    turns = world.turns
    batch = _run(world, new_state(world, 6, seed=99), bot, turns)
    for k in (0, 5):
        alone = _run(world, new_state(world, 1, seed=99, first_world=k), bot, turns)
        assert state_hash(alone) == state_hash(batch.take([k]))
        assert state_hash(alone, 0) == state_hash(batch, k)
    # the worlds of the batch did not all play the same game
    assert len({state_hash(batch, k) for k in range(6)}) == 6


def test_play_batch_world_zero_equals_a_session(tutorial):
    s = Session.start(tutorial, seed=5)
    while not s.over:
        s.end_turn()
    batch, _ = play_batch(tutorial, 4, turns=s.turn, seed=5)
    assert batch.turn == s.turn
    assert state_hash(batch, 0) == state_hash(s.state, 0)
    assert state_hash(batch.take([0])) == s.hash()


def test_batch_world_replays_a_session_with_actions(hefei):
    """The same actions applied to world 2 of a batch and to a lone world 2 agree."""
    moves = MOVES[:6]
    lone = new_state(hefei, 1, seed=4, first_world=2)
    batch = new_state(hefei, 4, seed=4)
    p = hefei.player
    for state in (lone, batch):
        begin_turn(hefei, state)
    for turn_moves in moves:
        for m in turn_moves:
            ok_lone = not A.check(hefei, lone, p, m, 0)
            assert ok_lone == (not A.check(hefei, batch, p, m, 2))
            if ok_lone:
                A.apply(hefei, lone, p, m)
                A.apply(hefei, batch, p, m, mask=np.arange(4) == 2)
        for state in (lone, batch):
            end_turn(hefei, state)
            begin_turn(hefei, state)
    assert state_hash(lone, 0) == state_hash(batch, 2)


def test_copy_is_independent(hefei):
    s = Session.start(hefei, seed=1)
    s.act(A.SellLand(hectares=50))
    original = s.state
    before = state_hash(original)
    dup = original.copy()
    assert state_hash(dup) == before
    for name, arr in dup.arrays().items():
        assert not np.shares_memory(arr, original.arrays()[name]), name
    dup.treasury += 1.0
    dup.stake[:] = 0.5
    dup.turn += 1
    end_turn(hefei, dup)
    assert state_hash(original) == before
    assert state_hash(dup) != before


def test_take_is_independent(hefei):
    batch = new_state(hefei, 3)
    before = state_hash(batch)
    part = batch.take([1])
    part.treasury[:] = -5.0
    part.noise.normal[:] = 0.0
    assert state_hash(batch) == before
    assert batch.noise.normal[1].std() > 0


# ----- the group sums under the tick ---------------------------------------------------------


@given(data=st.data())
@settings(max_examples=40, deadline=None)
def test_group_sums_of_a_world_alone_equal_its_row_in_a_batch(data):
    """game.engine.arrays promises bit-identical sums for a world alone or in a batch."""
    from game.engine import arrays

    n_worlds = data.draw(st.integers(2, 8))
    n_firms = data.draw(st.integers(1, 40))
    n_groups = data.draw(st.integers(1, 6))
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    values = rng.random((n_worlds, n_firms)) * 10.0 ** rng.integers(-3, 4, (n_worlds, n_firms))
    firm_city = rng.integers(0, n_groups, (n_worlds, n_firms))
    firm_sector = rng.integers(0, n_groups, n_firms)
    links = (rng.random((n_firms, n_firms)) < 0.5).astype(float)
    batch_city = arrays.by_city(firm_city, values, n_groups)
    batch_sector = arrays.by_sector(firm_sector, values, n_groups)
    batch_links = arrays.over_links(values, links)
    for k in range(n_worlds):
        one = slice(k, k + 1)
        assert np.array_equal(arrays.by_city(firm_city[one], values[one], n_groups)[0], batch_city[k])
        assert np.array_equal(arrays.by_sector(firm_sector, values[one], n_groups)[0], batch_sector[k])
        assert np.array_equal(arrays.over_links(values[one], links)[0], batch_links[k])
