"""`pmprb explain` in every format: the arithmetic of one node, in exact decimals."""

from __future__ import annotations

from typing import Any

from pmprb.analysis.explain import Explanation, Term, exact, fraction_text
from pmprb.base.escape import json_dumps, line
from pmprb.base.escape import markdown as md
from pmprb.base.i18n import _
from pmprb.report.csvout import write_csv


def _points(value: Any) -> str:
    return exact(value) if value is not None else "?"


def _term_line(ex: Explanation, t: Term) -> str:
    if t.kind == "node" and t.adjustment:
        return _(
            "{id} {name}: adjustment, added as it is (no share of the weights): {points}"
        ).format(id=t.id, name=t.name, points=_points(t.points))
    if t.kind == "node":
        mark = " *" if t.published else ""
        return _("{id} {name}{mark}: weight {weight}, max {max}, points {points}").format(
            id=t.id,
            name=t.name,
            mark=mark,
            weight=t.weight,
            max=exact(t.maximum),
            points=_points(t.points),
        )
    if t.answer is None:
        return _("{id}: {max} x 0 (unanswered) = {points}").format(
            id=t.id, max=exact(t.maximum), points=_points(t.points)
        )
    if t.not_counted:
        return _("{id}: not counted ({why}) = 0").format(id=t.id, why=t.not_counted)
    if t.direct:
        return _("{id}: answer {answer} (the points themselves) = {points}").format(
            id=t.id, answer=t.answer, points=_points(t.points)
        )
    value = exact(t.value) if t.value is not None else "?"
    how = f" [{t.normalise}]" if t.normalise and t.normalise != f"{t.answer} = {value}" else ""
    return _("{id}: {max} x {value} (answer {answer}{how}) = {points}").format(
        id=t.id,
        max=exact(t.maximum),
        value=value,
        answer=t.answer,
        how=how,
        points=_points(t.points),
    )


def lines(ex: Explanation) -> list[tuple[int, str]]:
    """(indent, text) lines: the headline, the maximum, the rule with its terms, the sum."""
    node = ex.node
    shown = exact(node.points) if node.known else "?"
    out = [
        (
            0,
            _("{id} {name}: {points} of {max} points").format(
                id=node.id, name=node.name, points=shown, max=exact(node.maximum)
            ),
        )
    ]
    if ex.parent is None:
        out.append((1, _("maximum {max}: the rule set's total").format(max=exact(node.maximum))))
    else:
        how = (
            _(
                "maximum = {parent_max} (max of {parent}) x {weight} / {weights} "
                "(the weight of {parent}, a sum group) = {max}"
            )
            if ex.aggregate == "sum"
            else _(
                "maximum = {parent_max} (max of {parent}) x {weight} / {weights} "
                "(the weights of it and its siblings) = {max}"
            )
        )
        out.append(
            (
                1,
                how.format(
                    parent_max=exact(ex.parent.maximum),
                    parent=ex.parent.id,
                    weight=node.weight,
                    weights=ex.weight_sum,
                    max=exact(node.maximum),
                ),
            )
        )
    if ex.rule == "hidden":
        out.append((1, _("under a published score: its points are not computed")))
    elif ex.rule == "published":
        shown_points = ex.rescale.raw if ex.rescale is not None else node.points
        out.append(
            (
                1,
                _(
                    "points published in the answer file's scores: {points}; the parts below "
                    "are not computed"
                ).format(points=exact(shown_points)),
            )
        )
        out.extend(_rescale_lines(ex))
    else:
        head = (
            _("points = the sum of its parts:")
            if ex.rule == "sum"
            else _(
                "points = the sum over its questions of each one's maximum x the value of "
                "its answer (unanswered: 0):"
            )
        )
        out.append((1, head))
        out.extend((2, _term_line(ex, t)) for t in ex.terms)
        total = ex.total
        if total is not None:
            out.append((2, "= " + exact(total)))
        out.extend(_line_lines(ex))
        out.extend(_rescale_lines(ex))
    if ex.index is not None and node.known:
        out.append(
            (
                1,
                _("index = {raw} rounded half up to {places} decimals = {index}").format(
                    raw=exact(node.points), places=ex.precision, index=ex.index
                )
                + (f"; {ex.category}" if ex.category else ""),
            )
        )
    if any(t.published for t in ex.terms):
        out.append((1, "* " + _("published score from the answer file")))
    return out


