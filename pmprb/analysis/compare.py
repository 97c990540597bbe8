"""Two results of one unit compared: what `pmprb diff` shows (pure, no I/O).

API (also for other renderers, e.g. an HTML report):

    comparison = compare(old_result, new_result)

gives a `Comparison` with the index and category of both, `components` (the top-level
nodes) and `areas` as `Delta`s matched by id, `questions` (the ones improved, regressed,
newly answered or dropped, as `QuestionChange`s, in the new tree's order) and, when the
two rule sets differ, what could not be compared (`only_old` / `only_new`: ids present
on one side). Points are exact fractions; a value hidden under a published score is None.
Across rule sets a question or node is compared when its id exists in both; its points
are then each rule set's own (their maxima may differ, so `share` is given too); a
question whose maximum differs is called improved or regressed on its answer's value.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from pmprb.analysis.engine import AreaResult, ItemResult, NodeResult, Result

IMPROVED, REGRESSED, ANSWERED, DROPPED = "improved", "regressed", "answered", "dropped"
KINDS = (IMPROVED, REGRESSED, ANSWERED, DROPPED)


@dataclass(frozen=True, slots=True)
class Delta:
    """One component or area on both sides; points None when unknown."""

    id: str
    name: str
    old: Fraction | None
    new: Fraction | None
    old_max: Fraction
    new_max: Fraction

    @property
    def delta(self) -> Fraction | None:
        """New points minus old points (None when either is unknown)."""
        if self.old is None or self.new is None:
            return None
        return self.new - self.old

    @property
    def old_share(self) -> Fraction | None:
        return self.old / self.old_max if self.old is not None and self.old_max else None

    @property
    def new_share(self) -> Fraction | None:
        return self.new / self.new_max if self.new is not None and self.new_max else None


@dataclass(frozen=True, slots=True)
class QuestionChange:
    """A question whose points or answer changed: kind is one of KINDS."""

    id: str
    text: str
    kind: str
    old_answer: str | None
    new_answer: str | None
    old_points: Fraction
    new_points: Fraction

    @property
    def delta(self) -> Fraction:
        return self.new_points - self.old_points


@dataclass(frozen=True, slots=True)
class Side:
    """What cannot be compared: ids present only on one side."""

    components: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.components or self.areas or self.questions)


@dataclass(frozen=True, slots=True)
class Comparison:
    """OLD against NEW (see the module's docstring)."""

    old: Result
    new: Result
    components: tuple[Delta, ...]
    areas: tuple[Delta, ...]
    questions: tuple[QuestionChange, ...]
    only_old: Side
    only_new: Side
    unknown: tuple[str, ...]  # questions in both whose points a published score hides
    reweighted: tuple[str, ...] = ()  # questions in both with another maximum (by value)

    @property
    def same_rules(self) -> bool:
        """Both results use the same rule set (id and version)."""
        a, b = self.old.rules.rules, self.new.rules.rules
        return (a.id, a.version) == (b.id, b.version)

    @property
    def same_unit(self) -> bool:
        """Both files name the same unit code."""
        return self.old.assessment.unit.code == self.new.assessment.unit.code

    @property
    def index_delta(self) -> Decimal:
        return self.new.index - self.old.index

    def of(self, kind: str) -> tuple[QuestionChange, ...]:
        """The question changes of one kind."""
        return tuple(q for q in self.questions if q.kind == kind)


def _items(result: Result) -> dict[str, ItemResult]:
    return {i.id: i for node in result.root.walk() for i in node.items}


def _change(old: ItemResult, new: ItemResult) -> QuestionChange | None:
    before = old.answer is not None and not old.not_counted
    after = new.answer is not None and not new.not_counted
    if before and not after:
        kind = DROPPED
    elif after and not before:
        kind = ANSWERED
    elif not before:
        return None
    else:
        # same maximum: points decide; across rule sets with another maximum, the answer's
        # value in [0, 1] does (a new weight is not the unit's doing)
        same = old.maximum == new.maximum
        before_v = old.points if same else old.value
        after_v = new.points if same else new.value
        if after_v is None or before_v is None or after_v == before_v:
            return None
        kind = IMPROVED if after_v > before_v else REGRESSED
    return QuestionChange(
        new.id,
        new.text,
        kind,
        old.answer.display if old.answer is not None else None,
        new.answer.display if new.answer is not None else None,
        old.points,
        new.points,
    )


def _delta(then: NodeResult | AreaResult, now: NodeResult | AreaResult) -> Delta:
    """A component or area in both years (points unknown under a published score)."""
    return Delta(
        now.id,
        now.name,
        then.points if then.known else None,
        now.points if now.known else None,
        then.maximum,
        now.maximum,
    )


def compare(old: Result, new: Result) -> Comparison:
    """Compare two results (normally of one unit: say so when the codes differ)."""
    old_tops = {n.id: n for n in old.root.children}
    new_tops = {n.id: n for n in new.root.children}
    components = tuple(_delta(old_tops[n.id], n) for n in new.root.children if n.id in old_tops)
    old_areas = {a.id: a for a in old.areas}
    areas = tuple(_delta(old_areas[a.id], a) for a in new.areas if a.id in old_areas)
    old_items, new_items = _items(old), _items(new)
    changes: list[QuestionChange] = []
    unknown: list[str] = []
    reweighted: list[str] = []
    for qid, item in new_items.items():
        before = old_items.get(qid)
        if before is None:
            continue
        if not (before.known and item.known):
            unknown.append(qid)
            continue
        if before.maximum != item.maximum:
            reweighted.append(qid)
        found = _change(before, item)
        if found is not None:
            changes.append(found)
    new_areas = {a.id for a in new.areas}
    return Comparison(
        old,
        new,
        components,
        areas,
        tuple(changes),
        Side(
            tuple(i for i in old_tops if i not in new_tops),
            tuple(a for a in old_areas if a not in new_areas),
            tuple(q for q in old_items if q not in new_items),
        ),
        Side(
            tuple(i for i in new_tops if i not in old_tops),
            tuple(a.id for a in new.areas if a.id not in old_areas),
            tuple(q for q in new_items if q not in old_items),
        ),
        tuple(unknown),
        tuple(reweighted),
    )
