"""Reference checks for events and scenario expectations, run by the loader after every
file has parsed: each metric and field against the engine's registry, each id against the
loaded content, impossible ranges, placeholders, flags nobody sets, and loops in chains
of follow-up events. Every problem names the file, the line and the dotted key.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import TypeAdapter, ValidationError

from game.content.locate import suggest
from game.content.names import fields, metrics
from game.content.positions import key_positions, position_of
from game.content.problems import Problem
from game.content.schema import (
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
    InvestEffect,
    ModifierEffect,
    MultiplyEffect,
    NotOf,
    QueueEffect,
    ScenarioDef,
    ScopeDef,
    SetEffect,
    SpawnEffect,
    StakeEffect,
)

PLACEHOLDERS = {"firm": "firm", "sector": "sector", "city": None, "my_city": None, "date": None}
PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

Report = Callable[[tuple[Any, ...], str], None]


def check_events(content: Any, problems: list) -> None:
    metric_specs, field_specs = metrics(), fields()
    flags_set = {eff.flag for ev in content.events.values() for _, eff in _all_effects(ev)
                 if isinstance(eff, FlagEffect) and eff.op == "set_flag"}
    flags_set |= {f for sc in content.scenarios.values() for f in sc.flags}
    for ev in content.events.values():
        def bad(loc: tuple[Any, ...], message: str, ev: EventDef = ev) -> None:
            problems.append(content.problem("events", ev.id, loc, message))

        _EventChecker(content, ev, bad, metric_specs, field_specs, flags_set).run()
    for kind, label, data, text in content.unvalidated:
        if kind == "events":
            _check_parts(content, data, label, text, problems, metric_specs, field_specs, flags_set)
    _check_cycles(content, problems)
    for sc in content.scenarios.values():
        def bad_sc(loc: tuple[Any, ...], message: str, sc: ScenarioDef = sc) -> None:
            problems.append(content.problem("scenarios", sc.id, loc, message))

        _check_scenario(content, sc, bad_sc, metric_specs)


def _all_effects(ev: EventDef) -> list[tuple[tuple[Any, ...], Any]]:
    out: list[tuple[tuple[Any, ...], Any]] = [(("effects", i), e) for i, e in enumerate(ev.effects)]
    for k, opt in enumerate(ev.options):
        out += [(("options", k, "effects", i), e) for i, e in enumerate(opt.effects)]
    return out


class _EventChecker:
    def __init__(self, content: Any, ev: EventDef, bad: Report, metrics: dict, fields: dict,
                 flags_set: set[str]):
        self.content, self.ev, self.bad = content, ev, bad
        self.metrics, self.fields, self.flags_set = metrics, fields, flags_set
        scope = ev.scope
        self.have = {"firm", "sector"} if scope and scope.kind == "firm" else \
            {"sector"} if scope and scope.kind == "sector" else set()

    def run(self) -> None:
        ev = self.ev
        self._scope()
        if ev.trigger is not None:
            self._condition(ev.trigger, ("trigger",))
        if ev.chance is not None and ev.mtth is not None:
            self.bad(("mtth",), "give chance or mtth, not both")
        for loc, eff in _all_effects(ev):
            self._effect(eff, loc)
        n = len(ev.options)
        if ev.ai_default >= max(n, 1):
            self.bad(("ai_default",), f"there are {n} options (numbered from 0); ai_default is {ev.ai_default}")
        for arch, k in ev.rival_choice.items():
            if k >= n:
                self.bad(("rival_choice", arch), f"there are {n} options (numbered from 0); got {k}")
        for k, opt in enumerate(ev.options):
            if opt.condition is not None:
                self._condition(opt.condition, ("options", k, "condition"))
            if opt.follow_up is not None:
                self._event_id(opt.follow_up.event, ("options", k, "follow_up", "event"))
        for key in ("title", "text"):
            self._placeholders(getattr(ev, key), (key,))
        for k, opt in enumerate(ev.options):
            self._placeholders(opt.label, ("options", k, "label"))
            self._placeholders(opt.description, ("options", k, "description"))

    # ----- pieces ---------------------------------------------------------------------------
    def _scope(self) -> None:
        sc = self.ev.scope
        if sc is None:
            return
        for i, sid in enumerate(sc.sectors):
            self._sector_id(sid, ("scope", "sectors", i))
        if sc.kind == "sector":
            for key, default in (("stages", []), ("where", "own"), ("held", None)):
                if getattr(sc, key) != default:
                    self.bad(("scope", key), f"{key} applies to a firm scope only")
        if sc.pick != "first" and sc.by is None:
            self.bad(("scope", "pick"), f"pick = {sc.pick!r} needs `by`, the metric to rank by")
        if sc.by is not None:
            if sc.pick == "first":
                self.bad(("scope", "by"), "by ranks matches only with pick = \"max\" or \"min\"")
            self._metric(sc.by, ("scope", "by"), self.have)

    def _condition(self, cond: Any, loc: tuple[Any, ...]) -> None:
        if isinstance(cond, AllOf):
            for i, c in enumerate(cond.all):
                self._condition(c, (*loc, "all", i))
        elif isinstance(cond, AnyOf):
            for i, c in enumerate(cond.any):
                self._condition(c, (*loc, "any", i))
        elif isinstance(cond, NotOf):
            self._condition(cond.not_, (*loc, "not"))
        elif isinstance(cond, FlagIs):
            if cond.flag not in self.flags_set:
                self.bad((*loc, "flag"), f"no event or scenario sets the flag {cond.flag!r}, so this never holds"
                         + suggest(cond.flag, self.flags_set))
        elif isinstance(cond, Compare | Between):
            have = self._located(cond, loc)
            m = self._metric(cond.metric, (*loc, "metric"), have)
            if isinstance(cond, Compare):
                if m is not None:
                    self._possible(m, cond.op, cond.value, (*loc, "value"))
            else:
                if cond.min is None and cond.max is None:
                    self.bad(loc, "a range needs min, max or both")
                elif cond.min is not None and cond.max is not None and cond.min > cond.max:
                    self.bad((*loc, "min"), f"impossible range: min {cond.min:g} is above max {cond.max:g}")
                elif m is not None:
                    if cond.min is not None:
                        self._possible(m, ">=", cond.min, (*loc, "min"))
                    if cond.max is not None:
                        self._possible(m, "<=", cond.max, (*loc, "max"))

    def _located(self, item: Any, loc: tuple[Any, ...]) -> set[str]:
        """Scopes available to an item: the event's, plus a sector or firm key beside it."""
        have = set(self.have)
        if getattr(item, "sector", None) is not None:
            self._sector_id(item.sector, (*loc, "sector"))
            have.add("sector")
        if getattr(item, "firm", None) is not None:
            self._firm_id(item.firm, (*loc, "firm"))
            have |= {"firm", "sector"}
        return have

    def _metric(self, name: str, loc: tuple[Any, ...], have: set[str]) -> Any:
        m = self.metrics.get(name)
        if m is None:
            self.bad(loc, f"unknown metric {name!r}" + suggest(name, self.metrics))
            return None
        if m.scope in ("firm", "sector") and m.scope not in have:
            need = "a firm scope or a firm = \"id\" key" if m.scope == "firm" else \
                "a sector or firm scope, or a sector = \"id\" key"
            self.bad(loc, f"{name} is a {m.scope} metric: it needs {need}")
        return m

    def _possible(self, m: Any, op: str, value: float, loc: tuple[Any, ...]) -> None:
        lo, hi = m.lo, m.hi
        never = ((op in (">", ">=") and hi is not None and (value > hi or op == ">" and value == hi))
                 or (op in ("<", "<=") and lo is not None and (value < lo or op == "<" and value == lo))
                 or (op == "==" and ((hi is not None and value > hi) or (lo is not None and value < lo))))
        if never:
            span = f"between {lo:g} and {hi:g}" if lo is not None and hi is not None else \
                f"at least {lo:g}" if lo is not None else f"at most {hi:g}"
            self.bad(loc, f"impossible: {m.name} is always {span}, so `{op} {value:g}` never holds")

    def _effect(self, eff: Any, loc: tuple[Any, ...]) -> None:
        if isinstance(eff, AddEffect | MultiplyEffect | SetEffect | ModifierEffect):
            have = self._located(eff, loc)
            spec = self.fields.get(eff.field)
            if spec is None:
                hint = (f"{eff.field} can be read but not changed; the fields are listed in docs/modding.md"
                        if eff.field in self.metrics else f"unknown field {eff.field!r}")
                self.bad((*loc, "field"), hint + suggest(eff.field, self.fields))
            elif spec.scope in ("firm", "sector") and spec.scope not in have:
                need = "a firm scope or a firm = \"id\" key" if spec.scope == "firm" else \
                    "a sector or firm scope, or a sector = \"id\" key"
                self.bad((*loc, "field"), f"{eff.field} is a {spec.scope} field: it needs {need}")
            if isinstance(eff, AddEffect) and eff.per is not None:
                self._metric(eff.per, (*loc, "per"), have)
            if isinstance(eff, ModifierEffect):
                if (eff.add is None) == (eff.multiply is None):
                    self.bad(loc, "a modifier needs exactly one of add or multiply")
                if spec is not None and (not spec.lasting or spec.ledger):
                    why = "moves money" if spec.ledger else "drifts back on its own"
                    self.bad((*loc, "field"), f"{eff.field} {why}, so a temporary change of it "
                             "cannot be undone; use add, multiply or set")
        elif isinstance(eff, StakeEffect):
            if eff.firm is not None:
                self._firm_id(eff.firm, (*loc, "firm"))
            elif "firm" not in self.have:
                self.bad(loc, "a stake effect needs a firm scope or a firm = \"id\" key")
            if eff.change == 0:
                self.bad((*loc, "change"), "a change of 0 does nothing")
        elif isinstance(eff, InvestEffect):
            have = self._located(eff, loc)
            if "firm" not in have:
                self.bad(loc, "an invest effect needs a firm scope or a firm = \"id\" key")
            if eff.per is not None:
                self._metric(eff.per, (*loc, "per"), have)
        elif isinstance(eff, SpawnEffect):
            if eff.template not in self.content.firms:
                self.bad((*loc, "template"), f"unknown firm {eff.template!r}" + suggest(eff.template, self.content.firms))
            if eff.where == "firm" and "firm" not in self.have:
                self.bad((*loc, "where"), "where = \"firm\" needs a firm scope")
        elif isinstance(eff, QueueEffect):
            self._event_id(eff.event, (*loc, "event"))

    def _placeholders(self, text: str, loc: tuple[Any, ...]) -> None:
        for name in PLACEHOLDER_RE.findall(text):
            if name not in PLACEHOLDERS:
                self.bad(loc, f"unknown placeholder {{{name}}}; known: "
                         + ", ".join("{" + p + "}" for p in PLACEHOLDERS) + suggest(name, PLACEHOLDERS))
            elif PLACEHOLDERS[name] and PLACEHOLDERS[name] not in self.have:
                need = "a firm scope" if name == "firm" else "a sector or firm scope"
                self.bad(loc, f"{{{name}}} needs {need}")

    def _event_id(self, eid: str, loc: tuple[Any, ...]) -> None:
        if eid not in self.content.events:
            self.bad(loc, f"unknown event {eid!r}" + suggest(eid, self.content.events))

    def _sector_id(self, sid: str, loc: tuple[Any, ...]) -> None:
        if sid not in self.content.sectors:
            self.bad(loc, f"unknown sector {sid!r}" + suggest(sid, self.content.sectors))

    def _firm_id(self, fid: str, loc: tuple[Any, ...]) -> None:
        if fid not in self.content.firms:
            self.bad(loc, f"unknown firm {fid!r}" + suggest(fid, self.content.firms))


