"""The wall between the engine and the UI, and no code execution anywhere in game/."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

GAME = Path(__file__).resolve().parent.parent / "game"
HEADLESS = ("game.engine.session", "game.engine.actions", "game.sim", "game.content.loader")


def loaded_modules(*imports: str) -> set[str]:
    code = ("import json, sys\n" + "".join(f"import {m}\n" for m in imports)
            + "print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=GAME.parent, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


def test_the_engine_never_loads_textual_or_rich():
    mods = loaded_modules(*HEADLESS)
    assert set(HEADLESS) <= mods  # the imports really happened
    ui = sorted(m for m in mods if m.split(".")[0] in ("textual", "rich"))
    assert ui == []


def test_every_engine_module_stays_headless():
    engine = sorted(f"game.engine.{p.stem}" for p in (GAME / "engine").glob("*.py")
                    if p.stem != "__init__")
    assert "game.engine.tick" in engine
    mods = loaded_modules(*engine, "game.content.schema", "game.cli")
    assert not [m for m in mods if m.split(".")[0] in ("textual", "rich")]


def test_the_check_itself_can_see_textual():
    """Guard against a vacuous wall: importing textual does show up in sys.modules."""
    assert "textual" in loaded_modules("textual")


FORBIDDEN = [
    (re.compile(r"(?<![\w.])eval\s*\("), "eval("),
    (re.compile(r"(?<![\w.])exec\s*\("), "exec("),
    (re.compile(r"^\s*(import|from)\s+(c?[Pp]ickle|dill|marshal|shelve)\b", re.M), "pickle-like import"),
    (re.compile(r"\b__import__\s*\("), "__import__("),
]


def test_no_eval_exec_or_pickle_in_game():
    py_files = sorted(GAME.rglob("*.py"))
    assert len(py_files) > 5
    found = []
    for path in py_files:
        text = path.read_text(encoding="utf-8")
        for pattern, label in FORBIDDEN:
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path.relative_to(GAME.parent)}:{line}: {label}")
    assert found == []


def test_the_forbidden_patterns_match_what_they_should():
    samples = {"x = eval('1')": True, "exec(code)": True, "import pickle": True,
               "from pickle import loads": True, "import cPickle": True,
               "self.evaluate(x)": False, "np.exec_(x)": False, "model.eval()": False,
               "# evaluation(": False}
    for text, bad in samples.items():
        hit = any(p.search(text) for p, _ in FORBIDDEN)
        assert hit == bad, text
