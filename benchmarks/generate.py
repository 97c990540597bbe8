"""Write N realistic answer files: every question answered, evidence and notes on most.

    python benchmarks/generate.py OUT_DIR N [--rules ID] [--seed S]

Files look like real submissions: long-form answers with two or three data dukung
documents on about two thirds of the questions (a note on half of those), short answers
on the rest.
"""

from __future__ import annotations

import argparse
import random
from decimal import Decimal
from pathlib import Path

from pmprb.model.load import load_rules
from pmprb.model.rules import ChoiceScale, LoadedRules

DOCS = (
    "SK Kepala Perangkat Daerah No. 800/{n}/{y} tentang Tim Reformasi Birokrasi",
    "Laporan Monitoring dan Evaluasi Rencana Aksi RB Triwulan {q} Tahun {y}",
    "Notulen Rapat Koordinasi PMPRB tanggal {d} Juni {y}",
    "https://jdih.kota-contoh.example/dokumen/{y}/{n}.pdf",
    "Dokumentasi kegiatan sosialisasi (foto dan daftar hadir) {d}/{q}/{y}",
)
NOTES = (
    "Dokumen pendukung telah diunggah ke aplikasi PMPRB.",
    "Sebagian kegiatan tertunda karena refocusing anggaran.",
    "Tindak lanjut dijadwalkan pada triwulan berikutnya.",
)


def _answer(rng: random.Random, loaded: LoadedRules, qid: str) -> str:
    scale = loaded.questions[qid].scale
    if isinstance(scale, ChoiceScale):
        return rng.choice(list(scale.options))
    step = (scale.max - scale.min) / 100
    return str(scale.min + step * Decimal(rng.randint(40, 100)))


def answer_file(rng: random.Random, loaded: LoadedRules, i: int, year: int) -> str:
    """The text of one realistic answer file."""
    lines = [
        f"rules: {loaded.rules.id}",
        f"year: {year}",
        "unit:",
        f'  name: "Perangkat Daerah Contoh {i:05d}"',
        f'  code: "9.{i // 1000:02d}.{i % 1000:03d}"',
        '  instansi: "Pemerintah Kota Contoh (fiktif)"',
        "answers:",
    ]
    for qid in loaded.questions:
        value = _answer(rng, loaded, qid)
        if rng.random() < 0.35:
            lines.append(f"  {qid}: {value}")
            continue
        lines.append(f"  {qid}:")
        lines.append(f"    answer: {value}")
        lines.append("    evidence:")
        for doc in rng.sample(DOCS, rng.randint(2, 3)):
            text = doc.format(
                n=rng.randint(1, 999), y=year, q=rng.randint(1, 4), d=rng.randint(1, 28)
            )
            lines.append(f'      - "{text}"')
        if rng.random() < 0.5:
            lines.append(f'    note: "{rng.choice(NOTES)}"')
    return "\n".join(lines) + "\n"


def generate(out: Path, n: int, rules: str = "permenpanrb-26-2020", seed: int = 0) -> list[Path]:
    """Write n answer files into out (created if needed); returns their paths."""
    loaded = load_rules(rules)
    year = loaded.rules.years[0] if loaded.rules.years else 2021
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = out / f"unit-{i:05d}.yaml"
        path.write_text(answer_file(rng, loaded, i, year), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--rules", default="permenpanrb-26-2020")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = generate(args.out, args.n, args.rules, args.seed)
    print(f"wrote {len(paths)} files to {args.out}")


if __name__ == "__main__":
    main()
