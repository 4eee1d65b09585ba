"""Security: what comes from a file (a save, a mod) is data, never code, and its size is bounded.

Two complementary checks: a syntax-tree scan of game/ for every way Python turns data
into code (eval, exec, compile, __import__, dynamic import_module, pickle and friends,
yaml.load, np.load without allow_pickle=False, os.system, shell=True), and a run under
a Python audit hook that watches the interpreter itself while hostile saves are read.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from game import saves
from game.cli import build_parser
from game.content.loader import MAX_FILE_BYTES, ContentError, load_content
from game.engine.build import build_world
from game.engine.session import Session

GAME = Path(saves.__file__).resolve().parent
REPO = GAME.parent

CODE_BUILTINS = {"eval", "exec", "compile", "__import__", "breakpoint"}
UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "marshal", "shelve", "dill", "cloudpickle",
                  "joblib", "jsonpickle"}
UNSAFE_ATTRS = {("yaml", "load"), ("yaml", "unsafe_load"), ("yaml", "full_load"),
                ("yaml", "load_all"), ("os", "system"), ("os", "popen"), ("pd", "read_pickle"),
                ("pandas", "read_pickle")}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return "?"


def _kw(call: ast.Call, name: str) -> ast.AST | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def scan(source: str, label: str = "<text>") -> list[str]:
    """Every place in ``source`` where data could become code."""
    found = []
    for node in ast.walk(ast.parse(source)):
        where = f"{label}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for n in names:
                if n.split(".")[0] in UNSAFE_MODULES:
                    found.append(f"{where}: imports {n}")
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        parts = name.split(".")
        if name in CODE_BUILTINS or name.startswith("builtins.") and parts[-1] in CODE_BUILTINS:
            found.append(f"{where}: calls {name}()")
        if len(parts) >= 2 and (parts[-2], parts[-1]) in UNSAFE_ATTRS:
            found.append(f"{where}: calls {name}()")
        if parts[-1] == "import_module" and not (node.args and isinstance(node.args[0], ast.Constant)):
            found.append(f"{where}: imports a module named by data")
        if parts[-1] == "load" and parts[0] in ("np", "numpy"):
            flag = _kw(node, "allow_pickle")
            if not (isinstance(flag, ast.Constant) and flag.value is False):
                found.append(f"{where}: {name}() without allow_pickle=False")
        shell = _kw(node, "shell")
        if parts[0] == "subprocess" and isinstance(shell, ast.Constant) and shell.value:
            found.append(f"{where}: {name}(shell=True)")
    return found


def test_nothing_in_game_turns_data_into_code():
    files = sorted(GAME.rglob("*.py"))
    assert len(files) > 10 and GAME / "saves.py" in files
    found = [hit for path in files
             for hit in scan(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))]
    assert found == []


@pytest.mark.parametrize("text, bad", [
    ("x = eval(s)", True), ("exec(code)", True), ("compile(src, 'f', 'exec')", True),
    ("m = __import__(name)", True), ("builtins.eval(s)", True), ("import pickle", True),
    ("from marshal import loads", True), ("import dill as d", True), ("yaml.load(f)", True),
    ("np.load(f)", True), ("numpy.load(f, allow_pickle=True)", True),
    ("importlib.import_module(name)", True), ("os.system(cmd)", True),
    ("subprocess.run(cmd, shell=True)", True), ("pd.read_pickle(p)", True),
    # and what is fine
    ("np.load(f, allow_pickle=False)", False), ("re.compile(p)", False), ("model.eval()", False),
    ("yaml.safe_load(f)", False), ("importlib.import_module('game.tui')", False),
    ("json.loads(s)", False), ("subprocess.run([sys.executable, '-c', 'pass'])", False),
    ("'''eval(x) in a docstring'''", False), ("# exec(x)", False),
])
def test_the_scan_sees_what_it_should(text, bad):
    assert bool(scan(text)) == bad


# ----- hostile saves, watched by an audit hook ----------------------------------------------

HOSTILE = {
    "action naming code": lambda p: p["log"][0].append(
        {"kind": "__import__('os').system('touch pwned')"}),
    "action with extra keys": lambda p: p["log"][0].append(
        {"kind": "sell_land", "hectares": 1.0, "__reduce__": "os.system"}),
    "object dtype": lambda p: p["state"]["arrays"]["treasury"].update(dtype="|O"),
    "pickle bytes as data": lambda p: p["state"]["arrays"]["treasury"].update(
        data="gASVIQAAAAAAAACMBXBvc2l4lIwGc3lzdGVtlJOUjAV0b3VjaJSFlFKULg=="),
    "nested meta": lambda p: p.update(meta={"x": {"__class__": "os.system"}}),
    "scenario named like a module": lambda p: p.update(scenario="os.path"),
}
# hostile but harmless: a history row that fits no Snapshot is rebuilt from the log
HARMLESS = {
    "history with a class name": lambda p: p["history"].append({"__class__": "subprocess.Popen"}),
}


def test_hostile_saves_are_refused_and_run_no_code(content, tmp_path):
    """Load hostile saves in a fresh interpreter under an audit hook: no code runs, none loads."""
    world = build_world(content.scenario("tutorial"), content.sectors, content.firms)
    s = Session.start(world)
    s.end_turn()
    folder = tmp_path / "saves"
    good = saves.save_game(s, "good", folder, content=content)
    for i, damage in enumerate([*HOSTILE.values(), *HARMLESS.values()]):
        doc = json.loads(good.read_text(encoding="utf-8"))
        damage(doc["payload"])
        doc["checksum"] = saves.checksum(doc["payload"])
        (folder / f"hostile-{i}.save.json").write_text(json.dumps(doc), encoding="utf-8")
    script = textwrap.dedent(f"""
        import json, sys
        from pathlib import Path
        from game import saves
        from game.content.loader import load_content
        folder = Path({str(folder)!r})
        content = load_content()
        saves.load_game("good", folder, content)          # warm up: every import happens here
        saves.replay("good", content, folder)
        events = []
        WATCH = ("exec", "compile", "import", "pickle.find_class", "os.system", "os.exec",
                 "os.posix_spawn", "subprocess.Popen", "ctypes.dlopen", "marshal.loads")
        def hook(event, args):
            if event in WATCH:
                events.append(event)
        sys.addaudithook(hook)
        refused, loaded = [], []
        for path in sorted(folder.glob("hostile-*.save.json")):
            try:
                session = saves.load_game(path, content=content)
                loaded.append([path.name, session.hash(), len(session.history)])
            except saves.SaveError as exc:
                refused.append(str(exc))
        rows = saves.list_saves(folder, content)
        print(json.dumps({{"events": events, "refused": refused, "loaded": loaded,
                          "listed": [[r.name, r.ok] for r in rows]}}))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=tmp_path, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["events"] == []
    n = len(HOSTILE)
    assert len(report["refused"]) == n, report["refused"]
    assert all(msg.startswith("hostile-") for msg in report["refused"])
    assert report["loaded"] == [[f"hostile-{n}.save.json", s.hash(), len(s.history)]]
    assert dict(report["listed"]) == {"good": True, f"hostile-{n}": True,
                                      **{f"hostile-{i}": False for i in range(n)}}
    assert not (tmp_path / "pwned").exists()


