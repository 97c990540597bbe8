"""The fewest answer changes that reach a target category (`pmprb plan`). Pure.

A change is one step up one option of a choice question (to the next option worth more;
a question left unanswered is worth 0, so answering it is its first step), or, where asked
for, one numeric answer raised (to the least 2-decimal value the plan needs; a count-based
question's percentage counts as a numeric answer).

The index is monotone non-decreasing in every step, and it splits into independent parts
whose points add up, each of which the plan scores exactly as the engine does:

- the questions of plain indicators (maximum x value) add up: one grouped knapsack over
  the number of changes gives, for each count, the largest gain they can make;
- a line (an indicator of the 2023 scheme: rounded on its own, a `points` scale) and the
  lines tied to it by `multiply_by` form one coupled part: for each count of changes in
  its own questions a line's best unrounded points are a small dynamic programme (in IEEE
  doubles, in the engine's order, for `binary64` rounding), and a line multiplied by
  another is solved for each count of changes of the line it is multiplied by;
- a group with `rescale: adjusted` is a monotone function (points / adjusted weight x
  weight, rounded) of its children's sum: its best for each count is that function of
  the best of its children;
- groups add their children (`mean`, `sum` and `plain_mean` change maxima, not the sum).

Combining the parts by count (a max-plus convolution) gives, for each count, the largest
index any set of that many changes reaches, so the least count whose index reaches the
target after the rule set's rounding is the least any plan needs. The plan is then scored
again by the engine, which must agree (exact: 60.004 rounds to 60.00 and does not reach
B); numeric raises are lowered one by one to the least 2-decimal value the engine still
confirms. The koefisien (an `adjustment`) is set by the evaluators and never changed, nor
is an answer marked not counted. Structures the decomposition cannot solve exactly are
refused by `unsupported`, located in the rule set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from math import floor, lcm

from pmprb.analysis.engine import (
    ItemResult,
    NodeResult,
    Result,
    official_double,
    rescale_points,
    round_half_up,
    round_line,
    score,
)
from pmprb.base.i18n import _
from pmprb.inputs.loader import Pending
from pmprb.model.assessment import Assessment, Given
from pmprb.model.rules import Band, ChoiceScale, LineRounding, LoadedRules, Node, NumberScale

# the most coupled-line evaluations one plan may make (a long `multiply_by` chain with many
# changes on each line multiplies them); beyond it the plan is refused, not guessed
WORK_LIMIT = 200_000


class PlanRefused(Exception):
    """The plan cannot be made exactly here; the message says why (shown to the user)."""


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
    numeric_left: int = 0  # numeric answers that could rise but were left out (no --numeric)


@dataclass(frozen=True, slots=True)
class _Option:
    """A question that may change: the gains of taking 1, 2, ... steps."""

    qid: str
    indicator: str
    steps: tuple[tuple[str, Fraction], ...]  # (answer after the step, cumulative gain)
    numeric: bool
    givens: tuple[Given, ...] = ()  # the answer after each step, as the loader builds it


Picks = list[tuple[_Option, int]]


def unsupported(loaded: LoadedRules) -> Pending | None:
    """Why a rule set cannot be planned for exactly, located at the node that says so.

    Lines tied by `multiply_by` are solved together at their lowest common group, which
    needs (1) no `rescale` group between a line and that group (the rescale's rounding
    would tie the coupled lines to everything else in it), (2) one kind of arithmetic for
    all of them (every line `binary64`, or none), and (3) no scale that can go below 0
    among them (a product is monotone only in non-negative factors).
    """
    paths: dict[str, tuple[str | int, ...]] = {}
    parents: dict[str, str] = {}

    def index(nodes: tuple[Node, ...], loc: tuple[str | int, ...], parent: str) -> None:
        for i, node in enumerate(nodes):
            paths[node.id] = (*loc, i)
            parents[node.id] = parent
            index(node.children or (), (*loc, i, "children"), node.id)

    index(loaded.rules.tree, ("tree",), "root")
    members = set(loaded.lines) | {
        n.multiply_by for n in loaded.nodes.values() if n.multiply_by is not None
    }
    for group in _groups(loaded, members, lambda _n: True):
        if len(group) < 2:
            continue
        anchor = _lowest_common(group, parents)
        for nid in sorted(group, key=lambda n: paths[n]):
            node = loaded.nodes[nid]
            up = parents[nid]
            while up != anchor:
                if loaded.nodes[up].rescale is not None:
                    message = _(
                        "pmprb plan cannot solve exactly a line multiplied across a rescaled "
                        "group: '{line}' and the lines tied to it by `multiply_by` are not all "
                        "inside '{group}'"
                    ).format(line=nid, group=up)
                    return Pending((*paths[up], "rescale"), "plan_unsupported", message, "key")
                up = parents[up]
            if _key(loaded, nid) != _key(loaded, min(group, key=lambda n: paths[n])):
                message = _(
                    "pmprb plan cannot solve exactly lines tied by `multiply_by` that round "
                    "differently ('{line}' and '{other}'): give them one `line_rounding` mode"
                ).format(line=nid, other=min(group, key=lambda n: paths[n]))
                return Pending((*paths[nid], "multiply_by"), "plan_unsupported", message, "key")
            for q in node.questions or ():
                scale = loaded.questions[q.id].scale
                if isinstance(scale, NumberScale) and scale.min < 0:
                    message = _(
                        "pmprb plan cannot solve exactly a line tied by `multiply_by` whose "
                        "question '{qid}' can score below 0"
                    ).format(qid=q.id)
                    where = (*paths[nid], "questions")
                    return Pending(where, "plan_unsupported", message, "key")
    return None


def _key(loaded: LoadedRules, nid: str) -> bool:
    """True when a line's points come from IEEE doubles (binary64 rounding)."""
    spec = loaded.lines.get(nid)
    rounding = spec.rounding if spec is not None else None
    return rounding is not None and rounding.mode == "binary64"


