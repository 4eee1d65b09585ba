"""Shared fixtures: content loaded once, worlds built per scenario."""

from __future__ import annotations

import pytest

from game.content.loader import Content, load_content
from game.engine.world import World, build_world


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
