"""Pydantic's validation errors in a modder's words, each at its line.

A type error says what was expected and what the file has ("expected a number, got the
text "6.0": write numbers without quotes"); a number out of range gives its unit and range;
a misspelt key, choice or id gets "did you mean"; a missing key points at its table's
header; the several errors pydantic gives for one value of a union become one message.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from game.content.bounds import expected, show_number
from game.content.event_schema import ID_PATTERN, METRIC_PATTERN
from game.content.locate import _looks_like_type_name, keys_of, suggest, walk
from game.content.positions import Path, key_positions, position_of
from game.content.problems import Problem

RANGE_ERRORS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal", "finite_number"}
TYPE_WORDS = {"float_type": "a number", "int_type": "a whole number", "bool_type": "true or false",
              "string_type": "text in quotes", "list_type": "a list [ ... ]", "dict_type": "a table",
              "model_type": "a table", "model_attributes_type": "a table", "int_from_float": "a whole number",
              "float_parsing": "a number", "int_parsing": "a whole number", "bool_parsing": "true or false"}


def slug(name: str) -> str:
    """An id made from a name: "My Pack" -> "my-pack"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def got(value: Any) -> str:
    """A value as the file wrote it, in TOML's words."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'the text "{shown}"'
    if isinstance(value, int):
        return f"the whole number {value}"
    if isinstance(value, float):
        return f"the number {show_number(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, dt.date | dt.time):
        return f"the date/time {value}"
    return type(value).__name__


def _quoted_number(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        float(value)
    except ValueError:
        return False
    return True


def field_at(model: type[BaseModel], loc: Path) -> FieldInfo | None:
    """The declaration of the value at ``loc`` (tags removed): a model's field, or the
    annotated item or value type of a list or table."""
    tp: Any = model
    info: FieldInfo | None = None
    for comp in loc:
        tp, info = _settle(tp, info)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if not isinstance(comp, str):
                return None
            hit = next((f for n, f in tp.model_fields.items() if comp in (n, f.alias)), None)
            if hit is None:
                return None
            tp, info = hit.annotation, hit
        elif _is_union(tp):
            models = [m for m in _members(tp) if isinstance(m, type) and issubclass(m, BaseModel)]
            holder = next((m for m in models if isinstance(comp, str) and comp in keys_of([m])), None)
            if holder is None:
                return None
            hit = next(f for n, f in holder.model_fields.items() if comp in (n, f.alias))
            tp, info = hit.annotation, hit
        elif typing.get_origin(tp) in (list, dict):
            args = typing.get_args(tp)
            tp, info = (args[-1] if args else Any), None
        else:
            return None
    _, info = _settle(tp, info)
    return info


def _settle(tp: Any, info: FieldInfo | None) -> tuple[Any, FieldInfo | None]:
    """Unwrap Annotated (keeping its FieldInfo) and Optional."""
    for _ in range(10):
        if typing.get_origin(tp) is typing.Annotated:
            args = typing.get_args(tp)
            infos = [a for a in args[1:] if isinstance(a, FieldInfo)]
            if infos:
                info = infos[0]
            tp = args[0]
            continue
        if _is_union(tp):
            members = [m for m in typing.get_args(tp) if m is not type(None)]
            if len(members) == 1:
                tp = members[0]
                continue
        break
    return tp, info


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _members(tp: Any) -> list[Any]:
    return [_settle(m, None)[0] for m in typing.get_args(tp) if m is not type(None)]


def describe(err: dict[str, Any], model: type[BaseModel], loc: Path,
             holders: list[type[BaseModel]]) -> tuple[str, str]:
    """(message, hint) for one pydantic error at the cleaned ``loc``."""
    kind = err.get("type", "")
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        hint = suggest(str(loc[-1]), keys_of(holders)) if loc and isinstance(loc[-1], str) else ""
        if len(loc) > 1 and isinstance(loc[-1], str) and loc[-1] in keys_of([model]) \
                and loc[-1] not in keys_of(holders):
            hint = (f"; {loc[-1]} is a key of the whole file: move it above the first "
                    "[table] header (in TOML, keys after a header belong to that table)")
        return "unknown key", hint
    if kind == "missing":
        where = ""
        for k in range(len(loc) - 2, -1, -1):
            if isinstance(loc[k], str):
                array = k + 1 < len(loc) - 1 and isinstance(loc[k + 1], int)
                where = f" from this [[{loc[k]}]] table" if array else f" from this [{loc[k]}] table"
                break
        return f"required key is missing{where}", ""
    if kind in RANGE_ERRORS:
        info = field_at(model, loc)
        shown = show_number(value) if isinstance(value, int | float) else got(value)
        what = "is not a finite number" if kind == "finite_number" else "is out of range"
        return f"{shown} {what}: {expected(info)}", ""
    if kind in TYPE_WORDS:
        text = f"expected {TYPE_WORDS[kind]}, got {got(value)}"
        if kind in ("float_type", "int_type") and _quoted_number(value):
            text += ": write numbers without quotes"
        elif kind == "int_type" and isinstance(value, float):
            text += " (this key takes whole numbers only)"
        elif kind == "bool_type" and isinstance(value, str):
            text += ": write true or false without quotes"
        elif kind == "string_type" and isinstance(value, int | float | bool):
            text += ": put text in quotes"
        return text, ""
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        listed = ", ".join(f'"{c}"' for c in choices)
        hint = suggest(str(value), choices) if isinstance(value, str) else ""
        return f"expected one of {listed}; got {got(value)}", hint
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if pattern == ID_PATTERN:
            fixed = slug(str(value))
            hint = f"; did you mean {fixed!r}?" if fixed and fixed != value else ""
            return (f"{value!r} is not an id: ids are lower-case letters, digits and '-', starting "
                    "with a letter or digit (e.g. \"solar-cells\")"), hint
        if pattern == METRIC_PATTERN:
            from game.content.names import metric_names  # the registry, only when a name is wrong

            return f"{value!r} is not a metric name such as \"city.land_share\"", suggest(
                str(value).lower(), metric_names())
        if "\\d" in pattern:
            return f"{value!r} is not a version: write it as \"1.0\" or \"1.2.3\"", ""
        return f"{value!r} does not have the expected form", ""
    if kind in ("string_too_long", "string_too_short"):
        n = len(value) if isinstance(value, str) else 0
        limit = ctx.get("max_length") if kind == "string_too_long" else ctx.get("min_length")
        if kind == "string_too_short":
            return "must not be empty" if limit == 1 else f"needs at least {limit} characters", ""
        return f"is {n} characters long; the limit is {limit}", ""
    if kind in ("too_long", "too_short"):
        n = ctx.get("actual_length", len(value) if isinstance(value, list | dict) else 0)
        if kind == "too_short":
            return f"has {n} item{'s' if n != 1 else ''}; needs at least {ctx.get('min_length')}", ""
        return f"has {n} items; the limit is {ctx.get('max_length')}", ""
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        tags = re.findall(r"'([^']+)'", str(ctx.get("expected_tags", "")))
        tag = ctx.get("tag", "")
        if kind == "union_tag_not_found":
            return f"needs `{ctx.get('discriminator', 'op').strip(chr(39))}`: one of {', '.join(tags)}", ""
        return f"{tag!r} is not one of {', '.join(tags)}", suggest(str(tag), tags)
    if kind == "value_error":
        return str(err.get("msg", "")).removeprefix("Value error, "), ""
    return str(err.get("msg", "invalid value")), ""


def _branch_at(raw: Path) -> int | None:
    """Where a union's branch name sits in a raw pydantic path, if it does."""
    for i, comp in enumerate(raw):
        if _looks_like_type_name(comp) and ("[" in str(comp) or comp in ("str", "int", "float", "bool")):
            return i
    return None


