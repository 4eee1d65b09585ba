"""A regular (non-editable) install works from any folder: the base pack travels inside
the package as game.basepack and is found there, not in the checkout.

The wheel is built from a copy of the sources so the checkout gets no build/ or
egg-info, installed with ``pip install --target`` into a folder put first on PYTHONPATH,
and its ``architect`` script is run from an unrelated working directory.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("install")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for name in ("game", "content"):
        shutil.copytree(ROOT / name, src / name, ignore=IGNORE)
    wheels, site, cwd = tmp / "wheels", tmp / "site", tmp / "elsewhere"
    cwd.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    built = subprocess.run([*pip, "wheel", "--no-deps", "--verbose", "-w", str(wheels), str(src)],
                           capture_output=True, text=True, timeout=600)  # verbose: the backend's warnings
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    [wheel] = wheels.glob("industrial_architect-*.whl")
    done = subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(site)
    return {"wheel": wheel, "site": site, "cwd": cwd, "env": env,
            "build_log": built.stdout + built.stderr}


def run(installed, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(argv), cwd=installed["cwd"], env=installed["env"],
                          capture_output=True, text=True, timeout=300)


def test_the_wheel_carries_the_base_pack(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    pack = sorted(p.relative_to(ROOT / "content").as_posix() for p in (ROOT / "content").rglob("*.toml"))
    assert pack
    missing = [p for p in pack if f"game/basepack/{p}" not in names]
    assert missing == []
    tcss = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "game").rglob("*.tcss"))
    assert [t for t in tcss if t not in names] == []
    assert any(n.endswith("entry_points.txt") for n in names)


def test_the_build_gives_no_warnings(installed):
    """setuptools' warnings (a TOML-table license, data folders missing from `packages`)
    announce builds that will stop working; none may appear."""
    warnings = sorted({m.group(0) for m in re.finditer(r"\b\w+Warning\b: .*", installed["build_log"])})
    assert warnings == []


def test_every_folder_of_the_base_pack_is_a_listed_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    folders = {f"game.basepack.{d.name}" for d in (ROOT / "content").iterdir() if d.is_dir()}
    assert folders and folders <= set(config["packages"])
    assert all(config["package-data"].get(name) == ["*.toml"] for name in folders)


def test_the_wheel_carries_every_module(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "game").rglob("*.py")
                     if "__pycache__" not in p.parts)
    assert "game/engine/tick.py" in modules
    assert [m for m in modules if m not in names] == []


def test_the_installed_package_is_the_one_imported(installed):
    code = ("import game, game.content.loader as l; print(game.__file__); "
            "print(l.base_pack_dir()); print(game.__version__)")
    done = run(installed, sys.executable, "-c", code)
    assert done.returncode == 0, done.stderr
    module, pack, version = done.stdout.splitlines()
    site = str(installed["site"].resolve())
    assert str(Path(module).resolve()).startswith(site)
    assert str(Path(pack).resolve()).startswith(site), pack
    assert (Path(pack) / "pack.toml").is_file(), pack
    assert version != "0.0.0"


def test_architect_scenarios_from_another_folder(installed):
    script = installed["site"] / "bin" / "architect"
    assert script.is_file()
    done = run(installed, str(script), "scenarios")
    assert done.returncode == 0, done.stderr
    assert "hefei-2008" in done.stdout and "tutorial" in done.stdout


def test_architect_simulate_from_another_folder(installed):
    script = installed["site"] / "bin" / "architect"
    done = run(installed, str(script), "simulate", "--scenario", "tutorial", "--worlds", "10", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["worlds"] == 10 and data["turns"] == 16
    assert data["metrics"]["gdp"]["p10"] <= data["metrics"]["gdp"]["p90"]
