"""Result files: one student's game, exported for the class report, checkable by replay.

A result is one JSON file, ``NAME.result.json``, laid out like a save::

    {"checksum": "sha256:<hex>", "format": "industrial-architect-result",
     "format_version": 1, "payload": {...}}

The payload names the player, the session code, the scenario, seed and pack versions,
the city (in hot-seat games, one file per person's city and the cities people played),
the final score, grade and components, the headline numbers of every turn, the action
log, the state hash at the start of every turn and the final hash.

The checksum catches damage and casual edits, but anyone can recompute it, so a result
is trusted only after ``replay_result`` has re-run its log from the seed and reached
the same hashes, and the numbers it claims match the numbers its moves produce.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

import game
from game.content.loader import Content, ContentError, load_content
from game.engine import scoring
from game.engine.actions import parse_action
from game.engine.build import build_world
from game.engine.session import Refused, Session, Snapshot
from game.engine.tick import debt_ratio, land_share, portfolio_value
from game.engine.world import BUILDING, World
from game.saves import (  # the same file discipline as saves
    PackRef,
    _first_error,
    _json_doc,
    atomic_write,
    canonical,
    checksum,
    content_hash,
    sanitise_name,
)

FORMAT = "industrial-architect-result"
FORMAT_VERSION = 1
SUFFIX = ".result.json"
MAX_RESULT_BYTES = 4 * 1024 * 1024  # a whole Hefei 2008 game is about 60 kB

Hex64 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
ShortText = Annotated[str, Field(max_length=200)]
PlayerName = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[^\x00-\x1f\x7f]+$")]


class ResultError(Exception):
    """A result that cannot be written or read; ``message`` is a sentence for a person.

    ``player`` is the name in the file when it could be read that far."""

    def __init__(self, message: str, path: Path | None = None, player: str | None = None):
        self.message = message
        self.path = path
        self.player = player
        super().__init__(f"{path.name}: {message}" if path is not None else message)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class TurnRow(_Strict):
    """The city's headline numbers after a turn (turn 0: the start)."""

    turn: int = Field(ge=0, le=100_000)
    date: ShortText
    gdp: float  # ¥ bn a year
    land_share: float  # land revenue over fiscal revenue, last four quarters
    treasury: float
    debt: float
    portfolio: float  # the city's stakes and fund money, marked to market
    realised: float  # cash from exits so far
    jobs: float
    land_bank: float  # ha
    score: float


class Outcome(_Strict):
    score: float = Field(ge=0, le=100)
    grade: Literal["A", "B", "C", "D", "E"]
    components: dict[Annotated[str, Field(max_length=40)], float] = Field(max_length=20)
    crisis: bool
    gdp_start: float
    gdp_end: float
    land_share_start: float
    land_share_end: float
    debt_ratio: float
    invested: float
    portfolio: float
    realised: float
    written_off: float
    failed_firms: int = Field(ge=0)
    jobs_start: float
    jobs_end: float
    land_sold_ha: float


class ResultPayload(_Strict):
    format_version: Literal[1]
    game_version: ShortText
    exported_at: datetime
    player: PlayerName
    session_code: Annotated[str, Field(max_length=80)] | None = None
    scenario: ShortText
    scenario_name: ShortText
    seed: int = Field(ge=0, lt=2**63)
    packs: list[PackRef] = Field(max_length=100)
    content_hash: Hex64
    city: ShortText  # the city id this result is for
    city_name: ShortText
    humans: list[ShortText] = Field(min_length=1, max_length=32)  # city ids people played
    turn: int = Field(ge=0, le=100_000)
    over: bool
    date: ShortText
    outcome: Outcome
    history: list[TurnRow] = Field(min_length=1, max_length=100_001)
    log: list[list[dict[str, Any]]] = Field(max_length=100_000)
    turn_hashes: list[Hex64] = Field(max_length=100_001)
    final_hash: Hex64


class Envelope(_Strict):
    format: Literal["industrial-architect-result"]
    format_version: int
    checksum: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    payload: dict[str, Any]


@dataclass
class ResultFile:
    path: Path | None
    payload: ResultPayload


# ----- what a session says about one city --------------------------------------------------


def city_history(session: Session, city: int) -> list[Snapshot]:
    """The snapshots of ``city`` after each turn (the player's, or a hot-seat player's)."""
    if city == session.player:
        return session.history
    return session.others_history.get(city, [])


