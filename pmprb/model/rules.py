"""Rule sets: the pydantic schema of record, cross-checks, and the bundled catalogue."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pmprb.base import numbers
from pmprb.base.errors import Problem, ProblemsError, RulesError
from pmprb.base.escape import path as display_path
from pmprb.base.i18n import _
from pmprb.inputs.loader import Loc, Pending, locate, parse, pydantic_pending, suggest

NodeId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=120)]
Weight = Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]
Unit01 = Annotated[Decimal, Field(ge=0, le=1, allow_inf_nan=False)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Provenance(_Model):
    """Where a number comes from: verified in a source, inferred, or a provisional placeholder."""

    status: Literal["verified", "inferred", "provisional"] = Field(
        description="verified: printed in a source; inferred: consistent with sources; "
        "provisional: no source found, a placeholder"
    )
    source: str = Field("", description="The source, or why the value is provisional")


class ChoiceScale(_Model):
    """Answers are option labels, each worth a value in [0, 1]."""

    kind: Literal["choice"] = "choice"
    name: str = Field(description="Display name, e.g. A/B/C/D")
    options: dict[str, Unit01] = Field(min_length=1, description="Option label -> value in [0, 1]")

    @cached_property
    def _folded(self) -> dict[str, tuple[str, Fraction]]:
        # folded label -> (label, exact value), built once: a batch reads hundreds of
        # thousands of answers against the same few scales
        table: dict[str, tuple[str, Fraction]] = {}
        for label, value in self.options.items():
            table.setdefault(label.casefold(), (label, Fraction(value)))
        return table

    def read(self, answer: str) -> tuple[str, Fraction] | None:
        """An answer's canonical option label and exact value (case-insensitive), or None.

        When two labels differ only in case, the first one listed wins.
        """
        return self._folded.get(answer.strip().casefold())

    def lookup(self, answer: str) -> str | None:
        """The canonical option label for an answer (case-insensitive), or None."""
        hit = self.read(answer)
        return hit[0] if hit is not None else None


class NumberScale(_Model):
    """Answers are numbers in [min, max], normalised as `normalise` says."""

    kind: Literal["number"] = "number"
    name: str = Field(description="Display name, e.g. Nilai 0-100")
    min: Decimal = Field(allow_inf_nan=False, description="Lowest allowed value")
    max: Decimal = Field(allow_inf_nan=False, description="Highest allowed value")
    unit: str = Field("", description="Shown after values, e.g. %")
    normalise: Literal["range", "ratio", "points"] = Field(
        "range",
        description="range: v scores (v - min) / (max - min); ratio: v / max (the lower "
        "bound is not subtracted, the range is still enforced); points: v is the points "
        "themselves (may be negative), whatever the question's maximum",
    )

    @model_validator(mode="after")
    def _ordered(self) -> NumberScale:
        if self.max <= self.min:
            raise ValueError(_("max must be greater than min"))
        if self.normalise == "ratio" and (self.max <= 0 or self.min < 0):
            raise ValueError(_("a ratio scale needs 0 <= min < max"))
        return self

    @property
    def direct(self) -> bool:
        """The answer is the points (normalise: points), not a share of a maximum."""
        return self.normalise == "points"

    @cached_property
    def _low_span(self) -> tuple[Fraction, Fraction]:
        if self.normalise == "points":
            return Fraction(0), Fraction(1)
        low = Fraction(self.min) if self.normalise == "range" else Fraction(0)
        return low, Fraction(self.max) - low

    def value(self, number: Decimal | int) -> Fraction:
        """The exact value of a number within [min, max]: a share in [0, 1], or for a
        `points` scale the number itself (the points)."""
        low, span = self._low_span
        return (Fraction(number) - low) / span


Scale = Annotated[ChoiceScale | NumberScale, Field(discriminator="kind")]


class Counts(_Model):
    """A percentage computed from counts given in the answer file."""

    formula: Literal["ratio", "reduction"] = Field(
        description="ratio: first / second; reduction: (first - second) / first, floored at 0"
        " (first 0 and second above 0 gives 0); the result is capped at 1"
    )
    inputs: dict[str, str] = Field(min_length=2, max_length=2, description="Input name -> label")
    if_zero: Unit01 | None = Field(
        None,
        description="Value when the denominator is 0 (a reduction: both counts 0);"
        " omitted, such counts are a problem",
    )


class Question(_Model):
    """One scored question of the LKE."""

    id: NodeId
    text: str = Field(description="The question, short form")
    scale: str = Field(description="Name of an answer scale declared in `scales`")
    detail: str = Field("", description="The full question text")
    options: dict[str, str] = Field(default_factory=dict, description="Option label -> meaning")
    counts: Counts | None = None
    provenance: Provenance | None = None
    evidence_required: bool | None = Field(
        None,
        description="true: `pmprb validate` requires data dukung for an answer above the "
        "scale's lowest option (an error); false: a missing one is a warning (an error with "
        "--strict); omitted: the rule set's setting",
    )
    evidence_items: int | None = Field(
        None,
        ge=1,
        le=100,
        description="How many evidence documents the instrument asks for: `pmprb validate` "
        "warns when an answer with evidence gives fewer",
    )


class Document(_Model):
    """A document (data dukung) an indicator expects its answers to cite."""

    id: NodeId = Field(description="A short id; an evidence entry that contains it cites it")
    name: str = Field("", description="The document's name, as the instrument gives it")
    questions: tuple[str, ...] | None = Field(
        None,
        min_length=1,
        description="The questions of the indicator it applies to (their ids); omitted: all",
    )
    match: tuple[str, ...] | None = Field(
        None,
        min_length=1,
        description="More words that cite it in an evidence entry (an abbreviation, a short "
        "title), besides its id and its name",
    )
    provenance: Provenance | None = Field(None, description="Where the document is named")

    @property
    def shown(self) -> str:
        """The document's name, or its id when it has none."""
        return self.name or self.id


