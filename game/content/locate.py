"""Pointing a modder at the right place: lines of keys inside inline TOML values, dotted
keys without pydantic's union tags, and "did you mean" suggestions.

Neither tomllib nor tomli keeps the positions of values, so :func:`inline_offset` walks
the text of an inline value (``[ ... ]`` or ``{ ... }``, across lines) to the element or
key a problem names. It is a reader for finding lines only; it never evaluates anything.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

# ----- lines inside inline values --------------------------------------------------------------


def _skip_space(text: str, i: int) -> int:
    """Skip spaces, newlines and comments."""
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in " \t\r\n":
            i += 1
        elif ch == "#":
            while i < n and text[i] != "\n":
                i += 1
        else:
            break
    return i


def _skip_string(text: str, i: int) -> int:
    """``i`` at an opening quote; returns the index after the closing one."""
    n = len(text)
    for quote in ('"""', "'''"):
        if text.startswith(quote, i):
            end = text.find(quote, i + 3)
            while end != -1 and quote == '"""' and _escaped(text, end):
                end = text.find(quote, end + 1)
            return n if end == -1 else end + 3
    q = text[i]
    i += 1
    while i < n and text[i] != q and text[i] != "\n":
        if q == '"' and text[i] == "\\":
            i += 1
        i += 1
    return min(i + 1, n)


def _escaped(text: str, i: int) -> bool:
    k, count = i - 1, 0
    while k >= 0 and text[k] == "\\":
        count += 1
        k -= 1
    return count % 2 == 1


def _skip_value(text: str, i: int) -> int:
    """``i`` at the start of a value; returns the index just after it."""
    n = len(text)
    if i >= n:
        return n
    ch = text[i]
    if ch in "\"'":
        return _skip_string(text, i)
    if ch in "[{":
        close = "]" if ch == "[" else "}"
        i += 1
        while i < n:
            i = _skip_space(text, i)
            if i >= n:
                return n
            if text[i] == close:
                return i + 1
            if text[i] == ",":
                i += 1
                continue
            if ch == "{":
                i = _skip_key(text, i)
                i = _skip_space(text, i)
                if i < n and text[i] == "=":
                    i = _skip_space(text, i + 1)
            start = i
            i = _skip_value(text, i)
            if i == start:  # something we do not understand: stop rather than loop
                return n
        return n
    while i < n and text[i] not in ",]}\n#":
        i += 1
    return i


def _skip_key(text: str, i: int) -> int:
    n = len(text)
    while i < n:
        if text[i] in "\"'":
            i = _skip_string(text, i)
        elif text[i].isalnum() or text[i] in "_-.":
            i += 1
        elif text[i] in " \t":
            j = _skip_space(text, i)
            if j < n and text[j] == ".":
                i = j
            else:
                return i
        else:
            return i
    return i


def _key_name(raw: str) -> list[str]:
    parts = []
    for p in raw.split("."):
        p = p.strip()
        if len(p) >= 2 and p[0] == p[-1] and p[0] in "\"'":
            p = p[1:-1]
        parts.append(p)
    return parts


def inline_offset(text: str, i: int, path: tuple[Any, ...]) -> int | None:
    """The offset of ``path`` (ints for array items, strs for keys) inside the inline value
    starting at ``i``; None when the path is not there."""
    i = _skip_space(text, i)
    if not path:
        return i
    n = len(text)
    if i >= n:
        return None
    head, rest = path[0], path[1:]
    if isinstance(head, int) and text[i] == "[":
        i += 1
        k = 0
        while i < n:
            i = _skip_space(text, i)
            if i >= n or text[i] == "]":
                return None
            if text[i] == ",":
                i += 1
                continue
            if k == head:
                return inline_offset(text, i, rest)
            start = i
            i = _skip_value(text, i)
            if i == start:
                return None
            k += 1
        return None
    if isinstance(head, str) and text[i] == "{":
        i += 1
        while i < n:
            i = _skip_space(text, i)
            if i >= n or text[i] == "}":
                return None
            if text[i] == ",":
                i += 1
                continue
            key_start = i
            i = _skip_key(text, i)
            if i == key_start:
                return None
            names = _key_name(text[key_start:i])
            i = _skip_space(text, i)
            if i < n and text[i] == "=":
                i += 1
            if names == [head] or names[:1] == [head] and len(names) > 1:
                if not rest:
                    return key_start
                if len(names) > 1:  # a dotted key inside an inline table: a.b = 1
                    if list(rest[: len(names) - 1]) == names[1:]:
                        return inline_offset(text, i, rest[len(names) - 1:]) or key_start
                    return key_start
                return inline_offset(text, i, rest)
            start = i
            i = _skip_value(text, _skip_space(text, i))
            if i == start:
                return None
        return None
    return None


def line_of_offset(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


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
