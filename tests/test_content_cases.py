"""Each case of issue 16 that was accepted although broken, or reported without a line,
with the message `architect mods validate` now prints for it, naming FILE:LINE."""

from __future__ import annotations

from pathlib import Path

import pytest

from game import mods
from tests.helpers import base_text, pack, run_cli, write_files

FIRM = "firms/lakeside-cells.toml"
EVENT = "events/lakeside-battery-fair.toml"
SCENARIO = "scenarios/lakeside-batteries.toml"


@pytest.fixture
def starter(tmp_path: Path) -> Path:
    """The starter pack `architect mods new` writes: it validates clean."""
    folder = tmp_path / "solar"
    mods.new_pack(folder, "solar")
    return folder


def edit(folder: Path, rel: str, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` in a file of the pack; returns the line it is on."""
    path = folder / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def validate(capsys, *paths: Path, ok_warnings: bool = False) -> tuple[int, list[str]]:
    argv = ["mods", "validate", *map(str, paths)] + (["--warnings-ok"] if ok_warnings else [])
    code, out, _ = run_cli(capsys, *argv)
    return code, out.splitlines()


def test_the_starter_pack_is_clean(starter, capsys):
    code, lines = validate(capsys, starter)
    assert code == 0 and lines[0] == f"OK: {starter}"


# ----- accepted although broken ------------------------------------------------------------------


def test_a_huge_number_is_out_of_range_with_its_unit(tmp_path, capsys):
    folder = pack(tmp_path / "big", "big", {"sectors/batteries.toml": base_text("sectors/batteries.toml")})
    n = edit(folder, "sectors/batteries.toml", "demand_bn = 15.0", "demand_bn = 1e308")
    assert validate(capsys, folder) == (1, [
        f"{folder}/sectors/batteries.toml:{n}: demand_bn: 1e+308 is out of range: ¥ bn of output a year, "
        "above 0 and at most 20,000"])


@pytest.mark.parametrize("rel,old,new,message", [
    (EVENT, "once = true", 'once = "yes"',
     'once: expected true or false, got the text "yes": write true or false without quotes'),
    (EVENT, "once = true", 'once = true\ncooldown = "12"',
     'cooldown: expected a whole number, got the text "12": write numbers without quotes'),
    (FIRM, "capacity_bn = 3.0", 'capacity_bn = "6.0"',
     'capacity_bn: expected a number, got the text "6.0": write numbers without quotes'),
    (SCENARIO, "turns = 12", "turns = 12.0",
     "turns: expected a whole number, got the number 12 (this key takes whole numbers only)"),
])
def test_text_is_never_taken_for_a_number_or_a_yes(starter, capsys, rel, old, new, message):
    n = edit(starter, rel, old, new) + new.count("\n")
    assert validate(capsys, starter) == (1, [f"{starter}/{rel}:{n}: {message}"])


def test_folders_and_files_the_loader_never_reads_are_warned_about(starter, capsys):
    write_files(starter, {"evnets/port-strike.toml": "id = 'x'\n", "events/notes.txt": "to do\n",
                          "events/readme.tml": "id = 'y'\n", "README.md": "fine\n", "schema/x.json": "{}"})
    code, lines = validate(capsys, starter)
    assert code == 1
    assert lines == [
        f"{starter}/events/notes.txt: warning: (file): not read: only files ending in .toml are content "
        "(keep notes in the pack's README.md)",
        f"{starter}/events/readme.tml: warning: (file): not read: only files ending in .toml are content; "
        "did you mean readme.toml?",
        f"{starter}/evnets/: warning: (folder): unknown folder: the loader never reads it; content goes in "
        "sectors/, firms/, scenarios/, events/, bots/; did you mean 'events'?",
    ]
    code, lines = validate(capsys, starter, ok_warnings=True)
    assert code == 0 and lines[3] == f"OK: {starter} (3 warnings)"


def test_a_sector_that_is_its_own_input_or_a_ring_of_inputs(tmp_path, capsys):
    folder = pack(tmp_path / "loops", "loops", {
        "sectors/own.toml": 'patch = "batteries"\ninputs = { add = ["batteries"] }\n',
        "sectors/ring.toml": 'patch = "chip-equipment"\ninputs = ["memory-chips"]\n'})
    code, lines = validate(capsys, folder)
    assert (code, lines) == (1, [
        f"{folder}/sectors/own.toml:2: warning: inputs.0: sector 'batteries' is its own input; a supply chain "
        "needs a start",
        f"{folder}/sectors/ring.toml:2: warning: inputs.0: inputs loop back: chip-equipment -> memory-chips -> "
        "chip-equipment; a supply chain needs a start"])


def test_an_event_scoped_to_a_sector_no_scenario_has_can_never_fire(starter, capsys):
    write_files(starter, {"sectors/solar-glass.toml": base_text("sectors/display-glass.toml").replace(
        'id = "display-glass"', 'id = "solar-glass"'),
        "events/glass-boom.toml": 'id = "glass-boom"\ntitle = "Glass boom"\ntext = "Orders pile up."\n'
                                  'chance = 0.2\n\n[scope]\nkind = "sector"\nsectors = ["solar-glass"]\n'})
    code, lines = validate(capsys, starter)
    assert (code, lines) == (1, [
        f"{starter}/events/glass-boom.toml:8: warning: scope.sectors: can never fire: its scope's sectors "
        "(solar-glass) are not in any scenario it is in play in (classroom, hefei-2008, herd-fever, land-cliff, "
        "tutorial)"])


def test_the_same_pack_twice_or_two_packs_with_one_id(starter, tmp_path, capsys):
    code, lines = validate(capsys, starter, starter)
    assert (code, lines) == (1, [f"{starter}/: warning: (folder): this pack folder is given twice (also as "
                                 f"{starter}); it loads once"])
    twin = tmp_path / "twin"
    mods.new_pack(twin, "solar")
    code, lines = validate(capsys, starter, twin)
    assert code == 1
    assert f"{twin}/pack.toml:2: warning: id: pack id 'solar' is also the id of {starter}; both load, this one " \
        "later (give each pack its own id, or `requires` cannot tell them apart)" in lines


# ----- reported without a line, or misleadingly ------------------------------------------------------


def test_bytes_that_are_not_utf8_get_their_line_and_column(starter, capsys):
    path = starter / FIRM
    path.write_bytes(path.read_bytes().replace(b"A battery maker", b"A batt\xe9ry maker"))
    assert validate(capsys, starter) == (1, [
        f"{starter}/{FIRM}:5:22: (file): not UTF-8 text: byte 0xE9 cannot be read (invalid continuation "
        "byte); the file may be in Latin-1 or a Windows code page: save it as UTF-8"])


def test_a_byte_order_mark_is_named_and_skipped(starter, capsys):
    path = starter / EVENT
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, lines = validate(capsys, starter)
    assert (code, lines) == (1, [
        f"{starter}/{EVENT}:1:1: warning: (file): the file starts with a UTF-8 byte order mark (BOM); the game "
        "skips it, but TOML 1.0 does not allow one and other tools may stop at it: save the file as UTF-8 "
        "without BOM"])
    assert validate(capsys, starter, ok_warnings=True)[0] == 0  # it loads


def test_a_missing_key_points_at_its_table(starter, capsys):
    edit(starter, FIRM, 'name = "Lakeside Cells"\n', "")
    header = edit(starter, SCENARIO, 'id = "hillport"\nname = "Hillport"\n', 'id = "hillport"\n') - 1
    write_files(starter, {"events/empty.toml": "# nothing yet\n"})
    assert validate(capsys, starter) == (1, [
        f"{starter}/{FIRM}:1: name: required key is missing",
        f"{starter}/{SCENARIO}:{header}: cities.1.name: required key is missing from this [[cities]] table",
        f"{starter}/events/empty.toml:1: (file): the file is empty: an event needs at least id, title, text "
        '(or `patch = "id"` and the keys it changes)'])


def test_scenario_errors_and_expectations_have_their_lines(starter, capsys):
    n = edit(starter, SCENARIO, 'player_city = "lakeside"', 'player_city = "lakesde"')
    m = edit(starter, SCENARIO, 'bot = "pass"\nworlds = 10\n', 'bot = "pass"\nworlds = 10\nevent = "price-war"\n') - 2
    code, lines = validate(capsys, starter)
    assert (code, lines) == (1, [
        f"{starter}/{SCENARIO}:{n}: player_city: player_city 'lakesde' is not one of the cities (lakeside, "
        "hillport); did you mean 'lakeside'?"])
    edit(starter, SCENARIO, 'player_city = "lakesde"', 'player_city = "lakeside"')
    code, lines = validate(capsys, starter)
    assert (code, lines) == (1, [
        f"{starter}/{SCENARIO}:{m}: expectations.0: an expectation checks either a metric (metric, op, value) "
        "or an event (event, at_least)"])


def test_toml_11_habits_are_named(starter, capsys):
    n = edit(starter, EVENT, '{ op = "add", field = "sector.sentiment", value = 0.1 },',
             '{ op = "add", field = "sector.sentiment",\n      value = 0.1 },')
    assert validate(capsys, starter) == (1, [
        f"{starter}/{EVENT}:{n}:46: (file): TOML syntax: a line break inside an inline table {{ ... }}; the game "
        "reads TOML 1.0, where an inline table closes on the line it opens, with no comma before its '}' "
        "(TOML 1.1 allows both): keep it on one line, or write an array of one-line tables"])


def test_did_you_mean_for_every_kind_of_id(starter, capsys):
    lines_of = {}
    lines_of["sector"] = edit(starter, SCENARIO, 'sectors = ["batteries", "ev-makers"]',
                              'sectors = ["batteries", "ev-maker"]')
    lines_of["archetype"] = edit(starter, SCENARIO, 'archetype = "herd-chaser"', 'archetype = "herd-chasr"')
    lines_of["events"] = edit(starter, SCENARIO, 'events = ["lakeside-battery-fair", "price-war", "talent-poaching"]',
                              'events = "al"')
    lines_of["pack"] = edit(starter, "pack.toml", 'id = "solar"', 'id = "Solar Pack"')
    lines_of["firm"] = edit(starter, EVENT, 'title = "{firm} shows', 'effects = [ { op = "stake", change = 0.1, '
                            'firm = "lakeside-cell" } ]\ntitle = "{firm} shows')
    write_files(starter, {"bots/b.toml": 'id = "b"\nname = "B"\n\n[[rules]]\ndo = "sel_land"\nhectares = 10\n'})
    code, lines = validate(capsys, starter)
    assert code == 1
    assert lines == [
        f"{starter}/pack.toml:{lines_of['pack']}: id: 'Solar Pack' is not an id: ids are lower-case letters, "
        "digits and '-', starting with a letter or digit (e.g. \"solar-cells\"); did you mean 'solar-pack'?",
        f"{starter}/{SCENARIO}:{lines_of['events']}: events: expected \"all\" or a list [ ... ]; got the text "
        "\"al\"; did you mean 'all'?",
        f"{starter}/{SCENARIO}:{lines_of['archetype']}: cities.1.archetype: expected one of \"player\", "
        "\"herd-chaser\", \"land-addict\", \"cautious\", \"copycat\"; got the text \"herd-chasr\"; did you mean "
        "'herd-chaser'?",
        f"{starter}/bots/b.toml:5: rules.0.do: expected one of \"sell_land\", \"issue_bonds\", \"repay_bonds\", "
        "\"build\", \"recruit\", \"fund\", \"back_prospects\", \"rescue\", \"exit\"; got the text \"sel_land\"; "
        "did you mean 'sell_land'?",
        f"{starter}/{EVENT}:{lines_of['firm']}: effects.0.firm: unknown firm 'lakeside-cell'; did you mean "
        "'lakeside-cells'?",
    ]
    edit(starter, SCENARIO, 'events = "al"', 'events = "all"')
    edit(starter, SCENARIO, 'archetype = "herd-chasr"', 'archetype = "herd-chaser"')
    edit(starter, FIRM, 'city = "lakeside"', 'city = "lakesde"')
    code, lines = validate(capsys, starter)
    assert f"{starter}/{SCENARIO}:{lines_of['sector']}: sectors.1: unknown sector 'ev-maker'; did you mean " \
        "'ev-makers'?" in lines
    assert any("firms.0: firm 'lakeside-cells' is in city 'lakesde'" in ln and ln.endswith(
        "which is not one of the scenario's cities (lakeside, hillport); did you mean 'lakeside'?") for ln in lines)


def test_one_file_of_a_pack_is_checked_with_its_siblings(starter, tmp_path, capsys):
    write_files(starter, {"events/after-fair.toml": (
        'id = "after-fair"\ntitle = "After the fair"\ntext = "More orders."\nchance = 0.1\n\n'
        '[[options]]\nlabel = "Fine"\neffects = [ { op = "spawn_firm", template = "lakeside-cells" } ]\n')})
    code, lines = validate(capsys, starter / "events" / "after-fair.toml")
    assert (code, lines[0]) == (0, f"OK: {starter / 'events' / 'after-fair.toml'}")
    loose = write_files(tmp_path / "loose", {"events/after-fair.toml": (starter / "events/after-fair.toml")
                                             .read_text(encoding="utf-8")})
    code, lines = validate(capsys, loose / "events" / "after-fair.toml")
    assert (code, lines) == (1, [f"{loose}/events/after-fair.toml:8: options.0.effects.0.template: unknown "
                                 "firm 'lakeside-cells'"])
