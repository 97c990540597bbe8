"""Time the rekap workbook writer against the one it replaced, on the same batch, in one run.

    python -m benchmarks.xlsx_writer DIR [--units 3000] [--old-units 300] [--repeat 1]

Writes --units answer files into DIR with benchmarks/generate.py (kept when DIR already
holds exactly them), scores them once into a Batch with per-question detail (not timed),
then times, in this process and on that same Batch:

- old: the openpyxl write-only writer pmprb used before (kept below as `old_to_xlsx`, a
  copy of pmprb/report/xlsx.py at commit 41a5c9b; it is not part of the package), on the
  first --old-units units, since it needs ~0.1 s a unit;
- new (same units): pmprb.report.xlsx.to_xlsx on those same units;
- new (all units): to_xlsx on every unit.

Each run reports wall and CPU time (CPU: this process only; both writers are single-
threaded, so CPU time is what the writer cost even when the machine is busy). The old
writer's time for all units is its measured time scaled by the number of detail rows
(its write-only mode writes row by row: its cost is linear in the rows), and the ratios
are printed both at the same size and against that estimate. With --repeat R the runs
are interleaved in R rounds and each keeps its fastest round.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pmprb.analysis.batch as core
from benchmarks.run_batch import prepare
from pmprb.analysis.batch import Batch
from pmprb.base.escape import cell
from pmprb.base.i18n import _
from pmprb.report.batch import UNIT_COLUMNS, detail_rows, group_label, share_columns, unit_rows
from pmprb.report.record import num
from pmprb.report.xlsx import detail_size, to_xlsx


def score(folder: Path, jobs: int) -> list[core.Outcome]:
    """Every file of the folder scored with per-question detail, in input order."""
    files, missing, unread = core.discover([folder])
    if missing or unread:
        sys.exit(f"cannot read {folder}")
    return core.run(files, core.Options(detail=True), jobs, lambda n: None)


def timed(write: Callable[[Batch], bytes], batch: Batch) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and bytes of one workbook."""
    wall, cpu = time.perf_counter(), time.process_time()
    data = write(batch)
    return time.perf_counter() - wall, time.process_time() - cpu, len(data)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="where the generated files live (use /tmp)")
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--old-units", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=2, help="workers for the (untimed) scoring")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    prepare(args.dir, args.units)
    outcomes = score(args.dir, args.jobs)
    full = core.aggregate(outcomes, len(outcomes))
    small = core.aggregate(outcomes[: args.old_units], args.old_units)
    suite: list[tuple[str, Callable[[Batch], bytes], Batch]] = [
        ("old (openpyxl)", old_to_xlsx, small),
        ("new (xlsxwriter), same units", to_xlsx, small),
        ("new (xlsxwriter), all units", to_xlsx, full),
    ]
    best: dict[str, tuple[float, float, int]] = {}
    for _round in range(args.repeat):
        for name, write, batch in suite:
            got = timed(write, batch)
            if name not in best or got[0] < best[name][0]:
                best[name] = got
    print(
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, load average "
        f"{os.getloadavg()[0]:.1f} at the end, best of {args.repeat}"
    )
    print("| run | units | detail rows | wall s | CPU s | MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, _write, batch in suite:
        wall, cpu, size = best[name]
        rows = detail_size(batch) - 1
        print(f"| {name} | {batch.scored} | {rows} | {wall:.2f} | {cpu:.2f} | {size / 1e6:.1f} |")
    old, same, new = (best[name] for name, _w, _b in suite)
    scale = (detail_size(full) - 1) / (detail_size(small) - 1)
    print()
    print(
        f"same units: new / old = {same[0] / old[0]:.3f}x wall, {same[1] / old[1]:.3f}x CPU "
        f"(old is {old[1] / same[1]:.1f}x the CPU)"
    )
    print(
        f"old for all {full.scored} units, scaled by rows (x{scale:.2f}): "
        f"{old[0] * scale:.0f} s wall, {old[1] * scale:.0f} s CPU; "
        f"new: {new[0]:.1f} s wall, {new[1]:.1f} s CPU ({old[1] * scale / new[1]:.1f}x less CPU)"
    )


# --- the writer pmprb used before (openpyxl, write-only): the baseline, not the package ---


def old_to_xlsx(batch: Batch) -> bytes:
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


if __name__ == "__main__":
    main()
