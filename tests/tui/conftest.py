"""TUI fixtures: a frozen content pack for snapshots (base sectors, fixture firms and
scenarios only), so balance work on the base pack does not move the pictures."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from game.content.loader import Content, load_content

FIXTURE_PACK = Path(__file__).parent / "fixture_pack"


@pytest.fixture(scope="session")
def fixture_content() -> Content:
    content = load_content([FIXTURE_PACK])
    scenarios = {k: v for k, v in content.scenarios.items() if k.startswith("fixture-")}
    return replace(content, scenarios=scenarios)
