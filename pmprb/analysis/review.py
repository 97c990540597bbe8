"""The reviewer's side (issue 12): score either basis, and compare the two.

Pure functions. A basis is a transformation of the Assessment (its answers swapped for the
reviewer's where a review gives a value), so the engine scores either side unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from fractions import Fraction

from pmprb.analysis.engine import ItemResult, NodeResult, Result, score
from pmprb.model.assessment import Appeal, Assessment, Given, Reviewed


class Basis(StrEnum):
    """Whose answers are scored: the unit's own, the reviewer's (falling back to the
    unit's where there is no review value), or both side by side."""

    unit = "unit"
    review = "review"
    both = "both"


def on_basis(assessment: Assessment, basis: Basis | str) -> Assessment:
    """The assessment with the answers of one basis; `unit` returns it unchanged."""
    if Basis(basis) is Basis.unit or not assessment.reviews:
        return assessment
    answers = dict(assessment.answers)
    for qid, reviewed in assessment.reviews.items():
        if reviewed.given is not None:
            answers[qid] = reviewed.given
    return replace(assessment, answers=answers)


def reviewed_count(assessment: Assessment) -> int:
    """How many answers carry a review value."""
    return sum(r.given is not None for r in assessment.reviews.values())


@dataclass(frozen=True, slots=True)
class QuestionDelta:
    """One question whose review differs from the unit's answer, or carries advice."""

    id: str
    indicator: str
    unit: Given | None
    review: Given | None  # the reviewer's own value (None: the unit's answer stands)
    unit_points: Fraction | None  # None: under a published score
    review_points: Fraction | None
    reviewed: Reviewed

    @property
    def delta(self) -> Fraction | None:
        """Review points less unit points (negative: the reviewer gives less)."""
        if self.unit_points is None or self.review_points is None:
            return None
        return self.review_points - self.unit_points

    @property
    def differs(self) -> bool:
        """The reviewer's value is not the unit's (by value, or answered against blank)."""
        if self.review is None:
            return False
        if self.unit is None:
            return True
        return self.review.value != self.unit.value or self.review.display != self.unit.display

    @property
    def appeal(self) -> Appeal | None:
        """The unit's appeal, if any."""
        return self.reviewed.appeal


@dataclass(frozen=True, slots=True)
class Comparison:
    """Both results of one assessment and what differs between them."""

    unit: Result
    review: Result
    reviewed: int  # answers with a review value
    reviews: int  # review blocks (with or without a value)
    questions: tuple[QuestionDelta, ...]

    @property
    def delta(self) -> Fraction:
        """The exact index difference, review less unit."""
        return self.review.raw - self.unit.raw

    def node_pairs(self) -> list[tuple[NodeResult, NodeResult]]:
        """Every node of both trees, paired, depth first (the trees have the same shape)."""
        return list(zip(self.unit.root.walk(), self.review.root.walk(), strict=True))


def _items(root: NodeResult) -> dict[str, tuple[ItemResult, str]]:
    out: dict[str, tuple[ItemResult, str]] = {}
    for node in root.walk():
        for item in node.items:
            out[item.id] = (item, node.id)
    return out


def compare(assessment: Assessment) -> Comparison:
    """Score both bases and list the reviewed questions that differ or carry advice."""
    unit = score(assessment)
    review = score(on_basis(assessment, Basis.review))
    unit_items, review_items = _items(unit.root), _items(review.root)
    rows: list[QuestionDelta] = []
    for qid, (item, indicator) in unit_items.items():  # tree order
        reviewed = assessment.reviews.get(qid)
        if reviewed is None:
            continue
        other = review_items[qid][0]
        row = QuestionDelta(
            qid,
            indicator,
            item.answer,
            reviewed.given,
            item.points if item.known else None,
            other.points if other.known else None,
            reviewed,
        )
        if row.differs or reviewed.note or reviewed.recommendation or reviewed.appeal:
            rows.append(row)
    return Comparison(
        unit, review, reviewed_count(assessment), len(assessment.reviews), tuple(rows)
    )
