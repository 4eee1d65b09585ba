"""Reading one content file: its size, its bytes as UTF-8 text and the text as TOML 1.0,
with a line and column on every problem.

The game reads TOML 1.0 (Python's tomllib), as taplo and most editors do. Where a syntax
error is a TOML 1.1 habit (a newline or trailing comma in an inline table, a ``\\e`` or
``\\xHH`` escape), the message says so. A UTF-8 byte order mark is accepted with a
warning; other encodings are named.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from game.content.problems import Problem, warning

MAX_FILE_BYTES = 256 * 1024  # a content file larger than this is refused

UTF8_BOM = b"\xef\xbb\xbf"
TOML_VERSION_NOTE = "the game reads TOML 1.0"


def read_toml(path: Path, label: str, problems: list[Problem]) -> tuple[dict[str, Any], str] | None:
    """Parse one TOML file, appending problems (and warnings) instead of raising."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(label, 1, "", f"file is {size} bytes; the limit is {MAX_FILE_BYTES} "
                                    f"({MAX_FILE_BYTES // 1024} KiB): split it into several files"))
            return None
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(label, None, "", f"cannot read: {exc.strerror or exc}"))
        return None
    text = decode(raw, label, problems)
    if text is None:
        return None
    return parse(text, label, problems)


def decode(raw: bytes, label: str, problems: list[Problem]) -> str | None:
    """The file's text; a BOM is dropped with a warning, bytes that are not UTF-8 are an
    error at their line and column."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(Problem(label, 1, "", "the file is UTF-16 text (it starts with a UTF-16 byte "
                                "order mark); save it as UTF-8", column=1))
        return None
    if raw.startswith(UTF8_BOM):
        problems.append(warning(label, 1, "", "the file starts with a UTF-8 byte order mark (BOM); "
                                "the game skips it, but TOML 1.0 does not allow one and other tools may "
                                "stop at it: save the file as UTF-8 without BOM", column=1))
        raw = raw[len(UTF8_BOM):]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[raw.rfind(b"\n", 0, exc.start) + 1: exc.start].decode("utf-8", "replace")) + 1
        byte = raw[exc.start]
        problems.append(Problem(label, line, "", f"not UTF-8 text: byte 0x{byte:02X} cannot be read "
                                f"({exc.reason}); the file may be in Latin-1 or a Windows code page: "
                                "save it as UTF-8", column=column))
        return None


_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse(text: str, label: str, problems: list[Problem]) -> tuple[dict[str, Any], str] | None:
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _AT.search(msg)
        if m:
            line, column = int(m.group(1)), int(m.group(2))
        else:  # "(at end of document)"
            line, column = max(text.count("\n") + (0 if text.endswith("\n") else 1), 1), None
        problems.append(Problem(label, line, "", "TOML syntax: " + _explain(text, line, column, msg),
                                column=column))
        return None
    except RecursionError:
        problems.append(Problem(label, 1, "", "TOML nests too deeply to read"))
        return None


def _explain(text: str, line: int, column: int | None, msg: str) -> str:
    """tomllib's message, or what it means when the error is a TOML 1.1 habit."""
    plain = _AT.sub("", msg).strip()
    lines = text.splitlines()
    src = lines[line - 1] if 0 < line <= len(lines) else ""
    at = src[column - 1: column] if column else ""
    before = src[: (column or len(src) + 1) - 1]
    inline = msg.startswith("Unclosed inline table") or (
        msg.startswith("Invalid initial character for a key part") and _open_braces(before) > 0)
    if inline:
        what = "a comma before the closing }" if at == "}" else "a line break inside an inline table { ... }"
        return (f"{what}; {TOML_VERSION_NOTE}, where an inline table closes on the line it opens, with "
                "no comma before its '}' (TOML 1.1 allows both): keep it on one line, or write an array "
                "of one-line tables")
    near = src[max(0, (column or 1) - 3): (column or 0) + 1]
    if msg.startswith("Unescaped '\\'") and ("\\e" in near or "\\x" in near):
        return (f"{plain}; {TOML_VERSION_NOTE}: \\e and \\xHH escapes are TOML 1.1; write \\u001B or "
                "\\u00HH instead")
    if msg.startswith("Expected newline") and re.search(r"=\s*\d{1,2}:\d{2}\s*$", src):
        return f"{plain}; {TOML_VERSION_NOTE}: a time needs seconds (07:32:00)"
    return plain


def _open_braces(s: str) -> int:
    depth, i = 0, 0
    while i < len(s):
        ch = s[i]
        if ch in "\"'":
            end = s.find(ch, i + 1)
            i = len(s) if end == -1 else end + 1
            continue
        depth += ch == "{"
        depth -= ch == "}"
        i += 1
    return depth
