"""The class report: a class's result files checked by replay, compared and debriefed.

``build_report(paths, content)`` reads every file (a bad one is flagged, never fatal),
replays each from its seed, sorts students into strategies by what they did, and ties
the outcomes to the real history of the scenario. The ``ClassReport`` it returns is
plain data for any screen (``rows()``, ``summary()``, ``sections``); ``write_report``
renders it as report.md, report.html (charts inline as SVG) and results.csv.
"""

from __future__ import annotations

import csv
import io
import os
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

import game
from game.classroom import charts
from game.classroom.results import VERIFIED, Checked, Move, check_file, find_results
from game.content.loader import Content
from game.engine.actions import parse_action
from game.engine.world import World

INVEST_KINDS = ("invest_equity", "rescue_firm", "create_fund")
CHAIN_KINDS = ("recruit_suppliers", "build_infrastructure", "grant_land")
EVENTS_SHOWN = 10  # in the written report; the data keeps them all
LITTLE_INVESTED = 0.02  # of starting GDP: below this, a land seller is "land-heavy"
DECISIONS = ("pass", "choose_event")
STRATEGIES = ("industrial", "herd", "land-heavy", "passive", "mixed")
STRATEGY_NOTES = {
    "industrial": "backed firms and built the chain around them (suppliers, infrastructure, land grants)",
    "herd": "put most of the money into the sector the other cities were piling into at the time",
    "land-heavy": "paid the bills mostly by selling land",
    "passive": "took few decisions and invested nothing",
    "mixed": "a bit of everything, no clear pattern",
}

# The seven lessons of the design, each with the question the debrief asks about it.
LESSONS = (
    ("land", "Land finance is easy money that runs out",
     "Who sold the most land? What did it buy them early, and what was left at the end?"),
    ("chains", "Industrial value lives in the density of supply chains",
     "Did courting suppliers and building infrastructure pay back? Where could you see it?"),
    ("horizon", "Strategic sectors need patient capital and the city bears the early risk",
     "Which bets took longest to pay? Would a private investor have waited that long?"),
    ("rescue", "A timely rescue can be the best deal; the same move into a weak firm burns money",
     "Who rescued a firm? What told a good rescue from a bad one before the money went in?"),
    ("herd", "Herd behaviour: many cities chasing one sector bring overcapacity and bankruptcies",
     "When everyone chased the hot sector, what happened to its prices and to the weakest firms?"),
    ("exits", "Foresight about when to invest, discipline about when to withdraw",
     "Who sold stakes after an IPO? What did the cash let them do next?"),
    ("debt", "Debt bought time is debt owed",
     "Who borrowed most? When did the province start to notice, and what did it cost?"),
)


# ----- one student -----------------------------------------------------------------------------


@dataclass
class Entry:
    """One result file in the report, with what the replay found."""

    checked: Checked
    counts: Counter = field(default_factory=Counter)
    invested_bn: float = 0.0
    hot_bn: float = 0.0
    strategy: str = ""
    why: str = ""
    history_matches: list[str] = field(default_factory=list)  # per historical move: "on time"/"late"/...

    @property
    def ok(self) -> bool:
        return self.checked.ok

    @property
    def player(self) -> str:
        return self.checked.player or (self.checked.path.stem if self.checked.path else "?")

    @property
    def payload(self):
        return self.checked.result.payload if self.checked.result else None

    @property
    def moves(self) -> list[Move]:
        return [m for m in self.checked.moves if not m.skipped]

    @property
    def major_moves(self) -> int:
        return sum(n for k, n in self.counts.items() if k not in DECISIONS)


def classify(moves: Sequence[Move], turns: int, gdp_start: float) -> tuple[str, str, Counter, float, float]:
    """(strategy, why, counts by kind, money invested, money into the hottest sector).

    The rules, in order: *passive* (invested nothing, under one decision every two
    quarters); *herd* (half the money or more went into the sector the other cities were
    building most in at the time); *land-heavy* (half the decisions or more were land
    sales, with little invested: under 2% of starting GDP, or in fewer than two firms);
    *industrial* (invested, in two firms or more or with chain-building moves); else *mixed*."""
    counts = Counter(m.kind for m in moves)
    major = sum(n for k, n in counts.items() if k not in DECISIONS)
    invested = sum(m.amount_bn for m in moves if m.kind in INVEST_KINDS)
    hot = sum(m.amount_bn for m in moves if m.kind in INVEST_KINDS and m.hot)
    chain = sum(counts[k] for k in CHAIN_KINDS)
    firms = len({m.firm for m in moves if m.kind in INVEST_KINDS and m.firm})
    land = counts["sell_land"]
    per_turn = major / max(turns, 1)
    if invested == 0 and per_turn < 0.5:
        return "passive", f"{major} decisions in {turns} quarters, nothing invested", counts, invested, hot
    if invested > 0 and hot >= 0.5 * invested:
        return ("herd", f"{hot / invested:.0%} of the ¥{invested:,.1f} bn invested went where the "
                        "other cities were building most", counts, invested, hot)
    if major and land >= 0.5 * major and (invested < LITTLE_INVESTED * gdp_start or firms < 2):
        return ("land-heavy", f"{land} of {major} decisions were land sales; "
                              f"¥{invested:,.1f} bn invested", counts, invested, hot)
    if invested > 0 and (chain >= 1 or firms >= 2):
        return ("industrial", f"¥{invested:,.1f} bn into {firms} firm(s) or funds, {chain} chain-building "
                              "moves", counts, invested, hot)
    return "mixed", f"{major} decisions: {land} land sales, ¥{invested:,.1f} bn invested", counts, invested, hot


