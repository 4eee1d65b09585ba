"""What is wrong with content: a :class:`Problem` names the file, the line (and column where
known), the dotted key and what was expected. Warnings are problems too: things that load
but cannot work as written (a folder the loader never reads, an event that can never fire).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    key: str
    message: str
    hint: str = ""  # e.g. "; did you mean 'demand_bn'?"
    column: int | None = None
    severity: Severity = "error"

    @property
    def where(self) -> str:
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}" + (f":{self.column}" if self.column else "")

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"

    def __str__(self) -> str:
        mark = "warning: " if self.is_warning else ""
        key = self.key or ("(folder)" if self.file.endswith("/") else "(file)")
        return f"{self.where}: {mark}{key}: {self.message}{self.hint}"


def warning(file: str, line: int | None, key: str, message: str, hint: str = "",
            column: int | None = None) -> Problem:
    return Problem(file, line, key, message, hint, column, "warning")


class ContentError(Exception):
    """One or more content files are wrong; ``problems`` lists each one (errors first; any
    warnings found on the way follow them)."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_warning]
