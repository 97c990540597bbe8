"""Limits that protect the machine from hostile or broken input; configurable by environment.

| variable                 | default    | what it bounds                               |
|--------------------------|------------|----------------------------------------------|
| PMPRB_MAX_FILE_BYTES     | 10485760   | size of one input file (10 MiB)              |
| PMPRB_MAX_DEPTH          | 32         | nesting depth of one YAML document           |
| PMPRB_MAX_ANSWERS        | 5000       | entries under `answers` in one answer file   |
| PMPRB_MAX_CHUNK_SECONDS  | 120        | a batch worker's time for a chunk (<= 1 day) |

Aliases and anchors are always refused, so no alias expansion can blow up memory; libyaml
itself refuses documents nested deeper than 1000 levels.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits in force."""

    max_file_bytes: int = 10 * 1024 * 1024
    max_depth: int = 32
    max_answers: int = 5000


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        return default
    return value if value > 0 else default


def current() -> Limits:
    """The limits from the environment, falling back to the defaults on unset or bad values."""
    base = Limits()
    return Limits(
        max_file_bytes=_env_int("PMPRB_MAX_FILE_BYTES", base.max_file_bytes),
        max_depth=_env_int("PMPRB_MAX_DEPTH", base.max_depth),
        max_answers=_env_int("PMPRB_MAX_ANSWERS", base.max_answers),
    )


CHUNK_SECONDS = 120
CHUNK_SECONDS_CAP = 86_400  # a day: larger values would overflow the system's timers


def worker_deadline() -> int:
    """PMPRB_MAX_CHUNK_SECONDS: how long a worker may take over one chunk of files before
    it is taken as stopped or hung, ended, and its files scored again one by one (at most
    a day).

    Not part of Limits: it bounds time, never what a result is (the cache ignores it).
    """
    return min(_env_int("PMPRB_MAX_CHUNK_SECONDS", CHUNK_SECONDS), CHUNK_SECONDS_CAP)
