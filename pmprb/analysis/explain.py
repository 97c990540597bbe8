"""How a node's points are computed, down to each answer (`pmprb explain`). Pure.

Read from the result tree only (engine.NodeResult / ItemResult), so every figure shown is
the one the engine computed; `explain` re-derives nothing but the arithmetic that joins
them. Each node is one of a few rules (how its points come about); a new scoring
semantic (a multiplier, a line not counted, a rescaled group) is one more rule here and
one more factor on a term.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from pmprb.analysis.engine import ZERO, ItemResult, NodeResult, Result, exact_sum
from pmprb.model.rules import ChoiceScale, LoadedRules

Rule = Literal["sum", "mean", "published", "hidden"]


@dataclass(frozen=True, slots=True)
class Term:
    """One addend of a node's points: a child node, or a question of an indicator."""

    id: str
    name: str
    kind: Literal["node", "question"]
    weight: Decimal | None  # a node's printed weight
    maximum: Fraction  # its effective maximum
    points: Fraction | None  # None: under a published score, not computed
    answer: str | None = None  # a question: the answer as shown (None: unanswered)
    value: Fraction | None = None  # a question: the answer's value in [0, 1]
    normalise: str = ""  # how the value comes from the answer, e.g. (80 - 0) / (100 - 0)
    published: bool = False
    adjustment: bool = False  # a node: a signed correction added outside the weight shares
    direct: bool = False  # a question on a `points` scale: its value is its points
    not_counted: str = ""  # a question marked not counted: the justification (points 0)


@dataclass(frozen=True, slots=True)
class LineFigures:
    """A line (an indicator scored as the 2023 worksheets do): its questions' points added
    (`base`), times the unrounded share of the line it is multiplied by, then rounded."""

    base: Fraction
    multiply_by: str | None
    factor: Fraction | None  # the unrounded points / maximum of `multiply_by`
    unrounded: Fraction
    mode: str | None  # half_up, binary64; None: not rounded
    decimals: int | None


@dataclass(frozen=True, slots=True)
class RescaleFigures:
    """A `rescale: adjusted` group: raw points / adjusted weight x maximum, rounded half up."""

    raw: Fraction
    adjusted: Fraction
    places: int
    dropped: tuple[tuple[str, ItemResult], ...]  # (indicator, question) not counted

    def unrounded(self, maximum: Fraction) -> Fraction:
        """The rescaled points before rounding (0 when nothing is left to count)."""
        return self.raw / self.adjusted * maximum if self.adjusted > 0 else ZERO


@dataclass(frozen=True, slots=True)
class Explanation:
    """A node's points as the sum of its terms (or its published figure)."""

    node: NodeResult
    rule: Rule
    terms: tuple[Term, ...]
    parent: NodeResult | None  # None for the root
    weight_sum: Decimal | None  # the printed weights of the node and its siblings
    index: Decimal | None = None  # the root: the published (rounded) index
    precision: int = 2
    category: str | None = None
    aggregate: str = "mean"  # how the parent gives the node its maximum: mean or sum
    line: LineFigures | None = None
    rescale: RescaleFigures | None = None

    @property
    def total(self) -> Fraction | None:
        """The terms re-added: equal to the node's points unless it is published."""
        if any(t.points is None for t in self.terms):
            return None
        return exact_sum([t.points for t in self.terms if t.points is not None])

    @property
    def after_line(self) -> Fraction | None:
        """The terms re-added, times the multiplier's share: the line's unrounded points."""
        total = self.total
        if total is None or self.line is None:
            return total
        return total * self.line.factor if self.line.factor is not None else total


def _normalise(loaded: LoadedRules, item: ItemResult) -> str:
    """How a question's value follows from its answer (a choice's value, a range, a count)."""
    given = item.answer
    if given is None:
        return ""
    ref = loaded.questions[item.id]
    scale = ref.scale
    if isinstance(scale, ChoiceScale):
        return f"{given.display} = {exact(given.value)}"
    if given.not_counted:
        return ""
    if given.display.endswith("%") and ref.question.counts is not None:
        return f"{given.display} = {exact(given.value)}"
    if scale.normalise == "points":
        return ""
    if scale.min == 0 or scale.normalise == "ratio":
        return f"{given.display} / {scale.max}"
    return f"({given.display} - {scale.min}) / ({scale.max} - {scale.min})"


def _item_term(loaded: LoadedRules, item: ItemResult) -> Term:
    given = item.answer
    return Term(
        item.id,
        item.text,
        "question",
        None,
        item.maximum,
        item.points if item.known else None,
        given.display if given is not None else None,
        given.value if given is not None else None,
        _normalise(loaded, item),
        direct=given is not None and given.direct,
        not_counted=item.not_counted,
    )


