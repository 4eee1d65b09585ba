"""Schemas of events: conditions, effects, scopes, options and the event itself.

Names of metrics and fields are checked by the loader against the registry (see
game/content/names.py); ids against the loaded content. Every number has a unit and
finite bounds on both sides (game/content/bounds.py); nothing is coerced: ``"12"`` is
text, not a number, and ``"yes"`` is not true.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from game.content.bounds import num

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
ID_MAX = 60
Id = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=ID_MAX)]
METRIC_PATTERN = r"^[a-z]+\.[a-z0-9_]+$"
MetricName = Annotated[str, Field(min_length=3, max_length=60, pattern=METRIC_PATTERN,
                                  description="a registered metric, e.g. city.land_share")]
BIG = 1e12  # a comparison's or an effect's number: any metric's value fits well inside


class Strict(BaseModel):
    """Content as written: unknown keys refused, no coercion, no NaN or infinity."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


Op = Literal["<", "<=", ">", ">=", "==", "!="]
StageName = Literal["prospect", "building", "ramping", "operating", "listed", "distressed", "failed", "withdrawn"]
RivalArchetype = Literal["herd-chaser", "land-addict", "cautious", "copycat"]
MAX_OPTIONS = 6
MAX_EFFECTS = 30
MAX_CONDITIONS = 40


class _Located(Strict):
    """A comparison may name the sector or firm it reads when no scope binds one."""

    sector: Id | None = Field(default=None, description="read sector.* metrics of this sector")
    firm: Id | None = Field(default=None, description="read firm.* metrics of this firm (one of the scenario's firms)")


class Compare(_Located):
    """`{ metric = "city.land_share", op = ">", value = 0.4 }`: a metric against a number."""

    metric: MetricName
    op: Op
    value: float = num(unit="the metric's unit", ge=-BIG, le=BIG)


class Between(_Located):
    """`{ metric = "game.year", min = 2020, max = 2020.75 }`: a metric within a range (inclusive)."""

    metric: MetricName
    min: float | None = num(None, unit="the metric's unit", ge=-BIG, le=BIG)
    max: float | None = num(None, unit="the metric's unit", ge=-BIG, le=BIG)


class FlagIs(Strict):
    """`{ flag = "land-reform" }`: the city has this flag set."""

    flag: Id


class AllOf(Strict):
    """`{ all = [ ... ] }`: every condition holds."""

    all: list[Condition] = Field(min_length=1, max_length=MAX_CONDITIONS)


class AnyOf(Strict):
    """`{ any = [ ... ] }`: at least one condition holds."""

    any: list[Condition] = Field(min_length=1, max_length=MAX_CONDITIONS)


class NotOf(Strict):
    """`{ not = { ... } }`: the condition does not hold."""

    not_: Condition = Field(alias="not")


def _condition_form(value: Any) -> str | None:
    """Which form of condition a table is, from its keys (pydantic calls this to pick one)."""
    if isinstance(value, BaseModel):
        return {AllOf: "all", AnyOf: "any", NotOf: "not", FlagIs: "flag", Compare: "compare",
                Between: "between"}.get(type(value))
    if not isinstance(value, dict):
        return None
    for key in ("all", "any", "not", "flag"):
        if key in value:
            return key
    if "min" in value or "max" in value:
        return "between"
    if "metric" in value or "op" in value or "value" in value:
        return "compare"
    return None


CONDITION_FORMS = ("a condition is one of { all = [...] }, { any = [...] }, { not = {...} }, "
                   "{ flag = \"...\" }, { metric = \"...\", op = \">\", value = 1 } or "
                   "{ metric = \"...\", min = 0, max = 1 }")
Condition = Annotated[
    Annotated[AllOf, Tag("all")] | Annotated[AnyOf, Tag("any")] | Annotated[NotOf, Tag("not")]
    | Annotated[FlagIs, Tag("flag")] | Annotated[Compare, Tag("compare")] | Annotated[Between, Tag("between")],
    Discriminator(_condition_form, custom_error_type="condition_form", custom_error_message=CONDITION_FORMS),
]


class ScopeDef(Strict):
    """What an event is about: a firm or a sector that matches; its text and effects refer to it."""

    kind: Literal["firm", "sector"]
    sectors: list[Id] = Field(default_factory=list, max_length=20,
                              description="only these sectors (default: every sector of the scenario)")
    stages: list[StageName] = Field(default_factory=list, max_length=8,
                                    description="firm scope: only firms at these stages (default: prospect to listed, and distressed)")
    where: Literal["own", "rival", "any"] = Field(
        default="own", description="firm scope: firms in the city itself, in a rival city, or anywhere")
    held: bool | None = Field(default=None, description="firm scope: only firms the city holds a stake in (true) or not (false)")
    pick: Literal["first", "max", "min"] = Field(
        default="first", description="which match binds: the first in the scenario's order, or the one with the most/least of `by`")
    by: MetricName | None = Field(default=None, description="the metric `pick = max/min` ranks by")


class _Target(Strict):
    sector: Id | None = Field(default=None, description="act on this sector instead of the one in scope")
    firm: Id | None = Field(default=None, description="act on this firm (one of the scenario's firms) instead of the one in scope")


EFFECT_UNIT = "the field's unit (kept within the field's range)"


class AddEffect(_Target):
    """Add `value` (times the metric `per`, if given) to a field."""

    op: Literal["add"]
    field: MetricName
    value: float = num(unit=EFFECT_UNIT + ", or a multiple of `per`", ge=-1e6, le=1e6)
    per: MetricName | None = Field(default=None, description="multiply value by this metric, e.g. city.gdp_bn")