def _line_lines(ex: Explanation) -> list[tuple[int, str]]:
    """A line's multiplier and rounding, after its questions' points are added."""
    line_ = ex.line
    if line_ is None:
        return []
    out: list[tuple[int, str]] = []
    if line_.factor is not None and line_.multiply_by is not None:
        out.append(
            (
                1,
                _("x {factor} (the unrounded points / maximum of {target}) = {unrounded}").format(
                    factor=exact(line_.factor),
                    target=line_.multiply_by,
                    unrounded=exact(line_.unrounded),
                ),
            )
        )
    if line_.mode is not None:
        how = (
            _("rounded half up to {places} decimals")
            if line_.mode == "half_up"
            else _("computed in IEEE doubles (binary64) and rounded half up to {places} decimals")
        )
        out.append(
            (
                1,
                how.format(places=line_.decimals)
                + " = "
                + exact(ex.node.points if ex.node.known else line_.unrounded),
            )
        )
    return out


def _rescale_lines(ex: Explanation) -> list[tuple[int, str]]:
    """A rescaled group: its raw points over its adjusted weight, and what was left out."""
    r = ex.rescale
    node = ex.node
    if r is None:
        return []
    out: list[tuple[int, str]] = []
    for indicator, item in r.dropped:
        out.append(
            (
                2,
                _("not counted: {id} ({indicator}, max {max}): {why}").format(
                    id=item.id, indicator=indicator, max=exact(item.maximum), why=item.not_counted
                ),
            )
        )
    out.append(
        (
            1,
            _(
                "rescaled: {raw} / {adjusted} (adjusted weight) x {max} rounded half up to "
                "{places} decimals = {points}"
            ).format(
                raw=exact(r.raw),
                adjusted=exact(r.adjusted),
                max=exact(node.maximum),
                places=r.places,
                points=exact(node.points),
            ),
        )
    )
    return out


def explain_text(ex: Explanation) -> str:
    """Plain text for the terminal (user text made inert, escape.line)."""
    return "".join("  " * indent + line(text) + "\n" for indent, text in lines(ex))


def explain_markdown(ex: Explanation) -> str:
    """Markdown: the headline as a heading, the rest as nested lists."""
    rows = lines(ex)
    out = [f"## {md(rows[0][1])}", ""]
    for indent, text in rows[1:]:
        out.append("  " * (indent - 1) + "- " + md(text))
    out.append("")
    return "\n".join(out)


def _term(t: Term) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": t.name,
        "kind": t.kind,
        "weight": str(t.weight) if t.weight is not None else None,
        "max": exact(t.maximum),
        "max_exact": fraction_text(t.maximum),
        "answer": t.answer,
        "value": fraction_text(t.value),
        "normalise": t.normalise,
        "points": exact(t.points) if t.points is not None else None,
        "points_exact": fraction_text(t.points),
        "published": t.published,
        "adjustment": t.adjustment,
        "direct": t.direct,
        "not_counted": t.not_counted or None,
    }


