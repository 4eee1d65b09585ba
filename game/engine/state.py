"""The mutable state of one or many worlds: numpy arrays with the world axis first.

Shapes: W worlds, C cities, S sectors, F firm slots, K ledger categories.
Randomness is drawn up front from one numpy Generator per world, seeded by
(scenario seed, world index), so a world plays the same alone or in a batch.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields

import numpy as np

from game.engine.economics import MATURE_YIELD, marks
from game.engine.ledger import N_CATEGORIES
from game.engine.world import (
    BUILDING,
    LISTED,
    NOT_YET,
    OPERATING,
    PRODUCING,
    QUARTERS_PER_YEAR,
    RAMPING,
    STAGE_CODES,
    World,
)

GROWTH_DRIVERS = (
    ("national", "National growth"),
    ("development", "Development spending (cut when the treasury is short)"),
    ("infrastructure", "Infrastructure"),
    ("chains", "Supply-chain density"),
    ("luck", "Luck (local shocks)"),
)
N_UNIFORM_LANES = 16  # uniform draws per world per turn, each lane with one fixed use
LANE_PROSPECT_CITY = 0
LANE_RIVAL = 1
LANE_SPAWN = 2  # whether a new project appears this quarter
LANE_SPAWN_SECTOR = 3
LANE_SPAWN_CITY = 4
LANE_SPAWN_QUALITY = 5
LANE_SPAWN_SIGNAL = 6
LANE_SPAWN_SIZE = 7
LANE_PRIVATE_ROUND = 8
LANE_SENTIMENT = 9
JOBS_PER_M_RESIDENTS = 550.0  # thousands employed per million residents (about 55%)
NEVER = -1_000_000  # the turn an event last fired for a city where it never has


@dataclass
class Noise:
    """Pre-drawn random numbers, drawn in a fixed order from one Generator per world.

    normal[W, T, S] demand shocks, city_normal[W, T, C] growth shocks of each city's base
    economy, uniform[W, T, L] lanes with one fixed use each, event_uniform[W, T, E] one
    draw per event and quarter (drawn last, so events leave the other draws unchanged).
    """

    normal: np.ndarray
    city_normal: np.ndarray
    uniform: np.ndarray
    event_uniform: np.ndarray | None = None

    @classmethod
    def draw(cls, seed: int, worlds: np.ndarray, turns: int, n_sectors: int, n_cities: int,
             n_events: int = 0) -> Noise:
        normal = np.empty((len(worlds), turns + 1, n_sectors))
        city_normal = np.empty((len(worlds), turns + 1, n_cities))
        uniform = np.empty((len(worlds), turns + 1, N_UNIFORM_LANES))
        event_uniform = np.empty((len(worlds), turns + 1, n_events), dtype=np.float32)
        pcg, gen, seq = np.random.PCG64, np.random.Generator, np.random.SeedSequence
        for i, w in enumerate(np.asarray(worlds).tolist()):  # each draw straight into its row, no copies
            rng = gen(pcg(seq([seed, w])))
            rng.standard_normal(out=normal[i])
            rng.standard_normal(out=city_normal[i])
            rng.random(out=uniform[i])
            if n_events:
                rng.random(dtype=np.float32, out=event_uniform[i])
        return cls(normal, city_normal, uniform, event_uniform)

    def take(self, idx: np.ndarray) -> Noise:
        events = None if self.event_uniform is None else self.event_uniform[idx]
        return Noise(self.normal[idx], self.city_normal[idx], self.uniform[idx], events)


@dataclass
class State:
    turn: int
    seed: int
    world_ids: np.ndarray  # [W] world index within the scenario's seed (for the RNG)
    over: np.ndarray  # [W] bool: the game ended early (fiscal crisis)
    crisis: np.ndarray  # [W, C] bool: city hit a fiscal crisis
    human: np.ndarray  # [W, C] bool: a person plays the city (the player; in hot-seat, several)
    # cities [W, C]
    treasury: np.ndarray
    treasury_open: np.ndarray
    debt: np.ndarray
    land_bank: np.ndarray
    land_price: np.ndarray  # ¥ bn per ha, what a small sale fetches now
    land_pressure: np.ndarray  # 0..1, how much recent sales depress the price
    land_sold_q: np.ndarray  # ha sold this turn
    base_gdp: np.ndarray  # ¥ bn a year, the ordinary economy
    gdp: np.ndarray  # ¥ bn a year
    jobs: np.ndarray  # thousands
    population: np.ndarray  # millions
    infrastructure: np.ndarray
    dev_fulfilment: np.ndarray  # share of wanted development spending actually paid last turn
    attention: np.ndarray
    invested: np.ndarray  # cumulative equity put into firms
    realised: np.ndarray  # cumulative cash from stake sales
    written_off: np.ndarray  # cumulative equity lost in failures
    revenue_hist: np.ndarray  # [W, C, 4] fiscal revenue of the last four quarters
    land_hist: np.ndarray  # [W, C, 4] land revenue of the last four quarters
    ledger: np.ndarray  # [W, C, K] this turn's flows
    # sectors [W, S]
    demand: np.ndarray
    demand_shock: np.ndarray
    other_capacity: np.ndarray
    capacity: np.ndarray
    price: np.ndarray
    # firms [W, F]
    stage: np.ndarray
    firm_city: np.ndarray
    capacity_f: np.ndarray
    build_left: np.ndarray
    yield_f: np.ndarray
    cum_output: np.ndarray
    cash: np.ndarray
    firm_debt: np.ndarray
    revenue_f: np.ndarray  # ¥ bn this quarter
    profit_f: np.ndarray
    valuation: np.ndarray
    jobs_f: np.ndarray
    waited: np.ndarray
    distress_q: np.ndarray
    paid_in: np.ndarray  # equity raised so far, ¥ bn
    quality: np.ndarray  # [W, F] 0..1, hidden strength of management and technology
    quality_signal: np.ndarray  # [W, F] what due diligence shows of it (noisy)
    ask: np.ndarray  # [W, F] equity a prospect asks for, ¥ bn
    offered_stake: np.ndarray  # [W, F] stake offered for the whole ask
    name_index: np.ndarray  # [W, F] which name a spare slot's project carries
    profit_streak: np.ndarray  # [W, F] consecutive profitable quarters
    lockup_left: np.ndarray  # [W, F] quarters before listed shares can be sold
    rescued: np.ndarray  # [W, F] bool: a city put money in while it was distressed
    listed: np.ndarray  # [W, F] bool: the firm has had its IPO
    land_granted: np.ndarray  # [W, F] value of industrial land the firm was given, ¥ bn
    stake: np.ndarray  # [W, F, C] each city's share of the firm
    cost_basis: np.ndarray  # [W, F, C] what each city paid for its present stake, ¥ bn
    # cities x sectors [W, C, S]
    density: np.ndarray  # chain density 0..1
    recruited: np.ndarray  # suppliers recruited, 0..0.5 of density
    fund_cash: np.ndarray  # undeployed money in the city's guidance fund for the sector
    fund_city_share: np.ndarray  # the city's share of that fund
    incentive_left: np.ndarray  # quarters of tax incentives left
    # more cities [W, C]
    credibility: np.ndarray
    patience: np.ndarray  # the province's patience with the city's debt, 0..1
    unpaid_suppliers: np.ndarray  # cumulative bills left unpaid by failed firms, ¥ bn
    growth_parts: np.ndarray  # [W, C, G] last quarter's base-economy growth by driver (GROWTH_DRIVERS)
    firm_gdp: np.ndarray  # [W, C] strategic firms' own value added, ¥ bn a year
    # sectors [W, S]
    sentiment: np.ndarray  # investors' mood; an IPO window is open above IPO_WINDOW
    spawned: np.ndarray  # [W] projects that appeared during play so far
    # events (the events package): E compiled events, G flags, M temporary modifiers
    ev_count: np.ndarray  # [W, C, E] int32 times each event fired for each city
    ev_last: np.ndarray  # [W, C, E] int32 turn it last fired (NEVER: not yet)
    ev_target: np.ndarray  # [W, C, E] int32 firm slot or sector it bound (-1: none)
    ev_choice: np.ndarray  # [W, C, E] int8 option last chosen (-1: none yet)
    ev_due: np.ndarray  # [W, C, E] int32 turn a queued event is due (-1: none)
    ev_due_target: np.ndarray  # [W, C, E] int32 the binding a queued event inherits (-1: none)
    ev_pending: np.ndarray  # [W, C, E] bool: a person's decision on the event waits
    flags: np.ndarray  # [W, C, G] bool
    mod_until: np.ndarray  # [W, C, M] int32 turn a temporary modifier is undone (-1: inactive)
    mod_target: np.ndarray  # [W, C, M] int32 firm slot or sector it changed (-1: the city)
    mod_delta: np.ndarray  # [W, C, M] the change to undo (amount added, or factor)

    noise: Noise | None = None

    @property
    def n_worlds(self) -> int:
        return self.treasury.shape[0]

    def arrays(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self)
                if isinstance(getattr(self, f.name), np.ndarray)}

    def copy(self) -> State:
        new = State(**{f.name: getattr(self, f.name) for f in fields(self)})
        for name, arr in self.arrays().items():
            setattr(new, name, arr.copy())
        return new

    @classmethod
    def concat(cls, parts: list[State]) -> State:
        """Batches of the same scenario and turn, joined along the world axis."""
        new = parts[0].copy()
        for name in new.arrays():
            setattr(new, name, np.concatenate([getattr(p, name) for p in parts]))
        if all(p.noise is not None for p in parts):
            new.noise = Noise(*(np.concatenate([getattr(p.noise, k) for p in parts])
                                for k in ("normal", "city_normal", "uniform")))
        return new

    def take(self, idx: np.ndarray | list[int]) -> State:
        """The sub-batch of worlds ``idx`` (a copy)."""
        idx = np.asarray(idx)
        new = self.copy()
        for name, arr in self.arrays().items():
            setattr(new, name, arr[idx].copy())
        new.noise = self.noise.take(idx) if self.noise is not None else None
        return new


def sp_capex(world: World) -> np.ndarray:
    """Capex per ¥ bn of capacity for each firm slot, [F]."""
    return world.sector_params["capex_per_capacity"][world.firm_sector]


def state_hash(state: State, world: int | None = None) -> str:
    """SHA-256 over every state array (optionally of one world) and the turn."""
    h = hashlib.sha256()
    h.update(f"turn={state.turn};seed={state.seed}".encode())
    for name, arr in sorted(state.arrays().items()):
        part = arr if world is None else arr[world]
        h.update(name.encode())
        h.update(np.ascontiguousarray(part).tobytes())
    return h.hexdigest()


def _event_arrays(world: World, W: int) -> dict[str, np.ndarray]:
    table = world.event_table
    C = world.n_cities
    E = world.n_events
    G = 0 if table is None else len(table.flags)
    M = 0 if table is None else table.n_modifiers
    flags = np.zeros((W, C, G), dtype=bool)
    for name in world.scenario.flags:  # every city starts with the scenario's flags
        if table is not None and name in table.flags:
            flags[:, :, table.flags.index(name)] = True
    return {
        "ev_count": np.zeros((W, C, E), dtype=np.int32),
        "ev_last": np.full((W, C, E), NEVER, dtype=np.int32),
        "ev_target": np.full((W, C, E), -1, dtype=np.int32),
        "ev_choice": np.full((W, C, E), -1, dtype=np.int8),
        "ev_due": np.full((W, C, E), -1, dtype=np.int32),
        "ev_due_target": np.full((W, C, E), -1, dtype=np.int32),
        "ev_pending": np.zeros((W, C, E), dtype=bool),
        "flags": flags,
        "mod_until": np.full((W, C, M), -1, dtype=np.int32),
        "mod_target": np.full((W, C, M), -1, dtype=np.int32),
        "mod_delta": np.zeros((W, C, M)),
    }


def _start_price(world: World, demand: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    sp = world.sector_params
    return np.clip((demand / capacity) ** (1.0 / sp["price_elasticity"]), sp["price_floor"], sp["price_ceiling"])


def _humans(world: World, n_worlds: int, humans: tuple[int, ...] | None) -> np.ndarray:
    row = np.zeros(world.n_cities, dtype=bool)
    row[list(humans) if humans else [world.player]] = True
    row[world.player] = True
    return np.tile(row, (n_worlds, 1))


def new_state(world: World, n_worlds: int = 1, seed: int | None = None,
              first_world: int = 0, humans: tuple[int, ...] | None = None) -> State:
    """The state at turn 0 for ``n_worlds`` worlds numbered from ``first_world``.

    ``humans`` are the cities people play (default: the scenario's player alone); the
    others are run by their archetype.
    """
    sc = world.scenario
    seed = sc.seed if seed is None else seed
    W, C, S, F = n_worlds, world.n_cities, world.n_sectors, world.n_firms
    ids = np.arange(first_world, first_world + n_worlds)
    cities = world.cities

    def city_col(attr: str) -> np.ndarray:
        return np.tile(np.array([getattr(c, attr) for c in cities], dtype=np.float64), (W, 1))

    gdp = city_col("gdp_bn")
    fiscal = gdp * (city_col("tax_take") + city_col("transfers_share")) / QUARTERS_PER_YEAR
    land_share = city_col("land_share")
    land_q = fiscal * land_share / (1 - land_share)
    sp = world.sector_params
    # demand where the sector's cycle stands at the start, so the first quarter has no jump
    cycle0 = 1.0 + sp["cycle_amplitude"] * np.sin(2 * np.pi * sp["cycle_phase"] / sp["cycle_years"])
    demand = np.tile(sp["demand_bn"] * cycle0, (W, 1))
    other = demand * sp["other_capacity_share"]

    stage = np.zeros((W, F), dtype=np.int8)
    firm_city = np.zeros((W, F), dtype=np.int64)
    firm_city[:, world.spare] = world.player
    cap = np.zeros((W, F))
    build_left = np.zeros((W, F))
    yld = np.zeros((W, F))
    cash = np.zeros((W, F))
    fdebt = np.zeros((W, F))
    stake = np.zeros((W, F, C))
    for i, f in enumerate(world.firms):
        s = world.sector_index[f.sector]
        st = STAGE_CODES[f.stage]
        stage[:, i] = NOT_YET if (st == STAGE_CODES["prospect"] and f.arrives_turn > 0) else st
        firm_city[:, i] = world.city_index[f.city]
        cap[:, i] = f.capacity_bn
        cash[:, i] = f.cash_bn
        fdebt[:, i] = f.debt_bn
        stake[:, i, world.city_index[f.city]] = f.city_stake
        if st == BUILDING:
            build_left[:, i] = sp["build_quarters"][s]
        elif st == RAMPING:
            yld[:, i] = sp["start_yield"][s]
        elif st >= OPERATING:
            yld[:, i] = MATURE_YIELD
    capacity = other + np.zeros((W, S))
    for i, f in enumerate(world.firms):
        if stage[0, i] in PRODUCING:
            capacity[:, world.sector_index[f.sector]] += cap[:, i] * yld[:, i]
    price = _start_price(world, demand, capacity)
    sentiment = price.copy()  # investors start where prices stand
    paid_in = cap * sp_capex(world) * (stage >= BUILDING)
    # firms already producing at the start are marked to market like any other quarter
    valuation = marks(world, stage, cap * yld * price[:, world.firm_sector], sentiment, cash, fdebt, paid_in)

    state = State(
        turn=0, seed=seed, world_ids=ids, over=np.zeros(W, dtype=bool),
        crisis=np.zeros((W, C), dtype=bool), human=_humans(world, W, humans),
        treasury=city_col("treasury_bn"), treasury_open=city_col("treasury_bn"),
        debt=city_col("debt_bn"), land_bank=city_col("land_bank_ha"),
        land_price=city_col("land_price_bn_per_ha"), land_pressure=np.zeros((W, C)),
        land_sold_q=np.zeros((W, C)), base_gdp=gdp.copy(), gdp=gdp,
        jobs=city_col("population_m") * JOBS_PER_M_RESIDENTS,
        population=city_col("population_m"), infrastructure=city_col("infrastructure"),
        dev_fulfilment=np.ones((W, C)), attention=np.full((W, C), float(sc.attention_per_turn)),
        invested=np.zeros((W, C)), realised=np.zeros((W, C)), written_off=np.zeros((W, C)),
        revenue_hist=np.repeat((fiscal + land_q)[:, :, None], 4, axis=2),
        land_hist=np.repeat(land_q[:, :, None], 4, axis=2),
        ledger=np.zeros((W, C, N_CATEGORIES)),
        demand=demand, demand_shock=np.zeros((W, S)), other_capacity=other,
        capacity=capacity, price=price,
        stage=stage, firm_city=firm_city, capacity_f=cap, build_left=build_left,
        yield_f=yld, cum_output=cap * yld, cash=cash, firm_debt=fdebt,
        revenue_f=np.zeros((W, F)), profit_f=np.zeros((W, F)), valuation=valuation,
        jobs_f=np.zeros((W, F)), waited=np.zeros((W, F)), distress_q=np.zeros((W, F)),
        paid_in=paid_in,
        quality=np.tile(world.firm_quality, (W, 1)), quality_signal=np.tile(world.firm_quality, (W, 1)),
        ask=np.tile(world.firm_ask, (W, 1)), offered_stake=np.tile(world.firm_offered_stake, (W, 1)),
        name_index=np.zeros((W, F), dtype=np.int64), profit_streak=np.zeros((W, F)),
        lockup_left=np.zeros((W, F)), rescued=np.zeros((W, F), dtype=bool),
        listed=stage == LISTED, land_granted=np.zeros((W, F)),
        stake=stake, cost_basis=stake * (cap * sp_capex(world))[:, :, None],
        density=np.zeros((W, C, S)), recruited=np.zeros((W, C, S)), fund_cash=np.zeros((W, C, S)),
        fund_city_share=np.zeros((W, C, S)), incentive_left=np.zeros((W, C, S)),
        credibility=city_col("credibility"), patience=np.ones((W, C)),
        unpaid_suppliers=np.zeros((W, C)), growth_parts=np.zeros((W, C, len(GROWTH_DRIVERS))),
        firm_gdp=np.zeros((W, C)), sentiment=sentiment,
        spawned=np.zeros(W, dtype=np.int64),
        **_event_arrays(world, W),
        noise=Noise.draw(seed, ids, sc.turns, S, C, world.n_events),
    )
    return state