def _groups(loaded: LoadedRules, members: set[str], live: Callable[[str], bool]) -> list[set[str]]:
    """The lines tied together by `multiply_by` (edges to a `live` target only)."""
    parent = {m: m for m in members}

    def find(m: str) -> str:
        while parent[m] != m:
            parent[m] = parent[parent[m]]
            m = parent[m]
        return m

    for m in sorted(members):
        target = loaded.nodes[m].multiply_by
        if target is not None and target in parent and live(target):
            parent[find(m)] = find(target)
    out: dict[str, set[str]] = {}
    for m in sorted(members):
        out.setdefault(find(m), set()).add(m)
    return list(out.values())


def _lowest_common(group: set[str], parents: dict[str, str]) -> str:
    """The lowest node (or 'root') above or at every node of the group."""
    chains = []
    for nid in group:
        chain = [nid]
        while chain[-1] != "root":
            chain.append(parents[chain[-1]])
        chains.append(chain[::-1])
    common = "root"
    for level in zip(*chains, strict=False):
        if len(set(level)) != 1:
            break
        common = level[0]
    return common


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


def _number_given(scale: NumberScale, number: Decimal, old: Given | None) -> Given:
    """A numeric answer as the loader builds it from a number in the file."""
    evidence, note = (old.evidence, old.note) if old is not None else ((), "")
    shown = format(number, "f")
    return Given(shown, scale.value(number), evidence, note, scale.direct, number)


def _item_points(maximum: Fraction, given: Given | None) -> Fraction:
    if given is None:
        return Fraction(0)
    return given.value if given.direct else maximum * given.value


def _adjusted_indicators(loaded: LoadedRules) -> set[str]:
    """Indicators at or under an `adjustment` node (the koefisien): never planned."""
    out: set[str] = set()

    def visit(nodes: tuple[Node, ...], inside: bool) -> None:
        for node in nodes:
            here = inside or node.adjustment
            if here and node.questions:
                out.add(node.id)
            visit(node.children or (), here)

    visit(loaded.rules.tree, False)
    return out


