"""Where one job's time goes: each stage of scoring a file, against the floor, per file.

    python -m benchmarks.stages DIR [--files N] [--rounds R]

In one process, for each file in turn: the floor (read + CSafeLoader parse), then
pmprb's stages on the same file (read, parse, validate, score, summarise). Timing them
interleaved, file by file, keeps a noisy machine from favouring one side. Prints
milliseconds per file and each stage's share of the floor, for every round. The batch
runs with the same raised GC threshold as `pmprb batch`.
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

import yaml

from pmprb.analysis.batch import GC_THRESHOLD, summarise
from pmprb.analysis.engine import score
from pmprb.inputs.loader import parse, read_text
from pmprb.model.assessment import validate_assessment

STAGES = ("floor", "read", "parse", "validate", "score", "summarise")


def one_round(files: list[Path]) -> dict[str, float]:
    """Seconds spent in each stage over all files."""
    spent = dict.fromkeys(STAGES, 0.0)
    clock = time.perf_counter
    for path in files:
        t0 = clock()
        with open(path, encoding="utf-8") as fh:
            yaml.load(fh.read(), Loader=yaml.CSafeLoader)
        t1 = clock()
        shown = str(path)
        text = read_text(path, shown)
        t2 = clock()
        data = parse(shown, text)
        t3 = clock()
        assessment = validate_assessment(data, shown, text, None)
        t4 = clock()
        result = score(assessment)
        t5 = clock()
        summarise(result, str(data.get("rules")))
        t6 = clock()
        times = (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)
        for stage, seconds in zip(STAGES, times, strict=True):
            spent[stage] += seconds
    return spent


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="answer files (benchmarks/generate.py)")
    parser.add_argument("--files", type=int, default=500, help="how many of them")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    files = sorted(args.dir.glob("*.yaml"))[: args.files]
    if not files:
        parser.error(f"no *.yaml files in {args.dir}")
    one_round(files[:20])  # load the rule sets, warm the caches
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    print(f"{len(files)} files; ms per file, and x the floor")
    for r in range(args.rounds):
        spent = one_round(files)
        floor = spent["floor"]
        pmprb = sum(spent[s] for s in STAGES[1:])
        cells = [f"{s} {1000 * spent[s] / len(files):.2f}" for s in STAGES]
        shares = [f"{s} {spent[s] / floor:.2f}x" for s in STAGES[1:]]
        print(f"round {r + 1}: " + ", ".join(cells))
        print(f"         pmprb {pmprb / floor:.2f}x the floor (" + ", ".join(shares) + ")")


if __name__ == "__main__":
    main()
