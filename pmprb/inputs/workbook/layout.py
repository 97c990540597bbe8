"""What an LKE workbook holds, in one place: its sheets, its columns and its metadata.

The answer columns are one table (`answer_columns`): each column names the field of the
answer file's long form it fills and how a cell becomes that field's value. The writer
lays the workbook out from it and the reader reads it back through it, so a new field of
the long form is one line here. Headers are stored in the workbook's hidden metadata
sheet, and the reader finds each column by its header: columns may be moved, and the
workbook may be made in one language and read in another.

Layout versions: 1 had the unit's columns only; 2 added the unit's not-counted marking and
the review columns (the reviewer's value, note, recommendation and name, the unit's appeal
and the reviewer's response: the long form's `review:` block). A column carries the
version that added it (`since`): the reader expects only the columns of the workbook's own
version, so a workbook made by an older pmprb still reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pmprb.base.i18n import _

VERSION = 2  # the layout's version this pmprb writes
FORMAT = f"pmprb-lke/{VERSION}"  # stored in every workbook
READS = {f"pmprb-lke/{n}": n for n in range(1, VERSION + 1)}  # the layouts this pmprb reads
META_SHEET = "_pmprb"  # very hidden: key in column A, value in column B

# written: what pmprb writes for the reader's eyes; the others are filled in.
# value: an option label or a number; count: a whole number (one input of `counts`);
# lines: a list, one item per line of the cell; text: free text; reason: the justification
# of a line not counted (text; a TRUE/FALSE cell stays a flag, which is refused as no
# justification); status: an appeal status, typed as its label in either language.
Kind = Literal["written", "value", "count", "lines", "text", "reason", "status"]
# who fills a column: the unit, the reviewer, or the appeal (the unit's appeal and the
# reviewer's response); the writer colours and labels each group
Side = Literal["unit", "review", "appeal"]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the answers sheet."""

    key: str  # stable id, stored in the workbook's metadata with the header
    header: str
    kind: Kind
    width: int
    field: str | None = None  # the long-form field it fills, dotted: `review.appeal.status`
    index: int = 0  # for a count: which input of the question's `counts`
    since: int = 1  # the layout version that added the column
    side: Side = "unit"

    @property
    def path(self) -> tuple[str, ...]:
        """The field's key path inside one answer's long form."""
        return tuple((self.field or self.key).split("."))


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
        Column(
            "not_counted", _("Not counted: the justification"), "reason", 24, "not_counted", since=2
        ),
        Column("evidence", _("Evidence (data dukung), one per line"), "lines", 40, "evidence"),
        Column("note", _("Note"), "text", 30, "note"),
        *review_columns(),
    )


def review_columns() -> tuple[Column, ...]:
    """The review block's columns (layout 2), after the unit's: the long form's `review:`."""

    def col(
        key: str,
        header: str,
        kind: Kind,
        width: int,
        field: str,
        side: Side = "review",
        index: int = 0,
    ) -> Column:
        return Column(key, header, kind, width, field, index, 2, side)

    return (
        col("review_answer", _("Reviewer's answer"), "value", 12, "review.answer"),
        col("review_count1", _("Reviewer's count 1"), "count", 10, "review.counts"),
        col("review_count2", _("Reviewer's count 2"), "count", 10, "review.counts", index=1),
        col(
            "review_not_counted",
            _("Reviewer: not counted, the justification"),
            "reason",
            24,
            "review.not_counted",
        ),
        col("review_note", _("Reviewer's note"), "text", 30, "review.note"),
        col("review_recommendation", _("Recommendation"), "text", 30, "review.recommendation"),
        col("review_by", _("Reviewed by"), "text", 18, "review.by"),
        col("appeal_status", _("Appeal status"), "status", 14, "review.appeal.status", "appeal"),
        col("appeal_reason", _("Appeal reason"), "text", 30, "review.appeal.reason", "appeal"),
        col(
            "review_response", _("Response to the appeal"), "text", 30, "review.response", "appeal"
        ),
    )


# the statuses an appeal may have, as model.assessment.Appeal declares them (reading sits
# below the models, so the workbook keeps its own copy; tests/test_layers.py checks that
# the two agree)
APPEAL_STATUSES: tuple[str, ...] = ("submitted", "accepted", "rejected", "withdrawn")


def appeal_labels() -> dict[str, str]:
    """Each appeal status's label in the current language (the workbook's dropdown; in
    English the status itself, as YAML writes it)."""
    return {
        "submitted": _("submitted"),
        "accepted": _("accepted"),
        "rejected": _("rejected"),
        "withdrawn": _("withdrawn"),
    }


def side_labels() -> dict[Side, str]:
    """The label over each group of columns (the row above the headers)."""
    return {
        "unit": _("Filled in by the unit"),
        "review": _("Review: filled in by the reviewer (TPI, APIP/Inspektorat, evaluator)"),
        "appeal": _("Appeal (sanggah): the unit's appeal, the reviewer's response"),
    }


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
