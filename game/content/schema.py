"""Pydantic schemas for content files: sectors, firms, scenarios and events.

Content is validated once, at load; the engine trusts it afterwards. Units are in the
field names or their descriptions: money in ¥ billion (``_bn``), land in hectares
(``_ha``), rates per year unless a name says ``_q`` (per quarter).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, PrivateAttr, Tag, model_validator

Id = str  # lower-case words joined by '-', e.g. "memory-chips"
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

ARCHETYPES = ("player", "herd-chaser", "land-addict", "cautious", "copycat")
Archetype = Literal["player", "herd-chaser", "land-addict", "cautious", "copycat"]
InitialStage = Literal["prospect", "building", "ramping", "operating", "listed"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class SectorDef(Strict):
    """A national market: demand, how firms build capacity in it, and its economics.

    Capacity and demand are measured in ¥ bn of annual output at the reference price
    (price index 1.0), so revenue = output x price index.
    """

    id: Id = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=60)
    description: str = ""
    demand_bn: float = Field(gt=0, description="national demand at the start, ¥ bn of output a year")
    demand_growth: float = Field(ge=-0.5, le=1.0, description="trend growth of demand per year")
    cycle_amplitude: float = Field(ge=0, lt=1, description="swing of the demand cycle, share of trend")
    cycle_years: float = Field(gt=0, le=30, description="length of one demand cycle in years")
    cycle_phase: float = Field(default=0.0, description="where the cycle starts, in years")
    shock_sd: float = Field(ge=0, le=0.5, description="sd of quarterly demand shocks (log)")
    shock_persistence: float = Field(default=0.7, ge=0, lt=1, description="AR(1) weight of last quarter's shock")
    other_capacity_share: float = Field(
        gt=0, le=2,
        description="capacity held by the rest of the country at the start, as a share of demand",
    )
    other_capacity_growth: float = Field(ge=-0.5, le=1.0, description="growth per year of the rest of the country's capacity")
    price_elasticity: float = Field(gt=0, le=5, description="price moves as (demand/capacity)^(1/elasticity)")
    price_floor: float = Field(default=0.35, gt=0, lt=1)
    price_ceiling: float = Field(default=2.5, gt=1, le=10)
    capex_per_capacity: float = Field(gt=0, description="¥ bn of capex per ¥ bn of annual capacity")
    build_quarters: int = Field(ge=1, le=40, description="quarters from groundbreaking to first output")
    ramp_quarters: int = Field(ge=1, le=40, description="quarters for yield to approach maturity")
    start_yield: float = Field(default=0.3, gt=0, le=1, description="share of capacity usable when output starts")
    learning_rate: float = Field(ge=0, lt=0.5, description="unit cost falls by this share per doubling of cumulative output")
    unit_cost: float = Field(gt=0, lt=2, description="mature cash cost per ¥ of output at reference price")
    fixed_cost_share: float = Field(ge=0, lt=0.5, description="yearly fixed cost as a share of capex")
    jobs_per_bn: float = Field(ge=0, description="jobs (thousands) per ¥ bn of annual capacity")
    value_added_share: float = Field(gt=0, le=1, description="share of revenue that is local value added (GDP)")
    tax_rate: float = Field(ge=0, lt=0.5, description="local taxes as a share of revenue")
    horizon: Literal["short", "medium", "long"] = Field(
        description="how long private investors must wait for returns; long-horizon sectors scare them early"
    )
    inputs: list[Id] = Field(default_factory=list, description="sectors whose output this sector buys (its supply chain)")
    valuation_multiple: float = Field(gt=0, le=30, description="enterprise value over annual revenue in a normal market")
    prospect_rate: float = Field(
        default=0.6, ge=0, le=10,
        description="new projects a year in this sector seeking a home among the scenario's cities",
    )
    prospect_capacity_bn: float = Field(default=5.0, gt=0, description="typical annual capacity of such a project, ¥ bn")
    prospect_names: list[str] = Field(
        default_factory=list, max_length=40,
        description="names given to projects that appear during play (else 'Sector venture N')",
    )


class FirmDef(Strict):
    """A firm, present at the start or arriving later as a prospect asking for terms."""

    id: Id = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=60)
    description: str = ""
    sector: Id
    city: Id = Field(description="the city where the firm is or wants to be")
    stage: InitialStage = "operating"
    capacity_bn: float = Field(gt=0, description="annual capacity, ¥ bn of output at reference price")
    cash_bn: float = Field(ge=0)
    debt_bn: float = Field(default=0.0, ge=0)
    quality: float = Field(default=0.5, ge=0, le=1, description="management and technology strength; weak firms burn cash")
    arrives_turn: int = Field(default=0, ge=0, description="turn when a prospect appears")
    ask_bn: float = Field(default=0.0, ge=0, description="equity a prospect asks for, ¥ bn")
    offered_stake: float = Field(default=0.0, ge=0, le=1, description="stake the city gets for the whole ask")
    city_stake: float = Field(default=0.0, ge=0, le=1, description="stake the city already holds")
    history: str = Field(default="", description="what really happened, for the end report")


class LandCyclePoint(Strict):
    year: float
    index: float = Field(gt=0, le=20, description="macro land demand index; 1.0 = start of the scenario")


class GrowthPoint(Strict):
    year: float
    rate: float = Field(ge=-0.3, le=0.5, description="national nominal GDP growth per year")


class CityDef(Strict):
    """The player's city or a rival. Money in ¥ bn, land in hectares."""

    id: Id = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=40)
    archetype: Archetype
    gdp_bn: float = Field(gt=0, description="GDP at the start, ¥ bn a year")
    population_m: float = Field(gt=0, description="residents, millions")
    treasury_bn: float = Field(ge=0)
    debt_bn: float = Field(default=0.0, ge=0)
    land_bank_ha: float = Field(ge=0, description="developable land the city can still sell, ha")
    land_price_bn_per_ha: float = Field(gt=0, description="land price at the start, ¥ bn per ha")
    infrastructure: float = Field(default=1.0, gt=0, le=10, description="infrastructure index, 1.0 = ordinary")
    tax_take: float = Field(default=0.075, gt=0, lt=0.5, description="local tax revenue from the base economy, share of GDP")
    transfers_share: float = Field(default=0.02, ge=0, lt=0.5, description="transfers from the province, share of GDP")
    spending_share: float = Field(default=0.11, gt=0, lt=0.6, description="core spending (salaries, services), share of GDP")
    development_share: float = Field(default=0.04, ge=0, lt=0.3, description="development spending the city wants, share of GDP; cut when the treasury runs dry")
    growth_premium: float = Field(default=0.0, ge=-0.2, le=0.3, description="base-economy growth above the national rate, per year")
    land_absorption_ha: float = Field(default=150.0, gt=0, description="hectares a quarter the land market absorbs before prices sag")
    land_share: float = Field(default=0.4, ge=0, lt=1, description="land revenue over fiscal revenue in the year before the start")
    credibility: float = Field(default=0.5, ge=0, le=1, description="how much investors trust the city's promises")