def _options(
    result: Result,
    allowed: set[str] | None,
    fixed: frozenset[str],
    numeric: bool,
) -> tuple[list[_Option], int]:
    """The options, and how many numeric answers could rise but are not allowed to."""
    loaded = result.rules
    answers = result.assessment.answers
    skip = _adjusted_indicators(loaded)
    out: list[_Option] = []
    left = 0
    for node in _indicators(result.root):
        if node.id in skip:
            continue
        for item in node.items:
            if item.id in fixed or (allowed is not None and item.id not in allowed):
                continue
            if item.not_counted:
                continue  # the evaluators' decision, not an answer to raise
            ref = loaded.questions[item.id]
            scale = ref.scale
            old = answers.get(item.id)
            now = _item_points(item.maximum, old)
            value = item.value if item.value is not None else Fraction(0)
            if isinstance(scale, ChoiceScale):
                ladder = sorted(
                    {Fraction(v): label for label, v in reversed(scale.options.items())}.items()
                )
                evidence, note = (old.evidence, old.note) if old is not None else ((), "")
                steps = tuple(
                    (label, item.maximum * (v - value)) for v, label in ladder if v > value
                )
                givens = tuple(Given(label, v, evidence, note) for v, label in ladder if v > value)
                if steps:
                    out.append(_Option(item.id, node.id, steps, False, givens))
            elif value < scale.value(scale.max):
                if not numeric:
                    left += 1
                    continue
                # one raise, to the top; the plan lowers it to what is needed
                top = _number_given(scale, scale.max, old)
                gain = _item_points(item.maximum, top) - now
                out.append(_Option(item.id, node.id, ((top.display, gain),), True, (top,)))
    return out, left


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


# --- the parts of the index: for each count k of changes, the most each part can reach ---


class _Part:
    """values[k]: the most this part reaches with at most k changes (past the end: the
    last value); pick(k): the changes (option, steps) that reach values[k]."""

    values: list[Fraction]

    def pick(self, k: int) -> Picks:
        raise NotImplementedError


class _Knap(_Part):
    """Plain questions: their gains add up (the grouped knapsack)."""

    def __init__(self, opts: list[_Option], cap: int) -> None:
        self.opts = opts
        steps = sum(len(o.steps) for o in opts)
        self.values, self.choice = _knapsack(opts, min(cap, steps))

    def pick(self, k: int) -> Picks:
        out: Picks = []
        c = min(k, len(self.values) - 1)
        for i in range(len(self.opts) - 1, -1, -1):
            took = self.choice[i][c]
            if took:
                out.append((self.opts[i], took))
                c -= took
        return out


class _Sum(_Part):
    """Parts that add up: a max-plus convolution over the count of changes."""

    def __init__(self, base: Fraction, parts: list[_Part], cap: int) -> None:
        self.parts = parts
        acc = [base]
        self.took: list[list[int]] = []
        for part in parts:
            theirs = part.values
            size = min(cap, len(acc) + len(theirs) - 2)
            new: list[Fraction] = []
            took: list[int] = []
            for c in range(size + 1):
                best, best_j = None, 0
                for j in range(max(0, c - len(acc) + 1), min(c, len(theirs) - 1) + 1):
                    v = acc[c - j] + theirs[j]
                    if best is None or v > best:
                        best, best_j = v, j
                assert best is not None
                new.append(best)
                took.append(best_j)
            acc = new
            self.took.append(took)
        self.values = acc

    def pick(self, k: int) -> Picks:
        out: Picks = []
        c = min(k, len(self.values) - 1)
        for i in range(len(self.parts) - 1, -1, -1):
            j = self.took[i][c]
            if j:
                out.extend(self.parts[i].pick(j))
            c -= j
        return out


class _Rescale(_Part):
    """`rescale: adjusted`: a monotone function of its children's sum."""

    def __init__(self, inner: _Part, maximum: Fraction, adjusted: Fraction, precision: int):
        self.inner = inner
        self.values = [rescale_points(v, maximum, adjusted, precision) for v in inner.values]

    def pick(self, k: int) -> Picks:
        return self.inner.pick(k)


