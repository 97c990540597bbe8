"""LKE workbooks: answer files as Excel workbooks (.xlsx), written and read by pmprb.

Imported only when a workbook is involved: `pmprb --help` and YAML runs never load it.

- layout.py: the one table of answer columns, sheet names and the hidden metadata keys;
- writer.py: `pmprb init --format xlsx` and `pmprb convert` to a workbook (xlsxwriter);
- cells.py: a small, safe reader of the cells of an .xlsx (zip and XML checked first);
- reader.py: a filled workbook to the same raw mapping a YAML answer file parses to,
  with a locator from key paths to cells.
"""

from __future__ import annotations

from pathlib import Path

# Names that are read as workbooks (the other spreadsheet kinds get a clear problem).
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb", ".xltx")


def is_workbook(path: Path | str) -> bool:
    """Whether a path names a spreadsheet rather than a YAML answer file."""
    return str(path).lower().endswith(SUFFIXES)
