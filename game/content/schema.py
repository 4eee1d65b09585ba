"""Pydantic schemas for content files: packs, sectors, firms, scenarios, bots (events are in
game/content/event_schema.py, imported here so that one module names every kind).

Content is validated once, at load; the engine trusts it afterwards. Every number has a
unit and finite bounds (game/content/bounds.py); nothing is coerced. Money is in ¥ billion
(``_bn``), land in hectares (``_ha``), rates per year unless a name says ``_q``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, model_validator

from game.content.bounds import num
from game.content.event_schema import (  # noqa: F401  (one module names every kind)
    BIG,
    EFFECT_TYPES,
    ID_MAX,
    ID_PATTERN,
    MAX_CONDITIONS,
    MAX_EFFECTS,
    MAX_OPTIONS,
    METRIC_PATTERN,
    AddEffect,
    AllOf,
    AnyOf,
    Between,
    Compare,
    Condition,
    Effect,
    EventDef,
    FlagEffect,
    FlagIs,
    FollowUp,
    Id,
    InvestEffect,
    MetricName,
    ModifierEffect,
    MultiplyEffect,
    NotOf,
    Op,
    OptionDef,
    QueueEffect,
    ScopeDef,
    SetEffect,
    SpawnEffect,
    StakeEffect,
    Strict,
)
from game.content.locate import suggest

ARCHETYPES = ("player", "herd-chaser", "land-addict", "cautious", "copycat")
Archetype = Literal["player", "herd-chaser", "land-addict", "cautious", "copycat"]
InitialStage = Literal["prospect", "building", "ramping", "operating", "listed"]
Name = Annotated[str, Field(min_length=1, max_length=60)]
Description = Annotated[str, Field(max_length=2000)]
SEED_MAX = 2**32 - 1

# The most a scenario may hold: a world of this size still fits a batch in memory
# (the batch's estimate is checked again before `simulate` or `mods test` starts).
MAX_CITIES = 12
MAX_SECTORS = 24
MAX_FIRMS = 120
MAX_EVENTS = 300
MAX_TURNS = 200


class SectorDef(Strict):
    """A national market: demand, how firms build capacity in it, and its economics.

    Capacity and demand are measured in ¥ bn of annual output at the reference price
    (price index 1.0), so revenue = output x price index.
    """

    id: Id
    name: Name
    description: Description = ""
    demand_bn: float = num(unit="¥ bn of output a year", gt=0, le=20_000,
                           description="national demand at the start")
    demand_growth: float = num(unit="share a year", ge=-0.5, le=1.0, description="trend growth of demand per year")
    cycle_amplitude: float = num(unit="share of trend", ge=0, lt=1, description="swing of the demand cycle")
    cycle_years: float = num(unit="years", ge=0.5, le=30, description="length of one demand cycle")
    cycle_phase: float = num(0.0, unit="years", ge=-30, le=30, description="where the cycle starts")
    shock_sd: float = num(unit="log points", ge=0, le=0.5, description="sd of quarterly demand shocks")
    shock_persistence: float = num(0.7, unit="weight", ge=0, lt=1, description="AR(1) weight of last quarter's shock")
    other_capacity_share: float = num(
        unit="share of demand", ge=0.05, le=2,
        description="capacity held by the rest of the country at the start")
    other_capacity_growth: float = num(unit="share a year", ge=-0.5, le=1.0,
                                       description="growth per year of the rest of the country's capacity")
    price_elasticity: float = num(unit="elasticity", ge=0.05, le=5,
                                  description="price moves as (demand/capacity)^(1/elasticity)")
    price_floor: float = num(0.35, unit="price index", ge=0.05, lt=1, description="the lowest the price index falls")
    price_ceiling: float = num(2.5, unit="price index", gt=1, le=10, description="the highest the price index rises")
    capex_per_capacity: float = num(unit="¥ bn of capex per ¥ bn of annual capacity", ge=0.05, le=20)
    build_quarters: int = num(unit="quarters", ge=1, le=40, description="from groundbreaking to first output")
    ramp_quarters: int = num(unit="quarters", ge=1, le=40, description="for yield to approach maturity")
    start_yield: float = num(0.3, unit="share of capacity", gt=0, le=1, description="usable when output starts")
    learning_rate: float = num(unit="share per doubling", ge=0, lt=0.5,
                               description="unit cost falls by this share per doubling of cumulative output")
    unit_cost: float = num(unit="¥ per ¥ of output", gt=0, lt=2, description="mature cash cost at the reference price")
    fixed_cost_share: float = num(unit="share of capex a year", ge=0, lt=0.5, description="yearly fixed cost")
    jobs_per_bn: float = num(unit="thousand jobs per ¥ bn of annual capacity", ge=0, le=100)
    value_added_share: float = num(unit="share of revenue", gt=0, le=1, description="local value added (GDP)")
    tax_rate: float = num(unit="share of revenue", ge=0, lt=0.5, description="local taxes")
    horizon: Literal["short", "medium", "long"] = Field(
        description="how long private investors must wait for returns; long-horizon sectors scare them early"
    )
    inputs: list[Id] = Field(default_factory=list, max_length=MAX_SECTORS,
                             description="sectors whose output this sector buys (its supply chain)")
    valuation_multiple: float = num(unit="x annual revenue", gt=0, le=30,
                                    description="enterprise value over annual revenue in a normal market")
    prospect_rate: float = num(
        0.6, unit="projects a year", ge=0, le=10,
        description="new projects a year in this sector seeking a home among the scenario's cities")
    prospect_capacity_bn: float = num(5.0, unit="¥ bn of output a year", gt=0, le=2_000,
                                      description="typical annual capacity of such a project")
    prospect_names: list[Name] = Field(
        default_factory=list, max_length=40,
        description="names given to projects that appear during play (else 'Sector venture N')")


class FirmDef(Strict):
    """A firm, present at the start or arriving later as a prospect asking for terms."""

    id: Id
    name: Name
    description: Description = ""
    sector: Id
    city: Id = Field(description="the city where the firm is or wants to be")
    stage: InitialStage = "operating"
    capacity_bn: float = num(unit="¥ bn of output a year at the reference price", gt=0, le=5_000)
    cash_bn: float = num(unit="¥ bn", ge=0, le=5_000)
    debt_bn: float = num(0.0, unit="¥ bn", ge=0, le=5_000)
    quality: float = num(0.5, unit="0..1", ge=0, le=1,
                         description="management and technology strength; weak firms burn cash")
    arrives_turn: int = num(0, unit="turn", ge=0, le=MAX_TURNS, description="turn when a prospect appears")
    ask_bn: float = num(0.0, unit="¥ bn", ge=0, le=5_000, description="equity a prospect asks for")
    offered_stake: float = num(0.0, unit="share", ge=0, le=1, description="stake the city gets for the whole ask")
    city_stake: float = num(0.0, unit="share", ge=0, le=1, description="stake the city already holds")
    history: str = Field(default="", max_length=2000, description="what really happened, for the end report")


YEAR = {"unit": "year", "ge": 1900, "le": 2150}


class LandCyclePoint(Strict):
    """One point of the national land cycle; the game interpolates between points."""

    year: float = num(**YEAR)
    index: float = num(unit="index", ge=0.01, le=20, description="macro land demand; 1.0 = start of the scenario")


class GrowthPoint(Strict):
    """National nominal GDP growth from this year on (interpolated)."""

    year: float = num(**YEAR)
    rate: float = num(unit="share a year", ge=-0.3, le=0.5, description="national nominal GDP growth")


class CityDef(Strict):
    """The player's city or a rival. Money in ¥ bn, land in hectares."""

    id: Id
    name: Annotated[str, Field(min_length=1, max_length=40)]
    archetype: Archetype
    gdp_bn: float = num(unit="¥ bn a year", gt=0, le=50_000, description="GDP at the start")
    population_m: float = num(unit="million people", ge=0.01, le=100, description="residents")
    treasury_bn: float = num(unit="¥ bn", ge=0, le=50_000)
    debt_bn: float = num(0.0, unit="¥ bn", ge=0, le=50_000)
    land_bank_ha: float = num(unit="ha", ge=0, le=1_000_000, description="developable land the city can still sell")
    land_price_bn_per_ha: float = num(unit="¥ bn per ha", ge=0.0001, le=5, description="land price at the start")
    infrastructure: float = num(1.0, unit="index", ge=0.2, le=10, description="infrastructure, 1.0 = ordinary")
    tax_take: float = num(0.075, unit="share of GDP", gt=0, lt=0.5,
                          description="local tax revenue from the base economy")
    transfers_share: float = num(0.02, unit="share of GDP", ge=0, lt=0.5, description="transfers from the province")
    spending_share: float = num(0.11, unit="share of GDP", gt=0, lt=0.6, description="core spending (salaries, services)")
    development_share: float = num(0.04, unit="share of GDP", ge=0, lt=0.3,
                                   description="development spending the city wants; cut when the treasury runs dry")
    growth_premium: float = num(0.0, unit="share a year", ge=-0.2, le=0.3,
                                description="base-economy growth above the national rate")
    land_absorption_ha: float = num(150.0, unit="ha a quarter", ge=1, le=100_000,
                                    description="land the market absorbs before prices sag")
    land_share: float = num(0.4, unit="share", ge=0, lt=1,
                            description="land revenue over fiscal revenue in the year before the start")
    credibility: float = num(0.5, unit="0..1", ge=0, le=1, description="how much investors trust the city's promises")