@dataclass
class _Line:
    """A line (or the indicator a line is multiplied by) with its questions' choices."""

    id: str
    maximum: Fraction
    rounding: LineRounding | None
    doubles: bool  # its points are computed in IEEE doubles (binary64)
    visible: bool  # its points count in the index (not under a published score)
    # per question in order: (steps, exact points, double points) per choice; None: the
    # question adds nothing (unanswered or not counted)
    choices: list[list[tuple[int, _Option | None, Fraction | None, float | None]]]
    children: list[_Line] = field(default_factory=list)
    base: list[tuple[Fraction | float, Picks]] = field(default_factory=list)

    def solve_base(self, cap: int) -> None:
        """base[k]: the most unrounded points its own questions reach with <= k changes,
        in the engine's order (a double sum is monotone in each of its terms)."""
        zero: Fraction | float = 0.0 if self.doubles else Fraction(0)
        best: list[tuple[Fraction | float, Picks]] = [(zero, [])]
        for choices in self.choices:
            new: list[tuple[Fraction | float, Picks] | None] = [None] * min(
                cap + 1, len(best) + max(s for s, *_r in choices)
            )
            for c, (have, picks) in enumerate(best):
                for steps, opt, exact, approx in choices:
                    if c + steps >= len(new):
                        continue
                    term = approx if self.doubles else exact
                    v = have if term is None else have + term
                    slot = new[c + steps]
                    if slot is None or v > slot[0]:
                        took = [*picks, (opt, steps)] if opt is not None and steps else picks
                        new[c + steps] = (v, took)
            # at most c changes: carry the best of fewer forward
            filled: list[tuple[Fraction | float, Picks]] = []
            for slot in new:
                if slot is None or (filled and filled[-1][0] >= slot[0]):
                    filled.append(filled[-1])
                else:
                    filled.append(slot)
            best = filled
        self.base = best

    def points(self, unrounded: Fraction | float) -> Fraction:
        """Its points as the engine counts them."""
        if self.rounding is None:
            assert isinstance(unrounded, Fraction)
            return unrounded
        if self.doubles:
            assert isinstance(unrounded, float)
            return round_line((Fraction(0), unrounded), self.rounding)
        assert isinstance(unrounded, Fraction)
        return round_line((unrounded, 0.0), self.rounding)


class _Coupled(_Part):
    """A line and the lines multiplied by it (recursively), for a given factor: for each
    count of its own changes, its points and the best of the lines below at that share."""

    def __init__(self, line: _Line, factor: Fraction | float | None, cap: int, work: list[int]):
        work[0] += len(line.base)
        if work[0] > WORK_LIMIT:
            raise PlanRefused(
                _(
                    "pmprb plan cannot solve exactly within its limits: the lines tied to "
                    "'{line}' by `multiply_by` allow too many combinations; use --max-changes, "
                    "--only or --fixed to narrow the search"
                ).format(line=line.id)
            )
        self.line = line
        self.below: list[_Sum] = []
        for own, _picks in line.base:
            unrounded = own if factor is None else own * factor
            mine = line.points(unrounded) if line.visible else Fraction(0)
            share = unrounded / (float(line.maximum) if line.doubles else line.maximum)
            parts: list[_Part] = [_Coupled(c, share, cap, work) for c in line.children]
            self.below.append(_Sum(mine, parts, cap))
        size = min(cap, max(k + len(s.values) - 1 for k, s in enumerate(self.below)))
        self.values = []
        self.took: list[int] = []
        for c in range(size + 1):
            best, best_k = None, 0
            for k in range(min(c, len(self.below) - 1) + 1):
                theirs = self.below[k].values
                v = theirs[min(c - k, len(theirs) - 1)]
                if best is None or v > best:
                    best, best_k = v, k
            assert best is not None
            self.values.append(best)
            self.took.append(best_k)

    def pick(self, k: int) -> Picks:
        c = min(k, len(self.values) - 1)
        own = self.took[c]
        return [*self.line.base[own][1], *self.below[own].pick(c - own)]


