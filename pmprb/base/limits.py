"""Limits that protect the machine from hostile or broken input; configurable by environment.

| variable                 | default    | at most       | what it bounds                       |
|--------------------------|------------|---------------|--------------------------------------|
| PMPRB_MAX_FILE_BYTES     | 10485760   | 1073741824    | size of one input file (10 MiB)      |
| PMPRB_MAX_DEPTH          | 32         | 1000          | nesting depth of one YAML document   |
| PMPRB_MAX_ANSWERS        | 5000       | 1000000       | entries under `answers` in one file  |
| PMPRB_MAX_CHUNK_SECONDS  | 120        | 86400         | a batch worker's time for one chunk  |

Aliases and anchors are always refused, so no alias expansion can blow up memory; libyaml
itself refuses documents nested deeper than 1000 levels. A value that is not a whole
number from 1 to its upper bound is refused by the command line before anything runs
(`invalid`); `current` never returns one (it falls back to the default, or the bound).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from pmprb.base.errors import Problem
from pmprb.base.i18n import _


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits in force."""

    max_file_bytes: int = 10 * 1024 * 1024
    max_depth: int = 32
    max_answers: int = 5000


# variable -> (field of Limits, the largest value accepted)
VARIABLES: dict[str, tuple[str, int]] = {
    "PMPRB_MAX_FILE_BYTES": ("max_file_bytes", 1024 * 1024 * 1024),
    "PMPRB_MAX_DEPTH": ("max_depth", 1000),
    "PMPRB_MAX_ANSWERS": ("max_answers", 1_000_000),
}


def _parse(raw: str) -> int | None:
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 30:
        return None
    return int(text)


def current() -> Limits:
    """The limits from the environment: unset or malformed values give the default, values
    above a bound give the bound (so a read never allocates more than it allows)."""
    base = Limits()
    values: dict[str, int] = {}
    for name, (attr, most) in VARIABLES.items():
        value = _parse(os.environ.get(name, ""))
        values[attr] = getattr(base, attr) if value is None or value < 1 else min(value, most)
    return Limits(**values)


def invalid() -> list[Problem]:
    """A problem for every limit variable set to something other than a whole number from
    1 to its bound: the command line stops on them (exit 2) instead of guessing."""
    problems: list[Problem] = []
    for name, (_attr, most) in VARIABLES.items():
        raw = os.environ.get(name, "")
        if not raw.strip():
            continue
        value = _parse(raw)
        if value is None or not 1 <= value <= most:
            message = _("must be a whole number from 1 to {most}, not '{value}'").format(
                most=most, value=raw.strip()[:40]
            )
            problems.append(Problem(name, None, None, "bad_limit", message))
    return problems


CHUNK_SECONDS = 120
CHUNK_SECONDS_CAP = 86_400  # a day: larger values would overflow the system's timers


def worker_deadline() -> int:
    """PMPRB_MAX_CHUNK_SECONDS: how long a worker may take over one chunk of files before
    it is taken as stopped or hung, ended, and its files scored again one by one (at most
    a day; unset or malformed: the default).

    Not part of Limits: it bounds time, never what a result is (the cache ignores it).
    """
    value = _parse(os.environ.get("PMPRB_MAX_CHUNK_SECONDS", ""))
    if value is None or value < 1:
        return CHUNK_SECONDS
    return min(value, CHUNK_SECONDS_CAP)