def explain_record(ex: Explanation) -> dict[str, Any]:
    """Plain data; every figure as exact decimals and as an exact fraction (`*_exact`)."""
    node = ex.node
    total = ex.total
    return {
        "id": node.id,
        "name": node.name,
        "rule": ex.rule,
        "weight": str(node.weight),
        "weights": str(ex.weight_sum) if ex.weight_sum is not None else None,
        "parent": ex.parent.id if ex.parent else None,
        "parent_max_exact": fraction_text(ex.parent.maximum) if ex.parent else None,
        "parent_weight": str(ex.parent.weight) if ex.parent else None,
        "max": exact(node.maximum),
        "max_exact": fraction_text(node.maximum),
        "points": exact(node.points) if node.known else None,
        "points_exact": fraction_text(node.points) if node.known else None,
        "terms": [_term(t) for t in ex.terms],
        "sum_exact": fraction_text(total),
        "index": str(ex.index) if ex.index is not None else None,
        "category": ex.category,
        "aggregate": ex.aggregate,
        "line": _line_record(ex),
        "rescale": _rescale_record(ex),
    }


def _line_record(ex: Explanation) -> dict[str, Any] | None:
    line_ = ex.line
    if line_ is None:
        return None
    return {
        "base_exact": fraction_text(line_.base),
        "multiply_by": line_.multiply_by,
        "factor": exact(line_.factor) if line_.factor is not None else None,
        "factor_exact": fraction_text(line_.factor),
        "unrounded": exact(line_.unrounded),
        "unrounded_exact": fraction_text(line_.unrounded),
        "rounding": (
            {"mode": line_.mode, "decimals": line_.decimals} if line_.mode is not None else None
        ),
    }


def _rescale_record(ex: Explanation) -> dict[str, Any] | None:
    r = ex.rescale
    if r is None:
        return None
    return {
        "raw": exact(r.raw),
        "raw_exact": fraction_text(r.raw),
        "adjusted": exact(r.adjusted),
        "adjusted_exact": fraction_text(r.adjusted),
        "unrounded_exact": fraction_text(r.unrounded(ex.node.maximum)),
        "decimals": r.places,
        "not_counted": [
            {
                "indicator": ind,
                "id": i.id,
                "max_exact": fraction_text(i.maximum),
                "why": i.not_counted,
            }
            for ind, i in r.dropped
        ],
    }


def explain_json(ex: Explanation) -> str:
    """Byte-stable JSON."""
    return json_dumps(explain_record(ex))


def explain_csv(ex: Explanation) -> str:
    """One row for the node, then one per term; a line adds its multiplier (value: the
    share) and rounding (weight: decimals); a rescaled group each line not counted (max:
    its maximum) and the rescale (answer: raw points, value: adjusted weight)."""
    header = ["kind", "id", "name", "weight", "max", "answer", "value", "points", "exact"]
    rows: list[list[Any]] = []
    rec = explain_record(ex)
    rows.append(
        [
            "node",
            rec["id"],
            rec["name"],
            rec["weight"],
            rec["max"],
            "",
            "",
            rec["points"] or "",
            rec["points_exact"] or "",
        ]
    )
    for t in rec["terms"]:
        rows.append(
            [
                t["kind"],
                t["id"],
                t["name"],
                t["weight"] or "",
                t["max"],
                t["answer"] or "",
                t["value"] or "",
                t["points"] or "",
                t["points_exact"] or "",
            ]
        )
    line_ = rec["line"]
    if line_ is not None and line_["factor_exact"] is not None:  # value: the multiplier
        rows.append(
            [
                *("multiply_by", line_["multiply_by"], "", "", "", ""),
                *(line_["factor_exact"], line_["unrounded"], line_["unrounded_exact"]),
            ]
        )
    if line_ is not None and line_["rounding"] is not None:  # weight: decimals
        mode, places = line_["rounding"]["mode"], line_["rounding"]["decimals"]
        rows.append(["line_rounding", mode, "", places, "", "", "", rec["points"] or ""])
    rescale = rec["rescale"]
    if rescale is not None:
        for d in rescale["not_counted"]:
            rows.append(["not_counted", d["id"], d["why"], "", d["max_exact"]])
        rows.append(
            [
                *("rescale", rec["id"], "", rescale["decimals"], rec["max"], rescale["raw"]),
                *(rescale["adjusted_exact"], rec["points"] or "", rec["points_exact"] or ""),
            ]
        )
    return write_csv(header, rows)
