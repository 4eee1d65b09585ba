"""SVG snapshots of the title, the scenario picker and the dashboard at 80x24 and 120x40.

They use the frozen fixture pack (see conftest.py). Regenerate after a deliberate change
with ``pytest tests/tui --snapshot-update`` and look at the SVGs before committing them.
Nothing on these screens depends on the clock.
"""

from __future__ import annotations

import pytest

from game.content.loader import Content
from game.tui.app import make_app

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@SIZES
def test_title(snap_compare, fixture_content: Content, size) -> None:
    assert snap_compare(make_app(content=fixture_content), terminal_size=size)


@SIZES
def test_scenario_picker(snap_compare, fixture_content: Content, size) -> None:
    assert snap_compare(make_app(content=fixture_content), press=["enter"], terminal_size=size)


@SIZES
def test_dashboard(snap_compare, fixture_content: Content, size) -> None:
    """The first turn: an owned firm, an offer, a rival's firm, the advisor and the news."""
    app = make_app(content=fixture_content, scenario="fixture-riverside")
    assert snap_compare(app, terminal_size=size)
