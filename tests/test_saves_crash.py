"""Crash injection: a save interrupted at any step of its write leaves the old save whole.

``game.saves`` reaches the file system through ``os``; the tests swap in a proxy that
fails at the n-th file-system call (open, write, fsync, close, replace, unlink), for every
n the write makes, and in three ways: an error, a torn write (half the bytes, then an
error), and a hard crash (the error, and the clean-up fails too, as when the process
dies).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from game import saves
from game.engine import actions as A
from game.engine.build import build_world
from game.engine.session import Session

WATCHED = ("open", "write", "fsync", "close", "replace", "unlink")


class Crash(OSError):
    def __init__(self, step: str):
        super().__init__(5, f"injected failure at {step}")  # 5 = EIO


class FlakyOS:
    """Acts as ``os`` for game.saves; call number ``fail_at`` of a watched function fails."""

    def __init__(self, fail_at: int | None = None, mode: str = "error"):
        self.fail_at = fail_at
        self.mode = mode
        self.calls: list[str] = []
        self.crashed = False

    def __getattr__(self, name):
        real = getattr(os, name)
        if name not in WATCHED:
            return real

        def watched(*args, **kwargs):
            if self.crashed and self.mode == "hard":
                if name == "close":
                    real(*args)  # the system closes a dead process's files
                raise Crash(f"{name} after the crash")  # a dead process cleans nothing up
            n = len(self.calls)
            self.calls.append(name)
            if n != self.fail_at:
                return real(*args, **kwargs)
            self.crashed = True
            if name == "write" and self.mode in ("torn", "hard"):
                fd, data = args
                real(fd, bytes(data[: len(data) // 2]))
            elif name == "close":
                real(*args)  # the descriptor is gone either way
            raise Crash(name)

        return watched


@pytest.fixture(scope="module")
def games(content):
    world = build_world(content.scenario("tutorial"), content.sectors, content.firms)
    old = Session.start(world)
    old.act(A.SellLand(hectares=50.0))
    old.end_turn()
    new = Session.start(world)
    for _ in range(5):
        new.act(A.IssueBonds(amount_bn=1.0))
        new.end_turn()
    assert old.hash() != new.hash()
    return old, new


def write_steps(folder: Path, session: Session) -> list[str]:
    spy = FlakyOS()
    real = saves.os
    saves.os = spy
    try:
        saves.save_game(session, "probe", folder)
    finally:
        saves.os = real
    (folder / "probe.save.json").unlink()
    return spy.calls


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(saves.SUFFIX))


@pytest.mark.parametrize("mode", ["error", "torn", "hard"])
def test_a_save_interrupted_at_every_step_loses_nothing(content, games, tmp_path, monkeypatch, mode):
    old, new = games
    folder = tmp_path / "saves"
    saves.save_game(old, "game", folder, content=content)
    saves.save_game(new, "other", folder, content=content)
    good = (folder / "game.save.json").read_bytes()
    other = (folder / "other.save.json").read_bytes()
    steps = write_steps(folder, new)
    for must in ("open", "write", "fsync", "close", "replace"):
        assert must in steps, f"the write never calls os.{must}: {steps}"
    assert steps.index("fsync") < steps.index("replace")  # data on disk before the rename
    tried = 0
    for n, step in enumerate(steps):
        if mode == "torn" and step != "write":
            continue  # a torn write only concerns writes
        flaky = FlakyOS(fail_at=n, mode=mode)
        monkeypatch.setattr(saves, "os", flaky)
        try:
            saves.save_game(new, "game", folder, content=content)
            raised = False
        except saves.SaveError as exc:
            raised = True
            assert "unchanged" in str(exc)
        finally:
            monkeypatch.setattr(saves, "os", os)
        tried += 1
        replaced = "replace" in steps[:n]  # the rename happened before the failure
        data = (folder / "game.save.json").read_bytes()
        if replaced:
            assert not raised, f"step {n} ({step}) failed after the save was in place"
            assert saves.load_game("game", folder, content).hash() == new.hash()
        else:
            assert raised, f"a failure at step {n} ({step}) went unreported"
            assert data == good, f"the old save changed after a failure at step {n} ({step})"
            assert saves.load_game("game", folder, content).hash() == old.hash()
        assert (folder / "other.save.json").read_bytes() == other
        if mode == "hard":
            # the dead process left its temp file; the list and the loads ignore it
            assert {r.name for r in saves.list_saves(folder)} == {"game", "other"}
            assert all(r.ok for r in saves.list_saves(folder))
            for junk in leftovers(folder):
                (folder / junk).unlink()
        else:
            assert leftovers(folder) == [], f"temp files left after step {n} ({step})"
        (folder / "game.save.json").write_bytes(good)
    assert tried >= (len(steps) if mode == "error" else 1)


def test_a_full_disk_mid_autosave_keeps_the_ring(content, games, tmp_path, monkeypatch):
    old, new = games
    folder = tmp_path / "saves"
    first = saves.autosave(old, folder, keep=2)
    second = saves.autosave(old, folder, keep=2)
    ring = {p: p.read_bytes() for p in (first, second)}

    flaky = FlakyOS(mode="torn")
    flaky.fail_at = 1  # the first write: ENOSPC-like, half the bytes made it
    monkeypatch.setattr(saves, "os", flaky)
    with pytest.raises(saves.SaveError, match="could not write"):
        saves.autosave(new, folder, keep=2)
    monkeypatch.setattr(saves, "os", os)
    assert flaky.calls[:2] == ["open", "write"]
    assert {p: p.read_bytes() for p in ring} == ring
    assert leftovers(folder) == []
    assert saves.autosave(new, folder, keep=2).exists()


def test_a_crash_before_the_rename_then_a_good_save(content, games, tmp_path, monkeypatch):
    """The next save after a hard crash works, and stale temp files never show as saves."""
    old, new = games
    folder = tmp_path / "saves"
    saves.save_game(old, "game", folder)
    monkeypatch.setattr(saves, "os", FlakyOS(fail_at=3, mode="hard"))  # fails at close
    with pytest.raises(saves.SaveError):
        saves.save_game(new, "game", folder)
    monkeypatch.setattr(saves, "os", os)
    stale = leftovers(folder)
    assert stale and all(name.startswith(".game.save.json.") for name in stale)
    saves.save_game(new, "game", folder)
    assert saves.load_game("game", folder, content).hash() == new.hash()
    assert [r.name for r in saves.list_saves(folder)] == ["game"]
