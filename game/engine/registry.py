"""The one registry of names that content may use: metrics (read) and fields (write).

Every name an event condition, an effect, a scope's ``by`` or a scenario expectation may
use is declared here once, with its unit, its possible range and a one-line meaning. The
loader checks every reference against it and the modding reference is generated from it.

Names are ``scope.name``:

- ``game.*``: the date and the macro cycle, the same for every city;
- ``city.*``: the city the event is evaluated for (the player's, or a rival's);
- ``sector.*``: the sector in scope (a sector scope, the firm in scope's sector, or a
  ``sector = "id"`` key beside the name); ``sector.chain_density`` and the other
  per-city sector numbers are the evaluating city's;
- ``firm.*``: the firm in scope (a firm scope, or a ``firm = "id"`` key beside the name).

A getter takes a :class:`Ctx` of index arrays that broadcast together (``w`` worlds,
``c`` cities, ``f`` firm slots, ``s`` sectors) and returns the values at those indices,
so one getter serves a whole batch of worlds, every candidate firm of a scope at once,
or one (world, city, firm) triple.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from game.engine.capital import IPO_WINDOW
from game.engine.state import State
from game.engine.world import (
    BUILDING,
    DISTRESSED,
    FAILED,
    LISTED,
    N_STAGES,
    NOT_YET,
    PRODUCING,
    PROSPECT,
    STAGE_NAMES,
    World,
)

SCOPES = ("game", "city", "sector", "firm")


@dataclass
class Ctx:
    """Where to read: index arrays that broadcast together, and a per-evaluation memo."""

    world: World
    state: State
    w: np.ndarray
    c: np.ndarray
    f: np.ndarray | None = None
    s: np.ndarray | None = None
    memo: dict[str, np.ndarray] = field(default_factory=dict)

    def once(self, key: str, make: Callable[[], np.ndarray]) -> np.ndarray:
        """A whole-batch array computed once per evaluation (e.g. land share [W, C])."""
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]

    def turn(self) -> int:
        return min(self.state.turn, self.world.turns)


@dataclass(frozen=True)
class Metric:
    """A number content may read. ``lo``/``hi`` bound what it can ever be (None: open)."""

    name: str
    unit: str
    meaning: str
    get: Callable[[Ctx], Any]
    lo: float | None = None
    hi: float | None = None

    @property
    def scope(self) -> str:
        return self.name.split(".", 1)[0]


@dataclass(frozen=True)
class FieldSpec:
    """A number effects may change: which state array holds it, how it is indexed, its
    bounds (every field has finite ones, so no effect can overflow the state), whether money moves through the ledger, and whether it stays where an effect
    puts it (``lasting``) or drifts back on its own (then no temporary modifier on it)."""

    name: str
    unit: str
    meaning: str
    array: str
    index: str  # "wc" city, "ws" sector, "wcs" the city's sector, "wf" firm
    lo: float | None = None
    hi: float | None = None
    ledger: str | None = None  # booked in this ledger category (money into the treasury)
    lasting: bool = True

    @property
    def scope(self) -> str:
        return self.name.split(".", 1)[0]

    def where(self, ctx: Ctx) -> tuple[np.ndarray, ...]:
        if self.index == "wc":
            return (ctx.w, ctx.c)
        if self.index == "ws":
            return (ctx.w, ctx.s)
        if self.index == "wcs":
            return (ctx.w, ctx.c, ctx.s)
        return (ctx.w, ctx.f)

    def read(self, ctx: Ctx) -> np.ndarray:
        return getattr(ctx.state, self.array)[self.where(ctx)]


METRICS: dict[str, Metric] = {}
FIELDS: dict[str, FieldSpec] = {}


def metric(name: str, unit: str, meaning: str, lo: float | None = None, hi: float | None = None):
    def register(fn: Callable[[Ctx], Any]) -> Callable[[Ctx], Any]:
        assert name not in METRICS, name
        METRICS[name] = Metric(name, unit, meaning, fn, lo, hi)
        return fn
    return register


def writable(name: str, unit: str, meaning: str, array: str, index: str, lo: float | None = None,
             hi: float | None = None, ledger: str | None = None, lasting: bool = True) -> None:
    """Declare a field; it is readable as a metric of the same name too."""
    spec = FieldSpec(name, unit, meaning, array, index, lo, hi, ledger, lasting)
    FIELDS[name] = spec
    METRICS[name] = Metric(name, unit, meaning, spec.read, lo, hi)


# ----- fields (writable, and readable as metrics) -----------------------------------------

writable("city.treasury_bn", "¥ bn", "cash in the city's treasury; effects on it are booked in the "
         "ledger as event money", "treasury", "wc", lo=-1e6, hi=1e6, ledger="events")
writable("city.debt_bn", "¥ bn", "bonds and platform debt the city owes", "debt", "wc", lo=0.0, hi=1e6)
writable("city.land_bank_ha", "ha", "developable land the city can still sell", "land_bank", "wc", lo=0.0, hi=1e6)
writable("city.land_pressure", "share", "share of the land price lost to recent sales or a failed "
         "auction; fades by 40% a quarter", "land_pressure", "wc", lo=0.0, hi=0.95, lasting=False)
writable("city.infrastructure", "index", "infrastructure index, 1.0 = ordinary", "infrastructure", "wc",
         lo=0.2, hi=10.0)
writable("city.credibility", "0..1", "how much investors trust the city's promises", "credibility", "wc",
         lo=0.05, hi=1.0)
writable("city.patience", "0..1", "the province's patience with the city's debt; at 0 the province "
         "takes over (fiscal crisis)", "patience", "wc", lo=0.0, hi=1.0)
writable("city.population_m", "million people", "people who live in the city", "population", "wc", lo=0.01, hi=2000.0)

writable("sector.demand_shock", "log points", "national demand shock of the sector; fades at the "
         "sector's shock persistence each quarter", "demand_shock", "ws", lo=-1.5, hi=1.5, lasting=False)
writable("sector.sentiment", "index", "investors' mood about the sector (1.0 = neutral); the IPO "
         "window is open at 1.0 and above; drifts toward the price index", "sentiment", "ws",
         lo=0.2, hi=3.0, lasting=False)
writable("sector.other_capacity_bn", "¥ bn a year", "capacity held by the rest of the country "
         "(outside the scenario's cities)", "other_capacity", "ws", lo=0.0, hi=1e7)
writable("sector.chain_density", "0..1", "the city's supply-chain density in the sector; drifts "
         "toward what its firms support", "density", "wcs", lo=0.0, hi=1.0, lasting=False)
writable("sector.suppliers_recruited", "0..0.5", "suppliers the city has courted for the sector",
         "recruited", "wcs", lo=0.0, hi=0.5)
writable("sector.fund_bn", "¥ bn", "undeployed money in the city's guidance fund for the sector; "
         "money added is a partner's, so the city's share of the fund falls", "fund_cash", "wcs", lo=0.0, hi=1e6)

writable("firm.cash_bn", "¥ bn", "the firm's cash; below zero it is in a cash crunch", "cash", "wf", lo=-1e5, hi=1e5)
writable("firm.debt_bn", "¥ bn", "the firm's bank debt", "firm_debt", "wf", lo=0.0, hi=1e5)
writable("firm.capacity_bn", "¥ bn a year", "the firm's capacity, in output at the reference price",
         "capacity_f", "wf", lo=0.0, hi=1e5)
writable("firm.yield", "0..0.95", "share of capacity the plant can use", "yield_f", "wf", lo=0.0, hi=0.95)
writable("firm.quality", "0..1", "hidden strength of management and technology; weak firms burn cash",
         "quality", "wf", lo=0.0, hi=1.0)
writable("firm.quality_signal", "0..1", "what due diligence shows of the firm's quality", "quality_signal",
         "wf", lo=0.0, hi=1.0)
writable("firm.ask_bn", "¥ bn", "equity a prospect asks the city for", "ask", "wf", lo=0.0, hi=1e5)
writable("firm.offered_stake", "share", "stake a prospect offers for its whole ask", "offered_stake",
         "wf", lo=0.0, hi=0.9)
writable("firm.profit_streak", "quarters", "profitable quarters in a row; an IPO needs 4 (and an open "
         "window)", "profit_streak", "wf", lo=0.0, hi=40.0)
writable("firm.build_quarters_left", "quarters", "quarters of construction left", "build_left", "wf",
         lo=0.0, hi=40.0)


# ----- game metrics -----------------------------------------------------------------------

@metric("game.turn", "turn", "turns played so far (0 at the start)", lo=0.0)
def _turn(x: Ctx) -> Any:
    return np.float64(x.state.turn)


@metric("game.year", "year", "the date as a year with quarters as fractions (2020.25 = 2020 Q2)")
def _year(x: Ctx) -> Any:
    return np.float64(x.world.year_of_turn[x.turn()])


@metric("game.quarter", "1..4", "the quarter of the year", lo=1.0, hi=4.0)
def _quarter(x: Ctx) -> Any:
    return np.float64((x.world.scenario.start_quarter - 1 + x.state.turn) % 4 + 1)


@metric("game.turns_left", "turns", "turns until the scenario ends", lo=0.0)
def _turns_left(x: Ctx) -> Any:
    return np.float64(max(x.world.turns - x.state.turn, 0))


@metric("game.land_cycle", "index", "the national land cycle, 1.0 at the start of the scenario", lo=0.0)
def _land_cycle(x: Ctx) -> Any:
    return np.float64(x.world.land_cycle[x.turn()])


@metric("game.land_cycle_trend", "ratio", "the land cycle now over a year before (below 1: the "
        "land market is cooling)", lo=0.0)
def _land_cycle_trend(x: Ctx) -> Any:
    t = x.turn()
    return np.float64(x.world.land_cycle[t] / x.world.land_cycle[max(t - 4, 0)])


@metric("game.national_growth", "per year", "national nominal GDP growth this year")
def _national_growth(x: Ctx) -> Any:
    return np.float64(x.world.macro_growth[x.turn()])


# ----- city metrics -----------------------------------------------------------------------

def _start(x: Ctx, attr: str) -> np.ndarray:
    return x.world.city_params[attr][x.c]


@metric("city.gdp_bn", "¥ bn a year", "the city's GDP", lo=0.0)
def _gdp(x: Ctx) -> Any:
    return x.state.gdp[x.w, x.c]


@metric("city.gdp_growth", "ratio", "GDP now over GDP at the start (1.5 = half again as large)", lo=0.0)
def _gdp_growth(x: Ctx) -> Any:
    return x.state.gdp[x.w, x.c] / _start(x, "gdp_bn")


@metric("city.jobs_k", "thousand jobs", "jobs in the city", lo=0.0)
def _jobs(x: Ctx) -> Any:
    return x.state.jobs[x.w, x.c]


# The derived metrics below read only the worlds and cities asked for (the same formulas as
# tick.land_share, tick.debt_ratio, tick.portfolio_value and actions.rescue_need, which
# work on whole batches; tests/test_registry.py checks they agree).

def _fiscal_revenue(x: Ctx) -> np.ndarray:
    return np.maximum(x.state.revenue_hist[x.w, x.c].sum(axis=-1), 1e-9)


@metric("city.land_share", "share", "land revenue over fiscal revenue, last four quarters", lo=0.0, hi=1.0)
def _land_share(x: Ctx) -> Any:
    return np.clip(x.state.land_hist[x.w, x.c].sum(axis=-1) / _fiscal_revenue(x), 0.0, 1.0)


@metric("city.debt_ratio", "x yearly revenue", "debt over the last four quarters' fiscal revenue", lo=0.0)
def _debt_ratio(x: Ctx) -> Any:
    return x.state.debt[x.w, x.c] / _fiscal_revenue(x)


@metric("city.debt_limit_share", "share", "debt as a share of what the province allows "
        "(the scenario's debt_limit_ratio x yearly revenue); 1.0 = at the cap", lo=0.0)
def _debt_limit_share(x: Ctx) -> Any:
    return x.state.debt[x.w, x.c] / _fiscal_revenue(x) / x.world.scenario.debt_limit_ratio


@metric("city.revenue_4q_bn", "¥ bn", "fiscal revenue over the last four quarters (land included)")
def _revenue_4q(x: Ctx) -> Any:
    return x.state.revenue_hist[x.w, x.c].sum(axis=-1)


@metric("city.land_revenue_4q_bn", "¥ bn", "land-sale revenue over the last four quarters", lo=0.0)
def _land_revenue_4q(x: Ctx) -> Any:
    return x.state.land_hist[x.w, x.c].sum(axis=-1)


@metric("city.land_revenue_trend", "ratio", "land revenue of the last two quarters over the two "
        "before them (below 1 when land income is falling)", lo=0.0)
def _land_trend(x: Ctx) -> Any:
    h = x.state.land_hist[x.w, x.c]
    return h[..., 2:].sum(axis=-1) / np.maximum(h[..., :2].sum(axis=-1), 1e-9)


@metric("city.land_price_bn_per_ha", "¥ bn per ha", "what a small land sale fetches now", lo=0.0)
def _land_price(x: Ctx) -> Any:
    return x.state.land_price[x.w, x.c]


@metric("city.land_price_index", "ratio", "land price now over the price at the start", lo=0.0)
def _land_price_index(x: Ctx) -> Any:
    return x.state.land_price[x.w, x.c] / _start(x, "land_price_bn_per_ha")


@metric("city.land_bank_share", "share", "land bank left as a share of the bank at the start", lo=0.0)
def _land_bank_share(x: Ctx) -> Any:
    start = np.array([c.land_bank_ha for c in x.world.cities])[x.c]
    return x.state.land_bank[x.w, x.c] / np.maximum(start, 1e-9)


@metric("city.land_sold_ha", "ha", "land sold this quarter so far", lo=0.0)
def _land_sold(x: Ctx) -> Any:
    return x.state.land_sold_q[x.w, x.c]


@metric("city.portfolio_bn", "¥ bn", "the city's stakes marked to market plus its idle fund money", lo=0.0)
def _portfolio(x: Ctx) -> Any:
    st = x.state
    w, c = np.broadcast_arrays(x.w, x.c)
    stakes = (st.stake[w, :, c] * st.valuation[w]).sum(axis=-1)
    funds = (st.fund_cash[w, c] * st.fund_city_share[w, c]).sum(axis=-1)
    return stakes + funds


@metric("city.invested_bn", "¥ bn", "equity the city has put into firms and funds so far", lo=0.0)
def _invested(x: Ctx) -> Any:
    return x.state.invested[x.w, x.c]


@metric("city.realised_bn", "¥ bn", "cash the city has taken out by selling stakes so far", lo=0.0)
def _realised(x: Ctx) -> Any:
    return x.state.realised[x.w, x.c]


@metric("city.written_off_bn", "¥ bn", "equity the city has lost in failed firms so far", lo=0.0)
def _written_off(x: Ctx) -> Any:
    return x.state.written_off[x.w, x.c]


@metric("city.unpaid_suppliers_bn", "¥ bn", "bills failed firms left unpaid to the city's suppliers", lo=0.0)
def _unpaid(x: Ctx) -> Any:
    return x.state.unpaid_suppliers[x.w, x.c]


def _stage_in(stage: np.ndarray, codes: tuple[int, ...]) -> np.ndarray:
    table = np.zeros(N_STAGES, dtype=bool)
    table[list(codes)] = True
    return table[stage]


def _count_in_city(x: Ctx, codes: tuple[int, ...]) -> np.ndarray:
    """Firms at these stages in each asked city, [shape of w and c]."""
    st = x.state
    here = st.firm_city[x.w] == np.asarray(x.c)[..., None]
    return (here & _stage_in(st.stage[x.w], codes)).sum(axis=-1).astype(np.float64)


@metric("city.firms_producing", "firms", "the city's firms that produce (ramping, operating, listed "
        "or distressed)", lo=0.0)
def _firms_producing(x: Ctx) -> Any:
    return _count_in_city(x, PRODUCING)


@metric("city.firms_distressed", "firms", "the city's firms in a cash crunch", lo=0.0)
def _firms_distressed(x: Ctx) -> Any:
    return _count_in_city(x, (DISTRESSED,))


@metric("city.firms_failed", "firms", "the city's firms that have failed so far", lo=0.0)
def _firms_failed(x: Ctx) -> Any:
    return _count_in_city(x, (FAILED,))


@metric("city.prospects_waiting", "firms", "projects waiting for the city's terms", lo=0.0)
def _prospects(x: Ctx) -> Any:
    return _count_in_city(x, (PROSPECT,))


@metric("city.is_player", "0/1", "1 for the player's city, 0 for a rival", lo=0.0, hi=1.0)
def _is_player(x: Ctx) -> Any:
    return (np.asarray(x.c) == x.world.player).astype(np.float64)


@metric("city.crisis", "0/1", "1 when the city has hit a fiscal crisis", lo=0.0, hi=1.0)
def _crisis(x: Ctx) -> Any:
    return x.state.crisis[x.w, x.c].astype(np.float64)


# ----- sector metrics ---------------------------------------------------------------------

@metric("sector.price_index", "index", "the sector's price index (1.0 = reference price); it "
        "falls when capacity outruns demand", lo=0.0)
def _price(x: Ctx) -> Any:
    return x.state.price[x.w, x.s]


@metric("sector.demand_bn", "¥ bn a year", "national demand for the sector's output", lo=0.0)
def _demand(x: Ctx) -> Any:
    return x.state.demand[x.w, x.s]


@metric("sector.capacity_bn", "¥ bn a year", "national producing capacity (every city and the rest "
        "of the country)", lo=0.0)
def _capacity(x: Ctx) -> Any:
    return x.state.capacity[x.w, x.s]


@metric("sector.overcapacity", "ratio", "national capacity over demand (above 1: overcapacity)", lo=0.0)
def _overcapacity(x: Ctx) -> Any:
    return x.state.capacity[x.w, x.s] / np.maximum(x.state.demand[x.w, x.s], 1e-9)


@metric("sector.ipo_window", "0/1", f"1 when sentiment is at or above {IPO_WINDOW} and IPOs can price",
        lo=0.0, hi=1.0)
def _ipo_window(x: Ctx) -> Any:
    return (x.state.sentiment[x.w, x.s] >= IPO_WINDOW).astype(np.float64)


def _in_sector(x: Ctx) -> np.ndarray:
    """[..., F] bool: each firm slot is in the asked sector."""
    return x.world.firm_sector == np.asarray(x.s)[..., None]


def _count_in_sector(x: Ctx, codes: tuple[int, ...]) -> np.ndarray:
    return (_in_sector(x) & _stage_in(x.state.stage[x.w], codes)).sum(axis=-1).astype(np.float64)


@metric("sector.firms_building", "firms", "firms building plants in the sector, in every city", lo=0.0)
def _sector_building(x: Ctx) -> Any:
    return _count_in_sector(x, (BUILDING,))


@metric("sector.firms_distressed", "firms", "firms of the sector in a cash crunch, in every city", lo=0.0)
def _sector_distressed(x: Ctx) -> Any:
    return _count_in_sector(x, (DISTRESSED,))


@metric("sector.firms_failed", "firms", "firms of the sector that have failed so far, in every city", lo=0.0)
def _sector_failed(x: Ctx) -> Any:
    return _count_in_sector(x, (FAILED,))


def _local(x: Ctx) -> np.ndarray:
    """[..., F] bool: each firm slot is in the asked city and sector."""
    return (x.state.firm_city[x.w] == np.asarray(x.c)[..., None]) & _in_sector(x)


@metric("sector.local_capacity_bn", "¥ bn a year", "the city's own producing capacity in the sector", lo=0.0)
def _local_capacity(x: Ctx) -> Any:
    st = x.state
    eff = np.where(_stage_in(st.stage[x.w], PRODUCING), st.capacity_f[x.w] * st.yield_f[x.w], 0.0)
    return np.where(_local(x), eff, 0.0).sum(axis=-1)


@metric("sector.local_firms", "firms", "the city's live firms in the sector (building to listed, or "
        "distressed)", lo=0.0)
def _local_firms(x: Ctx) -> Any:
    live = _stage_in(x.state.stage[x.w], (BUILDING, *PRODUCING))
    return (_local(x) & live).sum(axis=-1).astype(np.float64)


# ----- firm metrics -----------------------------------------------------------------------

@metric("firm.stake", "share", "the city's share of the firm", lo=0.0, hi=1.0)
def _stake(x: Ctx) -> Any:
    return x.state.stake[x.w, x.f, x.c]


@metric("firm.held", "0/1", "1 when the city holds a stake in the firm", lo=0.0, hi=1.0)
def _held(x: Ctx) -> Any:
    return (x.state.stake[x.w, x.f, x.c] > 0).astype(np.float64)


@metric("firm.own", "0/1", "1 when the firm is in the city", lo=0.0, hi=1.0)
def _own(x: Ctx) -> Any:
    return (x.state.firm_city[x.w, x.f] == x.c).astype(np.float64)


@metric("firm.cost_basis_bn", "¥ bn", "what the city paid for its present stake", lo=0.0)
def _cost_basis(x: Ctx) -> Any:
    return x.state.cost_basis[x.w, x.f, x.c]


@metric("firm.revenue_bn", "¥ bn a quarter", "the firm's sales last quarter", lo=0.0)
def _revenue(x: Ctx) -> Any:
    return x.state.revenue_f[x.w, x.f]


@metric("firm.profit_bn", "¥ bn a quarter", "the firm's profit last quarter (negative: a loss)")
def _profit(x: Ctx) -> Any:
    return x.state.profit_f[x.w, x.f]


@metric("firm.valuation_bn", "¥ bn", "the firm's equity value, marked each quarter", lo=0.0)
def _valuation(x: Ctx) -> Any:
    return x.state.valuation[x.w, x.f]


@metric("firm.paid_in_bn", "¥ bn", "equity raised by the firm so far", lo=0.0)
def _paid_in(x: Ctx) -> Any:
    return x.state.paid_in[x.w, x.f]


@metric("firm.jobs_k", "thousand jobs", "jobs in the firm itself", lo=0.0)
def _firm_jobs(x: Ctx) -> Any:
    return x.state.jobs_f[x.w, x.f]


@metric("firm.distress_quarters", "quarters", "quarters the firm has spent in its cash crunch", lo=0.0)
def _distress_q(x: Ctx) -> Any:
    return x.state.distress_q[x.w, x.f]


@metric("firm.lockup_left", "quarters", "quarters before listed shares may be sold", lo=0.0)
def _lockup(x: Ctx) -> Any:
    return x.state.lockup_left[x.w, x.f]


@metric("firm.listed", "0/1", "1 once the firm has had its IPO", lo=0.0, hi=1.0)
def _listed(x: Ctx) -> Any:
    return (x.state.stage[x.w, x.f] == LISTED).astype(np.float64)


@metric("firm.rescued", "0/1", "1 when a city has put money in while it was distressed", lo=0.0, hi=1.0)
def _rescued(x: Ctx) -> Any:
    return x.state.rescued[x.w, x.f].astype(np.float64)


@metric("firm.rescue_need_bn", "¥ bn", "money a distressed firm needs to be solvent again", lo=0.0)
def _rescue_need(x: Ctx) -> Any:
    st = x.state
    return (np.maximum(-st.cash[x.w, x.f], 0.0) + np.maximum(-st.profit_f[x.w, x.f], 0.0)
            + 0.05 * st.paid_in[x.w, x.f])


@metric("firm.waited", "quarters", "quarters a prospect has waited for terms (it leaves after 4)", lo=0.0)
def _waited(x: Ctx) -> Any:
    return x.state.waited[x.w, x.f]


# ----- helpers for the loader and the docs ------------------------------------------------

STAGES = {name: code for code, name in enumerate(STAGE_NAMES) if code != NOT_YET}  # content's stage names


def scope_needed(name: str) -> str:
    """The scope a metric or field needs: game, city, sector or firm."""
    return name.split(".", 1)[0]


def can_read(name: str, have: set[str]) -> bool:
    """Whether ``name`` can be read with these scopes bound (a firm brings its sector)."""
    need = scope_needed(name)
    return need in ("game", "city") or need in have
