"""A filled LKE workbook to the same raw mapping a YAML answer file parses to.

The result (source.Source) holds `rules`, `year`, `unit`, `answers` (short form where only
the answer is given, else the long form with `counts`, `evidence`, `note`...) and `scores`,
plus a locator from every key path (loader.Pending.loc) to its cell, so the one validation
of answer files (assessment.validate_data) checks workbooks too and names the cell of each
problem. What the cells themselves get wrong (a formula, a date, an error value, merged
cells, a question row given twice) comes back as problems of their own.

Rows are found by the question id in the ID column, never by position: a sorted or
reordered sheet reads the same; a deleted row is a question with no entry. Columns are
found by the headers recorded in the hidden metadata sheet; a workbook of an older layout
(layout.READS) is read with the columns it has (layout 1 has no review columns).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from pmprb.base.errors import Problem, ProblemsError
from pmprb.base.i18n import _
from pmprb.inputs.loader import Loc, Pending, Source, shorten, suggest
from pmprb.inputs.workbook.cells import Book, Cell, Sheet, ref
from pmprb.inputs.workbook.layout import (
    META_SHEET,
    READS,
    Column,
    answer_columns,
    appeal_labels,
    identity_rows,
    score_columns,
)

Spot = tuple[str, int, int]  # sheet, row, column
DIGITS = 15  # significant digits a spreadsheet cell keeps
HEADER_SCAN = 60  # rows searched for a sheet's header row
_INT = re.compile(r"^[+-]?\d+$")
_LINES = re.compile(r"\r?\n")


def read_workbook(shown: str, raw: bytes) -> Source:
    """Parse a workbook's bytes; container and layout problems raise ProblemsError."""
    book = Book(shown, raw)
    if META_SHEET not in book.sheets:
        message = _(
            "this workbook was not made by pmprb (it has no {sheet} sheet); make the LKE "
            "workbook with `pmprb init --format xlsx` or `pmprb convert`"
        ).format(sheet=META_SHEET)
        raise ProblemsError([Problem(shown, None, None, "xlsx_not_lke", message)])
    meta = _meta(book.sheet(META_SHEET))
    version = READS.get(meta.get("format", ""))
    if version is None:
        message = _(
            "this workbook has the layout '{found}', which this pmprb does not read "
            "(it reads '{known}')"
        ).format(found=meta.get("format", "?"), known=", ".join(READS))
        raise ProblemsError([Problem(shown, None, None, "xlsx_not_lke", message)])
    return _Reader(shown, book, meta, version).read()


def _meta(sheet: Sheet) -> dict[str, str]:
    out: dict[str, str] = {}
    for (row, col), cell in sheet.cells.items():
        if col == 1 and cell.kind == "s":
            value = sheet.cells.get((row, 2))
            out[cell.text] = value.text if value is not None else ""
    return out


def _quote(sheet: str) -> str:
    return sheet if sheet.replace("_", "").isalnum() else "'" + sheet.replace("'", "''") + "'"


def _filled(cell: Cell | None) -> bool:
    """A cell holds anything at all (text only blanks is empty)."""
    return cell is not None and (cell.kind != "s" or bool(cell.text.strip()))


