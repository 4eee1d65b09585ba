"""docs/modding.md: every TOML example validates, and the command output it shows is what
the commands print."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from game import mods
from tests.helpers import REPO, run_cli, write_files

DOC = (REPO / "docs" / "modding.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```toml\n(.*?)```", DOC, re.S)
SCHEMA_LINE = re.compile(r"^#:schema \.\./schema/(?P<kind>[a-z]+)(?P<patch>\.patch)?\.schema\.json$")
TWEAKS = 'id = "my-tweaks"\nname = "My tweaks"\nversion = "1.0"\nrequires = ["base"]\nload_after = ["my-pack"]\n'


def shown(after: str) -> list[str]:
    """The lines after ``after`` (a command) up to the end of its ``` block in the docs."""
    return DOC.split(after, 1)[1].split("```", 1)[0].strip("\n").splitlines()


@pytest.fixture
def doc_packs(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    """The tutorial's packs, built from the docs' own TOML blocks: my-pack (the starter pack
    with the docs' events, bot and expectations) and my-tweaks (the docs' patches)."""
    monkeypatch.chdir(tmp_path)
    mine, tweaks = Path("my-pack"), Path("my-tweaks")
    mods.new_pack(mine, "My pack")
    write_files(tweaks, {"pack.toml": TWEAKS})
    scenario = mine / "scenarios" / "lakeside-batteries.toml"
    events: list[str] = []
    for block in BLOCKS:
        first = block.splitlines()[0]
        m = SCHEMA_LINE.match(first)
        if m and block.strip() == first:
            assert tomllib.loads(block) == {}  # the line itself, shown alone
            continue
        if m:
            data = tomllib.loads(block)
            name = data.get("id") or data["patch"]
            folder = tweaks if m["patch"] else mine
            write_files(folder, {f"{m['kind']}s/{name}.toml": block})
            if m["kind"] == "event" and not m["patch"]:
                events.append(name)
        elif block.startswith("[[expectations]]"):
            scenario.write_text(scenario.read_text(encoding="utf-8") + "\n" + block, encoding="utf-8")
        else:
            pytest.fail(f"a TOML block of docs/modding.md this test cannot place: {block[:80]!r}")
    text = scenario.read_text(encoding="utf-8")
    old = 'events = ["lakeside-battery-fair", "price-war", "talent-poaching"]'
    new = 'events = ["lakeside-battery-fair", "price-war", "talent-poaching", ' + ", ".join(f'"{e}"' for e in events) + "]"
    scenario.write_text(text.replace(old, new), encoding="utf-8")
    return mine, tweaks


def test_the_docs_have_toml_examples_of_every_kind():
    kinds = {m["kind"] + (m["patch"] or "") for b in BLOCKS if (m := SCHEMA_LINE.match(b.splitlines()[0]))}
    assert {"event", "bot", "sector.patch", "event.patch"} <= kinds
    assert any(b.startswith("[[expectations]]") and "force = " in b and "choose = " in b for b in BLOCKS)


def test_every_toml_block_of_the_docs_validates(doc_packs, capsys):
    mine, tweaks = doc_packs
    code, out, err = run_cli(capsys, "mods", "validate", str(mine), str(tweaks))
    assert code == 0, out + err  # no problem, and no warning either
    assert out.startswith("OK: my-pack, my-tweaks\n")


def test_the_starter_pack_output_shown_is_what_validate_prints(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    mods.new_pack(Path("my-pack"), "My pack")
    code, out, _ = run_cli(capsys, "mods", "validate", "my-pack")
    assert code == 0
    assert shown("$ architect mods validate my-pack\n") == out.strip("\n").splitlines()


def test_the_list_shown_is_what_list_prints(doc_packs, capsys):
    code, out, _ = run_cli(capsys, "--mods", "my-pack", "--mods", "my-tweaks", "mods", "list")
    assert code == 0
    lines = out.strip("\n").splitlines()
    assert lines[0].startswith("base 0.1.0: Industrial Architect: base game  [")
    assert shown("$ architect --mods my-pack --mods my-tweaks mods list\n")[1:] == lines[1:]