def test_the_audit_hook_would_see_code_running(tmp_path):
    """Guard against a vacuous audit: eval and a fresh import do raise the watched events."""
    script = textwrap.dedent("""
        import sys
        events = []
        sys.addaudithook(lambda e, a: events.append(e) if e in ("exec", "compile", "import") else None)
        eval("1 + 1")
        import colorsys
        print(sorted(set(events)))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "['compile', 'exec', 'import']"


# ----- sizes ----------------------------------------------------------------------------------


def test_an_oversize_mod_file_is_refused(tmp_path):
    mod = tmp_path / "big-mod"
    (mod / "sectors").mkdir(parents=True)
    (mod / "pack.toml").write_text('id = "big-mod"\nname = "Big"\nversion = "1.0"\n')
    with open(mod / "sectors" / "huge.toml", "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(ContentError, match="limit"):
        load_content([mod])


def test_save_sizes_are_bounded_on_write_too(content, tmp_path, monkeypatch):
    s = Session.start(build_world(content.scenario("tutorial"), content.sectors, content.firms))
    monkeypatch.setattr(saves, "MAX_SAVE_BYTES", 1000)
    with pytest.raises(saves.SaveError, match="over the"):
        saves.save_game(s, "big", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_serve_binds_to_localhost_by_default():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    if "serve" not in sub.choices:
        pytest.skip("architect serve does not exist yet")
    args = build_parser().parse_args(["serve"])
    assert getattr(args, "host", None) == "127.0.0.1"
