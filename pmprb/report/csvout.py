"""The one CSV writer behind every CSV pmprb writes (score, batch, batch --detail).

Two dialects:

- `c` (the default), for programs: comma-separated, decimal point, UTF-8 without BOM,
  rows ending in LF; byte-stable, the column names documented in docs/formats.md.
- `id`, for a person opening the file in a spreadsheet set to Indonesian: semicolon-
  separated, decimal comma (0,893), UTF-8 with a BOM (so Excel reads the names right),
  rows ending in CR LF. Same columns and values otherwise.

In both, text a spreadsheet could run as a formula is neutralised at its start and after
every line break (escape.cell), and a field holding a delimiter, a quote, a CR or an LF
is quoted, so a reader that ends rows at a bare CR never sees a cell starting with `=`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pmprb.base.escape import cell


class CsvLocale(StrEnum):
    """How a CSV is written: `c` for programs, `id` for Indonesian spreadsheets."""

    c = "c"
    id = "id"


def _number(value: float | int | Decimal, comma: bool) -> str:
    text = str(value)
    if not comma:
        return text
    if "e" in text or "E" in text:  # 1e-05: no spreadsheet reads an exponent the same way
        text = format(Decimal(text), "f")
    return text.replace(".", ",")


def _field(value: Any, delimiter: str, comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return _number(value, comma)
    text = str(cell(value))
    if delimiter in text or '"' in text or "\r" in text or "\n" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(
    header: Sequence[str], rows: Iterable[Sequence[Any]], locale: CsvLocale = CsvLocale.c
) -> str:
    """The CSV text of a header and rows of plain values (str, int, float, bool, None)."""
    comma = locale is CsvLocale.id
    delimiter, end = (";", "\r\n") if comma else (",", "\n")
    lines = [delimiter.join(_field(h, delimiter, False) for h in header)]
    lines += [delimiter.join(_field(v, delimiter, comma) for v in row) for row in rows]
    return ("\ufeff" if comma else "") + end.join(lines) + end
