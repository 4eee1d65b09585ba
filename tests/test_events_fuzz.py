"""Fuzzing event files: mutated TOML (types, keys, values, inline tables, truncation,
syntax) gives ContentError with a file on every problem and a key on every problem inside
the file, or loads into events the engine can play for a few quarters. Nothing else may
escape the loader or the engine."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.content.loader import ContentError, load_content
from game.engine import events as ev
from game.engine.build import build_world
from game.engine.state import new_state
from game.engine.tick import begin_turn, end_turn

BASE = Path(__file__).resolve().parent.parent / "content"
FILES = sorted(p.relative_to(BASE) for p in BASE.glob("events/*.toml"))
ASSIGNMENT = re.compile(r"^(\s*[A-Za-z_][A-Za-z0-9_-]*\s*=\s*)(.+)$")
INLINE = re.compile(r"\{[^{}]*\}")
VALUES = ['"text"', '""', "3", "-1.5", "0", "1", "true", "[1, 2]", "[]", "{ a = 1 }", "1979-05-27",
          "nan", "inf", "-inf", "1e400", "-0.0", "99999999999", '"city.land_share"', '"firm.cash_bn"',
          '"game.year"', '"sector.price_index"', '"nio-china"', '"ev-makers"', '">"', '"=="',
          '"all"', '"player"', '"rivals"', '"{firm} {sector} {nope}"', "0.5", "40", "-3"]
TABLES = [
    '{ metric = "city.land_share", op = ">", value = 0.2 }',
    '{ metric = "firm.cash_bn", op = "<", value = 0 }',
    '{ metric = "game.year", min = 2000, max = 2100 }',
    '{ not = { flag = "land-reform" } }',
    '{ any = [ { metric = "game.turn", op = ">=", value = 0 } ] }',
    '{ op = "add", field = "city.treasury_bn", value = 1e9 }',
    '{ op = "multiply", field = "firm.capacity_bn", value = 100 }',
    '{ op = "set", field = "sector.demand_shock", value = -1e9 }',
    '{ op = "stake", change = 1 }',
    '{ op = "invest", amount = 10000, per = "city.gdp_bn" }',
    '{ op = "spawn_firm", template = "nio-china" }',
    '{ op = "modifier", field = "city.infrastructure", multiply = 100, turns = 40 }',
    '{ op = "queue", event = "pandemic-rebound", after = 1 }',
    '{ op = "set_flag", flag = "land-reform" }',
    '{ kind = "firm", where = "any", pick = "max", by = "firm.valuation_bn" }',
    '{ event = "hidden-debt-found", after = 1 }',
]
KEYS = ["chance", "mtth", "once", "cooldown", "cities", "scope", "trigger", "options", "effects",
        "ai_default", "rival_choice", "severity", "title", "text", "label", "condition", "follow_up",
        "op", "field", "metric", "value", "per", "min", "max", "flag", "event", "after", "turns",
        "kind", "sectors", "stages", "where", "held", "pick", "by", "template", "change", "pay", "amount"]


@st.composite
def mutated(draw) -> tuple[Path, str]:
    rel = draw(st.sampled_from(FILES))
    text = (BASE / rel).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 3))):
        lines = text.splitlines(keepends=True) or [""]
        how = draw(st.sampled_from(["truncate", "delete", "duplicate", "swap", "table", "rename", "garbage"]))
        if how == "truncate":
            text = text[: draw(st.integers(0, max(len(text) - 1, 0)))]
        elif how == "delete":
            del lines[draw(st.integers(0, len(lines) - 1))]
            text = "".join(lines)
        elif how == "duplicate":
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            text = "".join(lines)
        elif how == "swap":
            spots = [i for i, ln in enumerate(lines) if ASSIGNMENT.match(ln)]
            if spots:
                i = draw(st.sampled_from(spots))
                lines[i] = ASSIGNMENT.match(lines[i]).group(1) + draw(st.sampled_from(VALUES + TABLES)) + "\n"
                text = "".join(lines)
        elif how == "table":
            found = list(INLINE.finditer(text))
            if found:
                m = draw(st.sampled_from(found))
                text = text[: m.start()] + draw(st.sampled_from(TABLES)) + text[m.end():]
        elif how == "rename":
            words = [m for m in re.finditer(r"\b[a-z_]+(?=\s*=)", text)]
            if words:
                m = draw(st.sampled_from(words))
                text = text[: m.start()] + draw(st.sampled_from(KEYS + ["chanse", "optoins", "x"])) + text[m.end():]
        else:
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.text(st.characters(codec="utf-8"), max_size=8)) + text[at:]
    return rel, text


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("evfuzz")


def write_pack(root: Path, rel: Path, text: str) -> Path:
    pack = root / "pack"
    if pack.exists():
        shutil.rmtree(pack)
    (pack / rel).parent.mkdir(parents=True)
    (pack / "pack.toml").write_text('id = "fuzz"\nname = "Fuzz"\nversion = "1.0"\n', encoding="utf-8")
    (pack / rel).write_text(text, encoding="utf-8")
    return pack


FILE_LEVEL = ("TOML syntax", "file is ", "not UTF-8", "cannot read", "TOML nests", "the file is empty",
              "the file is UTF-16")


def play_a_little(content, event_id: str) -> None:
    """Every scenario, the mutated event forced to come up each quarter, a few quarters."""
    for sc in content.scenarios.values():
        world = build_world(sc, content.sectors, content.firms)
        if world.event_table is None or event_id not in world.event_table.index:
            continue
        e = world.event_table.index[event_id]
        state = new_state(world, 2)
        state.noise.event_uniform[:, :, e] = 0.0  # its chance always comes up
        for _ in range(min(3, world.turns)):
            begin_turn(world, state)
            for name in ev.pending(world, state):
                del name
            end_turn(world, state)
        for name, arr in state.arrays().items():
            if arr.dtype.kind == "f":
                assert np.isfinite(arr).all(), f"{sc.id}: {name} not finite"
        assert (state.stake >= 0).all() and (state.stake.sum(axis=2) <= 1 + 1e-9).all()
        np.testing.assert_allclose(state.treasury - state.treasury_open, state.ledger.sum(axis=2),
                                   rtol=1e-9, atol=1e-6)


@given(case=mutated())
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_mutated_events_give_content_error_or_a_playable_game(root, case):
    rel, text = case
    pack = write_pack(root, rel, text)
    try:
        content = load_content([pack])
    except ContentError as exc:
        n_lines = len(text.splitlines()) + 1
        assert exc.problems
        for p in exc.problems:
            assert p.file, p
            assert p.line is None or 1 <= p.line <= max(n_lines, 400), p
            assert p.key or p.message.startswith(FILE_LEVEL), p
            assert str(p)
        return
    match = re.search(r'(?m)^id\s*=\s*"([^"]+)"', text)
    if match and match.group(1) in content.events:
        play_a_little(content, match.group(1))


def test_an_event_with_huge_numbers_keeps_the_state_finite(tmp_path):
    """The largest values a modder may legally write must not overflow the state."""
    text = '''id = "huge"
title = "t"
text = "x"
chance = 1.0
cities = "all"
effects = [
    { op = "add", field = "city.treasury_bn", value = 1e6, per = "city.gdp_bn" },
    { op = "multiply", field = "sector.other_capacity_bn", value = 100, sector = "ev-makers" },
    { op = "set", field = "city.population_m", value = 1e6 },
]
'''
    pack = write_pack(tmp_path, Path("events/huge.toml"), text)
    content = load_content([pack])
    play_a_little(content, "huge")
