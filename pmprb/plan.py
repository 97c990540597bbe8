"""The fewest answer changes that reach a target category (`pmprb plan`). Pure.

A change is one step up one option of a choice question (to the next option worth more;
a question left unanswered is worth 0, so answering it is its first step), or, where asked
for, one numeric answer raised (to the least 2-decimal value the plan needs; a count-based
question's percentage counts as a numeric answer). The index
is a sum of question points (maximum x value) under nodes that are not published, so a
set of changes gains the sum of its gains; a grouped knapsack over the number of changes
finds, for each count, the largest gain it can make, and the plan is the smallest count
whose gain reaches the target after the rule set's rounding. The plan is then scored
again by the engine (exact: 60.004 rounds to 60.00 and does not reach B).

Rule sets using the 2023 line semantics (multipliers, line rounding, adjustments, `sum`
groups, rescaling) break the sum-of-gains model; `unsupported` names where, and the CLI
refuses them (exit 2) rather than print a plan the engine would not confirm.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from math import lcm

from .assessment import Assessment, Given
from .engine import NodeResult, Result, round_half_up, score
from .i18n import _
from .loader import Pending
from .rules import Band, ChoiceScale, LoadedRules, Node, NumberScale


@dataclass(frozen=True, slots=True)
class Change:
    """One change: a question's answer from one value to the next."""

    question: str
    indicator: str
    before: str  # the answer as shown ('' when unanswered)
    after: str
    gain: Fraction  # points gained by this change
    numeric: bool = False


@dataclass(frozen=True, slots=True)
class Plan:
    """The changes in order, each with the index after it, or why none reaches."""

    target: Band
    start: Result
    changes: tuple[Change, ...]
    running: tuple[Decimal, ...]  # the rounded index after each change
    reached: bool
    final: Result | None  # the engine's score of the changed answers
    best_gain: Fraction  # the most the allowed changes can gain (for the unreachable case)
    needed: Fraction  # exact points needed on the unrounded index
    candidates: int  # questions that may change


@dataclass(frozen=True, slots=True)
class _Option:
    """A question that may change: the gains of taking 1, 2, ... steps."""

    qid: str
    indicator: str
    steps: tuple[tuple[str, Fraction], ...]  # (answer after the step, cumulative gain)
    numeric: bool


def unsupported(loaded: LoadedRules) -> Pending | None:
    """Why a rule set cannot be planned for, located at the first node that says so.

    The plan's knapsack assumes the index is the sum of its questions' points (maximum x
    value). The 2023 line semantics break that: a line multiplied by another's share,
    points rounded per line, a signed adjustment (the koefisien, which only lowers the
    index), a `sum` group under a rescaled one whose factor moves with not-counted lines.
    Until the plan models them, such a rule set is refused rather than planned wrongly.
    """
    rs = loaded.rules
    if rs.line_rounding is not None:
        return Pending(("line_rounding",), "plan_unsupported", _why("line_rounding"), "key")

    def visit(nodes: tuple[Node, ...], loc: tuple[str | int, ...]) -> Pending | None:
        for i, node in enumerate(nodes):
            here = (*loc, i)
            for key, used in (
                ("line_rounding", node.line_rounding is not None),
                ("multiply_by", node.multiply_by is not None),
                ("rescale", node.rescale is not None),
                ("adjustment", node.adjustment),
                ("aggregate", node.aggregate == "sum"),
            ):
                if used:
                    return Pending((*here, key), "plan_unsupported", _why(key), "key")
            if node.id in loaded.lines:  # a `points` scale: the answer is the points
                return Pending((*here, "questions"), "plan_unsupported", _why("points"), "key")
            found = visit(node.children or (), (*here, "children"))
            if found is not None:
                return found
        return None

    return visit(rs.tree, ("tree",))


def _why(feature: str) -> str:
    return _(
        "pmprb plan does not support rule sets that use `{feature}` (the Evaluasi RB 2023+ "
        "line semantics): a plan could miss its target; use `pmprb explain` and "
        "`pmprb score` instead"
    ).format(feature=feature)


