"""Fuzzing the loader: mutated content files give ContentError (with a file on every
problem) or load into content the engine can play. Nothing else may escape."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.content.loader import ContentError, load_content
from game.engine.state import new_state
from game.engine.tick import begin_turn, end_turn
from game.engine.world import build_world

BASE = Path(__file__).resolve().parent.parent / "content"
FILES = sorted(p.relative_to(BASE) for p in BASE.glob("*/*.toml"))
ASSIGNMENT = re.compile(r"^(\s*[A-Za-z_][A-Za-z0-9_-]*\s*=\s*)(.+)$")
OTHER_VALUES = ['"text"', '""', "3", "-1.5", "0", "true", "[1, 2]", "[]", "{ a = 1 }",
                "1979-05-27", "nan", "inf", "-inf", "1e400", "-0.0", '"hefei"', "99999999999"]


@st.composite
def mutated(draw) -> tuple[Path, str]:
    rel = draw(st.sampled_from(FILES))
    text = (BASE / rel).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 3))):
        lines = text.splitlines(keepends=True) or [""]
        how = draw(st.sampled_from(["truncate", "delete", "swap", "garbage", "duplicate"]))
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
        else:
            at = draw(st.integers(0, len(text)))
            junk = draw(st.text(st.characters(codec="utf-8"), max_size=12))
            text = text[:at] + junk + text[at:]
    return rel, text


@pytest.fixture(scope="module")
def mod_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def write_pack(root: Path, rel: Path, text: str) -> Path:
    pack = root / "pack"
    if pack.exists():
        shutil.rmtree(pack)
    (pack / rel).parent.mkdir(parents=True)
    (pack / "pack.toml").write_text('id = "fuzz"\nname = "Fuzz"\nversion = "1.0"\n', encoding="utf-8")
    (pack / rel).write_text(text, encoding="utf-8")
    return pack


def play_two_turns(content) -> None:
    for sc in content.scenarios.values():
        world = build_world(sc, content.sectors, content.firms)
        state = new_state(world, 2)
        for _ in range(min(2, world.turns)):
            begin_turn(world, state)
            end_turn(world, state)
        for name, arr in state.arrays().items():
            if arr.dtype.kind == "f":
                assert np.isfinite(arr).all(), f"{sc.id}: {name} not finite"


@given(case=mutated())
@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_mutated_content_gives_content_error_or_a_playable_game(mod_root, case):
    rel, text = case
    pack = write_pack(mod_root, rel, text)
    try:
        content = load_content([pack])
    except ContentError as exc:
        n_lines = len(text.splitlines()) + 1
        for p in exc.problems:
            assert p.file, p
            assert p.line is None or p.line >= 1, p
            if p.file.endswith(rel.as_posix()):  # a reference may point into another file
                assert p.line is None or p.line <= n_lines, p
            assert str(p)
        return
    play_two_turns(content)


@pytest.mark.parametrize("field,value", [
    ("cycle_phase", "nan"),
    ("capex_per_capacity", "inf"),
    ("jobs_per_bn", "inf"),
    ("demand_bn", "inf"),
])
def test_nan_and_infinity_are_refused_at_load(pack_copy, field, value):
    """The engine trusts loaded content, so the loader must not let NaN or inf through."""
    path = pack_copy / "sectors" / "memory-chips.toml"
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(rf"(?m)^{field} = .*$", f"{field} = {value}", text)
    assert count == 1
    path.write_text(new, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_content([pack_copy])
    assert any(p.key == field for p in info.value.problems)