_CONDITION: TypeAdapter[Any] = TypeAdapter(Condition)
_EFFECT: TypeAdapter[Any] = TypeAdapter(Effect)


def _check_parts(content: Any, data: dict[str, Any], label: str, text: str, problems: list,
                 metrics: dict, fields: dict, flags_set: set[str]) -> None:
    """Reference checks on the parts of an event file that passed their own schema, when the
    file as a whole did not (its schema problems are already reported)."""
    positions = key_positions(text)

    def bad(loc: tuple[Any, ...], message: str) -> None:
        problems.append(Problem(label, position_of(positions, loc)[0], ".".join(map(str, loc)), message))

    def parse(adapter: Any, raw: Any) -> Any:
        try:
            return adapter.validate_python(raw)
        except (ValidationError, TypeError, ValueError):
            return None

    scope = parse(TypeAdapter(ScopeDef), data["scope"]) if isinstance(data.get("scope"), dict) else None
    shell = EventDef.model_construct(id=str(data.get("id", "")), scope=scope, options=[], effects=[],
                                     title="", text="", rival_choice={}, ai_default=0)
    check = _EventChecker(content, shell, bad, metrics, fields, flags_set)
    check._scope()
    if "chance" in data and "mtth" in data:
        bad(("mtth",), "give chance or mtth, not both")
    if "trigger" in data and (cond := parse(_CONDITION, data["trigger"])) is not None:
        check._condition(cond, ("trigger",))
    for key in ("title", "text"):
        if isinstance(data.get(key), str):
            check._placeholders(data[key], (key,))
    for i, raw in enumerate(data.get("effects") or [] if isinstance(data.get("effects"), list) else []):
        if (eff := parse(_EFFECT, raw)) is not None:
            check._effect(eff, ("effects", i))
    options = data.get("options") if isinstance(data.get("options"), list) else []
    for k, opt in enumerate(options):
        if not isinstance(opt, dict):
            continue
        if "condition" in opt and (cond := parse(_CONDITION, opt["condition"])) is not None:
            check._condition(cond, ("options", k, "condition"))
        for i, raw in enumerate(opt.get("effects") if isinstance(opt.get("effects"), list) else []):
            if (eff := parse(_EFFECT, raw)) is not None:
                check._effect(eff, ("options", k, "effects", i))
        if (fu := parse(TypeAdapter(FollowUp), opt.get("follow_up"))) is not None:
            check._event_id(fu.event, ("options", k, "follow_up", "event"))


