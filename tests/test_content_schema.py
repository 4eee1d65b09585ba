"""Rules every content schema keeps: strict types, and every number a modder writes has a
unit and finite bounds on both sides (so huge values are refused with their range)."""

from __future__ import annotations

import types
import typing

import pytest
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from game.content import event_schema, schema
from game.content.bounds import bounds_of, unit_of
from game.content.patches import patch_model

MODELS = sorted({obj for mod in (schema, event_schema) for obj in vars(mod).values()
                 if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ == mod.__name__
                 and obj is not event_schema.Strict}, key=lambda m: m.__name__)


def numbers_in(tp, info: FieldInfo, where: str):
    """(where, FieldInfo) of every int or float a field holds (in lists and tables too)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        args = typing.get_args(tp)
        inner = next((a for a in args[1:] if isinstance(a, FieldInfo)), info)
        yield from numbers_in(args[0], inner, where)
    elif origin in (typing.Union, types.UnionType, list, dict):
        for arg in typing.get_args(tp)[(1 if origin is dict else 0):]:
            yield from numbers_in(arg, info if origin not in (list, dict) else FieldInfo(), where)
    elif tp in (int, float):
        yield where, info


def test_every_content_model_is_strict_and_closed():
    assert len(MODELS) > 30
    for model in MODELS:
        config = model.model_config
        assert config.get("strict") and config.get("extra") == "forbid" and config.get("allow_inf_nan") is False, model


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_number_has_a_unit_and_bounds_on_both_sides(model):
    found = 0
    for name, info in model.model_fields.items():
        for where, spec in numbers_in(info.annotation, info, f"{model.__name__}.{name}"):
            found += 1
            lo, _, hi, _ = bounds_of(spec)
            assert lo is not None and hi is not None, f"{where} needs bounds on both sides"
            assert abs(lo) < 1e13 and abs(hi) < 1e13, where
            assert unit_of(spec), f"{where} needs a unit"
    if model in (schema.SectorDef, schema.CityDef, event_schema.EventDef):
        assert found >= 5


@pytest.mark.parametrize("model,data", [
    (schema.FirmDef, {"capacity_bn": "6.0"}), (event_schema.EventDef, {"once": "yes"}),
    (event_schema.EventDef, {"cooldown": "12"}), (schema.ScenarioDef, {"turns": 12.0}),
    (schema.PackDef, {"requires": "base"}),
])
def test_nothing_is_coerced(model, data):
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    assert any(err["loc"] == tuple(data) for err in info.value.errors())


def test_patch_models_keep_the_bounds_and_units():
    field = patch_model(schema.SectorDef).model_fields["demand_bn"]
    assert bounds_of(field)[::2] == (0, 20_000) and unit_of(field) == "¥ bn of output a year"
    assert not field.is_required()