WEIGHT = {"unit": "weight", "ge": 0, "le": 10}


class ScoreWeights(Strict):
    """How the final score weighs its parts (normalised by their sum)."""

    gdp_growth: float = num(0.35, **WEIGHT)
    land_share_drop: float = num(0.25, **WEIGHT)
    portfolio: float = num(0.2, **WEIGHT)
    debt_discipline: float = num(0.1, **WEIGHT)
    jobs: float = num(0.1, **WEIGHT)


class HistoryPoint(Strict):
    """A real figure the end report compares with (metric names from shared data)."""

    metric: Annotated[str, Field(min_length=1, max_length=60)]
    year: int = num(**YEAR)
    value: float = num(unit="as `unit` says", ge=-BIG, le=BIG)
    unit: Annotated[str, Field(min_length=1, max_length=40)]
    label: Annotated[str, Field(max_length=120)] = ""


class HistoricalMove(Strict):
    """A decision the real city took, as an action; the `historical` bot replays these."""

    turn: int = num(unit="turn", ge=0, le=MAX_TURNS)
    action: dict[str, Any] = Field(description="an action as data, e.g. { kind = \"invest_equity\", firm = \"boe-hefei-gen6\", amount_bn = 9.0 }")
    note: Annotated[str, Field(max_length=400)] = ""


