"""Shared fixtures: content loaded once, worlds built per scenario."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from game.content.loader import Content, load_content
from game.engine.build import build_world
from game.engine.world import World

# problems met while playing content go to a log of the test run, never the user's own
os.environ["ARCHITECT_LOG"] = str(Path(tempfile.mkdtemp(prefix="architect-log-")) / "content-problems.log")


def pytest_addoption(parser) -> None:
    parser.addoption("--slow", action="store_true", help="also run the tests marked slow (long fuzzing)")


def pytest_collection_modifyitems(config, items) -> None:
    if config.getoption("--slow") or os.environ.get("ARCHITECT_SLOW_TESTS"):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow (or ARCHITECT_SLOW_TESTS=1)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


def make_world(content: Content, scenario_id: str) -> World:
    return build_world(content.scenario(scenario_id), content.sectors, content.firms)


@pytest.fixture(scope="session")
def hefei(content: Content) -> World:
    return make_world(content, "hefei-2008")


@pytest.fixture(scope="session")
def tutorial(content: Content) -> World:
    return make_world(content, "tutorial")


# ----- helpers for the engine, content and CLI tests -------------------------------------

REPO = Path(__file__).resolve().parent.parent


def world_with(content: Content, scenario_id: str, firms: dict[str, dict] | None = None,
               **scenario_changes) -> World:
    """A base scenario's world with some firm fields (by id) or scenario fields changed."""
    firm_defs = dict(content.firms)
    for fid, changes in (firms or {}).items():
        firm_defs[fid] = firm_defs[fid].model_copy(update=changes)
    scenario = content.scenario(scenario_id).model_copy(update=scenario_changes)
    return build_world(scenario, content.sectors, firm_defs)


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    """A writable copy of the base pack, to be broken by a test and loaded as a mod."""
    dest = tmp_path / "pack"
    shutil.copytree(REPO / "content", dest)
    return dest


@pytest.fixture(scope="session")
def custom_world(content: Content):
    """``custom_world(scenario_id, firms={id: {field: value}}, **scenario_fields)``."""
    return lambda scenario_id, firms=None, **changes: world_with(content, scenario_id, firms, **changes)


@pytest.fixture
def fake_game(monkeypatch) -> list[dict]:
    """`architect play` as if in a terminal but without Textual: each call records the
    options the game screen would have opened with (game.cli.game_screen's) and exits 0."""
    import game.cli

    calls: list[dict] = []

    def game_screen(**options) -> int:
        calls.append(options)
        return 0

    monkeypatch.setattr(game.cli, "terminal_problem", lambda: None)
    monkeypatch.setattr(game.cli, "game_screen", game_screen)
    return calls