class LineRounding(_Model):
    """How an indicator's (a line's) points are rounded before they are added up."""

    decimals: int = Field(ge=0, le=6, description="Decimals kept")
    mode: Literal["half_up", "binary64"] = Field(
        "half_up",
        description="half_up: the exact points rounded half up; binary64: the points computed "
        "in IEEE double as the official system does (value / max x weight, then the "
        "multiplier), and that binary value rounded half up (0.615 is stored below 0.615: 0.61)",
    )


# The 2023 line options of a node (docs/formats.md), in the order `rules diff` reports
# them; an overlay can set or (null) remove each.
LINE_OPTIONS = (
    "aggregate",
    "adjustment",
    "rescale",
    "not_counted",
    "line_rounding",
    "multiply_by",
    "param_id",
    "evaluator",
)


class Node(_Model):
    """A group (with children) or an indicator (with questions)."""

    id: NodeId
    name: str
    weight: Weight = Field(description="Weight relative to its siblings, as printed")
    area: str | None = Field(None, description="Area tag, declared in `areas`")
    provenance: Provenance | None = None
    param_id: str | None = Field(None, description="The official worksheet's own id of the line")
    evaluator: str = Field("", description="Who supplies the value (e.g. BPKP, KASN)")
    aggregate: Literal["mean", "sum", "plain_mean"] = Field(
        "mean",
        description="A group's children: mean: each child's maximum is its weight over the "
        "sum of its siblings' weights (a hierarchical weighted mean); sum: each child's "
        "maximum is its own weight (in its parent's units), whatever its siblings add up to; "
        "plain_mean: every child counts equally (its maximum is the group's over the number "
        "of children), whatever the weights say",
    )
    adjustment: bool = Field(
        False,
        description="true: a signed correction (e.g. a koefisien): its weight is not a share "
        "of its parent (left out of its siblings' weights) and its points are added as they are",
    )
    rescale: Literal["adjusted"] | None = Field(
        None,
        description="adjusted: the group's points are rescaled to its weight over its "
        "adjusted weight (its weight less the maxima of not-counted answers below it), "
        "rounded half up to `precision` decimals",
    )
    not_counted: Literal["allowed", "refused"] | None = Field(
        None,
        description="Whether an answer under this node may be marked not counted (with a "
        "justification); omitted: the nearest ancestor's setting, else the rule set's",
    )
    line_rounding: LineRounding | None = Field(
        None,
        description="How the indicators in this subtree round their points; omitted: the "
        "nearest ancestor's setting, else the rule set's",
    )
    multiply_by: str | None = Field(
        None,
        description="An indicator's points are multiplied by the share (unrounded points / "
        "maximum) of the indicator named here",
    )
    documents: tuple[Document, ...] | None = Field(
        None,
        description="The documents (data dukung) an indicator expects its answers to cite: "
        "`pmprb validate` warns about each one no evidence under the indicator names",
    )
    children: tuple[Node, ...] | None = None
    questions: tuple[Question, ...] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Node:
        if (self.children is None) == (self.questions is None):
            raise ValueError(_("a node needs either children or questions"))
        if not (self.children or self.questions):
            raise ValueError(_("a node cannot be empty"))
        return self