class Expectation(Strict):
    """A balance check for `architect mods test`: a metric of the player's city after some
    turns, or how often an event fires. `choose` and `force` steer the worlds it plays."""

    label: Annotated[str, Field(max_length=120)] = ""
    bot: Annotated[str, Field(min_length=1, max_length=ID_MAX)] = Field(
        default="pass", description="the strategy that plays the player's city (see `architect simulate`)")
    seed: int | None = num(None, unit="seed", ge=0, le=SEED_MAX, description="first seed (default: the scenario's)")
    worlds: int = num(1, unit="worlds", ge=1, le=2000, description="worlds (seeds) to play")
    turn: int | None = num(None, unit="turns", ge=1, le=MAX_TURNS,
                           description="check after this many turns (default: the whole scenario)")
    metric: MetricName | None = None
    sector: Id | None = None
    firm: Id | None = None
    op: Op | None = None
    value: float | None = num(None, unit="the metric's unit", ge=-BIG, le=BIG)
    share: float = num(1.0, unit="share of worlds", gt=0, le=1, description="where the comparison must hold")
    event: Id | None = Field(default=None, description="count worlds where this event fired (for any city)")
    at_least: int | None = num(None, unit="worlds", ge=0, le=2000, description="the event fires in at least this many worlds")
    at_most: int | None = num(None, unit="worlds", ge=0, le=2000, description="and in at most this many")
    choose: dict[Id, Annotated[int, num(unit="option, numbered from 0", ge=0, le=MAX_OPTIONS - 1)]] = Field(
        default_factory=dict, max_length=50,
        description="the option the player's city takes when these events fire (default: their ai_default)")
    force: list[ForcedEvent] = Field(default_factory=list, max_length=20,
                                     description="events fired for the player's city on a given turn")


