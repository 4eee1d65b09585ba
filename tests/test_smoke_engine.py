"""A first guard: determinism and the ledger over a short game."""

import numpy as np

from game.engine import actions as A
from game.engine.session import Session


def play(world, seed, moves):
    s = Session.start(world, seed=seed)
    for turn_moves in moves:
        for m in turn_moves:
            if not s.check(m):
                s.act(m)
        s.end_turn()
    return s


def test_same_seed_same_actions_same_hash(hefei):
    moves = [[A.SellLand(hectares=100)], [A.InvestEquity(firm="boe-hefei-gen6", amount_bn=9.0)], []] * 3
    assert play(hefei, 1, moves).hash() == play(hefei, 1, moves).hash()
    assert play(hefei, 1, moves).hash() != play(hefei, 2, moves).hash()


def test_treasury_change_equals_ledger(hefei):
    s = Session.start(hefei)
    s.act(A.SellLand(hectares=80))
    opened = s.state.treasury_open[0, s.player]
    s.end_turn()
    closed = s.history[-1]
    assert np.isclose(closed.treasury - opened, sum(closed.ledger.values()))