class Area(_Model):
    """A cross-cutting tag: an area of change (area perubahan)."""

    id: NodeId
    name: str


class Band(_Model):
    """A category: holds min < x <= max (the lowest band also holds min)."""

    id: str
    min: Decimal = Field(allow_inf_nan=False)
    max: Decimal = Field(allow_inf_nan=False)
    name: str = Field(description="The predikat, e.g. Cukup")


class Condition(_Model):
    """One condition of a predicate: a node's (or every area's) points or share."""

    id: str
    name: str
    node: str | None = None
    each_area: bool = False
    min_points: Decimal | None = Field(None, allow_inf_nan=False)
    min_share: Unit01 | None = None
    provenance: Provenance | None = Field(None, description="Where the threshold comes from")

    @model_validator(mode="after")
    def _shape(self) -> Condition:
        if (self.node is None) == (not self.each_area):
            raise ValueError(_("a condition needs either `node` or `each_area: true`"))
        if (self.min_points is None) == (self.min_share is None):
            raise ValueError(_("a condition needs either `min_points` or `min_share`"))
        return self


class Predicate(_Model):
    """A result reached when all its conditions hold (e.g. WBK, WBBM)."""

    id: str
    name: str
    conditions: tuple[Condition, ...] = Field(min_length=1)
    requires_held: str | None = Field(
        None,
        description="A predicate the unit must already hold, as its answer file records it "
        "(`held`), for this one to be reached (WBBM needs WBK): the one named or a higher one",
    )


class RuleSet(_Model):
    """A complete rule set: scales, the weighted tree, bands and predicates."""

    id: NodeId
    title: str
    basis: str = Field("", description="Legal basis")
    version: str
    years: tuple[int, int] | None = Field(None, description="First and last year it applies to")
    total: Weight = Field(description="The index's maximum")
    precision: int = Field(2, ge=0, le=6, description="Decimals of the published index")
    provenance: Provenance | None = None
    scales: dict[str, Scale]
    areas: tuple[Area, ...] = ()
    bands: tuple[Band, ...] = ()
    predicates: tuple[Predicate, ...] = ()
    tree: tuple[Node, ...] = Field(min_length=1)
    evidence_required: bool = Field(
        False,
        description="true: `pmprb validate` requires data dukung (evidence) for every answer "
        "above its scale's lowest option (a question may override it)",
    )
    line_rounding: LineRounding | None = Field(
        None, description="How every indicator rounds its points (a node may override it)"
    )
    not_counted: Literal["allowed", "refused"] = Field(
        "refused",
        description="Whether answers may be marked not counted (a node may override it)",
    )
    levels: tuple[str, ...] = Field(
        (),
        description="Names of the tree's levels, top first (e.g. RB, Aspek, Sub-aspek): "
        "results name the parts by level instead of 'component', and a rule set without "
        "areas shows its weakest nodes of the second and third level instead of weak areas",
    )


@dataclass(frozen=True, slots=True)
class LineSpec:
    """What an indicator needs beyond the plain model: rounding, multiplier, direct points."""

    rounding: LineRounding | None
    multiply_by: str | None
    direct: bool  # a question on a `points` scale


@dataclass(frozen=True, slots=True)
class QuestionRef:
    """A question with its scale, the indicator that holds it, and its share of the total."""

    question: Question
    scale: ChoiceScale | NumberScale
    indicator: str
    maximum: Fraction  # points of a fully met answer: the indicator's maximum / its questions
    provisional: bool  # its weight is provisional (its own label, else the nearest above)
    not_counted: bool = False  # an answer may mark it not counted (with a justification)


