"""The batch as an Excel workbook to read on screen and to print: rekap (ranking), charts,
per-area matrix, profile and per-question detail; with `batch --compare`, a trend sheet
(the rows of report.trend.trend_rows, as `batch --compare -f csv` writes them).

Written with xlsxwriter in its constant-memory mode (each row goes to disk as it is
written), imported inside to_xlsx only; the detail sheet's rows, the bulk of the workbook,
are streamed as SpreadsheetML in xlsxwriter's own form and put into the sheet it made (see
_detail). Every sheet is set up for print: A4 landscape, one page wide, the header row
repeated on every page, the sheet's title in the page header and page numbers in the
footer. Charts are native Excel charts; the unit x area matrix and the shares carry
colour scales.

Every text cell is an inline string (never a formula, whatever it starts with),
neutralised as in CSV and made safe for a workbook (escape.excel_text: control
characters shown as visible escapes such as `\\x1b`, cut at Excel's cell limit). An
unknown number (None) is an empty cell.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from pmprb.analysis.batch import Batch, Group
from pmprb.base.escape import excel_text
from pmprb.base.i18n import _
from pmprb.report.batch import UNIT_COLUMNS, group_label, share_columns, unit_rows
from pmprb.report.record import num

if TYPE_CHECKING:
    from pmprb.analysis.trend import Trend

MAX_ROWS = 1_048_576  # Excel's limit per sheet, the header row included
CHART_UNITS = 150  # a ranking chart shows at most this many units (else it is left out)

SHEETS = ("rekap", "charts", "areas", "profile", "detail")
TREND_SHEET = "trend"  # after the others (`batch --compare`)

_INT, _INDEX, _SHARE, _POINTS, _VALUE = "0", "0.00", "0.0%", "0.0000", "0.00"
# the number formats other rekap workbooks (report/review_batch.py) write with
FORMAT_INT, FORMAT_INDEX, FORMAT_SHARE = _INT, _INDEX, _SHARE

# The rekap sheet, people first: the unit beside its index, the components, then what a
# program or an auditor needs (printed only when several rule sets or years are mixed).
_REKAP_FIRST = (
    "rank",
    "unit_name",
    "unit_code",
    "index",
    "category",
    "predicate",
    "weakest_area",
    "unanswered",
)
_REKAP_LAST = (
    "rules",
    "rules_version",
    "year",
    "instansi",
    "file",
    "questions",
    "answered",
    "published",
)
assert sorted(_REKAP_FIRST + _REKAP_LAST) == sorted(UNIT_COLUMNS)


def detail_size(batch: Batch) -> int:
    """Rows the detail sheet needs (header included)."""
    return 1 + sum(len(r.unit.detail) for g in batch.groups for r in g.ranking)


def _unique(headers: Sequence[str], ids: Sequence[str | None]) -> list[str]:
    """Headers made unique within a sheet: a repeated one gets its id, else a number."""
    seen: set[str] = set()
    out: list[str] = []
    for header, ident in zip(headers, ids, strict=True):
        name = header
        if name.casefold() in seen and ident is not None:
            name = f"{header} ({ident})"
        n = 2
        while name.casefold() in seen:
            name = f"{header} ({n})"
            n += 1
        seen.add(name.casefold())
        out.append(name)
    return out


def _page_text(text: str, room: int) -> str:
    """Text for a page header: `&` doubled (Excel's escape), the result cut to `room`
    characters (Excel allows 255 for a whole header)."""
    out = excel_text(text).replace("&", "&&")
    if len(out) > room:
        out = out[: room - 1]
        if (len(out) - len(out.rstrip("&"))) % 2:  # never end on half of an escaped `&&`
            out = out[:-1]
        out += "…"
    return out


class RekapBook:
    """The workbook being written, its formats, and the set-up every sheet shares (the
    main rekap here and the review rekap, report/review_batch.py)."""

    def __init__(self, batch: Batch, buf: io.BytesIO) -> None:
        import xlsxwriter

        self.wb = xlsxwriter.Workbook(buf, {"constant_memory": True})
        self.wb.set_properties({"title": _("PMPRB rekap"), "comments": "pmprb"})
        self.head = self.wb.add_format(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "text_wrap": True,
                "valign": "top",
                "border": 1,
            }
        )
        self.title = self.wb.add_format({"bold": True, "font_size": 13})
        self.formats = {
            fmt: self.wb.add_format({"num_format": fmt, "valign": "top"})
            for fmt in (_INT, _INDEX, _SHARE, _POINTS)
        }
        self.text = self.wb.add_format({"valign": "top"})
        self.groups = "; ".join(group_label(g) for g in batch.groups)

    def sheet(self, name: str, title: str) -> Any:
        """A sheet with the print set-up; its rows are written in order afterwards."""
        ws = self.wb.add_worksheet(name)
        ws.set_paper(9)  # A4
        ws.set_landscape()
        ws.fit_to_pages(1, 0)  # one page wide, as many pages down as it takes
        ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.6)
        header = "&L&B" + _page_text(_("PMPRB rekap") + ": " + title, 90) + "&B"
        if self.groups:
            header += "&R" + _page_text(self.groups, 120)
        ws.set_header(header)
        footer = _page_text(_("Page {page} of {pages}"), 60).format(page="&P", pages="&N")
        ws.set_footer("&C" + footer)
        return ws

    def table(
        self,
        ws: Any,
        headers: Sequence[str],
        ids: Sequence[str | None],
        widths: Sequence[float],
        freeze_cols: int = 0,
    ) -> None:
        """The header row (unique names, repeated on every printed page), column widths,
        frozen panes and the print grid."""
        for i, width in enumerate(widths):
            ws.set_column(i, i, width)
        ws.set_row(0, 45)
        for i, text in enumerate(_unique(headers, ids)):
            ws.write_string(0, i, excel_text(text), self.head)
        ws.freeze_panes(1, freeze_cols)
        ws.repeat_rows(0)
        ws.hide_gridlines(0)  # gridlines on screen and on paper

    def row(self, ws: Any, r: int, values: Sequence[Any], fmts: Sequence[str | None]) -> None:
        """One data row: text as text, numbers with their format, None as an empty cell."""
        for c, (value, fmt) in enumerate(zip(values, fmts, strict=True)):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                ws.write_string(r, c, excel_text(value), self.text)
            else:
                ws.write_number(r, c, value, self.formats[fmt] if fmt else self.text)

    def finish(self, ws: Any, rows: int, cols: int, print_cols: int | None = None) -> None:
        """Filter buttons on the header and the print area (all rows, `print_cols` columns)."""
        ws.autofilter(0, 0, max(rows, 1), cols - 1)
        ws.print_area(0, 0, max(rows, 1), (print_cols or cols) - 1)


def _scale(ws: Any, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    """A red-yellow-green colour scale over a block of shares or indices."""
    if last_row < first_row or last_col < first_col:
        return
    ws.conditional_format(
        first_row,
        first_col,
        last_row,
        last_col,
        {
            "type": "3_color_scale",
            "min_color": "#F8696B",
            "mid_type": "percentile",
            "mid_value": 50,
            "mid_color": "#FFEB84",
            "max_color": "#63BE7B",
        },
    )


def to_xlsx(batch: Batch, trends: list[Trend] | None = None) -> bytes:
    """The workbook's bytes; with `trends` (batch --compare), a trend sheet at the end."""
    buf = io.BytesIO()
    book = RekapBook(batch, buf)
    rekap = book.sheet(SHEETS[0], _("Ranking"))
    charts = book.sheet(SHEETS[1], _("Charts"))
    areas = book.sheet(SHEETS[2], _("Areas per unit"))
    profile = book.sheet(SHEETS[3], _("Profile of components and areas"))
    detail = book.sheet(SHEETS[4], _("Answers per question"))
    mixed = len(batch.groups) > 1

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

    base: dict[str, tuple[str, str | None, float]] = {  # header, number format, width
        "rules": (_("Rule set"), None, 20),
        "rules_version": (_("Version"), None, 9),
        "year": (_("Year"), _INT, 7),
        "rank": (_("Rank"), _INT, 6),
        "file": (_("File"), None, 36),
        "unit_code": (_("Code"), None, 11),
        "unit_name": (_("Unit"), None, 40),
        "instansi": (_("Instansi"), None, 24),
        "index": (_("Index"), _INDEX, 8),
        "category": (_("Category"), None, 9),
        "predicate": (_("Predikat"), None, 13),
        "weakest_area": (_("Weakest area"), None, 22),
        "questions": (_("Questions"), _INT, 10),
        "answered": (_("Answered"), _INT, 10),
        "unanswered": (_("Unanswered"), _INT, 10),
        "published": (_("Published scores"), None, 10),
    }
    col = {name: i for i, name in enumerate(UNIT_COLUMNS)}  # positions in unit_rows
    rows = unit_rows(batch)
    n_base = len(UNIT_COLUMNS)
    comp_at = {c: n_base + j for j, c in enumerate(comp_ids)}
    area_at = {a: n_base + len(comp_ids) + j for j, a in enumerate(area_ids)}

    # --- rekap: the ranking ------------------------------------------------------------
    # one (header, id for a repeated header, width, number format, position in unit_rows)
    Column = tuple[str, str | None, float, str | None, int]
    columns: list[Column] = [
        (base[n][0], None, base[n][2], base[n][1], col[n]) for n in _REKAP_FIRST
    ]
    columns += [(header(comp_names[c]), c, 14.0, _SHARE, comp_at[c]) for c in comp_ids]
    columns += [(base[n][0], None, base[n][2], base[n][1], col[n]) for n in _REKAP_LAST]
    book.table(
        rekap,
        [h for h, _id, _w, _f, _i in columns],
        [ident for _h, ident, _w, _f, _i in columns],
        [w for _h, _id, w, _f, _i in columns],
        freeze_cols=2,
    )
    fmts = [f for _h, _id, _w, f, _i in columns]
    order = [i for _h, _id, _w, _f, i in columns]
    group_rows: list[tuple[int, int]] = []  # first and last rekap row of each group
    r = 0
    for g in batch.groups:
        group_rows.append((r + 1, r + len(g.ranking)))
        r += len(g.ranking)
    for r, row in enumerate(rows, start=1):
        values = [row[i] for i in order]
        names_of = own_area_names[(row[col["rules"]], row[col["rules_version"]])]
        w = _REKAP_FIRST.index("weakest_area")
        values[w] = names_of.get(values[w], values[w])
        p = len(_REKAP_FIRST) + len(comp_ids) + _REKAP_LAST.index("published")
        values[p] = _("yes") if values[p] else _("no")
        book.row(rekap, r, values, fmts)
    last = len(rows)
    index_col = _REKAP_FIRST.index("index")
    _scale(rekap, 1, index_col, last, index_col)
    for j in range(len(comp_ids)):
        _scale(rekap, 1, len(_REKAP_FIRST) + j, last, len(_REKAP_FIRST) + j)
    printed = len(_REKAP_FIRST) + len(comp_ids) + (3 if mixed else 0)  # + rule set, version, year
    book.finish(rekap, last, len(columns), printed)

    # --- areas: the unit x area matrix -------------------------------------------------
    picked = [col[n] for n in ("rank", "unit_name", "unit_code", "index")]
    picked += [area_at[a] for a in area_ids] + [col["rules"], col["year"]]
    book.table(
        areas,
        [_("Rank"), _("Unit"), _("Code"), _("Index")]
        + [header(area_names[a]) for a in area_ids]
        + [_("Rule set"), _("Year")],
        [None] * 4 + list(area_ids) + [None, None],
        [6, 40, 11, 8] + [13] * len(area_ids) + [20, 7],
        freeze_cols=2,
    )
    area_fmts = [_INT, None, None, _INDEX] + [_SHARE] * len(area_ids) + [None, _INT]
    for r, row in enumerate(rows, start=1):
        book.row(areas, r, [row[i] for i in picked], area_fmts)
    _scale(areas, 1, 4, last, 3 + len(area_ids))
    book.finish(areas, last, len(picked), 4 + len(area_ids) + (2 if mixed else 0))

    # --- profile: each component's and area's city mean, min and max --------------------
    book.table(
        profile,
        [_("Group"), _("Kind"), _("Component / area"), _("Mean"), _("Min"), _("Max"), _("Units")],
        [None] * 7,
        [34, 11, 40, 9, 9, 9, 8],
    )
    profile_fmts = [None, None, None, _SHARE, _SHARE, _SHARE, _INT]
    area_rows: list[tuple[int, int]] = []  # first and last profile row of each group's areas
    r = 0
    for g in batch.groups:
        label = group_label(g)
        first_area = r + 1 + len(g.components)
        for s in (*g.components, *g.areas):
            r += 1
            kind = _("area") if s.depth == 0 else _("component")
            values = [
                label,
                kind,
                ("    " if s.depth == 2 else "") + s.name,
                num(s.mean) if s.mean is not None else None,
                num(s.low) if s.low is not None else None,
                num(s.high) if s.high is not None else None,
                s.units,
            ]
            book.row(profile, r, values, profile_fmts)
        area_rows.append((first_area, r))
    if r:
        profile.conditional_format(
            1,
            3,
            r,
            3,
            {
                "type": "data_bar",
                "data_bar_2010": False,  # the Excel 2007 form: every reader knows it
                "bar_color": "#5B9BD5",
                "min_type": "num",
                "min_value": 0,
                "max_type": "num",
                "max_value": 1,
            },
        )
    book.finish(profile, r, 7)

    # --- charts: the ranking and each area's city mean, per group -----------------------
    _charts(book, charts, batch.groups, group_rows, area_rows, index_col)

    # --- detail: one row per unit and question ------------------------------------------
    book.table(
        detail,
        [
            _("Rule set"),
            _("Year"),
            _("File"),
            _("Code"),
            _("Unit"),
            _("Question"),
            _("Indicator"),
            _("Answer"),
            _("Answer value"),
            _("Points"),
            _("Max points"),
            _("Evidence"),
            _("Note"),
            _("From the shared file"),
        ],
        [None] * 14,
        [20, 7, 30, 11, 30, 24, 18, 10, 9, 9, 9, 50, 40, 30],
        freeze_cols=0,
    )
    # The detail's number formats as column formats: xlsxwriter then gives each its style
    # index, which the streamed rows below refer to.
    number_formats = {1: (_INT, 7), 8: (_VALUE, 9), 9: (_POINTS, 9), 10: (_POINTS, 9)}
    for at, (fmt, width) in number_formats.items():
        detail.set_column(at, at, width, book.formats[fmt])
    n_detail = detail_size(batch) - 1
    book.finish(detail, n_detail, 14)
    if trends:
        _trend_sheet(book, book.sheet(TREND_SHEET, _("Trend")), trends)
    book.wb.close()
    styles = {at: book.formats[fmt].xf_index for at, (fmt, _w) in number_formats.items()}
    return _with_rows(buf.getvalue(), SHEETS.index("detail") + 1, n_detail, _detail(batch, styles))


def _trend_sheet(book: RekapBook, ws: Any, trends: list[Trend]) -> None:
    """Every pair's rows (report.trend.trend_rows), the kinds of row in words, each value
    in its own number format: an index, a share, a count of units."""
    from pmprb.report.trend import TREND_COLUMNS, trend_rows

    kinds = {
        "unit": _("unit in both years"),
        "only_old": _("unit only then"),
        "only_new": _("unit only now"),
        "category": _("units per category"),
        "area": _("area (mean attainment)"),
        "area_only_old": _("area only then"),
        "area_only_new": _("area only now"),
    }
    heads = {
        "old_years": (_("Year then"), 9),
        "new_years": (_("Year now"), 9),
        "kind": (_("Kind"), 22),
        "id": (_("Code"), 11),
        "name": (_("Name"), 36),
        "old": (_("Then"), 9),
        "new": (_("Now"), 9),
        "delta": (_("Change"), 9),
        "old_category": (_("Category then"), 10),
        "new_category": (_("Category now"), 10),
        "category_moved": (_("Category moved"), 10),
        "old_rank": (_("Rank then"), 8),
        "new_rank": (_("Rank now"), 8),
    }
    book.table(
        ws,
        [heads[c][0] for c in TREND_COLUMNS],
        list(TREND_COLUMNS),
        [heads[c][1] for c in TREND_COLUMNS],
        freeze_cols=3,
    )
    number = {"unit": _INDEX, "category": _INT, "area": _SHARE}
    rows = trend_rows(trends)
    for r, row in enumerate(rows, start=1):
        kind = row[2]
        values = [*row]
        values[2] = kinds[kind]
        if row[10] is not None:
            values[10] = _("yes") if row[10] else _("no")
        fmts = [None] * 5 + [number.get(kind)] * 3 + [None] * 3 + [_INT, _INT]
        book.row(ws, r, values, fmts)
    book.finish(ws, len(rows), len(TREND_COLUMNS))


# --- the detail rows ---------------------------------------------------------------------
# The detail is the bulk of the workbook (188 rows a unit for 26/2020: 564,000 rows for
# 3,000 units). xlsxwriter costs ~9 us a cell here, so its rows are written as SpreadsheetML
# directly, in the very form xlsxwriter's constant-memory mode writes them (inline strings,
# the same escapes), and spliced into the sheet xlsxwriter made with the header row, the
# column widths and formats, the panes, the filter and the print set-up. tests/
# test_rekap_xlsx.py checks the cells against xlsxwriter's own for hostile text.

_XML_SPECIAL = re.compile(r"[&<>]|_x[0-9A-Fa-f]{4}_|[\x00-\x08\x0b-\x1f]")
_EXCEL_ESCAPE = re.compile(r"(_x[0-9A-Fa-f]{4}_)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


def _inline(text: str) -> str:
    """A string cell's content: XML-escaped; a literal `_x0041_` kept literal and a control
    character (only CR is left after excel_text) as Excel's `_x000D_`, as xlsxwriter does."""
    if _XML_SPECIAL.search(text) is not None:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        text = _EXCEL_ESCAPE.sub(r"_x005F\1", text)
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    if text[:1].isspace() or text[-1:].isspace():
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


def _detail(batch: Batch, styles: dict[int, int | None]) -> Iterator[str]:
    """The detail rows as SpreadsheetML, from row 2, in chunks. Rule-set texts are made
    safe once, user texts once per cell; an unknown number is an empty cell."""

    def style(col: int) -> str:
        index = styles.get(col)
        return f' s="{index}"' if index is not None else ""

    s_year, s_value, s_points = style(1), style(8), style(9)
    safe: dict[str, str] = {}

    def once(value: str) -> str:
        found = safe.get(value)
        if found is None:
            found = safe[value] = _inline(excel_text(value))
        return found

    chunk: list[str] = []
    r = 1
    for g in batch.groups:
        rules_id, year = _inline(excel_text(g.rules.rules.id)), g.year
        for ranked in g.ranking:
            u = ranked.unit
            path, name = _inline(excel_text(u.path)), _inline(excel_text(u.name))
            code = _inline(excel_text(u.code)) if u.code else ""
            common = _inline(excel_text(u.common)) if u.common else ""
            for d in u.detail:  # by name: DetailRow may gain fields
                answer, value, points = d.answer, d.value, d.points
                evidence, note = d.evidence, d.note
                r += 1
                cells = [
                    f'<row r="{r}" spans="1:14"><c r="A{r}" t="inlineStr">{rules_id}</c>'
                    f'<c r="B{r}"{s_year}><v>{year}</v></c>'
                    f'<c r="C{r}" t="inlineStr">{path}</c>'
                ]
                if code:
                    cells.append(f'<c r="D{r}" t="inlineStr">{code}</c>')
                cells.append(
                    f'<c r="E{r}" t="inlineStr">{name}</c>'
                    f'<c r="F{r}" t="inlineStr">{once(d.question)}</c>'
                    f'<c r="G{r}" t="inlineStr">{once(d.indicator)}</c>'
                )
                if answer:
                    cells.append(f'<c r="H{r}" t="inlineStr">{once(answer)}</c>')
                if value is not None:
                    cells.append(f'<c r="I{r}"{s_value}><v>{value!r}</v></c>')
                if points is not None:
                    cells.append(f'<c r="J{r}"{s_points}><v>{points!r}</v></c>')
                cells.append(f'<c r="K{r}"{s_points}><v>{d.max!r}</v></c>')
                if evidence:
                    cells.append(f'<c r="L{r}" t="inlineStr">{_inline(excel_text(evidence))}</c>')
                if note:
                    cells.append(f'<c r="M{r}" t="inlineStr">{_inline(excel_text(note))}</c>')
                if d.shared and common:  # the answer came from the unit's shared file
                    cells.append(f'<c r="N{r}" t="inlineStr">{common}</c>')
                cells.append("</row>")
                chunk.append("".join(cells))
                if len(chunk) == 2000:
                    yield "".join(chunk)
                    chunk.clear()
    if chunk:
        yield "".join(chunk)


def _with_rows(book: bytes, sheet: int, rows: int, xml: Iterator[str]) -> bytes:
    """The workbook with the streamed rows put after the header row of sheet number
    `sheet` (its dimension set to match); every other part copied as it is."""
    name = f"xl/worksheets/sheet{sheet}.xml"
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(book)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info)
            if info.filename != name:
                dst.writestr(info, data)
                continue
            text = data.decode("utf-8")
            text = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:M{rows + 1}"/>', text)
            head, tail = text.split("</sheetData>")
            with dst.open(info, "w", force_zip64=True) as part:
                part.write(head.encode("utf-8"))
                for piece in xml:
                    part.write(piece.encode("utf-8"))
                part.write(("</sheetData>" + tail).encode("utf-8"))
    return out.getvalue()


def _charts(
    book: RekapBook,
    ws: Any,
    groups: Sequence[Group],
    group_rows: list[tuple[int, int]],
    area_rows: list[tuple[int, int]],
    index_col: int,
) -> None:
    """Per group, the ranking as a bar chart (rank 1 on top) and each area's city mean."""
    ws.set_column(0, 0, 130)
    name_col = _REKAP_FIRST.index("unit_name")
    r = 0
    for g, (first, last), (a_first, a_last) in zip(groups, group_rows, area_rows, strict=True):
        label = group_label(g)
        ws.write_string(r, 0, excel_text(label), book.title)
        r += 1
        units = last - first + 1
        if units > CHART_UNITS:
            note = _(
                "The ranking chart is left out: {n} units are more than a chart shows "
                "readably ({max}); see the rekap sheet."
            ).format(n=units, max=CHART_UNITS)
            ws.write_string(r, 0, note, book.text)
            r += 2
        else:
            height = max(260, 70 + 18 * units)
            chart = book.wb.add_chart({"type": "bar"})
            chart.add_series(
                {
                    "name": _("Index"),
                    "categories": [SHEETS[0], first, name_col, last, name_col],
                    "values": [SHEETS[0], first, index_col, last, index_col],
                    "fill": {"color": "#2E75B6"},
                    "data_labels": {"value": True, "num_format": _INDEX},
                }
            )
            chart.set_title(
                {"name": _("Ranking: {group}").format(group=label), "name_font": {"size": 12}}
            )
            chart.set_legend({"none": True})
            chart.set_y_axis({"reverse": True})  # the category axis of a bar chart: rank 1 on top
            chart.set_x_axis({"min": 0, "num_format": "0", "major_gridlines": {"visible": True}})
            chart.set_size({"width": 900, "height": height})
            ws.insert_chart(r, 0, chart, {"x_offset": 5, "y_offset": 5})
            r += height // 20 + 2
        if a_last >= a_first:
            areas = a_last - a_first + 1
            height = max(240, 80 + 28 * areas)
            chart = book.wb.add_chart({"type": "bar"})
            chart.add_series(
                {
                    "name": _("Mean"),
                    "categories": [SHEETS[3], a_first, 2, a_last, 2],
                    "values": [SHEETS[3], a_first, 3, a_last, 3],
                    "fill": {"color": "#70AD47"},
                    "data_labels": {"value": True, "num_format": "0.0%"},
                }
            )
            chart.set_title(
                {
                    "name": _("City mean per area: {group}").format(group=label),
                    "name_font": {"size": 12},
                }
            )
            chart.set_legend({"none": True})
            chart.set_y_axis({"reverse": True})
            chart.set_x_axis({"min": 0, "max": 1, "num_format": "0%"})
            chart.set_size({"width": 900, "height": height})
            ws.insert_chart(r, 0, chart, {"x_offset": 5, "y_offset": 5})
            r += height // 20 + 2
    ws.print_area(0, 0, max(r, 1), 0)
