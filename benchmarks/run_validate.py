"""Time `pmprb validate` against check-jsonschema with pmprb's exported schema, same files.

    python benchmarks/run_validate.py [--files 1000] [--repeat 3] [--rules ID] [--seed S]

Both tools run as CI runs them: one fresh process over all the files, so start-up is
counted (stdout discarded, stderr read from a pipe). The answer files come from
benchmarks/generate.py; the schema from `pmprb schema`. Each repetition runs both tools
back to back (the order alternates), and the ratio is taken between the medians of the
wall times. Both must accept every file, or the run stops: a fast tool that checks
nothing proves nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

if not __package__:  # run as a script (python benchmarks/run_validate.py): find `benchmarks`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import generate


def tool(name: str) -> str:
    """A console script of this environment (beside the running Python), else from PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if found is None:
        sys.exit(f"{name} is not installed (pip install -e '.[test]')")
    return found


def timed(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of one run; the run must succeed (exit 0)."""
    start = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{argv[0]} exited {proc.returncode}: {proc.stderr.decode()[-2000:]}")
    return elapsed


def main() -> None:
    """Generate the files, export the schema, time both tools, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rules", default="permenpanrb-26-2020")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    pmprb, cjs = tool("pmprb"), tool("check-jsonschema")
    env = {**os.environ, "PMPRB_LANG": "en"}
    env.pop("GITHUB_ACTIONS", None)
    with tempfile.TemporaryDirectory(prefix="pmprb-bench-") as tmp:
        paths = [str(p) for p in generate(Path(tmp) / "files", args.files, args.rules, args.seed)]
        size = sum(Path(p).stat().st_size for p in paths)
        schema = Path(tmp) / "schema.json"
        with schema.open("w", encoding="utf-8") as fh:
            subprocess.run([pmprb, "schema", "--rules", args.rules], stdout=fh, env=env, check=True)
        commands = {
            "pmprb validate": [
                pmprb,
                "validate",
                "--rules",
                args.rules,
                "--format",
                "json",
                *paths,
            ],
            "check-jsonschema": [cjs, "--schemafile", str(schema), *paths],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for i in range(args.repeat):
            order = list(commands) if i % 2 == 0 else list(reversed(commands))
            for name in order:
                times[name].append(timed(commands[name], env))
                print(f"run {i + 1}/{args.repeat}: {name} {times[name][-1]:.2f} s", file=sys.stderr)
    medians = {name: statistics.median(t) for name, t in times.items()}
    ratio = medians["check-jsonschema"] / medians["pmprb validate"]
    print(
        f"{args.files} files ({size / 1e6:.1f} MB, rule set {args.rules}), "
        f"{args.repeat} repetitions; Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs; pmprb {version('pmprb')}; "
        f"check-jsonschema {version('check-jsonschema')}"
    )
    print()
    print("| tool | median (s) | min (s) | max (s) | files/s |")
    print("|---|---:|---:|---:|---:|")
    for name, t in times.items():
        m = medians[name]
        print(f"| {name} | {m:.2f} | {min(t):.2f} | {max(t):.2f} | {args.files / m:.0f} |")
    print()
    print(f"pmprb validate is {ratio:.1f}x faster (ratio of medians; target: at least 8x)")


if __name__ == "__main__":
    main()