@dataclass(frozen=True, slots=True)
class LoadedRules:
    """A validated rule set with where it came from and look-up tables."""

    rules: RuleSet
    path: str
    sha256: str
    questions: dict[str, QuestionRef]
    nodes: dict[str, Node]
    maxima: dict[str, Fraction]
    provisional: frozenset[str]  # nodes (and "root") whose weight is provisional, inherited
    base: LoadedRules | None = None  # the rule set an overlay extends (None: not an overlay)
    # indicators scored beyond the plain model (empty for rule sets that use none of it)
    lines: dict[str, LineSpec] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        """What scores under this rule set depend on: its file's sha256, and for an overlay
        those of every rule set it extends (editing a base changes the overlay's results)."""
        if self.base is None:
            return self.sha256
        joined = "\0".join(r.sha256 for r in self.lineage())
        return hashlib.sha256(joined.encode()).hexdigest()

    def lineage(self) -> list[LoadedRules]:
        """This rule set, then the one it extends, and so on."""
        out: list[LoadedRules] = []
        current: LoadedRules | None = self
        while current is not None:
            out.append(current)
            current = current.base
        return out

    def documents_of(self, qid: str) -> list[Document]:
        """The documents the indicator of a question expects for it (see Node.documents)."""
        ref = self.questions.get(qid)
        node = self.nodes.get(ref.indicator) if ref is not None else None
        if node is None or not node.documents:
            return []
        return [d for d in node.documents if d.questions is None or qid in d.questions]

    def accepted_ids(self) -> list[str]:
        """The rule set ids an answer file may name: this one's and those it extends."""
        return list(dict.fromkeys(r.rules.id for r in self.lineage()))

    @classmethod
    def build(
        cls, rules: RuleSet, path: str, sha256: str, base: LoadedRules | None = None
    ) -> LoadedRules:
        """Index a validated rule set by question and node id."""
        questions: dict[str, QuestionRef] = {}
        nodes: dict[str, Node] = {}
        maxima = _maxima(rules)
        # Provenance is inherited: a node or question without its own label has its parent's.
        provisional: set[str] = set()

        def is_provisional(prov: Provenance | None, inherited: bool) -> bool:
            return prov.status == "provisional" if prov is not None else inherited

        lines: dict[str, LineSpec] = {}

        def visit(
            node: Node, parent_prov: bool, rounding: LineRounding | None, allowed: str
        ) -> None:
            nodes[node.id] = node
            prov = is_provisional(node.provenance, parent_prov)
            if prov:
                provisional.add(node.id)
            rounding = node.line_rounding or rounding
            allowed = node.not_counted or allowed
            for child in node.children or ():
                visit(child, prov, rounding, allowed)
            qs = node.questions or ()
            direct = False
            for q in qs:
                scale = rules.scales[q.scale]
                direct = direct or (isinstance(scale, NumberScale) and scale.direct)
                questions[q.id] = QuestionRef(
                    q,
                    scale,
                    node.id,
                    maxima[node.id] / len(qs),
                    is_provisional(q.provenance, prov),
                    allowed == "allowed",
                )
            if qs and (rounding is not None or node.multiply_by is not None or direct):
                lines[node.id] = LineSpec(rounding, node.multiply_by, direct)

        root_prov = is_provisional(rules.provenance, False)
        if root_prov:
            provisional.add("root")
        for top in rules.tree:
            visit(top, root_prov, rules.line_rounding, rules.not_counted)
        return cls(
            rules, path, sha256, questions, nodes, maxima, frozenset(provisional), base, lines
        )


