"""Modder tools: `architect mods validate | schema | new | test | list | docs`, packs that
require and override each other, the mods folder, and the reference in docs/modding.md."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from game import mods
from game.content.loader import ContentError, discover_mods, load_content
from tests.helpers import REPO, run_cli
from tests.helpers import write_files as write

DOCS = REPO / "docs" / "modding.md"


BAD_EVENT = '''#:schema ../schema/event.schema.json
id = "bad-event"
title = "A {firm} event with a {typo}"
text = "Broken on purpose."
chance = 1.5
mtth = 4
cooldwon = 2

[trigger]
all = [
    { metric = "city.land_shar", op = ">", value = 0.3 },
    { metric = "city.land_share", op = ">", value = 1.5 },
    { metric = "game.year", min = 2030, max = 2020 },
    { flag = "never-set" },
]

[[options]]
label = "Spend"
effects = [
    { op = "add", field = "city.gdp_bn", value = 1 },
    { op = "ad", field = "city.treasury_bn", value = 1 },
    { op = "spawn_firm", template = "neta-autoo" },
]
follow_up = { event = "loop-b", after = 2 }
ai_default = 3
'''


def broken_pack(root: Path) -> Path:
    """The starter pack, broken on purpose in every way the validator knows (docs/modding.md
    shows what it prints for this pack)."""
    mods.new_pack(root, "broken")
    pack = root / "pack.toml"
    pack.write_text(pack.read_text(encoding="utf-8").replace('requires = ["base"]',
                                                              'requires = ["base", "other-pack"]'), encoding="utf-8")
    firm = root / "firms" / "lakeside-cells.toml"
    firm.write_text(firm.read_text(encoding="utf-8").replace("capacity_bn = 3.0", 'capacity_bn = "three"'),
                    encoding="utf-8")
    return write(root, {
        "events/bad-event.toml": BAD_EVENT,
        "events/loop-a.toml": 'id = "loop-a"\ntitle = "Loop A"\ntext = "Leads to B."\nchance = 0.1\n'
                              'effects = [ { op = "queue", event = "loop-b", after = 1 } ]\n',
        "events/loop-b.toml": 'id = "loop-b"\ntitle = "Loop B"\ntext = "Leads back to A."\n'
                              'effects = [ { op = "queue", event = "loop-a", after = 1 } ]\n',
        "events/zz-dup.toml": 'id = "loop-b"\ntitle = "Duplicate"\ntext = "Same id twice in one pack."\n',
        "events/syntax.toml": 'id = "syntax"\ntitle = "Unclosed\n',
        "events/huge.toml": "# " + "x" * 300_000,
    })


# ----- validate --------------------------------------------------------------------------------


def test_the_base_pack_validates_clean(capsys):
    code, out, _ = run_cli(capsys, "mods", "validate", str(REPO / "content"))
    assert code == 0
    assert out.startswith("OK:") and "load order: base" in out


def test_a_broken_pack_reports_every_kind_of_problem_at_once(tmp_path, capsys):
    pack = broken_pack(tmp_path / "broken")
    code, out, err = run_cli(capsys, "mods", "validate", str(pack))
    assert code == 1
    lines = out.splitlines()
    line_re = re.compile(r"^(?P<file>[^:]+\.toml):(?P<line>\d+)(:\d+)?: (warning: )?(?P<key>\S+): (?P<msg>.+)$")
    for line in lines:
        assert line_re.match(line), line
    text = "\n".join(lines)
    for needle in [
        "requires.1: needs the pack 'other-pack'",                      # dangling pack id
        'capacity_bn: expected a number, got the text "three"',          # wrong type
        "chance: 1.5 is out of range: chance per quarter while the trigger holds, above 0 and at most 1",
        "did you mean 'add'?",                                            # misspelt effect op
        "ai_default is a key of the whole file",                          # TOML table trap
        "cooldwon: unknown key; did you mean 'cooldown'?",                # unknown key
        "duplicate id 'loop-b'",                                          # duplicate id
        "the limit is 262144",                                            # oversize file
        "TOML syntax",                                                    # bad syntax
        "mtth: give chance or mtth, not both",
        "unknown metric 'city.land_shar'; did you mean 'city.land_share'?",
        "impossible: city.land_share is always between 0 and 1",          # impossible comparison
        "impossible range: min 2030 is above max 2020",                   # impossible range
        "no event or scenario sets the flag 'never-set'",
        "unknown placeholder {typo}",
        "city.gdp_bn can be read but not changed",
        "unknown firm 'neta-autoo'; did you mean 'neta-auto'?",           # dangling id
        "follow-up chain loops back on itself: loop-a -> loop-b -> loop-a",
    ]:
        assert needle in text, needle
    assert re.search(r"\d+ problems in \d+ files", err)
    # lines point at the key: the misspelt metric sits on line 11 of bad-event.toml
    assert any(ln.endswith("unknown metric 'city.land_shar'; did you mean 'city.land_share'?")
               and "bad-event.toml:11:" in ln for ln in lines)


def test_the_docs_show_what_the_validator_really_prints(tmp_path, capsys):
    pack = broken_pack(tmp_path / "broken")
    run_cli(capsys, "mods", "validate", str(pack))
    capsys.readouterr()
    code, out, err = run_cli(capsys, "mods", "validate", str(pack))
    actual = {ln.replace(str(pack), "broken") for ln in out.splitlines()}
    doc = DOCS.read_text(encoding="utf-8")
    sample = doc.split("Here it is on a pack broken on purpose")[1].split("```")[1].strip().splitlines()
    shown = [ln for ln in sample if ln.startswith("broken/")]
    assert len(shown) >= 15
    assert set(shown) == actual
    assert sample[-1] == err.strip().splitlines()[-1]


def test_a_single_file_is_checked_by_its_folder(tmp_path, capsys):
    path = write(tmp_path, {"events/one.toml": BAD_EVENT.replace('"loop-b"', '"land-cliff"')})
    code, out, _ = run_cli(capsys, "mods", "validate", str(path / "events" / "one.toml"))
    assert code == 1
    assert str(path / "events" / "one.toml") + ":11:" in out
    assert "city.land_shar" in out


def test_validate_refuses_what_is_not_content(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    code, out, _ = run_cli(capsys, "mods", "validate", str(tmp_path / "empty"), str(tmp_path / "missing.toml"))
    assert code == 1
    assert "pack.toml is missing" in out and "no such file" in out


# ----- new, schema, test, list -------------------------------------------------------------------


def test_new_pack_validates_loads_and_its_expectations_hold(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "mods", "new", "My First Pack", "--dir", str(tmp_path))
    assert code == 0
    pack = tmp_path / "my-first-pack"
    assert (pack / "pack.toml").read_text(encoding="utf-8").startswith("#:schema ./schema/pack.schema.json")
    for toml in pack.rglob("*.toml"):
        first = toml.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("#:schema ") and (toml.parent / first.split(" ", 1)[1]).is_file(), toml
    assert run_cli(capsys, "mods", "validate", str(pack))[0] == 0
    content = load_content([pack])
    assert "lakeside-batteries" in content.scenarios and "lakeside-battery-fair" in content.events
    code, out, err = run_cli(capsys, "mods", "test", str(pack))
    assert code == 0, out + err
    assert out.count("held ") == 2 and "2 of 2 expectations held" in err
    assert run_cli(capsys, "mods", "new", "My First Pack", "--dir", str(tmp_path))[0] == 1  # not over it


def test_mods_test_reports_an_expectation_that_does_not_hold(tmp_path, capsys):
    mods.new_pack(tmp_path / "p", "p")
    sc = tmp_path / "p" / "scenarios" / "lakeside-batteries.toml"
    sc.write_text(sc.read_text(encoding="utf-8").replace('op = "=="\nvalue = 0', 'op = ">"\nvalue = 0'),
                  encoding="utf-8")
    code, out, err = run_cli(capsys, "mods", "test", str(tmp_path / "p"))
    assert code == 1
    assert out.splitlines()[0].startswith("NOT HELD lakeside-batteries #1")
    assert "1 of 2 expectations held" in err


def test_schema_files_are_json_schema_with_registry_names(tmp_path, capsys):
    code, out, err = run_cli(capsys, "mods", "schema", "--out", str(tmp_path))
    assert code == 0 and "#:schema" in err
    names = {p.name for p in tmp_path.iterdir()}
    kinds = ("sector", "firm", "scenario", "event", "bot")
    assert names == {f"{k}.schema.json" for k in ("pack", *kinds)} | {f"{k}.patch.schema.json" for k in kinds}
    event = json.loads((tmp_path / "event.schema.json").read_text(encoding="utf-8"))
    assert event["$schema"].endswith("2020-12/schema")
    text = json.dumps(event)
    assert '"city.land_share"' in text and '"city.treasury_bn"' in text  # completion of names
    assert "additionalProperties" in text
    # nullable fields are one schema, so an editor reports the range, not "anyOf"
    assert event["properties"]["chance"] == {"type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 1,
                                             "default": None, "unit": "chance per quarter while the trigger holds"}
    for name in mods.schema_names():
        assert '{"type": "null"}' not in json.dumps(json.loads((tmp_path / f"{name}.schema.json").read_text(
            encoding="utf-8"))), name
    code, out, err = run_cli(capsys, "mods", "schema", "--out", str(tmp_path / "event.schema.json"))
    assert code == 1 and err.startswith("architect: cannot write the schemas to ") and "is a file" in err


def test_committed_schemas_are_current():
    for name in mods.schema_names():
        committed = json.loads((REPO / "docs" / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert committed == mods.json_schema(name), f"run: architect mods schema --out docs/schema ({name})"
    shipped = {p.name for p in (REPO / "docs" / "schema").iterdir()}
    assert shipped == {f"{n}.schema.json" for n in mods.schema_names()}


def test_every_base_file_points_its_editor_at_its_schema():
    files = sorted((REPO / "content").rglob("*.toml"))
    assert len(files) > 70
    for toml in files:
        kind = "pack" if toml.name == "pack.toml" else mods.KIND_OF_FOLDER[toml.parent.name]
        first = toml.read_text(encoding="utf-8").splitlines()[0]
        rel = "../docs/schema" if kind == "pack" else "../../docs/schema"
        assert first == f"#:schema {rel}/{kind}.schema.json", toml
        assert (toml.parent / first.split(" ", 1)[1]).is_file(), toml


def test_list_shows_the_load_order_and_what_each_pack_changed(tmp_path, capsys):
    a = write(tmp_path / "a", {"pack.toml": 'id = "a"\nname = "A"\nversion = "1.0"\n',
                               "events/price-war.toml": (REPO / "content/events/price-war.toml").read_text(encoding="utf-8")})
    code, out, _ = run_cli(capsys, "--mods", str(a), "mods", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("base ") and lines[1].startswith("a 1.0: A")
    assert any(ln.strip().startswith("events/price-war: base: defines (content/events/price-war.toml:")
               and "-> a: replaces (a/events/price-war.toml:" in ln for ln in lines)


# ----- packs: load order, overrides, the mods folder ---------------------------------------------


def test_the_load_order_follows_requires_and_load_after(tmp_path):
    a = write(tmp_path / "a", {"pack.toml": 'id = "a"\nname = "A"\nversion = "1.0"\n'})
    b = write(tmp_path / "b", {"pack.toml": 'id = "b"\nname = "B"\nversion = "1.0"\nrequires = ["base", "a"]\n'})
    c = write(tmp_path / "c", {"pack.toml": 'id = "c"\nname = "C"\nversion = "1.0"\nload_after = ["b", "absent"]\n'})
    assert [p.id for p in load_content([a, b]).packs] == ["base", "a", "b"]
    assert [p.id for p in load_content([b, a]).packs] == ["base", "a", "b"]  # sorted, not refused
    assert [p.id for p in load_content([c, b, a]).packs] == ["base", "a", "b", "c"]
    assert [p.id for p in load_content([c]).packs] == ["base", "c"]  # load_after an absent pack: fine


def test_a_missing_requirement_or_a_cycle_is_named(tmp_path):
    b = write(tmp_path / "b", {"pack.toml": 'id = "b"\nname = "B"\nversion = "1.0"\nrequires = ["base", "aa"]\n'})
    a = write(tmp_path / "a", {"pack.toml": 'id = "a"\nname = "A"\nversion = "1.0"\n'})
    with pytest.raises(ContentError) as info:
        load_content([b, a])
    [p] = info.value.errors
    assert (p.file, p.line, p.key) == ("b/pack.toml", 4, "requires.1")
    assert "needs the pack 'aa', which is not loaded (loaded: base, b, a)" in str(p) and "did you mean 'a'?" in str(p)
    x = write(tmp_path / "x", {"pack.toml": 'id = "x"\nname = "X"\nversion = "1.0"\nrequires = ["y"]\n'})
    y = write(tmp_path / "y", {"pack.toml": 'id = "y"\nname = "Y"\nversion = "1.0"\nload_after = ["x"]\n'})
    with pytest.raises(ContentError) as info:
        load_content([x, y])
    [p] = info.value.errors
    assert str(p) == ("x/pack.toml:4: requires.0: the load order has a cycle: x -> y -> x (each must load "
                      "after the next): drop one of these requires or load_after")


def test_a_later_pack_overrides_an_event_by_id(tmp_path):
    text = (REPO / "content/events/price-war.toml").read_text(encoding="utf-8")
    a = write(tmp_path / "a", {"pack.toml": 'id = "a"\nname = "A"\nversion = "1.0"\n',
                               "events/pw.toml": text.replace("chance = 0.15", "chance = 0.9")})
    b = write(tmp_path / "b", {"pack.toml": 'id = "b"\nname = "B"\nversion = "1.0"\n',
                               "events/pw.toml": text.replace("chance = 0.15", "chance = 0.01")})
    assert load_content([a]).events["price-war"].chance == 0.9
    both = load_content([a, b])
    assert both.events["price-war"].chance == 0.01
    assert [(k, i) for k, i, *_ in both.overrides] == [("events", "price-war"), ("events", "price-war")]
    [clash] = both.warnings
    assert clash.file == "b/events/pw.toml" and clash.line == 5
    assert "events/price-war is replaced by b after a replaced it (a/events/pw.toml:5): a's changes are lost" \
        in clash.message
    assert load_content([b, a]).events["price-war"].chance == 0.9


def test_the_mods_folder_is_discovered_in_name_order(tmp_path, monkeypatch):
    for name in ("zeta", "alpha"):
        write(tmp_path / name, {"pack.toml": f'id = "{name}"\nname = "{name}"\nversion = "1.0"\n'})
    (tmp_path / "not-a-pack").mkdir()
    monkeypatch.setenv("ARCHITECT_MODS", str(tmp_path))
    assert [p.name for p in discover_mods()] == ["alpha", "zeta"]


# ----- the reference ----------------------------------------------------------------------------


def test_the_reference_in_the_docs_is_current(capsys):
    code, out, err = run_cli(capsys, "mods", "docs", "--check", "--file", str(DOCS))
    assert code == 0, "docs/modding.md is stale: run  architect mods docs --write"


def test_the_reference_names_every_metric_field_effect_kind_and_base_id(content):
    from game.engine.registry import FIELDS, METRICS

    ref = mods.reference_markdown(content)
    for name in [*METRICS, *FIELDS]:
        assert f"`{name}`" in ref, name
    for op in ("add", "multiply", "set", "stake", "invest", "spawn_firm", "set_flag", "clear_flag",
               "modifier", "queue"):
        assert f"`{op}`" in ref, op
    for meta in (FIELDS["city.treasury_bn"], METRICS["city.land_share"]):
        assert meta.unit and meta.meaning
    for table in ("#### bot (`bots/`)", "##### BotRule", "##### MilestoneDef", "##### MilestoneWhen",
                  "##### Expectation", "##### ForcedEvent"):
        assert table in ref, table
    for kind in ("sectors", "firms", "scenarios", "events"):
        for item in getattr(content, kind):
            assert f"| `{item}` |" in ref, item
    assert "| `demand_bn` | `number`: ¥ bn of output a year, above 0 and at most 20,000 | required |" in ref
    assert "| `name` | `text`, at most 60 characters | required |" in ref
    assert "docs/calibration.md" in ref
