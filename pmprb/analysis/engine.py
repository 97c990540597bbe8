"""The scoring engine: pure functions from a rule set and an assessment to a result tree.

No I/O and no printing. All arithmetic is exact (fractions); only the published index is
rounded, half up, to the rule set's precision, and the category is decided on that value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import gcd
from typing import NamedTuple

from pmprb.model.assessment import Assessment, Given
from pmprb.model.rules import (
    Band,
    ChoiceScale,
    Condition,
    LineRounding,
    LoadedRules,
    Node,
    NumberScale,
    Predicate,
)

ZERO = Fraction(0)


# The result tree's records are named tuples, not frozen dataclasses: just as immutable,
# and built several times faster (a frozen dataclass sets each field through
# object.__setattr__), which counts when a batch builds ~300 of them per file.


class ItemResult(NamedTuple):
    """One question: its answer, value in [0, 1], and points out of its maximum."""

    id: str
    text: str
    scale: str
    answer: Given | None
    maximum: Fraction
    provisional: bool
    # False when the question is under a node whose score is published (its indicator
    # or above): its points were not computed and are shown nowhere
    known: bool = True

    @property
    def value(self) -> Fraction | None:
        """The answer's value in [0, 1], or None when unanswered."""
        return self.answer.value if self.answer is not None else None

    @property
    def points(self) -> Fraction:
        """The question's share of its indicator: maximum x value (0 when unanswered); on
        a `points` scale the value itself."""
        if self.answer is None:
            return ZERO
        return self.answer.value if self.answer.direct else self.maximum * self.answer.value

    @property
    def not_counted(self) -> str:
        """The justification when the answer marks the line not counted, else ""."""
        return self.answer.not_counted if self.answer is not None else ""


class NodeResult(NamedTuple):
    """One node of the tree with its points out of its effective maximum."""

    id: str
    name: str
    weight: Decimal
    area: str | None
    points: Fraction
    maximum: Fraction
    provisional: bool
    published: bool  # points come from the file's `scores`, not from answers
    known: bool  # False under a published node: its points were not computed (a published
    # node itself is known: its points are the published ones)
    children: tuple[NodeResult, ...] = ()
    items: tuple[ItemResult, ...] = ()
    # a `rescale: adjusted` group: its points before rescaling and its adjusted weight
    # (in the units of its maximum); None for every other node
    rescaled: tuple[Fraction, Fraction] | None = None
    meta: tuple[str, str] | None = None  # the rule set's param_id and evaluator, if any
    # a line (an indicator in `lines`): its questions' points added, the share it is
    # multiplied by (`multiply_by`; None without one) and its points before line rounding
    line: tuple[Fraction, Fraction | None, Fraction] | None = None

    @property
    def share(self) -> Fraction:
        """Attainment: points over maximum."""
        return self.points / self.maximum if self.maximum else ZERO

    def not_counted(self) -> list[tuple[str, ItemResult]]:
        """The answers marked not counted in this subtree: (indicator id, item)."""
        out: list[tuple[str, ItemResult]] = []
        for node in self.walk():
            out.extend((node.id, i) for i in node.items if i.not_counted)
        return out

    def walk(self) -> list[NodeResult]:
        """This node and every node below it, depth first."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


@dataclass(frozen=True, slots=True)
class AreaPart:
    """An area's points inside one component (the parent of the tagged node)."""

    component: str
    points: Fraction
    maximum: Fraction


