"""Numbers a modder writes: each has a unit and finite bounds on both sides, so a problem can
say "1e+308 is out of range: ¥ bn a year, above 0 and at most 100,000" and nothing huge
enough to overflow a 40-turn game loads. ``num`` declares such a field; the messages,
the reference tables and the JSON Schemas read the bounds and the unit back from it.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field
from pydantic.fields import FieldInfo

UNIT_KEY = "unit"  # where a field's unit sits in its JSON Schema


def num(default: Any = ..., *, unit: str, ge: float | None = None, gt: float | None = None,
        le: float | None = None, lt: float | None = None, description: str = "",
        default_factory: Any = None) -> Any:
    """A number field with its unit and its bounds (one of ge/gt and one of le/lt)."""
    if (ge is None) == (gt is None) or (le is None) == (lt is None):
        raise TypeError("a number field needs exactly one lower and one upper bound")
    extra = {UNIT_KEY: unit}
    text = description or None
    if default_factory is not None:
        return Field(default_factory=default_factory, ge=ge, gt=gt, le=le, lt=lt,
                     description=text, json_schema_extra=extra)
    return Field(default, ge=ge, gt=gt, le=le, lt=lt, description=text, json_schema_extra=extra)


def unit_of(info: FieldInfo | None) -> str:
    extra = getattr(info, "json_schema_extra", None)
    return str(extra.get(UNIT_KEY, "")) if isinstance(extra, dict) else ""


def bounds_of(info: FieldInfo | None) -> tuple[float | None, bool, float | None, bool]:
    """(low, low included, high, high included) from a field's constraints."""
    lo = hi = None
    lo_in = hi_in = True
    for m in getattr(info, "metadata", ()) or ():
        if getattr(m, "ge", None) is not None:
            lo, lo_in = m.ge, True
        if getattr(m, "gt", None) is not None:
            lo, lo_in = m.gt, False
        if getattr(m, "le", None) is not None:
            hi, hi_in = m.le, True
        if getattr(m, "lt", None) is not None:
            hi, hi_in = m.lt, False
    return lo, lo_in, hi, hi_in


def show_number(x: float) -> str:
    """1e+308, 100,000, 0.35, 2020.75: short and exact enough to act on."""
    x = float(x)
    if x != x or x in (float("inf"), float("-inf")):
        return str(x)
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    if abs(x) >= 1e6 or abs(x) < 1e-4:
        return f"{x:g}"
    return f"{x:.6g}"


def range_text(info: FieldInfo | None) -> str:
    """"above 0 and at most 100,000", "from 0 to 1", "at least 1": a field's bounds in words."""
    lo, lo_in, hi, hi_in = bounds_of(info)
    parts = []
    if lo is not None and hi is not None and lo_in and hi_in:
        return f"from {show_number(lo)} to {show_number(hi)}"
    if lo is not None:
        parts.append(f"at least {show_number(lo)}" if lo_in else f"above {show_number(lo)}")
    if hi is not None:
        parts.append(f"at most {show_number(hi)}" if hi_in else f"below {show_number(hi)}")
    return " and ".join(parts) or "any number"


def expected(info: FieldInfo | None) -> str:
    """What a number field takes, in words: "¥ bn a year, above 0 and at most 100,000"."""
    unit = unit_of(info)
    return f"{unit}, {range_text(info)}" if unit else range_text(info)
