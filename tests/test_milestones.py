"""Classroom milestones: content checks, and the session says when one is due."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from game.content.loader import ContentError, load_content
from game.content.schema import MilestoneDef
from game.engine.build import build_world
from game.engine.session import Session


def test_a_milestone_says_when_in_exactly_one_way():
    base = {"id": "m", "title": "t", "prompt": "p"}
    MilestoneDef.model_validate({**base, "when": {"turn": 3}})
    MilestoneDef.model_validate({**base, "when": {"year": 2016, "quarter": 2}})
    MilestoneDef.model_validate({**base, "when": {"condition": {"metric": "city.land_share", "op": "<", "value": 0.3}}})
    for bad in ({"turn": 3, "year": 2016}, {}, {"quarter": 2}):
        with pytest.raises(ValidationError):
            MilestoneDef.model_validate({**base, "when": bad})


def test_dated_milestones_come_on_their_turn_once(hefei):
    s = Session.start(hefei, seed=1)
    assert s.milestones_due() == []  # the first one is on turn 1
    s.end_turn()
    due = s.milestones_due()
    assert [m["id"] for m in due] == ["boe-2008"] and due[0]["pause"] and due[0]["prompt"]
    s.acknowledge("boe-2008")
    assert s.milestones_due() == []
    turns = {m.id: s.milestone_turn(m) for m in hefei.scenario.milestones}
    assert turns["changxin-2016"] == 33 and turns["nio-2020"] == 48


def test_a_condition_milestone_comes_when_it_holds(content, tmp_path):
    import shutil

    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.toml").write_text('id = "m"\nname = "m"\nversion = "1.0"\n')
    (pack / "scenarios").mkdir()
    text = (content.sources[("scenarios", "tutorial")][1]
            + '\n[[milestones]]\nid = "deep-in-land"\ntitle = "Deep in land"\nprompt = "Why?"\n'
              'when = { condition = { metric = "city.land_share", op = ">", value = 0.35 } }\n')
    (pack / "scenarios" / "tutorial.toml").write_text(text)
    modded = load_content([pack])
    world = build_world(modded.scenario("tutorial"), modded.sectors, modded.firms)
    s = Session.start(world, seed=1)
    assert [m["id"] for m in s.milestones_due()] == ["deep-in-land"]  # the land share starts at 40%
    shutil.rmtree(pack)


def test_a_milestone_outside_the_scenario_is_a_content_error(content, tmp_path):
    pack = tmp_path / "pack"
    (pack / "scenarios").mkdir(parents=True)
    (pack / "pack.toml").write_text('id = "m"\nname = "m"\nversion = "1.0"\n')
    text = (content.sources[("scenarios", "tutorial")][1]
            + '\n[[milestones]]\nid = "late"\ntitle = "Too late"\nprompt = "?"\nwhen = { year = 2030 }\n'
              '\n[[milestones]]\nid = "odd"\ntitle = "Odd"\nprompt = "?"\n'
              'when = { condition = { metric = "city.no_such_thing", op = ">", value = 1 } }\n')
    (pack / "scenarios" / "tutorial.toml").write_text(text)
    with pytest.raises(ContentError) as info:
        load_content([pack])
    messages = [str(p) for p in info.value.problems]
    assert any("milestones.0.when" in m and "outside the scenario" in m for m in messages), messages
    assert any("milestones.1.when.condition.metric" in m and "unknown metric" in m for m in messages), messages
    assert all("tutorial.toml" in m for m in messages)