def turn_row(s: Snapshot) -> dict[str, Any]:
    return {"turn": s.turn, "date": s.date, "gdp": s.gdp, "land_share": s.land_share,
            "treasury": s.treasury, "debt": s.debt, "portfolio": s.portfolio,
            "realised": s.realised, "jobs": s.jobs, "land_bank": s.land_bank, "score": s.score}


def outcome(session: Session, city: int) -> dict[str, Any]:
    """The final numbers of ``city`` as the end report counts them."""
    st, w = session.state, session.world
    points = session.score(city)
    history = city_history(session, city)
    first = history[0] if history else session.snapshot(city)
    return {
        "score": points, "grade": scoring.grade(points),
        "components": {k: float(v[0]) for k, v in scoring.components(w, st, city).items()},
        "crisis": bool(st.crisis[0, city]),
        "gdp_start": first.gdp, "gdp_end": float(st.gdp[0, city]),
        "land_share_start": float(w.cities[city].land_share),
        "land_share_end": float(land_share(st)[0, city]),
        "debt_ratio": float(debt_ratio(st)[0, city]),
        "invested": float(st.invested[0, city]),
        "portfolio": float(portfolio_value(st)[0, city]),
        "realised": float(st.realised[0, city]),
        "written_off": float(st.written_off[0, city]),
        "failed_firms": int(scoring.failed_firms(w, st, city)[0]),
        "jobs_start": first.jobs, "jobs_end": float(st.jobs[0, city]),
        "land_sold_ha": float(w.cities[city].land_bank_ha - st.land_bank[0, city]),
    }


# ----- replaying a log ------------------------------------------------------------------------


@dataclass
class Move:
    """One logged decision, described as it was when it was taken."""

    turn: int
    index: int  # position in that turn's log
    date: str
    city: int  # the acting city
    kind: str
    text: str
    data: dict[str, Any]
    firm: str | None = None  # the firm's name at the time
    sector: str | None = None  # sector id (of the firm, or named by the action)
    amount_bn: float = 0.0
    hot: bool = False  # rival cities were building most in this sector (relative to demand)
    skipped: str | None = None  # why it was refused (what-if runs skip refused moves)
    title: str | None = None  # for an event decision: the event's title, as the player saw it
    choice: str | None = None  # and the option taken


@dataclass
class Run:
    """A log re-run from the seed: the resulting session and every move, described."""

    session: Session
    moves: list[Move]
    ok: bool = True
    divergent_turn: int | None = None
    message: str = ""

    @property
    def skipped(self) -> list[Move]:
        return [m for m in self.moves if m.skipped]


HOT_BUILDING = 0.02  # rivals' plants under construction, as a share of demand, that make a sector "hot"


def hottest_sector(session: Session, city: int) -> int | None:
    """The sector where the other cities are building most, relative to demand (the herd's
    sector), or None when nobody is building much anywhere."""
    st, w = session.state, session.world
    building = (st.stage[0] == BUILDING) & (st.firm_city[0] != city)
    by_sector = np.bincount(w.firm_sector, weights=np.where(building, st.capacity_f[0], 0.0),
                            minlength=w.n_sectors)
    ratio = by_sector / np.maximum(st.demand[0], 1e-9)
    s = int(np.argmax(ratio))
    return s if ratio[s] > HOT_BUILDING else None


def _describe(session: Session, t: int, n: int, data: dict[str, Any], action: Any) -> Move:
    w = session.world
    who = session.actor(action)
    firm = sector = None
    fid = getattr(action, "firm", None)
    if fid is not None and w.firm_slot(fid) is not None:
        f = w.firm_slot(fid)
        firm = session.firm_name(f)
        sector = w.sectors[int(w.firm_sector[f])].id
    elif getattr(action, "sector", None) is not None:
        sector = action.sector
    amount = float(getattr(action, "amount_bn", 0.0) or 0.0)
    hot = sector in w.sector_index and hottest_sector(session, who) == w.sector_index[sector]
    try:
        text = session.describe(action)  # a decision names what its event was about
        if firm is not None:  # the name of the time, not the slot's ("a new EV makers project")
            text = text.replace(w.firm_label(fid), firm)
    except Exception:  # noqa: BLE001 - a description must never stop a replay
        text = action.kind
    move = Move(t, n, w.date_label(t), who, action.kind, text, dict(data), firm, sector, amount, hot)
    if action.kind == "choose_event" and who == session.player:
        for ev in session.pending_events():  # rendered with the firm, sector and city it names
            if ev["key"] == action.event:
                move.title = ev["title"]
                move.choice = next((o["label"] for o in ev["options"] if o["index"] == action.option), None)
                if move.choice:
                    move.text = f"{move.title}: {move.choice}"
    if action.kind == "choose_event" and move.title is None:
        move.text = generic_names(move.text, w.cities[who].name)
    return move


