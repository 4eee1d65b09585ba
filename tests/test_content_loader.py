"""The content loader: the base pack loads; every broken file is reported with its file,
line, dotted key and message; mods override by id; nothing but ContentError escapes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from game.content.loader import MAX_FILE_BYTES, ContentError, Problem, load_content

SECTOR = Path("sectors") / "memory-chips.toml"
SCENARIO = Path("scenarios") / "tutorial.toml"
FIRM = Path("firms") / "aurora-panels.toml"


def line_of(text: str, prefix: str, nth: int = 0) -> int:
    """1-based line of the ``nth`` line that starts with ``prefix``."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if line.lstrip().startswith(prefix)]
    return hits[nth]


def replace_line(path: Path, prefix: str, new: str, nth: int = 0) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    n = line_of("\n".join(lines), prefix, nth)
    lines[n - 1] = new
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return n


def problems_of(*mods: Path) -> list[Problem]:
    with pytest.raises(ContentError) as info:
        load_content(list(mods))
    assert info.value.problems
    assert str(info.value)  # the message lists them
    return info.value.problems


def in_file(problems: list[Problem], rel: Path) -> list[Problem]:
    return [p for p in problems if p.file.replace("\\", "/").endswith(rel.as_posix())]


# ----- the base pack -----------------------------------------------------------------------


def test_the_base_pack_loads(content):
    assert {"hefei-2008", "tutorial"} <= set(content.scenarios)
    assert "memory-chips" in content.sectors and "nio-china" in content.firms
    assert [p.id for p in content.packs] == ["base"]
    for sc in content.scenarios.values():
        assert set(sc.firms) <= set(content.firms)
        assert set(sc.sectors) <= set(content.sectors)


def test_an_unchanged_copy_of_the_pack_loads_as_a_mod(pack_copy, content):
    loaded = load_content([pack_copy])
    assert loaded.sectors == content.sectors
    assert loaded.firms == content.firms
    assert len(loaded.packs) == 2


# ----- syntax, types, keys ---------------------------------------------------------------


def test_bad_toml_syntax_names_the_file_and_line(pack_copy):
    n = replace_line(pack_copy / SECTOR, "capex_per_capacity", "capex_per_capacity = = 3.0")
    problems = problems_of(pack_copy)
    [p] = in_file(problems, SECTOR)
    assert p.line == n
    assert "TOML" in p.message
    assert f":{n}:" in str(p)


def test_unclosed_string_is_reported_on_its_line(pack_copy):
    n = replace_line(pack_copy / FIRM, "name", 'name = "Aurora')
    [p] = in_file(problems_of(pack_copy), FIRM)
    assert p.line == n


def test_a_wrong_type_names_the_key_and_line(pack_copy):
    n = replace_line(pack_copy / SECTOR, "demand_bn", 'demand_bn = "lots"')
    [p] = in_file(problems_of(pack_copy), SECTOR)
    assert p.key == "demand_bn"
    assert p.line == n
    assert "number" in p.message.lower()


def test_a_wrong_value_in_the_second_city_points_into_that_table(pack_copy):
    text = (pack_copy / SCENARIO).read_text(encoding="utf-8")
    n = replace_line(pack_copy / SCENARIO, "gdp_bn", 'gdp_bn = "big"', nth=1)
    assert n > line_of(text, "[[cities]]", 1)
    [p] = in_file(problems_of(pack_copy), SCENARIO)
    assert p.key == "cities.1.gdp_bn"
    assert p.line == n


def test_an_out_of_range_value_is_reported(pack_copy):
    n = replace_line(pack_copy / SECTOR, "build_quarters", "build_quarters = 0")
    [p] = in_file(problems_of(pack_copy), SECTOR)
    assert p.key == "build_quarters" and p.line == n
    assert "1" in p.message


def test_an_unknown_key_is_reported_with_its_line(pack_copy):
    path = pack_copy / SECTOR
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "demand_bm = 3.0\n", encoding="utf-8")
    [p] = in_file(problems_of(pack_copy), SECTOR)
    assert p.key == "demand_bm"
    assert p.message == "unknown key"
    assert p.line == len(text.splitlines()) + 1


def test_a_typo_gives_unknown_key_and_missing_key(pack_copy):
    n = replace_line(pack_copy / SECTOR, "demand_growth", "demand_grwth = 0.10")
    problems = in_file(problems_of(pack_copy), SECTOR)
    by_key = {p.key: p for p in problems}
    assert by_key["demand_grwth"].message == "unknown key"
    assert by_key["demand_grwth"].line == n
    assert by_key["demand_growth"].message == "required key is missing"


def test_a_missing_required_key(pack_copy):
    path = pack_copy / FIRM
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines()
             if not ln.startswith("capacity_bn")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [p] = in_file(problems_of(pack_copy), FIRM)
    assert p.key == "capacity_bn"
    assert "missing" in p.message


def test_an_unknown_key_inside_a_city(pack_copy):
    n = replace_line(pack_copy / SCENARIO, "land_absorption_ha", "land_absorbtion_ha = 80.0")
    [p] = in_file(problems_of(pack_copy), SCENARIO)
    assert p.key == "cities.0.land_absorbtion_ha"
    assert p.message == "unknown key"
    assert p.line == n


# ----- references ------------------------------------------------------------------------


def test_a_firm_with_an_unknown_sector(pack_copy):
    replace_line(pack_copy / FIRM, "sector", 'sector = "quantum-widgets"')
    problems = problems_of(pack_copy)
    hits = [p for p in problems if p.key == "sector" and "quantum-widgets" in p.message]
    assert hits
    assert any("aurora-panels" in p.file for p in hits)