def _cross_check(rs: RuleSet) -> list[Pending]:
    """Checks pydantic cannot express: ids, references, bands."""
    out: list[Pending] = []
    seen: dict[str, Loc] = {}
    area_ids = {a.id for a in rs.areas}

    def visit(node: Node, loc: Loc, tagged: Node | None = None) -> None:
        if node.id in seen or node.id == "root":
            out.append(
                Pending((*loc, "id"), "duplicate_id", _("duplicate id '{id}'").format(id=node.id))
            )
        seen[node.id] = loc
        if node.area is not None and node.area not in area_ids:
            out.append(
                Pending(
                    (*loc, "area"),
                    "unknown_area",
                    _("unknown area '{area}'").format(area=node.area),
                )
            )
        if node.area is not None and tagged is not None:
            # the inner node's points are already in the outer area: counting them in a
            # second area (or twice in one) has no defined meaning, so it is refused
            message = _(
                "'{id}' has area '{area}' inside '{outer}', which has area '{outer_area}':"
                " area tags cannot be nested"
            ).format(id=node.id, area=node.area, outer=tagged.id, outer_area=tagged.area)
            out.append(Pending((*loc, "area"), "nested_area", message))
        inner = tagged if tagged is not None else (node if node.area is not None else None)
        for i, child in enumerate(node.children or ()):
            visit(child, (*loc, "children", i), inner)
        out.extend(_check_documents(node, loc))
        for j, q in enumerate(node.questions or ()):
            qloc = (*loc, "questions", j)
            if q.id in seen:
                out.append(
                    Pending((*qloc, "id"), "duplicate_id", _("duplicate id '{id}'").format(id=q.id))
                )
            seen[q.id] = qloc
            scale = rs.scales.get(q.scale)
            if scale is None:
                out.append(
                    Pending(
                        (*qloc, "scale"),
                        "unknown_scale",
                        _("unknown scale '{scale}'").format(scale=q.scale),
                    )
                )
                continue
            if isinstance(scale, ChoiceScale):
                for label in q.options:
                    if scale.lookup(label) is None:
                        out.append(
                            Pending(
                                (*qloc, "options", label),
                                "unknown_option",
                                _("'{label}' is not an option of scale '{scale}'").format(
                                    label=label, scale=q.scale
                                ),
                                "key",
                            )
                        )
            if q.counts is not None and not isinstance(scale, NumberScale):
                out.append(Pending((*qloc, "counts"), "invalid", _("counts need a number scale")))

    for i, node in enumerate(rs.tree):
        visit(node, ("tree", i))
    out.extend(_check_lines(rs, seen))
    out.extend(_check_bands(rs))
    out.extend(_check_predicates(rs, seen))
    return out


def _check_documents(node: Node, loc: Loc) -> list[Pending]:
    """A node's expected documents: on an indicator, unique ids, its own questions, and
    names and match terms a citation can contain (letters or digits)."""
    out: list[Pending] = []
    if not node.documents:
        return out
    if node.questions is None:
        message = _("`documents` needs an indicator (a node with questions)")
        return [Pending((*loc, "documents"), "invalid", message, "key")]
    own = [q.id for q in node.questions]
    ids: set[str] = set()
    for k, doc in enumerate(node.documents):
        dloc: Loc = (*loc, "documents", k)
        if doc.id in ids:
            message = _("duplicate id '{id}'").format(id=doc.id)
            out.append(Pending((*dloc, "id"), "duplicate_id", message))
        ids.add(doc.id)
        for i, qid in enumerate(doc.questions or ()):
            if qid not in own:
                message = _("'{qid}' is not a question of indicator '{id}'{hint}").format(
                    qid=qid, id=node.id, hint=suggest(qid, own)
                )
                out.append(Pending((*dloc, "questions", i), "unknown_question", message))
        texts: list[tuple[Loc, str]] = [((*dloc, "name"), doc.name)] if doc.name else []
        texts += [((*dloc, "match", i), term) for i, term in enumerate(doc.match or ())]
        for where, text in texts:
            if not any(ch.isalnum() for ch in text):
                message = _("'{text}' has no letter or digit: it cannot be cited").format(text=text)
                out.append(Pending(where, "invalid", message))
    return out


