"""`pmprb rules diff`: what changes from one rule set to another (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pmprb.base import numbers
from pmprb.base.i18n import _
from pmprb.model import display
from pmprb.model.rules import (
    LINE_OPTIONS,
    Band,
    Condition,
    LoadedRules,
    Node,
    Predicate,
    Provenance,
)

Kind = str  # rules | scale | area | band | predicate | condition | node | question
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: what kind of thing, how it changed, its id, before and after."""

    kind: Kind
    # added | removed | changed | reweighted | rescaled | renamed | moved | retagged |
    # provenance | options | counts (a question's answer descriptors or count inputs) |
    # detail (a question's full text) | evidence (a question's evidence_required) |
    # documents (a node's expected documents) |
    # a node's line option by name (aggregate, adjustment, rescale, not_counted,
    # line_rounding, multiply_by, param_id, evaluator)
    change: str
    id: str
    before: str | None = None
    after: str | None = None


def _prov(prov: Provenance | None) -> str | None:
    return f"{display.status_label(prov.status)}: {prov.source}" if prov is not None else None


def _flag(value: bool | None) -> str | None:
    """A yes/no setting as written in YAML; None: not set (the rule set's setting applies)."""
    return None if value is None else str(value).lower()


def _band(band: Band) -> str:
    return f"{band.min}-{band.max} {band.name}"


def _condition(cond: Condition) -> str:
    target = _("each area") if cond.each_area else (cond.node or "")
    return f"{target} >= {display.minimum(cond)}"


def diff(a: LoadedRules, b: LoadedRules) -> list[Change]:
    """Every difference from `a` to `b`, in a stable order."""
    out: list[Change] = []
    ra, rb = a.rules, b.rules
    for field in ("id", "title", "version", "basis", "years", "total", "precision", "levels"):
        before, after = getattr(ra, field), getattr(rb, field)
        if before != after:
            out.append(Change("rules", "changed", field, str(before), str(after)))
    # both change what validate requires and how results are labelled
    if ra.evidence_required != rb.evidence_required:
        before_flag, after_flag = _flag(ra.evidence_required), _flag(rb.evidence_required)
        out.append(Change("rules", "changed", "evidence_required", before_flag, after_flag))
    if ra.provenance != rb.provenance:
        out.append(
            Change("rules", "changed", "provenance", _prov(ra.provenance), _prov(rb.provenance))
        )
    for field in ("line_rounding", "not_counted"):  # the 2023 line options change scores
        before, after = getattr(ra, field), getattr(rb, field)
        if before != after:
            out.append(Change("rules", "changed", field, _option(before), _option(after)))
    out.extend(_keyed("scale", ra.scales, rb.scales, display.scale_values))
    areas_a = {x.id: x.name for x in ra.areas}
    areas_b = {x.id: x.name for x in rb.areas}
    out.extend(_keyed("area", areas_a, areas_b, str))
    out.extend(_keyed("band", {x.id: x for x in ra.bands}, {x.id: x for x in rb.bands}, _band))
    out.extend(_predicates(ra.predicates, rb.predicates))
    out.extend(_nodes(a, b))
    out.extend(_questions(a, b))
    return out


def _keyed(
    kind: Kind, before: dict[str, T], after: dict[str, T], show: Callable[[T], str]
) -> list[Change]:
    """Added, changed and removed items of two mappings keyed by id."""
    out: list[Change] = []
    for key, item in after.items():
        if key not in before:
            out.append(Change(kind, "added", key, None, show(item)))
        elif before[key] != item:
            out.append(Change(kind, "changed", key, show(before[key]), show(item)))
    out.extend(
        Change(kind, "removed", key, show(item), None)
        for key, item in before.items()
        if key not in after
    )
    return out


def _predicates(before: tuple[Predicate, ...], after: tuple[Predicate, ...]) -> list[Change]:
    out: list[Change] = []
    old = {p.id: p for p in before}
    new = {p.id: p for p in after}
    for pid, pred in new.items():
        if pid not in old:
            out.append(Change("predicate", "added", pid, None, pred.name))
            continue
        was = old[pid]
        if was.name != pred.name:
            out.append(Change("predicate", "renamed", pid, was.name, pred.name))
        if was.requires_held != pred.requires_held:
            out.append(
                Change("predicate", "requires_held", pid, was.requires_held, pred.requires_held)
            )
        conds_old = {c.id: c for c in was.conditions}
        conds_new = {c.id: c for c in pred.conditions}
        for cid, cond in conds_new.items():
            key = f"{pid}.{cid}"
            if cid not in conds_old:
                out.append(Change("condition", "added", key, None, _condition(cond)))
            elif _condition(conds_old[cid]) != _condition(cond):
                out.append(
                    Change(
                        "condition", "changed", key, _condition(conds_old[cid]), _condition(cond)
                    )
                )
            if cid not in conds_old:
                continue
            was_cond = conds_old[cid]
            if was_cond.name != cond.name:
                out.append(Change("condition", "renamed", key, was_cond.name, cond.name))
            if was_cond.provenance != cond.provenance:
                shown = _prov(was_cond.provenance), _prov(cond.provenance)
                out.append(Change("condition", "provenance", key, *shown))
        out.extend(
            Change("condition", "removed", f"{pid}.{cid}", _condition(cond), None)
            for cid, cond in conds_old.items()
            if cid not in conds_new
        )
    out.extend(
        Change("predicate", "removed", pid, pred.name, None)
        for pid, pred in old.items()
        if pid not in new
    )
    return out


