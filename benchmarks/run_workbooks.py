"""Time `pmprb batch` on N filled LKE workbooks against the same answers as YAML, in one run.

    python -m benchmarks.run_workbooks DIR N [--jobs 1] [--repeat R]

Writes N answer files into DIR/yaml with benchmarks/generate.py and converts each into an
LKE workbook in DIR/xlsx with `pmprb convert`'s code (kept when DIR already holds exactly
them), reads every file once to warm the page cache, then runs, as fresh processes and
interleaved in R rounds (each keeps its best):

- batch yaml: `pmprb batch DIR/yaml --jobs J --format csv --output ...`;
- batch xlsx: the same on DIR/xlsx;
- openpyxl floor: a bare loop that opens every workbook with openpyxl (read_only) and
  reads every cell of its answers sheet: what a general-purpose reader costs before any
  checking, for comparison with pmprb's own reader.

It prints the table and the ratio xlsx / yaml (the target is within 3x), and checks that
both rekaps are identical but for the file names.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.generate import generate
from benchmarks.run_batch import RUN_PMPRB, Measure, measure

OPENPYXL_FLOOR = """
import os, sys, openpyxl
n = 0
for name in sorted(os.listdir(sys.argv[1])):
    if name.endswith(".xlsx"):
        book = openpyxl.load_workbook(os.path.join(sys.argv[1], name), read_only=True)
        for row in book[book.sheetnames[1]].iter_rows(values_only=True):
            n += len(row)
        book.close()
print(n)
"""


def prepare(folder: Path, n: int) -> tuple[Path, Path]:
    """The YAML and the workbook folders, generated unless they hold exactly n files."""
    from pmprb.report.convert import to_workbook

    yaml_dir, xlsx_dir = folder / "yaml", folder / "xlsx"
    marker = folder / ".generated"
    if not (marker.is_file() and marker.read_text(encoding="utf-8") == str(n)):
        if marker.is_file():
            shutil.rmtree(folder)
        elif folder.exists() and any(folder.iterdir()):
            sys.exit(f"{folder} holds files this script did not generate; give an empty folder")
        xlsx_dir.mkdir(parents=True)
        for path in generate(yaml_dir, n):
            target = xlsx_dir / (path.stem + ".xlsx")
            target.write_bytes(to_workbook(path, str(path)))
        marker.write_text(str(n), encoding="utf-8")
    for path in [*yaml_dir.glob("*.yaml"), *xlsx_dir.glob("*.xlsx")]:
        path.read_bytes()
    return yaml_dir, xlsx_dir


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="where the generated files live (use /tmp)")
    parser.add_argument("n", type=int)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="rounds; each run keeps its best")
    args = parser.parse_args()
    yaml_dir, xlsx_dir = prepare(args.dir, args.n)
    script = Path(sys.executable).parent / "pmprb"
    pmprb = [str(script)] if script.is_file() else [sys.executable, "-c", RUN_PMPRB]
    work = Path(tempfile.mkdtemp(prefix="pmprb-bench-"))
    outs = {"yaml": work / "yaml.csv", "xlsx": work / "xlsx.csv"}
    jobs = ["--jobs", str(args.jobs)]
    suite = [
        (f"batch yaml --jobs {args.jobs}", [*pmprb, "batch", str(yaml_dir), *jobs, "-f", "csv"]),
        (f"batch xlsx --jobs {args.jobs}", [*pmprb, "batch", str(xlsx_dir), *jobs, "-f", "csv"]),
        ("openpyxl floor (read_only, answers sheet)", [sys.executable, "-c", OPENPYXL_FLOOR]),
    ]
    suite[0][1].extend(["--output", str(outs["yaml"])])
    suite[1][1].extend(["--output", str(outs["xlsx"])])
    suite[2][1].append(str(xlsx_dir))
    best: dict[str, Measure] = {}
    for _round in range(args.repeat):
        for name, argv in suite:
            for out in outs.values():
                out.unlink(missing_ok=True)
            m = measure(name, argv)
            if name not in best or m.seconds < best[name].seconds:
                best[name] = m
    same = _rekap(outs["yaml"], "yaml") == _rekap(outs["xlsx"], "xlsx")
    shutil.rmtree(work)
    print(
        f"{args.n} files in {args.dir}, {os.cpu_count()} CPUs, "
        f"Python {sys.version.split()[0]}, best of {args.repeat}"
    )
    print("| run | wall s | wall ms/file | CPU s | largest process MB | exit |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, _argv in suite:
        m = best[name]
        print(
            f"| {m.name} | {m.seconds:.2f} | {1000 * m.seconds / args.n:.2f} | {m.cpu:.2f} | "
            f"{m.max_process_mb:.0f} | {m.exit_code} |"
        )
    y, x = best[suite[0][0]], best[suite[1][0]]
    print()
    print(f"batch xlsx / batch yaml: {x.seconds / y.seconds:.2f}x wall (target: within 3x)")
    print(f"rekaps identical but for the file names: {same}")


def _rekap(path: Path, kind: str) -> str:
    """A rekap with the file names made neutral (the only thing that may differ)."""
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    return text.replace(f"/{kind}/", "/").replace(f".{kind}", ".file")


if __name__ == "__main__":
    main()