def problems_from(exc: ValidationError, model: type[BaseModel], text: str, label: str) -> list[Problem]:
    """Each error of ``exc`` as a Problem at its line; a union's branches as one message."""
    positions = key_positions(text)
    rows = []
    for err in exc.errors():
        raw = tuple(err.get("loc", ()))
        loc, holders = walk(model, raw)
        b = _branch_at(raw)
        shallow = b is not None and b == len(raw) - 1
        rows.append((loc, holders, err, shallow))
    deep = {r[0][:-1] for r in rows if not r[3]} | {r[0] for r in rows if not r[3]}
    # a value that took one branch of a union (a list) is not also wrong for the others
    kept = [r for r in rows if not (r[3] and any(d[: len(r[0])] == r[0] and len(d) > len(r[0]) for d in deep))]
    merged: dict[Path, list[tuple[Any, ...]]] = {}
    for r in kept:
        merged.setdefault(r[0], []).append(r)
    out = []
    for loc, group in merged.items():
        shallow = [r for r in group if r[3]]
        if len(shallow) > 1:
            message, hint = _one_of(shallow)
            rest = [r for r in group if not r[3]]
        else:
            message, hint, rest = None, "", group
        line, column = position_of(positions, loc) if loc else (1, None)
        key = ".".join(str(k) for k in loc)
        if message is not None:
            out.append(Problem(label, line, key, message, hint))
        for loc_, holders, err, _ in rest:
            message_, hint_ = describe(err, model, loc_, holders)
            out.append(Problem(label, line, key, message_, hint_))
    return out


def _one_of(rows: list[tuple[Any, ...]]) -> tuple[str, str]:
    wants, choices = [], []
    value = rows[0][2].get("input")
    for _, _, err, _ in rows:
        kind = err.get("type", "")
        if kind == "literal_error":
            found = re.findall(r"'([^']*)'", str((err.get("ctx") or {}).get("expected", "")))
            choices += found
            wants += [f'"{c}"' for c in found]
        else:
            wants.append(TYPE_WORDS.get(kind, str(err.get("msg", ""))))
    hint = suggest(str(value), choices) if isinstance(value, str) and choices else ""
    return f"expected {' or '.join(dict.fromkeys(wants))}; got {got(value)}", hint
