"""Bots described in TOML: rules tried in order, gated by conditions and dice, vectorised."""

from __future__ import annotations

import numpy as np
import pytest

from game.bots import bots_with, rule_bot
from game.content.loader import ContentError, load_content
from game.content.schema import BotDef
from game.engine.state import new_state, state_hash
from game.engine.tick import begin_turn, end_turn


def _play(world, bot, n_worlds, turns, first_world=0):
    state = new_state(world, n_worlds, seed=5, first_world=first_world)
    begin_turn(world, state)
    for t in range(turns):
        bot(world, state)
        end_turn(world, state)
        if t + 1 < turns:
            begin_turn(world, state)
    return state


def test_a_condition_picks_the_rule(hefei):
    bot = rule_bot(BotDef.model_validate({"id": "b", "name": "b", "rules": [
        {"do": "sell_land", "hectares": 120, "when": {"metric": "city.land_share", "op": ">", "value": 0.3}},
        {"do": "sell_land", "hectares": 30, "when": {"metric": "city.land_share", "op": "<=", "value": 0.3}}]}))
    state = new_state(hefei, 2, seed=1)
    begin_turn(hefei, state)
    state.land_hist[1] = 0.0  # world 1 has sold no land for a year: its land share is 0
    bank = state.land_bank[:, hefei.player].copy()
    bot(hefei, state)
    assert np.allclose(bank - state.land_bank[:, hefei.player], [120.0, 30.0])


def test_chance_and_rules_play_the_same_alone_or_in_a_batch(hefei, content):
    bot = bots_with(content)["steady-builder"]
    batch = _play(hefei, bot, 5, 12)
    for k in (0, 4):
        alone = _play(hefei, bot, 1, 12, first_world=k)
        assert state_hash(alone, 0) == state_hash(batch, k)
    assert batch.invested[:, hefei.player].max() > 0  # it backed something somewhere


def test_a_rule_missing_its_numbers_is_refused():
    with pytest.raises(ValueError, match="needs hectares"):
        BotDef.model_validate({"id": "b", "name": "b", "rules": [{"do": "sell_land"}]})


def test_a_bad_bot_file_is_a_content_error_with_file_and_key(tmp_path):
    pack = tmp_path / "pack"
    (pack / "bots").mkdir(parents=True)
    (pack / "pack.toml").write_text('id = "p"\nname = "p"\nversion = "1.0"\n')
    (pack / "bots" / "odd.toml").write_text(
        'id = "odd"\nname = "Odd"\n\n[[rules]]\ndo = "recruit"\nsector = "quantum"\n'
        'when = { metric = "city.no_such", op = ">", value = 1 }\n')
    with pytest.raises(ContentError) as info:
        load_content([pack])
    text = "\n".join(str(p) for p in info.value.problems)
    assert "bots/odd.toml" in text and "rules.0.when.metric" in text and "unknown metric" in text
    assert "rules.0.sector" in text and "unknown sector 'quantum'" in text
