"""Pointing a modder at the right place: dotted keys without pydantic's union tags, the
keys a table may hold, and "did you mean" suggestions. (Lines of keys: positions.py.)
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

# ----- dotted keys without union tags ------------------------------------------------------------


def _strip_annotated(tp: Any) -> tuple[Any, tuple[Any, ...]]:
    meta: tuple[Any, ...] = ()
    while typing.get_origin(tp) is typing.Annotated:
        args = typing.get_args(tp)
        tp, meta = args[0], meta + tuple(args[1:])
    return tp, meta


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _model_field(model: type[BaseModel], key: str) -> Any | None:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info.annotation if not info.metadata else typing.Annotated[(info.annotation, *info.metadata)]
    return None


def _tag_of(member: Any) -> set[str]:
    """The tags that choose this union member: a Tag() annotation or its `op`-like literal."""
    tp, meta = _strip_annotated(member)
    tags = {m.tag for m in meta if type(m).__name__ == "Tag"}
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for info in tp.model_fields.values():
            if typing.get_origin(info.annotation) is typing.Literal:
                tags |= {str(a) for a in typing.get_args(info.annotation)}
    return tags


def _looks_like_type_name(comp: Any) -> bool:
    return isinstance(comp, str) and ("[" in comp or comp in ("str", "int", "float", "bool", "none"))


def walk(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], list[type[BaseModel]]]:
    """``loc`` without pydantic's union tags, and the models that could hold its last key."""
    out: list[Any] = []
    tp: Any = model
    parents: list[type[BaseModel]] = [model]
    i = 0
    guard = 0
    while i < len(loc) and guard < 200:
        guard += 1
        comp = loc[i]
        tp, _ = _strip_annotated(tp)
        if _is_union(tp):
            members = [m for m in typing.get_args(tp) if m is not type(None)]
            if len(members) == 1:
                tp = members[0]
                continue
            tagged = [m for m in members if isinstance(comp, str) and comp in _tag_of(m)]
            if tagged and i + 1 < len(loc):
                tp, i = tagged[0], i + 1  # a tag pydantic put in the path: drop it
                continue
            if _looks_like_type_name(comp):
                want = "list" if str(comp).startswith("list") else "dict" if str(comp).startswith("dict") else None
                pick = [m for m in members if want and typing.get_origin(_strip_annotated(m)[0]) is {"list": list, "dict": dict}[want]]
                tp, i = (pick[0] if pick else members[0]), i + 1
                continue
            models = [_strip_annotated(m)[0] for m in members]
            models = [m for m in models if isinstance(m, type) and issubclass(m, BaseModel)]
            if models and isinstance(comp, str):
                parents = models
                holder = next((m for m in models if _model_field(m, comp) is not None), None)
                if holder is None:
                    out.extend(loc[i:])
                    return tuple(out), parents
                tp = holder
                continue
            tp = members[0]
            continue
        origin = typing.get_origin(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            parents = [tp]
            out.append(comp)
            nxt = _model_field(tp, comp) if isinstance(comp, str) else None
            i += 1
            if nxt is None:
                out.extend(loc[i:])
                return tuple(out), parents
            tp = nxt
        elif origin in (list, tuple):
            out.append(comp)
            i += 1
            args = typing.get_args(tp)
            tp = args[0] if args else Any
        elif origin is dict:
            out.append(comp)
            i += 1
            args = typing.get_args(tp)
            tp = args[1] if len(args) == 2 else Any
        else:
            out.extend(loc[i:])
            return tuple(out), parents
    return tuple(out), parents


def keys_of(models: Iterable[type[BaseModel]]) -> list[str]:
    names: list[str] = []
    for m in models:
        for name, info in m.model_fields.items():
            key = info.alias or name
            if key not in names:
                names.append(key)
    return names


def suggest(word: str, choices: Iterable[str]) -> str:
    """`; did you mean 'x'?` for the closest choice, or an empty string."""
    choices = list(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close and "." in word:  # a right name in the wrong scope: city.price_index
        tail = word.split(".", 1)[1]
        close = [c for c in choices if c.split(".", 1)[-1] == tail][:1]
    return f"; did you mean {close[0]!r}?" if close else ""
