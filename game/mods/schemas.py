"""JSON Schemas of the content files, for editors (taplo, Even Better TOML): one per kind and
one per kind of patch, with the registry's metric and field names as enums so an editor
completes them, each number's unit and range, and nullable fields written as
``type: [X, "null"]`` so an editor reports the range rather than "not valid under any of
the schemas listed in 'anyOf'"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from game.content.event_schema import METRIC_PATTERN
from game.content.names import field_names, metric_names
from game.content.patches import patch_model
from game.content.schema import BotDef, EventDef, FirmDef, PackDef, ScenarioDef, SectorDef

SCHEMA_FILES: dict[str, type[BaseModel]] = {
    "pack": PackDef, "sector": SectorDef, "firm": FirmDef, "scenario": ScenarioDef, "event": EventDef,
    "bot": BotDef,
}
PATCHABLE = ("sector", "firm", "scenario", "event", "bot")
KIND_OF_FOLDER = {"sectors": "sector", "firms": "firm", "scenarios": "scenario", "events": "event", "bots": "bot"}
SCHEMA_ID = "https://industrial-architect.example/schema/{name}.schema.json"


def schema_names() -> list[str]:
    """Every schema file's name without .schema.json: the kinds, then their patches."""
    return [*SCHEMA_FILES, *(f"{k}.patch" for k in PATCHABLE)]


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a kind ("event") or of its patches ("event.patch")."""
    kind, _, patch = name.partition(".")
    model = patch_model(SCHEMA_FILES[kind]) if patch else SCHEMA_FILES[kind]
    schema = model.model_json_schema()
    metrics, fields = metric_names(), field_names()

    def walk(node: Any, key: str | None = None) -> Any:
        if isinstance(node, list):
            return [walk(v, key) for v in node]
        if not isinstance(node, dict):
            return node
        node = _nullable(node)
        if node.get("pattern") == METRIC_PATTERN:
            node["enum"] = fields if key == "field" else metrics
        out = {}
        for k, v in node.items():
            if k == "properties" and isinstance(v, dict):
                out[k] = {p: walk(sub, p) for p, sub in v.items()}
            elif k in ("title",):
                continue
            else:
                out[k] = walk(v, key)
        return out

    schema = walk(schema)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID.format(name=name),
            **schema}


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    """``anyOf: [X, {type: null}]`` as one schema: ``type: [x, "null"]`` where X has a type of
    its own, else X alone (TOML has no null, so a file can only leave such a key out)."""
    options = node.get("anyOf")
    if not isinstance(options, list) or {"type": "null"} not in options:
        return node
    rest = [o for o in options if o != {"type": "null"}]
    if len(rest) != 1:
        return {**node, "anyOf": rest}
    [only] = rest
    merged = {k: v for k, v in node.items() if k != "anyOf"}
    if isinstance(only.get("type"), str):
        return {**only, **merged, "type": [only["type"], "null"]}
    return {**only, **merged}


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into ``folder``; refuses a folder that is a file."""
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"{folder} is a file, not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in schema_names():
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(json_schema(name), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
