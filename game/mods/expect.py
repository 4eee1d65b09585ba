"""`architect mods test`: play each expectation of a pack's scenarios headless and say
whether it held. An expectation may steer its worlds: `choose` picks the option the
player's city takes for an event, `force` fires an event for it on a given turn."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from game.bots import Bot, bots_with
from game.content.loader import Content
from game.content.schema import Expectation
from game.engine import events, finite
from game.engine.build import build_world
from game.engine.registry import METRICS, Ctx
from game.engine.state import State
from game.engine.world import World
from game.sim import play_batch

OPS = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
       "==": np.equal, "!=": np.not_equal}


@dataclass
class Outcome:
    scenario: str
    index: int
    label: str
    held: bool
    detail: str
    fired: frozenset[str] = frozenset()  # events that fired in some world of the batch
    problems: tuple[str, ...] = ()  # numbers the game cannot hold, met in the batch (finite.py)

    def line(self) -> str:
        mark = "held    " if self.held else "NOT HELD"
        name = self.label or f"expectation {self.index + 1}"
        return f"{mark} {self.scenario} #{self.index + 1} {name}: {self.detail}"


def steered(bot: Bot, world: World, ex: Expectation) -> Bot:
    """``bot``, with the expectation's choices made for the player's city before it acts and
    its forced events queued for the end of their turns."""
    if not ex.choose and not ex.force:
        return bot
    tab = world.event_table
    index = {} if tab is None else tab.index
    forced: dict[int, list[int]] = {}
    for f in ex.force:
        forced.setdefault(f.turn, []).append(index[f.event])

    def play(world: World, state: State) -> None:
        for eid, option in ex.choose.items():
            if eid in index:
                events.choose(world, state, world.player, eid, option)
        for e in forced.get(state.turn + 1, []):  # due in the events step that ends this turn
            live = ~state.over
            state.ev_due[live, world.player, e] = state.turn + 1
        bot(world, state)

    play.__name__ = getattr(bot, "__name__", "bot")
    return play


def run_expectations(content: Content, scenario_ids: Iterable[str]) -> list[Outcome]:
    """Play each expectation's worlds headless and say whether it held."""
    out: list[Outcome] = []
    known = bots_with(content)
    for sid in scenario_ids:
        sc = content.scenario(sid)
        world = build_world(sc, content.sectors, content.firms)
        for i, ex in enumerate(sc.expectations):
            turns = ex.turn or world.turns
            state, _final = play_batch(world, ex.worlds, turns, ex.seed, steered(known[ex.bot], world, ex))
            held, detail = _judge(world, state, ex, turns)
            bad = () if finite.all_finite(state) else tuple(str(p) for p in finite.locate(world, state))
            if bad:
                log = finite.report(finite.locate(world, state))
                held, detail = False, f"{detail}; content problem: {bad[0]}" + (f" (logged to {log})" if log else "")
            tab = world.event_table
            fired = frozenset() if tab is None else frozenset(
                tab.events[e].id for e in np.nonzero(state.ev_count.sum(axis=(0, 1)))[0])
            out.append(Outcome(sid, i, ex.label, held, detail, fired, bad))
    return out


def never_fired(content: Content, outcomes: list[Outcome], pack_id: str, pack_dir: Path) -> list[str]:
    """The pack's own events in play in a tested scenario that fired in no world of any of its
    expectations, each with the trace command that says why; written to the content problem
    log too."""
    from game.mods.runtime_log import note

    lines = []
    for sid in dict.fromkeys(o.scenario for o in outcomes):
        sc = content.scenario(sid)
        fired = frozenset().union(*(o.fired for o in outcomes if o.scenario == sid))
        in_play = content.events if sc.events == "all" else sc.events
        for eid in sorted(in_play):
            if eid in fired or content.pack_of("events", eid) != pack_id:
                continue
            line = (f"{eid} never fired in the worlds of {sid}'s expectations: `architect mods trace "
                    f"{pack_dir} --scenario {sid} --event {eid}` says why")
            note(line)
            lines.append(line)
    return lines


def _judge(world: World, state: State, ex: Expectation, turns: int) -> tuple[bool, str]:
    steer = ""
    if ex.choose:
        steer += ", choosing " + ", ".join(f"{e} #{k}" for e, k in ex.choose.items())
    if ex.force:
        steer += ", forcing " + ", ".join(f"{f.event} on turn {f.turn}" for f in ex.force)
    where = f"{ex.worlds} world{'s' if ex.worlds != 1 else ''}, bot {ex.bot}, {turns} turns{steer}"
    if ex.metric is not None:
        f = world.firm_slot(ex.firm) if ex.firm else None
        s = world.sector_index[ex.sector] if ex.sector else (int(world.firm_sector[f]) if f is not None else None)
        n = state.n_worlds
        ctx = Ctx(world, state, np.arange(n), np.full(n, world.player),
                  None if f is None else np.full(n, f), None if s is None else np.full(n, s))
        values = np.broadcast_to(np.asarray(METRICS[ex.metric].get(ctx), dtype=np.float64), n)
        share = float(np.mean(OPS[ex.op](values, ex.value)))  # type: ignore[index]
        held = share >= ex.share - 1e-12
        return held, (f"{ex.metric} {ex.op} {ex.value:g} in {share:.0%} of {where} "
                      f"(needs {ex.share:.0%}; median {np.median(values):.3g})")
    e = world.event_table.index.get(ex.event) if world.event_table is not None else None
    fired = 0 if e is None else int((state.ev_count[:, :, e].sum(axis=1) > 0).sum())
    held = (ex.at_least is None or fired >= ex.at_least) and (ex.at_most is None or fired <= ex.at_most)
    bounds = " and ".join(b for b in (f"at least {ex.at_least}" if ex.at_least is not None else "",
                                      f"at most {ex.at_most}" if ex.at_most is not None else "") if b)
    return held, f"{ex.event} fired in {fired} of {where} (needs {bounds})"


def scenarios_of(content: Content, pack_dir: Path) -> list[str]:
    """The scenarios a pack folder defines or patches (by the files it holds)."""
    label = content.pack_labels[content.pack_dirs.index(pack_dir)] if pack_dir in content.pack_dirs \
        else pack_dir.name
    return sorted(sid for (kind, sid), touches in content.touches.items()
                  if kind == "scenarios" and any(t.file.startswith(label + "/") for t in touches))