@dataclass
class _Model:
    """What the parts are built from."""

    result: Result
    cap: int
    options: dict[str, list[_Option]]  # indicator id -> its options, in tree order
    members: set[str]  # indicators solved as lines (coupled or alone)
    anchors: dict[str, list[_Line]]  # node id (or 'root') -> the coupled roots it holds
    work: list[int] = field(default_factory=lambda: [0])
    # questions whose steps add their gains to the index whatever else changes (plain
    # questions outside any rescaled group)
    additive: set[str] = field(default_factory=set)

    def region(self, nodes: tuple[NodeResult, ...], held: list[_Line], top: bool) -> _Sum:
        """The parts of a sum of nodes (and of the coupled lines anchored there); `top`:
        the sum is the index itself."""
        base = Fraction(0)
        opts: list[_Option] = []
        parts: list[_Part] = []
        cap = self.cap

        def visit(node: NodeResult) -> None:
            nonlocal base
            if node.published:
                base += node.points
                return
            here = self.anchors.get(node.id, [])
            if node.rescaled is not None:
                inner = self.region(node.children, here, False)
                adjusted = node.rescaled[1]
                precision = self.result.rules.rules.precision
                parts.append(_Rescale(inner, node.maximum, adjusted, precision))
                return
            for line in here:
                parts.append(self.coupled(line))
            if node.children:
                for child in node.children:
                    visit(child)
            elif node.id not in self.members:
                base += node.points
                opts.extend(self.options.get(node.id, ()))

        for line in held:
            parts.append(self.coupled(line))
        for node in nodes:
            visit(node)
        if top:
            self.additive.update(o.qid for o in opts)
        return _Sum(base, [_Knap(opts, cap), *parts], cap)

    def coupled(self, line: _Line) -> _Coupled:
        loaded = self.result.rules
        scores = self.result.assessment.scores
        target = loaded.nodes[line.id].multiply_by
        factor: Fraction | float | None = None
        if target is not None:  # a published line it is multiplied by: a fixed share
            if line.doubles:
                factor = float(scores[target]) / float(loaded.maxima[target])
            else:
                factor = scores[target] / loaded.maxima[target]
        return _Coupled(line, factor, self.cap, self.work)


def _model(result: Result, opts: list[_Option], cap: int) -> _Model:
    """Group the lines tied by `multiply_by` and anchor each group at its lowest common
    group, where its points add to the rest."""
    loaded = result.rules
    a = result.assessment
    by_node = {n.id: n for n in result.root.walk()}
    parents: dict[str, str] = {}
    for n in result.root.walk():
        for c in n.children:
            parents[c.id] = n.id
    by_indicator: dict[str, list[_Option]] = {}
    for o in opts:
        by_indicator.setdefault(o.indicator, []).append(o)
    members = {
        n
        for n in set(loaded.lines)
        | {x.multiply_by for x in loaded.nodes.values() if x.multiply_by is not None}
        if n not in a.scores
    }
    lines: dict[str, _Line] = {}
    for nid in members:
        node = by_node[nid]
        visible = node.known
        spec = loaded.lines.get(nid)
        rounding = spec.rounding if spec is not None else None
        doubles = rounding is not None and rounding.mode == "binary64"
        offered = {o.qid: o for o in by_indicator.get(nid, [])} if visible else {}
        choices = []
        for item in node.items:
            ref = loaded.questions[item.id]
            row: list[tuple[int, _Option | None, Fraction | None, float | None]] = []
            given = item.answer
            if given is None or given.not_counted:
                row.append((0, None, None, None))
            else:
                row.append((0, None, item.points, official_double(item, ref.scale)))
            opt = offered.get(item.id)
            for s, after in enumerate(opt.givens if opt is not None else (), 1):
                moved = ItemResult(item.id, item.text, item.scale, after, item.maximum, False)
                row.append((s, opt, moved.points, official_double(moved, ref.scale)))
            choices.append(row)
        lines[nid] = _Line(nid, loaded.maxima[nid], rounding, doubles, visible, choices)
    for line in lines.values():
        line.solve_base(cap)
    anchors: dict[str, list[_Line]] = {}
    for group in _groups(loaded, members, lambda t: t not in a.scores):
        seen = {n for n in group if by_node[n].known}
        for nid in sorted(group):
            target = loaded.nodes[nid].multiply_by
            if target is not None and target in lines:
                lines[target].children.append(lines[nid])
        if not seen:
            continue  # every line of it is under a published score: it counts nowhere
        (top,) = [n for n in group if loaded.nodes[n].multiply_by not in lines]
        anchor = _lowest_common(seen, parents)
        anchors.setdefault(anchor, []).append(lines[top])
    for line in lines.values():
        line.children.sort(key=lambda x: x.id)
    return _Model(result, cap, by_indicator, members, anchors)


