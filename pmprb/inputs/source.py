"""An answer file read and parsed, whatever its format: YAML text or an LKE workbook.

Both become the same raw mapping (rules, year, unit, answers, scores) and a way to locate
a problem's key path in the file (a YAML line:col, a workbook cell), so everything after
reading (assessment.validate_data, `pmprb validate`'s checks, batch) is one code path.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from pmprb.base.errors import Problem
from pmprb.inputs.loader import (
    Pending,
    Source,
    locate,
    parse,
    parse_nodes,
    read_bytes,
    read_text,
)

# Names read as workbooks by pmprb.inputs.workbook (the other spreadsheet kinds get a clear
# problem there); everything else is YAML. Checked here so that YAML runs never import it.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb", ".xltx")


def is_workbook(path: Path | str) -> bool:
    """Whether a path names a spreadsheet rather than a YAML answer file."""
    return str(path).lower().endswith(WORKBOOK_SUFFIXES)


def read_content(path: Path, shown: str) -> str | bytes:
    """A YAML file's text, or a workbook's bytes; problems raise ProblemsError."""
    if is_workbook(path):
        return read_bytes(path, shown)
    return read_text(path, shown)


def content_key(content: str | bytes) -> str:
    """What a cache keys a file on: its text, or a workbook's sha256."""
    if isinstance(content, bytes):
        return "\0xlsx\0" + hashlib.sha256(content).hexdigest()
    return content


def open_source(shown: str, content: str | bytes, keep_nodes: bool = False) -> Source:
    """Parse read content. keep_nodes keeps YAML's node tree (for callers that expect
    problems: locating them then costs no second parse)."""
    if isinstance(content, bytes):
        from pmprb.inputs.workbook.reader import read_workbook

        return read_workbook(shown, content)
    if keep_nodes:
        data, root = parse_nodes(shown, content)
    else:
        data, root = parse(shown, content), None

    def where(pending: Iterable[Pending]) -> list[Problem]:
        return locate(shown, content, pending, root)

    return Source(shown, data, where)


def read_source(path: Path, shown: str, keep_nodes: bool = False) -> Source:
    """Read and parse one answer file of either format."""
    return open_source(shown, read_content(path, shown), keep_nodes)