class ForcedEvent(Strict):
    """`{ event = "port-strike", turn = 4 }`: fire an event for the player's city as turn 4
    opens (its decision in that turn's briefing), whatever its chance, once, cooldown; its
    scope must still bind and its trigger hold, as for a queued event."""

    event: Id
    turn: int = num(unit="turn (the first is 0; events first come as turn 1 opens)", ge=1, le=MAX_TURNS)


class MilestoneWhen(Strict):
    """When a milestone comes: `{ turn = 8 }`, `{ year = 2016, quarter = 2 }`, or a condition."""

    turn: int | None = num(None, unit="turn", ge=0, le=MAX_TURNS, description="at the start of this turn")
    year: int | None = num(None, unit="year", ge=1990, le=2100, description="at the start of this year's quarter")
    quarter: int | None = num(None, unit="quarter", ge=1, le=4, description="the quarter of `year` (default 1)")
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

    id: Id
    when: MilestoneWhen
    title: Annotated[str, Field(min_length=1, max_length=80)]
    prompt: str = Field(min_length=1, max_length=2000, description="what the class discusses")
    teacher_notes: str = Field(default="", max_length=4000)
    lesson: Literal["land", "chains", "horizon", "rescue", "herd", "exits", "debt"] | None = Field(
        default=None, description="which of the seven lessons of the design it is about")
    pause: bool = Field(default=True, description="stop the game here (the instructor can turn pausing off)")


class ScenarioDef(Strict):
    """A game: the player's city and its rivals, the sectors and firms in play, the events."""

    id: Id
    name: Name
    description: Description
    difficulty: Literal["tutorial", "easy", "normal", "hard"]
    start_year: int = num(unit="year", ge=1990, le=2100)
    start_quarter: int = num(1, unit="quarter", ge=1, le=4)
    turns: int = num(unit="quarters", ge=1, le=MAX_TURNS)
    seed: int = num(2008, unit="seed", ge=0, le=SEED_MAX)
    attention_per_turn: int = num(3, unit="actions a turn", ge=1, le=10)
    player_city: Id
    cities: list[CityDef] = Field(min_length=2, max_length=MAX_CITIES)
    sectors: list[Id] = Field(min_length=1, max_length=MAX_SECTORS)
    firms: list[Id] = Field(default_factory=list, max_length=MAX_FIRMS)
    land_cycle: list[LandCyclePoint] = Field(min_length=1, max_length=MAX_TURNS)
    macro_growth: list[GrowthPoint] = Field(min_length=1, max_length=MAX_TURNS)
    bond_rate: float = num(0.045, unit="share a year", ge=0, lt=0.3,
                           description="yearly coupon of city bonds at a low debt ratio")
    debt_limit_ratio: float = num(2.5, unit="x yearly revenue", gt=0, le=20,
                                  description="debt the province tolerates")
    victory: Annotated[str, Field(min_length=1, max_length=400)] = Field(description="what the player must achieve, in words")
    score: ScoreWeights = ScoreWeights()
    history: list[HistoryPoint] = Field(default_factory=list, max_length=100)
    tips: list[Annotated[str, Field(max_length=400)]] = Field(
        default_factory=list, max_length=MAX_TURNS, description="tutorial hints shown turn by turn")
    milestones: list[MilestoneDef] = Field(default_factory=list, max_length=40,
                                           description="classroom pauses for discussion, by date or condition")
    spawn_prospects: bool = Field(default=True, description="new projects appear during play besides the listed firms")
    historical_moves: list[HistoricalMove] = Field(default_factory=list, max_length=400,
                                                   description="what the real city did, turn by turn")
    historical_land_pace: float = num(0.8, unit="share of absorption a quarter", ge=0, le=5,
                                      description="land the real city sold each quarter")
    events: Literal["all"] | list[Id] = Field(
        default="all", max_length=MAX_EVENTS,
        description='the events in play: "all" (every event of the loaded packs) or a list of event ids ([] for none)')
    flags: list[Id] = Field(default_factory=list, max_length=20,
                            description="flags every city starts with (story markers); events test them with { flag = \"...\" }")
    expectations: list[Expectation] = Field(
        default_factory=list, max_length=50,
        description="balance checks `architect mods test` runs headless (the game ignores them)")
    # every event of the loaded packs, set by the loader, so that a World built from this
    # scenario alone can compile the events it names (not part of the file format)
    _events: dict[str, Any] = PrivateAttr(default_factory=dict)


