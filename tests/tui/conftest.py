"""TUI fixtures: a frozen content pack for snapshots (base sectors, fixture firms and
scenarios only), so balance work on the base pack does not move the pictures; and a
temporary save folder and settings file for every test, so no test touches the
player's own; animations off."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from game.content.loader import Content, load_content

FIXTURE_PACK = Path(__file__).parent / "fixture_pack"


@pytest.fixture(autouse=True)
def private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Saves and settings go to this test's own temporary folder."""
    saves = tmp_path / "saves"
    monkeypatch.setenv("ARCHITECT_SAVES", str(saves))
    monkeypatch.setenv("ARCHITECT_SETTINGS", str(tmp_path / "settings.json"))
    # no tab-underline animations to wait for (snapshots turn them off too)
    monkeypatch.setattr("textual.constants.TEXTUAL_ANIMATIONS", "none")
    return saves


@pytest.fixture(scope="session")
def fixture_content() -> Content:
    content = load_content([FIXTURE_PACK])
    scenarios = {k: v for k, v in content.scenarios.items() if k.startswith("fixture-")}
    return replace(content, scenarios=scenarios)
