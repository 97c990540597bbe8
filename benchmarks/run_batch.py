"""Time `pmprb batch` against the bare-parse floor, in one run, on the same files.

    python -m benchmarks.run_batch DIR N [--jobs 2] [--repeat R] [--only batch] [--json FILE]

Writes N answer files into DIR with benchmarks/generate.py (kept when DIR already holds
exactly them), reads them once to warm the page cache, then runs each measurement as a
fresh process and reports its wall time and peak memory:

- floor: a bare loop that reads every file and parses it with PyYAML's CSafeLoader;
- batch -j1, batch -jJOBS: `pmprb batch DIR --format csv --output ...`;
- cache cold, cache warm: the same with --cache (an empty cache, then a re-run).

Peak memory is measured two ways: the largest single process (ru_maxrss from wait4) and
the whole process tree (RSS of the process and its workers summed, sampled every 20 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.generate import generate

FLOOR = """
import os, sys, yaml
files = []
for folder, dirs, names in os.walk(sys.argv[1]):
    dirs.sort()
    files += [os.path.join(folder, n) for n in sorted(names) if n.endswith((".yaml", ".yml"))]
for path in files:
    with open(path, encoding="utf-8") as fh:
        yaml.load(fh.read(), Loader=yaml.CSafeLoader)
print(len(files))
"""


RUN_PMPRB = "import sys; from pmprb.cli import main; sys.argv[0] = 'pmprb'; main()"


@dataclass
class Measure:
    """One timed run."""

    name: str
    seconds: float  # wall time
    cpu: float  # user + system CPU seconds of the process and its workers
    max_process_mb: float  # the largest single process (ru_maxrss)
    tree_mb: float  # the process tree's summed RSS at its sampled peak
    exit_code: int


def _tree_rss_kb(root: int) -> int:
    """RSS of a process and all its descendants, from /proc (kB)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
            with open(f"/proc/{entry}/statm", encoding="ascii") as fh:
                pages = int(fh.read().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        pid = int(entry)
        children.setdefault(ppid, []).append(pid)
        rss[pid] = pages * os.sysconf("SC_PAGE_SIZE") // 1024
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def measure(name: str, argv: list[str]) -> Measure:
    """Run argv as a fresh process: wall time, peak RSS of one process and of the tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime  # includes the workers it waited for
    return Measure(name, seconds, cpu, usage.ru_maxrss / 1024, peak[0] / 1024, proc.returncode)


def prepare(folder: Path, n: int) -> None:
    """Generate n files unless the folder already holds exactly them; warm the page cache."""
    marker = folder / ".generated"
    if not (marker.is_file() and marker.read_text(encoding="utf-8") == str(n)):
        if folder.exists():
            shutil.rmtree(folder)
        generate(folder, n)
        marker.write_text(str(n), encoding="utf-8")
    for path in folder.glob("*.yaml"):
        path.read_bytes()


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="where the generated files live (use /tmp)")
    parser.add_argument("n", type=int)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", choices=["all", "batch"], default="all")
    parser.add_argument("--repeat", type=int, default=1, help="rounds; each run keeps its best")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    prepare(args.dir, args.n)
    script = Path(sys.executable).parent / "pmprb"  # the console script beside this Python
    pmprb = [str(script)] if script.is_file() else [sys.executable, "-c", RUN_PMPRB]
    work = Path(tempfile.mkdtemp(prefix="pmprb-bench-"))
    out = str(work / "rekap.csv")
    batch = [*pmprb, "batch", str(args.dir), "--format", "csv", "--output", out]
    cache = work / "cache"
    cached = [*batch, "--jobs", str(args.jobs), "--cache", str(cache)]
    suite: list[tuple[str, list[str]]] = []
    if args.only == "all":
        suite.append(
            ("floor (CSafeLoader read+parse)", [sys.executable, "-c", FLOOR, str(args.dir)])
        )
        suite.append(("batch --jobs 1", [*batch, "--jobs", "1"]))
    suite.append((f"batch --jobs {args.jobs}", [*batch, "--jobs", str(args.jobs)]))
    if args.only == "all":
        suite.append((f"batch --jobs {args.jobs} --cache (cold)", cached))
        suite.append((f"batch --jobs {args.jobs} --cache (warm re-run)", cached))
        suite.append(
            ("batch --jobs 1 --cache (warm re-run)", [*batch, "--jobs", "1", "--cache", str(cache)])
        )
    best: dict[str, Measure] = {}
    rounds: list[dict[str, Measure]] = []
    # Rounds interleave the runs so that a noisy moment on the machine hits all of them;
    # each run keeps its fastest round (its memory figures come from that round too).
    for _round in range(args.repeat):
        shutil.rmtree(cache, ignore_errors=True)
        rounds.append({})
        for name, argv in suite:
            m = rounds[-1][name] = measure(name, argv)
            if name not in best or m.seconds < best[name].seconds:
                best[name] = m
    runs = [best[name] for name, _argv in suite]
    shutil.rmtree(work)
    print(
        f"{args.n} files in {args.dir}, {os.cpu_count()} CPUs, "
        f"Python {sys.version.split()[0]}, best of {args.repeat}"
    )
    print("| run | wall s | wall ms/file | CPU s | largest process MB | process tree MB | exit |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for m in runs:
        print(
            f"| {m.name} | {m.seconds:.2f} | {1000 * m.seconds / args.n:.2f} | {m.cpu:.2f} | "
            f"{m.max_process_mb:.0f} | {m.tree_mb:.0f} | {m.exit_code} |"
        )
    by = {m.name.split(" (")[0] if m.name.startswith("floor") else m.name: m for m in runs}
    if args.only == "all":
        floor, one = by["floor"], by["batch --jobs 1"]
        many = by[f"batch --jobs {args.jobs}"]
        warm = by[f"batch --jobs {args.jobs} --cache (warm re-run)"]
        print()
        print(f"batch --jobs 1 / floor: {one.seconds / floor.seconds:.2f}x wall")
        print(f"batch --jobs 1 / floor: {one.cpu / floor.cpu:.2f}x CPU")
        print(f"batch --jobs {args.jobs} / batch --jobs 1: {many.seconds / one.seconds:.2f}x")
        print(f"batch --jobs {args.jobs} / floor: {many.seconds / floor.seconds:.2f}x")
        print(f"cached re-run / batch --jobs 1: {warm.seconds / one.seconds:.3f}x")
        if args.repeat > 1:
            # the same ratio within each round: robust to the machine's speed drifting
            floor_name, one_name = suite[0][0], "batch --jobs 1"
            each = sorted(r[one_name].seconds / r[floor_name].seconds for r in rounds)
            shown = ", ".join(f"{x:.2f}" for x in each)
            print(
                f"batch --jobs 1 / floor, each round: {shown} "
                f"(median {statistics.median(each):.2f}x)"
            )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "n": args.n,
                    "repeat": args.repeat,
                    "runs": [asdict(m) for m in runs],
                    "rounds": [[asdict(m) for m in r.values()] for r in rounds],
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