def generic_names(text: str, city: str) -> str:
    names = {"my_city": city, "city": "a city", "firm": "a firm", "sector": "a sector", "date": "then"}
    return re.sub(r"\{(\w+)\}", lambda m: names.get(m.group(1), m.group(0)), text)


def run_log(world: World, seed: int, humans: Sequence[int], log: Sequence[Sequence[dict[str, Any]]],
            turns: int, expected: Sequence[str] = (), skip_refused: bool = False) -> Run:
    """Re-run ``log`` from ``seed``: act each turn's decisions, close ``turns`` turns.

    With ``expected`` (the start-of-turn hashes), stop at the first turn that differs.
    A refused move stops the run, unless ``skip_refused`` (what-if runs), when it is
    recorded as skipped and the run goes on.
    """
    sim = Session.start(world, seed=seed, humans=[h for h in humans if h != world.player])
    run = Run(sim, [])

    def fail(t: int, message: str) -> Run:
        run.ok, run.divergent_turn, run.message = False, t, message
        return run

    if expected and expected[0] != sim.hash():
        return fail(0, "the starting state differs: the scenario, its content or the engine has changed")
    for t, actions in enumerate(log):
        if sim.over:
            if skip_refused:  # a what-if game may end earlier than the original
                run.message = f"the game ended in {sim.date}"
                break
            return fail(t, f"the game was already over at turn {t} ({world.date_label(t)})")
        for n, data in enumerate(actions):
            try:
                action = parse_action(data)
            except ValidationError as exc:
                why = f"not a valid action ({exc.errors()[0]['msg']})"
                if not skip_refused:
                    return fail(t, f"turn {t} ({world.date_label(t)}), move {n + 1}: {why}")
                run.moves.append(Move(t, n, world.date_label(t), world.player, str(data.get("kind")),
                                      str(data.get("kind")), dict(data), skipped=why))
                continue
            move = _describe(sim, t, n, data, action)
            run.moves.append(move)
            try:
                sim.act(action)
            except Refused as exc:
                why = "; ".join(exc.reasons)
                if not skip_refused:
                    return fail(t, f"turn {t} ({world.date_label(t)}), move {n + 1} "
                                   f"({move.text}) was refused: {why}")
                move.skipped = why
        if t < turns:
            sim.end_turn()
            if t + 1 < len(expected) and sim.hash() != expected[t + 1]:
                return fail(t, f"turn {t} ({world.date_label(t)}) ends in a different state")
    return run


# ----- writing --------------------------------------------------------------------------------


def _packs(content: Content | None) -> list[dict[str, str]]:
    return [{"id": p.id, "version": p.version} for p in (content.packs if content else [])]


def build_result(session: Session, *, player: str, code: str | None = None,
                 city: int | None = None, content: Content | None = None,
                 verify: bool = True) -> dict[str, Any]:
    """The payload of a result for ``city`` (default: the player's).

    With ``verify``, the log is re-run first and the result refused (ResultError) if it
    does not reproduce the game: a result that cannot be checked is not worth handing in.
    """
    w = session.world
    c = session.player if city is None else city
    if c not in session.humans:
        raise ResultError(f"{w.cities[c].name} was played by the computer, not by a person")
    if code:
        _check_code(code, session, content)
    history = city_history(session, c)
    closed = session.turn
    if verify or len(history) != closed + 1:
        run = run_log(w, int(session.state.seed), session.humans, session.log, closed,
                      session.turn_hashes)
        if not run.ok or run.session.hash() != session.hash():
            raise ResultError("this game's log does not reproduce it ("
                              f"{run.message or 'the final state differs'}), so its result could "
                              "not be checked; it was not exported")
        history = city_history(run.session, c)
        session_for_numbers = run.session
    else:
        session_for_numbers = session
    name = " ".join((player or "").split())
    return {
        "format_version": FORMAT_VERSION, "game_version": game.__version__,
        "exported_at": datetime.now(UTC).isoformat(), "player": name,
        "session_code": code or None, "scenario": w.scenario.id, "scenario_name": w.scenario.name,
        "seed": int(session.state.seed), "packs": _packs(content), "content_hash": content_hash(w),
        "city": w.cities[c].id, "city_name": w.cities[c].name,
        "humans": [w.cities[h].id for h in session.humans],
        "turn": session.turn, "over": session.over, "date": session.date,
        "outcome": outcome(session_for_numbers, c),
        "history": [turn_row(s) for s in history],
        "log": [list(turn) for turn in session.log],
        "turn_hashes": list(session.turn_hashes), "final_hash": session.hash(),
    }


