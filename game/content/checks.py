"""Checks across files, run once every pack has loaded: ids that must exist (with "did you
mean"), what a scenario may hold, loops in supply chains, events that can never fire,
and two packs changing the same field. Each problem points at the referencing line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from game.content.event_checks import check_events, condition_metrics, flags_required, queued_events
from game.content.locate import suggest
from game.content.messages import describe
from game.content.names import SCOPES_READ_BY_CITY_RULES, metrics
from game.content.positions import key_positions, position_of
from game.content.problems import Problem, warning
from game.content.schema import MAX_EVENTS, ScenarioDef
from game.engine.actions import LOGGED_ADAPTER  # the actions' vocabulary, for historical moves

if TYPE_CHECKING:
    from game.content.loader import Content


def check_all(content: Content, problems: list[Problem]) -> None:
    check_references(content, problems)
    _check_bots(content, problems)
    check_events(content, problems)
    _input_loops(content, problems)
    _never_fire(content, problems)
    _clashes(content, problems)


def check_references(content: Content, problems: list[Problem]) -> None:
    """Every id a file names must exist, and a scenario's firms must fit the scenario."""
    for firm in content.firms.values():
        if firm.sector not in content.sectors:
            problems.append(content.problem("firms", firm.id, ("sector",), f"unknown sector {firm.sector!r}",
                                            suggest(firm.sector, content.sectors)))
    for sector in content.sectors.values():
        for i, dep in enumerate(sector.inputs):
            if dep not in content.sectors:
                problems.append(content.problem("sectors", sector.id, ("inputs", i), f"unknown sector {dep!r}",
                                                suggest(dep, content.sectors)))
    for sc in content.scenarios.values():
        _check_scenario(content, sc, problems)


def _check_scenario(content: Content, sc: ScenarioDef, problems: list[Problem]) -> None:
    city_ids = [c.id for c in sc.cities]

    def bad(loc: tuple[Any, ...], message: str, hint: str = "") -> None:
        problems.append(content.problem("scenarios", sc.id, loc, message, hint))

    for i, sid in enumerate(sc.sectors):
        if sid not in content.sectors:
            bad(("sectors", i), f"unknown sector {sid!r}", suggest(sid, content.sectors))
    for i, fid in enumerate(sc.firms):
        firm = content.firms.get(fid)
        if firm is None:
            bad(("firms", i), f"unknown firm {fid!r}", suggest(fid, content.firms))
            continue
        if firm.sector not in sc.sectors:
            bad(("firms", i), f"firm {fid!r} is in sector {firm.sector!r}, which the scenario does not "
                "include: add it to sectors")
        if firm.city not in city_ids:
            label = content.source_of("firms", fid)[0]
            bad(("firms", i), f"firm {fid!r} is in city {firm.city!r} ({label}), which is not one of the "
                f"scenario's cities ({', '.join(city_ids)})", suggest(firm.city, city_ids))
        if firm.arrives_turn >= sc.turns:
            bad(("firms", i), f"firm {fid!r} arrives on turn {firm.arrives_turn}, after the last turn {sc.turns - 1}")
    if sc.events == "all":
        in_play = len(content.events)
        if in_play > MAX_EVENTS:
            bad(("events",), f'"all" puts {in_play} events in play; a scenario may have at most {MAX_EVENTS}: '
                "list the ones it needs")
    _check_moves(content, sc, bad)
    _check_milestones(sc, bad)


def _check_milestones(sc: ScenarioDef, bad: Any) -> None:
    """Milestones come within the scenario, once each, and read registered city metrics."""
    seen: set[str] = set()
    first = sc.start_year * 4 + sc.start_quarter - 1
    for i, m in enumerate(sc.milestones):
        if m.id in seen:
            bad(("milestones", i, "id"), f"milestone id {m.id!r} is used twice")
        seen.add(m.id)
        when = m.when
        turn = when.turn
        if when.year is not None:
            turn = when.year * 4 + (when.quarter or 1) - 1 - first
        if turn is not None and not 0 <= turn < sc.turns:
            bad(("milestones", i, "when"), f"comes on turn {turn}, outside the scenario's turns 0 to {sc.turns - 1}")
        for loc, metric in condition_metrics(when.condition, ("milestones", i, "when", "condition")):
            _city_metric(metric, loc, bad, "a milestone")


