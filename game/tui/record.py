"""What the screen remembers turn by turn: firm and sector figures the engine's
per-turn snapshots do not keep (a firm's cash, a sector's demand and capacity).

The dashboard calls ``observe`` whenever it redraws; the figures of a turn are
overwritten until the turn closes, so each closed turn keeps its final numbers.
A game loaded from a save has these records from the turn it was loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from game.engine.actions import parse_action
from game.engine.session import Refused, Session

FIRM_KEYS = ("stage", "cash", "valuation", "capacity", "jobs", "stake", "profit", "city")
SECTOR_KEYS = ("demand", "capacity", "price", "sentiment", "density")


@dataclass
class Records:
    """Per-turn rows: ``firms[id][turn]`` and ``sectors[id][turn]``; ``dates[turn]``."""

    firms: dict[str, dict[int, dict]] = field(default_factory=dict)
    sectors: dict[str, dict[int, dict]] = field(default_factory=dict)
    dates: dict[int, str] = field(default_factory=dict)

    def observe(self, session: Session) -> None:
        t = session.turn
        self.dates[t] = session.date
        for row in session.firms():
            self.firms.setdefault(row["id"], {})[t] = {k: row[k] for k in FIRM_KEYS}
        for row in session.sectors():
            rec = {k: row[k] for k in SECTOR_KEYS}
            rec["building"] = sum(c["building"] for c in row["by_city"].values())
            self.sectors.setdefault(row["id"], {})[t] = rec

    def firm_series(self, fid: str, key: str) -> tuple[list[int], list]:
        rows = self.firms.get(fid, {})
        turns = sorted(rows)
        return turns, [rows[t][key] for t in turns]

    def sector_series(self, sid: str, key: str) -> tuple[list[int], list[float]]:
        rows = self.sectors.get(sid, {})
        turns = sorted(rows)
        return turns, [rows[t][key] for t in turns]

    def stage_path(self, fid: str) -> list[tuple[int, str]]:
        """(turn, stage) each time the firm's stage changed, first sighting included."""
        turns, stages = self.firm_series(fid, "stage")
        out: list[tuple[int, str]] = []
        for t, s in zip(turns, stages, strict=True):
            if not out or out[-1][1] != s:
                out.append((t, s))
        return out


def replayed(session: Session, records: Records | None = None) -> Records:
    """Records for every closed turn of a game opened part-way (a loaded save), rebuilt by
    replaying its action log from the seed in a private session. The replay stops at the
    first turn whose state differs from the game's own (content changed since the save):
    the records then cover the turns before it."""
    records = records or Records()
    others = [c for c in session.humans if c != session.player]
    closed = session.turn  # closed turns never change: copy what the replay reads first
    log = [list(turn) for turn in session.log[:closed]]
    hashes = list(session.turn_hashes[:closed])
    try:
        twin = Session.start(session.world, seed=int(session.state.seed), humans=others)
        for t in range(closed):
            if t < len(hashes) and twin.hash() != hashes[t]:
                break
            records.observe(twin)
            for data in log[t]:
                twin.act(parse_action(data))
            twin.end_turn()
    except (Refused, ValueError):  # a log this engine no longer accepts: keep what we have
        pass
    return records
