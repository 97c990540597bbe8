"""The self-versus-review rekap of a batch (`pmprb batch --basis both`) in every format."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from fractions import Fraction
from typing import Any

from rich.console import Group as RichGroup
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from pmprb.analysis.batch import AreaGap, Batch, ReviewGap, review_gaps
from pmprb.base.escape import cell, cells, excel_text, json_dumps, terminal
from pmprb.base.escape import markdown as md
from pmprb.base.i18n import _
from pmprb.report.batch import group_label
from pmprb.report.record import num, text


def _pp(value: Fraction | None) -> str:
    """An attainment gap in percentage points, signed."""
    if value is None:
        return "?"
    shown = text(value * 100, 2)
    return ("+" + shown if value > 0 else shown) + " pp"


def _signed(value: Decimal) -> str:
    return f"+{value}" if value > 0 else str(value)


def _groups(batch: Batch) -> list[tuple[Any, tuple[ReviewGap, ...], tuple[AreaGap, ...]]]:
    return [(g, *review_gaps(g)) for g in batch.groups]


def review_record(batch: Batch) -> dict[str, Any]:
    """Plain data: per group, per unit both indices and the gap; per area the mean gap."""
    return {
        "files": batch.files,
        "scored": batch.scored,
        "groups": [
            {
                "rules": g.rules.rules.id,
                "year": g.year,
                "units": [
                    {
                        "file": r.unit.path,
                        "code": r.unit.code,
                        "name": r.unit.name,
                        "index": float(r.unit.index),
                        "category": r.unit.category,
                        "review_index": float(r.review.index),
                        "review_category": r.review.category,
                        "gap": float(r.gap),
                        "reviewed": r.unit.reviewed,
                        "questions": r.unit.questions,
                    }
                    for r in rows
                ],
                "areas": [
                    {
                        "id": a.id,
                        "name": a.name,
                        "units": a.units,
                        "mean_gap": num(a.mean) if a.mean is not None else None,
                    }
                    for a in areas
                ],
                "reviewed": sum(r.unit.reviewed for r in rows),
            }
            for g, rows, areas in _groups(batch)
        ],
    }


def review_json(batch: Batch) -> str:
    """Byte-stable JSON."""
    return json_dumps(review_record(batch))


def review_csv(batch: Batch) -> str:
    """One row per unit, then one per area (kind column)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        [
            "kind",
            "rules",
            "year",
            "id",
            "name",
            "index",
            "category",
            "review_index",
            "review_category",
            "gap",
            "reviewed",
            "questions",
        ]
    )
    for g, rows, areas in _groups(batch):
        rid = g.rules.rules.id
        for r in rows:
            w.writerow(
                [
                    "unit",
                    rid,
                    g.year,
                    cell(r.unit.code),
                    cell(r.unit.name),
                    str(r.unit.index),
                    r.unit.category or "",
                    str(r.review.index),
                    r.review.category or "",
                    str(r.gap),
                    r.unit.reviewed,
                    r.unit.questions,
                ]
            )
        for a in areas:
            w.writerow(
                [
                    "area",
                    rid,
                    g.year,
                    a.id,
                    cell(a.name),
                    "",
                    "",
                    "",
                    "",
                    num(a.mean) if a.mean is not None else "",
                    "",
                    a.units,
                ]
            )
    return buf.getvalue()


def review_markdown(batch: Batch) -> str:
    """Markdown: per group a unit table and the areas by mean gap."""
    out: list[str] = []
    for g, rows, areas in _groups(batch):
        out += [
            f"# {md(group_label(g))}: " + _("self-assessment and review"),
            "",
            "| "
            + " | ".join(
                (
                    _("Unit"),
                    _("Index"),
                    _("Category"),
                    _("Review"),
                    _("Category"),
                    _("Gap"),
                    _("Reviewed"),
                )
            )
            + " |",
            "|---|---:|---|---:|---|---:|---:|",
        ]
        for r in rows:
            out.append(
                f"| {md(r.unit.name)} ({md(r.unit.code)}) | {r.unit.index} | "
                f"{md(r.unit.category or '-')} | {r.review.index} | "
                f"{md(r.review.category or '-')} | {_signed(r.gap)} | "
                f"{r.unit.reviewed}/{r.unit.questions} |"
            )
        out += [
            "",
            "## " + _("Where self-assessment runs furthest above review"),
            "",
            "| " + " | ".join((_("Area"), _("Mean gap"), _("Units"))) + " |",
            "|---|---:|---:|",
        ]
        for a in areas:
            out.append(f"| {md(a.name)} | {_pp(a.mean)} | {a.units} |")
        out.append("")
    return "\n".join(out)


def render_review(batch: Batch) -> RenderableType:
    """The terminal view."""
    parts: list[RenderableType] = []
    for g, rows, areas in _groups(batch):
        units = Table(
            title=terminal(group_label(g) + ": " + _("self-assessment and review")),
            title_justify="left",
            show_edge=False,
        )
        for col in (
            _("Unit"),
            _("Index"),
            _("Category"),
            _("Review"),
            _("Category"),
            _("Gap"),
            _("Reviewed"),
        ):
            units.add_column(col)
        for r in rows:
            units.add_row(
                *cells(
                    f"{r.unit.name} ({r.unit.code})",
                    str(r.unit.index),
                    r.unit.category or "-",
                    str(r.review.index),
                    r.review.category or "-",
                ),
                Text(_signed(r.gap), style="red" if r.gap > 0 else ""),
                *cells(f"{r.unit.reviewed}/{r.unit.questions}"),
            )
        parts.append(units)
        table = Table(
            title=_("Where self-assessment runs furthest above review"),
            title_justify="left",
            show_edge=False,
        )
        for col in (_("Area"), _("Mean gap"), _("Units")):
            table.add_column(col)
        for a in areas:
            table.add_row(*cells(a.name, _pp(a.mean), str(a.units)))
        parts.append(table)
    return RichGroup(*parts)


def review_xlsx(batch: Batch) -> bytes:
    """A workbook: one sheet of units (both indices and the gap), one of areas (mean gap).

    openpyxl is imported here only; every text cell is neutralised and stored as text.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def add(ws: Any, values: list[Any], header: bool = False) -> None:
        row = []
        for value in values:
            c = WriteOnlyCell(ws, value=excel_text(value) if isinstance(value, str) else value)
            if isinstance(value, str):
                c.data_type = "s"
            if header:
                c.font = bold
            row.append(c)
        ws.append(row)

    units = wb.create_sheet(_("Units"))
    add(
        units,
        [
            _("Rule set"),
            _("Year"),
            _("Code"),
            _("Unit"),
            _("Index"),
            _("Category"),
            _("Review"),
            _("Category"),
            _("Gap"),
            _("Reviewed"),
            _("Questions"),
        ],
        True,
    )
    areas = wb.create_sheet(_("Areas"))
    add(areas, [_("Rule set"), _("Year"), _("Area"), _("Mean gap"), _("Units")], True)
    for g, rows, gaps in _groups(batch):
        label = group_label(g)
        for r in rows:
            add(
                units,
                [
                    label,
                    g.year,
                    r.unit.code,
                    r.unit.name,
                    float(r.unit.index),
                    r.unit.category or "",
                    float(r.review.index),
                    r.review.category or "",
                    float(r.gap),
                    r.unit.reviewed,
                    r.unit.questions,
                ],
            )
        for a in gaps:
            add(
                areas, [label, g.year, a.name, num(a.mean) if a.mean is not None else None, a.units]
            )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