def _split(path: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    """A field's path as the mapping it is in and its own name."""
    return path[:-1], path[-1]


def number(text: str) -> int | Decimal:
    """A number cell's stored digits as an exact int or Decimal.

    A spreadsheet keeps 15 significant digits; some writers store the binary float's
    17 (`71.40000000000001` for a typed 71.4), so more than 15 are rounded to 15: the
    number the person typed and sees.
    """
    if _INT.match(text) and len(text.lstrip("+-")) <= DIGITS:
        return int(text)
    value = Decimal(text)
    if not value.is_finite():
        raise ValueError(text)
    digits = len(value.as_tuple().digits)
    if digits > DIGITS:
        exponent = value.adjusted() - DIGITS + 1
        value = value.quantize(Decimal(1).scaleb(exponent)).normalize()
        if value == value.to_integral_value():
            return int(value)
    return value


class _Reader:
    def __init__(self, shown: str, book: Book, meta: dict[str, str], version: int) -> None:
        self.shown = shown
        self.book = book
        self.meta = meta
        self.version = version  # the workbook's layout version
        self.cells: dict[Loc, Spot] = {}
        self.keys: dict[Loc, Spot] = {}
        self.extra: list[Pending] = []

    # --- problems -----------------------------------------------------------------------

    def _layout(self, sheet: str, message: str) -> ProblemsError:
        where = f"{_quote(sheet)}!A1: " if sheet in self.book.sheets else ""
        line = 1 if where else None
        return ProblemsError([Problem(self.shown, line, line, "xlsx_layout", where + message)])

    def _cell_problem(self, spot: Spot, code: str, message: str, loc: Loc | None = None) -> None:
        """A problem of the cell itself; `loc`, the key path it stands for, if any."""
        key: Loc = loc if loc is not None else ("#cell", *spot)
        self.keys[key] = spot
        self.extra.append(Pending(key, code, message, "key"))

    def where(self, pending: Iterable[Pending]) -> list[Problem]:
        """Each problem at its cell: line = row, col = column, the cell named in the message."""
        out: list[Problem] = []
        for p in pending:
            spot = self.keys.get(p.loc) if p.where == "key" else None
            loc = p.loc
            while spot is None and loc:
                spot = self.cells.get(loc) or self.keys.get(loc)
                loc = loc[:-1]
            if spot is None:
                spot = self.cells.get(())  # the file as a whole: its identity sheet
            if spot is None:
                out.append(Problem(self.shown, None, None, p.code, p.message, p.level))
                continue
            sheet, row, col = spot
            message = f"{_quote(sheet)}!{ref(row, col)}: {p.message}"
            out.append(Problem(self.shown, row, col, p.code, message, p.level))
        return sorted(out, key=Problem.sort_key)

    # --- cells --------------------------------------------------------------------------

    def _value(self, cell: Cell | None, spot: Spot, kind: str, loc: Loc | None = None) -> Any:
        """A cell as the YAML value it stands for; None when empty or unusable (said why)."""
        if cell is None:
            return None
        if cell.kind == "s":
            return cell.text if cell.text.strip() else None
        if cell.kind == "n":
            if kind in ("lines", "text", "reason", "status"):
                return cell.text
            try:
                return number(cell.text)
            except (InvalidOperation, ValueError):
                self._cell_problem(spot, "xlsx_corrupt", _("the cell holds a broken number"), loc)
                return None
        if cell.kind == "b":
            flag = cell.text.strip() in ("1", "true")
            return ("TRUE" if flag else "FALSE") if kind in ("lines", "text", "status") else flag
        if cell.kind == "f":
            message = _("the cell holds a formula (={formula}); type the value itself").format(
                formula=cell.text[:60]
            )
            self._cell_problem(spot, "xlsx_formula", message, loc)
        elif cell.kind == "d":
            message = _(
                "the cell holds a date or time, not {what}; clear its date format and type "
                "the value again"
            ).format(what=_("an answer") if kind in ("value", "count") else _("text"))
            self._cell_problem(spot, "xlsx_date", message, loc)
        else:
            message = _("the cell shows the error {error}; type the value itself").format(
                error=cell.text
            )
            self._cell_problem(spot, "xlsx_error", message, loc)
        return None

    def _header(
        self, sheet: Sheet, wanted: dict[str, str], first: str
    ) -> tuple[int, dict[str, int]]:
        """The header row and the column of each header found (by its recorded text)."""
        for (row, _col), cell in sorted(sheet.cells.items()):
            if row > HEADER_SCAN:
                break
            if cell.kind == "s" and cell.text.strip() == wanted[first]:
                found: dict[str, int] = {}
                by_text = {v.strip(): k for k, v in wanted.items()}
                for (r, c), other in sheet.cells.items():
                    if r == row and other.kind == "s":
                        key = by_text.get(other.text.strip())
                        if key is not None:
                            found.setdefault(key, c)
                return row, found
        raise self._layout(
            sheet.name,
            _("the header row (a column '{header}') is missing").format(header=wanted[first]),
        )

    def _merged(self, sheet: Sheet, first_row: int, cols: Iterable[int]) -> None:
        watched = set(cols)
        for r1, c1, r2, c2 in sheet.merged:
            if r2 < first_row or not any(c1 <= c <= c2 for c in watched):
                continue
            spot = (sheet.name, r1, c1)
            message = _(
                "cells {range} are merged; unmerge them (only the first cell of a merged "
                "range keeps its value)"
            ).format(range=f"{ref(r1, c1)}:{ref(r2, c2)}")
            self._cell_problem(spot, "xlsx_merged", message)

    def _sheet(self, key: str, required: bool = True) -> Sheet | None:
        name = self.meta.get(f"sheet.{key}", "")
        if name not in self.book.sheets:
            if not required:
                return None
            raise self._layout(
                name, _("the sheet '{sheet}' is missing from the workbook").format(sheet=name)
            )
        return self.book.sheet(name)

    # --- the parts ------------------------------------------------------------------------

    def read(self) -> Source:
        data: dict[str, Any] = {"rules": self.meta.get("rules", "")}
        ident = self._sheet("identity")
        assert ident is not None
        data.update(self._identity(ident))
        answers = self._sheet("answers")
        assert answers is not None
        data["answers"] = self._answers(answers)
        scores = self._sheet("scores", required=False)
        data["scores"] = self._scores(scores) if scores is not None else {}
        return Source(
            self.shown, data, self.where, tuple(self.extra), self.meta.get("digest") or None
        )

    def _identity(self, sheet: Sheet) -> dict[str, Any]:
        labels = {self.meta.get(f"label.{key}", text).strip(): key for key, text in identity_rows()}
        rows: dict[str, int] = {}
        for (row, col), cell in sheet.cells.items():
            if col == 1 and cell.kind == "s" and cell.text.strip() in labels:
                rows.setdefault(labels[cell.text.strip()], row)
        for wanted, text in identity_rows():
            if wanted not in rows:
                label = self.meta.get(f"label.{wanted}", text)
                raise self._layout(
                    sheet.name, _("the row '{label}' is missing").format(label=label)
                )
        self._merged(sheet, 1, (2,))
        unit: dict[str, Any] = {}
        out: dict[str, Any] = {"unit": unit}
        for key, row in rows.items():
            spot = (sheet.name, row, 2)
            loc: Loc = tuple(str(key).split("."))
            self.cells[loc] = spot
            if key == "rules":
                continue  # shown only: the rule set is the one recorded in the metadata
            value = self._value(
                sheet.cells.get((row, 2)), spot, "text" if key != "year" else "value"
            )
            if key == "year":
                if value is not None:
                    out["year"] = value
            elif value is not None or key == "unit.instansi":
                unit[key.split(".")[1]] = value if value is not None else ""
        self.cells[("unit",)] = (sheet.name, rows["unit.name"], 2)
        self.cells[()] = (sheet.name, rows["unit.name"], 1)
        return out

    def _columns(
        self, sheet: Sheet, table: tuple[Column, ...], prefix: str
    ) -> tuple[int, dict[str, int]]:
        """The header row and each column's position: every column of the workbook's layout
        version must be there (a later version's columns are not looked for)."""
        table = tuple(c for c in table if c.since <= self.version)
        wanted = {c.key: self.meta.get(f"{prefix}.{c.key}", c.header) for c in table}
        row, found = self._header(sheet, wanted, "id")
        for c in table:
            if c.kind != "written" and c.key not in found:
                raise self._layout(
                    sheet.name,
                    _("the column '{header}' is missing (row {row})").format(
                        header=wanted[c.key], row=row
                    ),
                )
        return row, found

    def _answers(self, sheet: Sheet) -> dict[str, Any]:
        table = answer_columns()
        header, cols = self._columns(sheet, table, "header")
        fill = [c for c in table if c.kind != "written" and c.key in cols]
        id_col = cols["id"]
        self.keys[("answers",)] = (sheet.name, header, id_col)
        self._merged(sheet, header + 1, [id_col, *(cols[c.key] for c in fill)])
        # each column once: its position, and the mapping its field is in (`review`...)
        plans = [(c, cols[c.key], *_split(c.path)) for c in fill]
        unit = [p for p in plans if p[0].side == "unit"]
        review = [p for p in plans if p[0].side != "unit"]
        cells = sheet.cells
        # the rows with any review cell filled (the others hold no review to locate)
        review_cols = {p[1] for p in review}
        review_rows = {r for (r, c), cell in cells.items() if c in review_cols and _filled(cell)}
        answers: dict[str, Any] = {}
        rows = sorted({r for (r, c) in cells if c == id_col and r > header})
        for row in rows:
            id_cell = cells[(row, id_col)]
            if id_cell.kind not in ("s", "n") or not id_cell.text.strip():
                continue
            qid = id_cell.text.strip()
            id_spot = (sheet.name, row, id_col)
            if qid in answers:
                message = _("question '{qid}' has a second row; keep one row per question").format(
                    qid=qid
                )
                self._cell_problem(id_spot, "duplicate_key", message)
                continue
            loc: Loc = ("answers", qid)
            self.keys[loc] = id_spot
            self.cells[loc] = (sheet.name, row, cols["answer"])
            inputs = self.meta.get(f"counts.{qid}", "").split("\t")
            entry: dict[str, Any] = {}
            skip: set[tuple[str, ...]] = set()  # mappings left out: a cell could not be read
            for c, col, parents, field in unit + review if row in review_rows else unit:
                spot = (sheet.name, row, col)
                floc: Loc = (*loc, *parents)  # the mapping the field is in
                for depth in range(len(parents)):  # `review`, `review.appeal`: their first cell
                    self.cells.setdefault((*loc, *parents[: depth + 1]), spot)
                if c.kind == "count":
                    name = (
                        inputs[c.index]
                        if c.index < len(inputs) and inputs[c.index]
                        else (f"count{c.index + 1}")
                    )
                    self.cells.setdefault((*floc, field), spot)
                    self.cells[(*floc, field, name)] = spot
                else:
                    self.cells[(*floc, field)] = spot
                cell = cells.get((row, col))
                if cell is None:
                    continue
                value = self._value(cell, spot, c.kind, loc)
                if value is None:
                    continue
                if c.kind == "status":
                    value = self._status(value, spot, (*floc, field))
                    if value is None:  # said why; the appeal is left out (not "missing")
                        skip.add(parents)
                        continue
                target = entry
                for part in parents:
                    target = target.setdefault(part, {})
                if c.kind == "count":
                    target.setdefault(field, {})[name] = value
                elif c.kind == "lines":
                    items = [line for line in _LINES.split(str(value)) if line.strip()]
                    if items:
                        target[field] = items
                else:
                    target[field] = value
            for bad in skip:  # e.g. `review.appeal`, whatever column order the sheet has
                holder = entry
                for part in bad[:-1]:
                    holder = holder.get(part, {})
                holder.pop(bad[-1], None)
            if not entry:
                answers[qid] = None
            elif list(entry) == ["answer"]:
                answers[qid] = entry["answer"]
            else:
                answers[qid] = entry
        return answers

    def _status(self, value: Any, spot: Spot, loc: Loc) -> str | None:
        """An appeal status typed as its label in the workbook's language or the reader's,
        or as the status itself (`submitted`), as that status; else a located problem."""
        labels = appeal_labels()
        known: dict[str, str] = {}
        for status, label in labels.items():
            for word in (status, label, self.meta.get(f"status.{status}", "")):
                if word.strip():
                    known.setdefault(word.strip().casefold(), status)
        typed = str(value).strip()
        found = known.get(typed.casefold())
        if found is not None:
            return found
        shown = [self.meta.get(f"status.{s}") or labels[s] for s in labels]
        message = _("'{value}' is not an appeal status; choose one of: {options}").format(
            value=shorten(typed), options=", ".join(shown)
        ) + suggest(typed, [*shown, *labels])
        self._cell_problem(spot, "bad_option", message, loc)
        return None

    def _scores(self, sheet: Sheet) -> dict[str, Any]:
        header, cols = self._columns(sheet, score_columns(), "score")
        id_col, points_col, adjusted_col = cols["id"], cols["points"], cols["adjusted"]
        self.keys[("scores",)] = (sheet.name, header, id_col)
        self._merged(sheet, header + 1, (id_col, points_col, adjusted_col))
        scores: dict[str, Any] = {}
        for (row, col), cell in sorted(sheet.cells.items()):
            if col != id_col or row <= header or cell.kind != "s" or not cell.text.strip():
                continue
            nid = cell.text.strip()
            spot = (sheet.name, row, points_col)
            value = self._value(sheet.cells.get((row, points_col)), spot, "value")
            if value is None:
                continue
            if nid in scores:
                message = _("'{id}' has a second row; keep one row per node").format(id=nid)
                self._cell_problem((sheet.name, row, id_col), "duplicate_key", message)
                continue
            self.keys[("scores", nid)] = (sheet.name, row, id_col)
            self.cells[("scores", nid)] = spot
            at = (sheet.name, row, adjusted_col)
            adjusted = self._value(sheet.cells.get((row, adjusted_col)), at, "value")
            if adjusted is None:
                scores[nid] = value
                continue
            # an official result with the adjusted weight it was rescaled by
            self.cells[("scores", nid, "points")] = spot
            self.cells[("scores", nid, "adjusted_weight")] = at
            scores[nid] = {"points": value, "adjusted_weight": adjusted}
        return scores
