"""The self-versus-review view of one answer file (`pmprb score --basis both`) in every
format, and the review basis's additions to the plain score outputs."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from pmprb.analysis.engine import AreaResult, NodeResult, Result
from pmprb.analysis.review import Comparison, QuestionDelta
from pmprb.base.escape import cells, json_dumps, line, terminal
from pmprb.base.escape import markdown as md
from pmprb.base.i18n import _, ngettext
from pmprb.report.csvout import CsvLocale, write_csv
from pmprb.report.record import num, record, text


def signed(value: Fraction | None, places: int = 2) -> str:
    """A difference with its sign (+1.25, -0.50, 0.00); '?' when unknown."""
    if value is None:
        return "?"
    shown = text(value, places)
    return "+" + shown if value > 0 and not shown.startswith("+") else shown


def reviewed_line(reviewed: int, questions: int) -> str:
    """How many answers the review basis took from the reviewer."""
    return ngettext(
        "{n} of {total} answer reviewed; the others are the unit's own.",
        "{n} of {total} answers reviewed; the others are the unit's own.",
        reviewed,
    ).format(n=reviewed, total=questions)


def basis_json(result: Result, reviewed: int) -> str:
    """`score --basis review -f json`: the usual record with its basis and review count."""
    return json_dumps({**record(result), "basis": "review", "reviewed": reviewed})


def _category(result: Result) -> str:
    named = result.category
    return f"{named[0]} ({named[1]})" if named else "-"


def _fixed(value: Fraction | None, places: int = 2) -> str:
    return text(value, places) if value is not None else "?"


def _rows(
    comp: Comparison,
) -> list[tuple[str, str, int, Fraction | None, Fraction | None, Fraction]]:
    """(kind, name, depth, unit points, review points, maximum): components, then areas."""
    out: list[tuple[str, str, int, Fraction | None, Fraction | None, Fraction]] = []

    def visit(u: NodeResult, r: NodeResult, depth: int) -> None:
        if depth:
            up = u.points if u.known else None
            out.append((u.id, u.name, depth, up, r.points if r.known else None, u.maximum))
        if depth < 2:  # components and their parts (areas, indicators directly below)
            for uc, rc in zip(u.children, r.children, strict=True):
                visit(uc, rc, depth + 1)

    visit(comp.unit.root, comp.review.root, 0)
    for ua, ra in zip(comp.unit.areas, comp.review.areas, strict=True):
        if ua.maximum:
            out.append(
                (
                    "area:" + ua.id,
                    ua.name,
                    0,
                    ua.points if ua.known else None,
                    ra.points if ra.known else None,
                    ua.maximum,
                )
            )
    return out


def _delta(u: Fraction | None, r: Fraction | None) -> Fraction | None:
    return r - u if u is not None and r is not None else None


def _pair(u: NodeResult | AreaResult, r: NodeResult | AreaResult) -> dict[str, Any]:
    """A node or area on both bases (points unknown under a published score)."""
    known = u.known and r.known
    return {
        "id": u.id,
        "name": u.name,
        "max": num(u.maximum),
        "unit": num(u.points) if u.known else None,
        "review": num(r.points) if r.known else None,
        "delta": num(r.points - u.points) if known else None,
    }


def _answer(given: Any) -> str:
    return given.display if given is not None else "-"


def compare_record(comp: Comparison) -> dict[str, Any]:
    """Both results, the differences per node and area, and the questions that differ."""
    a = comp.unit.assessment
    return {
        "file": a.path,
        "unit": {"name": a.unit.name, "code": a.unit.code, "instansi": a.unit.instansi},
        "year": a.year,
        "reviewed": comp.reviewed,
        "reviews": comp.reviews,
        "questions": comp.unit.questions,
        "index": {
            "unit": float(comp.unit.index),
            "review": float(comp.review.index),
            "delta": num(comp.delta),
        },
        "category": {
            "unit": comp.unit.category[0] if comp.unit.category else None,
            "review": comp.review.category[0] if comp.review.category else None,
        },
        "nodes": [_pair(u, r) for u, r in comp.node_pairs()],
        "areas": [
            _pair(ua, ra)
            for ua, ra in zip(comp.unit.areas, comp.review.areas, strict=True)
            if ua.maximum
        ],
        "differences": [_question(q) for q in comp.questions],
        "results": {"unit": record(comp.unit), "review": record(comp.review)},
    }


def _question(q: QuestionDelta) -> dict[str, Any]:
    rv = q.reviewed
    return {
        "id": q.id,
        "indicator": q.indicator,
        "differs": q.differs,
        "unit_answer": q.unit.display if q.unit else None,
        "review_answer": q.review.display if q.review else None,
        "unit_points": num(q.unit_points) if q.unit_points is not None else None,
        "review_points": num(q.review_points) if q.review_points is not None else None,
        "delta": num(q.delta) if q.delta is not None else None,
        "note": rv.note,
        "recommendation": rv.recommendation,
        "by": rv.by,
        "appeal": ({"status": rv.appeal.status, "reason": rv.appeal.reason} if rv.appeal else None),
        "response": rv.response,
    }


def compare_json(comp: Comparison) -> str:
    """Byte-stable JSON of the comparison."""
    return json_dumps(compare_record(comp))


def compare_csv(comp: Comparison, locale: CsvLocale = CsvLocale.c) -> str:
    """One row per index, component, area and differing question."""
    header = [
        "kind",
        "id",
        "name",
        "max",
        "unit",
        "review",
        "delta",
        "unit_answer",
        "review_answer",
        "note",
        "recommendation",
        "by",
    ]
    rows: list[list[Any]] = []

    def opt(value: Fraction | None) -> Any:
        return num(value) if value is not None else ""

    rows.append(
        [
            "index",
            "root",
            comp.unit.root.name,
            num(comp.unit.root.maximum),
            comp.unit.index,  # Decimal: written per --csv-locale
            comp.review.index,
            num(comp.delta),
            "",
            "",
            "",
            "",
            "",
        ]
    )
    rows.append(
        [
            "category",
            "root",
            "",
            "",
            _category(comp.unit),
            _category(comp.review),
            "",
            "",
            "",
            "",
            "",
            "",
        ]
    )
    for nid, name, _depth, u, r, maximum in _rows(comp):
        kind, _sep, bare = nid.partition("area:")
        rows.append(
            [
                "area" if not kind else "node",
                bare or nid,
                name,
                num(maximum),
                opt(u),
                opt(r),
                opt(_delta(u, r)),
                "",
                "",
                "",
                "",
                "",
            ]
        )
    for q in comp.questions:
        rows.append(
            [
                "question",
                q.id,
                q.indicator,
                "",
                opt(q.unit_points),
                opt(q.review_points),
                opt(q.delta),
                _answer(q.unit),
                _answer(q.review),
                q.reviewed.note,
                q.reviewed.recommendation,
                q.reviewed.by,
            ]
        )
    return write_csv(header, rows, locale)


def compare_markdown(comp: Comparison) -> str:
    """A Markdown report: both indices and categories, the table of deltas, the questions."""
    a = comp.unit.assessment
    u, r = comp.unit, comp.review
    lines = [
        f"# {md(a.unit.name)} ({md(a.unit.code)}), {a.year}: " + _("self-assessment and review"),
        "",
        "| | " + " | ".join((_("Unit"), _("Review"), _("Difference"))) + " |",
        "|---|---:|---:|---:|",
        f"| {_('Index')} | {u.index} | {r.index} | {signed(comp.delta)} |",
        f"| {_('Category')} | {md(_category(u))} | {md(_category(r))} | |",
        "",
        reviewed_line(comp.reviewed, u.questions),
        "",
        "| "
        + " | ".join((_("Component or area"), _("Max"), _("Unit"), _("Review"), _("Difference")))
        + " |",
        "|---|---:|---:|---:|---:|",
    ]
    for nid, name, depth, up, rp, maximum in _rows(comp):
        pad = "&nbsp;&nbsp;" * max(depth - 1, 0)
        label = md(name) if not nid.startswith("area:") else _("Area") + ": " + md(name)
        lines.append(
            f"| {pad}{label} | {text(maximum)} | {_fixed(up)} | {_fixed(rp)} | "
            f"{signed(_delta(up, rp))} |"
        )
    if comp.questions:
        lines += [
            "",
            "## " + _("Questions reviewed"),
            "",
            "| "
            + " | ".join(
                (
                    _("Question"),
                    _("Unit"),
                    _("Review"),
                    _("Difference"),
                    _("Note"),
                    _("Recommendation"),
                )
            )
            + " |",
            "|---|---|---|---:|---|---|",
        ]
        for q in comp.questions:
            lines.append(
                f"| `{q.id}` | {md(_answer(q.unit))} | {md(_answer(q.review))} | "
                f"{signed(q.delta)} | {md(q.reviewed.note)} | {md(q.reviewed.recommendation)} |"
            )
    lines.append("")
    return "\n".join(lines)


def render_compare(comp: Comparison) -> RenderableType:
    """The terminal view of the comparison."""
    a = comp.unit.assessment
    u, r = comp.unit, comp.review
    head = Text()
    head.append(line(a.unit.name), style="bold")
    head.append(line(f" ({a.unit.code})") + " · " + _("year {year}").format(year=a.year))
    head.append("\n" + _("Index: {index}").format(index=f"{u.index} ({_category(u)})"))
    head.append("  →  " + _("review: {index}").format(index=f"{r.index} ({_category(r)})"))
    head.append(f"  [{signed(comp.delta)}]", style="red" if comp.delta < 0 else "green")
    head.append("\n" + reviewed_line(comp.reviewed, u.questions), style="dim")
    table = Table(title=_("Components and areas"), title_justify="left", show_edge=False)
    for col in (_("Component or area"), _("Max"), _("Unit"), _("Review"), _("Difference")):
        table.add_column(col, justify="left" if col == _("Component or area") else "right")
    for nid, name, depth, up, rp, maximum in _rows(comp):
        label = "  " * max(depth - 1, 0) + name
        if nid.startswith("area:"):
            label = _("Area") + ": " + name
        d = _delta(up, rp)
        table.add_row(
            *cells(label, text(maximum), _fixed(up), _fixed(rp)),
            Text(signed(d), style="red" if d is not None and d < 0 else ""),
        )
    parts: list[RenderableType] = [head, table]
    if comp.questions:
        qs = Table(title=_("Questions reviewed"), title_justify="left", show_edge=False)
        for col in (
            _("Question"),
            _("Unit"),
            _("Review"),
            _("Difference"),
            _("Note"),
            _("Recommendation"),
        ):
            qs.add_column(col, justify="right" if col == _("Difference") else "left")
        for q in comp.questions:
            qs.add_row(
                terminal(q.id, style="cyan"),
                *cells(
                    _answer(q.unit),
                    _answer(q.review),
                    signed(q.delta),
                    q.reviewed.note,
                    q.reviewed.recommendation,
                ),
            )
        parts.append(qs)
    return Group(*parts)