def condition_metrics(cond: Any, loc: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], str]]:
    """Every metric a condition reads, with where it sits."""
    if cond is None:
        return []
    if isinstance(cond, AllOf | AnyOf):
        key = "all" if isinstance(cond, AllOf) else "any"
        return [hit for k, sub in enumerate(getattr(cond, key)) for hit in condition_metrics(sub, (*loc, key, k))]
    if isinstance(cond, NotOf):
        return condition_metrics(cond.not_, (*loc, "not"))
    metric = getattr(cond, "metric", None)
    return [((*loc, "metric"), metric)] if metric else []


def flags_required(ev: EventDef, setting: bool, located: bool = False) -> list[Any]:
    """The flags an event sets (``setting``), or those its trigger needs set: flag tests on
    the way through ``all`` from the top, not under ``any`` or ``not`` (with where they sit
    when ``located``)."""
    if setting:
        return [eff.flag for _, eff in _all_effects(ev) if isinstance(eff, FlagEffect) and eff.op == "set_flag"]
    out: list[Any] = []
    todo: list[tuple[Any, tuple[Any, ...]]] = [(ev.trigger, ("trigger",))]
    while todo:
        cond, loc = todo.pop()
        if isinstance(cond, FlagIs):
            out.append(((*loc, "flag"), cond.flag) if located else cond.flag)
        elif isinstance(cond, AllOf):
            todo += [(c, (*loc, "all", k)) for k, c in enumerate(cond.all)]
    return out