def scenario_problems(sc: ScenarioDef) -> list[tuple[tuple[Any, ...], str]]:
    """What a scenario gets wrong within itself, each with where it sits: cities named
    twice, a player city that is missing or not the one with archetype player, points out
    of order. The loader reports these with their lines; the engine relies on them."""
    out: list[tuple[tuple[Any, ...], str]] = []
    ids = [c.id for c in sc.cities]
    for i, cid in enumerate(ids):
        if cid in ids[:i]:
            out.append((("cities", i, "id"), f"city id {cid!r} is used twice"))
    if sc.player_city not in ids:
        out.append((("player_city",), f"player_city {sc.player_city!r} is not one of the cities "
                    f"({', '.join(ids)})" + suggest(sc.player_city, ids)))
    players = [i for i, c in enumerate(sc.cities) if c.archetype == "player"]
    if sc.player_city in ids:
        k = ids.index(sc.player_city)
        if sc.cities[k].archetype != "player":
            out.append((("cities", k, "archetype"), f"the player's city {sc.player_city!r} must have "
                        "archetype 'player'"))
    for i in players if sc.player_city in ids else []:
        if ids[i] != sc.player_city:
            out.append((("cities", i, "archetype"), f"only the player's city ({sc.player_city!r}) has "
                        "archetype 'player'; a rival is herd-chaser, land-addict, cautious or copycat"))
    for name in ("land_cycle", "macro_growth"):
        points = getattr(sc, name)
        for i in range(1, len(points)):
            if points[i].year < points[i - 1].year:
                out.append(((name, i, "year"), f"{name} points must be in order of year: "
                            f"{points[i].year:g} comes after {points[i - 1].year:g}"))
    return out


ScenarioDef.model_rebuild()
Expectation.model_rebuild()


class PackDef(Strict):
    """A content pack's pack.toml: who it is and which packs must load before it."""

    id: Id = Field(description="the pack's id, lower-case words joined by '-'")
    name: Name = Field(description="the pack's name, as shown to players")
    version: str = Field(pattern=r"^\d+\.\d+(\.\d+)?$", max_length=20, description='e.g. "1.0" or "1.2.3"')
    description: Description = ""
    requires: list[Id] = Field(default_factory=list, max_length=20,
                               description="ids of packs that must load before this one (an error when one is missing)")
    load_after: list[Id] = Field(default_factory=list, max_length=20,
                                 description="ids of packs this one loads after when they are present (no error when absent)")


BotVerb = Literal["sell_land", "issue_bonds", "repay_bonds", "build", "recruit", "fund",
                  "back_prospects", "rescue", "exit"]
BOT_NEEDS = {"sell_land": ("hectares",), "issue_bonds": ("amount_bn",), "repay_bonds": ("amount_bn",),
             "fund": ("amount_bn", "sector"), "build": ("project",), "recruit": ("sector",), "exit": ("share",)}


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
    chance: float = num(1.0, unit="share of quarters", ge=0, le=1,
                        description="how often the rule acts when its condition holds")
    hectares: float | None = num(None, unit="ha", gt=0, le=10_000)
    amount_bn: float | None = num(None, unit="¥ bn", gt=0, le=1_000)
    project: Literal["industrial-park", "fab-utilities", "transit", "talent-programme"] | None = None
    sector: Id | None = None
    sectors: list[Id] = Field(default_factory=list, max_length=20, description="back_prospects: only these (default: any)")
    min_signal: float = num(0.0, unit="0..1", ge=0, le=1,
                            description="back_prospects / rescue: the weakest due-diligence signal accepted")
    share: float | None = num(None, unit="share of the stake", gt=0, le=1)

    @model_validator(mode="after")
    def _needs(self) -> BotRule:
        missing = [k for k in BOT_NEEDS.get(self.do, ()) if getattr(self, k) is None]
        if missing:
            raise ValueError(f"do = {self.do!r} needs {', '.join(missing)}")
        return self


class BotDef(Strict):
    """A strategy described as a few rules, tried in order each quarter (`architect simulate --bot ID`)."""

    id: Id
    name: Name
    description: Description = ""
    rules: list[BotRule] = Field(min_length=1, max_length=20)