def _check_predicates(rs: RuleSet, seen: dict[str, Loc]) -> list[Pending]:
    """Predicate and condition ids are unique; every condition can be evaluated and met."""
    out: list[Pending] = []
    # a question is not a node: conditions look at node points
    questions = {q.id for n in _walk_nodes(rs.tree) for q in n.questions or ()}
    maxima = _maxima(rs)
    pred_ids: set[str] = set()
    for i, pred in enumerate(rs.predicates):
        ploc: Loc = ("predicates", i)
        if pred.id in pred_ids:
            out.append(
                Pending((*ploc, "id"), "duplicate_id", _("duplicate id '{id}'").format(id=pred.id))
            )
        pred_ids.add(pred.id)
        lower = [p.id for p in rs.predicates[i + 1 :]]
        if pred.requires_held is not None and pred.requires_held not in lower:
            message = _("`requires_held` names no predicate below '{id}': '{held}'{hint}").format(
                id=pred.id, held=pred.requires_held, hint=suggest(pred.requires_held, lower)
            )
            out.append(Pending((*ploc, "requires_held"), "unknown_predicate", message))
        cond_ids: set[str] = set()
        for j, cond in enumerate(pred.conditions):
            cloc: Loc = (*ploc, "conditions", j)
            if cond.id in cond_ids:
                out.append(
                    Pending(
                        (*cloc, "id"), "duplicate_id", _("duplicate id '{id}'").format(id=cond.id)
                    )
                )
            cond_ids.add(cond.id)
            if cond.each_area and not rs.areas:
                out.append(
                    Pending(
                        (*cloc, "each_area"),
                        "no_areas",
                        _("`each_area` needs the areas declared in `areas`"),
                    )
                )
            if cond.node is None:
                continue
            if cond.node != "root" and (cond.node not in seen or cond.node in questions):
                out.append(
                    Pending(
                        (*cloc, "node"),
                        "unknown_node",
                        _("unknown node '{id}'{hint}").format(
                            id=cond.node, hint=suggest(cond.node, list(maxima))
                        ),
                    )
                )
                continue
            if cond.min_points is not None and Fraction(cond.min_points) > maxima[cond.node]:
                out.append(
                    Pending(
                        (*cloc, "min_points"),
                        "unreachable",
                        _("{points} is more than the {max} points of '{id}': never met").format(
                            points=cond.min_points,
                            max=numbers.number(maxima[cond.node]),
                            id=cond.node,
                        ),
                    )
                )
    return out


def _check_lines(rs: RuleSet, seen: dict[str, Loc]) -> list[Pending]:
    """`multiply_by` names an indicator and forms no cycle; `rescale` sits on a group."""
    out: list[Pending] = []
    nodes = {n.id: n for n in _walk_nodes(rs.tree)}
    for node in nodes.values():
        loc = seen.get(node.id)
        if loc is None:
            continue
        if node.rescale is not None and node.children is None:
            message = _("`rescale` needs a group (a node with children)")
            out.append(Pending((*loc, "rescale"), "invalid", message))
        target = node.multiply_by
        if target is None:
            continue
        if node.children is not None:
            message = _("`multiply_by` needs an indicator (a node with questions)")
            out.append(Pending((*loc, "multiply_by"), "invalid", message))
            continue
        named = nodes.get(target)
        if named is None or named.children is not None:
            indicators = [n.id for n in nodes.values() if n.questions is not None]
            message = _("`multiply_by` names no indicator: '{id}'{hint}").format(
                id=target, hint=suggest(target, indicators)
            )
            out.append(Pending((*loc, "multiply_by"), "unknown_node", message))
            continue
        # follow the chain: a cycle would leave the points undefined
        chain = [node.id]
        current: Node | None = named
        while current is not None and current.multiply_by is not None:
            chain.append(current.id)
            if current.id == node.id:
                message = _("`multiply_by` forms a cycle: {chain}").format(chain=" -> ".join(chain))
                out.append(Pending((*loc, "multiply_by"), "multiply_cycle", message))
                break
            if len(chain) > len(nodes):
                break  # a cycle further down the chain: reported on its own nodes
            current = nodes.get(current.multiply_by)
    return out


def _walk_nodes(nodes: tuple[Node, ...]) -> list[Node]:
    """Every node of a tree, depth first."""
    out: list[Node] = []
    for node in nodes:
        out.append(node)
        out.extend(_walk_nodes(node.children or ()))
    return out


