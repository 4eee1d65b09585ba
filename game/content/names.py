"""The names content may use for metrics (read) and fields (written), with their units and
ranges: the one place in the content layer that reads the registry.

The registry itself (game/engine/registry.py) declares every name once; the loader's
checks, the JSON Schemas and the modding reference all ask this module for them, so
when the registry moves below content and engine only this import changes.
"""

from __future__ import annotations

from typing import Any

from game.engine.registry import FIELDS, METRICS  # the registry of names (see the module doc)

SCOPES_READ_BY_CITY_RULES = ("game", "city")  # what bots and milestones may read


def metrics() -> dict[str, Any]:
    """Every metric by name: ``.scope``, ``.unit``, ``.meaning``, ``.lo``, ``.hi``."""
    return METRICS


def fields() -> dict[str, Any]:
    """Every writable field by name: a metric's attributes plus ``.lasting`` and ``.ledger``."""
    return FIELDS


def metric_names() -> list[str]:
    return sorted(METRICS)


def field_names() -> list[str]:
    return sorted(FIELDS)
