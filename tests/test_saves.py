"""Saves: an identical game after loading, safe names, refusals that name the file.

Every test writes into its own temporary folder (ARCHITECT_SAVES points there too), so
the repository's saves/ is never touched.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

from game import saves
from game.content.loader import Content
from game.engine import actions as A
from game.engine.build import build_world
from game.engine.session import Session
from game.engine.state import state_hash


@pytest.fixture(autouse=True)
def _saves_env(tmp_path, monkeypatch):
    monkeypatch.setenv(saves.ENV_FOLDER, str(tmp_path / "env-saves"))


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "saves"


def world_of(content: Content, scenario_id: str):
    return build_world(content.scenario(scenario_id), content.sectors, content.firms)


def candidates(session: Session) -> list:
    """A spread of actions of many kinds, sized to this moment of the game."""
    w, st, p = session.world, session.state, session.player
    treasury = float(st.treasury[0, p])
    out = [A.SellLand(hectares=40.0), A.SellLand(hectares=250.0), A.IssueBonds(amount_bn=3.0),
           A.RepayBonds(amount_bn=1.5), A.BuildInfrastructure(project="talent-programme"),
           A.BuildInfrastructure(project="industrial-park")]
    for row in session.firms():
        if row["mine"] and row["stage"] == "prospect":
            out.append(A.InvestEquity(firm=row["id"], amount_bn=max(row["ask"], 0.01)))
        if row["stake"] > 0:
            out.append(A.SellStake(firm=row["id"], share=0.3))
        if row["mine"] and row["stage"] == "distressed":
            out.append(A.RescueFirm(firm=row["id"], amount_bn=max(0.2 * treasury, 0.1)))
    for s in w.sectors:
        out += [A.CreateFund(sector=s.id, amount_bn=2.0), A.RecruitSuppliers(sector=s.id)]
    return out


def play(session: Session, turns: int, seed: int = 0, last_actions: bool = False) -> Session:
    """Play ``turns`` turns (then, with ``last_actions``, act in the open turn without ending it).

    The actions depend only on the turn, the seed and the state, so two sessions in the
    same state play the same moves.
    """
    def act_once() -> None:
        rng = np.random.default_rng([seed, session.turn])
        options = candidates(session)
        taken = 0
        for i in rng.permutation(len(options)):
            if taken < 3 and not session.check(options[i]):
                session.act(options[i])
                taken += 1

    for _ in range(turns):
        if session.over:
            break
        act_once()
        session.end_turn()
    if last_actions and not session.over:
        act_once()
    return session


def assert_same_game(a: Session, b: Session) -> None:
    assert a.hash() == b.hash()
    assert a.turn == b.turn and a.date == b.date
    assert a.log == b.log
    assert a.news == b.news
    assert a.history == b.history
    for name, arr in a.state.arrays().items():
        other = b.state.arrays()[name]
        assert arr.dtype == other.dtype, name
        np.testing.assert_array_equal(arr, other, err_msg=name)


def raw(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def rewrite(path: Path, doc: dict, fix_checksum: bool = True) -> None:
    """Write a hand-edited save; with ``fix_checksum`` the editor also recomputes the checksum."""
    if fix_checksum:
        doc["checksum"] = saves.checksum(doc["payload"])
    path.write_text(json.dumps(doc), encoding="utf-8")


# ----- an identical game ------------------------------------------------------------------


def test_load_restores_an_identical_session_mid_turn(content, folder):
    s = play(Session.start(world_of(content, "hefei-2008")), 6, last_actions=True)
    assert s.actions_this_turn, "the save is taken with actions in the open turn"
    saves.save_game(s, "mid turn", folder, content=content)
    loaded = saves.load_game("mid turn", folder, content)
    assert_same_game(s, loaded)
    # undo reaches back to the same start of turn in both
    assert s.undo() and loaded.undo()
    assert_same_game(s, loaded)


@pytest.mark.parametrize("n, m", [(0, 4), (3, 5), (7, 2)])
def test_play_n_save_load_play_m_equals_n_plus_m(content, folder, n, m):
    for sid in sorted(content.scenarios):
        world = world_of(content, sid)
        straight = play(Session.start(world), n + m, seed=n)
        first = play(Session.start(world), n, seed=n)
        saves.save_game(first, f"{sid}-{n}", folder, content=content)
        loaded = saves.load_game(f"{sid}-{n}", folder, content)
        play(loaded, m, seed=n)
        assert_same_game(straight, loaded)
        assert sum(len(t) for t in straight.log) > n + m or n + m == 0


def test_a_save_within_a_turn_plays_on_like_the_original(content, folder):
    world = world_of(content, "tutorial")
    straight = play(Session.start(world), 5, seed=9, last_actions=True)
    play(straight, 3, seed=9)
    first = play(Session.start(world), 5, seed=9, last_actions=True)
    saves.save_game(first, "t", folder, content=content)
    loaded = play(saves.load_game("t", folder, content), 3, seed=9)
    assert_same_game(straight, loaded)


def test_a_finished_game_loads_finished(content, folder):
    s = play(Session.start(world_of(content, "tutorial")), 100)
    assert s.over
    saves.save_game(s, "done", folder, content=content)
    loaded = saves.load_game("done", folder, content)
    assert loaded.over
    assert_same_game(s, loaded)
    assert loaded.end_report()["score"] == s.end_report()["score"]


def test_the_save_holds_what_the_issue_asks_for(content, folder):
    s = play(Session.start(world_of(content, "tutorial")), 3)
    path = saves.save_game(s, "contents", folder, content=content, mods=["mods/x"],
                           meta={"player": "Li Wei", "class": "ECON 101"})
    p = saves.read_save(path).payload
    assert p.format_version == saves.FORMAT_VERSION
    assert p.scenario == "tutorial" and p.seed == s.state.seed
    assert [(x.id, x.version) for x in p.packs] == [(x.id, x.version) for x in content.packs]
    assert p.mods == ["mods/x"]
    assert p.log == s.log
    assert p.final_hash == s.hash()
    assert len(p.turn_hashes) == s.turn + 1 and p.replay_verified
    assert set(p.state.arrays) == set(s.state.arrays())
    assert "noise" not in p.state.arrays and "noise" not in p.state.scalars
    assert p.meta == {"player": "Li Wei", "class": "ECON 101"}
    assert len(p.news) == len(s.news) and len(p.history) == len(s.history)
    assert p.date == s.date and p.turn == s.turn


def test_no_pickle_in_a_save(content, folder):
    path = saves.save_game(Session.start(world_of(content, "tutorial")), "plain", folder)
    data = path.read_bytes()
    assert data.lstrip().startswith(b"{")
    json.loads(data)  # plain JSON through and through
    assert b"\x80\x04" not in data and b"numpy" not in data


# ----- names --------------------------------------------------------------------------------

ESCAPES = ["../escape", "..", "a/b", "a\\b", "/etc/passwd", "saves/../../x", "x\x00y",
           ".hidden", "..\\..\\windows", "~/x" if os.name == "nt" else "a/../../b"]
BAD = ["", "   ", "x" * 65, "con", "NUL.txt", "semi;colon", "star*", "pipe|", "new\nline",
       "trailing.", " lead"]


@pytest.mark.parametrize("name", ESCAPES + BAD)
def test_unsafe_names_are_refused_for_save_and_load(content, folder, tmp_path, name):
    s = Session.start(world_of(content, "tutorial"))
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(saves.SaveError) as exc:
        saves.save_game(s, name, folder)
    assert str(exc.value) and "Traceback" not in str(exc.value)
    with pytest.raises(saves.SaveError):
        saves.load_game(name, folder, content)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing written anywhere


@pytest.mark.parametrize("name", ESCAPES[:6])
def test_escaping_names_say_why(name):
    with pytest.raises(saves.SaveError, match="leave the save folder"):
        saves.check_name(name)


@pytest.mark.parametrize("name", ["Hefei 2012 (try 2)", "合肥-2008", "a.b_c-d", "x" * 64])
def test_plain_names_work(content, folder, name):
    s = Session.start(world_of(content, "tutorial"))
    path = saves.save_game(s, name, folder)
    assert path.parent == folder and path.name == name + saves.SUFFIX
    assert [r.name for r in saves.list_saves(folder)] == [name]
    assert saves.load_game(name, folder, content).hash() == s.hash()


@pytest.mark.parametrize("text", ["My game: 2012/Q3", "../../etc/passwd", "a\\b\\..\\c", "  spaces  "])
def test_sanitise_name_makes_a_safe_name(text):
    name = saves.sanitise_name(text)
    assert saves.check_name(name) == name
    assert "/" not in name and "\\" not in name and ".." not in name


def test_manual_saves_may_not_take_autosave_names(content, folder):
    with pytest.raises(saves.SaveError, match="autosave"):
        saves.save_game(Session.start(world_of(content, "tutorial")), "autosave-1", folder)


def test_overwrite_can_be_refused(content, folder):
    s = Session.start(world_of(content, "tutorial"))
    saves.save_game(s, "once", folder)
    with pytest.raises(saves.SaveError, match="exists"):
        saves.save_game(s, "once", folder, overwrite=False)
    saves.save_game(play(s, 1), "once", folder)  # the default replaces it
    assert saves.read_save(folder / "once.save.json").payload.turn == 1


# ----- refusals -----------------------------------------------------------------------------


@pytest.fixture
def shelf(content, folder):
    """A folder with two good saves; returns (folder, {name: session})."""
    world = world_of(content, "tutorial")
    games = {"good-a": play(Session.start(world), 2), "good-b": play(Session.start(world), 4, seed=3)}
    for name, s in games.items():
        saves.save_game(s, name, folder, content=content)
    return folder, games


def _others_still_fine(folder: Path, games: dict, content: Content, bad: str) -> None:
    rows = {r.name: r for r in saves.list_saves(folder)}
    assert not rows[bad].ok and rows[bad].error
    for name, s in games.items():
        assert rows[name].ok, rows[name].error
        assert saves.load_game(name, folder, content).hash() == s.hash()


def _copy(folder: Path, name: str) -> Path:
    path = folder / f"{name}{saves.SUFFIX}"
    path.write_bytes((folder / "good-a.save.json").read_bytes())
    return path


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]


def _edit_payload(edit):
    def damage(path: Path) -> None:
        doc = raw(path)
        edit(doc["payload"])
        rewrite(path, doc)
    return damage


def _set_envelope(key, value):
    def damage(path: Path) -> None:
        doc = raw(path)
        doc[key] = value
        if key == "format_version":
            doc["payload"]["format_version"] = value
        rewrite(path, doc, fix_checksum=key != "checksum")
    return damage


def _first_array(p: dict) -> dict:
    return p["state"]["arrays"]["treasury"]


def _grow_array(p: dict) -> None:
    arr = _first_array(p)
    arr["data"] = arr["data"][:-4] + "AAAAAAAA"  # more bytes than the shape holds


def _forge_treasury(p: dict) -> None:
    arr = _first_array(p)
    values = np.frombuffer(base64.b64decode(arr["data"]), dtype="<f8").copy()
    values[0] += 100.0  # a richer city, checksum recomputed: the state hash gives it away
    arr["data"] = base64.b64encode(values.tobytes()).decode()


CASES = {
    "flipped byte": (lambda p: p.write_bytes(_flip(p.read_bytes(), len(p.read_bytes()) // 2)),
                     "checksum|UTF-8|JSON"),
    "truncated": (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 3]), "cut short"),
    "empty": (lambda p: p.write_bytes(b""), "empty"),
    "not JSON": (lambda p: p.write_text("this is not a save\n"), "not valid JSON"),
    "binary junk": (lambda p: p.write_bytes(bytes(range(256)) * 10), "not UTF-8|not valid JSON"),
    "JSON but not a save": (lambda p: p.write_text('{"hello": "world"}'), "not a save"),
    "a JSON list": (lambda p: p.write_text("[1, 2, 3]"), "not a save"),
    "wrong checksum": (lambda p: rewrite(p, {**raw(p), "payload": {**raw(p)["payload"], "turn": 1}},
                                         fix_checksum=False), "checksum"),
    "bad checksum field": (_set_envelope("checksum", "md5:abc"), "checksum"),
    "newer format": (_set_envelope("format_version", 99), "newer version"),
    "older than any format": (_set_envelope("format_version", -3), "too old"),
    "format versions disagree": (_edit_payload(lambda p: p.update(format_version=0)), "disagree"),
    "extra field": (_edit_payload(lambda p: p.update(cheat=True)), "cheat"),
    "missing field": (_edit_payload(lambda p: p.pop("seed")), "seed"),
    "object dtype": (_edit_payload(lambda p: _first_array(p).update(dtype="|O")), "dtype"),
    "array size wrong": (_edit_payload(_grow_array), "bytes of data"),
    "huge shape": (_edit_payload(lambda p: _first_array(p).update(shape=[1_000_000] * 6)),
                   "bytes of data"),
    "forged state": (_edit_payload(_forge_treasury), "recorded hash"),
    "invalid action": (_edit_payload(lambda p: p["log"][0].append({"kind": "print_money"})),
                       "action of turn 0"),
    "log too short": (_edit_payload(lambda p: p["log"].pop()), "log has"),
    "duplicate key": (lambda p: p.write_text(re.sub(
        r'"format_version":\s*1,', '"format_version":1,"format_version":1,', p.read_text(), count=1)),
        "twice"),
    "deep nesting": (lambda p: p.write_text("[" * 100_000 + "]" * 100_000), "damaged|not a save"),
    "negative seed": (_edit_payload(lambda p: p.update(seed=-1)), "seed"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_damaged_saves_are_refused_naming_the_file(content, shelf, case):
    folder, games = shelf
    damage, expected = CASES[case]
    path = _copy(folder, "victim")
    damage(path)
    with pytest.raises(saves.SaveError, match=expected) as exc:
        saves.load_game("victim", folder, content)
    assert str(exc.value).startswith("victim.save.json: ")
    _others_still_fine(folder, games, content, "victim")


def test_oversize_files_are_refused_before_reading(content, shelf):
    folder, games = shelf
    path = folder / "huge.save.json"
    with open(path, "wb") as fh:
        fh.truncate(saves.MAX_SAVE_BYTES + 1)  # sparse: cheap to make
    with pytest.raises(saves.SaveError, match="at most") as exc:
        saves.load_game("huge", folder, content)
    assert "huge.save.json" in str(exc.value)
    _others_still_fine(folder, games, content, "huge")


def test_every_single_byte_corruption_is_caught(content, shelf):
    """XOR 0xFF at 400 spread positions: each changes the JSON or the checksummed payload."""
    folder, games = shelf
    good = (folder / "good-a.save.json").read_bytes()
    path = folder / "fuzz.save.json"
    rng = np.random.default_rng(6)
    spots = np.unique(np.concatenate([np.linspace(0, len(good) - 1, 200).astype(int),
                                      rng.integers(0, len(good), 200)]))
    for at in spots:
        path.write_bytes(_flip(good, int(at)))
        with pytest.raises(saves.SaveError):
            saves.read_save(path)
    for cut in np.linspace(0, len(good) - 1, 60).astype(int):
        path.write_bytes(good[:cut])
        with pytest.raises(saves.SaveError):
            saves.read_save(path)
    path.unlink()
    assert [r.name for r in saves.list_saves(folder) if r.ok] == ["good-b", "good-a"]


def test_a_missing_save_and_a_folder_in_its_place(content, folder):
    with pytest.raises(saves.SaveError, match="no such save"):
        saves.load_game("nothing", folder, content)
    (folder / "adir.save.json").mkdir(parents=True)
    with pytest.raises(saves.SaveError, match="not a regular file"):
        saves.load_game("adir", folder, content)


def test_an_unwritable_folder_gives_a_save_error(content, tmp_path):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    with pytest.raises(saves.SaveError, match="could not write"):
        saves.save_game(Session.start(world_of(content, "tutorial")), "x", blocker)


# ----- the list -----------------------------------------------------------------------------


def test_list_shows_good_and_bad_saves_and_ignores_the_rest(content, shelf):
    folder, games = shelf
    _copy(folder, "broken").write_text("{")
    (folder / ".good-a.save.json.1a2b3c.tmp").write_bytes(b"half a sa")  # an interrupted write
    (folder / "notes.txt").write_text("not a save")
    rows = saves.list_saves(folder)
    assert [r.name for r in rows] == ["good-b", "good-a", "broken"]  # newest first, bad last
    good = rows[0]
    assert good.ok and good.scenario == "tutorial" and good.turn == 4 and good.kind == "manual"
    assert good.date == games["good-b"].date and good.saved_at is not None
    assert not rows[2].ok and "cut short" in rows[2].error


def test_list_with_content_flags_saves_it_cannot_open(content, shelf):
    folder, games = shelf
    path = _copy(folder, "elsewhere")
    doc = raw(path)
    doc["payload"]["scenario"] = "no-such-scenario"
    rewrite(path, doc)
    path = _copy(folder, "older")
    doc = raw(path)
    doc["payload"]["packs"][0]["version"] = "0.0.1"
    rewrite(path, doc)
    assert all(r.ok for r in saves.list_saves(folder))  # without content: all readable
    rows = {r.name: r for r in saves.list_saves(folder, content)}
    assert not rows["elsewhere"].ok and "no-such-scenario" in rows["elsewhere"].error
    assert rows["older"].ok and "0.0.1" in rows["older"].warning
    assert rows["good-a"].ok and rows["good-a"].warning is None and rows["good-a"].error is None


def test_list_of_a_missing_folder_is_empty(tmp_path):
    assert saves.list_saves(tmp_path / "nowhere") == []


# ----- autosaves ----------------------------------------------------------------------------


def test_autosave_keeps_a_ring_of_the_last_n(content, folder):
    s = Session.start(world_of(content, "hefei-2008"))
    manual = saves.save_game(s, "keep me", folder)
    manual_bytes = manual.read_bytes()
    for _ in range(8):
        play(s, 1)
        saves.autosave(s, folder, keep=3)
    rows = [r for r in saves.list_saves(folder) if r.kind == "autosave"]
    assert sorted(r.turn for r in rows) == [6, 7, 8]
    assert sorted(r.name for r in rows) == ["autosave-1", "autosave-2", "autosave-3"]
    assert manual.read_bytes() == manual_bytes
    newest = max(rows, key=lambda r: r.saved_at)
    assert saves.load_game(newest.name, folder, content).hash() == s.hash()


def test_autosave_never_overwrites_a_manual_or_unreadable_file(content, folder):
    s = Session.start(world_of(content, "tutorial"))
    saves.save_game(s, "mine", folder)
    folder.joinpath("autosave-1.save.json").write_bytes(folder.joinpath("mine.save.json").read_bytes())
    folder.joinpath("autosave-2.save.json").write_text("damaged, but maybe someone's game")
    kept = {n: folder.joinpath(f"{n}.save.json").read_bytes() for n in ("autosave-1", "autosave-2")}
    for _ in range(4):
        play(s, 1)
        assert saves.autosave(s, folder, keep=3).name == "autosave-3.save.json"
    for n, data in kept.items():
        assert folder.joinpath(f"{n}.save.json").read_bytes() == data
    folder.joinpath("autosave-3.save.json").write_bytes(kept["autosave-1"])  # now all blocked
    with pytest.raises(saves.SaveError, match="not an autosave"):
        saves.autosave(s, folder, keep=3)


def test_autosave_keep_must_be_sane(content, folder):
    with pytest.raises(saves.SaveError):
        saves.autosave(Session.start(world_of(content, "tutorial")), folder, keep=0)


def test_autosave_replays_nothing_the_session_recorded_its_turn_hashes(content, folder, monkeypatch):
    s = play(Session.start(world_of(content, "hefei-2008")), 10)
    saves.autosave(s, folder)
    ended = []
    real = Session.end_turn

    def counting(self):
        ended.append(self)
        return real(self)

    monkeypatch.setattr(Session, "end_turn", counting)
    play(s, 1)
    saves.autosave(s, folder)
    assert len(ended) == 1  # only the game's own turn: no twin replay
    p = saves.read_save(folder / "autosave-2.save.json").payload
    assert p.replay_verified and p.turn_hashes == s.turn_hashes
    assert saves.replay(folder / "autosave-2.save.json", content).ok


def test_a_hand_built_session_without_turn_hashes_is_caught_up_by_one_turn_of_replay(content, folder, monkeypatch):
    s = play(Session.start(world_of(content, "hefei-2008")), 10)
    s.turn_hashes.clear()
    saves.autosave(s, folder)
    ended = []
    real = Session.end_turn

    def counting(self):
        ended.append(self)
        return real(self)

    monkeypatch.setattr(Session, "end_turn", counting)
    play(s, 1)
    s.turn_hashes.clear()
    saves.autosave(s, folder)
    assert len(ended) == 2  # the game's own turn and the recorder's one
    assert saves.read_save(folder / "autosave-2.save.json").payload.replay_verified


def test_a_save_is_written_even_when_its_log_cannot_be_replayed(content, folder, monkeypatch):
    s = play(Session.start(world_of(content, "tutorial")), 3)
    s.turn_hashes.clear()  # a session that did not record its hashes must replay to learn them

    def broken(data):
        raise RuntimeError("an engine bug in the replay")

    with monkeypatch.context() as m:
        m.setattr(saves, "parse_action", broken)
        path = saves.save_game(s, "x", folder)
    p = saves.read_save(path).payload
    assert not p.replay_verified and p.turn_hashes == []
    assert saves.load_game("x", folder, content).hash() == s.hash()


# ----- versions and content ---------------------------------------------------------------


def _as_v0(path: Path) -> None:
    """Rewrite a v1 save the way the draft format 0 looked."""
    doc = raw(path)
    p = doc["payload"]
    p["actions"] = p.pop("log")
    for key in ("turn_hashes", "replay_verified", "news", "history"):
        p.pop(key)
    p["format_version"] = doc["format_version"] = 0
    rewrite(path, doc)


def test_format_0_is_migrated_and_its_past_rebuilt(content, folder):
    s = play(Session.start(world_of(content, "tutorial")), 5, last_actions=True)
    path = saves.save_game(s, "old", folder, content=content)
    _as_v0(path)
    sf = saves.read_save(path)
    assert sf.migrated_from == 0 and sf.payload.format_version == 1
    loaded = saves.load_game("old", folder, content)
    assert_same_game(s, loaded)  # news and history rebuilt from the log
    assert saves.list_saves(folder)[0].ok
    result = saves.replay("old", content, folder)
    assert result.ok and result.first_divergent_turn is None


def test_every_migration_leads_to_the_current_format():
    assert saves.FORMAT_VERSION not in saves.MIGRATIONS
    for version in saves.MIGRATIONS:
        assert saves.migrate({"format_version": version, "actions": []}, version)[
            "format_version"] == saves.FORMAT_VERSION


def _content_without(content: Content, scenario_id: str) -> Content:
    return dataclasses.replace(content, scenarios={k: v for k, v in content.scenarios.items()
                                                   if k != scenario_id})


def test_a_save_of_a_missing_scenario_is_refused(content, folder):
    saves.save_game(Session.start(world_of(content, "tutorial")), "t", folder, content=content)
    with pytest.raises(saves.SaveError, match="scenario 'tutorial'"):
        saves.load_game("t", folder, _content_without(content, "tutorial"))


def test_a_save_needing_a_missing_pack_is_refused(content, folder):
    path = saves.save_game(Session.start(world_of(content, "tutorial")), "t", folder,
                           content=content, mods=["../my-mod"])
    doc = raw(path)
    doc["payload"]["packs"].append({"id": "my-mod", "version": "1.0"})
    rewrite(path, doc)
    with pytest.raises(saves.SaveError, match="'my-mod' 1.0.*--mods.*../my-mod"):
        saves.load_game("t", folder, content)


def test_a_changed_pack_version_loads_with_a_warning_or_is_refused_when_strict(content, folder):
    s = play(Session.start(world_of(content, "tutorial")), 2)
    path = saves.save_game(s, "t", folder, content=content)
    doc = raw(path)
    doc["payload"]["packs"][0]["version"] = "0.0.1"
    rewrite(path, doc)
    loaded = saves.load_game("t", folder, content)
    assert loaded.hash() == s.hash()
    assert "0.0.1" in loaded.news[-1].text and loaded.news[-1].severity == "warning"
    with pytest.raises(saves.SaveError, match="0.0.1"):
        saves.load_game("t", folder, content, strict=True)


def test_changed_content_is_flagged(content, folder):
    s = play(Session.start(world_of(content, "tutorial")), 2)
    saves.save_game(s, "t", folder, content=content)
    sc = content.scenarios["tutorial"]
    changed = dataclasses.replace(content, scenarios={
        **content.scenarios, "tutorial": sc.model_copy(update={"bond_rate": sc.bond_rate + 0.01})})
    loaded = saves.load_game("t", folder, changed)
    assert loaded.hash() == s.hash()  # the snapshot still fits; the rules ahead differ
    assert "changed" in loaded.news[-1].text
    with pytest.raises(saves.SaveError, match="changed"):
        saves.load_game("t", folder, changed, strict=True)


def _as_saved_by_another_version(doc: dict) -> None:
    """Hash the edited snapshot the way the version that wrote it would have."""
    p = doc["payload"]
    snap = saves._Arrays(saves.StateData.model_validate(p["state"]), "state")
    p["final_hash"] = state_hash(snap)
    p["game_version"] = "0.0.9"


def test_a_snapshot_that_no_longer_fits_is_rebuilt_from_the_log(content, folder):
    s = play(Session.start(world_of(content, "tutorial")), 4, last_actions=True)
    path = saves.save_game(s, "t", folder, content=content)
    doc = raw(path)
    doc["payload"]["state"]["arrays"]["retired_field"] = doc["payload"]["state"]["arrays"]["treasury"]
    _as_saved_by_another_version(doc)
    rewrite(path, doc)
    assert saves.list_saves(folder)[0].ok
    loaded = saves.load_game("t", folder, content)
    assert loaded.hash() == s.hash() and loaded.log == s.log
    assert "rebuilt from its action log" in loaded.news[-1].text
    assert "differs" not in " ".join(n.text for n in loaded.news)


def test_a_rebuilt_game_that_drifts_says_so(content, folder):
    s = play(Session.start(world_of(content, "tutorial")), 4)
    path = saves.save_game(s, "t", folder, content=content)
    doc = raw(path)
    doc["payload"]["state"]["arrays"]["retired_field"] = doc["payload"]["state"]["arrays"]["treasury"]
    doc["payload"]["log"][0] = [{"kind": "issue_bonds", "amount_bn": 1.0}]
    _as_saved_by_another_version(doc)
    rewrite(path, doc)
    loaded = saves.load_game("t", folder, content)
    assert "differs from the saved one: treasury" in loaded.news[-1].text


def test_a_stale_snapshot_with_a_log_that_no_longer_replays_is_refused(content, folder):
    s = play(Session.start(world_of(content, "tutorial")), 2)
    path = saves.save_game(s, "t", folder, content=content)
    doc = raw(path)
    doc["payload"]["state"]["arrays"].pop("treasury")
    doc["payload"]["log"][0] = [{"kind": "sell_land", "hectares": 99_999.0}]
    _as_saved_by_another_version(doc)
    rewrite(path, doc)
    with pytest.raises(saves.SaveError, match="no longer replay"):
        saves.load_game("t", folder, content)


# ----- the folder ---------------------------------------------------------------------------


def test_default_folder_order(monkeypatch, tmp_path):
    monkeypatch.setenv(saves.ENV_FOLDER, str(tmp_path / "from-env"))
    assert saves.default_saves_dir(tmp_path / "given") == tmp_path / "given"
    assert saves.default_saves_dir() == tmp_path / "from-env"
    monkeypatch.delenv(saves.ENV_FOLDER)
    checkout = saves.checkout_saves_dir()
    repo_saves = Path(saves.game.__file__).resolve().parent.parent / "saves"
    assert checkout == (repo_saves if (repo_saves / ".gitignore").is_file() else None)
    monkeypatch.setattr(saves, "checkout_saves_dir", lambda: None)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    if os.name != "nt":
        assert saves.default_saves_dir() == tmp_path / "xdg" / "industrial-architect" / "saves"
        monkeypatch.delenv("XDG_DATA_HOME")
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        assert saves.default_saves_dir() == (tmp_path / "home" / ".local" / "share" /
                                             "industrial-architect" / "saves")


def test_the_env_folder_is_used_when_none_is_given(content, tmp_path):
    path = saves.save_game(Session.start(world_of(content, "tutorial")), "via env")
    assert path.parent == tmp_path / "env-saves"
    assert [r.name for r in saves.list_saves()] == ["via env"]