def _node_term(loaded: LoadedRules, node: NodeResult) -> Term:
    spec = loaded.nodes.get(node.id)
    return Term(
        node.id,
        node.name,
        "node",
        node.weight,
        node.maximum,
        node.points if node.known else None,
        published=node.published,
        adjustment=spec is not None and spec.adjustment,
    )


def _weights(loaded: LoadedRules, parent: NodeResult) -> tuple[Decimal, str]:
    """What a child's weight is divided by (as rules._maxima does) and the parent's rule:
    a `sum` group its own weight, else the weights of the non-adjustment children."""
    spec = loaded.nodes.get(parent.id)
    if spec is not None and spec.aggregate == "sum":
        return Decimal(spec.weight), "sum"
    specs = [loaded.nodes[c.id] for c in parent.children]
    total = Decimal(sum((Decimal(n.weight) for n in specs if not n.adjustment), Decimal(0)))
    return (total or Decimal(1)), "mean"


def _line(loaded: LoadedRules, node: NodeResult) -> LineFigures | None:
    spec = loaded.lines.get(node.id)
    if spec is None or node.line is None:
        return None
    base, factor, unrounded = node.line
    rounding = spec.rounding
    return LineFigures(
        base,
        spec.multiply_by,
        factor,
        unrounded,
        rounding.mode if rounding is not None else None,
        rounding.decimals if rounding is not None else None,
    )


def _rescale(loaded: LoadedRules, node: NodeResult) -> RescaleFigures | None:
    if node.rescaled is None:
        return None
    raw, adjusted = node.rescaled
    dropped: list[tuple[str, ItemResult]] = []

    def visit(n: NodeResult) -> None:  # as the engine: not under a published score
        dropped.extend((n.id, i) for i in n.items if i.not_counted)
        for c in n.children:
            if not c.published:
                visit(c)

    if not node.published:
        visit(node)
    return RescaleFigures(raw, adjusted, loaded.rules.precision, tuple(dropped))


def find(result: Result, node_id: str) -> tuple[NodeResult, NodeResult | None] | None:
    """A node of the result tree and its parent, or None."""
    stack: list[tuple[NodeResult, NodeResult | None]] = [(result.root, None)]
    while stack:
        node, parent = stack.pop()
        if node.id == node_id:
            return node, parent
        stack.extend((c, node) for c in node.children)
    return None


def explain(result: Result, node_id: str = "root") -> Explanation | None:
    """The explanation of one node, or of a question's indicator (None: no such id)."""
    found = find(result, node_id)
    ref = result.rules.questions.get(node_id)
    if found is None and ref is not None:
        found = find(result, ref.indicator)
    if found is None:
        return None
    node, parent = found
    loaded = result.rules
    if not node.known:
        rule: Rule = "hidden"
    elif node.published:
        rule = "published"
    elif node.items:
        rule = "mean"
    else:
        rule = "sum"
    if node.children:
        terms = tuple(_node_term(loaded, c) for c in node.children)
    else:
        terms = tuple(_item_term(loaded, i) for i in node.items)
    weight_sum, aggregate = _weights(loaded, parent) if parent else (None, "mean")
    is_root = parent is None
    named = result.category
    return Explanation(
        node,
        rule,
        terms,
        parent,
        weight_sum,
        result.index if is_root else None,
        loaded.rules.precision,
        (f"{named[0]} ({named[1]})" if named else None) if is_root else None,
        aggregate,
        _line(loaded, node),
        _rescale(loaded, node),
    )


def node_ids(result: Result) -> list[str]:
    """Every node and question id, for a did-you-mean."""
    return [n.id for n in result.root.walk()] + list(result.rules.questions)


def terminates(value: Fraction) -> bool:
    """Whether the value has a finite decimal expansion (its denominator is 2^a 5^b)."""
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def exact(value: Fraction, places: int = 6) -> str:
    """An exact value as decimals: all of them when finite, else `places` of them with
    '...' and the exact fraction, so a hand check knows it is not rounded silently."""
    if terminates(value):
        digits = Decimal(value.numerator) / Decimal(value.denominator)
        text = format(digits.normalize(), "f")
        return text if text != "-0" else "0"
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    whole, _rest = divmod(magnitude.numerator * 10**places, magnitude.denominator)
    shown = str(whole).rjust(places + 1, "0")
    return f"{sign}{shown[:-places]}.{shown[-places:]}... ({value})"


def fraction_text(value: Fraction | None) -> str | None:
    """An exact value as 'n/d' (or 'n'), for machine outputs that must re-add exactly."""
    return None if value is None else str(value)


__all__ = [
    "ZERO",
    "Explanation",
    "LineFigures",
    "RescaleFigures",
    "Term",
    "exact",
    "explain",
    "find",
    "node_ids",
]