class ScoreWeights(Strict):
    gdp_growth: float = Field(default=0.35, ge=0)
    land_share_drop: float = Field(default=0.25, ge=0)
    portfolio: float = Field(default=0.2, ge=0)
    debt_discipline: float = Field(default=0.1, ge=0)
    jobs: float = Field(default=0.1, ge=0)


class HistoryPoint(Strict):
    """A real figure the end report compares with (metric names from shared data)."""

    metric: str
    year: int
    value: float
    unit: str
    label: str = ""


class HistoricalMove(Strict):
    """A decision the real city took, as an action; the `historical` bot replays these."""

    turn: int = Field(ge=0)
    action: dict[str, Any] = Field(description="an action as data, e.g. { kind = \"invest_equity\", firm = \"boe-hefei-gen6\", amount_bn = 9.0 }")
    note: str = ""


class ScenarioDef(Strict):
    id: Id = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=60)
    description: str
    difficulty: Literal["tutorial", "easy", "normal", "hard"]
    start_year: int = Field(ge=1990, le=2100)
    start_quarter: int = Field(default=1, ge=1, le=4)
    turns: int = Field(ge=1, le=200)
    seed: int = Field(default=2008, ge=0)
    attention_per_turn: int = Field(default=3, ge=1, le=10)
    player_city: Id
    cities: list[CityDef] = Field(min_length=2)
    sectors: list[Id] = Field(min_length=1)
    firms: list[Id] = Field(default_factory=list)
    land_cycle: list[LandCyclePoint] = Field(min_length=1)
    macro_growth: list[GrowthPoint] = Field(min_length=1)
    bond_rate: float = Field(default=0.045, ge=0, lt=0.3, description="yearly coupon of city bonds at a low debt ratio")
    debt_limit_ratio: float = Field(default=2.5, gt=0, description="debt over yearly revenue the province tolerates")
    victory: str = Field(description="what the player must achieve, in words")
    score: ScoreWeights = ScoreWeights()
    history: list[HistoryPoint] = Field(default_factory=list)
    tips: list[str] = Field(default_factory=list, description="tutorial hints shown turn by turn")
    milestones: list[MilestoneDef] = Field(default_factory=list, max_length=40,
                                           description="classroom pauses for discussion, by date or condition")
    spawn_prospects: bool = Field(default=True, description="new projects appear during play besides the listed firms")
    historical_moves: list[HistoricalMove] = Field(default_factory=list, description="what the real city did, turn by turn")
    historical_land_pace: float = Field(default=0.8, ge=0, le=5, description="land the real city sold each quarter, as a share of absorption")
    events: Literal["all"] | list[Id] = Field(
        default="all", description='the events in play: "all" (every event of the loaded packs) or a list of event ids ([] for none)')
    flags: list[Id] = Field(default_factory=list, max_length=20,
                            description="flags every city starts with (story markers); events test them with { flag = \"...\" }")
    expectations: list[Expectation] = Field(
        default_factory=list, max_length=50,
        description="balance checks `architect mods test` runs headless (the game ignores them)")
    # every event of the loaded packs, set by the loader, so that a World built from this
    # scenario alone can compile the events it names (not part of the file format)
    _events: dict[str, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check_references(self) -> ScenarioDef:
        ids = [c.id for c in self.cities]
        if len(set(ids)) != len(ids):
            raise ValueError("city ids must be unique")
        if self.player_city not in ids:
            raise ValueError(f"player_city {self.player_city!r} is not one of cities {ids}")
        player = next(c for c in self.cities if c.id == self.player_city)
        if player.archetype != "player":
            raise ValueError("the player's city must have archetype 'player'")
        if sum(c.archetype == "player" for c in self.cities) != 1:
            raise ValueError("exactly one city has archetype 'player'")
        for name in ("land_cycle", "macro_growth"):
            years = [p.year for p in getattr(self, name)]
            if years != sorted(years):
                raise ValueError(f"{name} points must be in order of year")
        return self


class PackDef(Strict):
    """A content pack's pack.toml: who it is and which packs must load before it."""

    id: Id = Field(pattern=ID_PATTERN, description="the pack's id, lower-case words joined by '-'")
    name: str = Field(description="the pack's name, as shown to players")
    version: str = Field(pattern=r"^\d+\.\d+(\.\d+)?$", description='e.g. "1.0" or "1.2.3"')
    description: str = ""
    requires: list[Id] = Field(default_factory=list, description="ids of packs that must load before this one")


# ----- events ---------------------------------------------------------------------------------
# Conditions, effects and events. Names of metrics and fields are checked by the loader
# against the engine's registry (game/engine/registry.py); ids against the loaded content.

Op = Literal["<", "<=", ">", ">=", "==", "!="]
StageName = Literal["prospect", "building", "ramping", "operating", "listed", "distressed", "failed", "withdrawn"]
MetricName = Annotated[str, Field(min_length=3, max_length=60, pattern=r"^[a-z]+\.[a-z0-9_]+$",
                                  description="a registered metric, e.g. city.land_share")]


class _Located(Strict):
    """A comparison may name the sector or firm it reads when no scope binds one."""

    sector: Id | None = Field(default=None, description="read sector.* metrics of this sector")
    firm: Id | None = Field(default=None, description="read firm.* metrics of this firm (one of the scenario's firms)")


class Compare(_Located):
    """`{ metric = "city.land_share", op = ">", value = 0.4 }`: a metric against a number."""

    metric: MetricName
    op: Op
    value: float


class Between(_Located):
    """`{ metric = "game.year", min = 2020, max = 2020.75 }`: a metric within a range (inclusive)."""

    metric: MetricName
    min: float | None = None
    max: float | None = None


class FlagIs(Strict):
    """`{ flag = "land-reform" }`: the city has this flag set."""

    flag: Id = Field(pattern=ID_PATTERN)


class AllOf(Strict):
    """`{ all = [ ... ] }`: every condition holds."""

    all: list[Condition] = Field(min_length=1, max_length=40)


class AnyOf(Strict):
    """`{ any = [ ... ] }`: at least one condition holds."""

    any: list[Condition] = Field(min_length=1, max_length=40)


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


Condition = Annotated[
    Annotated[AllOf, Tag("all")] | Annotated[AnyOf, Tag("any")] | Annotated[NotOf, Tag("not")]
    | Annotated[FlagIs, Tag("flag")] | Annotated[Compare, Tag("compare")] | Annotated[Between, Tag("between")],
    Discriminator(
        _condition_form, custom_error_type="condition_form",
        custom_error_message=("a condition is one of { all = [...] }, { any = [...] }, { not = {...} }, "
                              "{ flag = \"...\" }, { metric = \"...\", op = \">\", value = 1 } or "
                              "{ metric = \"...\", min = 0, max = 1 }")),
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


class AddEffect(_Target):
    """Add `value` (times the metric `per`, if given) to a field."""

    op: Literal["add"]
    field: MetricName
    value: float = Field(ge=-1e9, le=1e9)
    per: MetricName | None = Field(default=None, description="multiply value by this metric, e.g. city.gdp_bn")


class MultiplyEffect(_Target):
    """Multiply a field by `value`."""

    op: Literal["multiply"]
    field: MetricName
    value: float = Field(ge=0, le=100)


class SetEffect(_Target):
    """Set a field to `value` (clipped to the field's range)."""

    op: Literal["set"]
    field: MetricName
    value: float = Field(ge=-1e9, le=1e9)


class StakeEffect(Strict):
    """Change the city's stake in the firm in scope by `change` (a share of the firm); with
    `pay = true` the city pays (or receives) the firm's current mark for it."""

    op: Literal["stake"]
    change: float = Field(ge=-1, le=1)
    pay: bool = False
    firm: Id | None = Field(default=None, description="this firm instead of the one in scope")


class InvestEffect(Strict):
    """The city puts `amount` (times the metric `per`) of new equity into the firm in scope,
    from its treasury and never more than it holds: a prospect breaks ground, a distressed
    firm is rescued, any other firm issues new shares to the city (as the invest and rescue
    actions do)."""

    op: Literal["invest"]
    amount: float = Field(gt=0, le=10_000, description="¥ bn, or a multiple of `per`")
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
    flag: Id = Field(pattern=ID_PATTERN)


class ModifierEffect(_Target):
    """Change a lasting field for `turns` quarters, then undo the change."""

    op: Literal["modifier"]
    field: MetricName
    add: float | None = Field(default=None, ge=-1e9, le=1e9)
    multiply: float | None = Field(default=None, gt=0, le=100)
    turns: int = Field(ge=1, le=40)


class QueueEffect(Strict):
    """Fire another event `after` quarters from now (if its trigger then holds)."""

    op: Literal["queue"]
    event: Id
    after: int = Field(ge=1, le=200)


Effect = Annotated[
    AddEffect | MultiplyEffect | SetEffect | StakeEffect | InvestEffect | SpawnEffect | FlagEffect
    | ModifierEffect | QueueEffect,
    Field(discriminator="op"),
]


class FollowUp(Strict):
    """`follow_up = { event = "id", after = 4 }`: fire an event some quarters after the choice."""

    event: Id = Field(description="the event to fire")
    after: int = Field(ge=1, le=200, description="quarters from the choice")


class OptionDef(Strict):
    """One choice of an event: what the button says and what it does."""

    label: str = Field(min_length=1, max_length=80, description="the choice, in a few words")
    description: str = Field(default="", max_length=400, description="one more sentence, shown under the label")
    condition: Condition | None = Field(default=None, description="offered only when this holds")
    effects: list[Effect] = Field(default_factory=list, max_length=30, description="what it does, in order")
    follow_up: FollowUp | None = Field(default=None, description="an event to fire some quarters later")


class EventDef(Strict):
    """A narrative decision with mechanical effects. See docs/modding.md."""

    id: Id = Field(pattern=ID_PATTERN, description="unique within the pack; a later pack overrides it by id")
    title: str = Field(min_length=1, max_length=80, description="may use {firm}, {sector}, {city}, {my_city}, {date}")
    text: str = Field(min_length=1, max_length=1500, description="may use {firm}, {sector}, {city}, {my_city}, {date}")
    severity: Literal["info", "good", "warning", "bad"] = Field(default="info", description="how the news shows it")
    cities: Literal["player", "rivals", "all"] = Field(
        default="player", description="which cities the event is evaluated for; rivals answer by their archetype")
    scope: ScopeDef | None = Field(default=None, description="the firm or sector the event is about")
    trigger: Condition | None = Field(default=None, description="when the event may fire (no trigger: always)")
    chance: float | None = Field(default=None, gt=0, le=1, description="chance per quarter while the trigger holds")
    mtth: float | None = Field(default=None, ge=1, le=1000, description="mean quarters to happen while the trigger holds (chance = 1/mtth)")
    once: bool = Field(default=False, description="fires at most once per city")
    cooldown: int = Field(default=0, ge=0, le=400, description="quarters before it may fire again for the same city")
    effects: list[Effect] = Field(default_factory=list, max_length=30, description="applied when it fires, before any choice")
    options: list[OptionDef] = Field(default_factory=list, max_length=6,
                                     description="the choices ([[options]] tables); none: the event is news")
    ai_default: int = Field(default=0, ge=0, le=5, description="the option bots, batches and an undecided player take")
    rival_choice: dict[Literal["herd-chaser", "land-addict", "cautious", "copycat"], int] = Field(
        default_factory=dict, description="override the option a rival archetype takes")


for _model in (AllOf, AnyOf, NotOf, OptionDef, EventDef):
    _model.model_rebuild()


class Expectation(Strict):
    """A balance check for `architect mods test`: a metric of the player's city after some
    turns, or how often an event fires."""

    label: str = Field(default="", max_length=120)
    bot: str = Field(default="pass", description="the strategy that plays the player's city (see `architect simulate`)")
    seed: int | None = Field(default=None, ge=0, description="first seed (default: the scenario's)")
    worlds: int = Field(default=1, ge=1, le=2000, description="worlds (seeds) to play")
    turn: int | None = Field(default=None, ge=1, description="check after this many turns (default: the whole scenario)")
    metric: MetricName | None = None
    sector: Id | None = None
    firm: Id | None = None
    op: Op | None = None
    value: float | None = None
    share: float = Field(default=1.0, gt=0, le=1, description="share of worlds where the comparison must hold")
    event: Id | None = Field(default=None, description="count worlds where this event fired (for any city)")
    at_least: int | None = Field(default=None, ge=0, description="the event fires in at least this many worlds")
    at_most: int | None = Field(default=None, ge=0, description="and in at most this many")


class MilestoneWhen(Strict):
    """When a milestone comes: `{ turn = 8 }`, `{ year = 2016, quarter = 2 }`, or a condition."""

    turn: int | None = Field(default=None, ge=0, le=200, description="at the start of this turn")
    year: int | None = Field(default=None, ge=1990, le=2100, description="at the start of this year's quarter")
    quarter: int | None = Field(default=None, ge=1, le=4, description="the quarter of `year` (default 1)")
    condition: Condition | None = Field(default=None, description="the first turn this holds for the player's city")

    @model_validator(mode="after")
    def _one_way(self) -> MilestoneWhen:
        ways = sum(x is not None for x in (self.turn, self.year, self.condition))
        if ways != 1:
            raise ValueError("say when in exactly one way: turn, year (and quarter) or condition")
        if self.quarter is not None and self.year is None:
            raise ValueError("quarter needs a year")
        return self


LESSON_KEYS = ("land", "chains", "horizon", "rescue", "herd", "exits", "debt")


class MilestoneDef(Strict):
    """A pause in a classroom game: a prompt for discussion and notes for the teacher."""

    id: Id = Field(pattern=ID_PATTERN)
    when: MilestoneWhen
    title: str = Field(min_length=1, max_length=80)
    prompt: str = Field(min_length=1, max_length=2000, description="what the class discusses")
    teacher_notes: str = Field(default="", max_length=4000)
    lesson: Literal["land", "chains", "horizon", "rescue", "herd", "exits", "debt"] | None = Field(
        default=None, description="which of the seven lessons of the design it is about")
    pause: bool = Field(default=True, description="stop the game here (the instructor can turn pausing off)")


BotVerb = Literal["sell_land", "issue_bonds", "repay_bonds", "build", "recruit", "fund",
                  "back_prospects", "rescue", "exit"]


class BotRule(Strict):
    """One rule of a bot: when the condition holds (for the bot's city), maybe take a step.

    `do` and its numbers: sell_land (hectares), issue_bonds / repay_bonds / fund
    (amount_bn; fund also sector), build (project), recruit (sector), back_prospects
    (sectors, min_signal: back every prospect in those sectors that looks at least this
    strong, paying its ask), rescue (min_signal: rescue own firms in a crunch), exit (share
    of each listed stake out of lock-up that is worth more than it cost).
    """

    when: Condition | None = Field(default=None, description="a condition on the bot's city (default: always)")
    do: BotVerb
    chance: float = Field(default=1.0, ge=0, le=1, description="the share of quarters the rule acts when its condition holds")
    hectares: float | None = Field(default=None, gt=0, le=10_000)
    amount_bn: float | None = Field(default=None, gt=0, le=1_000)
    project: Literal["industrial-park", "fab-utilities", "transit", "talent-programme"] | None = None
    sector: Id | None = None
    sectors: list[Id] = Field(default_factory=list, max_length=20, description="back_prospects: only these (default: any)")
    min_signal: float = Field(default=0.0, ge=0, le=1, description="back_prospects / rescue: the weakest due-diligence signal accepted")
    share: float | None = Field(default=None, gt=0, le=1)

    @model_validator(mode="after")
    def _needs(self) -> BotRule:
        needs = {"sell_land": ("hectares",), "issue_bonds": ("amount_bn",), "repay_bonds": ("amount_bn",),
                 "fund": ("amount_bn", "sector"), "build": ("project",), "recruit": ("sector",), "exit": ("share",)}
        missing = [k for k in needs.get(self.do, ()) if getattr(self, k) is None]
        if missing:
            raise ValueError(f"do = {self.do!r} needs {', '.join(missing)}")
        return self


class BotDef(Strict):
    """A strategy described as a few rules, tried in order each quarter (`architect simulate --bot ID`)."""

    id: Id = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=60)
    description: str = ""
    rules: list[BotRule] = Field(min_length=1, max_length=20)


ScenarioDef.model_rebuild()
