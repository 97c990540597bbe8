"""Time how fast one-file commands start: pmprb against `python -c pass`, yamllint and
check-jsonschema, in the same run, on the same answer file.

    python benchmarks/startup.py [--repeat 20] [--file FILE] [--json OUT]

Each command runs as a fresh process (stdout to /dev/null, stderr to a pipe), the
commands interleaved round by round so a slow minute costs all of them alike. For each
it reports the fastest and the median wall time and the fastest CPU time (user + system,
from wait4). On a busy, shared machine the wall time swings with the load while the CPU
time barely moves: the fastest wall time of many rounds is what a quiet machine shows.

With `--instructions` each command instead runs once under valgrind's callgrind, which
counts the instructions it executes: the same count on a busy machine as on a quiet one
(to within a fraction of a percent), so a change of a few milliseconds shows even when the
wall time drifts by a third. The floor is then split into its layers (Python, PyYAML,
typer, pydantic with typer's option coercion, importlib.metadata).

pmprb runs twice per round for score and validate: "warm" with its rule set cache filled
(as on a developer's machine or in CI after the first file) and "cold" with an empty
cache folder each time. yamllint (default config) and check-jsonschema (with the schema
`pmprb schema` exports) are optional: a missing one is left out with a note.
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = "import typer, yaml; from pydantic import BaseModel, TypeAdapter; import importlib.metadata"


def tool(name: str) -> str | None:
    """A console script of this environment (beside the running Python), else from PATH."""
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else shutil.which(name)


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run; it must exit 0 or 1 (1: yamllint's warnings)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} exited {proc.returncode}: {err.decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


# The layers under every pmprb command, each line importing one more (measured with
# --instructions). typer 0.29 coerces every option through a pydantic TypeAdapter
# (typer._adapters), and building any pydantic validator imports pydantic's plugin loader,
# which imports importlib.metadata.
LAYERS = (
    ("python -c pass", "pass"),
    ("+ import yaml", "import yaml"),
    ("+ import typer", "import yaml, typer"),
    ("+ pydantic and typer's coercion", "import yaml, typer, typer._adapters, typer._coercion"),
    (
        "+ pydantic's plugin loader (importlib.metadata)",
        "import yaml, typer, typer._adapters, typer._coercion, pydantic.plugin._loader",
    ),
)


def instructions(argv: list[str], env: dict[str, str]) -> int:
    """The instructions one run executes, counted by callgrind."""
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
        check=False,
    )
    for line in proc.stderr.splitlines():
        if "Collected :" in line:
            return int(line.rsplit(":", 1)[1])
    sys.exit(f"callgrind gave no count for {' '.join(argv)}: {proc.stderr[-2000:]}")


def count_instructions(commands: list[tuple[str, list[str], dict[str, str]]]) -> dict[str, int]:
    """--instructions: the layers of the floor, then each command, counted once each."""
    if shutil.which("valgrind") is None:
        sys.exit("--instructions needs valgrind (apt-get install valgrind)")
    env = commands[0][2]
    rows = [(name, [sys.executable, "-c", code], env) for name, code in LAYERS]
    rows += [row for row in commands if row[0] != "python -c pass" and "floor" not in row[0]]
    counts: dict[str, int] = {}
    print("| command | instructions (millions) | / last floor layer |")
    print("|---|---:|---:|")
    for name, argv, run_env in rows:
        counts[name] = instructions(argv, run_env)
        floor = counts[LAYERS[-1][0]] if LAYERS[-1][0] in counts else counts[name]
        print(f"| `{name}` | {counts[name] / 1e6:.0f} | {counts[name] / floor:.2f}x |")
    return counts


def main() -> None:
    """Run every command --repeat times, interleaved; print a Markdown table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--file",
        type=Path,
        default=None,
        help="the answer file (default: one made by benchmarks/generate.py, seed 0: a "
        "26/2020 file with every question answered, which pmprb versions before and after "
        "a change all read)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="a folder holding another pmprb's pmprb/ and rules/ (git archive REV pmprb "
        "rules | tar -x -C DIR), timed beside this one, with this environment",
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count each command's instructions once with valgrind instead of timing it",
    )
    args = parser.parse_args()
    pmprb = tool("pmprb")
    if pmprb is None:
        sys.exit("pmprb is not installed (pip install -e '.[test]')")
    work = Path(tempfile.mkdtemp(prefix="pmprb-startup-"))
    warm_cache, cold_cache = work / "warm", work / "cold"
    schema = work / "schema.json"
    with schema.open("w", encoding="utf-8") as out:
        subprocess.run([pmprb, "schema"], stdout=out, check=True)
    if args.file is None:
        sys.path.insert(0, str(ROOT))
        from benchmarks.generate import generate

        (made,) = generate(work / "generated", 1)
        file = str(made)
    else:
        file = str(args.file)
    base = {k: v for k, v in os.environ.items() if not k.startswith("PMPRB_")}
    warm = {**base, "XDG_CACHE_HOME": str(warm_cache)}
    cold = {**base, "XDG_CACHE_HOME": str(cold_cache)}
    commands: list[tuple[str, list[str], dict[str, str]]] = [
        ("python -c pass", [sys.executable, "-c", "pass"], warm),
        # what pmprb cannot go below: its dependencies imported (typer 0.29 coerces every
        # option through a pydantic TypeAdapter, so a command loads pydantic in any case)
        ("import typer, pydantic, yaml (floor)", [sys.executable, "-c", FLOOR], warm),
        ("pmprb --help", [pmprb, "--help"], warm),
        ("pmprb validate FILE", [pmprb, "validate", file], warm),
        ("pmprb score FILE -f json", [pmprb, "score", file, "-f", "json"], warm),
        ("pmprb score FILE (table)", [pmprb, "score", file], warm),
        ("pmprb validate FILE (cold cache)", [pmprb, "validate", file], cold),
        ("pmprb score FILE -f json (cold cache)", [pmprb, "score", file, "-f", "json"], cold),
    ]
    if args.baseline is not None:
        # its own warm cache: the two versions' entries for one rule set have the same
        # file name and different keys, so a shared folder would be cold for both
        old = {
            **warm,
            "PYTHONPATH": str(args.baseline.resolve()),
            "XDG_CACHE_HOME": str(work / "warm-baseline"),
        }
        run = [sys.executable, "-P", "-c", "from pmprb.cli import main; main()"]
        run_once([*run, "validate", file], old)  # fill it
        commands += [
            ("baseline: pmprb validate FILE", [*run, "validate", file], old),
            ("baseline: pmprb score FILE -f json", [*run, "score", file, "-f", "json"], old),
            ("baseline: pmprb score FILE (table)", [*run, "score", file], old),
        ]
    for name, argv in (
        ("yamllint FILE", ["yamllint", file]),
        ("check-jsonschema --schemafile S FILE", ["check-jsonschema", "--schemafile"]),
    ):
        found = tool(argv[0])
        if found is None:
            print(f"note: {argv[0]} is not installed; left out", file=sys.stderr)
            continue
        full = [found, *argv[1:]] + ([str(schema), file] if "schemafile" in name else [])
        commands.append((name, full, base))
    run_once([pmprb, "validate", file], warm)  # fill the warm cache
    if args.instructions:
        shutil.rmtree(cold_cache, ignore_errors=True)
        counted = [row for row in commands if row[2] is not cold and "jsonschema" not in row[0]]
        counts = count_instructions(counted)
        shutil.rmtree(work, ignore_errors=True)
        if args.json is not None:
            args.json.write_text(json.dumps(counts, indent=2) + "\n", encoding="utf-8")
        return
    walls: dict[str, list[float]] = {name: [] for name, _a, _e in commands}
    cpus: dict[str, list[float]] = {name: [] for name, _a, _e in commands}
    for _round in range(args.repeat):
        for name, argv, env in commands:
            if env is cold:
                shutil.rmtree(cold_cache, ignore_errors=True)
            wall, cpu = run_once(argv, env)
            walls[name].append(wall)
            cpus[name].append(cpu)
    shutil.rmtree(work, ignore_errors=True)
    print("| command | fastest wall ms | median wall ms | fastest CPU ms |")
    print("|---|---:|---:|---:|")
    figures = {}
    for name, _argv, _env in commands:
        fast, median = min(walls[name]) * 1000, statistics.median(walls[name]) * 1000
        cpu = min(cpus[name]) * 1000
        figures[name] = {"fastest_wall_ms": fast, "median_wall_ms": median, "fastest_cpu_ms": cpu}
        print(f"| `{name}` | {fast:.0f} | {median:.0f} | {cpu:.0f} |")
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
