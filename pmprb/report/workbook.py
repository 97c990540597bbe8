"""Write an LKE workbook: blank for a unit to fill (`pmprb init --format xlsx`), or holding
an answer file's answers (`pmprb convert`).

xlsxwriter writes it: it is fast, writes exactly what is asked (numbers as their decimal
digits, so a Decimal keeps its value), and supports everything the template needs (data
validation with input messages and error alerts, protection without a password, very
hidden sheets, custom properties, print set-up). The layout comes from layout.py.

The answers sheet has three groups of fill-in columns, each coloured and labelled in the
row above the headers: the unit's (answer, counts, not-counted marking, data dukung,
note), the reviewer's (the review block's value, note, recommendation, name) and the
appeal (the unit's appeal, the reviewer's response). Columns no question of the rule set
can use (counts, not-counted markings) are hidden, not left out: the reader finds every
column of the layout.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pmprb import __version__
from pmprb.base.i18n import _, current_language
from pmprb.inputs.workbook.layout import (
    FORMAT,
    META_SHEET,
    Column,
    Side,
    answer_columns,
    appeal_labels,
    identity_rows,
    score_columns,
    sheet_names,
    side_labels,
)
from pmprb.model.assessment import LongAnswer, PublishedScore
from pmprb.model.rules import ChoiceScale, LoadedRules, Node, NumberScale, Question

HEADER_ROW = 2  # 0-based row of the column headers on the scores sheet
ANSWERS_HEADER = 3  # ... and on the answers sheet, below the row labelling the column groups
MAX_DIGITS = 15  # significant digits a spreadsheet cell keeps
# a fixed date in the file's properties: the same inputs give the same bytes
_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


class NotExact(ValueError):
    """A number has more significant digits than a spreadsheet cell keeps."""

    def __init__(self, loc: tuple[str, ...], value: Decimal | int) -> None:
        super().__init__(f"{'.'.join(loc)}: {value}")
        self.loc = loc  # the key path of the number in the answer file
        self.value = value


def made_for(loaded: LoadedRules, named: str) -> str:
    """The digest a workbook for rule set `named` records: that rule set's, when `loaded` is
    an overlay that extends it, else `loaded`'s own."""
    for r in loaded.lineage():
        if r.rules.id == named:
            return r.digest
    return loaded.digest


def _exact(loc: tuple[str, ...], value: Decimal | int) -> Decimal | int:
    digits = value.normalize().as_tuple().digits if isinstance(value, Decimal) else str(abs(value))
    if len(digits) > MAX_DIGITS:
        raise NotExact(loc, value)
    return value


