"""Where each key of a TOML file sits: a map from key paths to (line, column).

Neither tomllib nor tomli keeps the positions of values, so :func:`key_positions` scans
the text once the way TOML 1.0 nests it — table headers, arrays of tables (counted),
dotted keys, and inline arrays and tables across lines — and records the position of
every key and array element. :func:`position_of` finds the nearest recorded place for a
path a problem names: a key that is missing points at its table's header. It is a reader
for finding lines only; it never evaluates anything.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

Path = tuple[Any, ...]  # str keys and int array indices, as pydantic reports them
Pos = tuple[int, int]  # 1-based line and column

_STEP_LIMIT = 200_000  # the scan gives up on pathological text rather than loop


def _skip_space(text: str, i: int) -> int:
    """Skip spaces, newlines and comments."""
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in " \t\r\n":
            i += 1
        elif ch == "#":
            while i < n and text[i] != "\n":
                i += 1
        else:
            break
    return i


def _skip_blank(text: str, i: int) -> int:
    """Skip spaces and tabs on the same line."""
    while i < len(text) and text[i] in " \t":
        i += 1
    return i


def _escaped(text: str, i: int) -> bool:
    k, count = i - 1, 0
    while k >= 0 and text[k] == "\\":
        count += 1
        k -= 1
    return count % 2 == 1


def _skip_string(text: str, i: int) -> int:
    """``i`` at an opening quote; returns the index after the closing one."""
    n = len(text)
    for quote in ('"""', "'''"):
        if text.startswith(quote, i):
            end = text.find(quote, i + 3)
            while end != -1 and quote == '"""' and _escaped(text, end):
                end = text.find(quote, end + 1)
            if end == -1:
                return n
            end += 3
            while end < n and text[end] == quote[0] and end - i < 8:  # """a"""" ends late
                end += 1
            return end
    q = text[i]
    i += 1
    while i < n and text[i] != q and text[i] != "\n":
        if q == '"' and text[i] == "\\":
            i += 1
        i += 1
    return min(i + 1, n)


def _skip_key(text: str, i: int) -> int:
    n = len(text)
    while i < n:
        if text[i] in "\"'":
            i = _skip_string(text, i)
        elif text[i].isalnum() or text[i] in "_-.":
            i += 1
        elif text[i] in " \t":
            j = _skip_blank(text, i)
            if j < n and text[j] == ".":
                i = j
            elif i > 0 and text[i - 1] == ".":
                i = j
            else:
                return i
        else:
            return i
    return i


def _key_name(raw: str) -> list[str]:
    parts = []
    for p in _split_dots(raw):
        p = p.strip()
        if len(p) >= 2 and p[0] == p[-1] and p[0] in "\"'":
            p = p[1:-1]
        parts.append(p)
    return parts


def _split_dots(raw: str) -> list[str]:
    """Split a dotted key at dots outside quotes."""
    parts, start, i, n = [], 0, 0, len(raw)
    while i < n:
        if raw[i] in "\"'":
            i = _skip_string(raw, i)
            continue
        if raw[i] == ".":
            parts.append(raw[start:i])
            start = i + 1
        i += 1
    parts.append(raw[start:])
    return parts


def _to_line_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end == -1 else end + 1


class _Scanner:
    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.out: dict[Path, Pos] = {}
        self.aot: dict[Path, int] = {}  # array-of-tables path -> index of its last element
        self.steps = 0

    def pos(self, i: int) -> Pos:
        line = bisect.bisect_right(self.starts, i)
        return line, i - self.starts[line - 1] + 1

    def note(self, path: Path, i: int) -> None:
        self.out.setdefault(path, self.pos(i))

    def resolve(self, keys: list[str]) -> Path:
        """A header's keys as a path: an array of tables on the way stands for its last element."""
        path: Path = ()
        for key in keys:
            path += (key,)
            if path in self.aot:
                path += (self.aot[path],)
        return path

    def run(self) -> dict[Path, Pos]:
        text, n = self.text, len(self.text)
        table: Path = ()
        i = 0
        while i < n:
            self.steps += 1
            if self.steps > _STEP_LIMIT:
                break
            i = _skip_space(text, i)
            if i >= n:
                break
            if text[i] == "[":
                double = text.startswith("[[", i)
                j = _skip_blank(text, i + (2 if double else 1))
                keys = _key_name(text[j:_skip_key(text, j)])
                if double:
                    path = self.resolve(keys[:-1]) + (keys[-1],)
                    index = self.aot.get(path, -1) + 1
                    self.aot[path] = index
                    table = path + (index,)
                    self.note(path, i)
                else:
                    table = self.resolve(keys)
                self.note(table, i)
                i = _to_line_end(text, i)
                continue
            k = _skip_key(text, i)
            if k == i:  # not a key: skip the line rather than guess
                i = _to_line_end(text, i)
                continue
            keys = _key_name(text[i:k])
            for m in range(1, len(keys) + 1):
                self.note(table + tuple(keys[:m]), i)
            j = _skip_blank(text, k)
            if j < n and text[j] == "=":
                j = _skip_blank(text, j + 1)
            i = self.value(j, table + tuple(keys))
            i = _to_line_end(text, i)
        return self.out

    def value(self, i: int, path: Path) -> int:
        """Record the keys and elements inside the value at ``i``; returns the index after it."""
        text, n = self.text, len(self.text)
        self.steps += 1
        if i >= n or self.steps > _STEP_LIMIT:
            return n
        ch = text[i]
        if ch in "\"'":
            return _skip_string(text, i)
        if ch not in "[{":
            while i < n and text[i] not in ",]}\n#":
                i += 1
            return i
        close = "]" if ch == "[" else "}"
        i += 1
        k = 0
        while i < n:
            i = _skip_space(text, i)
            if i >= n or self.steps > _STEP_LIMIT:
                return n
            if text[i] == close:
                return i + 1
            if text[i] == ",":
                i += 1
                continue
            start = i
            if ch == "[":
                self.note(path + (k,), i)
                i = self.value(i, path + (k,))
                k += 1
            else:
                e = _skip_key(text, i)
                if e == i:
                    return n
                keys = _key_name(text[i:e])
                for m in range(1, len(keys) + 1):
                    self.note(path + tuple(keys[:m]), i)
                i = _skip_blank(text, e)
                if i < n and text[i] == "=":
                    i = _skip_blank(text, i + 1)
                i = self.value(i, path + tuple(keys))
            if i == start:  # something we do not understand: stop rather than loop
                return n
        return n


def key_positions(text: str) -> dict[Path, Pos]:
    """(line, column) of every key, table header and array element in a TOML text."""
    return _Scanner(text).run()


def position_of(positions: dict[Path, Pos], loc: Path) -> Pos:
    """Where ``loc`` is, or the nearest enclosing key or header that is (a missing key
    points at its table); line 1 when nothing of it is in the file."""
    for end in range(len(loc), 0, -1):
        hit = positions.get(tuple(loc[:end]))
        if hit is not None:
            return hit
    return 1, 1


def top_key_line(text: str, key: str) -> int:
    """The line of a top-level ``key = ...`` (a cheap look before any header), else 1."""
    m = re.search(r"(?m)^[ \t]*" + re.escape(key) + r"[ \t]*=", text)
    if m is None:
        return 1
    header = re.search(r"(?m)^[ \t]*\[", text)
    if header is not None and header.start() < m.start():
        return position_of(key_positions(text), (key,))[0]
    return text.count("\n", 0, m.start()) + 1


def line_of_offset(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
