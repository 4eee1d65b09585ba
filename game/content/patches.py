"""Patches: a file that changes some fields of an item an earlier pack defined, instead of
copying it whole.

A patch names its target with ``patch = "id"`` where a full file has ``id``, and gives only
what changes. A list may be replaced, or changed with ``{ add = [...], remove = [...] }``
(items of a list of tables are removed by their ``id``); a table such as ``[scope]`` or
``[score]`` is merged key by key; anything else is replaced. The patch is checked against
the kind's patch schema (every key optional), then the patched item against the kind's
full schema, so a patch is checked like the rest and its problems point into the patch.
"""

from __future__ import annotations

import functools
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, ValidationError, create_model
from pydantic.fields import FieldInfo

from game.content.event_schema import Id, Strict
from game.content.locate import suggest
from game.content.messages import problems_from
from game.content.positions import key_positions, position_of
from game.content.problems import Problem

PATCH_KEY = "patch"


@dataclass(frozen=True)
class Touch:
    """One pack's hand on an item: it defined, replaced or patched it (which fields)."""

    pack: str
    file: str
    line: int
    action: str  # "defines", "replaces" or "patches"
    fields: tuple[str, ...]  # the fields it set (a whole item: every field it wrote)

    def __str__(self) -> str:
        what = f" {', '.join(self.fields)}" if self.action == "patches" else ""
        return f"{self.pack}: {self.action}{what} ({self.file}:{self.line})"


def _strip_optional(tp: Any) -> Any:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        members = [m for m in typing.get_args(tp) if m is not type(None)]
        if len(members) == 1:
            return members[0]
    return tp


def _model_of(tp: Any) -> type[BaseModel] | None:
    tp = _strip_optional(tp)
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _list_item(tp: Any) -> Any | None:
    tp = _strip_optional(tp)
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) is list:
        return typing.get_args(tp)[0]
    return None


def _has_id(tp: Any) -> bool:
    model = _model_of(tp)
    return model is not None and "id" in model.model_fields


@functools.cache
def list_patch(item: Any, owner: str, field: str) -> type[BaseModel]:
    """``{ add = [...], remove = [...] }`` for the list ``field`` of ``owner``."""
    model = _model_of(item)
    name = owner.removesuffix("Def") + "".join(w.capitalize() for w in field.split("_")) + "Change"
    fields: dict[str, Any] = {"add": (list[item], Field(default_factory=list, max_length=100,
                                                            description="items to append"))}
    if model is None or _has_id(item):
        removable = Id if model is not None else item
        fields["remove"] = (list[removable], Field(default_factory=list, max_length=100,
                                                   description="items to remove (tables by their id)"))
    return create_model(name, __base__=Strict, __doc__="Add to a list or remove from it.", **fields)


@functools.cache
def patch_model(model: type[BaseModel], top: bool = True) -> type[BaseModel]:
    """The schema of a patch of ``model``: every field optional; lists take add/remove."""
    fields: dict[str, Any] = {}
    if top:
        fields[PATCH_KEY] = (Id, Field(description="the id of the item this file changes"))
    for name, info in model.model_fields.items():
        if top and name == "id":
            continue
        inner = _strip_optional(info.annotation)
        sub = _model_of(inner)
        item = _list_item(inner)
        if sub is not None or item is not None:
            tp: Any = patch_model(sub, top=False) if sub is not None else \
                typing.Annotated[inner, *info.metadata] | list_patch(item, model.__name__, name)
            fields[name] = (tp | None, Field(default=None, alias=info.alias, description=info.description,
                                             json_schema_extra=info.json_schema_extra))
        else:  # the field as declared (its bounds and unit), but optional
            fields[name] = (inner | None, FieldInfo.merge_field_infos(info, default=None, default_factory=None))
    doc = f"A patch of a {model.__name__}: only the keys given change." if top else model.__doc__
    return create_model(f"{model.__name__}Patch", __base__=Strict, __doc__=doc, **fields)