def queued_events(ev: EventDef) -> list[str]:
    """The events this one may queue (its queue effects and its options' follow-ups)."""
    return [e for _, e in follow_ups(ev)]


def follow_ups(ev: EventDef) -> list[tuple[tuple[Any, ...], str]]:
    """(loc, event id) of every event this one may queue."""
    out = [(loc + ("event",), e.event) for loc, e in _all_effects(ev) if isinstance(e, QueueEffect)]
    out += [(("options", k, "follow_up", "event"), o.follow_up.event)
            for k, o in enumerate(ev.options) if o.follow_up is not None]
    return out


def _check_cycles(content: Any, problems: list) -> None:
    """A chain of follow-ups that leads back to where it started never ends: report it once."""
    edges = {eid: follow_ups(ev) for eid, ev in content.events.items()}
    reported: set[frozenset[str]] = set()
    for start in sorted(edges):
        stack = [(start, [start])]
        seen: set[str] = set()
        while stack:
            node, path = stack.pop()
            for loc, nxt in edges.get(node, []):
                if nxt == start:
                    cycle = frozenset(path)
                    if cycle not in reported:
                        reported.add(cycle)
                        first_loc = next(lc for lc, t in edges[start] if t == path[1]) if len(path) > 1 else loc
                        problems.append(content.problem(
                            "events", start, first_loc,
                            "follow-up chain loops back on itself: " + " -> ".join([*path, start])))
                elif nxt in edges and nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))


