"""One game: a World, its one-world State, the action log, undo, news and history.

The UI talks only to a Session: it builds actions, asks ``check``/``preview``, calls
``act`` and ``end_turn``, and renders the news and numbers the session returns as data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from game.engine import actions as act_mod
from game.engine import events as events_mod
from game.engine import finite, scoring
from game.engine.actions import Action, ChooseEvent, Pass
from game.engine.capital import IPO_WINDOW
from game.engine.ledger import CATEGORY_IDS, CATEGORY_LABELS
from game.engine.state import GROWTH_DRIVERS, State, new_state, state_hash
from game.engine.tick import (
    begin_turn,
    city_multiplier,
    debt_ratio,
    end_turn,
    land_share,
    portfolio_value,
)
from game.engine.world import (
    BUILDING,
    DISTRESSED,
    FAILED,
    LISTED,
    NOT_YET,
    OPERATING,
    PROSPECT,
    PROSPECT_PATIENCE_Q,
    RAMPING,
    STAGE_NAMES,
    WITHDRAWN,
    World,
)


@dataclass(frozen=True)
class News:
    turn: int
    kind: str  # "firm", "land", "market", "fiscal", "action", "event", "game"
    text: str
    severity: str = "info"  # "info", "good", "warning", "bad"
    city: int | None = None  # in hot-seat games, the city the news is for (None: everyone)


class Refused(Exception):
    """An action the engine will not take; ``reasons`` says why in plain words."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


@dataclass
class Snapshot:
    """Headline numbers of the player's city after a turn (the history the UI charts)."""

    turn: int
    date: str
    treasury: float
    debt: float
    gdp: float
    base_gdp: float
    jobs: float
    land_share: float
    land_bank: float
    land_price: float
    land_cycle: float
    portfolio: float
    score: float
    ledger: dict[str, float]
    firm_gdp: dict[str, float]
    prices: dict[str, float]
    growth_parts: dict[str, float] = field(default_factory=dict)  # yearly rates, by driver
    strategic_gdp: float = 0.0  # strategic firms' own value added, ¥ bn a year
    multiplier_gdp: float = 0.0  # value added around them (suppliers, services)
    firm_jobs: float = 0.0  # thousands, directly in strategic firms and around them
    stakes: dict[str, float] = field(default_factory=dict)  # the city's stake in each firm, marked
    fund_cash: float = 0.0  # the city's share of idle guidance-fund money
    land_revenue_4q: float = 0.0
    revenue_4q: float = 0.0
    credibility: float = 0.5
    patience: float = 1.0
    realised: float = 0.0


HEADLINES = ("treasury", "debt", "gdp", "jobs", "land_share", "portfolio")


