"""The one registry of metrics and fields: every name is declared once with a unit and a
meaning, every getter reads a whole batch in one call, every field maps onto a state array
and stays inside its range, and the loader and docs use exactly these names."""

from __future__ import annotations

import re

import numpy as np
import pytest

from game.engine import events as ev
from game.engine.events.effects import new_value, write
from game.engine.registry import FIELDS, METRICS, SCOPES, Ctx
from game.engine.state import new_state
from game.engine.tick import begin_turn, end_turn
from game.sim import BOTS

NAME = re.compile(r"^(game|city|sector|firm)\.[a-z][a-z0-9_]*$")


@pytest.fixture(scope="module")
def played(hefei):
    """Three worlds of Hefei, eight quarters into a busy game."""
    state = new_state(hefei, 3, seed=4)
    begin_turn(hefei, state)
    for _ in range(8):
        BOTS["herd-chaser"](hefei, state)
        end_turn(hefei, state)
        begin_turn(hefei, state)
    return state


def test_every_name_is_declared_once_with_unit_and_meaning():
    assert set(FIELDS) <= set(METRICS)
    for name, m in METRICS.items():
        assert NAME.match(name), name
        assert m.scope in SCOPES
        assert m.unit.strip() and len(m.meaning.split()) >= 3, name
        if m.lo is not None and m.hi is not None:
            assert m.lo <= m.hi, name
    for name, f in FIELDS.items():
        assert f.lo is not None and f.hi is not None, f"{name}: every field needs finite bounds"
        assert f.index in ("wc", "ws", "wcs", "wf"), name
        assert {"wc": "city", "ws": "sector", "wcs": "sector", "wf": "firm"}[f.index] == f.scope, name


def ctx_for(world, state, scope: str, shape=(3, 2, 4)):
    """Index arrays in the trigger layout [worlds, cities, candidates]."""
    n, c, k = shape
    w = np.arange(n)[:, None, None]
    cities = np.array([world.player, 1])[None, :, None]
    f = np.arange(k)[None, None, :] if scope == "firm" else None
    s = (world.firm_sector[f] if scope == "firm" else np.arange(k)[None, None, :]) if scope in ("firm", "sector") else None
    return Ctx(world, state, w, cities, f, s)


@pytest.mark.parametrize("name", sorted(METRICS))
def test_every_metric_reads_a_batch_finitely_and_within_its_range(hefei, played, name):
    m = METRICS[name]
    scope = "firm" if m.scope == "firm" else "sector" if m.scope == "sector" else "none"
    value = np.asarray(m.get(ctx_for(hefei, played, scope)), dtype=np.float64)
    full = np.broadcast_to(value, (3, 2, 4))
    assert np.isfinite(full).all(), name
    if m.lo is not None:
        assert (full >= m.lo - 1e-9).all(), name
    if m.hi is not None:
        assert (full <= m.hi + 1e-9).all(), name
    # the same getter serves (world, city, firm) triples: the event engine's pair layout
    pair = Ctx(hefei, played, np.array([0, 2]), np.array([hefei.player, 1]),
               np.array([0, 1]) if scope == "firm" else None,
               hefei.firm_sector[[0, 1]] if scope == "firm" else np.array([0, 1]) if scope == "sector" else None)
    assert np.broadcast_to(np.asarray(m.get(pair), dtype=np.float64), (2,)).shape == (2,)


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_every_field_writes_its_own_cells_and_keeps_its_range(hefei, played, name):
    spec = FIELDS[name]
    state = played.copy()
    assert getattr(state, spec.array).dtype.kind == "f", spec.array
    pairs = ev.Pairs(np.array([0, 2]), np.array([hefei.player, 1]), np.array([0, 1]))
    scope = "firm" if spec.scope == "firm" else "sector"
    ctx = pairs.ctx(hefei, state, scope)
    before = state.copy()
    old = spec.read(ctx)
    effect = ev.CEffect("set", spec=spec, value=1e6)
    write(hefei, state, spec, ctx, old, new_value(effect, ctx, old))
    new = spec.read(ctx)
    assert (new <= spec.hi).all()
    assert not np.array_equal(new, old) or (old == spec.hi).all()
    changed = {k for k, a in state.arrays().items() if not np.array_equal(a, before.arrays()[k])}
    allowed = {spec.array, "fund_city_share"} | ({"treasury", "ledger"} if spec.ledger else set())
    assert changed <= allowed, (name, changed)
    untouched = getattr(state, spec.array)[1]  # world 1 is not among the pairs
    assert np.array_equal(untouched, getattr(before, spec.array)[1]), name
    low = ev.CEffect("set", spec=spec, value=-1e6)
    write(hefei, state, spec, ctx, new, new_value(low, ctx, new))
    assert (spec.read(ctx) >= spec.lo).all()
    if spec.ledger:
        np.testing.assert_allclose(state.treasury - state.treasury_open, state.ledger.sum(axis=2), atol=1e-6)


def test_the_loader_knows_exactly_the_registry(content):
    """Metric and field names in the base events all come from the registry; the reference
    in the docs lists them all (tests/test_mods.py checks the docs are current)."""
    used = set()
    for e in content.events.values():
        text = e.model_dump_json()
        used |= set(re.findall(r'"(?:metric|field|per|by)":"([a-z]+\.[a-z0-9_]+)"', text))
    assert used and used <= set(METRICS)


def test_derived_metrics_agree_with_the_engines_own_formulas(hefei, played):
    """The registry reads only the worlds asked for; it must agree with the whole-batch
    functions of the tick and the actions."""
    from game.engine import actions, arrays, tick
    from game.engine.world import PRODUCING

    W, C, F = played.n_worlds, hefei.n_cities, hefei.n_firms
    x = Ctx(hefei, played, np.arange(W)[:, None], np.arange(C)[None, :])
    np.testing.assert_allclose(METRICS["city.land_share"].get(x), np.clip(tick.land_share(played), 0, 1))
    np.testing.assert_allclose(METRICS["city.debt_ratio"].get(x), tick.debt_ratio(played))
    np.testing.assert_allclose(METRICS["city.portfolio_bn"].get(x), tick.portfolio_value(played))
    producing = arrays.by_city(played.firm_city, np.isin(played.stage, PRODUCING).astype(float), C)
    np.testing.assert_allclose(METRICS["city.firms_producing"].get(x), producing)
    xf = Ctx(hefei, played, np.arange(W)[:, None], np.zeros((1, 1), dtype=int), np.arange(F)[None, :])
    np.testing.assert_allclose(METRICS["firm.rescue_need_bn"].get(xf), actions.rescue_need(played, np.arange(F)))
