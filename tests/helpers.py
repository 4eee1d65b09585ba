"""Helpers shared by the content and modding tests: writing packs, running the CLI."""

from __future__ import annotations

from pathlib import Path

from game.cli import main

REPO = Path(__file__).resolve().parent.parent
PACK_TOML = 'id = "{id}"\nname = "{name}"\nversion = "1.0"\n'


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> text or bytes) under ``root``; returns ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def pack(root: Path, pack_id: str, files: dict[str, str | bytes] | None = None, extra: str = "") -> Path:
    """A pack folder ``root`` with a pack.toml for ``pack_id`` (plus ``extra`` lines) and files."""
    return write_files(root, {"pack.toml": PACK_TOML.format(id=pack_id, name=pack_id) + extra, **(files or {})})


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """``architect ARGV``: exit code, stdout, stderr."""
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def base_text(rel: str) -> str:
    """A base pack file's text."""
    return (REPO / "content" / rel).read_text(encoding="utf-8")
