"""Fuzzing the loader with mutated content files: each gives a ContentError whose every
problem names FILE:LINE, or loads into content that plays 40 turns with every number
finite. Nothing else may escape: no traceback, no NaN.

The default run tries 100 files; `pytest --slow` tries 10,000 (the slow set).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.bots import bots_with
from game.content.loader import ContentError, load_content
from game.engine.build import build_world
from game.engine.finite import all_finite, locate
from game.engine.state import new_state
from game.engine.tick import begin_turn, end_turn

BASE = Path(__file__).resolve().parent.parent / "content"
FILES = sorted(p.relative_to(BASE) for p in BASE.glob("*/*.toml"))
ASSIGNMENT = re.compile(r"^(\s*[A-Za-z_][A-Za-z0-9_-]*\s*=\s*)(.+)$")
NUMBER = re.compile(r"(?<![\w.\"-])-?\d+(\.\d+)?([eE][-+]?\d+)?(?![\w.\"-])")
OTHER_VALUES = ['"text"', '""', "3", "-1.5", "0", "true", "[1, 2]", "[]", "{ a = 1 }",
                "1979-05-27", "nan", "inf", "-inf", "1e400", "-0.0", '"hefei"', "99999999999",
                '"6.0"', '"yes"', '"12"', "1e308", "-1e308", "12.0"]
# legal but large or extreme numbers: what a modder may write that could overflow a game
EXTREMES = ["0", "1", "0.999", "0.05", "2", "5", "10", "30", "40", "100", "200", "1000", "2000", "5000",
            "10000", "20000", "50000", "1000000", "-0.5", "-0.3", "-30", "1e-4", "4294967295"]
TYPOS = [("_bn", "_b"), ("demand", "demnd"), ("chance", "chanse"), ("id", "ids"), ("all", "al"),
         ("sector", "sectr"), ("player", "playr"), ("[[", "["), ("]]", "]"), ("=", "=="), ('"', "'")]
TURNS = 40


@st.composite
def mutated(draw) -> tuple[Path, bytes, int]:
    rel = draw(st.sampled_from(FILES))
    text = (BASE / rel).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 3))):
        lines = text.splitlines(keepends=True) or [""]
        how = draw(st.sampled_from(["truncate", "delete", "swap", "garbage", "duplicate", "extreme",
                                    "extreme", "typo", "patch"]))
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
                head = ASSIGNMENT.match(lines[i]).group(1)
                lines[i] = head + draw(st.sampled_from(OTHER_VALUES)) + "\n"
                text = "".join(lines)
        elif how == "extreme":  # every number of one line, or one number of the file
            spots = [m for m in NUMBER.finditer(text)]
            if spots:
                m = draw(st.sampled_from(spots))
                text = text[: m.start()] + draw(st.sampled_from(EXTREMES)) + text[m.end():]
        elif how == "typo":
            old, new = draw(st.sampled_from(TYPOS))
            if old in text:
                at = draw(st.sampled_from([m.start() for m in re.finditer(re.escape(old), text)]))
                text = text[:at] + new + text[at + len(old):]
        elif how == "patch" and "id = " in text:  # the file as a patch of its own item
            text = re.sub(r'(?m)^id = ', "patch = ", text, count=1)
        else:
            at = draw(st.integers(0, len(text)))
            junk = draw(st.text(st.characters(codec="utf-8"), max_size=12))
            text = text[:at] + junk + text[at:]
    data = text.encode("utf-8")
    encoding = draw(st.sampled_from(["utf-8"] * 8 + ["bom", "latin-1"]))
    if encoding == "bom":
        data = b"\xef\xbb\xbf" + data
    elif encoding == "latin-1":
        data = text.encode("latin-1", errors="replace")
    return rel, data, draw(st.integers(0, 99))  # which of the scenarios it touches to play


def write_pack(root: Path, rel: Path, data: bytes) -> Path:
    pack = root / "pack"
    if pack.exists():
        shutil.rmtree(pack)
    (pack / rel).parent.mkdir(parents=True)
    (pack / "pack.toml").write_text('id = "fuzz"\nname = "Fuzz"\nversion = "1.0"\n', encoding="utf-8")
    (pack / rel).write_bytes(data)
    return pack


def scenarios_touched(content, rel: Path, data: bytes) -> list[str]:
    """The scenarios the mutated file can change (all of them when it is unclear)."""
    m = re.search(rb'(?m)^(?:id|patch) = "([^"]+)"', data)
    item = m.group(1).decode("utf-8", "replace") if m else None
    kind = rel.parts[0]
    every = sorted(content.scenarios)
    if item is None:
        return every
    if kind == "scenarios":
        return [item] if item in content.scenarios else every
    if kind == "sectors":
        return [s for s in every if item in content.scenarios[s].sectors]
    if kind == "firms" and item in content.firms:
        sector = content.firms[item].sector
        return [s for s in every if sector in content.scenarios[s].sectors]
    if kind == "events":
        return [s for s in every if content.scenarios[s].events == "all" or item in content.scenarios[s].events]
    return every


def play(content, sid: str, bot_id: str | None = None, event: str | None = None) -> None:
    """Two worlds of a scenario for 40 turns (or the whole scenario), the mutated event (if
    any) coming up every quarter: every number stays finite."""
    bots = bots_with(content)
    bot = bots.get(bot_id or "pass", bots["pass"])
    world = build_world(content.scenarios[sid], content.sectors, content.firms)
    state = new_state(world, 2)
    if event is not None and world.event_table is not None and event in world.event_table.index:
        state.noise.event_uniform[:, :, world.event_table.index[event]] = 0.0
    begin_turn(world, state)
    for _ in range(min(TURNS, world.turns)):
        bot(world, state)
        end_turn(world, state)
        if state.turn >= world.turns:
            break
        begin_turn(world, state)
    assert all_finite(state) and locate(world, state) == [], f"{sid}: {locate(world, state)}"
    floats = [a for a in state.arrays().values() if a.dtype.kind == "f"]
    assert all(np.isfinite(a).all() for a in floats), sid


def check(root: Path, case: tuple[Path, bytes, int]) -> None:
    rel, data, pick = case
    pack = write_pack(root, rel, data)
    try:
        content = load_content([pack])
    except ContentError as exc:
        n_lines = data.count(b"\n") + 1
        assert exc.errors
        for p in exc.problems:
            assert p.file and isinstance(p.line, int) and p.line >= 1, f"no FILE:LINE: {p}"
            assert re.match(r"^[^:]+:\d+(:\d+)?: ", str(p)), str(p)
            if p.file.endswith(rel.as_posix()):  # a reference may point into another file
                assert p.line <= n_lines, p
        return
    for p in content.warnings:
        assert p.file and isinstance(p.line, int) and p.line >= 1, f"no FILE:LINE: {p}"
    m = re.search(rb'(?m)^(?:id|patch) = "([^"]+)"', data)
    item = m.group(1).decode("utf-8", "replace") if m else None
    touched = scenarios_touched(content, rel, data)
    if touched:
        kind = rel.parts[0]
        play(content, touched[pick % len(touched)], item if kind == "bots" else None,
             item if kind == "events" else None)


@pytest.fixture(scope="module")
def mod_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large]


@given(case=mutated())
@settings(max_examples=100, deadline=None, suppress_health_check=HEALTH)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_mutated_content_gives_located_problems_or_a_finite_game(mod_root, case):
    check(mod_root, case)


@pytest.mark.slow
@given(case=mutated())
@settings(max_examples=10_000, deadline=None, suppress_health_check=HEALTH, database=None)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_ten_thousand_mutated_files(mod_root, case):
    check(mod_root, case)


@pytest.mark.parametrize("field,value", [
    ("cycle_phase", "nan"),
    ("capex_per_capacity", "inf"),
    ("jobs_per_bn", "inf"),
    ("demand_bn", "inf"),
    ("demand_bn", "1e308"),
])
def test_nan_infinity_and_huge_numbers_are_refused_at_load(pack_copy, field, value):
    """The engine trusts loaded content, so the loader must not let NaN, infinity or a
    number past its bounds through."""
    path = pack_copy / "sectors" / "memory-chips.toml"
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(rf"(?m)^{field} = .*$", f"{field} = {value}", text)
    assert count == 1
    path.write_text(new, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_content([pack_copy])
    assert any(p.key == field and p.line for p in info.value.problems)


def test_the_largest_legal_numbers_play_40_turns_finite(tmp_path, content):
    """Every number of a sector, a firm and the scenario's cities at its upper bound: the
    bounds are chosen so that this still plays."""
    from game.content.bounds import bounds_of
    from game.content.schema import CityDef, FirmDef, SectorDef

    def at_max(model, item):
        top = {}
        for name, info in model.model_fields.items():
            lo, lo_in, hi, hi_in = bounds_of(info)
            if hi is not None and isinstance(getattr(item, name), float):
                top[name] = float(hi) if hi_in else float(np.nextafter(hi, -np.inf))
        return item.model_copy(update=top)

    sc = content.scenario("hefei-2008")
    sectors = {k: at_max(SectorDef, v) for k, v in content.sectors.items()}
    firms = {k: at_max(FirmDef, v) for k, v in content.firms.items()}
    cities = [at_max(CityDef, c) for c in sc.cities]
    scenario = sc.model_copy(update={"cities": cities})
    scenario._events = dict(content.events)
    world = build_world(scenario, sectors, firms)
    state = new_state(world, 2)
    begin_turn(world, state)
    for _ in range(TURNS):
        end_turn(world, state)
        begin_turn(world, state)
    assert locate(world, state) == []