@dataclass(frozen=True, slots=True)
class AreaResult:
    """An area of change summed over every node tagged with it.

    `known` is False when a tagged node lies under a published score: the area's points
    are then unknown (not the share of its visible part), and renderers show it as such.
    `points` sums the known parts, `maximum` every part; `parts` lists the known ones.
    """

    id: str
    name: str
    points: Fraction
    maximum: Fraction
    parts: tuple[AreaPart, ...]
    known: bool = True

    @property
    def share(self) -> Fraction:
        """Attainment: points over maximum (meaningful only when known)."""
        return self.points / self.maximum if self.maximum else ZERO


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """One predicate condition evaluated: its value against its threshold.

    `value` is the published figure the condition is decided on: points rounded half up
    to the rule set's precision, a share rounded to precision + 2 decimals (a percentage
    with `precision` decimals); `exact` is the unrounded value.
    """

    id: str
    name: str
    target: str
    value: Fraction
    threshold: Fraction
    is_share: bool
    exact: Fraction | None = None
    # False when the value is hidden by a published score (a node under one, or an area
    # with parts under one): the condition cannot be shown to hold
    known: bool = True

    @property
    def met(self) -> bool:
        """Thresholds are inclusive; an unknown value never meets one."""
        return self.known and self.value >= self.threshold

    @property
    def gap(self) -> Fraction:
        """How far below the threshold (0 when met)."""
        return max(self.threshold - self.value, ZERO)


@dataclass(frozen=True, slots=True)
class PredicateResult:
    """A predicate and each of its conditions."""

    id: str
    name: str
    conditions: tuple[ConditionResult, ...]
    # `requires_held`: the predicate the unit must already hold, and whether its answer
    # file records it (that one or a higher one); None when the predicate requires none
    requires: str | None = None
    held_ok: bool = True

    @property
    def thresholds_met(self) -> bool:
        """All conditions hold (whatever the unit already holds)."""
        return all(c.met for c in self.conditions)

    @property
    def met(self) -> bool:
        """All conditions hold and the predicate it requires is held."""
        return self.held_ok and self.thresholds_met

    @property
    def blocked(self) -> bool:
        """Every threshold is met but the predicate it requires is not held."""
        return not self.held_ok and self.thresholds_met


@dataclass(frozen=True, slots=True)
class Result:
    """The score of one assessment."""

    assessment: Assessment
    root: NodeResult
    raw: Fraction
    index: Decimal
    band: Band | None
    areas: tuple[AreaResult, ...]
    predicates: tuple[PredicateResult, ...]
    answered: int
    questions: int  # questions that count (not under a published node)

    @property
    def rules(self) -> LoadedRules:
        """The rule set used."""
        return self.assessment.rules

    @property
    def unanswered(self) -> int:
        """Questions that count but have no answer."""
        return self.questions - self.answered

    @property
    def reached(self) -> PredicateResult | None:
        """The highest predicate whose conditions all hold."""
        return next((p for p in self.predicates if p.met), None)

    @property
    def category(self) -> tuple[str, str] | None:
        """What the result is called: its band (id, name), else the predicate reached."""
        if self.band is not None:
            return self.band.id, self.band.name
        reached = self.reached
        return (reached.id, reached.name) if reached is not None else None

    def provisional_nodes(self) -> list[NodeResult]:
        """Highest nodes whose provisional weights this result depends on."""
        out: list[NodeResult] = []

        def visit(node: NodeResult) -> None:
            if node.published:
                return
            if node.provisional:
                out.append(node)
                return
            for child in node.children:
                visit(child)

        for top in self.root.children:
            visit(top)
        return out


def round_half_up(value: Fraction, precision: int) -> Decimal:
    """Round an exact value half up to `precision` decimals (as published)."""
    quantum = Decimal(1).scaleb(-precision)
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(quantum, rounding=ROUND_HALF_UP)


def band_for(bands: tuple[Band, ...], value: Decimal) -> Band | None:
    """The band of a rounded value: min < value <= max; the lowest band includes its min."""
    for i, band in enumerate(bands):
        if band.min < value <= band.max or (i == 0 and value == band.min):
            return band
    return None