def _check_scenario(content: Any, sc: ScenarioDef, bad: Report, metrics: dict) -> None:
    if sc.events != "all":
        for i, eid in enumerate(sc.events):
            if eid not in content.events:
                bad(("events", i), f"unknown event {eid!r}" + suggest(eid, content.events))
    from game.bots import BOTS  # the strategies `architect mods test` can play

    for i, ex in enumerate(sc.expectations):
        loc = ("expectations", i)
        known = {**BOTS, **dict.fromkeys(getattr(content, "bots", {}))}  # built-in and the packs' bots
        if ex.bot not in known:
            bad((*loc, "bot"), f"unknown bot {ex.bot!r}; known: {', '.join(known)}" + suggest(ex.bot, known))
        if ex.turn is not None and ex.turn > sc.turns:
            bad((*loc, "turn"), f"turn {ex.turn} is after the scenario's last turn {sc.turns}")
        _check_steering(content, sc, ex, loc, bad)
        if (ex.metric is None) == (ex.event is None):
            bad(loc, "an expectation checks either a metric (metric, op, value) or an event (event, at_least)")
            continue
        if ex.metric is not None:
            for key in ("op", "value"):
                if getattr(ex, key) is None:
                    bad(loc, f"a metric expectation needs {key}")
            for key in ("at_least", "at_most"):
                if getattr(ex, key) is not None:
                    bad((*loc, key), f"{key} counts event firings; use share for a metric")
            have = set()
            if ex.sector is not None:
                have.add("sector")
                if ex.sector not in sc.sectors:
                    bad((*loc, "sector"), f"sector {ex.sector!r} is not in the scenario" + suggest(ex.sector, sc.sectors))
            if ex.firm is not None:
                have |= {"firm", "sector"}
                if ex.firm not in sc.firms:
                    bad((*loc, "firm"), f"firm {ex.firm!r} is not in the scenario" + suggest(ex.firm, sc.firms))
            m = metrics.get(ex.metric)
            if m is None:
                bad((*loc, "metric"), f"unknown metric {ex.metric!r}" + suggest(ex.metric, metrics))
            elif m.scope in ("firm", "sector") and m.scope not in have:
                bad((*loc, "metric"), f"{ex.metric} is a {m.scope} metric: name the {m.scope} with {m.scope} = \"id\"")
        else:
            if ex.event not in content.events:
                bad((*loc, "event"), f"unknown event {ex.event!r}" + suggest(ex.event, content.events))
            elif sc.events != "all" and ex.event not in sc.events:
                bad((*loc, "event"), f"event {ex.event!r} is not in the scenario's events")
            if ex.at_least is None and ex.at_most is None:
                bad(loc, "an event expectation needs at_least, at_most or both")
            if ex.at_least is not None and ex.at_least > ex.worlds:
                bad((*loc, "at_least"), f"impossible: at least {ex.at_least} of {ex.worlds} worlds")
            if ex.at_least is not None and ex.at_most is not None and ex.at_least > ex.at_most:
                bad((*loc, "at_most"), f"impossible range: at_least {ex.at_least} is above at_most {ex.at_most}")
            for key in ("op", "value", "sector", "firm"):
                if getattr(ex, key) is not None:
                    bad((*loc, key), f"{key} belongs to a metric expectation")


def _check_steering(content: Any, sc: ScenarioDef, ex: Any, loc: tuple[Any, ...], bad: Report) -> None:
    """An expectation's `choose` and `force` name events in play and options they have."""
    in_play = content.events if sc.events == "all" else sc.events

    def known(eid: str, at: tuple[Any, ...]) -> Any:
        if eid not in content.events:
            bad(at, f"unknown event {eid!r}" + suggest(eid, content.events))
        elif eid not in in_play:
            bad(at, f"event {eid!r} is not in the scenario's events" + suggest(eid, in_play))
        else:
            return content.events[eid]
        return None

    for eid, option in ex.choose.items():
        ev = known(eid, (*loc, "choose", eid))
        if ev is not None and option >= len(ev.options):
            bad((*loc, "choose", eid), f"{eid!r} has {len(ev.options)} options (numbered from 0); got {option}")
    for k, forced in enumerate(ex.force):
        known(forced.event, (*loc, "force", k, "event"))
        last = ex.turn or sc.turns
        if forced.turn >= last:
            bad((*loc, "force", k, "turn"), f"turn {forced.turn} is not played: the expectation plays turns "
                f"0 to {last - 1}")