def threshold(target: Band, lowest: bool, precision: int) -> Fraction:
    """The least unrounded index that reaches the band: above its min after rounding half
    up (a band is left-open except the lowest, which includes its min)."""
    low = Fraction(target.min)
    if lowest:
        return low - Fraction(1, 2 * 10**precision)  # rounds to the min itself
    return low + Fraction(1, 2 * 10**precision)


def _indicators(root: NodeResult) -> list[NodeResult]:
    """Indicators whose points are computed (not published, not under a published node)."""
    out: list[NodeResult] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.published or not node.known:
            continue
        if node.items:
            out.append(node)
        stack.extend(reversed(node.children))
    return out


def _number_text(value: Fraction, scale: NumberScale) -> Decimal:
    """The smallest 2-decimal number at or above the exact value (a raise that reaches)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return min(exact.quantize(Decimal("0.01"), rounding=ROUND_CEILING), scale.max)


def options(
    result: Result,
    allowed: set[str] | None = None,
    fixed: frozenset[str] = frozenset(),
    numeric: bool = False,
) -> list[_Option]:
    """Every question that may change, with the gains of its steps."""
    loaded = result.rules
    out: list[_Option] = []
    for node in _indicators(result.root):
        for item in node.items:
            if item.id in fixed or (allowed is not None and item.id not in allowed):
                continue
            ref = loaded.questions[item.id]
            scale = ref.scale
            value = item.value if item.value is not None else Fraction(0)
            if isinstance(scale, ChoiceScale):
                ladder = sorted(
                    {Fraction(v): label for label, v in reversed(scale.options.items())}.items()
                )
                steps = tuple(
                    (label, item.maximum * (v - value)) for v, label in ladder if v > value
                )
                if steps:
                    out.append(_Option(item.id, node.id, steps, False))
            elif numeric and value < 1:
                # one raise, to the top; the plan lowers it to what is needed
                top = format(scale.max, "f")
                out.append(_Option(item.id, node.id, ((top, item.maximum * (1 - value)),), True))
    return out


def _knapsack(opts: list[_Option], cap: int) -> tuple[list[Fraction], list[list[int]]]:
    """best[c]: the largest gain with at most c changes; choice[i][c]: steps of option i."""
    den = lcm(1, *(g.denominator for o in opts for _l, g in o.steps))
    best = [0] * (cap + 1)
    choice: list[list[int]] = []
    for o in opts:
        gains = [0, *(g.numerator * (den // g.denominator) for _l, g in o.steps)]
        new = best[:]
        took = [0] * (cap + 1)
        for c in range(cap + 1):
            for k in range(1, min(len(gains) - 1, c) + 1):
                v = best[c - k] + gains[k]
                if v > new[c]:
                    new[c], took[c] = v, k
        best = new
        choice.append(took)
    return [Fraction(b, den) for b in best], choice


def plan(
    result: Result,
    target: Band,
    max_changes: int | None = None,
    allowed: set[str] | None = None,
    fixed: frozenset[str] = frozenset(),
    numeric: bool = False,
) -> Plan:
    """The fewest changes (then the largest gain) that reach `target` from `result`."""
    rs = result.rules.rules
    bands = rs.bands
    needed = threshold(target, bands.index(target) == 0, rs.precision) - result.raw
    opts = options(result, allowed, fixed, numeric)
    total_steps = sum(len(o.steps) for o in opts)
    cap = total_steps if max_changes is None else min(max_changes, total_steps)
    if needed <= 0:
        return Plan(target, result, (), (), True, result, Fraction(0), needed, len(opts))
    best, choice = _knapsack(opts, cap)
    count = next((c for c in range(cap + 1) if best[c] >= needed), None)
    if count is None or "root" in result.assessment.scores:
        return Plan(target, result, (), (), False, None, best[cap], needed, len(opts))
    # walk back through the table: the steps of each option in the plan
    picked: list[tuple[_Option, int]] = []
    c = count
    for i in range(len(opts) - 1, -1, -1):
        k = choice[i][c]
        if k:
            picked.append((opts[i], k))
            c -= k
    changes = _changes(result, picked, best[count] - needed)
    changes.sort(key=lambda ch: (-ch.gain, ch.question, ch.after))
    changes = _in_step_order(changes)
    running: list[Decimal] = []
    raw = result.raw
    for ch in changes:
        raw += ch.gain
        running.append(round_half_up(raw, rs.precision))
    final = score(_apply(result.assessment, changes))
    reached = final.band is not None and bands.index(final.band) >= bands.index(target)
    return Plan(
        target, result, tuple(changes), tuple(running), reached, final, best[cap], needed, len(opts)
    )


def _changes(result: Result, picked: list[tuple[_Option, int]], slack: Fraction) -> list[Change]:
    """Each step of each picked option as a change; a numeric raise keeps what is needed."""
    loaded = result.rules
    answers = result.assessment.answers
    out: list[Change] = []
    for opt, k in picked:
        given = answers.get(opt.qid)
        before = given.display if given is not None else ""
        previous = Fraction(0)
        for label, gain in opt.steps[:k]:
            after = label
            step_gain = gain - previous
            if opt.numeric and slack > 0:
                ref = loaded.questions[opt.qid]
                assert isinstance(ref.scale, NumberScale)
                scale = ref.scale
                value = given.value if given is not None else Fraction(0)
                keep = max(step_gain - slack, Fraction(0))
                wanted = value + keep / ref.maximum  # value in [0, 1] needed
                number = _number_text(
                    Fraction(scale.min) + wanted * (Fraction(scale.max) - Fraction(scale.min)),
                    scale,
                )
                after = format(number, "f")
                step_gain = ref.maximum * (scale.value(number) - value)
                slack = max(slack - (gain - previous - step_gain), Fraction(0))
            out.append(Change(opt.qid, opt.indicator, before, after, step_gain, opt.numeric))
            before = after
            previous = gain
    return out


def _in_step_order(changes: list[Change]) -> list[Change]:
    """Biggest gains first, but a question's steps in their order (B before A)."""
    out: list[Change] = []
    pending = list(changes)
    while pending:
        for ch in pending:
            if not any(o.question == ch.question and o.after == ch.before for o in pending):
                out.append(ch)
                pending.remove(ch)
                break
    return out


