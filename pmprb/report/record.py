"""One plain, JSON-ready record of a result: the single source for every output format."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from pmprb.analysis.engine import (
    ItemResult,
    NodeResult,
    PredicateResult,
    Result,
    improvements,
    next_band,
    next_predicate,
    round_half_up,
    weak_areas,
)
from pmprb.base.i18n import _
from pmprb.base.numbers import fixed
from pmprb.model.assessment import Assessment
from pmprb.model.rules import LoadedRules, Node

PLACES = 4  # decimals for points in machine output: enough to re-add to the index


def text(value: Fraction | Decimal, places: int = 2) -> str:
    """An exact value as display text, rounded half up: never through a binary float."""
    return fixed(value, places)


def percent(share: Fraction, places: int = 1) -> str:
    """A share as a percentage text, rounded half up."""
    return text(share * 100, places) + "%"


def hidden_areas(names: list[str]) -> str:
    """The line naming the areas that a published score leaves unknown."""
    return _("Areas unknown, part of their points are under a published score: {names}").format(
        names=", ".join(names)
    )


def headline_label(result: Result) -> str:
    """`Index: {index}` for a rule set with categories (Indeks RB); `Total score: {index}`
    for one judged by predicates only (Zona Integritas: its total is no index)."""
    return _("Index: {index}") if result.rules.rules.bands else _("Total score: {index}")


def published_note(result: Result) -> str | None:
    """Said where an answer file gives published component scores: what they hide."""
    if not any(n.published for n in result.root.walk()):
        return None
    return _(
        "Published component scores hide the areas and the improvements under them; "
        "answer the questions to see them."
    )


def provisional_note(names: list[str]) -> str | None:
    """The caveat that goes wherever a result is shared, when it depends on provisional
    weights (the highest such parts, by name); None when it does not."""
    if not names:
        return None
    return _("Note: this result depends on provisional weights ({names}).").format(
        names=", ".join(names)
    )


def rules_provisional(loaded: LoadedRules) -> list[Node]:
    """The highest parts of a rule set whose weight is provisional (for a batch group)."""
    out: list[Node] = []

    def visit(node: Node) -> None:
        if node.id in loaded.provisional:
            out.append(node)
            return
        for child in node.children or ():
            visit(child)

    for top in loaded.rules.tree:
        visit(top)
    return out


def num(value: Fraction | Decimal, places: int = PLACES) -> float:
    """A stable JSON number: exact value rounded half up to `places` decimals."""
    exact = value if isinstance(value, Fraction) else Fraction(value)
    return float(round_half_up(exact, places))


def _item(item: ItemResult, shared: frozenset[str] = frozenset()) -> dict[str, Any]:
    given = item.answer
    out = {
        "id": item.id,
        "answer": given.display if given else None,
        "value": num(given.value) if given else None,
        "points": num(item.points) if item.known else None,
        "max": num(item.maximum),
        "evidence": list(given.evidence) if given else [],
        "note": given.note if given else "",
    }
    if item.not_counted:
        out["not_counted"] = item.not_counted
    if item.id in shared:
        out["shared"] = True  # the answer came from the shared-values file
    return out


def adjustments(result: Result) -> list[dict[str, Any]]:
    """Each `rescale: adjusted` node: its points before rescaling, its adjusted weight (in
    weight units), the rescaled points, and the lines not counted with their reasons."""
    out: list[dict[str, Any]] = []
    for node in result.root.walk():
        if node.rescaled is None or not node.known:
            continue
        raw, adjusted = node.rescaled
        weight = adjusted * Fraction(node.weight) / node.maximum if node.maximum else adjusted
        names = {n.id: n.name for n in node.walk()}
        out.append(
            {
                "id": node.id,
                "name": node.name,
                "points": num(raw),
                "weight": float(node.weight),
                "adjusted_weight": num(weight),
                "rescaled": num(node.points),
                "not_counted": [
                    {
                        "indicator": line,
                        "name": names.get(line, line),
                        "question": item.id,
                        "max": num(item.maximum),
                        "justification": item.not_counted,
                    }
                    for line, item in node.not_counted()
                ],
            }
        )
    return out


def node_record(node: NodeResult, shared: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A node and its subtree (`shared`: the question ids answered from the shared file)."""
    out: dict[str, Any] = {
        "id": node.id,
        "name": node.name,
        "weight": float(node.weight),
        "points": num(node.points) if node.known else None,
        "max": num(node.maximum),
        "published": node.published,
        "provisional": node.provisional,
    }
    meta = node.meta
    if meta is not None:  # the worksheet's line id and evaluator, when the rule set has them
        out.update({k: v for k, v in zip(("param_id", "evaluator"), meta, strict=True) if v})
    if node.rescaled is not None and node.known:
        raw, adjusted = node.rescaled
        out["points_before_rescale"] = num(raw)
        out["adjusted_max"] = num(adjusted)
    if node.children:
        out["children"] = [node_record(c, shared) for c in node.children]
    if node.items:
        out["items"] = [_item(i, shared) for i in node.items]
    return out


