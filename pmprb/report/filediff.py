"""Renderers of `pmprb diff`: one plain record, then JSON, CSV, Markdown and a rich table."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from pmprb.analysis.compare import ANSWERED, DROPPED, IMPROVED, KINDS, REGRESSED, Comparison, Delta
from pmprb.analysis.engine import Result
from pmprb.base.escape import cells, json_dumps, terminal
from pmprb.base.escape import markdown as md
from pmprb.base.i18n import _
from pmprb.report.csvout import CsvLocale, write_csv
from pmprb.report.record import num, text


def _opt(value: Fraction | None) -> float | None:
    return num(value) if value is not None else None


def _side(result: Result) -> dict[str, Any]:
    a = result.assessment
    named = result.category
    return {
        "file": a.path,
        "unit": {"name": a.unit.name, "code": a.unit.code},
        "year": a.year,
        "rules": {"id": result.rules.rules.id, "version": result.rules.rules.version},
        "index": float(result.index),
        "category": named[0] if named else None,
        "predicate": named[1] if named else None,
    }


def _delta(d: Delta) -> dict[str, Any]:
    return {
        "id": d.id,
        "name": d.name,
        "old": _opt(d.old),
        "new": _opt(d.new),
        "delta": _opt(d.delta),
        "old_max": num(d.old_max),
        "new_max": num(d.new_max),
    }


def _kind_title(kind: str) -> str:
    return {
        IMPROVED: _("Questions improved"),
        REGRESSED: _("Questions regressed"),
        ANSWERED: _("Questions newly answered"),
        DROPPED: _("Questions dropped (answered before, not now)"),
    }[kind]


def not_compared_lines(c: Comparison) -> list[str]:
    """Plain sentences on what the comparison leaves out (empty when nothing)."""
    out: list[str] = []
    if not c.same_unit:
        out.append(
            _("The files name different units ({old} and {new}).").format(
                old=c.old.assessment.unit.code, new=c.new.assessment.unit.code
            )
        )
    if not c.same_rules:
        out.append(
            _(
                "Different rule sets ({old} and {new}): only components, areas and questions"
                " with the same id are compared, each with its own rule set's points."
            ).format(old=c.old.rules.rules.id, new=c.new.rules.rules.id)
        )
    for label, side in ((_("only in OLD"), c.only_old), (_("only in NEW"), c.only_new)):
        if side.components:
            out.append(
                _("Components {where}, not compared: {ids}").format(
                    where=label, ids=", ".join(side.components)
                )
            )
        if side.areas:
            out.append(
                _("Areas {where}, not compared: {ids}").format(
                    where=label, ids=", ".join(side.areas)
                )
            )
        if side.questions:
            out.append(
                _("{n} questions {where}, not compared").format(n=len(side.questions), where=label)
            )
    if c.reweighted:
        out.append(
            _(
                "{n} questions carry another maximum in NEW: improved or regressed is"
                " decided on the answer's value, not on points"
            ).format(n=len(c.reweighted))
        )
    if c.unknown:
        out.append(
            _("{n} questions not compared: their points are under a published score").format(
                n=len(c.unknown)
            )
        )
    return out


def diff_record(c: Comparison) -> dict[str, Any]:
    """The comparison as plain data with a fixed key order."""
    return {
        "old": _side(c.old),
        "new": _side(c.new),
        "same_rules": c.same_rules,
        "same_unit": c.same_unit,
        "index_delta": float(c.index_delta),
        "category_changed": c.old.category != c.new.category,
        "components": [_delta(d) for d in c.components],
        "areas": [_delta(d) for d in c.areas],
        "questions": {
            kind: [
                {
                    "id": q.id,
                    "old_answer": q.old_answer,
                    "new_answer": q.new_answer,
                    "old_points": num(q.old_points),
                    "new_points": num(q.new_points),
                    "delta": num(q.delta),
                }
                for q in c.of(kind)
            ]
            for kind in KINDS
        },
        "not_compared": {
            "only_old": {
                "components": list(c.only_old.components),
                "areas": list(c.only_old.areas),
                "questions": list(c.only_old.questions),
            },
            "only_new": {
                "components": list(c.only_new.components),
                "areas": list(c.only_new.areas),
                "questions": list(c.only_new.questions),
            },
            "under_published": list(c.unknown),
            "reweighted": list(c.reweighted),
        },
    }


def to_json(c: Comparison) -> str:
    """Byte-stable JSON of the comparison."""
    return json_dumps(diff_record(c))


def to_csv(c: Comparison, locale: CsvLocale = CsvLocale.c) -> str:
    """A long table: kind (index, category, component, area or a question kind), id, name,
    old, new, delta."""
    rec = diff_record(c)
    old, new = rec["old"], rec["new"]
    rows: list[list[Any]] = [
        ["index", "", "", old["index"], new["index"], rec["index_delta"]],
        ["category", "", "", old["category"], new["category"], None],
    ]
    for kind, key in (("component", "components"), ("area", "areas")):
        for d in rec[key]:
            rows.append([kind, d["id"], d["name"], d["old"], d["new"], d["delta"]])
    texts = {q.id: q.text for q in c.questions}
    for kind in KINDS:
        for q in rec["questions"][kind]:
            rows.append(
                [kind, q["id"], texts[q["id"]], q["old_points"], q["new_points"], q["delta"]]
            )
    return write_csv(["kind", "id", "name", "old", "new", "delta"], rows, locale)


def _signed(value: Fraction | None, places: int = 2) -> str:
    if value is None:
        return "?"
    shown = text(value, places)
    return "+" + shown if value > 0 else shown


def _shown(value: Fraction | None) -> str:
    return text(value) if value is not None else "?"


def _headline(c: Comparison) -> tuple[str, str]:
    """(index line, category line) as plain text."""
    precision = c.new.rules.rules.precision
    index = _("Index: {old} → {new} ({delta})").format(
        old=text(c.old.index, precision),
        new=text(c.new.index, precision),
        delta=_signed(Fraction(c.index_delta), precision),
    )
    a, b = c.old.category, c.new.category
    before, after = (a[0] if a else "-"), (b[0] if b else "-")
    if a == b:
        category = _("Category: {category} (unchanged)").format(category=after)
    else:
        category = _("Category: {old} → {new}").format(old=before, new=after)
    return index, category


def _title(c: Comparison) -> str:
    o, n = c.old.assessment, c.new.assessment
    return f"{n.unit.name} ({n.unit.code}): {o.year} → {n.year}"


def to_markdown(c: Comparison) -> str:
    """A Markdown report of the comparison."""
    index, category = _headline(c)
    lines = [f"# {md(_title(c))}", "", f"**{md(index)}**", "", md(category), ""]
    for title, rows in ((_("Component"), c.components), (_("Area"), c.areas)):
        if not rows:
            continue
        lines += [
            "| " + " | ".join((title, _("Before"), _("After"), _("Change"))) + " |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| {md(d.name)} | {_shown(d.old)} | {_shown(d.new)} | {_signed(d.delta)} |"
            for d in rows
        ]
        lines.append("")
    for kind in KINDS:
        found = c.of(kind)
        if not found:
            continue
        lines += [
            f"## {_kind_title(kind)} ({len(found)})",
            "",
            "| " + " | ".join((_("Question"), _("Before"), _("After"), _("Change"))) + " |",
            "|---|---|---|---:|",
        ]
        lines += [
            f"| `{md(q.id)}` | {md(q.old_answer or '-')} ({text(q.old_points)}) |"
            f" {md(q.new_answer or '-')} ({text(q.new_points)}) | {_signed(q.delta)} |"
            for q in found
        ]
        lines.append("")
    notes = not_compared_lines(c)
    if notes:
        lines += [f"## {_('Not compared')}", "", *[f"- {md(n)}" for n in notes], ""]
    return "\n".join(lines)


def _delta_table(title: str, rows: tuple[Delta, ...]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(title)
    for head in (_("Before"), _("After"), _("Change")):
        table.add_column(head, justify="right")
    for d in rows:
        style = "green" if (d.delta or 0) > 0 else "red" if (d.delta or 0) < 0 else ""
        table.add_row(
            *cells(d.name, _shown(d.old), _shown(d.new), terminal(_signed(d.delta), style))
        )
    return table


def render(c: Comparison, top: int = 10) -> RenderableType:
    """The comparison as rich tables; at most `top` questions of each kind (0: all)."""
    index, category = _headline(c)
    parts: list[RenderableType] = [
        terminal(_title(c), "bold"),
        terminal(index, "bold"),
        terminal(category),
    ]
    if c.components:
        parts.append(_delta_table(_("Component"), c.components))
    if c.areas:
        parts.append(_delta_table(_("Area"), c.areas))
    for kind in KINDS:
        found = c.of(kind)
        if not found:
            continue
        table = Table(title=f"{_kind_title(kind)} ({len(found)})", title_justify="left")
        for head, right in (
            (_("Question"), False),
            (_("Before"), False),
            (_("After"), False),
            (_("Change"), True),
        ):
            table.add_column(head, justify="right" if right else "left")
        shown = sorted(found, key=lambda q: (-abs(q.delta), q.id))
        for q in shown[:top] if top else shown:
            table.add_row(
                *cells(
                    q.id,
                    f"{q.old_answer or '-'} ({text(q.old_points)})",
                    f"{q.new_answer or '-'} ({text(q.new_points)})",
                    _signed(q.delta),
                )
            )
        parts.append(table)
        if top and len(found) > top:
            parts.append(Text(_("… and {n} more").format(n=len(found) - top)))
    for note in not_compared_lines(c):
        parts.append(terminal(note, "yellow"))
    return Group(*parts)
