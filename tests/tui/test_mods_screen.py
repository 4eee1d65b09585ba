"""The Mods screen shows, per item, which packs touched it and in which order, and flags
two packs that change the same field."""

from __future__ import annotations

from pathlib import Path

from game.content.loader import load_content
from game.tui.app import make_app
from game.tui.mods_screen import ModsScreen
from tests.helpers import pack
from tests.tui.helpers import screen_text


async def test_the_mods_screen_shows_who_patched_what(tmp_path: Path) -> None:
    tweaks = pack(tmp_path / "tweaks", "tweaks", {
        "sectors/batteries.toml": 'patch = "batteries"\ndemand_growth = 0.25\n',
        "events/price-war.toml": 'patch = "price-war"\nchance = 0.05\n'})
    other = pack(tmp_path / "other", "other", {"sectors/b.toml": 'patch = "batteries"\ndemand_growth = 0.3\n'},
                 extra='load_after = ["tweaks"]\n')
    content = load_content([other, tweaks])
    app = make_app(content=content)
    async with app.run_test(size=(160, 60)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ModsScreen)
        shown = screen_text(app)
    assert "Changed by later packs, in load order" in shown
    assert ("sectors/batteries 1. base defines content/sectors/batteries.toml:3 2. tweaks patches demand_growth "
            "tweaks/sectors/batteries.toml:1 3. other patches demand_growth other/sectors/b.toml:1") in shown
    assert "events/price-war 1. base defines content/events/price-war.toml:5 2. tweaks patches chance" in shown
    assert "Warnings: 1" in shown
    assert "demand_growth: sectors/batteries: tweaks patches this too" in shown
    assert "loads after tweaks" in shown
