"""Soak: many random legal games over every base scenario, saved and reloaded midway.

Actions are drawn from the whole vocabulary by reading the action models themselves, so
a new verb joins the soak without editing this file; only those the engine's check
accepts are taken. After every action and every closed turn: no NaN or infinity, each
city's treasury change equals its ledger row, stakes within [0, 1] (and a firm's city
stakes sum to at most 1), no negative land bank. Each game is saved and reloaded at a
random turn and finishes from the loaded copy; its final save must replay exactly.
"""

from __future__ import annotations

import typing

import numpy as np
import pytest

import game.engine.session as session_mod
from game import saves
from game.engine import actions as A
from game.engine.build import build_world
from game.engine.session import Session

TURN_BUDGET = 600  # simulated turns per scenario: about 4 s each with the engine of late 2026
EPS = 1e-9


def action_models() -> tuple[type, ...]:
    union = typing.get_args(A.Action)[0]
    return typing.get_args(union)


def log_uniform(rng, lo: float, hi: float) -> float:
    return float(np.exp(rng.uniform(np.log(lo), np.log(max(hi, lo * 1.01)))))


def random_action(session: Session, rng: np.random.Generator):
    """One action of a random kind with random fields; may well be illegal."""
    w, st, p = session.world, session.state, session.player
    model = action_models()[rng.integers(len(action_models()))]
    treasury = max(float(st.treasury[0, p]), 0.0)
    rows = session.firms()
    mine = [r for r in rows if r["mine"] or r["stake"] > 0]
    pool = mine if mine and rng.random() < 0.7 else rows
    row = pool[rng.integers(len(pool))] if pool and rng.random() < 0.9 else None
    values = {}
    for name, info in model.model_fields.items():
        if name in ("kind", "attention", "city"):
            continue
        ann = info.annotation
        if typing.get_origin(ann) is typing.Literal:
            values[name] = typing.get_args(ann)[rng.integers(len(typing.get_args(ann)))]
        elif ann is bool:
            values[name] = bool(rng.random() < 0.5)
        elif ann is int:
            values[name] = int(rng.integers(0, 5))
        elif ann is float and name == "hectares":
            values[name] = log_uniform(rng, 1.0, 3000.0)
        elif ann is float and "share" in name:
            values[name] = float(rng.uniform(0.05, 1.0))
        elif ann is float and name == "amount_bn" and row is not None and rng.random() < 0.6:
            values[name] = max(row["ask"] * rng.uniform(0.4, 1.6), 0.01)
        elif ann is float:
            values[name] = log_uniform(rng, 0.05, 1.5 * treasury + 5.0)
        elif ann is str and name == "firm":
            ids = getattr(w, "firm_ids", None) or [f.id for f in w.firms]
            values[name] = row["id"] if row is not None else ids[rng.integers(len(ids))]
        elif ann is str and name == "sector":
            values[name] = w.sectors[rng.integers(len(w.sectors))].id
        elif ann is str and name == "city":
            values[name] = w.cities[rng.integers(len(w.cities))].id
        elif info.is_required():
            raise AssertionError(f"the soak cannot draw {model.__name__}.{name}: {ann}")
    return model(**values)


def assert_sound(state, where: str) -> None:
    for name, arr in state.arrays().items():
        if arr.dtype.kind == "f":
            assert np.isfinite(arr).all(), f"{name} has NaN or inf {where}"
    assert (state.stake >= 0).all() and (state.stake <= 1).all(), f"a stake outside [0, 1] {where}"
    assert (state.stake.sum(axis=2) <= 1 + EPS).all(), f"a firm's city stakes sum over 1 {where}"
    assert (state.land_bank >= 0).all(), f"a negative land bank {where}"


def assert_ledger_closes(state, where: str) -> None:
    np.testing.assert_allclose(state.treasury - state.treasury_open, state.ledger.sum(axis=2),
                               rtol=1e-9, atol=1e-7, err_msg=f"treasury change != ledger {where}")


@pytest.fixture
def checked_ticks(monkeypatch):
    """Check the books right after the engine closes each turn, before the next one opens."""
    closed = []
    real = session_mod.end_turn

    def end_turn(world, state):
        real(world, state)
        where = f"after closing turn {state.turn - 1}"
        assert_ledger_closes(state, where)
        assert_sound(state, where)
        closed.append(state.turn)

    monkeypatch.setattr(session_mod, "end_turn", end_turn)
    return closed


def play_soak(content, scenario_id: str, seed: int, folder, taken: dict[str, int]) -> Session:
    world = build_world(content.scenario(scenario_id), content.sectors, content.firms)
    rng = np.random.default_rng([seed, 17])
    s = Session.start(world, seed=int(rng.integers(0, 2**31)))
    reload_at = int(rng.integers(0, world.turns))
    while not s.over:
        where = f"in {scenario_id}, soak seed {seed}, turn {s.turn}"
        for _ in range(int(rng.integers(0, 7))):
            action = random_action(s, rng)
            if s.check(action):
                continue
            s.act(action)
            taken[action.kind] = taken.get(action.kind, 0) + 1
            assert_sound(s.state, f"after {action!r} {where}")
            assert_ledger_closes(s.state, f"after {action!r} {where}")
        if rng.random() < 0.05 and s.undo():
            assert_ledger_closes(s.state, f"after undo {where}")
        if s.turn == reload_at:
            saves.save_game(s, "soak", folder)
            loaded = saves.load_game("soak", folder, content)
            assert loaded.hash() == s.hash(), f"save/load changed the game {where}"
            s = loaded
        s.end_turn()
    return s


def test_soak_every_scenario(content, tmp_path, checked_ticks):
    folder = tmp_path / "saves"
    taken: dict[str, int] = {}
    turns_played = 0
    for scenario_id in sorted(content.scenarios):
        turns = content.scenarios[scenario_id].turns
        games = max(2, TURN_BUDGET // turns)
        for seed in range(games):
            s = play_soak(content, scenario_id, seed, folder, taken)
            turns_played += s.turn
            if seed == 0:  # the whole game, reloaded midway, replays from its seed
                saves.save_game(s, "final", folder)
                result = saves.replay("final", content, folder)
                assert result.ok, f"{scenario_id}: {result.message}"
    assert len(checked_ticks) >= turns_played  # every Session.end_turn (game, recorder, replay) was checked
    kinds = {m.model_fields["kind"].default for m in action_models()}
    assert len(taken) >= len(kinds) - 3, f"the soak took only {sorted(taken)} of {sorted(kinds)}"
    assert sum(taken.values()) > 300