def rules_record(loaded: LoadedRules) -> dict[str, Any]:
    """The rule set used; an overlay adds its file and, under `base`, what it extends."""
    rs = loaded.rules
    out: dict[str, Any] = {
        "id": rs.id,
        "title": rs.title,
        "version": rs.version,
        "sha256": loaded.sha256,
    }
    if loaded.base is not None:
        out["path"] = loaded.path
        out["base"] = rules_record(loaded.base)
    return out


def held_record(pred: PredicateResult, a: Assessment) -> dict[str, Any]:
    """A predicate's `requires_held`: what it needs, what the file records, whether it
    holds and whether it alone keeps the predicate from being reached; {} when none."""
    if pred.requires is None:
        return {}
    held = {"predicate": a.held.predicate, "since": a.held.since} if a.held else None
    return {
        "requires_held": {
            "predicate": pred.requires,
            "held": held,
            "met": pred.held_ok,
            "blocked": pred.blocked,
        }
    }


def record(result: Result, improvement_limit: int = 10) -> dict[str, Any]:
    """The whole result as plain data with a fixed key order."""
    a = result.assessment
    nxt = next_band(result)
    reached = result.reached
    named = result.category
    upcoming = next_predicate(result)
    names = {n.id: n.name for n in result.root.walk()} | {a.id: a.name for a in result.areas}
    return {
        "file": a.path,
        "unit": {"name": a.unit.name, "code": a.unit.code, "instansi": a.unit.instansi},
        "year": a.year,
        "rules": rules_record(result.rules),
        "index": float(result.index),
        "category": named[0] if named else None,
        "predicate": named[1] if named else None,
        "questions": result.questions,
        "answered": result.answered,
        "unanswered": result.unanswered,
        # the shared-values file applied and the ids answered from it (pmprb.model.common)
        **({"common": a.common, "shared": list(a.shared)} if a.common is not None else {}),
        "provisional": [n.id for n in result.provisional_nodes()],
        "provisional_note": provisional_note([n.name for n in result.provisional_nodes()]),
        "areas": [
            {
                "id": ar.id,
                "name": ar.name,
                # unknown (null) when a part is under a published score
                "points": num(ar.points) if ar.known else None,
                "max": num(ar.maximum),
                "share": num(ar.share) if ar.known and ar.maximum else None,
                "parts": {p.component: num(p.points) for p in ar.parts},
            }
            for ar in result.areas
        ],
        "weak_areas": [w.id for w in weak_areas(result)],
        "next_category": (
            {"id": nxt[0].id, "name": nxt[0].name, "points_needed": float(nxt[1])} if nxt else None
        ),
        "improvements": [
            {"id": g.item.id, "indicator": g.node.id, "gain": num(g.gain)}
            for g in improvements(result, improvement_limit)
        ],
        "reached": ({"id": reached.id, "name": reached.name} if reached is not None else None),
        "predicates": [
            {
                "id": p.id,
                "name": p.name,
                "met": p.met,
                "conditions": [
                    {
                        "id": c.id,
                        "name": c.name,
                        "target": c.target,
                        "target_name": names.get(c.target, c.target),
                        "share": c.is_share,
                        "value": num(c.value) if c.known else None,
                        "threshold": num(c.threshold),
                        "gap": num(c.gap) if c.known else None,
                        "met": c.met,
                    }
                    for c in p.conditions
                ],
                **held_record(p, a),
            }
            for p in result.predicates
        ],
        "next_predicate": (
            {
                "id": upcoming.id,
                "name": upcoming.name,
                "met": upcoming.met,
                "unmet": [
                    {"id": c.id, "target": c.target, "gap": num(c.gap) if c.known else None}
                    for c in upcoming.conditions
                    if not c.met
                ],
                **held_record(upcoming, a),
            }
            if upcoming is not None
            else None
        ),
        **({"adjusted": found} if (found := adjustments(result)) else {}),
        "tree": node_record(result.root, frozenset(a.shared)),
    }
