"""What an LKE workbook holds, in one place: its sheets, its columns and its metadata.

The answer columns are one table (`answer_columns`): each column names the field of the
answer file's long form it fills and how a cell becomes that field's value. The writer
lays the workbook out from it and the reader reads it back through it, so a new field of
the long form is one line here. Headers are stored in the workbook's hidden metadata
sheet, and the reader finds each column by its header: columns may be moved, and the
workbook may be made in one language and read in another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pmprb.base.i18n import _

FORMAT = "pmprb-lke/1"  # the layout's version, stored in every workbook
META_SHEET = "_pmprb"  # very hidden: key in column A, value in column B

# written: what pmprb writes for the reader's eyes; the others are filled by the unit.
# value: an option label or a number; count: a whole number (one input of `counts`);
# lines: a list, one item per line of the cell; text: free text.
Kind = Literal["written", "value", "count", "lines", "text"]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the answers sheet."""

    key: str  # stable id, stored in the workbook's metadata with the header
    header: str
    kind: Kind
    width: int
    field: str | None = None  # the long-form field it fills
    index: int = 0  # for a count: which input of the question's `counts`


def answer_columns() -> tuple[Column, ...]:
    """The columns of the answers sheet, left to right (headers in the current language)."""
    return (
        Column("id", _("ID"), "written", 14),
        Column("question", _("Question"), "written", 60),
        Column("options", _("Answer options"), "written", 45),
        Column("weight", _("Max. points"), "written", 9),
        Column("answer", _("Answer"), "value", 12, "answer"),
        Column("count1", _("Count 1"), "count", 10, "counts", 0),
        Column("count2", _("Count 2"), "count", 10, "counts", 1),
        Column("evidence", _("Evidence (data dukung), one per line"), "lines", 40, "evidence"),
        Column("note", _("Note"), "text", 30, "note"),
    )


def score_columns() -> tuple[Column, ...]:
    """The columns of the published-scores sheet."""
    return (
        Column("id", _("ID"), "written", 16),
        Column("name", _("Component / area / indicator"), "written", 60),
        Column("max", _("Max. points"), "written", 12),
        Column("points", _("Published points"), "value", 16, "points"),
        # only on a rescaled node (rescale: adjusted, e.g. RB General of the 2023 scheme)
        Column("adjusted", _("Adjusted weight"), "value", 14, "adjusted_weight"),
    )


IdentityKey = Literal["unit.name", "unit.code", "unit.instansi", "year", "rules"]


def identity_rows() -> tuple[tuple[IdentityKey, str], ...]:
    """The labelled rows of the identity sheet that the reader reads (label in column A)."""
    return (
        ("unit.name", _("Unit name")),
        ("unit.code", _("Unit code")),
        ("unit.instansi", _("Instansi")),
        ("year", _("Assessment year")),
        ("rules", _("Rule set")),
    )


def sheet_names() -> dict[str, str]:
    """The visible sheets' names in the current language (at most 31 characters)."""
    return {
        "identity": _("Identity"),
        "answers": _("Answers"),
        "scores": _("Published scores"),
    }