def _city_metric(metric: str, loc: tuple[Any, ...], bad: Any, who: str) -> None:
    spec = metrics().get(metric)
    if spec is None:
        bad(loc, f"unknown metric {metric!r}", suggest(metric, [m for m, s in metrics().items()
                                                               if s.scope in SCOPES_READ_BY_CITY_RULES]))
    elif spec.scope not in SCOPES_READ_BY_CITY_RULES:
        bad(loc, f"{metric} is a {spec.scope} metric: {who} reads game.* and city.* metrics")


def _check_bots(content: Content, problems: list[Problem]) -> None:
    """A bot's rules read registered city metrics and name sectors some pack defines."""
    for bot in content.bots.values():
        def bad(loc: tuple[Any, ...], message: str, hint: str = "", bot_id: str = bot.id) -> None:
            problems.append(content.problem("bots", bot_id, loc, message, hint))

        for i, rule in enumerate(bot.rules):
            for loc, metric in condition_metrics(rule.when, ("rules", i, "when")):
                _city_metric(metric, loc, bad, "a bot")
            for loc, sid in [(("rules", i, "sector"), rule.sector),
                             *((("rules", i, "sectors", k), s) for k, s in enumerate(rule.sectors))]:
                if sid is not None and sid not in content.sectors:
                    bad(loc, f"unknown sector {sid!r}", suggest(sid, content.sectors))


def _check_moves(content: Content, sc: ScenarioDef, bad: Any) -> None:
    """Historical moves must be valid actions naming the scenario's own firms and sectors."""
    for i, move in enumerate(sc.historical_moves):
        loc = ("historical_moves", i, "action")
        try:
            action = LOGGED_ADAPTER.validate_python(move.action, strict=True)
        except ValidationError as exc:
            for err in exc.errors():
                sub = tuple(k for k in err.get("loc", ()) if not str(k).startswith(("function-", "tagged")))
                message, hint = describe(err, ScenarioDef, (*loc, *sub), [])
                bad((*loc, *sub[1:]), message, hint)
            continue
        firm = getattr(action, "firm", None)
        if firm is not None and firm not in sc.firms:
            bad(loc, f"firm {firm!r} is not in the scenario's firms", suggest(firm, sc.firms))
        sector = getattr(action, "sector", None)
        if sector is not None and sector not in sc.sectors:
            bad(loc, f"sector {sector!r} is not in the scenario's sectors", suggest(sector, sc.sectors))
        if move.turn >= sc.turns:
            bad(("historical_moves", i, "turn"), f"turn {move.turn} is after the last turn {sc.turns - 1}")


def _input_loops(content: Content, problems: list[Problem]) -> None:
    """A sector that buys its own output, or a ring of sectors buying from each other: the
    supply chain has no start (a warning: it loads, but the chain cannot be built up)."""
    reported: set[frozenset[str]] = set()
    for start in sorted(content.sectors):
        stack = [(start, [start])]
        seen: set[str] = set()
        while stack:
            node, path = stack.pop()
            sector = content.sectors.get(node)
            for dep in sector.inputs if sector else []:
                if dep == start:
                    ring = frozenset(path)
                    if ring not in reported:
                        reported.add(ring)
                        nxt = path[1] if len(path) > 1 else start
                        i = content.sectors[start].inputs.index(nxt)
                        what = (f"sector {start!r} is its own input" if len(path) == 1 else
                                "inputs loop back: " + " -> ".join([*path, start]))
                        problems.append(content.problem("sectors", start, ("inputs", i), what + "; a supply "
                                                        "chain needs a start", severity="warning"))
                elif dep in content.sectors and dep not in seen:
                    seen.add(dep)
                    stack.append((dep, [*path, dep]))