def _apply(assessment: Assessment, changes: list[Change]) -> Assessment:
    """The assessment with each change's final answer (checked against its scale)."""
    loaded = assessment.rules
    answers = dict(assessment.answers)
    for ch in changes:
        ref = loaded.questions[ch.question]
        scale = ref.scale
        old = answers.get(ch.question)
        evidence, note = (old.evidence, old.note) if old is not None else ((), "")
        if isinstance(scale, ChoiceScale):
            hit = scale.read(ch.after)
            assert hit is not None
            answers[ch.question] = Given(hit[0], hit[1], evidence, note)
        else:
            number = Decimal(ch.after)
            answers[ch.question] = Given(ch.after, scale.value(number), evidence, note)
    return replace(assessment, answers=answers)


def questions_under(result: Result, ids: list[str]) -> tuple[set[str], list[str]]:
    """The questions under the given area ids, node ids or question ids; and the unknown."""
    loaded = result.rules
    areas = {a.id for a in loaded.rules.areas}
    found: set[str] = set()
    unknown: list[str] = []
    for wanted in ids:
        if wanted in loaded.questions:
            found.add(wanted)
            continue
        hit = False
        stack: list[tuple[NodeResult, bool]] = [(result.root, False)]
        while stack:
            node, inside = stack.pop()
            inside = inside or node.id == wanted or (wanted in areas and node.area == wanted)
            if inside:
                hit = True
                found.update(i.id for i in node.items)
            stack.extend((c, inside) for c in node.children)
        if not hit:
            unknown.append(wanted)
    return found, unknown