class MultiplyEffect(_Target):
    """Multiply a field by `value`."""

    op: Literal["multiply"]
    field: MetricName
    value: float = num(unit="factor", ge=0, le=100)


class SetEffect(_Target):
    """Set a field to `value` (clipped to the field's range)."""

    op: Literal["set"]
    field: MetricName
    value: float = num(unit=EFFECT_UNIT, ge=-1e6, le=1e6)


class StakeEffect(Strict):
    """Change the city's stake in the firm in scope by `change` (a share of the firm); with
    `pay = true` the city pays (or receives) the firm's current mark for it."""

    op: Literal["stake"]
    change: float = num(unit="share of the firm", ge=-1, le=1)
    pay: bool = False
    firm: Id | None = Field(default=None, description="this firm instead of the one in scope")


class InvestEffect(Strict):
    """The city puts `amount` (times the metric `per`) of new equity into the firm in scope,
    from its treasury and never more than it holds: a prospect breaks ground, a distressed
    firm is rescued, any other firm issues new shares to the city (as the invest and rescue
    actions do)."""

    op: Literal["invest"]
    amount: float = num(unit="¥ bn, or a multiple of `per`", gt=0, le=10_000)
    per: MetricName | None = Field(default=None, description="multiply amount by this metric, e.g. firm.rescue_need_bn")
    firm: Id | None = Field(default=None, description="this firm instead of the one in scope")


class SpawnEffect(Strict):
    """A new project from a firm template (a firm file) asks for terms in the city."""

    op: Literal["spawn_firm"]
    template: Id = Field(description="id of a firm whose name, size, quality and ask the project takes")
    where: Literal["own", "firm"] = Field(default="own", description="in the city itself, or in the city of the firm in scope")


class FlagEffect(Strict):
    """Set or clear one of the city's flags (conditions test them with { flag = ... })."""

    op: Literal["set_flag", "clear_flag"]
    flag: Id


class ModifierEffect(_Target):
    """Change a lasting field for `turns` quarters, then undo the change."""

    op: Literal["modifier"]
    field: MetricName
    add: float | None = num(None, unit=EFFECT_UNIT, ge=-1e6, le=1e6)
    multiply: float | None = num(None, unit="factor", gt=0, le=100)
    turns: int = num(unit="quarters", ge=1, le=40)


class QueueEffect(Strict):
    """Fire another event `after` quarters from now (if its trigger then holds)."""

    op: Literal["queue"]
    event: Id
    after: int = num(unit="quarters", ge=1, le=200)


EFFECT_TYPES = (AddEffect, MultiplyEffect, SetEffect, StakeEffect, InvestEffect, SpawnEffect,
                FlagEffect, ModifierEffect, QueueEffect)
Effect = Annotated[
    AddEffect | MultiplyEffect | SetEffect | StakeEffect | InvestEffect | SpawnEffect | FlagEffect
    | ModifierEffect | QueueEffect,
    Field(discriminator="op"),
]


class FollowUp(Strict):
    """`follow_up = { event = "id", after = 4 }`: fire an event some quarters after the choice."""

    event: Id = Field(description="the event to fire")
    after: int = num(unit="quarters from the choice", ge=1, le=200)


class OptionDef(Strict):
    """One choice of an event: what the button says and what it does."""

    label: str = Field(min_length=1, max_length=80, description="the choice, in a few words")
    description: str = Field(default="", max_length=400, description="one more sentence, shown under the label")
    condition: Condition | None = Field(default=None, description="offered only when this holds")
    effects: list[Effect] = Field(default_factory=list, max_length=MAX_EFFECTS, description="what it does, in order")
    follow_up: FollowUp | None = Field(default=None, description="an event to fire some quarters later")


OptionNumber = Annotated[int, num(unit="option, numbered from 0", ge=0, le=MAX_OPTIONS - 1)]


class EventDef(Strict):
    """A narrative decision with mechanical effects. See docs/modding.md."""

    id: Id = Field(description="unique within the pack; a later pack overrides it by id")
    title: str = Field(min_length=1, max_length=80, description="may use {firm}, {sector}, {city}, {my_city}, {date}")
    text: str = Field(min_length=1, max_length=1500, description="may use {firm}, {sector}, {city}, {my_city}, {date}")
    severity: Literal["info", "good", "warning", "bad"] = Field(default="info", description="how the news shows it")
    cities: Literal["player", "rivals", "all"] = Field(
        default="player", description="which cities the event is evaluated for; rivals answer by their archetype")
    scope: ScopeDef | None = Field(default=None, description="the firm or sector the event is about")
    trigger: Condition | None = Field(default=None, description="when the event may fire (no trigger: always)")
    chance: float | None = num(None, unit="chance per quarter while the trigger holds", gt=0, le=1)
    mtth: float | None = num(None, unit="mean quarters to happen while the trigger holds (chance = 1/mtth)",
                             ge=1, le=1000)
    once: bool = Field(default=False, description="fires at most once per city")
    cooldown: int = num(0, unit="quarters before it may fire again for the same city", ge=0, le=400)
    effects: list[Effect] = Field(default_factory=list, max_length=MAX_EFFECTS, description="applied when it fires, before any choice")
    options: list[OptionDef] = Field(default_factory=list, max_length=MAX_OPTIONS,
                                     description="the choices ([[options]] tables); none: the event is news")
    ai_default: int = num(0, unit="the option (numbered from 0) bots, batches and an undecided player take",
                          ge=0, le=MAX_OPTIONS - 1)
    rival_choice: dict[RivalArchetype, OptionNumber] = Field(
        default_factory=dict, description="override the option a rival archetype takes")


for _model in (AllOf, AnyOf, NotOf, OptionDef, EventDef):
    _model.model_rebuild()