def _never_fire(content: Content, problems: list[Problem]) -> None:
    """An event that no scenario it is in play in lets fire: its scope's sectors are absent,
    a flag it needs is never set there, or it only fires when queued and nothing queues it."""
    plays: dict[str, list[str]] = {eid: [] for eid in content.events}
    scenes: dict[str, _Scene] = {}
    for sc in content.scenarios.values():
        scene = scenes[sc.id] = _Scene(content, sc)
        for eid in scene.in_play:
            plays[eid].append(sc.id)
    for eid, ev in content.events.items():
        if not plays[eid]:
            if content.scenarios:
                problems.append(content.problem("events", eid, ("id",), "no scenario has this event in play "
                                                "(each lists its events), so it never fires", severity="warning"))
            continue
        reasons = []
        for sid in plays[eid]:
            why = scenes[sid].why_never(ev)
            if why is None:
                break
            reasons.append(why)
        else:
            loc, why = reasons[0]
            problems.append(content.problem("events", eid, loc, f"can never fire: {why} in any scenario it is "
                                            f"in play in ({', '.join(plays[eid])})", severity="warning"))


class _Scene:
    """What a scenario puts in play: its events, the flags they or it set, what gets queued."""

    def __init__(self, content: Content, sc: ScenarioDef):
        self.sc = sc
        self.known = content.sectors
        self.in_play = [e for e in (content.events if sc.events == "all" else sc.events) if e in content.events]
        events = [content.events[e] for e in self.in_play]
        self.flags = set(sc.flags) | {f for e in events for f in flags_required(e, setting=True)}
        self.queued = {q for e in events for q in queued_events(e)}

    def why_never(self, ev: Any) -> tuple[tuple[Any, ...], str] | None:
        scope = ev.scope
        if scope is not None and not set(scope.sectors) <= set(self.known):
            return None  # an unknown sector is an error of its own
        if scope is not None and scope.sectors and not set(scope.sectors) & set(self.sc.sectors):
            return ("scope", "sectors"), f"its scope's sectors ({', '.join(scope.sectors)}) are not"
        for loc, flag in flags_required(ev, setting=False, located=True):
            if flag not in self.flags:
                return loc, f"the flag {flag!r} it needs is never set"
        if ev.chance is None and ev.mtth is None and ev.id not in self.queued:
            return ("id",), "it has no chance or mtth, so it fires only when queued, and no event queues it"
        return None


PAST = {"replaces": "replaced", "patches": "patched", "defines": "defined"}


def _clashes(content: Content, problems: list[Problem]) -> None:
    """Two packs that replace or patch the same field of an item: the later one wins, and the
    modder should know (as RimWorld's load-order screen says)."""
    for (kind, item_id), touches in content.touches.items():
        changed = [t for t in touches if t.action in ("replaces", "patches")]
        for k, later in enumerate(changed):
            for earlier in changed[:k]:
                if earlier.pack == later.pack:
                    continue
                if later.action == "replaces":
                    problems.append(warning(later.file, later.line, "id", f"{kind}/{item_id} is replaced by "
                                            f"{later.pack} after {earlier.pack} {PAST[earlier.action]} it "
                                            f"({earlier.file}:{earlier.line}): {earlier.pack}'s changes are lost"))
                    continue
                shared = [f for f in later.fields if earlier.action == "replaces" or f in earlier.fields]
                text = _text_of(content, kind, item_id, later.file)
                for name in shared:
                    line = position_of(key_positions(text), tuple(name.split(".")))[0] if text else later.line
                    problems.append(warning(later.file, line, name, f"{kind}/{item_id}: {earlier.pack} "
                                            f"{earlier.action} this too ({earlier.file}:{earlier.line}); "
                                            f"{later.pack} loads later, so its value is used"))


def _text_of(content: Content, kind: str, item_id: str, label: str) -> str:
    for lab, text, _ in content.patch_sources.get((kind, item_id), []):
        if lab == label:
            return text
    return ""