def plan(
    result: Result,
    target: Band,
    max_changes: int | None = None,
    allowed: set[str] | None = None,
    fixed: frozenset[str] = frozenset(),
    numeric: bool = False,
) -> Plan:
    """The fewest changes (then the largest gain) that reach `target` from `result`.

    Raises PlanRefused when the rule set's structure cannot be solved exactly (see
    `unsupported`), or (a bug) when the engine does not confirm the plan's figures.
    """
    refused = unsupported(result.rules)
    if refused is not None:
        raise PlanRefused(refused.message)
    rs = result.rules.rules
    bands = rs.bands
    goal = threshold(target, bands.index(target) == 0, rs.precision)
    needed = goal - result.raw
    opts, left = _options(result, allowed, fixed, numeric)
    total_steps = sum(len(o.steps) for o in opts)
    cap = total_steps if max_changes is None else min(max_changes, total_steps)
    if needed <= 0:
        return Plan(target, result, (), (), True, result, Fraction(0), needed, len(opts), left)
    if "root" in result.assessment.scores:
        return Plan(target, result, (), (), False, None, Fraction(0), needed, len(opts), left)
    model = _model(result, opts, cap)
    root = model.region(result.root.children, model.anchors.get("root", []), True)
    best = root.values
    if best[0] != result.raw:
        raise PlanRefused(_unconfirmed())
    best_gain = best[-1] - result.raw
    count = next((c for c in range(len(best)) if best[c] >= goal), None)
    if count is None:
        return Plan(target, result, (), (), False, None, best_gain, needed, len(opts), left)
    picked = root.pick(count)
    chosen = {opt.qid: (opt, opt.givens[k - 1]) for opt, k in picked}
    top = score(_apply(result.assessment, {q: g for q, (_o, g) in chosen.items()}))
    if top.raw != best[count]:
        raise PlanRefused(_unconfirmed())
    chosen = _lower(result, chosen, picked, goal, top.raw, model.additive)
    changes = _ordered(result, picked, chosen, model.additive)
    running: list[Decimal] = []
    gained: list[Change] = []
    answers: dict[str, Given] = {}
    raw = result.raw
    # the index after each change: added up where every change adds its gain, else each
    # prefix scored by the engine; the whole plan always is
    added = all(ch.question in model.additive for ch, _g in changes)
    for ch, given in changes:
        answers[ch.question] = given
        now = raw + ch.gain if added else score(_apply(result.assessment, answers)).raw
        gained.append(replace(ch, gain=now - raw))
        running.append(round_half_up(now, rs.precision))
        raw = now
    final = score(_apply(result.assessment, answers))
    if final.raw != raw:
        raise PlanRefused(_unconfirmed())
    reached = final.band is not None and bands.index(final.band) >= bands.index(target)
    return Plan(
        target,
        result,
        tuple(gained),
        tuple(running),
        reached,
        final,
        best_gain,
        needed,
        len(opts),
        left,
    )


def _unconfirmed() -> str:
    return _(
        "pmprb plan could not confirm its plan with the engine (a fault in pmprb: please "
        "report it); use `pmprb explain` and `pmprb score` instead"
    )