def _maxima(rs: RuleSet) -> dict[str, Fraction]:
    """Each node's effective maximum: the root's is `total`; a child's is its parent's times
    its weight over the sum of its siblings' weights (exact rationals)."""
    maxima: dict[str, Fraction] = {"root": Fraction(rs.total)}

    def visit(nodes: tuple[Node, ...], maximum: Fraction, parent: Node | None) -> None:
        mode = parent.aggregate if parent is not None else "mean"
        if mode == "sum":
            total = Fraction(parent.weight) if parent is not None else Fraction(1)
        else:  # a hierarchical weighted mean; adjustments take no share
            total = sum((Fraction(n.weight) for n in nodes if not n.adjustment), Fraction(0))
        total = total or Fraction(1)  # only adjustments: each counts at its own weight
        equal = sum(1 for n in nodes if not n.adjustment) if mode == "plain_mean" else 0
        for node in nodes:
            if equal and not node.adjustment:  # plain_mean: the weights are not used
                maxima[node.id] = maximum / equal
            else:
                maxima[node.id] = maximum * Fraction(node.weight) / total
            visit(node.children or (), maxima[node.id], node)

    visit(rs.tree, maxima["root"], None)
    return maxima


def _check_bands(rs: RuleSet) -> list[Pending]:
    out: list[Pending] = []
    bands = rs.bands
    if not bands:
        if not rs.predicates:
            out.append(Pending(("bands",), "no_bands", _("a rule set needs bands or predicates")))
        return out
    for i, band in enumerate(bands):
        if band.max <= band.min:
            out.append(Pending(("bands", i), "band_order", _("band max must exceed its min")))
        if i > 0 and band.min != bands[i - 1].max:
            kind = _("overlaps") if band.min < bands[i - 1].max else _("leaves a gap after")
            out.append(
                Pending(
                    ("bands", i, "min"),
                    "band_gap",
                    _("band '{band}' {kind} band '{prev}'").format(
                        band=band.id, kind=kind, prev=bands[i - 1].id
                    ),
                )
            )
    if bands[0].min != 0 or bands[-1].max != rs.total:
        out.append(
            Pending(
                ("bands",),
                "band_cover",
                _("bands must cover 0 to {total}, lowest first").format(total=rs.total),
            )
        )
    return out


def _models_in(annotation: Any) -> tuple[list[type[BaseModel]], bool]:
    """The models a field's values are (or hold), and whether a mapping key comes first."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation], False
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _models_in(args[0])
    if origin is dict:
        models, _keyed = _models_in(args[1])
        return models, True
    found: list[type[BaseModel]] = []
    for arg in args:  # a union, a tuple or a list
        models, _keyed = _models_in(arg)
        found.extend(m for m in models if m not in found)
    return found, False


def _fields_at(loc: Loc) -> list[str]:
    """The fields allowed in the mapping at `loc` of a rule set (for did-you-mean)."""
    models: list[type[BaseModel]] = [RuleSet]
    keyed = False
    for part in loc:
        if isinstance(part, int):
            continue
        if keyed:  # a mapping's own key (a scale's name)
            keyed = False
            continue
        hits = [m.model_fields[part] for m in models if part in m.model_fields]
        if not hits:
            if len(models) > 1:
                continue  # a union's tag (a scale's kind)
            return []
        models, keyed = _models_in(hits[0].annotation)
    return [] if keyed else list(dict.fromkeys(f for m in models for f in m.model_fields))


def rules_pending(data: Any) -> tuple[RuleSet | None, list[Pending]]:
    """Validate parsed rule set data; the problems are left unlocated (key paths)."""
    try:
        rs = RuleSet.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # a list whose item failed is also reported too short (pydantic counts the valid
        # items): the item's own problem says it all
        deeper = [tuple(e["loc"]) for e in errors]
        errors = [
            e
            for e in errors
            if e["type"] != "too_short"
            or not any(len(o) > len(e["loc"]) and o[: len(e["loc"])] == e["loc"] for o in deeper)
        ]
        return None, pydantic_pending(errors, fields=_fields_at)
    return rs, _cross_check(rs)


def validate_rules(data: Any, path: str, text: str) -> RuleSet:
    """Validate parsed rule set data; raise ProblemsError with located problems."""
    rs, pending = rules_pending(data)
    if pending or rs is None:
        raise ProblemsError(locate(path, text, pending))
    return rs


def is_overlay(data: Any) -> bool:
    """A rule set file that extends another (see pmprb.overlay)."""
    return isinstance(data, dict) and "extends" in data


def sha256_text(text: str) -> str:
    """The hash recorded in results: of the file's text as read (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_rules(shown: str, text: str) -> tuple[Any, LoadedRules | None]:
    """A rule set file's parsed data and, for a plain rule set, the validated rules (None for
    an overlay, whose result also depends on its base); problems raise ProblemsError.

    Cached by name and text: the same text gives the same result, so a bundled rule set
    loaded directly and as an overlay's base is validated once, and is one object (also
    when `load_rules` took it from the rule set cache). The data is shared: never mutate
    it (an overlay merges into a deep copy).
    """
    data, loaded = _parse_rules(shown, text)
    return data, (None if loaded is None else remember(loaded))