def _parents(loaded: LoadedRules) -> dict[str, str]:
    parents = {top.id: "root" for top in loaded.rules.tree}
    for node_id, node in loaded.nodes.items():
        for child in node.children or ():
            parents[child.id] = node_id
    return parents


def _nodes(a: LoadedRules, b: LoadedRules) -> list[Change]:
    out: list[Change] = []
    pa, pb = _parents(a), _parents(b)
    for node_id, node in b.nodes.items():
        shown = _("{name}, weight {w} (max {m})").format(
            name=node.name, w=node.weight, m=numbers.number(b.maxima[node_id])
        )
        if node_id not in a.nodes:
            out.append(Change("node", "added", node_id, None, shown))
            continue
        was = a.nodes[node_id]
        if was.weight != node.weight:
            out.append(
                Change(
                    "node",
                    "reweighted",
                    node_id,
                    _("{w} (max {m})").format(w=was.weight, m=numbers.number(a.maxima[node_id])),
                    _("{w} (max {m})").format(w=node.weight, m=numbers.number(b.maxima[node_id])),
                )
            )
        elif a.maxima[node_id] != b.maxima[node_id]:
            out.append(
                Change(
                    "node",
                    "rescaled",
                    node_id,
                    _("max {m}").format(m=numbers.number(a.maxima[node_id])),
                    _("max {m}").format(m=numbers.number(b.maxima[node_id])),
                )
            )
        if was.name != node.name:
            out.append(Change("node", "renamed", node_id, was.name, node.name))
        if pa[node_id] != pb[node_id]:
            out.append(Change("node", "moved", node_id, pa[node_id], pb[node_id]))
        if was.area != node.area:
            out.append(Change("node", "retagged", node_id, was.area, node.area))
        if was.provenance != node.provenance:
            out.append(
                Change("node", "provenance", node_id, _prov(was.provenance), _prov(node.provenance))
            )
        if was.documents != node.documents:
            before, after = (_documents(n) for n in (was, node))
            out.append(Change("node", "documents", node_id, before, after))
        out.extend(_line_options(node_id, was, node))
    out.extend(
        Change(
            "node",
            "removed",
            node_id,
            _("{name}, weight {w}").format(name=node.name, w=node.weight),
        )
        for node_id, node in a.nodes.items()
        if node_id not in b.nodes
    )
    return out


def _questions(a: LoadedRules, b: LoadedRules) -> list[Change]:
    out: list[Change] = []
    for qid, ref in b.questions.items():
        if qid not in a.questions:
            out.append(Change("question", "added", qid, None, ref.question.text))
            continue
        was = a.questions[qid]
        if was.question.scale != ref.question.scale or was.scale != ref.scale:
            out.append(
                Change(
                    "question",
                    "rescaled",
                    qid,
                    f"{was.question.scale}: {display.scale_values(was.scale)}",
                    f"{ref.question.scale}: {display.scale_values(ref.scale)}",
                )
            )
        if was.question.text != ref.question.text:
            out.append(Change("question", "renamed", qid, was.question.text, ref.question.text))
        if was.indicator != ref.indicator:
            out.append(Change("question", "moved", qid, was.indicator, ref.indicator))
        if was.question.options != ref.question.options:
            out.append(Change("question", "options", qid))
        if was.question.counts != ref.question.counts:
            out.append(Change("question", "counts", qid))
        old, new = was.question, ref.question
        if old.detail != new.detail:
            out.append(Change("question", "detail", qid, old.detail, new.detail))
        if old.provenance != new.provenance:
            out.append(
                Change("question", "provenance", qid, _prov(old.provenance), _prov(new.provenance))
            )
        if old.evidence_required != new.evidence_required:
            before, after = _flag(old.evidence_required), _flag(new.evidence_required)
            out.append(Change("question", "evidence", qid, before, after))
        if old.evidence_items != new.evidence_items:
            before, after = (
                str(n) if n is not None else None for n in (old.evidence_items, new.evidence_items)
            )
            out.append(Change("question", "evidence_items", qid, before, after))
    out.extend(
        Change("question", "removed", qid, ref.question.text, None)
        for qid, ref in a.questions.items()
        if qid not in b.questions
    )
    return out


def _documents(node: Node) -> str | None:
    """A node's expected documents as diff text (none: nothing)."""
    if not node.documents:
        return None
    return "; ".join(display.document_text(d) for d in node.documents)


def _option(value: object) -> str | None:
    """A rule-set option as diff text (a model as its fields, None as nothing)."""
    if value is None:
        return None
    if hasattr(value, "model_dump"):
        dumped = value.model_dump()
        return ", ".join(f"{k}: {v}" for k, v in dumped.items())
    return str(value)


def _line_options(node_id: str, was: Node, node: Node) -> list[Change]:
    """Changes to a node's line options (multiplier, rounding, rescaling, metadata)."""
    return [
        Change("node", field, node_id, _option(getattr(was, field)), _option(getattr(node, field)))
        for field in LINE_OPTIONS
        if getattr(was, field) != getattr(node, field)
    ]
