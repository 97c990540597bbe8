"""The self-versus-review rekap of a batch (`pmprb batch --basis both`) in every format."""

from __future__ import annotations

import io
from decimal import Decimal
from fractions import Fraction
from typing import Any

from rich.console import Group as RichGroup
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from pmprb.analysis.batch import AreaGap, Batch, ReviewGap, review_gaps
from pmprb.base.escape import cells, json_dumps, terminal
from pmprb.base.escape import markdown as md
from pmprb.base.i18n import _
from pmprb.report.batch import group_label
from pmprb.report.csvout import CsvLocale, write_csv
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


def review_csv(batch: Batch, locale: CsvLocale = CsvLocale.c) -> str:
    """One row per unit, then one per area (kind column)."""
    header = [
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
    lines: list[list[Any]] = []
    for g, rows, areas in _groups(batch):
        rid = g.rules.rules.id
        for r in rows:
            lines.append(
                [
                    "unit",
                    rid,
                    g.year,
                    r.unit.code,
                    r.unit.name,
                    r.unit.index,
                    r.unit.category or "",
                    r.review.index,
                    r.review.category or "",
                    r.gap,
                    r.unit.reviewed,
                    r.unit.questions,
                ]
            )
        for a in areas:
            lines.append(
                [
                    "area",
                    rid,
                    g.year,
                    a.id,
                    a.name,
                    "",
                    "",
                    "",
                    "",
                    num(a.mean) if a.mean is not None else "",
                    "",
                    a.units,
                ]
            )
    return write_csv(header, lines, locale)


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

    Written like the main rekap workbook (report/xlsx.py, xlsxwriter imported there only):
    the same print set-up, header row and cells (every text cell neutralised, stored as
    text; an unknown number left empty).
    """
    from pmprb.report.xlsx import FORMAT_INDEX, FORMAT_INT, FORMAT_SHARE, RekapBook

    buf = io.BytesIO()
    book = RekapBook(batch, buf)
    units = book.sheet(_("Units"), _("self-assessment and review"))
    areas = book.sheet(_("Areas"), _("Where self-assessment runs furthest above review"))
    unit_headers = [
        (_("Rule set"), None, 20),
        (_("Year"), FORMAT_INT, 7),
        (_("Code"), None, 11),
        (_("Unit"), None, 40),
        (_("Index"), FORMAT_INDEX, 8),
        (_("Category"), None, 9),
        (_("Review"), FORMAT_INDEX, 8),
        (_("Review category"), None, 9),
        (_("Gap"), FORMAT_INDEX, 8),
        (_("Reviewed"), FORMAT_INT, 9),
        (_("Questions"), FORMAT_INT, 10),
    ]
    area_headers = [
        (_("Rule set"), None, 20),
        (_("Year"), FORMAT_INT, 7),
        (_("Area"), None, 40),
        (_("Mean gap"), FORMAT_SHARE, 10),
        (_("Units"), FORMAT_INT, 8),
    ]
    for ws, headers in ((units, unit_headers), (areas, area_headers)):
        book.table(
            ws, [h for h, _f, _w in headers], [None] * len(headers), [w for _h, _f, w in headers]
        )
    unit_fmts = [f for _h, f, _w in unit_headers]
    area_fmts = [f for _h, f, _w in area_headers]
    u = a = 0
    for g, rows, gaps in _groups(batch):
        label = group_label(g)
        for r in rows:
            u += 1
            values = [
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
            ]
            book.row(units, u, values, unit_fmts)
        for gap in gaps:
            a += 1
            mean = num(gap.mean) if gap.mean is not None else None
            book.row(areas, a, [label, g.year, gap.name, mean, gap.units], area_fmts)
    book.finish(units, u, len(unit_headers))
    book.finish(areas, a, len(area_headers))
    book.wb.close()
    return buf.getvalue()
