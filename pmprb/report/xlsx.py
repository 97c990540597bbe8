"""The batch as an Excel workbook: rekap, per-area matrix, profile and per-question detail.

openpyxl is imported inside to_xlsx only, so nothing else pays for it. Every text cell is
neutralised (display.cell) and stored as a string, never as a formula.
"""

from __future__ import annotations

import io
from typing import Any

from ..batch import Batch
from ..display import cell
from ..i18n import _
from .batch import UNIT_COLUMNS, detail_rows, group_label, share_columns, unit_rows
from .record import num

MAX_ROWS = 1_048_576  # Excel's limit per sheet, the header row included


def detail_size(batch: Batch) -> int:
    """Rows the detail sheet needs (header included)."""
    return 1 + sum(len(r.unit.detail) for g in batch.groups for r in g.ranking)


def to_xlsx(batch: Batch) -> bytes:
    """The workbook's bytes (write-only mode: memory stays flat while it is written)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")

    def sheet(title: str, headers: list[str], formats: list[str | None], widths: list[int]) -> Any:
        ws = wb.create_sheet(title)
        ws.freeze_panes = "A2"
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        row = []
        for h in headers:
            c = WriteOnlyCell(ws, value=cell(h))
            c.data_type = "s"
            c.font = bold
            c.fill = fill
            c.alignment = Alignment(wrap_text=True, vertical="top")
            row.append(c)
        ws.append(row)
        return ws, formats

    def put(target: tuple[Any, list[str | None]], values: list[Any]) -> None:
        ws, formats = target
        row: list[Any] = []
        for value, fmt in zip(values, formats, strict=True):
            if isinstance(value, str):
                c = WriteOnlyCell(ws, value=cell(value))
                c.data_type = "s"  # text stays text: never a formula, whatever it starts with
            else:
                c = WriteOnlyCell(ws, value=value)
                if fmt is not None and value is not None:
                    c.number_format = fmt
            row.append(c)
        ws.append(row)

    comp_ids, area_ids = share_columns(batch)
    # Rule sets may name one id differently (14/2014 and 26/2020 both have `dk`): a column
    # shared by several groups lists every name; a unit's weakest area uses its own set's.
    comp_names: dict[str, list[str]] = {}
    area_names: dict[str, list[str]] = {}
    own_area_names: dict[tuple[str, str], dict[str, str]] = {}
    for g in batch.groups:
        for c, n, _d in g.layout.components:
            comp_names.setdefault(c, []).append(n)
        for a, n in g.layout.areas:
            area_names.setdefault(a, []).append(n)
        own_area_names[(g.rules.rules.id, g.rules.rules.version)] = dict(g.layout.areas)

    def header(names: list[str]) -> str:
        return " / ".join(dict.fromkeys(names))

    pct = "0.0%"
    base = [  # header, number format, width: one per UNIT_COLUMNS entry
        (_("Rule set"), None, 22),
        (_("Version"), None, 9),
        (_("Year"), "0", 7),
        (_("Rank"), "0", 7),
        (_("File"), None, 36),
        (_("Code"), None, 12),
        (_("Unit"), None, 36),
        (_("Instansi"), None, 24),
        (_("Index"), "0.00", 9),
        (_("Category"), None, 10),
        (_("Predikat"), None, 16),
        (_("Weakest area"), None, 24),
        (_("Questions"), "0", 10),
        (_("Answered"), "0", 10),
        (_("Unanswered"), "0", 11),
        (_("Published scores"), None, 10),
    ]
    assert len(base) == len(UNIT_COLUMNS)
    rekap = sheet(
        "rekap",
        [h for h, _f, _w in base] + [header(comp_names[c]) for c in comp_ids],
        [f for _h, f, _w in base] + [pct] * len(comp_ids),
        [w for _h, _f, w in base] + [14] * len(comp_ids),
    )
    # the rekap sheet's base columns are UNIT_COLUMNS, in that order
    col = {name: i for i, name in enumerate(UNIT_COLUMNS)}
    rows = unit_rows(batch)
    for row in rows:
        shares = row[len(base) : len(base) + len(comp_ids)]
        values = row[: len(base)]
        names = own_area_names[(values[col["rules"]], values[col["rules_version"]])]
        weakest = values[col["weakest_area"]]
        values[col["weakest_area"]] = names.get(weakest, weakest)
        values[col["published"]] = _("yes") if values[col["published"]] else _("no")
        put(rekap, values + shares)

    matrix = sheet(
        "areas",
        [_("Rule set"), _("Year"), _("Code"), _("Unit"), _("Index")]
        + [header(area_names[a]) for a in area_ids],
        [None, "0", None, None, "0.00"] + [pct] * len(area_ids),
        [22, 7, 12, 36, 9] + [14] * len(area_ids),
    )
    picked = [col[name] for name in ("rules", "year", "unit_code", "unit_name", "index")]
    for row in rows:
        put(matrix, [row[i] for i in picked] + row[len(base) + len(comp_ids) :])

    profile = sheet(
        "profile",
        [_("Group"), _("Kind"), _("Component / area"), _("Mean"), _("Min"), _("Max"), _("Units")],
        [None, None, None, pct, pct, pct, "0"],
        [30, 12, 40, 9, 9, 9, 8],
    )
    for g in batch.groups:
        label = group_label(g)
        for s in (*g.components, *g.areas):
            kind = _("area") if s.depth == 0 else _("component")
            put(
                profile,
                [
                    label,
                    kind,
                    ("    " if s.depth == 2 else "") + s.name,
                    num(s.mean) if s.mean is not None else None,
                    num(s.low) if s.low is not None else None,
                    num(s.high) if s.high is not None else None,
                    s.units,
                ],
            )

    detail = sheet(
        "detail",
        [
            _("Rule set"),
            _("Year"),
            _("File"),
            _("Code"),
            _("Unit"),
            _("Question"),
            _("Indicator"),
            _("Answer"),
            _("Value"),
            _("Points"),
            _("Max"),
            _("Evidence"),
            _("Note"),
        ],
        [None, "0", None, None, None, None, None, None, "0.00", "0.0000", "0.0000", None, None],
        [22, 7, 30, 12, 30, 24, 18, 10, 8, 9, 9, 50, 40],
    )
    for row in detail_rows(batch):
        put(detail, row)

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
