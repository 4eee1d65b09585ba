"""Patches: a pack changes some fields of an earlier pack's item without copying it; the
validator, `mods list` and the loaded content show, per item, who touched what in which
order, and two packs changing the same field are flagged."""

from __future__ import annotations

import pytest

from game.content.loader import ContentError, load_content
from tests.helpers import pack, run_cli

SECTOR_PATCH = 'patch = "batteries"\ndemand_growth = 0.25\ninputs = { add = ["display-glass"] }\n'
EVENT_PATCH = ('patch = "price-war"\nchance = 0.05\nrival_choice = { cautious = 1 }\n\n'
               '[scope]\nstages = { remove = ["ramping"] }\n')


@pytest.fixture
def tweaks(tmp_path):
    return pack(tmp_path / "tweaks", "tweaks", {"sectors/batteries.toml": SECTOR_PATCH,
                                                "events/price-war.toml": EVENT_PATCH})


def test_a_patch_changes_only_what_it_gives(tweaks, content):
    patched = load_content([tweaks])
    old, new = content.sectors["batteries"], patched.sectors["batteries"]
    assert new.demand_growth == 0.25 and new.inputs == [*old.inputs, "display-glass"]
    assert new.model_dump(exclude={"demand_growth", "inputs"}) == old.model_dump(exclude={"demand_growth", "inputs"})
    ev = patched.events["price-war"]
    base = content.events["price-war"]
    assert ev.chance == 0.05
    assert ev.rival_choice == {**base.rival_choice, "cautious": 1}  # a table: merged
    assert ev.scope.stages == [s for s in base.scope.stages if s != "ramping"]
    assert ev.scope.kind == base.scope.kind and ev.options == base.options and ev.trigger == base.trigger
    assert patched.warnings == []
    [defines, patches] = patched.touches[("sectors", "batteries")]
    assert (defines.pack, defines.action) == ("base", "defines")
    assert (patches.pack, patches.action, patches.fields) == ("tweaks", "patches", ("demand_growth", "inputs"))
    assert patched.touches[("events", "price-war")][1].fields == ("chance", "rival_choice.cautious", "scope.stages")


def test_two_packs_patching_one_field_are_shown_as_such(tweaks, tmp_path, capsys):
    other = pack(tmp_path / "other", "other", {"sectors/more.toml": 'patch = "batteries"\ndemand_growth = 0.3\n'},
                 extra='load_after = ["tweaks"]\n')
    code, out, err = run_cli(capsys, "mods", "validate", str(other), str(tweaks))  # sorted by load_after
    assert code == 1
    assert out.splitlines() == [
        f"{other}/sectors/more.toml:2: warning: demand_growth: sectors/batteries: tweaks patches this too "
        "(tweaks/sectors/batteries.toml:1); other loads later, so its value is used"]
    code, out, _ = run_cli(capsys, "mods", "validate", "--warnings-ok", str(other), str(tweaks))
    assert code == 0
    assert ("  sectors/batteries: base: defines (content/sectors/batteries.toml:3) -> tweaks: patches "
            "demand_growth, inputs (tweaks/sectors/batteries.toml:1) -> other: patches demand_growth "
            "(other/sectors/more.toml:1)") in out.splitlines()
    assert "  load order: base 0.1.0 -> tweaks 1.0 -> other 1.0" in out.splitlines()
    assert load_content([tweaks, other]).sectors["batteries"].demand_growth == 0.3
    code, out, _ = run_cli(capsys, "--mods", str(tweaks), "--mods", str(other), "mods", "list")
    assert code == 0
    assert any(ln.strip().startswith("sectors/batteries: base: defines") and ln.endswith(
        "-> other: patches demand_growth (other/sectors/more.toml:1)") for ln in out.splitlines())
    assert any("warning: demand_growth: sectors/batteries: tweaks patches this too" in ln for ln in out.splitlines())


@pytest.mark.parametrize("text,line,key,message", [
    ('patch = "batteris"\ndemand_growth = 0.2\n', 1, "patch",
     "no sector 'batteris' to patch: a patch changes an item that an earlier pack (or this one) defines; "
     "did you mean 'batteries'?"),
    ('patch = "batteries"\ndemand_grwth = 0.2\n', 2, "demand_grwth", "unknown key; did you mean 'demand_growth'?"),
    ('patch = "batteries"\ndemand_growth = "0.2"\n', 2, "demand_growth",
     'expected a number, got the text "0.2": write numbers without quotes'),
    ('patch = "batteries"\ndemand_growth = 7.0\n', 2, "demand_growth",
     "7 is out of range: share a year, from -0.5 to 1"),
    ('patch = "ev-makers"\ninputs = { remove = ["batteris"] }\n', 2, "inputs.remove.0",
     "'batteris' is not in inputs (it holds 'batteries', 'logic-chips'); did you mean 'batteries'?"),
    ('patch = "ev-makers"\ninputs = { add = ["batteries"] }\n', 2, "inputs.add.0", "'batteries' is already in inputs"),
    ('id = "batteries"\npatch = "batteries"\n', 1, "id",
     'a patch names the item it changes with `patch = "..."` alone: leave out `id` (or leave out `patch` to '
     "define a new item)"),
    ('patch = "batteries"\nprice_floor = 0.9\nprice_ceiling = 1.0\n', 3, "price_ceiling",
     "1 is out of range: price index, above 1 and at most 10"),
])
def test_a_wrong_patch_is_reported_at_its_line(tmp_path, text, line, key, message):
    folder = pack(tmp_path / "bad", "bad", {"sectors/p.toml": text})
    with pytest.raises(ContentError) as info:
        load_content([folder])
    [p] = info.value.errors
    assert (p.file, p.line, p.key, p.message + p.hint) == ("bad/sectors/p.toml", line, key, message)


def test_a_patch_that_breaks_the_item_says_so(tmp_path):
    folder = pack(tmp_path / "bad", "bad", {"scenarios/p.toml": 'patch = "tutorial"\nplayer_city = "atlantis"\n'})
    with pytest.raises(ContentError) as info:
        load_content([folder])
    [p] = info.value.errors
    assert (p.file, p.line, p.key) == ("bad/scenarios/p.toml", 2, "player_city")
    assert p.message.startswith("after the patch: player_city 'atlantis' is not one of the cities")


def test_a_patched_item_reports_references_in_the_patch(tmp_path):
    folder = pack(tmp_path / "bad", "bad", {"sectors/p.toml": 'patch = "batteries"\ninputs = ["solar-glas"]\n'})
    with pytest.raises(ContentError) as info:
        load_content([folder])
    [p] = info.value.errors
    assert (p.file, p.line, p.key, p.message) == ("bad/sectors/p.toml", 2, "inputs.0", "unknown sector 'solar-glas'")


def test_a_scenario_patch_adds_and_removes_cities_by_id(tmp_path, content):
    base = content.scenario("tutorial")
    rival = next(c for c in base.cities if c.id != base.player_city)
    city = ('{ id = "newport", name = "Newport", archetype = "cautious", gdp_bn = 150.0, population_m = 3.0, '
            'treasury_bn = 8.0, land_bank_ha = 2000.0, land_price_bn_per_ha = 0.03 }')
    folder = pack(tmp_path / "p", "p", {"scenarios/t.toml": f'patch = "tutorial"\ncities = {{ add = [{city}], '
                                                             f'remove = ["{rival.id}"] }}\n'})
    patched = load_content([folder]).scenario("tutorial")
    assert [c.id for c in patched.cities] == [c.id for c in base.cities if c.id != rival.id] + ["newport"]