def _lower(
    result: Result,
    chosen: dict[str, tuple[_Option, Given]],
    picked: Picks,
    goal: Fraction,
    reached: Fraction,
    additive: set[str],
) -> dict[str, tuple[_Option, Given]]:
    """Each numeric raise lowered, in turn, to the least 2-decimal value (or its scale's
    maximum) at which the index still reaches `goal`; the index is monotone in it, so a
    binary search over the hundredths finds it. `reached`: the index with every change
    (the engine's); a question in `additive` moves it by its own points, any other is
    tried by the engine."""
    loaded = result.rules
    out = dict(chosen)
    for opt, _k in picked:
        if not opt.numeric:
            continue
        ref = loaded.questions[opt.qid]
        scale = ref.scale
        assert isinstance(scale, NumberScale)
        old = result.assessment.answers.get(opt.qid)
        lo = _ceil(Fraction(scale.min) * 100)  # unanswered: any number is a change
        if old is not None:  # the least hundredth above the number it has now
            lo = max(lo, floor(_number_of(scale, old) * 100) + 1)
        hi = int(Fraction(scale.max) * 100)  # the hundredths at or below the maximum
        answers = {q: g for q, (_o, g) in out.items()}
        here = _item_points(ref.maximum, out[opt.qid][1])

        def given_at(h: int) -> Given:
            return _number_given(scale, Decimal(h).scaleb(-2), old)  # noqa: B023

        def index_at(h: int) -> Fraction:
            given = given_at(h)
            if opt.qid in additive:  # noqa: B023
                return reached - here + _item_points(ref.maximum, given)  # noqa: B023
            moved = {**answers, opt.qid: given}  # noqa: B023
            return score(_apply(result.assessment, moved)).raw

        if lo > hi or index_at(hi) < goal:
            continue  # only the maximum itself reaches: keep it
        while lo < hi:
            mid = (lo + hi) // 2
            if index_at(mid) >= goal:
                hi = mid
            else:
                lo = mid + 1
        reached = index_at(hi)
        out[opt.qid] = (opt, given_at(hi))
    return out


def _ceil(value: Fraction) -> int:
    return -floor(-value)


def _number_of(scale: NumberScale, given: Given) -> Fraction:
    """The number an answer stands for (a percentage from counts: its value's number)."""
    if given.number is not None:
        return Fraction(given.number)
    if scale.normalise == "points":
        return given.value
    if scale.normalise == "ratio":
        return given.value * Fraction(scale.max)
    return Fraction(scale.min) + given.value * (Fraction(scale.max) - Fraction(scale.min))


def _ordered(
    result: Result,
    picked: Picks,
    chosen: dict[str, tuple[_Option, Given]],
    additive: set[str],
) -> list[tuple[Change, Given]]:
    """Each step of each picked option as a change (numeric raises at their lowered value),
    biggest gain alone first, a question's steps in their order (B before A)."""
    answers = result.assessment.answers
    out: list[tuple[Change, Given]] = []
    for opt, k in picked:
        given = answers.get(opt.qid)
        before = given.display if given is not None else ""
        previous = result.raw
        steps = list(opt.givens[:k])
        if opt.numeric:
            steps = [chosen[opt.qid][1]]
        for after in steps:
            if opt.qid in additive:  # its points added to the index as it is now
                ref = result.rules.questions[opt.qid]
                now = _item_points(ref.maximum, given)
                alone = result.raw + _item_points(ref.maximum, after) - now
            else:
                alone = score(_apply(result.assessment, {opt.qid: after})).raw
            change = Change(opt.qid, opt.indicator, before, after.display, alone - previous)
            out.append((replace(change, numeric=opt.numeric), after))
            before = after.display
            previous = alone
    out.sort(key=lambda pair: (-pair[0].gain, pair[0].question, pair[0].after))
    return _in_step_order(out)


def _in_step_order(changes: list[tuple[Change, Given]]) -> list[tuple[Change, Given]]:
    """Biggest gains first, but a question's steps in their order (B before A)."""
    out: list[tuple[Change, Given]] = []
    pending = list(changes)
    while pending:
        for pair in pending:
            ch = pair[0]
            if not any(o.question == ch.question and o.after == ch.before for o, _g in pending):
                out.append(pair)
                pending.remove(pair)
                break
    return out


def _apply(assessment: Assessment, answers: dict[str, Given]) -> Assessment:
    """The assessment with these answers in place of its own."""
    return replace(assessment, answers={**assessment.answers, **answers})


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