def test_a_scenario_listing_an_unknown_firm(pack_copy):
    replace_line(pack_copy / SCENARIO, "firms", 'firms = ["aurora-panels", "ghost-motors"]')
    problems = problems_of(pack_copy)
    hits = [p for p in problems if "ghost-motors" in p.message]
    assert len(hits) == 1
    assert hits[0].key.split(".")[0] == "firms"  # "firms" or the index, "firms.1"
    assert "tutorial" in hits[0].file


def test_a_scenario_with_an_unknown_player_city(pack_copy):
    replace_line(pack_copy / SCENARIO, "player_city", 'player_city = "atlantis"')
    [p] = in_file(problems_of(pack_copy), SCENARIO)
    assert "atlantis" in p.message


def test_dangling_references_point_at_the_file_and_line(pack_copy):
    """A modder's error names the file and the line, references included (STYLE 6)."""
    n_firm = replace_line(pack_copy / FIRM, "sector", 'sector = "quantum-widgets"')
    problems = problems_of(pack_copy)
    firm_hits = [p for p in problems if "quantum-widgets" in p.message and p.key == "sector"]
    assert firm_hits
    assert firm_hits[0].file.endswith(FIRM.as_posix()), firm_hits[0].file
    assert firm_hits[0].line == n_firm


# ----- several problems, size, encoding --------------------------------------------------


def test_several_problems_are_all_reported(pack_copy):
    n_syntax = replace_line(pack_copy / SECTOR, "unit_cost", "unit_cost = 0.6 0.7")
    n_type = replace_line(pack_copy / FIRM, "capacity_bn", 'capacity_bn = "five"')
    extra = pack_copy / "sectors" / "display-panels.toml"
    extra.write_text(extra.read_text(encoding="utf-8") + "colour = 'blue'\n", encoding="utf-8")
    problems = problems_of(pack_copy)
    assert [p.line for p in in_file(problems, SECTOR)] == [n_syntax]
    assert [(p.key, p.line) for p in in_file(problems, FIRM)] == [("capacity_bn", n_type)]
    assert [p.key for p in in_file(problems, Path("sectors") / "display-panels.toml")] == ["colour"]


def test_an_oversize_file_is_refused(pack_copy):
    path = pack_copy / SECTOR
    text = path.read_text(encoding="utf-8")
    path.write_text(text + ("# padding\n" * (MAX_FILE_BYTES // 10 + 10)), encoding="utf-8")
    [p] = in_file(problems_of(pack_copy), SECTOR)
    assert str(MAX_FILE_BYTES) in p.message


def test_a_file_that_is_not_utf8_is_refused(pack_copy):
    (pack_copy / SECTOR).write_bytes(b'id = "memory-chips"\nname = "\xff\xfe"\n')
    [p] = in_file(problems_of(pack_copy), SECTOR)
    assert "UTF-8" in p.message


def test_deeply_nested_arrays_are_a_content_error(pack_copy):
    """A small file must not crash the parser (RecursionError) instead of being reported."""
    (pack_copy / SECTOR).write_text("x = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    assert in_file(problems_of(pack_copy), SECTOR)


def test_a_folder_without_pack_toml_is_not_a_pack(tmp_path):
    (tmp_path / "sectors").mkdir()
    [p] = problems_of(tmp_path)
    assert "pack.toml" in p.message


def test_an_unknown_scenario_is_a_content_error(content):
    with pytest.raises(ContentError) as info:
        content.scenario("atlantis-2030")
    assert "atlantis-2030" in str(info.value)
    assert "hefei-2008" in str(info.value)


# ----- mods ---------------------------------------------------------------------------------


def write_mod(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pack.toml").write_text('id = "my-mod"\nname = "My mod"\nversion = "1.0"\n', encoding="utf-8")
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_a_mod_overrides_a_sector_by_id(tmp_path, content):
    base = (Path(__file__).resolve().parent.parent / "content" / SECTOR).read_text(encoding="utf-8")
    changed, n = re.subn(r"(?m)^demand_bn = .*$", "demand_bn = 999.0", base)
    assert n == 1
    mod = write_mod(tmp_path / "mod", {"sectors/my-memory.toml": changed})
    loaded = load_content([mod])
    assert loaded.sectors["memory-chips"].demand_bn == 999.0
    assert content.sectors["memory-chips"].demand_bn != 999.0
    for sid, sector in content.sectors.items():
        if sid != "memory-chips":
            assert loaded.sectors[sid] == sector
    assert [p.id for p in loaded.packs] == ["base", "my-mod"]


def test_a_mod_adds_a_firm_and_later_mods_win(tmp_path):
    firm = ('id = "lake-motors"\nname = "Lake Motors"\nsector = "ev-makers"\ncity = "lakeside"\n'
            'capacity_bn = {cap}\ncash_bn = 1.0\n')
    first = write_mod(tmp_path / "a", {"firms/lake.toml": firm.format(cap=2.0)})
    second = write_mod(tmp_path / "b", {"firms/lake.toml": firm.format(cap=5.0)})
    assert load_content([first]).firms["lake-motors"].capacity_bn == 2.0
    assert load_content([first, second]).firms["lake-motors"].capacity_bn == 5.0
    assert load_content([second, first]).firms["lake-motors"].capacity_bn == 2.0


def test_a_broken_mod_names_its_own_file(tmp_path):
    mod = write_mod(tmp_path / "mymod", {"sectors/bad.toml": 'id = "bad"\nname = 3\n'})
    problems = problems_of(mod)
    assert all(p.file.startswith("mymod/") for p in problems)
    assert any(p.key == "name" and p.line == 2 for p in problems)
