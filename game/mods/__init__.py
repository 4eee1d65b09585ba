"""Tools for modders: validate packs, write JSON Schemas, start a pack, test a scenario's
balance, trace its events, list the load order and generate the modding reference.

Everything here reads content through the same loader the game uses, so a pack that
validates is a pack the game loads. Nothing read from a pack is ever run as code. The
names below load their module on first use, so `architect play` pays for none of this.
"""

from __future__ import annotations

from typing import Any

_EXPECT = ("Outcome", "never_fired", "run_expectations", "scenarios_of", "steered")
_REFERENCE = ("REFERENCE_MARK", "reference_markdown")
_SCHEMAS = ("KIND_OF_FOLDER", "SCHEMA_FILES", "json_schema", "schema_names", "write_schemas")
_STARTER = ("new_pack", "pack_folder", "slug")
_CHECK = ("Validation", "provenance", "summary", "validate")
__all__ = sorted(_EXPECT + _REFERENCE + _SCHEMAS + _STARTER + _CHECK)


def __getattr__(name: str) -> Any:
    if name in _EXPECT:
        from game.mods import expect as module
    elif name in _REFERENCE:
        from game.mods import reference as module
    elif name in _SCHEMAS:
        from game.mods import schemas as module
    elif name in _STARTER:
        from game.mods import starter as module
    elif name in _CHECK:
        from game.mods import check as module
    else:
        raise AttributeError(f"module 'game.mods' has no attribute {name!r}")
    return getattr(module, name)