@lru_cache(maxsize=32)
def _parse_rules(shown: str, text: str) -> tuple[Any, LoadedRules | None]:
    data = parse(shown, text)
    if is_overlay(data):
        return data, None
    rs = validate_rules(data, shown, text)
    return data, LoadedRules.build(rs, shown, sha256_text(text))


# The plain rule sets this process has loaded, by name and sha256 (from their files or the
# rule set cache, pmprb.rulecache): the same text is always the same object.
_LOADED: dict[tuple[str, str], LoadedRules] = {}
_LOADED_MAX = 64


def remember(loaded: LoadedRules) -> LoadedRules:
    """The one object of this process for a plain rule set's name and text: `loaded`, or
    the equal one already remembered."""
    key = (loaded.path, loaded.sha256)
    known = _LOADED.get(key)
    if known is not None:
        return known
    if len(_LOADED) >= _LOADED_MAX:
        del _LOADED[next(iter(_LOADED))]
    _LOADED[key] = loaded
    return loaded


def remembered(shown: str, sha256: str) -> LoadedRules | None:
    """The rule set this process has loaded under that name and text, if any."""
    return _LOADED.get((shown, sha256))


def bundled_dir() -> Path:
    """Where the bundled rule sets are: inside the wheel, or rules/ in a source checkout."""
    packaged = Path(str(resources.files("pmprb"))) / "_rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"  # pmprb/model/rules.py -> rules/


def bundled_ids() -> list[str]:
    """Ids of the bundled rule sets (their file names)."""
    folder = bundled_dir()
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def locate_ref(ref: str, relative_to: Path | None = None) -> tuple[Path, str]:
    """A bundled id or a path (relative to `relative_to` if given) as the file to read and the
    name to show; an unknown id raises RulesError (with a did-you-mean).

    A file wins over a bundled id of the same name; anything else with that name (a
    directory) does not. A ref with a path separator is never a bundled id (files under
    rules/overlays/ are not bundled ids). A path that cannot be read is left to read_text,
    which says why (no such file, a directory).
    """
    candidate = relative_to / ref if relative_to is not None else Path(ref)
    shown = display_path(ref if relative_to is None else os.path.normpath(candidate))
    if ref.endswith((".yaml", ".yml")) or candidate.is_file():
        return candidate, shown
    is_path = "/" in ref or os.sep in ref
    if not is_path:
        bundled = bundled_dir() / f"{ref}.yaml"
        if bundled.is_file():
            return bundled, f"{ref} ({bundled.name})"  # a bundled id: plain text
    if is_path or candidate.exists():
        return candidate, shown
    raise RulesError(
        [
            Problem(
                display_path(ref),
                None,
                None,
                "unknown_rules",
                _("no bundled rule set '{ref}'{hint}; available: {ids}").format(
                    ref=ref, hint=suggest(ref, bundled_ids()), ids=", ".join(bundled_ids())
                ),
            )
        ]
    )


# The scheme in force by assessment year (first start year at or below it). From 2023 the
# Evaluasi RB (PermenPANRB 9/2023) has one worksheet per level of government.
LEVELS = ("kl", "provinsi", "kabkota")
DEFAULT_LEVEL = "kabkota"
SCHEMES: tuple[tuple[int, str], ...] = (
    (2023, "permenpanrb-9-2023-{level}"),
    (2020, "permenpanrb-26-2020"),
    (0, "permenpanrb-14-2014"),
)


def default_rules_for(year: int, level: str | None = None) -> str:
    """The bundled rule set in force for an assessment year (and level, from 2023)."""
    pattern = next(ref for start, ref in SCHEMES if year >= start)
    return pattern.format(level=level or DEFAULT_LEVEL)
