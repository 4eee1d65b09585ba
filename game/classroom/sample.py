"""A made-up class: students with different habits play one world and hand in results.

For an instructor trying the report before a class (``architect classroom demo``), and
for tests. Each student plays through a Session with the same actions a person would
take, so their results replay and verify like real ones.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

from game.content.loader import Content
from game.engine import actions as A
from game.engine.build import build_world
from game.engine.session import Refused, Session
from game.engine.world import World

STYLES = ("land-heavy", "industrial", "herd", "passive", "balanced")
FIRST_NAMES = ("Ana", "Bo", "Chen", "Dara", "Eli", "Fang", "Gus", "Hua", "Ines", "Jun", "Kai",
               "Lin", "Mei", "Noor", "Omar", "Ping", "Qiu", "Rui", "Sara", "Tao", "Uma", "Vik",
               "Wen", "Xia", "Yan", "Zoe")


def _try(session: Session, action: A.Action | A.ChooseEvent) -> bool:
    try:
        session.act(action)
    except Refused:
        return False
    return True


def _answer_events(session: Session, bold: bool) -> None:
    for ev in session.pending_events():
        offered = [o for o in ev["options"] if o["offered"]]
        if not offered:
            continue
        pick = offered[0] if bold else offered[-1]
        _try(session, A.ChooseEvent(event=ev["key"], option=pick["index"]))


def _sell_land(session: Session, pace: float) -> None:
    p = session.player
    ha = pace * float(session.world.city_params["land_absorption_ha"][p])
    bank = session.headline()["land_bank"]
    if bank > 1:
        _try(session, A.SellLand(hectares=round(min(ha, bank), 1)))


def _fund(session: Session, amount: float) -> None:
    short = amount - session.headline()["treasury"]
    if short > 0:
        _try(session, A.IssueBonds(amount_bn=round(short + 1.0, 1)))


def _back(session: Session, rows: list[dict], borrow: bool) -> None:
    for row in rows:
        if borrow:
            _fund(session, row["ask"])
        _try(session, A.InvestEquity(firm=row["id"], amount_bn=round(row["ask"], 2)))


def _prospects(session: Session) -> list[dict]:
    return [r for r in session.firms() if r["mine"] and r["stage"] == "prospect"]


def _hottest(session: Session) -> str | None:
    from game.classroom.results import hottest_sector

    s = hottest_sector(session, session.player)
    return None if s is None else session.world.sectors[s].id


def _turn(session: Session, style: str, rng: random.Random) -> None:
    if style == "passive":
        _answer_events(session, bold=False)
        if rng.random() < 0.15:
            _sell_land(session, 0.5)
        return
    if style == "land-heavy":
        _answer_events(session, bold=False)
        _sell_land(session, rng.uniform(1.2, 2.0))
        if rng.random() < 0.3:
            _sell_land(session, 0.8)
        return
    if style == "herd":
        _answer_events(session, bold=True)
        hot = _hottest(session)
        _back(session, [r for r in _prospects(session) if r["sector_id"] == hot or rng.random() < 0.1],
              borrow=True)
        for r in session.firms():
            if r["mine"] and r["stage"] == "distressed" and rng.random() < 0.7:
                _fund(session, r["rescue_need"] + 0.1)
                _try(session, A.RescueFirm(firm=r["id"], amount_bn=round(r["rescue_need"] + 0.1, 2)))
        _sell_land(session, rng.uniform(0.6, 1.0))
        return
    if style == "industrial":
        _answer_events(session, bold=True)
        _back(session, _prospects(session), borrow=rng.random() < 0.7)
        mine = {r["sector_id"] for r in session.firms() if r["mine"]}
        for sid in sorted(mine):
            if rng.random() < 0.4:
                _try(session, A.RecruitSuppliers(sector=sid))
        if session.turn % 6 == 1:
            _try(session, A.BuildInfrastructure(project=rng.choice(["fab-utilities", "talent-programme"])))
        for r in session.firms():
            if r["stake"] > 0 and r["stage"] == "listed" and r["lockup_left"] == 0 and rng.random() < 0.5:
                _try(session, A.SellStake(firm=r["id"], share=0.5))
        _sell_land(session, rng.uniform(0.3, 0.7))
        return
    # balanced: a bit of everything, chosen by the dice
    _answer_events(session, bold=rng.random() < 0.6)
    if rng.random() < 0.6:
        _back(session, _prospects(session), borrow=False)
    _sell_land(session, rng.uniform(0.5, 1.2))
    if rng.random() < 0.2:
        sectors = [s["id"] for s in session.sectors()]
        _try(session, A.RecruitSuppliers(sector=rng.choice(sectors)))


def play_student(world: World, seed: int, style: str, rng: random.Random,
                 turns: int | None = None, humans: list[int] | None = None) -> Session:
    """One whole game (or ``turns`` quarters) played in ``style``."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; known: {', '.join(STYLES)}")
    session = Session.start(world, seed=seed, humans=humans)
    stop = world.turns if turns is None else min(turns, world.turns)
    while not session.over and session.turn < stop:
        _turn(session, style, rng)
        session.end_turn()
    return session


def make_class(content: Content, scenario_id: str, seed: int, students: int,
               out: str | os.PathLike[str], code: str | None = None, turns: int | None = None,
               progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """Play ``students`` games of one world in assorted styles and export their results."""
    from game.classroom.results import export_result, result_filename

    world = build_world(content.scenario(scenario_id), content.sectors, content.firms)
    folder = Path(out)
    paths = []
    for i in range(students):
        rng = random.Random(1000 + i)
        style = STYLES[i % len(STYLES)]
        name = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {chr(65 + (i // len(FIRST_NAMES)) % 26)}."
        session = play_student(world, seed, style, rng, turns)
        paths.append(export_result(session, folder / result_filename(f"{i + 1:02d} {name}", code),
                                   player=name, code=code, content=content))
        if progress:
            progress(i + 1, students)
    return paths