def exact_sum(values: Iterable[Fraction]) -> Fraction:
    """The exact sum of fractions, added as integers over a common denominator.

    Same value as sum(values, Fraction(0)), without a Fraction (and its gcd) per step:
    scoring adds a few hundred fractions per file whose denominators are mostly equal.
    """
    num, den = 0, 1
    for v in values:
        n, d = v.numerator, v.denominator
        if d == den:
            num += n
            continue
        g = gcd(den, d)
        if g == d:
            num += n * (den // d)
        else:
            m = den // g
            num = num * (d // g) + n * m
            den = m * d
    return Fraction(num, den)


def _unrounded(
    node_id: str, assessment: Assessment, memo: dict[str, tuple[Fraction, float]]
) -> tuple[Fraction, float]:
    """An indicator's points before line rounding, exactly and as the official system's
    IEEE doubles: value / max x weight per question, times the share of the indicator it
    is multiplied by (`multiply_by`; rule checks exclude cycles). A published indicator
    counts at its published points."""
    if node_id in memo:
        return memo[node_id]
    loaded = assessment.rules
    if node_id in assessment.scores:
        exact = assessment.scores[node_id]
        memo[node_id] = exact, float(exact)
        return memo[node_id]
    node = loaded.nodes[node_id]
    exact, approx = ZERO, 0.0
    for q in node.questions or ():
        given = assessment.answers.get(q.id)
        if given is None or given.not_counted:
            continue
        ref = loaded.questions[q.id]
        item = ItemResult(q.id, q.text, q.scale, given, ref.maximum, ref.provisional)
        exact += item.points
        approx += official_double(item, ref.scale)
    target = node.multiply_by
    if target is not None:
        t_exact, t_approx = _unrounded(target, assessment, memo)
        t_max = loaded.maxima[target]
        exact *= t_exact / t_max
        approx *= t_approx / float(t_max)
    memo[node_id] = exact, approx
    return exact, approx


def official_double(item: ItemResult, scale: ChoiceScale | NumberScale) -> float:
    """A question's points computed in binary64 in the order the official system uses."""
    given = item.answer
    assert given is not None
    if isinstance(scale, NumberScale) and given.number is not None:
        v = float(given.number)
        if scale.normalise == "points":
            return v
        if scale.normalise == "ratio":
            return v / float(scale.max) * float(item.maximum)
        low = float(scale.min)
        return (v - low) / (float(scale.max) - low) * float(item.maximum)
    return float(item.points)


def round_line(points: tuple[Fraction, float], rounding: LineRounding) -> Fraction:
    """A line's points as the official worksheet stores them."""
    if rounding.mode == "half_up":
        return Fraction(round_half_up(points[0], rounding.decimals))
    quantum = Decimal(1).scaleb(-rounding.decimals)
    return Fraction(Decimal(points[1]).quantize(quantum, rounding=ROUND_HALF_UP))


def rescale_points(
    points: Fraction, maximum: Fraction, adjusted: Fraction, precision: int
) -> Fraction:
    """`rescale: adjusted`: points / adjusted weight x maximum, rounded half up."""
    if adjusted <= 0:
        return ZERO
    return Fraction(round_half_up(points / adjusted * maximum, precision))


def _node_result(
    node: Node,
    under_published: bool,
    assessment: Assessment,
    counted: list[int],
    memo: dict[str, tuple[Fraction, float]] | None = None,
) -> NodeResult:
    """Score a node and everything below it; `counted` collects questions and answers.

    A module-level function rather than a closure inside score(): a closure that calls
    itself is a reference cycle holding the answers, left for the cyclic GC to free.
    `memo` keeps indicators' unrounded points for lines multiplied by them.
    """
    loaded = assessment.rules
    published = assessment.scores
    maximum = loaded.maxima[node.id]
    is_published = node.id in published
    hidden = under_published or is_published
    children: tuple[NodeResult, ...] = ()
    items: tuple[ItemResult, ...] = ()
    rescaled: tuple[Fraction, Fraction] | None = None
    line: tuple[Fraction, Fraction | None, Fraction] | None = None
    if node.children is not None:
        children = tuple(_node_result(c, hidden, assessment, counted, memo) for c in node.children)
        points = exact_sum([c.points for c in children])
    else:
        answers = assessment.answers
        refs = loaded.questions
        built = []
        values = []
        per_item = ZERO  # every question of an indicator has the same maximum
        for q in node.questions or ():
            given = answers.get(q.id)
            if given is not None:
                values.append(given.value)
            if not hidden:
                counted[0] += 1
                counted[1] += given is not None
            ref = refs[q.id]
            per_item = ref.maximum
            built.append(
                ItemResult(q.id, q.text, q.scale, given, per_item, ref.provisional, not hidden)
            )
        items = tuple(built)
        spec = loaded.lines.get(node.id)
        if spec is None:
            # weight x mean of the question values (unanswered ones count as 0)
            points = per_item * exact_sum(values)
        else:
            memo = memo if memo is not None else {}
            unrounded = _unrounded(node.id, assessment, memo)
            factor = None
            if spec.multiply_by is not None:
                factor = memo[spec.multiply_by][0] / loaded.maxima[spec.multiply_by]
            base = exact_sum([i.points for i in built if i.answer is not None])
            line = base, factor, unrounded[0]
            rounding = spec.rounding
            points = unrounded[0] if rounding is None else round_line(unrounded, rounding)
    if is_published:
        points = published[node.id]
    if node.rescale is not None and not (is_published and node.id not in assessment.adjusted):
        # points / adjusted weight x maximum; a plain published number is already final
        if is_published:
            adjusted = assessment.adjusted[node.id] * maximum / Fraction(node.weight)
        else:
            dropped = [i.maximum for _n, i in _not_counted_items(children)]
            adjusted = maximum - exact_sum(dropped)
        rescaled = points, adjusted
        points = rescale_points(points, maximum, adjusted, loaded.rules.precision)
    return NodeResult(
        node.id,
        node.name,
        node.weight,
        node.area,
        points,
        maximum,
        node.id in loaded.provisional,
        is_published,
        not under_published,
        children,
        items,
        rescaled,
        (node.param_id or "", node.evaluator) if node.param_id or node.evaluator else None,
        line,
    )


def _not_counted_items(children: tuple[NodeResult, ...]) -> list[tuple[str, ItemResult]]:
    """Answers marked not counted below these nodes, except under a published score."""
    out: list[tuple[str, ItemResult]] = []
    for child in children:
        if child.published:
            continue
        out.extend((child.id, i) for i in child.items if i.not_counted)
        out.extend(_not_counted_items(child.children))
    return out


def score(assessment: Assessment) -> Result:
    """Score one validated assessment against its rule set."""
    loaded = assessment.rules
    rs = loaded.rules
    published = assessment.scores
    counted = [0, 0]  # questions that count, answered ones
    hidden = "root" in published
    memo: dict[str, tuple[Fraction, float]] = {}
    tops = tuple(_node_result(n, hidden, assessment, counted, memo) for n in rs.tree)
    raw = published.get("root", exact_sum([t.points for t in tops]))
    root = NodeResult(
        "root",
        rs.title,
        Decimal(rs.total),
        None,
        raw,
        loaded.maxima["root"],
        "root" in loaded.provisional,
        "root" in published,
        True,
        tops,
    )
    index = round_half_up(raw, rs.precision)
    areas = _areas(loaded, root)
    predicates = tuple(
        _held(p, _predicate(p, root, areas, rs.precision), assessment) for p in rs.predicates
    )
    return Result(
        assessment,
        root,
        raw,
        index,
        band_for(rs.bands, index),
        areas,
        predicates,
        counted[1],
        counted[0],
    )


def _areas(loaded: LoadedRules, root: NodeResult) -> tuple[AreaResult, ...]:
    """Sum each area over its tagged nodes; an area with a part under a published score
    is unknown. Area tags do not nest (the rule set check refuses it)."""
    parts: dict[str, list[AreaPart]] = {a.id: [] for a in loaded.rules.areas}
    maxima: dict[str, list[Fraction]] = {a.id: [] for a in loaded.rules.areas}
    hidden: set[str] = set()

    # depth first, in tree order
    stack = [(top, root) for top in reversed(root.children)]
    while stack:
        node, parent = stack.pop()
        if node.area is not None:
            maxima[node.area].append(node.maximum)
            if node.known:
                parts[node.area].append(AreaPart(parent.id, node.points, node.maximum))
            else:
                hidden.add(node.area)
        else:
            stack.extend((child, node) for child in reversed(node.children))
    return tuple(
        AreaResult(
            a.id,
            a.name,
            exact_sum([p.points for p in parts[a.id]]),
            exact_sum(maxima[a.id]),
            tuple(parts[a.id]),
            a.id not in hidden,
        )
        for a in loaded.rules.areas
    )


def _held(pred: Predicate, result: PredicateResult, assessment: Assessment) -> PredicateResult:
    """A predicate that requires one already held (WBBM after WBK): the answer file's
    `held` names it or a predicate above it. Nothing is inferred from other files."""
    need = pred.requires_held
    if need is None:
        return result
    order = [p.id for p in assessment.rules.rules.predicates]
    held = assessment.held
    ok = held is not None and held.predicate in order[: order.index(need) + 1]
    return replace(result, requires=need, held_ok=ok)


def _predicate(
    pred: Predicate,
    root: NodeResult,
    areas: tuple[AreaResult, ...],
    precision: int,
) -> PredicateResult:
    """Evaluate each condition on the published (rounded) value, as the index is."""
    by_id = {n.id: n for n in root.walk()}
    out: list[ConditionResult] = []

    def result(cond: Condition, target: str, exact: Fraction, known: bool) -> ConditionResult:
        is_share = cond.min_share is not None
        threshold = Fraction(cond.min_share if is_share else cond.min_points)  # type: ignore[arg-type]
        if not known:
            return ConditionResult(
                cond.id, cond.name, target, ZERO, threshold, is_share, None, False
            )
        shown = Fraction(round_half_up(exact, precision + 2 if is_share else precision))
        return ConditionResult(cond.id, cond.name, target, shown, threshold, is_share, exact)

    for cond in pred.conditions:
        share = cond.min_share is not None
        if cond.node is not None:
            node = by_id[cond.node]
            out.append(result(cond, node.id, node.share if share else node.points, node.known))
            continue
        for area in areas:
            if area.maximum:  # an area no node is tagged with has nothing to check
                out.append(result(cond, area.id, area.share if share else area.points, area.known))
    return PredicateResult(pred.id, pred.name, tuple(out))


@dataclass(frozen=True, slots=True)
class Gain:
    """A question whose improvement would gain points."""

    item: ItemResult
    node: NodeResult  # the indicator holding it
    gain: Fraction


def improvements(result: Result, limit: int = 10) -> list[Gain]:
    """Questions whose full marks would gain the most points (ruang perbaikan)."""
    gains: list[Gain] = []
    nodes = result.rules.nodes

    def visit(node: NodeResult) -> None:
        if node.published or (node.id in nodes and nodes[node.id].adjustment):
            return  # an adjustment (the koefisien) is set by the evaluators, not earned
        for child in node.children:
            visit(child)
        for item in node.items:
            if item.not_counted:
                continue  # a line not counted cannot gain points
            gain = item.maximum - item.points
            if gain > 0:
                gains.append(Gain(item, node, gain))

    visit(result.root)
    gains.sort(key=lambda g: (-g.gain, g.item.id))
    return gains[:limit]


def next_band(result: Result) -> tuple[Band, Decimal] | None:
    """The next category up and the points needed to reach it (on the rounded index)."""
    bands = result.rules.rules.bands
    if result.band is None:
        return None
    i = bands.index(result.band)
    if i + 1 >= len(bands):
        return None
    step = Decimal(1).scaleb(-result.rules.rules.precision)
    # left-open: the next band starts just above its min
    return bands[i + 1], bands[i + 1].min + step - result.index


def next_predicate(result: Result) -> PredicateResult | None:
    """The predicate to look at next: the one above the reached one, else the lowest one."""
    # the reached one itself when it is the highest; None for a rule set without predicates
    preds = result.predicates
    if not preds:
        return None
    reached = result.reached
    if reached is None:
        return preds[-1]
    i = next(i for i, p in enumerate(preds) if p is reached)
    return preds[i - 1] if i > 0 else reached


def weak_areas(result: Result, limit: int = 3) -> list[AreaResult]:
    """Areas with the lowest attainment (known parts only)."""
    known = [a for a in result.areas if a.known and a.maximum]
    known.sort(key=lambda a: (a.share, a.id))
    return known[:limit]
