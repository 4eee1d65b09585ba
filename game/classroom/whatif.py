"""What if: change or remove one decision of a game and play the same seed again.

The debrief's strongest tool ("what if the city had not rescued the EV maker in 2020?").
The changed log is re-run from the seed; later decisions that are no longer possible are
skipped and listed; both trajectories come back side by side with a short comparison.
With the decision unchanged, the re-run reproduces the original game exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from game.classroom.results import (
    Move,
    ResultFile,
    city_history,
    generic_names,
    outcome,
    run_log,
    turn_row,
)
from game.content.loader import Content
from game.engine.actions import parse_action
from game.engine.build import build_world
from game.engine.session import Session
from game.engine.world import World

SERIES = ("gdp", "land_share", "treasury", "debt", "portfolio", "realised", "score")


class WhatIfError(ValueError):
    """A change that cannot be made (no such decision, an invalid replacement)."""


@dataclass(frozen=True)
class Change:
    """Replace the decision at (turn, index) with ``action``, or remove it (``action`` None);
    with ``insert``, add ``action`` before that position instead (index may be the turn's
    length, to add at the end)."""

    turn: int
    index: int
    action: dict[str, Any] | None = None
    insert: bool = False


def changed_log(log: list[list[dict[str, Any]]], change: Change) -> list[list[dict[str, Any]]]:
    if not 0 <= change.turn < len(log):
        raise WhatIfError(f"there is no turn {change.turn}: the game has turns 0 to {len(log) - 1}")
    turn = list(log[change.turn])
    limit = len(turn) if change.insert else len(turn) - 1
    if not 0 <= change.index <= limit:
        raise WhatIfError(f"turn {change.turn} has {len(turn)} decisions; there is no number {change.index}")
    if change.action is not None:
        try:
            entry = parse_action(change.action).log_entry()
        except Exception as exc:  # noqa: BLE001 - pydantic's error, said in a sentence
            raise WhatIfError(f"the new decision is not a valid action: {exc}") from None
    if change.insert:
        if change.action is None:
            raise WhatIfError("an inserted decision needs an action")
        turn.insert(change.index, entry)
    elif change.action is None:
        del turn[change.index]
    else:
        turn[change.index] = entry
    out = [list(t) for t in log]
    out[change.turn] = turn
    return out


@dataclass
class WhatIf:
    """Both games side by side, for ``city``."""

    world: World
    city: int
    change: Change
    before: str  # the decision as it was ("" for an insert)
    after: str  # the decision as changed ("" when removed)
    original: list[dict[str, Any]]  # TurnRow dicts, turn by turn
    alternative: list[dict[str, Any]]
    original_outcome: dict[str, Any]
    alternative_outcome: dict[str, Any]
    original_hash: str
    alternative_hash: str
    skipped: list[Move] = field(default_factory=list)
    ended: str = ""  # when the alternative game ended early, why

    @property
    def identical(self) -> bool:
        return self.original_hash == self.alternative_hash

    @property
    def first_divergence(self) -> int | None:
        """The first turn whose numbers differ, or None."""
        for a, b in zip(self.original, self.alternative, strict=False):
            if any(a[k] != b[k] for k in SERIES):
                return a["turn"]
        return None if len(self.original) == len(self.alternative) else min(len(self.original), len(self.alternative))

    def rows(self) -> list[dict[str, Any]]:
        """One row per turn: ``<metric>`` and ``<metric>_what_if`` for each series."""
        out = []
        for t in range(max(len(self.original), len(self.alternative))):
            a = self.original[t] if t < len(self.original) else None
            b = self.alternative[t] if t < len(self.alternative) else None
            row: dict[str, Any] = {"turn": t, "date": (a or b)["date"]}
            for k in SERIES:
                row[k] = a[k] if a else None
                row[f"{k}_what_if"] = b[k] if b else None
            out.append(row)
        return out

    def _question(self, city: str, when: str) -> str:
        event_before, event_after = ": " in self.before and self._is_event, ": " in self.after and self._is_event
        if event_before and event_after:
            title, _, was = self.before.partition(": ")
            now = self.after.partition(": ")[2]
            return f"What if, on “{title}” in {when}, {city} had answered “{now}” instead of “{was}”?"
        if self.before and self.before == self.after:
            return f"Replaying {city}'s game with its decision of {when} unchanged ({_lower(self.before)}):"
        if self.change.insert:
            return f"What if {city} had also chosen to {_lower(self.after)} in {when}?"
        if not self.after:
            return f"What if {city} had not chosen to {_lower(self.before)} in {when}?"
        return (f"What if {city} had chosen to {_lower(self.after)} instead of to "
                f"{_lower(self.before)} in {when}?")

    @property
    def _is_event(self) -> bool:
        return (self.change.action or {}).get("kind") == "choose_event"

    def summary(self) -> str:
        w = self.world
        city = w.cities[self.city].name
        when = w.date_label(self.change.turn)
        head = self._question(city, when)
        if self.identical:
            return f"{head} Nothing would have changed: the game replays to the same state."
        a, b = self.original_outcome, self.alternative_outcome
        last = self.alternative[-1]["turn"] if self.alternative else self.change.turn
        end = f"the end of {w.date_label(max(last - 1, 0))}"  # the last quarter played
        parts = [head, f"By {end}: score {b['score']:.1f} instead of {a['score']:.1f} "
                       f"({b['score'] - a['score']:+.1f}, grade {b['grade']} instead of {a['grade']});",
                 f"GDP ¥{b['gdp_end']:,.0f} bn instead of ¥{a['gdp_end']:,.0f} bn;",
                 f"land share {b['land_share_end']:.0%} instead of {a['land_share_end']:.0%};",
                 f"treasury ¥{self.alternative[-1]['treasury']:,.1f} bn instead of "
                 f"¥{self.original[-1]['treasury']:,.1f} bn;",
                 f"portfolio ¥{b['portfolio']:,.1f} bn (+¥{b['realised']:,.1f} bn from exits) instead of "
                 f"¥{a['portfolio']:,.1f} bn (+¥{a['realised']:,.1f} bn)."]
        t = self.first_divergence
        if t is not None and t < len(self.original):
            parts.append(f"The two games part in {self.original[t]['date']}.")
        if b["crisis"] and not a["crisis"]:
            parts.append("The city would have fallen into a fiscal crisis.")
        if self.ended:
            parts.append(self.ended)
        if self.skipped:
            shown = "; ".join(f"{m.date} {m.text} ({generic_names(m.skipped or '', city)})"
                              for m in self.skipped[:3])
            more = f" and {len(self.skipped) - 3} more" if len(self.skipped) > 3 else ""
            parts.append(f"{len(self.skipped)} later decision(s) could no longer be taken and were "
                         f"skipped: {shown}{more}.")
        return " ".join(parts)


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def decisions(world: World, seed: int, humans: list[int], log: list[list[dict[str, Any]]],
              turns: int, city: int | None = None) -> list[Move]:
    """Every decision of ``city`` (default: the player's), described with the names of the
    time: the list a what-if screen lets the player pick from."""
    c = world.player if city is None else city
    run = run_log(world, seed, humans, log, turns, skip_refused=True)
    return [m for m in run.moves if m.city == c and m.kind != "pass"]


def what_if(world: World, seed: int, humans: list[int], log: list[list[dict[str, Any]]],
            turns: int, change: Change, city: int | None = None) -> WhatIf:
    """Play the game again from ``seed`` with one decision changed; see ``Change``."""
    c = world.player if city is None else city
    new_log = changed_log(log, change)
    base = run_log(world, seed, humans, log, turns, skip_refused=True)
    alt = run_log(world, seed, humans, new_log, turns, skip_refused=True)
    old_move = next((m for m in base.moves if m.turn == change.turn and m.index == change.index), None)
    new_move = next((m for m in alt.moves if m.turn == change.turn and m.index == change.index), None)
    before = "" if change.insert or old_move is None else old_move.text
    after = "" if change.action is None or new_move is None else new_move.text
    skipped = [m for m in alt.skipped if (m.turn, m.index) != (change.turn, change.index)]
    # a skipped move is described as it was in the original game (the firm it named may
    # never have appeared in the new one)
    as_was = {(m.turn, repr(sorted(m.data.items()))): m.text for m in base.moves}
    for m in skipped:
        m.text = as_was.get((m.turn, repr(sorted(m.data.items()))), m.text)
    ended = ""
    if alt.session.over and alt.session.turn < turns:
        ended = f"The game would have ended early, in {alt.session.date}."
    return WhatIf(world, c, change, before, after,
                  [turn_row(s) for s in city_history(base.session, c)],
                  [turn_row(s) for s in city_history(alt.session, c)],
                  outcome(base.session, c), outcome(alt.session, c),
                  base.session.hash(), alt.session.hash(), skipped, ended)


def session_decisions(session: Session, city: int | None = None) -> list[Move]:
    """The decisions of a game in the TUI that a what-if can change."""
    return decisions(session.world, int(session.state.seed), session.humans, session.log,
                     session.turn, city)


def what_if_session(session: Session, change: Change, city: int | None = None) -> WhatIf:
    """What if, for a game in the TUI (the end report, or mid-game)."""
    return what_if(session.world, int(session.state.seed), session.humans, session.log,
                   session.turn, change, city)


def what_if_result(result: ResultFile, content: Content, change: Change) -> WhatIf:
    """What if, for a student's result file."""
    p = result.payload
    world = build_world(content.scenario(p.scenario), content.sectors, content.firms)
    ids = {c.id: i for i, c in enumerate(world.cities)}
    return what_if(world, p.seed, [ids[h] for h in p.humans], p.log, p.turn, change, ids[p.city])


def result_decisions(result: ResultFile, content: Content) -> list[Move]:
    p = result.payload
    world = build_world(content.scenario(p.scenario), content.sectors, content.firms)
    ids = {c.id: i for i, c in enumerate(world.cities)}
    return decisions(world, p.seed, [ids[h] for h in p.humans], p.log, p.turn, ids[p.city])