def _limit(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


class _Validations:
    """Data validations by rule: each rule once per sheet over all its cells (a template
    has hundreds of answer cells and a few rules), written when a sheet is done."""

    def __init__(self) -> None:
        from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

        self._name, self._spot = xl_rowcol_to_cell, xl_cell_to_rowcol
        self.rules: dict[tuple[int, str], tuple[Any, dict[str, Any], list[str]]] = {}

    def add(self, sheet: Any, row: int, col: int, options: dict[str, Any]) -> None:
        key = (id(sheet), repr(sorted(options.items())))
        entry = self.rules.setdefault(key, (sheet, options, []))
        entry[2].append(self._name(row, col))

    def flush(self) -> None:
        for sheet, options, cells in self.rules.values():
            row, col = self._spot(cells[0])
            sheet.data_validation(row, col, row, col, {**options, "multi_range": " ".join(cells)})
        self.rules.clear()


def workbook_bytes(
    loaded: LoadedRules,
    named: str,
    unit: Mapping[str, str],
    year: int,
    answers: Mapping[str, Any] | None = None,
    scores: Mapping[str, Decimal | int | PublishedScore] | None = None,
) -> bytes:
    """The workbook for one unit: `named` is the rule set id the answer file gives, `unit`
    its name, code and instansi, `answers` and `scores` an answer file's (AnswerFile values:
    a label or number, a LongAnswer, or None). Raises NotExact for a number a cell cannot
    hold exactly."""
    import xlsxwriter

    rs = loaded.rules
    answers = answers or {}
    scores = scores or {}
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    digest = made_for(loaded, named)
    book.set_properties(
        {
            "title": _("LKE: {title}").format(title=rs.title),
            "subject": f"{rs.id} {rs.version}",
            "author": "pmprb",
            "created": _EPOCH,
        }
    )
    book.set_custom_property("pmprb_format", FORMAT)
    book.set_custom_property("pmprb_rules", named)
    book.set_custom_property("pmprb_rules_sha256", digest)
    book.set_custom_property("pmprb_version", __version__)
    names = sheet_names()
    f = _formats(book)
    valid = _Validations()

    # --- identity -------------------------------------------------------------------
    ident = book.add_worksheet(names["identity"])
    ident.set_column(0, 0, 30)
    ident.set_column(1, 1, 70)
    ident.write_string(0, 0, _("LKE: {title}").format(title=rs.title), f["title"])
    ident.write_string(
        1,
        0,
        _("Fill in the yellow cells here and on the sheet '{sheet}'.").format(
            sheet=names["answers"]
        ),
        f["hint"],
    )
    values: dict[str, str | int] = {
        "unit.name": unit.get("name", ""),
        "unit.code": unit.get("code", ""),
        "unit.instansi": unit.get("instansi", ""),
        "year": year,
        "rules": named,
    }
    row = 3
    for key, label in identity_rows():
        ident.write_string(row, 0, label, f["label"])
        value = values[key]
        if key == "rules":
            ident.write_string(row, 1, str(value), f["written"])
        elif isinstance(value, int):
            ident.write_number(row, 1, value, f["fill_number"])
            valid.add(
                ident,
                row,
                1,
                {
                    "validate": "integer",
                    "criteria": "between",
                    "minimum": 1990,
                    "maximum": 2100,
                    "input_title": _limit(label, 32),
                    "input_message": _("A year from 1990 to 2100."),
                    "error_title": _limit(_("Not a year"), 32),
                    "error_message": _("Type a year from 1990 to 2100."),
                },
            )
        else:
            ident.write_string(row, 1, value, f["fill_text"])
        row += 1
    info = [
        (_("Rule set title"), rs.title),
        (_("Rule set version"), rs.version),
        (_("Rule set sha256"), digest),
        (_("Made by"), f"pmprb {__version__}"),
    ]
    if loaded.base is not None:
        info.append((_("Score with"), f"--rules {loaded.path}"))
    row += 1
    for label, text in info:
        ident.write_string(row, 0, label, f["label"])
        ident.write_string(row, 1, text, f["written"])
        row += 1
    _protect(ident)
    _print_setup(ident, None)
    ident.activate()

    # --- answers --------------------------------------------------------------------
    columns = answer_columns()
    sheet = book.add_worksheet(names["answers"])
    sheet.write_string(0, 0, _("LKE: {title}").format(title=rs.title), f["title"])
    sheet.write_string(
        1,
        0,
        _(
            "One row per question: fill in the yellow cells (the answer, or the counts where "
            "the question has them; the data dukung one per line; a note). Rows may be sorted: "
            "they are read by their ID."
        ),
        f["hint"],
    )
    id_width = min(max((len(q) for q in loaded.questions), default=10) + 2, 30)
    any_counts = any(ref.question.counts is not None for ref in loaded.questions.values())
    any_not_counted = any(ref.not_counted for ref in loaded.questions.values())
    hidden: set[int] = set()
    for j, col in enumerate(columns):
        # a column no question can use is hidden (it prints narrower), not left out; its
        # cells are not written (a cell without a record is locked)
        if (col.kind == "count" and not any_counts) or (
            col.kind == "reason" and not any_not_counted
        ):
            hidden.add(j)
        width = id_width if col.key == "id" else col.width
        sheet.set_column(j, j, width, None, {"hidden": j in hidden})
        style = f["header"] if col.kind == "written" else f[f"header_{col.side}"]
        sheet.write_string(ANSWERS_HEADER, j, col.header, style)
    sheet.set_row(ANSWERS_HEADER, 45)
    _side_bands(sheet, ANSWERS_HEADER - 1, columns, f)
    counts_meta: list[tuple[str, str]] = []
    statuses = appeal_labels()  # an appeal's status -> its label in this language
    row = ANSWERS_HEADER + 1

    def group(node: Node, depth: int) -> None:
        nonlocal row
        style = f[f"group{min(depth, 3)}"]
        for j in range(len(columns)):
            sheet.write_blank(row, j, None, style)
        sheet.write_string(row, 1, f"{node.name} ({node.id})", style)
        sheet.write_number(row, 3, float(loaded.maxima[node.id]), f[f"group{min(depth, 3)}_n"])
        row += 1
        for child in node.children or ():
            group(child, depth + 1)
        for q in node.questions or ():
            question(q)

    def question(q: Question) -> None:
        nonlocal row
        ref = loaded.questions[q.id]
        scale = ref.scale
        raw = answers.get(q.id)
        names_ = list(q.counts.inputs) if q.counts is not None else []
        if names_:
            counts_meta.append((q.id, "\t".join(names_)))
        texts: list[tuple[int, str]] = []
        for j, col in enumerate(columns):
            if col.kind == "written":
                if col.key in ("question", "options"):
                    texts.append((col.width, _written_text(col.key, q, scale)))
                _written(sheet, row, j, col, q, ref.maximum, scale, f)
                continue
            if j in hidden:
                continue
            value = _field(raw, col.path)
            loc = ("answers", q.id, *col.path)
            text, number = f[f"fill_text_{col.side}"], f[f"fill_number_{col.side}"]
            if col.kind == "count":
                if q.counts is None:
                    sheet.write_blank(row, j, None, f["unused"])
                    continue
                given = value.get(names_[col.index]) if isinstance(value, dict) else None
                if given is None:
                    sheet.write_blank(row, j, None, number)
                else:
                    sheet.write_number(row, j, _exact(loc, given), number)
                label = q.counts.inputs[names_[col.index]]
                _count_validation(valid, sheet, row, j, label)
            elif col.kind == "value":
                if isinstance(value, str):
                    sheet.write_string(row, j, value, text)
                elif value is not None:
                    # the unit's short-form answer is at `answers.<id>` itself
                    at = loc if col.side != "unit" or isinstance(raw, LongAnswer) else loc[:2]
                    sheet.write_number(row, j, _exact(at, value), number)
                else:
                    sheet.write_blank(
                        row, j, None, text if isinstance(scale, ChoiceScale) else number
                    )
                _answer_validation(valid, sheet, row, j, scale, lists, col.header)
            elif col.kind == "reason":
                if not ref.not_counted:
                    sheet.write_blank(row, j, None, f["unused"])
                    continue
                _text_cell(sheet, row, j, value if isinstance(value, str) else "", text)
            elif col.kind == "status":
                _text_cell(sheet, row, j, statuses[value] if value else "", text)
                _status_validation(valid, sheet, row, j, col.header, list(statuses.values()))
            elif col.kind == "lines":
                items = value or ()
                _text_cell(sheet, row, j, "\n".join(items), text)
            else:
                _text_cell(sheet, row, j, str(value or ""), text)
        sheet.set_row(row, _height(texts))
        row += 1

    lists: list[str] = []
    for top in rs.tree:
        group(top, 1)
    last = row - 1
    sheet.freeze_panes(ANSWERS_HEADER + 1, 1)
    sheet.autofilter(ANSWERS_HEADER, 0, max(last, ANSWERS_HEADER), len(columns) - 1)
    _protect(sheet)
    _print_setup(sheet, ANSWERS_HEADER, ANSWERS_HEADER - 1)
    # One page wide, every column would print too small to read: until the workbook holds
    # a review, only the unit's columns print (clearing the print area prints them all).
    if not any(isinstance(a, LongAnswer) and a.review is not None for a in answers.values()):
        unit_last = max(j for j, col in enumerate(columns) if col.side == "unit")
        sheet.print_area(0, 0, max(last, ANSWERS_HEADER), unit_last)

    # --- published scores -----------------------------------------------------------
    scols = score_columns()
    ssheet = book.add_worksheet(names["scores"])
    ssheet.write_string(0, 0, _("Published points (optional)"), f["title"])
    ssheet.write_string(
        1,
        0,
        _(
            "Only where the points of a whole component, area or indicator are already "
            "published: they replace what its answers would score. Leave empty otherwise."
        ),
        f["hint"],
    )
    for j, col in enumerate(scols):
        ssheet.set_column(j, j, col.width)
        ssheet.write_string(HEADER_ROW, j, col.header, f["header"])
    row = HEADER_ROW + 1

    def node_row(node: Node | None, depth: int) -> None:
        """One node's row; None: the whole index (node id "root")."""
        nonlocal row
        nid, name = (node.id, node.name) if node is not None else ("root", rs.title)
        maximum = loaded.maxima[nid]
        ssheet.write_string(row, 0, nid, f["written"])
        ssheet.write_string(row, 1, name, f[f"indent{min(depth, 3)}"])
        ssheet.write_number(row, 2, float(maximum), f["written_n"])
        entry = scores.get(nid)
        given: Decimal | int | None
        adjusted: Decimal | int | None = None
        if isinstance(entry, PublishedScore):
            given, adjusted = entry.points, entry.adjusted_weight
        else:
            given = entry
        if given is None:
            ssheet.write_blank(row, 3, None, f["fill_number"])
        else:
            ssheet.write_number(row, 3, _exact(("scores", nid), given), f["fill_number"])
        if node is not None and node.rescale is not None:
            # the adjusted weight an official result was rescaled by (its weight less the
            # lines not counted); empty: the plain number is the final points
            if adjusted is None:
                ssheet.write_blank(row, 4, None, f["fill_number"])
            else:
                loc = ("scores", nid, "adjusted_weight")
                ssheet.write_number(row, 4, _exact(loc, adjusted), f["fill_number"])
            valid.add(
                ssheet,
                row,
                4,
                _decimal_rule(
                    0,
                    float(node.weight),
                    _("Adjusted weight"),
                    _("Only with an official result: its weight less the lines not counted."),
                    _("Type a number from 0 to {max}.").format(max=node.weight),
                ),
            )
        else:
            ssheet.write_blank(row, 4, None, f["written"])
        valid.add(
            ssheet,
            row,
            3,
            _decimal_rule(
                0,
                float(maximum),
                _("Published points"),
                _("A number from 0 to {max}.").format(max=round(float(maximum), 4)),
                _("Type a number from 0 to {max}.").format(max=round(float(maximum), 4)),
            ),
        )
        row += 1
        for child in node.children or () if node is not None else rs.tree:
            node_row(child, depth + 1)

    node_row(None, 1)
    ssheet.freeze_panes(HEADER_ROW + 1, 1)
    _protect(ssheet)
    _print_setup(ssheet, HEADER_ROW)

    # --- metadata (very hidden) -----------------------------------------------------
    meta = book.add_worksheet(META_SHEET)
    entries: list[tuple[str, str]] = [
        ("format", FORMAT),
        ("rules", named),
        ("digest", digest),
        ("rules_version", rs.version),
        ("pmprb", __version__),
        ("language", current_language()),
        *((f"sheet.{k}", v) for k, v in names.items()),
        *((f"label.{k}", label) for k, label in identity_rows()),
        *((f"header.{c.key}", c.header) for c in columns),
        *((f"score.{c.key}", c.header) for c in scols),
        *((f"counts.{qid}", inputs) for qid, inputs in counts_meta),
        *((f"status.{status}", label) for status, label in statuses.items()),
    ]
    for i, (name, value) in enumerate(entries):
        meta.write_string(i, 0, name)
        meta.write_string(i, 1, value)
    for i, labels in enumerate(lists):
        for r, label in enumerate(labels.split("\t")):
            meta.write_string(r, 3 + i, label)
    meta.very_hidden()
    _protect(meta)
    valid.flush()
    book.close()
    return out.getvalue()


def _text_cell(sheet: Any, row: int, col: int, text: str, style: Any) -> None:
    """A text cell to fill in; an empty one is a blank cell (no value for a reader to scan)."""
    if text:
        sheet.write_string(row, col, text, style)
    else:
        sheet.write_blank(row, col, None, style)


def _field(raw: Any, path: tuple[str, ...]) -> Any:
    """The value at `path` in one entry of `answers` (a label or number, a LongAnswer with
    its review block, or None): every field a column names, whatever later issues add."""
    if not isinstance(raw, LongAnswer):
        return raw if path == ("answer",) else None
    value: Any = raw
    for part in path:
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def _side_bands(sheet: Any, row: int, columns: tuple[Column, ...], f: dict[str, Any]) -> None:
    """The row above the headers: each group of fill-in columns labelled (merged over it)."""
    spans: list[tuple[Side, int, int]] = []
    for j, col in enumerate(columns):
        if col.kind == "written":
            continue
        if spans and spans[-1][0] == col.side and spans[-1][2] == j - 1:
            spans[-1] = (col.side, spans[-1][1], j)
        else:
            spans.append((col.side, j, j))
    labels = side_labels()
    sheet.set_row(row, 30)
    for side, first, last in spans:
        style = f[f"band_{side}"]
        if first == last:
            sheet.write_string(row, first, labels[side], style)
        else:
            sheet.merge_range(row, first, row, last, labels[side], style)


def _written(
    sheet: Any,
    row: int,
    j: int,
    col: Column,
    q: Question,
    maximum: Any,
    scale: ChoiceScale | NumberScale,
    f: dict[str, Any],
) -> None:
    if col.key == "id":
        sheet.write_string(row, j, q.id, f["id"])
    elif col.key in ("question", "options"):
        sheet.write_string(row, j, _written_text(col.key, q, scale), f["written"])
    elif col.key == "weight":
        sheet.write_number(row, j, float(maximum), f["written_n"])
    else:
        sheet.write_blank(row, j, None, f["written"])


def _written_text(key: str, q: Question, scale: ChoiceScale | NumberScale) -> str:
    if key == "question":
        return q.text if not q.detail or q.detail == q.text else f"{q.text}\n\n{q.detail}"
    return _describe(q, scale)


def _height(texts: list[tuple[int, str]]) -> float:
    """A row height that shows wrapped text whole (spreadsheets do not grow rows on open)."""
    lines = 1
    for width, text in texts:
        per_line = max(int(width * 1.15), 1)
        lines = max(lines, sum(-(-max(len(line), 1) // per_line) for line in text.split("\n")))
    return min(15.0 * lines + 3, 409.0)


def _describe(q: Question, scale: ChoiceScale | NumberScale) -> str:
    if isinstance(scale, ChoiceScale):
        lines = [
            f"{label}: {q.options[label]}" if q.options.get(label) else label
            for label in scale.options
        ]
    else:
        unit = f" {scale.unit}" if scale.unit else ""
        lines = [_("a number from {lo} to {hi}").format(lo=scale.min, hi=scale.max) + unit]
    if q.counts is not None:
        lines.append(_("or the counts instead of the answer:"))
        for i, label in enumerate(q.counts.inputs.values()):
            lines.append(_("Count {n}: {label}").format(n=i + 1, label=label))
    return "\n".join(lines)


def _answer_validation(
    valid: _Validations,
    sheet: Any,
    row: int,
    col: int,
    scale: ChoiceScale | NumberScale,
    lists: list[str],
    title: str,
) -> None:
    header = _limit(title, 32)
    if isinstance(scale, ChoiceScale):
        labels = list(scale.options)
        shown = ", ".join(labels)
        source: str | list[str]
        if any("," in label for label in labels) or len(",".join(labels)) > 250:
            key = "\t".join(labels)
            if key not in lists:
                lists.append(key)  # written to the metadata sheet, one column per list
            n = lists.index(key)
            letter = chr(ord("D") + n)
            source = f"='{META_SHEET}'!${letter}$1:${letter}${len(labels)}"
        else:
            source = labels
        valid.add(
            sheet,
            row,
            col,
            {
                "validate": "list",
                "source": source,
                "input_title": header,
                "input_message": _limit(_("Choose one of: {options}").format(options=shown), 255),
                "error_title": _limit(_("Not an answer"), 32),
                "error_message": _limit(
                    _("The answer must be one of: {options}").format(options=shown), 255
                ),
            },
        )
        return
    unit = f" {scale.unit}" if scale.unit else ""
    allowed = _("a number from {lo} to {hi}").format(lo=scale.min, hi=scale.max) + unit
    valid.add(
        sheet,
        row,
        col,
        _decimal_rule(
            _bound(scale.min),
            _bound(scale.max),
            header,
            _("Type {allowed}.").format(allowed=allowed),
            _("The answer must be {allowed}.").format(allowed=allowed),
        ),
    )


def _decimal_rule(
    minimum: float, maximum: float, title: str, message: str, error: str
) -> dict[str, Any]:
    """The data validation of a number cell: between the bounds, with its prompt (title,
    message) and the error a wrong value gets, cut to what Excel holds."""
    return {
        "validate": "decimal",
        "criteria": "between",
        "minimum": minimum,
        "maximum": maximum,
        "input_title": _limit(title, 32),
        "input_message": _limit(message, 255),
        "error_title": _limit(_("Not allowed"), 32),
        "error_message": _limit(error, 255),
    }


def _bound(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _status_validation(
    valid: _Validations, sheet: Any, row: int, col: int, title: str, labels: list[str]
) -> None:
    shown = ", ".join(labels)
    valid.add(
        sheet,
        row,
        col,
        {
            "validate": "list",
            "source": labels,
            "input_title": _limit(title, 32),
            "input_message": _limit(
                _("Only if the unit appeals the review value. Choose one of: {options}").format(
                    options=shown
                ),
                255,
            ),
            "error_title": _limit(_("Not an appeal status"), 32),
            "error_message": _limit(
                _("The appeal status must be one of: {options}").format(options=shown), 255
            ),
        },
    )


def _count_validation(valid: _Validations, sheet: Any, row: int, col: int, label: str) -> None:
    valid.add(
        sheet,
        row,
        col,
        {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "input_title": _limit(_("Count"), 32),
            "input_message": _limit(label, 255),
            "error_title": _limit(_("Not a count"), 32),
            "error_message": _("Type a whole number, 0 or more."),
        },
    )


def _protect(sheet: Any) -> None:
    # no password: anyone may unprotect; it guards against typing in the wrong cell
    sheet.protect(
        "",
        {
            "format_columns": True,
            "format_rows": True,
            "sort": True,
            "autofilter": True,
            "select_locked_cells": True,
            "select_unlocked_cells": True,
        },
    )


def _print_setup(sheet: Any, header_row: int | None, first_row: int | None = None) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&C&P / &N")
    if header_row is not None:
        sheet.repeat_rows(header_row if first_row is None else first_row, header_row)


def _formats(book: Any) -> dict[str, Any]:
    base = {"valign": "top", "text_wrap": True, "border": 1, "border_color": "#BFBFBF"}
    # each side's fill-in colour and its header's: the unit yellow, the reviewer blue, the
    # appeal orange
    sides: dict[Side, tuple[str, str]] = {
        "unit": ("#FFF2CC", "#FFD966"),
        "review": ("#DDEBF7", "#9BC2E6"),
        "appeal": ("#FCE4D6", "#F4B084"),
    }
    greens = {1: "#C6E0B4", 2: "#E2EFDA", 3: "#F2F2F2"}
    out = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "hint": book.add_format({"italic": True, "font_color": "#595959"}),
        "header": book.add_format({**base, "bold": True, "bg_color": "#D9D9D9"}),
        "label": book.add_format({**base, "bold": True}),
        "id": book.add_format({**base, "font_name": "Consolas"}),
        "written": book.add_format(base),
        "written_n": book.add_format({**base, "num_format": "0.0000"}),
        "unused": book.add_format({**base, "bg_color": "#EDEDED"}),
    }
    for side, (colour, strong) in sides.items():
        fill = {**base, "locked": False, "bg_color": colour}
        out[f"fill_text_{side}"] = book.add_format({**fill, "num_format": "@"})
        out[f"fill_number_{side}"] = book.add_format(fill)
        out[f"header_{side}"] = book.add_format({**base, "bold": True, "bg_color": strong})
        out[f"band_{side}"] = book.add_format(
            {**base, "bold": True, "bg_color": strong, "align": "center", "valign": "vcenter"}
        )
    out["fill_text"], out["fill_number"] = out["fill_text_unit"], out["fill_number_unit"]
    for depth, colour in greens.items():
        out[f"group{depth}"] = book.add_format({**base, "bold": True, "bg_color": colour})
        out[f"group{depth}_n"] = book.add_format(
            {**base, "bold": True, "bg_color": colour, "num_format": "0.0000"}
        )
        out[f"indent{depth}"] = book.add_format({**base, "indent": depth - 1})
    return out
