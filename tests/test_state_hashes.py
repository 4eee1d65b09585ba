"""The engine's results, pinned: every base scenario played by every bot (the built-in and
the base pack's TOML bots) and by a Session with its decisions, hashed at the end.

A refactor must leave these unchanged. A change to the rules changes them on purpose:
regenerate with ``python tests/test_state_hashes.py --update`` and say in the commit
what changed and why (../shared/DESIGN.md: same seed and actions, same bits).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from game.bots import bots_with  # noqa: E402
from game.content.loader import Content, load_content  # noqa: E402
from game.engine.actions import SellLand  # noqa: E402
from game.engine.build import build_world  # noqa: E402
from game.engine.session import Session  # noqa: E402
from game.engine.state import new_state, state_hash  # noqa: E402
from game.engine.tick import begin_turn, end_turn  # noqa: E402

GOLDEN = Path(__file__).resolve().parent / "data" / "state_hashes.json"
SEED = 2026
WORLDS = 3


def _batch_hashes(content: Content, scenario_id: str) -> dict[str, list[str]]:
    world = build_world(content.scenario(scenario_id), content.sectors, content.firms)
    out = {}
    for name, bot in sorted(bots_with(content).items()):
        state = new_state(world, WORLDS, seed=SEED)
        begin_turn(world, state)
        for t in range(world.turns):
            bot(world, state)
            end_turn(world, state)
            if t + 1 < world.turns:
                begin_turn(world, state)
        out[name] = [state_hash(state, k) for k in range(WORLDS)]
    return out


def _session_hash(content: Content, scenario_id: str) -> str:
    """A one-world game as the TUI plays it: a land sale and every decision's first option."""
    world = build_world(content.scenario(scenario_id), content.sectors, content.firms)
    s = Session.start(world, seed=SEED)
    while not s.over:
        for p in s.pending_events():
            s.choose(p["key"], next(o["index"] for o in p["options"] if o["offered"]))
        sale = SellLand(hectares=20)
        if not s.check(sale):
            s.act(sale)
        s.end_turn()
    return s.hash()


def compute(content: Content) -> dict[str, dict]:
    result = {}
    for scenario_id in sorted(content.scenarios):
        result[scenario_id] = {"bots": _batch_hashes(content, scenario_id),
                               "session": _session_hash(content, scenario_id)}
    return result


@pytest.mark.parametrize("scenario_id", sorted(json.loads(GOLDEN.read_text())) if GOLDEN.exists() else [])
def test_state_hashes_unchanged(content, scenario_id):
    golden = json.loads(GOLDEN.read_text())[scenario_id]
    world_result = {"bots": _batch_hashes(content, scenario_id),
                    "session": _session_hash(content, scenario_id)}
    assert world_result == golden, (
        f"{scenario_id}: the engine's results changed; if that is intended, regenerate "
        "with `python tests/test_state_hashes.py --update` and explain it in the commit")


def test_every_scenario_is_pinned(content):
    assert sorted(json.loads(GOLDEN.read_text())) == sorted(content.scenarios)


if __name__ == "__main__":
    if "--update" not in sys.argv:
        sys.exit("usage: python tests/test_state_hashes.py --update")
    GOLDEN.write_text(json.dumps(compute(load_content()), indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}")