# ----- a scenario's section --------------------------------------------------------------------


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _mean(values: Sequence[float]) -> float:
    return statistics.fmean(values) if values else float("nan")


def _with_unit(value: float, unit: str) -> str:
    """A real figure in the words of the game (units from shared/data/history.md)."""
    if unit == "bn_RMB":
        return f"¥{value:,.1f} bn"
    if unit == "trn_RMB":
        return f"¥{value:,.2f} trillion"
    if unit == "pct":
        return f"{value:,.1f}%"
    if unit == "x":
        return f"{value:,.1f}x"
    return f"{value:,.2f} {unit.replace('_', ' ')}"


def _render(text: str, names: dict[str, str]) -> str:
    out = re.sub(r"\{(\w+)\}", lambda m: names.get(m.group(1), "the city"), text)
    return " ".join(out.split())


@dataclass
class Section:
    """Everything about the students who played one scenario."""

    scenario_id: str
    name: str
    world: World
    entries: list[Entry]
    seed: int  # the class's world (the most common seed)
    code: str | None
    content: Content

    # ----- numbers -----
    def scores(self) -> list[float]:
        return [e.checked.outcome["score"] for e in self.entries]

    def summary(self) -> dict[str, Any]:
        s = self.scores()
        grades = Counter(e.checked.outcome["grade"] for e in self.entries)
        return {
            "scenario": self.scenario_id, "name": self.name, "students": len(self.entries),
            "seed": self.seed, "code": self.code,
            "other_seeds": sum(1 for e in self.entries if e.payload.seed != self.seed),
            "score_mean": _mean(s), "score_median": _median(s),
            "score_min": min(s, default=float("nan")), "score_max": max(s, default=float("nan")),
            "grades": {g: grades.get(g, 0) for g in "ABCDE"},
            "crises": sum(e.checked.outcome["crisis"] for e in self.entries),
            "land_share_start": self.world.cities[self.world.player].land_share,
            "land_share_end_median": _median([e.checked.outcome["land_share_end"] for e in self.entries]),
            "turns": self.world.turns, "start": self.world.date_label(0),
            "end": self.world.date_label(max(self.world.turns - 1, 0)),  # the last quarter played
        }

    def strategies(self) -> list[dict[str, Any]]:
        rows = []
        for name in STRATEGIES:
            group = [e for e in self.entries if e.strategy == name]
            if not group:
                continue
            sc = [e.checked.outcome["score"] for e in group]
            rows.append({
                "strategy": name, "note": STRATEGY_NOTES[name], "students": len(group),
                "score_mean": _mean(sc), "score_median": _median(sc), "best": max(sc), "worst": min(sc),
                "spread": statistics.pstdev(sc) if len(sc) > 1 else 0.0,
                "land_share_end": _mean([e.checked.outcome["land_share_end"] for e in group]),
                "moic": _mean([_moic(e) for e in group if e.checked.outcome["invested"] > 0]),
                "failed_firms": sum(e.checked.outcome["failed_firms"] for e in group),
                "crises": sum(e.checked.outcome["crisis"] for e in group),
            })
        rows.sort(key=lambda r: -r["score_mean"])
        return rows

    def series(self, metric: str) -> list[tuple[str, list[int], list[float]]]:
        return [(e.player, [r["turn"] for r in e.checked.history], [r[metric] for r in e.checked.history])
                for e in self.entries]

    def median_series(self, metric: str) -> tuple[list[int], list[float]]:
        longest = max((len(e.checked.history) for e in self.entries), default=0)
        xs, ys = [], []
        for t in range(longest):
            vals = [e.checked.history[t][metric] for e in self.entries if t < len(e.checked.history)]
            xs.append(t)
            ys.append(_median(vals))
        return xs, ys

    def _value_at_year_end(self, entry: Entry, year: int, metric: str) -> float | None:
        target = f"{year + 1} Q1"
        for row in entry.checked.history:
            if row["date"] == target:
                return row[metric]
        return None

    # ----- debrief -----
    def debrief(self) -> dict[str, list[dict[str, Any]]]:
        return {"history_points": self._history_points(), "historical_moves": self._historical_moves(),
                "firms": self._firms(), "events": self._events(), "lessons": self._lessons(),
                "milestones": self._milestones()}

    def _history_points(self) -> list[dict[str, Any]]:
        rows = []
        for h in self.world.scenario.history:
            metric = None
            if h.metric.endswith("_gdp") and h.unit == "bn_RMB":
                metric, scale, unit = "gdp", 1.0, "¥ bn"
            elif "land_share" in h.metric and h.unit == "pct":
                metric, scale, unit = "land_share", 100.0, "%"
            game_value = None
            if metric:
                vals = [v for e in self.entries if (v := self._value_at_year_end(e, h.year, metric)) is not None]
                game_value = _median(vals) * scale if vals else None
            label = h.label or f"{h.metric} {h.year}"
            real = _with_unit(h.value, h.unit)
            if game_value is None:
                text = f"{label}: {real} in reality."
            else:
                text = (f"{label}: {real} in reality; the class median at the end of {h.year} "
                        f"was {_with_unit(game_value, 'pct' if unit == '%' else 'bn_RMB')}.")
            rows.append({"label": label, "year": h.year, "real": h.value, "unit": h.unit,
                         "class_median": game_value, "text": text})
        return rows

    def _historical_moves(self) -> list[dict[str, Any]]:
        w = self.world
        rows = []
        for k, hm in enumerate(w.scenario.historical_moves):
            try:
                action = parse_action(hm.action)
                what = action.describe(w)
            except Exception:  # noqa: BLE001 - content is validated; a stale move must not stop a report
                action, what = None, str(hm.action.get("kind"))
            on_time = sum(1 for e in self.entries if k < len(e.history_matches) and e.history_matches[k] == "on time")
            ever = sum(1 for e in self.entries if k < len(e.history_matches) and e.history_matches[k] != "never")
            rows.append({"turn": hm.turn, "date": w.date_label(hm.turn), "move": what, "note": hm.note,
                         "same_within_a_year": on_time, "same_at_any_time": ever,
                         "students": len(self.entries),
                         "text": f"{w.date_label(hm.turn)}: the real city chose to {what[0].lower()}{what[1:]}. "
                                 f"In class, {on_time} of {len(self.entries)} did the same within a year "
                                 f"({ever} at any time)."})
        return rows

    def _firms(self) -> list[dict[str, Any]]:
        defs = {f.name: f for f in (*self.world.firms, *self.world.templates) if f.history}
        rows = []
        for name, f in defs.items():
            backers = [e for e in self.entries
                       if any(m.firm == name and m.kind in ("invest_equity", "rescue_firm") for m in e.moves)]
            money = [sum(m.amount_bn for m in e.moves if m.firm == name and m.kind in INVEST_KINDS)
                     for e in backers]
            sold = sum(1 for e in backers if any(m.firm == name and m.kind == "sell_stake" for m in e.moves))
            ends = Counter()
            for e in backers:
                for row in e.checked.run.session.firms(e.checked.city) if e.checked.run else []:
                    if row["name"] == name:
                        ends[row["stage"]] += 1
                        break
            fate = ", ".join(f"{stage} in {n}" for stage, n in ends.most_common()) or "—"
            rows.append({"firm": name, "history": f.history, "backers": len(backers),
                         "median_bn": _median(money) if money else 0.0, "sold_stake": sold,
                         "end_stages": dict(ends), "students": len(self.entries),
                         "text": f"{name}: {len(backers)} of {len(self.entries)} backed it"
                                 + (f" (median ¥{_median(money):,.1f} bn; at the end: {fate})" if backers else "")
                                 + f". In reality: {f.history}"})
        return rows

    def _events(self) -> list[dict[str, Any]]:
        """How the class answered each event, with mean scores, most answered first. An event
        that named different firms in different games is titled generically."""
        city = self.world.cities[self.world.player].name
        titles: dict[str, Counter] = {}
        tallies: dict[str, Counter] = {}
        scores: dict[tuple[str, str], list[float]] = {}
        for e in self.entries:
            for m in e.moves:
                if m.kind != "choose_event":
                    continue
                eid, k = str(m.data.get("event")), int(m.data.get("option", 0))
                ev = self.content.events.get(eid)
                names = {"my_city": city, "firm": "a firm", "sector": "", "city": "a city"}
                titles.setdefault(eid, Counter())[m.title or (_render(ev.title, names) if ev else eid)] += 1
                label = (_render(ev.options[k].label, names) if ev and k < len(ev.options)
                         else m.choice or f"option {k + 1}")
                tallies.setdefault(eid, Counter())[label] += 1
                scores.setdefault((eid, label), []).append(e.checked.outcome["score"])
        rows = []
        for eid, tally in sorted(tallies.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
            ev = self.content.events.get(eid)
            if len(titles[eid]) == 1:
                title = next(iter(titles[eid]))
            else:
                names = {"my_city": city, "firm": "a firm", "sector": "", "city": "a city"}
                title = _render(ev.title, names) if ev else eid
                title = title[:1].upper() + title[1:]
            options = [{"option": label, "students": n, "score_mean": _mean(scores[(eid, label)])}
                       for label, n in tally.most_common()]
            text = f"{title}: " + "; ".join(f"{o['students']} chose “{o['option']}” (mean score "
                                             f"{o['score_mean']:.0f})" for o in options) + "."
            rows.append({"event": eid, "title": title, "options": options,
                         "answers": sum(tally.values()), "text": text})
        return rows

    def _split(self, name: str, test: Callable[[Entry], bool], metric: str = "score") -> dict[str, Any]:
        yes = [e for e in self.entries if test(e)]
        no = [e for e in self.entries if not test(e)]

        def val(e: Entry) -> float:
            return _moic(e) if metric == "moic" else e.checked.outcome[metric]

        return {"did": len(yes), "did_not": len(no), "metric": metric,
                "did_mean": _mean([val(e) for e in yes]), "did_not_mean": _mean([val(e) for e in no]),
                "did_scores": [e.checked.outcome["score"] for e in yes]}

    def _lessons(self) -> list[dict[str, Any]]:
        land = sorted(e.checked.outcome["land_sold_ha"] for e in self.entries)
        top_land = land[int(len(land) * 2 / 3)] if land else 0.0
        debt = sorted(e.checked.outcome["debt_ratio"] for e in self.entries)
        top_debt = debt[int(len(debt) * 2 / 3)] if debt else 0.0
        long_sectors = {s.id for s in self.world.sectors if s.horizon == "long"}
        checks = {
            "land": ("sold the most land (top third)", self._split("land", lambda e: e.checked.outcome["land_sold_ha"] >= top_land > 0)),
            "chains": ("courted suppliers or built infrastructure",
                       self._split("chains", lambda e: any(e.counts[k] for k in CHAIN_KINDS))),
            "horizon": ("backed a long-horizon sector (chips)",
                        self._split("horizon", lambda e: any(m.kind in INVEST_KINDS and m.sector in long_sectors
                                                             for m in e.moves))),
            "rescue": ("rescued a firm", self._split("rescue", lambda e: e.counts["rescue_firm"] > 0, "moic")),
            "herd": ("herded into the sector the other cities were building in",
                     self._split("herd", lambda e: e.strategy == "herd")),
            "exits": ("sold a stake", self._split("exits", lambda e: e.counts["sell_stake"] > 0, "realised")),
            "debt": ("borrowed the most (top third by debt ratio)",
                     self._split("debt", lambda e: e.checked.outcome["debt_ratio"] >= top_debt > 0)),
        }
        rows = []
        for key, title, question in LESSONS:
            what, sp = checks[key]
            unit = {"score": "mean score", "moic": "portfolio multiple", "realised": "¥ bn realised"}[sp["metric"]]
            if sp["did"] == 0:
                finding = f"Nobody {what}."
            elif sp["did_not"] == 0:
                finding = f"Everyone {what}: {unit} {sp['did_mean']:,.2f}."
            else:
                finding = (f"{sp['did']} {what}: {unit} {sp['did_mean']:,.2f}, against "
                           f"{sp['did_not_mean']:,.2f} for the other {sp['did_not']}.")
            if key == "herd" and len(sp["did_scores"]) > 1:
                finding += f" Their scores spread by ±{statistics.pstdev(sp['did_scores']):.0f} points."
            rows.append({"lesson": key, "title": title, "question": question, "finding": finding, **sp})
        return rows

    def _milestones(self) -> list[dict[str, Any]]:
        """The scenario's milestone prompts, once the scenario schema has them: each with a
        ``prompt``, optional ``teacher_notes``, ``title`` and ``lesson`` (a key of LESSONS),
        and when it comes: ``turn``, or ``year`` and ``quarter``, at the top level or in
        ``when``; a milestone set by a condition has neither and is listed without a date."""
        out = []
        titles = {key: title for key, title, _ in LESSONS}
        for m in getattr(self.world.scenario, "milestones", None) or []:
            data = m.model_dump() if hasattr(m, "model_dump") else dict(m)
            when = data.get("when") if isinstance(data.get("when"), dict) else data
            if isinstance(when.get("turn"), int):
                date = self.world.date_label(when["turn"])
            elif isinstance(when.get("year"), int):
                date = f"{when['year']} Q{when.get('quarter') or 1}"
            else:
                date = "when its condition holds"
            out.append({"id": data.get("id", ""), "date": date, "title": data.get("title", ""),
                        "prompt": data.get("prompt", ""), "teacher_notes": data.get("teacher_notes", ""),
                        "lesson": titles.get(data.get("lesson", ""), "")})
        return out

    # ----- charts -----
    def charts(self) -> dict[str, str]:
        w = self.world
        ticks = [(t, w.date_label(t)[:4]) for t in range(0, w.turns + 1, max(4, (w.turns // 16) * 4))]
        groups = [(r["strategy"], [e.checked.outcome["score"] for e in self.entries if e.strategy == r["strategy"]])
                  for r in self.strategies()]
        points = [(e.player, e.checked.outcome["invested"],
                   e.checked.outcome["portfolio"] + e.checked.outcome["realised"], e.strategy)
                  for e in self.entries if e.checked.outcome["invested"] > 0]
        return {
            "scores": charts.histogram(self.scores(), f"{self.name}: scores"),
            "land_share": charts.lines(self.series("land_share"), "Land share of revenue, by student",
                                       "quarter", "land share", median=self.median_series("land_share"),
                                       percent=True, x_ticks=ticks),
            "gdp": charts.lines(self.series("gdp"), "GDP (¥ bn a year), by student", "quarter", "¥ bn",
                                median=self.median_series("gdp"), x_ticks=ticks, from_zero=False),
            "portfolio": charts.scatter(points, "Portfolio: invested against worth (stakes + exits)",
                                        "invested, ¥ bn", "worth now + cash from exits, ¥ bn",
                                        groups=[g for g, _ in groups]),
            "strategies": charts.strip(groups, "Scores by strategy (bar: mean)"),
        }


def _moic(e: Entry) -> float:
    o = e.checked.outcome
    return (o["portfolio"] + o["realised"]) / o["invested"] if o["invested"] > 0 else 0.0


def _match_history(world: World, moves: Sequence[Move]) -> list[str]:
    """For each of the real city's moves: "on time" (same kind and target within four
    quarters), "at another time", or "never"."""
    out = []
    for hm in world.scenario.historical_moves:
        kind, target = hm.action.get("kind"), hm.action.get("firm") or hm.action.get("sector")
        same = [m for m in moves if m.kind == kind and (target is None or target in (
            m.data.get("firm"), m.data.get("sector"), m.sector if "sector" in hm.action else None))]
        if any(abs(m.turn - hm.turn) <= 4 for m in same):
            out.append("on time")
        elif same:
            out.append("at another time")
        else:
            out.append("never")
    return out


# ----- the report ------------------------------------------------------------------------------


@dataclass
class ClassReport:
    entries: list[Entry]
    sections: list[Section]
    generated_at: datetime
    seconds: float
    game_version: str = game.__version__

    @property
    def flagged(self) -> list[Entry]:
        return [e for e in self.entries if not e.ok]

    def summary(self) -> dict[str, Any]:
        return {"files": len(self.entries), "verified": sum(e.ok for e in self.entries),
                "flagged": len(self.flagged), "scenarios": [s.summary() for s in self.sections],
                "seconds": self.seconds, "generated_at": self.generated_at.isoformat()}

    def rows(self) -> list[dict[str, Any]]:
        """One row per file, flagged ones included: what the CSV and a table screen show."""
        out = []
        for e in sorted(self.entries, key=_rank_key):
            c, p = e.checked, e.payload
            o = c.outcome
            row: dict[str, Any] = {
                "player": e.player, "file": c.path.name if c.path else "", "status": c.status,
                "note": "" if e.ok else c.message,
                "scenario": p.scenario if p else "", "seed": p.seed if p else "",
                "session_code": (p.session_code or "") if p else "", "city": p.city_name if p else "",
                "turns": p.turn if p else "", "finished": p.over if p else "",
            }
            if e.ok:
                years = max(len(c.history) - 1, 1) / 4
                row.update({
                    "score": round(o["score"], 2), "grade": o["grade"], "crisis": o["crisis"],
                    "gdp_start": round(o["gdp_start"], 2), "gdp_end": round(o["gdp_end"], 2),
                    "gdp_growth_pa": round((o["gdp_end"] / o["gdp_start"]) ** (1 / years) - 1, 4),
                    "land_share_start": round(o["land_share_start"], 4),
                    "land_share_end": round(o["land_share_end"], 4),
                    "debt_ratio": round(o["debt_ratio"], 3), "invested": round(o["invested"], 2),
                    "portfolio": round(o["portfolio"], 2), "realised": round(o["realised"], 2),
                    "moic": round(_moic(e), 3), "written_off": round(o["written_off"], 2),
                    "failed_firms": o["failed_firms"], "land_sold_ha": round(o["land_sold_ha"], 1),
                    "strategy": e.strategy, "why": e.why, "decisions": e.major_moves,
                    "land_sales": e.counts["sell_land"],
                    "investments": sum(e.counts[k] for k in INVEST_KINDS),
                    "rescues": e.counts["rescue_firm"], "exits": e.counts["sell_stake"],
                    "chain_moves": sum(e.counts[k] for k in CHAIN_KINDS),
                    "real_moves_matched": (f"{sum(x == 'on time' for x in e.history_matches)}/"
                                           f"{len(e.history_matches)}" if e.history_matches else ""),
                })
            out.append(row)
        return out


CSV_COLUMNS = ("player", "status", "note", "scenario", "seed", "session_code", "city", "turns",
               "finished", "score", "grade", "crisis", "gdp_start", "gdp_end", "gdp_growth_pa",
               "land_share_start", "land_share_end", "debt_ratio", "invested", "portfolio",
               "realised", "moic", "written_off", "failed_firms", "land_sold_ha", "strategy", "why",
               "decisions", "land_sales", "investments", "rescues", "exits", "chain_moves",
               "real_moves_matched", "file")


def _rank_key(e: Entry) -> tuple:
    return (not e.ok, -(e.checked.outcome.get("score", 0.0)), e.player)


def build_report(items: Sequence[str | os.PathLike[str]], content: Content,
                 progress: Callable[[int, int], None] | None = None) -> ClassReport:
    """Check every result named (files or folders) and gather the class's numbers."""
    start = time.perf_counter()
    paths = find_results(items)
    entries = []
    for i, path in enumerate(paths):
        entries.append(_entry(check_file(path, content)))
        if progress:
            progress(i + 1, len(paths))
    sections = []
    by_scenario: dict[str, list[Entry]] = {}
    for e in entries:
        if e.ok:
            by_scenario.setdefault(e.payload.scenario, []).append(e)
    for sid, group in sorted(by_scenario.items(), key=lambda kv: -len(kv[1])):
        world = group[0].checked.run.session.world
        seed = Counter(e.payload.seed for e in group).most_common(1)[0][0]
        codes = Counter(e.payload.session_code for e in group if e.payload.seed == seed and e.payload.session_code)
        for e in group:
            e.history_matches = _match_history(world, e.moves)
        sections.append(Section(sid, world.scenario.name, world, group, seed,
                                codes.most_common(1)[0][0] if codes else None, content))
    return ClassReport(entries, sections, datetime.now(UTC), time.perf_counter() - start)


def _entry(checked: Checked) -> Entry:
    e = Entry(checked)
    if checked.status == VERIFIED:
        turns = max(len(checked.history) - 1, 1)
        e.strategy, e.why, e.counts, e.invested_bn, e.hot_bn = classify(
            e.moves, turns, checked.outcome["gdp_start"])
    return e


# ----- rendering -------------------------------------------------------------------------------


def _multiple(x: float) -> str:
    return "—" if x != x else f"{x:.2f}x"


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _num(x: Any, fmt: str = ",.1f") -> str:
    if isinstance(x, float) and x != x:
        return "—"
    return format(x, fmt) if isinstance(x, int | float) and not isinstance(x, bool) else str(x)


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def report_markdown(report: ClassReport) -> str:
    out = [f"# Class report — Industrial Architect {report.game_version}", "",
           f"{len(report.entries)} result files: {len(report.entries) - len(report.flagged)} verified by "
           f"replay, {len(report.flagged)} flagged. Generated {report.generated_at:%Y-%m-%d %H:%M} UTC "
           f"in {report.seconds:.1f} s.", ""]
    for sec in report.sections:
        s = sec.summary()
        out += [f"## {sec.name} ({s['start']} to {s['end']})", "",
                f"{s['students']} students" + (f", session code `{s['code']}`" if s["code"] else "")
                + f", seed {s['seed']}" + (f" ({s['other_seeds']} played another seed)" if s["other_seeds"] else "")
                + ".", "",
                f"- Score: mean {s['score_mean']:.1f}, median {s['score_median']:.1f}, "
                f"range {s['score_min']:.1f}–{s['score_max']:.1f}",
                "- Grades: " + ", ".join(f"{g} {n}" for g, n in s["grades"].items()),
                f"- Land share: {_pct(s['land_share_start'])} at the start; median {_pct(s['land_share_end_median'])} at the end",
                f"- Fiscal crises: {s['crises']}", ""]
        out += ["### Students", "", "| # | player | score | grade | strategy | GDP growth/yr | land share | "
                "debt ratio | invested | worth + exits | failed firms |", "|---|---|---|---|---|---|---|---|---|---|---|"]
        rows = [r for r in report.rows() if r["status"] == VERIFIED and r["scenario"] == sec.scenario_id]
        for i, r in enumerate(rows, 1):
            out.append(f"| {i} | {_md(r['player'])} | {r['score']:.1f} | {r['grade']}{' (crisis)' if r['crisis'] else ''} | "
                       f"{r['strategy']} | {r['gdp_growth_pa']:.1%} | {_pct(r['land_share_end'])} | "
                       f"{r['debt_ratio']:.2f} | {r['invested']:,.1f} | {r['portfolio'] + r['realised']:,.1f} | "
                       f"{r['failed_firms']} |")
        out += ["", "### Which strategies did well", "",
                "| strategy | students | mean score | best | worst | spread (sd) | land share at end | "
                "portfolio multiple | failed firms | crises |", "|---|---|---|---|---|---|---|---|---|---|"]
        for r in sec.strategies():
            out.append(f"| {r['strategy']} | {r['students']} | {r['score_mean']:.1f} | {r['best']:.1f} | "
                       f"{r['worst']:.1f} | {r['spread']:.1f} | {_pct(r['land_share_end'])} | "
                       f"{_multiple(r['moic'])} | {r['failed_firms']} | {r['crises']} |")
        out += [""] + [f"- **{k}**: {v}" for k, v in STRATEGY_NOTES.items()
                       if any(r["strategy"] == k for r in sec.strategies())] + [""]
        d = sec.debrief()
        out += ["### Debrief: what really happened", ""]
        if not (d["history_points"] or d["historical_moves"] or d["firms"]):
            out += ["This scenario is not historical; use the lessons below.", ""]
        out += [f"- {r['text']}" for r in d["history_points"]]
        if d["historical_moves"]:
            out += ["", "What the real city did, and how many of you did the same:", ""]
            out += [f"- {r['text']}" + (f" ({r['note']})" if r["note"] else "") for r in d["historical_moves"]]
        if d["firms"]:
            out += ["", "The firms' real stories:", ""] + [f"- {r['text']}" for r in d["firms"]]
        if d["events"]:
            out += ["", "Decisions the class faced (most answered first):", ""]
            out += [f"- {r['text']}" for r in d["events"][:EVENTS_SHOWN]]
            if len(d["events"]) > EVENTS_SHOWN:
                out.append(f"- and {len(d['events']) - EVENTS_SHOWN} more events answered by fewer students.")
        if d["milestones"]:
            out += ["", "Milestones (the pauses for discussion):", ""] + [
                f"- {r['date']}: {r['prompt']}" + (f" *Teacher's note:* {r['teacher_notes']}" if r["teacher_notes"] else "")
                for r in d["milestones"]]
        out += ["", "### The seven lessons in your class's numbers", ""]
        for i, r in enumerate(d["lessons"], 1):
            out += [f"{i}. **{r['title']}.** {r['finding']} *Ask:* {r['question']}"]
        out.append("")
    if report.flagged:
        out += ["## Flagged files (left out of every number above)", "",
                "| file | player | problem |", "|---|---|---|"]
        for e in report.flagged:
            name = e.checked.path.name if e.checked.path else "?"
            out.append(f"| {_md(name)} | {_md(e.checked.player or '?')} | {e.checked.status}: "
                       f"{_md(e.checked.message)} |")
        out.append("")
    return "\n".join(out)


CSS = """
body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left}
th{background:#f2f2f2}td.n{text-align:right}.flag{background:#fff3f0}.cards{display:flex;flex-wrap:wrap;gap:1em}
.card{border:1px solid #ccc;border-radius:6px;padding:.6em 1em;min-width:9em}.card b{display:block;font-size:1.4em}
figure{margin:1em 0}svg{max-width:100%;height:auto}details{margin:.5em 0}
"""


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: set[int] = frozenset(),
           row_class: Sequence[str] = ()) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for i, r in enumerate(rows):
        cls = f' class="{row_class[i]}"' if i < len(row_class) and row_class[i] else ""
        cells = "".join(f'<td class="n">{escape(str(c))}</td>' if j in numeric else f"<td>{escape(str(c))}</td>"
                        for j, c in enumerate(r))
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def report_html(report: ClassReport) -> str:
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>Class report — Industrial Architect</title><style>{CSS}</style></head><body>",
             f"<h1>Class report — Industrial Architect {escape(report.game_version)}</h1>",
             f"<p>{len(report.entries)} result files: {len(report.entries) - len(report.flagged)} verified by "
             f"replay, {len(report.flagged)} flagged. Generated {report.generated_at:%Y-%m-%d %H:%M} UTC.</p>"]
    all_rows = report.rows()
    for sec in report.sections:
        s = sec.summary()
        ch = sec.charts()
        parts += [f"<h2>{escape(sec.name)} ({escape(s['start'])} to {escape(s['end'])})</h2>",
                  '<div class="cards">',
                  f'<div class="card">students<b>{s["students"]}</b></div>',
                  f'<div class="card">median score<b>{s["score_median"]:.1f}</b></div>',
                  f'<div class="card">best<b>{s["score_max"]:.1f}</b></div>',
                  f'<div class="card">land share at end (median)<b>{_pct(s["land_share_end_median"])}</b>'
                  f'from {_pct(s["land_share_start"])}</div>',
                  f'<div class="card">fiscal crises<b>{s["crises"]}</b></div>',
                  f'<div class="card">session<b>{escape(s["code"] or "—")}</b>seed {s["seed"]}</div>',
                  "</div>",
                  f"<figure>{ch['scores']}</figure>", f"<figure>{ch['land_share']}</figure>",
                  f"<figure>{ch['gdp']}</figure>", f"<figure>{ch['portfolio']}</figure>",
                  "<h3>Which strategies did well</h3>", f"<figure>{ch['strategies']}</figure>"]
        strat = sec.strategies()
        parts.append(_table(["strategy", "what it means", "students", "mean score", "best", "worst", "spread",
                             "land share at end", "portfolio multiple", "failed firms", "crises"],
                            [[r["strategy"], r["note"], r["students"], f"{r['score_mean']:.1f}", f"{r['best']:.1f}",
                              f"{r['worst']:.1f}", f"{r['spread']:.1f}", _pct(r["land_share_end"]),
                              _multiple(r["moic"]), r["failed_firms"], r["crises"]] for r in strat],
                            numeric={2, 3, 4, 5, 6, 7, 8, 9, 10}))
        rows = [r for r in all_rows if r["status"] == VERIFIED and r["scenario"] == sec.scenario_id]
        parts += ["<h3>Students</h3>", _table(
            ["#", "player", "score", "grade", "strategy", "why", "GDP growth/yr", "land share", "debt ratio",
             "invested", "worth + exits", "failed firms", "real moves matched"],
            [[i, r["player"], f"{r['score']:.1f}", r["grade"] + (" (crisis)" if r["crisis"] else ""), r["strategy"],
              r["why"], f"{r['gdp_growth_pa']:.1%}", _pct(r["land_share_end"]), f"{r['debt_ratio']:.2f}",
              f"{r['invested']:,.1f}", f"{r['portfolio'] + r['realised']:,.1f}", r["failed_firms"],
              r["real_moves_matched"] or "—"] for i, r in enumerate(rows, 1)],
            numeric={0, 2, 6, 7, 8, 9, 10, 11})]
        d = sec.debrief()
        parts.append("<h3>Debrief: what really happened</h3>")
        if not (d["history_points"] or d["historical_moves"] or d["firms"]):
            parts.append("<p>This scenario is not historical; use the lessons below.</p>")
        if d["history_points"]:
            parts.append("<ul>" + "".join(f"<li>{escape(r['text'])}</li>" for r in d["history_points"]) + "</ul>")
        if d["historical_moves"]:
            parts.append("<h4>What the real city did, and how many of you did the same</h4>")
            parts.append(_table(["date", "the real move", "source note", "same within a year", "at any time"],
                                [[r["date"], r["move"], r["note"], f"{r['same_within_a_year']} of {r['students']}",
                                  r["same_at_any_time"]] for r in d["historical_moves"]], numeric={3, 4}))
        if d["firms"]:
            parts.append("<h4>The firms' real stories</h4><ul>"
                         + "".join(f"<li>{escape(r['text'])}</li>" for r in d["firms"]) + "</ul>")
        if d["events"]:
            parts.append("<h4>Decisions the class faced (most answered first)</h4><ul>"
                         + "".join(f"<li>{escape(r['text'])}</li>" for r in d["events"][:EVENTS_SHOWN])
                         + (f"<li>and {len(d['events']) - EVENTS_SHOWN} more events answered by fewer "
                            "students.</li>" if len(d["events"]) > EVENTS_SHOWN else "") + "</ul>")
        if d["milestones"]:
            parts.append("<h4>Milestones</h4><ul>" + "".join(
                f"<li>{escape(str(r['date']))}: {escape(str(r['prompt']))}</li>" for r in d["milestones"]) + "</ul>")
        parts.append("<h3>The seven lessons in your class's numbers</h3><ol>")
        parts += [f"<li><b>{escape(r['title'])}.</b> {escape(r['finding'])} <i>Ask:</i> {escape(r['question'])}</li>"
                  for r in d["lessons"]]
        parts.append("</ol>")
    if report.flagged:
        parts.append("<h2>Flagged files (left out of every number above)</h2>")
        parts.append(_table(["file", "player", "status", "problem"],
                            [[e.checked.path.name if e.checked.path else "?", e.checked.player or "?",
                              e.checked.status, e.checked.message] for e in report.flagged],
                            row_class=["flag"] * len(report.flagged)))
    parts.append("</body></html>")
    return "\n".join(parts)


def report_csv(report: ClassReport) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in report.rows():
        writer.writerow({k: _csv_cell(row.get(k, "")) for k in CSV_COLUMNS})
    return buf.getvalue()


def _csv_cell(value: Any) -> Any:
    # a player name such as "=HYPERLINK(...)" must not become a formula in a spreadsheet
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_report(report: ClassReport, out: str | os.PathLike[str]) -> dict[str, Path]:
    """Write report.md, report.html and results.csv into ``out``; returns their paths."""
    from game.saves import atomic_write

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    files = {"markdown": (folder / "report.md", report_markdown(report)),
             "html": (folder / "report.html", report_html(report)),
             "csv": (folder / "results.csv", report_csv(report))}
    for path, text in files.values():
        atomic_write(path, text.encode("utf-8"))
    return {k: v[0] for k, v in files.items()}
