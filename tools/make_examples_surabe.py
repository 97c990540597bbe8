"""Write the SURABE BERANI 2025 examples: four OPDs of a fictional kota.

Usage: python tools/make_examples_surabe.py [--check]

Kota Teluk Damai does not exist. Its OPDs answer rules/surabe-2025-opd.yaml with fixed
profiles: Diskominfo's answers are written out one by one (tests/test_surabe.py computes its
score by hand at every level); the other three follow a deterministic pattern of strong,
middling and weak answers, with a few indicators left blank. --check fails when a file is
out of date.
"""

from __future__ import annotations

import argparse
import sys
import zlib
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tools` and `pmprb` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pmprb.model.load import load_rules
from pmprb.model.rules import ChoiceScale, LoadedRules
from tools.build_rules_26_2020 import scalar, write_or_check

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "assessments" / "surabe-2025"
INSTANSI = "Pemerintah Kota Teluk Damai (fiktif)"

# Diskominfo: every indicator at its best answer except these (question id -> answer);
# None leaves the indicator blank (it counts 0).
DISKOMINFO: dict[str, str | int | float | None] = {
    "general.a.1.1_1.a": "2",  # 65
    "general.a.1.1_1.c": "3",  # 35
    "general.a.1.1_2.k": "Tidak",
    "general.a.1.1_3.a": 80,
    "general.a.1.1_3.b": 60,
    "general.a.1.1_3.c": None,
    "general.a.1.1_3.d": None,
    "general.a.2.2_1.a": 72.5,
    "general.a.2.2_1.b": 80,
    "general.a.2.2_1.c": 65,
    "general.a.2.2_1.d": 70,
    "general.a.3.3_1.a": "B",  # 75
    "general.a.4.4_1.a": 90,
    "general.a.5.5_1.a": 88,
    "general.a.5.5_2.a": 64,
    "general.a.6.6_1.a": 79,
    "general.a.7.7_1.a": 83.5,
    "general.a.7.7_1.b": 50,
    "general.a.8.8_1.a": "C",  # 60
    "general.b.1.1_1.a": "F",  # 10
    "general.b.1.1_3.c": "C",  # 60 (the toilet item has no B)
    "general.b.2.2_3.a": "D",  # 25
    "general.b.3.3_2.a": "Tidak",
    "general.b.3.3_3.b": 85,  # no options stored: the value itself
    "general.b.3.3_3.c": None,
    "general.b.5.5_1.f": 40,
    "general.c.2.2_1.a": 70,
    "tematik.a.2.2_1.a": 60,
    "tematik.b.1.1_1.a": 42.5,
    "tematik.b.2.2_1.a": "C",  # 80
    "tematik.b.3.3_1.a": "D",  # 60
}

# (file, unit, code, profile, comment); profile: 0 strong, 1 middling, 2 weak
UNITS: list[tuple[str, str, str, int | None, str]] = [
    (
        "teluk-damai-diskominfo",
        "Dinas Komunikasi, Informatika dan Persandian",
        "2.16.01",
        None,
        "Profile: strong on SPBE and RB General, a few items left blank; its score is"
        " computed by hand at every level in tests/test_surabe.py.",
    ),
    (
        "teluk-damai-dinkes",
        "Dinas Kesehatan",
        "1.02.01",
        0,
        "Profile: strong almost everywhere, evidence attached throughout.",
    ),
    (
        "teluk-damai-dpmptsp",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        "2.18.01",
        1,
        "Profile: middling; service standards good, RB Tematik weak.",
    ),
    (
        "teluk-damai-kecamatan-teluk-utara",
        "Kecamatan Teluk Utara",
        "7.01.01",
        2,
        "Profile: weak and incomplete: many indicators left blank.",
    ),
]


def _pick(qid: str, labels: list[str], profile: int) -> str | None:
    """A deterministic answer: profile 0 mostly the best option, 2 mostly low or blank."""
    h = zlib.crc32(qid.encode())
    if profile == 2 and h % 4 == 0:
        return None
    step = [0, 1, 2][profile] + (h % 3) - 1
    return labels[min(max(step, 0), len(labels) - 1)]


def _number(qid: str, profile: int) -> int | None:
    h = zlib.crc32(qid.encode())
    if profile == 2 and h % 4 == 0:
        return None
    return [92, 74, 48][profile] + h % 9


def _answers(loaded: LoadedRules, profile: int | None) -> dict[str, str | int | float | None]:
    out: dict[str, str | int | float | None] = {}
    for qid, ref in loaded.questions.items():
        scale = ref.scale
        if isinstance(scale, ChoiceScale):
            labels = sorted(scale.options, key=lambda lab: -scale.options[lab])
            best: str | int | float | None = labels[0]
            if profile is not None:
                best = _pick(qid, labels, profile)
        else:
            best = 100 if profile is None else _number(qid, profile)
        if profile is None and qid in DISKOMINFO:
            best = DISKOMINFO[qid]
        out[qid] = best
    return out


def _evidence(qid: str, text: str, unit: str, count: int, profile: int | None) -> list[str]:
    """Every document asked for, except a middling or weak OPD attaches only one."""
    short = text if len(text) <= 60 else text[:57].rstrip() + "..."
    docs = [f"{short} ({unit.removeprefix('teluk-damai-')}, 2025)"]
    wanted = count if profile in (None, 0) else 1
    docs += [f"https://telukdamai.go.id/rb/2025/{qid}-{i}.pdf" for i in range(2, wanted + 1)]
    return docs


def _value(answer: str | int | float) -> str:
    if isinstance(answer, str):
        return scalar(answer)
    return str(answer)


def render(
    loaded: LoadedRules, file: str, unit: str, code: str, profile: int | None, note: str
) -> str:
    answers = _answers(loaded, profile)
    lines = [
        f"# FICTIONAL example: Kota Teluk Damai does not exist. {note}",
        "# Generated by tools/make_examples_surabe.py from rules/surabe-2025-opd.yaml:",
        "# regenerate rather than edit.",
        "",
        "rules: surabe-2025-opd",
        "year: 2025",
        "unit:",
        f"  name: {scalar(unit)}",
        f'  code: "{code}"',
        f"  instansi: {scalar(INSTANSI)}",
        "",
        "answers:",
    ]
    section = ""
    for qid, ref in loaded.questions.items():
        top = ref.indicator.rsplit(".", 2)[0]
        if top != section:
            section = top
            lines.append(f"  # {_path_name(loaded, top)}")
        answer = answers[qid]
        if answer is None:
            lines.append(f"  {qid}:")
            continue
        scale = ref.scale
        lowest = isinstance(scale, ChoiceScale) and scale.options[str(answer)] == min(
            scale.options.values()
        )
        needs = ref.question.evidence_required and not lowest and answer != 0
        if not needs:
            lines.append(f"  {qid}: {_value(answer)}")
            continue
        count = ref.question.evidence_items or 1
        lines.append(f"  {qid}:")
        lines.append(f"    answer: {_value(answer)}")
        lines.append("    evidence:")
        lines.extend(
            f"      - {scalar(doc)}"
            for doc in _evidence(qid, ref.question.text, file, count, profile)
        )
    return "\n".join(lines) + "\n"


def _path_name(loaded: LoadedRules, node_id: str) -> str:
    names = []
    parts = node_id.split(".")
    for i in range(1, len(parts) + 1):
        names.append(loaded.nodes[".".join(parts[:i])].name)
    return " > ".join(names)


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, verify) the example files."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a file is out of date")
    args = parser.parse_args(argv)
    loaded = load_rules("surabe-2025-opd")
    done = [
        write_or_check(
            OUT / f"{file}.yaml",
            render(loaded, file, unit, code, profile, note),
            args.check,
            "tools/make_examples_surabe.py",
        )
        for file, unit, code, profile, note in UNITS
    ]
    return max(done, default=0)


if __name__ == "__main__":
    sys.exit(main())
