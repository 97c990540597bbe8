"""Problems (user mistakes found in a file) and the tool's exit codes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Literal

Level = Literal["error", "warning"]


class Exit(IntEnum):
    """Documented exit codes: a contract for scripts and CI."""

    OK = 0
    INVALID = 1  # the input is invalid, or a requested threshold fails
    CANNOT_RUN = 2  # missing file, bad usage, unreadable rule set


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in a file, located as precisely as the input allows."""

    path: str
    line: int | None
    col: int | None
    code: str
    message: str
    level: Level = "error"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order problems by file, then position, then code."""
        return (self.path, self.line or 0, self.col or 0, self.code, self.message)

    def location(self) -> str:
        """`path:line:col`, or less where the position is unknown."""
        if self.line is None:
            return self.path
        if self.col is None:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.col}"

    def format(self) -> str:
        """`path:line:col: [level] code: message`."""
        return f"{self.location()}: [{self.level}] {self.code}: {self.message}"

    def record(self) -> dict[str, str | int | None]:
        """The problem as plain data for JSON reports (a fixed key order)."""
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "level": self.level,
            "code": self.code,
            "message": self.message,
        }


class ProblemsError(Exception):
    """A file could not be used; carries every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.format() for p in problems))
        self.problems = sorted(problems, key=Problem.sort_key)


class RulesError(ProblemsError):
    """A rule set could not be used: the tool cannot run (exit 2)."""


def has_errors(problems: list[Problem]) -> bool:
    """True when any problem is an error (warnings alone do not fail)."""
    return any(p.level == "error" for p in problems)