def _check_code(code: str, session: Session, content: Content | None) -> None:
    from game.classroom.codes import CodeError, decode

    try:
        sid, seed = decode(code, content if content is not None else load_content())
    except (CodeError, ContentError) as exc:
        raise ResultError(f"the session code {code!r} cannot be used: {exc}") from None
    if (sid, seed) != (session.world.scenario.id, int(session.state.seed)):
        raise ResultError(f"the session code {code!r} is for another world ({sid}, seed {seed}) "
                          f"than this game ({session.world.scenario.id}, seed {session.state.seed})")


def write_payload(payload: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """Validate and write a payload atomically (the old file stays whole on a crash)."""
    path = Path(path)
    try:
        ResultPayload.model_validate(payload)  # never write what we would refuse to read
    except ValidationError as exc:
        raise ResultError(f"cannot export: {_first_error(exc)}", path) from None
    body = canonical(payload)
    head = {"checksum": checksum(payload), "format": FORMAT, "format_version": FORMAT_VERSION}
    data = json.dumps(head, separators=(",", ":")).encode()[:-1] + b',"payload":' + body + b"}"
    if len(data) > MAX_RESULT_BYTES:
        raise ResultError(f"the result would be {len(data):,} bytes, over the "
                          f"{MAX_RESULT_BYTES:,} limit", path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError as exc:
        raise ResultError(f"could not write the result ({exc.strerror or exc})", path) from None
    return path


def export_result(session: Session, path: str | os.PathLike[str], *, player: str,
                  code: str | None = None, city: int | None = None,
                  content: Content | None = None) -> Path:
    """Write the result of ``city`` (default: the player's) to ``path``; returns the path.

    This is what the game's export key calls. Raises ResultError with a sentence to show.
    """
    return write_payload(build_result(session, player=player, code=code, city=city,
                                      content=content), path)


def result_filename(player: str, code: str | None = None, city: str | None = None) -> str:
    """A safe file name such as ``Ann Lee-HEFEI-25JPM.result.json``."""
    parts = [p for p in (player, city, code) if p]
    try:
        stem = sanitise_name("-".join(parts) or "result")
    except Exception:  # noqa: BLE001 - a name that cannot be made safe gets a plain one
        stem = "result"
    return f"{stem}{SUFFIX}"


def export_results(session: Session, out: str | os.PathLike[str], *, players: Sequence[str],
                   code: str | None = None, content: Content | None = None) -> list[Path]:
    """One result per person's city (hot-seat), named by player and city.

    ``out`` is a folder, or a file name whose stem is kept (``class.result.json`` gives
    ``class-hefei.result.json``, ...) when there are several cities. ``players`` name the
    people in the order of ``session.humans``.
    """
    humans = session.humans
    if len(players) != len(humans):
        raise ResultError(f"this game has {len(humans)} players "
                          f"({', '.join(session.world.cities[c].name for c in humans)}); "
                          f"{len(players)} names were given")
    out = Path(out)
    paths = []
    for name, c in zip(players, humans, strict=True):
        city_id = session.world.cities[c].id
        if out.name.endswith(SUFFIX) and len(humans) == 1:
            target = out
        elif out.name.endswith(SUFFIX):
            target = out.with_name(f"{out.name[:-len(SUFFIX)]}-{city_id}{SUFFIX}")
        else:
            target = out / result_filename(name, code, city_id if len(humans) > 1 else None)
        paths.append(export_result(session, target, player=name, code=code, city=c, content=content))
    return paths


# ----- reading --------------------------------------------------------------------------------




def _read_bytes(path: Path) -> bytes:
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ResultError("not a result file (not a regular file)", path)
        if info.st_size > MAX_RESULT_BYTES:
            raise ResultError(f"the file is {info.st_size:,} bytes; a result is at most "
                              f"{MAX_RESULT_BYTES:,}", path)
        with open(path, "rb") as fh:
            raw = fh.read(MAX_RESULT_BYTES + 1)
    except FileNotFoundError:
        raise ResultError("there is no such file", path) from None
    except OSError as exc:
        raise ResultError(f"cannot read the file ({exc.strerror or exc})", path) from None
    if len(raw) > MAX_RESULT_BYTES:
        raise ResultError(f"the file is over {MAX_RESULT_BYTES:,} bytes, the limit for a result", path)
    return raw


def _player_in(doc: Any) -> str | None:
    try:
        name = doc["payload"]["player"]
    except (KeyError, TypeError):
        return None
    return name[:60] if isinstance(name, str) else None


def read_result(path: str | os.PathLike[str]) -> ResultFile:
    """Read one result and check its checksum and fields; ResultError otherwise."""
    path = Path(path)
    raw = _read_bytes(path)
    if not raw.strip():
        raise ResultError("the file is empty", path)
    try:
        doc = _json_doc(raw, "result file", "damaged")
    except ValueError as exc:
        raise ResultError(str(exc), path) from None
    player = _player_in(doc)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        kind = ("a saved game, not a result: export it with `architect export --load`"
                if isinstance(doc, dict) and doc.get("format") == "industrial-architect-save"
                else "not a result of Industrial Architect (the format marker is missing)")
        raise ResultError(kind, path, player)
    try:
        env = Envelope.model_validate(doc)
    except ValidationError as exc:
        raise ResultError(f"damaged: {_first_error(exc)}", path, player) from None
    if checksum(env.payload) != env.checksum:
        raise ResultError("the checksum does not match: the file was edited or damaged after it "
                          "was exported", path, player)
    if env.format_version != FORMAT_VERSION or env.payload.get("format_version") != FORMAT_VERSION:
        raise ResultError(f"this result has format {env.format_version}; this version of the game "
                          f"({game.__version__}) reads format {FORMAT_VERSION}", path, player)
    try:
        payload = ResultPayload.model_validate(env.payload)
    except ValidationError as exc:
        raise ResultError(f"damaged: {_first_error(exc)}", path, player) from None
    if len(payload.log) != payload.turn + 1 and not (payload.over and len(payload.log) == payload.turn):
        raise ResultError(f"damaged: the log has {len(payload.log)} turns for turn {payload.turn}",
                          path, player)
    return ResultFile(path, payload)


# ----- checking by replay ---------------------------------------------------------------------

VERIFIED, TAMPERED, DIVERGED, UNVERIFIABLE, UNREADABLE = (
    "verified", "tampered", "diverged", "unverifiable", "unreadable")


@dataclass
class Checked:
    """A result after its replay. ``status`` is one of VERIFIED, TAMPERED (its own moves
    contradict it), DIVERGED (made with another version or content, so the moves no longer
    give the same game), UNVERIFIABLE (its scenario is not loaded) or UNREADABLE."""

    path: Path | None
    status: str
    message: str
    player: str | None = None
    result: ResultFile | None = None
    run: Run | None = None
    city: int | None = None
    history: list[dict[str, Any]] = field(default_factory=list)  # replayed TurnRow dicts
    outcome: dict[str, Any] = field(default_factory=dict)  # replayed Outcome dict
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == VERIFIED

    @property
    def moves(self) -> list[Move]:
        """The moves of this result's city."""
        if self.run is None or self.city is None:
            return []
        return [m for m in self.run.moves if m.city == self.city]


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _claims_differ(p: ResultPayload, history: list[dict[str, Any]], out: dict[str, Any]) -> str | None:
    """The first number the file claims that its own moves do not give, in words."""
    claimed = p.outcome.model_dump()
    for key, value in out.items():
        mine = claimed.get(key)
        if isinstance(value, dict):
            bad = [k for k in value if not _close(value[k], mine.get(k, math.nan))]
            if bad or set(mine) != set(value):
                return f"the score component {(bad or sorted(set(mine) ^ set(value)))[0]!r}"
        elif isinstance(value, bool | str) or isinstance(value, int) and isinstance(mine, int):
            if value != mine:
                return f"{key} (the file says {mine!r}, its moves give {value!r})"
        elif not _close(float(value), float(mine)):
            return f"{key} (the file says {mine:,.2f}, its moves give {value:,.2f})"
    if len(history) != len(p.history):
        return f"the number of turns in the history ({len(p.history)} in the file, {len(history)} played)"
    for row, claim in zip(history, p.history, strict=True):
        c = claim.model_dump()
        for key, value in row.items():
            if isinstance(value, float) and not _close(value, c[key]):
                return f"{key} in {row['date']} (the file says {c[key]:,.2f}, its moves give {value:,.2f})"
            if not isinstance(value, float) and value != c[key]:
                return f"{key} of turn {row['turn']}"
    return None


def replay_result(result: ResultFile, content: Content) -> Checked:
    """Re-run a result's log from its seed and compare hashes and numbers. Never raises
    for a bad result: the answer is in ``status`` and ``message``."""
    p = result.payload
    base = Checked(result.path, UNVERIFIABLE, "", p.player, result)
    if p.scenario not in content.scenarios:
        base.message = f"its scenario {p.scenario!r} is not in the loaded content (missing a mod?)"
        return base
    world = build_world(content.scenario(p.scenario), content.sectors, content.firms)
    ids = {c.id: i for i, c in enumerate(world.cities)}
    unknown = [h for h in [*p.humans, p.city] if h not in ids]
    if unknown:
        base.message = f"it names a city {unknown[0]!r} that scenario {p.scenario!r} does not have"
        return base
    if p.city not in p.humans or p.humans[0] != world.cities[world.player].id:
        base.status, base.message = TAMPERED, "its list of players does not fit the scenario"
        return base
    same_content = content_hash(world) == p.content_hash
    if not same_content:
        base.warnings.append("made with other content (another pack version or mods)")
    if p.game_version != game.__version__:
        base.warnings.append(f"made with game version {p.game_version}; this is {game.__version__}")
    humans = [ids[h] for h in p.humans]
    try:
        run = run_log(world, p.seed, humans, p.log, p.turn, p.turn_hashes)
    except Exception as exc:  # noqa: BLE001 - a failing replay must be reported, not crash the report
        # the moves passed validation, so this is the game failing, not the student cheating
        base.message = (f"the game failed while replaying its moves ({type(exc).__name__}: {exc}); "
                        "report this as a bug")
        return base
    base.run, base.city = run, ids[p.city]
    if run.ok and run.session.hash() != p.final_hash:
        run.ok, run.message = False, "the final state differs from the one the file records"
    if not run.ok and run.divergent_turn == 0 and not run.moves:
        base.status = DIVERGED
        base.message = ("its starting state differs from this game's: it was made with another "
                        "version of the game or its content (or its seed was edited)")
        return base
    if not run.ok:
        if same_content and p.game_version == game.__version__:
            base.status = TAMPERED
            base.message = f"its moves do not give the game it records: {run.message}"
        else:
            base.status = DIVERGED
            base.message = (f"its moves give another game under this version ({run.message}); "
                            f"{'; '.join(base.warnings)}")
        return base
    s = run.session
    base.history = [turn_row(snap) for snap in city_history(s, base.city)]
    base.outcome = outcome(s, base.city)
    lie = _claims_differ(p, base.history, base.outcome)
    if lie:
        base.status = TAMPERED
        base.message = f"the numbers in the file were changed: {lie}"
        return base
    base.status = VERIFIED
    base.message = "replayed from the seed to the same state; the numbers match"
    return base


def check_file(path: str | os.PathLike[str], content: Content) -> Checked:
    """Read and replay one file; every failure comes back as a status, never an exception."""
    path = Path(path)
    try:
        result = read_result(path)
    except ResultError as exc:
        return Checked(path, UNREADABLE if exc.player is None else TAMPERED, exc.message, exc.player)
    except Exception as exc:  # noqa: BLE001 - a bad file must never stop a class report
        return Checked(path, UNREADABLE, f"could not be read ({type(exc).__name__})")
    try:
        return replay_result(result, content)
    except Exception as exc:  # noqa: BLE001
        return Checked(path, UNVERIFIABLE, f"could not be checked ({type(exc).__name__}: {exc})",
                       result.payload.player, result)


def find_results(items: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The result files named, and every ``*.result.json`` (or ``*.json``) in folders named."""
    out: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.name.endswith(SUFFIX) and not q.name.startswith("."))
            if not found:
                found = sorted(q for q in p.iterdir() if q.suffix == ".json" and not q.name.startswith("."))
            out += found
        else:
            out.append(p)
    seen: set[Path] = set()
    unique = []
    for p in out:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def is_result_file(path: str | os.PathLike[str]) -> bool:
    """True when the file looks like a result (by name, or by its first bytes)."""
    p = Path(path)
    if p.name.endswith(SUFFIX):
        return True
    try:
        if not stat.S_ISREG(os.stat(p).st_mode):  # a FIFO or a device would block the open
            return False
        with open(p, "rb") as fh:
            head = fh.read(200)
    except OSError:
        return False
    return re.search(rb'"format"\s*:\s*"industrial-architect-result"', head) is not None
