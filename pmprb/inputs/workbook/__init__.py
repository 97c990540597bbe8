"""LKE workbooks: answer files as Excel workbooks (.xlsx), written and read by pmprb.

Imported only when a workbook is involved: `pmprb --help` and YAML runs never load it.

- layout.py: the one table of answer columns, sheet names and the hidden metadata keys;
- writer.py: `pmprb init --format xlsx` and `pmprb convert` to a workbook (xlsxwriter);
- cells.py: a small, safe reader of the cells of an .xlsx (zip and XML checked first);
- reader.py: a filled workbook to the same raw mapping a YAML answer file parses to,
  with a locator from key paths to cells.
"""

from __future__ import annotations