@dataclass
class Session:
    world: World
    state: State
    log: list[list[dict]] = field(default_factory=list)  # actions per turn, as plain data
    news: list[News] = field(default_factory=list)
    history: list[Snapshot] = field(default_factory=list)
    turn_hashes: list[str] = field(default_factory=list)  # state hash at the start of each turn
    others_history: dict[int, list[Snapshot]] = field(default_factory=dict)  # hot-seat players'
    milestones_seen: set[str] = field(default_factory=set)
    player_names: dict[int, str] = field(default_factory=dict)  # hot-seat: who plays each city
    content_problems: list[str] = field(default_factory=list)  # NaN or infinity met in play (finite.py)
    _turn_start: State | None = None

    @classmethod
    def start(cls, world: World, seed: int | None = None, humans: list[int] | None = None) -> Session:
        """A new game; ``humans`` are extra cities played by people on this keyboard (hot-seat)."""
        state = new_state(world, 1, seed=seed, humans=tuple(humans or ()))
        s = cls(world=world, state=state)
        for c in s.humans:
            if c != s.player:
                s.others_history[c] = [s.snapshot(c)]
        begin_turn(world, state)
        s._open_turn()
        s.history.append(s.snapshot())
        s.news.append(News(0, "game", f"{world.cities[world.player].name}, {world.date_label(0)}. "
                           f"{world.scenario.victory}"))
        s._announce_prospects(before=None)
        return s

    # ----- reading -------------------------------------------------------------------
    @property
    def player(self) -> int:
        return self.world.player

    @property
    def humans(self) -> list[int]:
        """The cities people play, the player's first."""
        others = [c for c in np.nonzero(self.state.human[0])[0] if c != self.player]
        return [self.player, *(int(c) for c in others)]

    def actor(self, action: Action) -> int:
        return self.player if action.city is None else action.city

    @property
    def turn(self) -> int:
        return self.state.turn

    @property
    def date(self) -> str:
        return self.world.date_label(self.state.turn)

    @property
    def over(self) -> bool:
        return bool(self.state.over[0]) or self.state.turn >= self.world.turns

    @property
    def crisis(self) -> bool:
        return bool(self.state.crisis[0, self.player])

    @property
    def actions_this_turn(self) -> list[dict]:
        return self.log[self.state.turn]

    def hash(self) -> str:
        return state_hash(self.state)

    def score(self, city: int | None = None) -> float:
        return float(scoring.score(self.world, self.state, city)[0])

    def firm_name(self, f: int) -> str:
        return self.world.firm_name(f, int(self.state.name_index[0, f]))

    def snapshot(self, city: int | None = None) -> Snapshot:
        st, w = self.state, self.world
        p = self.player if city is None else city
        fs = w.firm_sector
        va = st.revenue_f[0] * 4 * w.sector_params["value_added_share"][fs]
        firm_gdp = {self.firm_name(f): float(va[f]) for f in range(w.n_firms)
                    if st.firm_city[0, f] == p and va[f] > 0}
        stakes = {self.firm_name(f): float(st.stake[0, f, p] * st.valuation[0, f])
                  for f in range(w.n_firms) if st.stake[0, f, p] > 0}
        mult = float(city_multiplier(st)[0, p])
        direct = float(st.firm_gdp[0, p])
        mine = st.firm_city[0] == p
        return Snapshot(
            turn=st.turn, date=self.date, treasury=float(st.treasury[0, p]),
            debt=float(st.debt[0, p]), gdp=float(st.gdp[0, p]), base_gdp=float(st.base_gdp[0, p]),
            jobs=float(st.jobs[0, p]), land_share=float(land_share(st)[0, p]),
            land_bank=float(st.land_bank[0, p]), land_price=float(st.land_price[0, p]),
            land_cycle=float(w.land_cycle[min(st.turn, w.turns)]),
            portfolio=float(portfolio_value(st)[0, p]), score=self.score(p),
            ledger={k: float(v) for k, v in zip(CATEGORY_IDS, st.ledger[0, p], strict=True)},
            firm_gdp=firm_gdp,
            prices={s.name: float(st.price[0, i]) for i, s in enumerate(w.sectors)},
            growth_parts={k: float(v) for (k, _), v in zip(GROWTH_DRIVERS, st.growth_parts[0, p], strict=True)},
            strategic_gdp=direct, multiplier_gdp=direct * mult,
            firm_jobs=float(st.jobs_f[0, mine].sum() * (1 + mult)),
            stakes=stakes, fund_cash=float((st.fund_cash[0, p] * st.fund_city_share[0, p]).sum()),
            land_revenue_4q=float(st.land_hist[0, p].sum()), revenue_4q=float(st.revenue_hist[0, p].sum()),
            credibility=float(st.credibility[0, p]), patience=float(st.patience[0, p]),
            realised=float(st.realised[0, p]),
        )

    def explain(self, metric: str) -> list[tuple[str, float]]:
        """Why a headline number changed over the last closed turn: (cause, amount) rows
        that add up to the change. metric: treasury, gdp, jobs, land_share or portfolio."""
        if len(self.history) < 2:
            return []
        prev, now = self.history[-2], self.history[-1]
        if metric == "treasury":
            return [(CATEGORY_LABELS[k], v) for k, v in now.ledger.items() if abs(v) > 1e-9]
        if metric == "gdp":
            rows = [(label, prev.base_gdp * now.growth_parts[k] / 4.0) for k, label in GROWTH_DRIVERS]
            explained = sum(v for _, v in rows)
            other = (now.base_gdp - prev.base_gdp) - explained
            if abs(other) > 1e-6:
                rows.append(("Failed firms' unpaid bills", other))
            rows.append(("Strategic firms (their own value added)", now.strategic_gdp - prev.strategic_gdp))
            rows.append(("Suppliers and services around them", now.multiplier_gdp - prev.multiplier_gdp))
            return rows
        if metric == "jobs":
            base_now, base_prev = now.jobs - now.firm_jobs, prev.jobs - prev.firm_jobs
            return [("Ordinary economy (population)", base_now - base_prev),
                    ("Strategic firms and their suppliers", now.firm_jobs - prev.firm_jobs)]
        if metric == "land_share":
            return [("Land revenue, last four quarters (¥ bn)", now.land_revenue_4q),
                    ("All fiscal revenue, last four quarters (¥ bn)", now.revenue_4q),
                    ("Change in land share (points)", 100 * (now.land_share - prev.land_share))]
        if metric == "portfolio":
            rows = [(name, value - prev.stakes.get(name, 0.0)) for name, value in now.stakes.items()]
            rows += [(f"{name} (sold or written off)", -value) for name, value in prev.stakes.items()
                     if name not in now.stakes]
            rows.append(("Idle guidance-fund money", now.fund_cash - prev.fund_cash))
            return [(k, v) for k, v in rows if abs(v) > 1e-9]
        raise ValueError(f"no explanation for {metric!r}")

    def sectors(self) -> list[dict]:
        """Each sector's national market and who is building what in it, for the herd view."""
        st, w = self.state, self.world
        rows = []
        for i, sec in enumerate(w.sectors):
            in_s = w.firm_sector == i
            producing = np.isin(st.stage[0], (RAMPING, OPERATING, LISTED, DISTRESSED)) & in_s
            building = (st.stage[0] == BUILDING) & in_s
            by_city = {}
            for c, city in enumerate(w.cities):
                here = st.firm_city[0] == c
                live = float((st.capacity_f[0] * st.yield_f[0])[producing & here].sum())
                coming = float(st.capacity_f[0][building & here].sum())
                if live or coming:
                    by_city[city.name] = {"producing": live, "building": coming}
            rows.append({
                "id": sec.id, "name": sec.name, "demand": float(st.demand[0, i]),
                "capacity": float(st.capacity[0, i]), "price": float(st.price[0, i]),
                "sentiment": float(st.sentiment[0, i]), "ipo_window": bool(st.sentiment[0, i] >= IPO_WINDOW),
                "rest_of_country": float(st.other_capacity[0, i]), "by_city": by_city,
                "density": float(st.density[0, self.player, i]),
                "fund": float(st.fund_cash[0, self.player, i]),
                "inputs": [w.sectors[j].name for j in np.nonzero(w.inputs[i])[0]],
            })
        return rows

    def firms(self, city: int | None = None) -> list[dict]:
        """Firms the player can see (arrived, in any city), as rows for a table; ``mine``
        and ``stake`` are from ``city``'s point of view (default: the player's)."""
        st, w = self.state, self.world
        p = self.player if city is None else city
        rows = []
        for f in range(w.n_firms):
            stage = int(st.stage[0, f])
            if stage == NOT_YET or (stage == WITHDRAWN and w.spare[f]):
                continue
            c = int(st.firm_city[0, f])
            s = int(w.firm_sector[f])
            rows.append({
                "id": w.firm_ids[f], "name": self.firm_name(f), "sector": w.sectors[s].name,
                "sector_id": w.sectors[s].id,
                "city": w.cities[c].name, "mine": c == p, "stage": STAGE_NAMES[stage],
                "capacity": float(st.capacity_f[0, f]), "yield": float(st.yield_f[0, f]),
                "cash": float(st.cash[0, f]), "profit": float(st.profit_f[0, f]),
                "valuation": float(st.valuation[0, f]), "stake": float(st.stake[0, f, p]),
                "cost_basis": float(st.cost_basis[0, f, p]),
                "jobs": float(st.jobs_f[0, f]), "ask": float(st.ask[0, f]),
                "offered_stake": float(st.offered_stake[0, f]),
                "quality_signal": float(st.quality_signal[0, f]),
                "waited": int(st.waited[0, f]), "lockup_left": int(st.lockup_left[0, f]),
                "rescue_need": float(act_mod.rescue_need(st, f)[0]) if stage == DISTRESSED else 0.0,
                "can": self._firm_verbs(f, p),
                "description": w.firms[f].description if f < len(w.firms) else
                f"A new {w.sectors[s].name.lower()} project looking for a home.",
            })
        return rows

    def _firm_verbs(self, f: int, p: int) -> list[str]:
        """What the city could do with firm ``f`` now, by action kind (attention and money
        aside: the forms check those with the engine's reasons)."""
        st = self.state
        stage, here = int(st.stage[0, f]), st.firm_city[0, f] == p
        verbs = []
        if here and PROSPECT <= stage <= LISTED:
            verbs.append("invest_equity")
        if stage == DISTRESSED:
            verbs.append("rescue_firm")
        if st.stake[0, f, p] > 0 and (stage in (RAMPING, OPERATING) or (stage == LISTED and st.lockup_left[0, f] <= 0)):
            verbs.append("sell_stake")
        if here and stage in (PROSPECT, BUILDING):
            verbs.append("grant_land")
        return verbs

    def headline(self, city: int | None = None) -> dict[str, float]:
        st = self.state
        p = self.player if city is None else city
        return {
            "treasury": float(st.treasury[0, p]), "debt": float(st.debt[0, p]),
            "gdp": float(st.gdp[0, p]), "jobs": float(st.jobs[0, p]),
            "land_share": float(land_share(st)[0, p]), "land_bank": float(st.land_bank[0, p]),
            "land_price": float(st.land_price[0, p]), "portfolio": float(portfolio_value(st)[0, p]),
            "debt_ratio": float(debt_ratio(st)[0, p]), "attention": float(st.attention[0, p]),
            "attention_max": float(self.world.scenario.attention_per_turn),
            "land_revenue_last": float(st.land_hist[0, p, -1]),
            "credibility": float(st.credibility[0, p]), "patience": float(st.patience[0, p]),
        }

    def ledger_rows(self, turn: int | None = None) -> list[tuple[str, float]]:
        """(label, ¥ bn) for every non-zero category of a turn (default: the last closed one)."""
        if turn is None:
            snap = self.history[-1]
            flows = snap.ledger
        else:
            flows = next(s.ledger for s in self.history if s.turn == turn)
        return [(CATEGORY_LABELS[k], v) for k, v in flows.items() if abs(v) > 1e-9]

    # ----- acting --------------------------------------------------------------------
    def check(self, action: Action) -> list[str]:
        who = self.actor(action)
        if who not in self.humans:
            name = self.world.cities[who].name if 0 <= who < self.world.n_cities else f"city {who}"
            return [f"{name} is played by the computer, not from this keyboard"]
        return act_mod.check(self.world, self.state, who, action)

    def preview(self, action: Action) -> dict[str, tuple[float, float]]:
        """Headline numbers before and after the action, without taking it."""
        reasons = self.check(action)
        if reasons:
            raise Refused(reasons)
        before = self._preview_numbers(self.state, action)
        trial = self.state.copy()
        act_mod.apply(self.world, trial, self.actor(action), action)
        after = self._preview_numbers(trial, action)
        return {k: (before[k], after[k]) for k in before}

    def _preview_numbers(self, st: State, action: Action) -> dict[str, float]:
        p = self.actor(action)
        out = {"treasury": float(st.treasury[0, p]), "debt": float(st.debt[0, p]),
               "land_bank": float(st.land_bank[0, p]), "land_price": float(st.land_price[0, p]),
               "attention": float(st.attention[0, p])}
        fid = getattr(action, "firm", None)
        if fid is not None and self.world.firm_slot(fid) is not None:
            f = self.world.firm_slot(fid)
            out["stake"] = float(st.stake[0, f, p])
            out["firm_cash"] = float(st.cash[0, f])
        if isinstance(action, act_mod.BuildInfrastructure):
            out["infrastructure"] = float(st.infrastructure[0, p])
        return out

    def act(self, action: Action) -> None:
        """Take an action now, or raise Refused with the reasons."""
        reasons = self.check(action)
        if reasons:
            raise Refused(reasons)
        who = self.actor(action)
        act_mod.apply(self.world, self.state, who, action)
        self.log[self.state.turn].append(action.log_entry())
        self.news.append(News(self.state.turn, "action", self.describe(action),
                              city=None if who == self.player else who))

    def describe(self, action: Action | ChooseEvent) -> str:
        """The action in words; a decision names the firm, sector and city its event is about."""
        if isinstance(action, ChooseEvent):
            table = self.world.event_table
            if table is not None and action.event in table.index:
                e = table.index[action.event]
                who = self.actor(action)
                target = int(self.state.ev_target[0, who, e])
                names = events_mod.names_for(self.world, self.state, table.events[e], target, who)
                return action.describe(self.world, names)
        return action.describe(self.world)

    def undo(self, city: int | None = None) -> bool:
        """Take back ``city``'s last action of this turn (default: the player's); False when
        there is none. Other players' actions this turn are replayed unchanged."""
        who = self.player if city is None else city
        turn_log = self.log[self.state.turn]
        mine = [i for i, data in enumerate(turn_log) if data.get("city", self.player) == who]
        if not mine:
            return False
        kept = turn_log[: mine[-1]] + turn_log[mine[-1] + 1:]
        self.state = self._turn_start.copy()
        self.log[self.state.turn] = []
        tag = None if who == self.player else who
        for n in range(len(self.news) - 1, -1, -1):
            item = self.news[n]
            if item.turn == self.state.turn and item.kind == "action" and item.city == tag:
                del self.news[n]
                break
        for data in kept:
            action = act_mod.parse_action(data)
            act_mod.apply(self.world, self.state, self.actor(action), action)
            self.log[self.state.turn].append(data)
        return True

    def end_turn(self) -> list[News]:
        """Resolve the quarter; returns the news it produced."""
        if self.over:
            return []
        if not self.log[self.state.turn]:
            self.log[self.state.turn].append(Pass().log_entry())
        before = self.state.copy()
        end_turn(self.world, self.state)
        if not finite.all_finite(self.state):
            return self._stop_on_content_problem(before)
        self.history.append(self.snapshot())
        for c in self.others_history:
            self.others_history[c].append(self.snapshot(c))
        start = len(self.news)
        self._report(before)
        self._announce_events(before)
        if not self.over:
            begin_turn(self.world, self.state)
            self._open_turn()
            self._announce_prospects(before)
        else:
            self._game_over()
        return self.news[start:]

    # ----- classroom milestones -------------------------------------------------------
    def milestone_turn(self, m) -> int | None:
        """The turn a dated milestone comes on (None for one set by a condition)."""
        sc = self.world.scenario
        if m.when.turn is not None:
            return m.when.turn
        if m.when.year is not None:
            return (m.when.year * 4 + (m.when.quarter or 1) - 1) - (sc.start_year * 4 + sc.start_quarter - 1)
        return None

    def milestones_due(self) -> list[dict]:
        """Milestones reached at the start of this turn and not yet acknowledged, as data:
        id, title, prompt, teacher_notes, lesson, pause."""
        out = []
        for m in self.world.scenario.milestones:
            if m.id in self.milestones_seen:
                continue
            turn = self.milestone_turn(m)
            reached = turn == self.turn if turn is not None else self._condition_holds(m)
            if reached:
                out.append({"id": m.id, "title": m.title, "prompt": m.prompt,
                            "teacher_notes": m.teacher_notes, "lesson": m.lesson, "pause": m.pause,
                            "date": self.date})
        return out

    def acknowledge(self, milestone_id: str) -> None:
        """The class has seen this milestone; it will not come again."""
        self.milestones_seen.add(milestone_id)

    def _condition_holds(self, m) -> bool:
        from game.engine.registry import Ctx  # the events' condition machinery

        node = events_mod.compile_condition(self.world, m.when.condition)
        ctx = Ctx(self.world, self.state, np.array([0]), np.array([self.player]))
        return bool(np.all(events_mod.holds(node, ctx)))

    # ----- events --------------------------------------------------------------------
    def pending_events(self, city: int | None = None) -> list[dict]:
        """The decisions waiting for a player this turn (default: the player's city; in
        hot-seat games, any city people play), as data for a modal: ``key`` (pass it to
        ``choose``), ``title``, ``text``, ``severity``, ``firm`` and ``sector`` (what it is
        about, if anything), and ``options``, each with ``index``, ``label``,
        ``description``, ``offered`` (whether it can be taken now), ``default`` (what
        happens if the turn ends without an answer) and ``effects`` (what it will do, in
        plain words)."""
        st, w = self.state, self.world
        p = self.player if city is None else city
        if st.over[0] or st.crisis[0, p]:
            return []  # the province runs a city in crisis: its events take their defaults
        out = []
        for ev, target in events_mod.pending(w, st, 0, p):
            names = events_mod.names_for(w, st, ev, target, p)
            pairs = events_mod.Pairs(np.array([0]), np.array([p]), np.array([target]))
            offer = events_mod.offered(w, st, ev, pairs)[0]
            default = int(events_mod.default_choice(ev, offer[None, :])[0])
            options = []
            for k, opt in enumerate(ev.options):
                effects = events_mod.describe_effects(w, st, ev, opt.effects, target, p)
                if opt.follow_up is not None:
                    effects += events_mod.describe_effects(w, st, ev, (opt.follow_up,), target, p)
                options.append({"index": k, "label": events_mod.render(opt.label, names),
                                "description": events_mod.render(opt.description, names),
                                "offered": bool(offer[k]), "default": k == default, "effects": effects})
            d = ev.definition
            out.append({"key": ev.id, "title": events_mod.render(d.title, names),
                        "text": events_mod.render(d.text, names).strip(), "severity": d.severity,
                        "firm": names.get("firm"), "sector": names.get("sector"), "options": options})
        return out

    def choose(self, event_key: str, option_index: int, city: int | None = None) -> None:
        """Answer a pending event (for ``city`` in hot-seat games); raises Refused with the
        reasons when it cannot be taken. The choice is logged like an action, so a replay
        makes it again."""
        self.act(ChooseEvent(event=event_key, option=option_index,
                             city=None if city in (None, self.player) else city))

    def _announce_events(self, before: State) -> None:
        st, w = self.state, self.world
        table = w.event_table
        if table is None:
            return
        for p in self.humans:
            for ev in table.events:
                e = ev.index
                d = ev.definition
                if before.ev_pending[0, p, e] and st.ev_choice[0, p, e] >= 0:  # the turn ended unanswered
                    k = int(st.ev_choice[0, p, e])
                    names = events_mod.names_for(w, st, ev, int(st.ev_target[0, p, e]), p)
                    self._say("event", f"No answer on {events_mod.render(d.title, names)!r}: the city took "
                              f"{events_mod.render(ev.options[k].label, names)!r}.", "info", city=p)
                if st.ev_count[0, p, e] > before.ev_count[0, p, e]:
                    names = events_mod.names_for(w, st, ev, int(st.ev_target[0, p, e]), p)
                    waits = " A decision waits." if st.ev_pending[0, p, e] else ""
                    self._say("event", f"{events_mod.render(d.title, names)}: "
                              f"{events_mod.render(d.text, names).strip()}{waits}", d.severity, city=p)

    def _open_turn(self) -> None:
        while len(self.log) <= self.state.turn:
            self.log.append([])
        self._turn_start = self.state.copy()
        del self.turn_hashes[self.state.turn:]
        self.turn_hashes.append(state_hash(self.state))

    @property
    def turn_start(self) -> State:
        """The state when this turn opened (what undo returns to)."""
        return self._turn_start if self._turn_start is not None else self.state

    @classmethod
    def restore(cls, world: World, state: State, turn_start: State, log: list[list[dict]],
                news: list[News], history: list[Snapshot], turn_hashes: list[str]) -> Session:
        """A session rebuilt from saved parts (see game.saves), ready to play on."""
        s = cls(world=world, state=state, log=log, news=news, history=history,
                turn_hashes=list(turn_hashes))
        s._turn_start = turn_start
        return s

    # ----- news ----------------------------------------------------------------------
    def _say(self, kind: str, text: str, severity: str = "info", city: int | None = None) -> None:
        tag = None if city is None or city == self.player else city
        self.news.append(News(self.state.turn, kind, text, severity, tag))

    def news_for(self, city: int | None = None) -> list[News]:
        """The news a player sees: everyone's plus their own city's."""
        tag = None if city is None or city == self.player else city
        return [n for n in self.news if n.city is None or n.city == tag]

    def _announce_prospects(self, before: State | None) -> None:
        st, w = self.state, self.world
        for f in range(w.n_firms):
            if st.stage[0, f] == PROSPECT and (before is None or before.stage[0, f] != PROSPECT):
                c = int(st.firm_city[0, f])
                if c in self.humans:
                    self._say("firm", f"{self.firm_name(f)} ({w.sectors[w.firm_sector[f]].name}) asks for "
                              f"¥{st.ask[0, f]:.1f} bn for {st.offered_stake[0, f]:.0%} to build here. "
                              f"It will wait {PROSPECT_PATIENCE_Q} quarters.", "good", city=c)

    def _report(self, before: State) -> None:
        for c in self.humans:
            self._report_firms(before, c)
        self._report_markets(before)
        for c in self.humans:
            self._report_budget(before, c)

    def _report_firms(self, before: State, p: int) -> None:
        st, w = self.state, self.world

        def say(kind: str, text: str, severity: str = "info") -> None:
            self._say(kind, text, severity, city=p)

        for f in range(w.n_firms):
            old, new = int(before.stage[0, f]), int(st.stage[0, f])
            if old == new:
                continue
            name = self.firm_name(f)
            where = w.cities[int(st.firm_city[0, f])].name
            mine = st.firm_city[0, f] == p
            held = before.stake[0, f, p] > 0
            if old == PROSPECT and new == BUILDING and not mine and before.firm_city[0, f] == p:
                say("firm", f"{name} gave up waiting and went to {where}.", "bad")
            elif old == PROSPECT and new == BUILDING and not mine:
                if p == self.player:  # market news once, for everyone
                    self._say("market", f"{where} backed {name} ({w.sectors[w.firm_sector[f]].name}).", "info")
            elif new == WITHDRAWN and before.firm_city[0, f] == p:
                say("firm", f"{name} gave up waiting and dropped its plan.", "warning")
            elif new == RAMPING and old == BUILDING and mine:
                say("firm", f"{name} finished building and started production.", "good")
            elif new == DISTRESSED and (mine or held):
                need = float(act_mod.rescue_need(st, f)[0])
                say("firm", f"{name} ran out of cash: a cash crunch. It needs about ¥{need:.1f} bn; "
                    "it fails within a year unless someone rescues it.", "bad")
            elif new == DISTRESSED:
                if p == self.player:
                    self._say("market", f"{name} in {where} is in a cash crunch.", "warning")
            elif new == FAILED:
                lost = before.cost_basis[0, f, p]
                extra = f" The city writes off ¥{lost:.1f} bn." if lost > 0 else ""
                if mine or held or p == self.player:
                    say("firm", f"{name} in {where} failed: jobs lost, suppliers unpaid.{extra}",
                        "bad" if (mine or held) else "info")
            elif new == LISTED and old == OPERATING:
                if held or p == self.player:
                    say("firm", f"{name} listed on the stock market, valued at ¥{st.valuation[0, f]:.1f} bn. "
                        f"Shares can be sold after a {int(st.lockup_left[0, f])}-quarter lock-up.",
                        "good" if held else "info")
            elif old == DISTRESSED and (mine or held):
                say("firm", f"{name} is out of its cash crunch.", "good")
            elif mine and new > old and new not in (WITHDRAWN, NOT_YET, PROSPECT):
                say("firm", f"{name} is now {STAGE_NAMES[new]}.", "info")

    def _report_markets(self, before: State) -> None:
        st, w = self.state, self.world
        for i, s in enumerate(w.sectors):
            p0, p1 = before.price[0, i], st.price[0, i]
            if p1 < 0.8 * p0:
                self._say("market", f"{s.name} prices fell {1 - p1 / p0:.0%}: capacity is outrunning demand.", "warning")
            elif p1 > 1.2 * p0:
                self._say("market", f"{s.name} prices rose {p1 / p0 - 1:.0%}.", "info")
            was, now = before.sentiment[0, i] >= IPO_WINDOW, st.sentiment[0, i] >= IPO_WINDOW
            if now and not was:
                self._say("market", f"The IPO window opened for {s.name}.", "info")
            elif was and not now:
                self._say("market", f"The IPO window closed for {s.name}.", "info")

    def _report_budget(self, before: State, p: int) -> None:
        st = self.state
        d_tr = st.treasury[0, p] - before.treasury_open[0, p]  # the whole quarter, actions included
        self._say("fiscal", f"The quarter closed: treasury {d_tr:+,.1f} to ¥{st.treasury[0, p]:,.1f} bn; "
                  f"GDP ¥{st.gdp[0, p]:,.0f} bn a year; land share {land_share(st)[0, p]:.0%}.", city=p)
        if st.treasury[0, p] < 0.02 * st.gdp[0, p] / 4 and not st.crisis[0, p]:
            self._say("fiscal", "The treasury is nearly empty: development spending is being cut.", "warning", city=p)
        if st.patience[0, p] < before.patience[0, p] and st.patience[0, p] < 0.7:
            self._say("fiscal", f"The province is losing patience with the city's debt "
                      f"({debt_ratio(st)[0, p]:.1f}x revenue; patience {st.patience[0, p]:.0%}).", "warning", city=p)

    def _stop_on_content_problem(self, before: State) -> list[News]:
        """The quarter gave NaN or infinity: keep the last good state, end the game and say
        which content did it (and where the content problem log is)."""
        problems = finite.locate(self.world, self.state)
        where = finite.report(problems)
        self.state = before
        self.state.over[:] = True
        self.content_problems += [str(p) for p in problems]
        start = len(self.news)
        first = f"{problems[0]}; {problems[0].advice()}" if problems else "a number"
        self._say("game", f"The game has stopped at the last good quarter: the content produced a number "
                  f"the game cannot hold ({first})." + (f" Logged to {where}." if where else ""), "bad")
        return self.news[start:]

    def _game_over(self) -> None:
        if self.crisis:
            self._say("game", "Fiscal crisis: the treasury could not pay the city's bills. "
                      "The province has taken over the budget.", "bad")
        else:
            self._say("game", f"The scenario has ended in {self.date}.", "good")

    # ----- end -----------------------------------------------------------------------
    def end_report(self) -> dict:
        """Everything the end screen shows, as data."""
        st, w, p = self.state, self.world, self.player
        points = self.score()
        first = self.history[0]
        cities = []
        for c, city in enumerate(w.cities):
            cities.append({
                "name": city.name, "archetype": city.archetype, "gdp": float(st.gdp[0, c]),
                "gdp_start": city.gdp_bn, "land_share": float(land_share(st)[0, c]),
                "debt": float(st.debt[0, c]), "treasury": float(st.treasury[0, c]),
                "land_bank": float(st.land_bank[0, c]),
                "portfolio": float(portfolio_value(st)[0, c]),
                "failed_firms": int(((st.stage[0] == FAILED) & (st.firm_city[0] == c)).sum()),
                "crisis": bool(st.crisis[0, c]),
            })
        return {
            "scenario": w.scenario.name, "date": self.date, "turns": st.turn,
            "crisis": self.crisis, "score": points, "grade": scoring.grade(points),
            "components": {k: float(v[0]) for k, v in scoring.components(w, st).items()},
            "gdp_start": first.gdp, "gdp_end": float(st.gdp[0, p]),
            "land_share_start": w.cities[p].land_share, "land_share_end": float(land_share(st)[0, p]),
            "debt_ratio": float(debt_ratio(st)[0, p]), "jobs_start": first.jobs,
            "jobs_end": float(st.jobs[0, p]), "invested": float(st.invested[0, p]),
            "portfolio": float(portfolio_value(st)[0, p]), "realised": float(st.realised[0, p]),
            "written_off": float(st.written_off[0, p]),
            "credibility": float(st.credibility[0, p]),
            "unpaid_suppliers": float(st.unpaid_suppliers[0, p]),
            "failed_firms": int(scoring.failed_firms(w, st, p)[0]),
            "cities": cities,
            "history": [h.model_dump() for h in w.scenario.history],
            "firm_history": [{"name": f.name, "history": f.history} for f in w.firms if f.history],
            "hash": self.hash(),
        }


def headline_series(history: list[Snapshot], name: str) -> np.ndarray:
    return np.array([getattr(s, name) for s in history], dtype=np.float64)