def apply(model: type[BaseModel], old: dict[str, Any], patch: dict[str, Any],
          where: tuple[Any, ...] = ()) -> tuple[dict[str, Any], list[tuple[tuple[Any, ...], str]]]:
    """``old`` (a dumped item) with ``patch`` (the file's data, checked) applied; and what the
    patch asked that cannot be done, as (key path, message)."""
    new = dict(old)
    wrong: list[tuple[tuple[Any, ...], str]] = []
    for key, value in patch.items():
        if where == () and key == PATCH_KEY:
            continue
        name = next((n for n, f in model.model_fields.items() if key in (n, f.alias)), key)
        info = model.model_fields.get(name)
        inner = _strip_optional(info.annotation) if info else None
        sub, item = _model_of(inner), _list_item(inner)
        before = old.get(key)
        if sub is not None and isinstance(value, dict) and isinstance(before, dict):
            new[key], more = apply(sub, before, value, (*where, key))
            wrong += more
        elif item is not None and isinstance(value, dict):
            new[key], more = _change_list(item, list(before or []), value, (*where, key))
            wrong += more
        elif isinstance(value, dict) and isinstance(before, dict) and sub is None \
                and typing.get_origin(_bare(inner)) is dict:
            new[key] = {**before, **value}
        else:
            new[key] = value
    return new, wrong


def _bare(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _change_list(item: Any, items: list[Any], change: dict[str, Any],
                 where: tuple[Any, ...]) -> tuple[list[Any], list[tuple[tuple[Any, ...], str]]]:
    wrong = []
    by_id = _has_id(item)
    for k, gone in enumerate(change.get("remove", [])):
        keys = [x.get("id") if by_id and isinstance(x, dict) else x for x in items]
        if gone not in keys:
            shown = ", ".join(repr(x) for x in keys) or "nothing"
            wrong.append(((*where, "remove", k), f"{gone!r} is not in {where[-1]} (it holds {shown})"
                          + suggest(str(gone), [str(x) for x in keys])))
            continue
        del items[keys.index(gone)]
    for k, extra in enumerate(change.get("add", [])):
        key = extra.get("id") if by_id and isinstance(extra, dict) else extra
        keys = [x.get("id") if by_id and isinstance(x, dict) else x for x in items]
        if key in keys:
            wrong.append(((*where, "add", k), f"{key!r} is already in {where[-1]}"))
            continue
        items.append(extra)
    return items, wrong


def fields_touched(patch: dict[str, Any], where: str = "") -> tuple[str, ...]:
    """The dotted fields a patch sets (a merged table: each of its keys)."""
    out: list[str] = []
    for key, value in patch.items():
        if not where and key == PATCH_KEY:
            continue
        dotted = f"{where}{key}"
        if isinstance(value, dict) and not ({"add", "remove"} >= set(value) and value):
            out += fields_touched(value, dotted + ".") or [dotted]
        else:
            out.append(dotted)
    return tuple(out)


def patched(model: type[BaseModel], target: BaseModel, data: dict[str, Any], text: str,
            label: str, problems: list[Problem]) -> BaseModel | None:
    """The target with the file's patch applied and checked, or None (problems appended)."""
    try:
        patch_model(model).model_validate(data)
    except ValidationError as exc:
        problems += problems_from(exc, patch_model(model), text, label)
        return None
    old = target.model_dump(by_alias=True)
    new, wrong = apply(model, old, data)
    positions = key_positions(text)
    for loc, message in wrong:
        problems.append(Problem(label, position_of(positions, loc)[0], ".".join(map(str, loc)), message))
    if wrong:
        return None
    try:
        return model.model_validate(new)
    except ValidationError as exc:
        found = problems_from(exc, model, text, label)
        for p in found:
            line = p.line if p.key.split(".")[0] in data else position_of(positions, (PATCH_KEY,))[0]
            problems.append(Problem(label, line, p.key, "after the patch: " + p.message, p.hint))
        return None
