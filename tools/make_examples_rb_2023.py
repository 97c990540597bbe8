"""Write the Evaluasi RB 2023+ examples: published results and a fictional kota.

Usage: python tools/make_examples_rb_2023.py [DOMAIN_DIR] [--check]

From the shared domain tables (default ../shared/domain): Provinsi D.I. Yogyakarta 2023 line
by line (rb-2023-lines-diy.tsv) and every other instansi of rb-2023-results-public.tsv as
its published RB General, adjusted weight and RB Tematik. The Sukamaju kabupaten/kota do not
exist: their files are written from the fixed values below. --check fails when a file is
out of date.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tools` and `pmprb` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pmprb.model.load import load_rules
from tools.build_rules_26_2020 import DEFAULT_DOMAIN, read_tsv, scalar, write_or_check

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "assessments" / "evaluasi-rb-2023"
SUKAMAJU = REPO / "assessments" / "sukamaju-evaluasi-rb-2025"
SOURCE = (
    "Portal RB (KemenPANRB's evaluation system), database copy of 2024-06-08 in the public"
    " repository HanaDewi/portalrb-indv [V-3p]"
)

# instansi of rb-2023-results-public.tsv -> (file name, unit code, short name)
UNITS: dict[str, tuple[str, str]] = {
    "Pemerintah Daerah Provinsi D. I. Yogyakarta": ("provinsi-di-yogyakarta", "34"),
    "Pemerintah Daerah Kota Yogyakarta": ("kota-yogyakarta", "3471"),
    "Pemerintah Daerah Provinsi Jawa Timur": ("provinsi-jawa-timur", "35"),
    "Pemerintah Daerah Provinsi Bali": ("provinsi-bali", "51"),
    "Pemerintah Daerah Provinsi Maluku": ("provinsi-maluku", "81"),
    "Pemerintah Daerah Kota Surabaya": ("kota-surabaya", "3578"),
    "Pemerintah Daerah Provinsi Jawa Barat": ("provinsi-jawa-barat", "32"),
    "Komisi Pemilihan Umum": ("komisi-pemilihan-umum", "KPU"),
    "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi": (
        "kementerian-panrb",
        "KEMENPANRB",
    ),
}
KPU_LETTER = (
    "Published Indeks RB 2023 = 69.76 (B): KemenPANRB letter B/679/RB.06/2025 [V]; the"
    " adjusted weight 94.5 = 100 - 4 (Indeks Sistem Merit) - 1.5 (Kepatuhan Standar"
    " Pelayanan Publik), the lines the evaluators did not count [I from K/L lines checked]."
)


def rules_id(level: str) -> str:
    return f"permenpanrb-9-2023-{level}"


def head(comment: list[str], rules: str, year: int, name: str, code: str, instansi: str) -> str:
    lines = [f"# {w}".rstrip() for c in comment for w in textwrap.wrap(c, 88)]
    lines += [
        "",
        f"rules: {rules}",
        f"year: {year}",
        "unit:",
        f"  name: {scalar(name)}",
        f"  code: {scalar(code)}",
        f"  instansi: {scalar(instansi)}",
        "",
    ]
    return "\n".join(lines) + "\n"


def published(row: dict[str, str]) -> tuple[str, str]:
    """The file of one row of rb-2023-results-public.tsv: its published figures."""
    name, code = UNITS[row["instansi"]]
    index = row["index"]
    comment = [
        f"{row['instansi']}, Evaluasi RB 2023: the published result (no lines).",
        f"Source: {SOURCE}, {row['source_note'].split(';')[1].strip()}.",
        f"RB General {row['rb_general']} at adjusted weight {row['adjusted_weight']}"
        f" -> {row['rb_general_adj']}; RB Tematik {row['rb_tematik']}; Indeks RB {index}.",
        "pmprb must reproduce the index from these three numbers.",
    ]
    if name == "komisi-pemilihan-umum":
        comment.append(KPU_LETTER)
    text = head(comment, rules_id(row["level"]), 2023, row["instansi"], code, row["instansi"])
    text += "answers: {}\n\nscores:\n"
    weight = format(Decimal(row["adjusted_weight"]).normalize(), "f")  # 100, not 1E+2
    text += f"  rb_general: {{points: {row['rb_general']}, adjusted_weight: {weight}}}\n"
    text += f"  rb_tematik: {row['rb_tematik']}\n"
    return name, text


def diy(lines: list[dict[str, str]]) -> str:
    """D.I. Yogyakarta 2023 line by line: every value as the evaluators entered it."""
    loaded = load_rules(rules_id("provinsi"))
    by_param = {n.param_id: n for n in loaded.nodes.values() if n.questions}
    comment = [
        "Pemerintah Daerah Provinsi D.I. Yogyakarta, Evaluasi RB 2023, line by line.",
        f"Source: {SOURCE}, lke_test_tp id 43 (every line in rb-2023-lines-diy.tsv).",
        "Published: RB General 75.35 (adjusted weight 100), RB Tematik 12.80, Indeks RB 88.15 (A).",
        "Indeks Kualitas Kebijakan has no score entered: left blank, it scores 0 and keeps its",
        "weight. Indeks Tata Kelola Pengadaan (88.37) was scored on 2023-11-09 at the older",
        "weight 1.5 (1.33 points), before the provincial weights were set to 2.5 (which would",
        "give 2.21): its official points 1.33 are recorded under `scores`.",
    ]
    instansi = "Pemerintah Daerah Provinsi D. I. Yogyakarta"
    text = head(comment, rules_id("provinsi"), 2023, instansi, "34", instansi)
    text += "answers:\n"
    scores: list[str] = []
    for row in lines:
        node = by_param[row["param_id"]]
        assert node.questions is not None
        qid = node.questions[0].id
        value = row["score_entered"]
        if not value:
            text += f"  {qid}:\n"
            continue
        if row["weight_at_scoring_if_different"]:
            text += f"  {qid}:\n    answer: {value}\n"
            text += (
                f"    note: dinilai pada bobot lama {row['weight_at_scoring_if_different']}"
                f" (poin resmi {row['points_stored']})\n"
            )
            scores.append(f"  {node.id}: {row['points_stored']}")
            continue
        text += f"  {qid}: {value}\n"
    text += "\nscores:\n" + "\n".join(scores) + "\n"
    return text


# The fictional Sukamaju kabupaten/kota of one province, Evaluasi RB 2025: line values by hand.
SUKAMAJU_LINES: dict[str, str] = {
    "a.rencana_aksi": "2.1",
    "a.implementasi_rencana_aksi": "80",
    "b.struktur_organisasi": "60",
    "b.sistem_kerja": "3",
    "b.spip": "3.2",
    "b.zona_integritas": "1.75",
    "b.sakip": "68.5",
    "b.arsitektur_spbe": "2",
    "b.digitalisasi_arsip": "55",
    "b.lapor": "3.5",
    "b.kualitas_kebijakan": "70.2",
    "b.reformasi_hukum": "64",
    "b.statistik_sektoral": "2.5",
    "b.tata_kelola_pengadaan": "75",
    "b.sistem_merit": "250",
    "b.indeks_pelayanan_publik": "3.8",
    "b.kepatuhan_standar_pelayanan": "82.1",
    "c.indeks_spbe": "2.85",
    "c.iku_makro": "90",
    "c.iku_non_makro": "75",
    "c.opini_bpk": "5",
    "c.tindak_lanjut_bpk": "80",
    "c.berakhlak": "66",
    "c.spi": "72.4",
    "c.skm": "83.5",
    "koefisien": "0",
    "tematik.kemiskinan.rencana_aksi": "0.3",
    "tematik.investasi.rencana_aksi": "0.35",
    "tematik.stunting.rencana_aksi": "0.3",
    "tematik.pdn.rencana_aksi": "0.25",
    "tematik.inflasi.rencana_aksi": "0.3",
    "tematik.kemiskinan.output": "70",
    "tematik.investasi.output": "85",
    "tematik.stunting.output": "60",
    "tematik.pdn.output": "55",
    "tematik.inflasi.output": "90",
    "tematik.kemiskinan.dampak": "1.2",
    "tematik.investasi.dampak": "1.8",
    "tematik.stunting.dampak": "1",
    "tematik.pdn.dampak": "0.9",
    "tematik.inflasi.dampak": "2",
}
# file -> (unit name, code, what the file is, changes to the values above)
SUKAMAJU_UNITS: dict[str, tuple[str, str, str, dict[str, str]]] = {
    "kota-sukamaju": (
        "Pemerintah Kota Sukamaju (fiktif)",
        "9971",
        "KASN did not evaluate the Sistem Merit line: not counted, RB General rescaled",
        {
            "c.indeks_spbe": "3.3",
            "b.sakip": "74",
            "a.rencana_aksi": "2.7",
            "a.implementasi_rencana_aksi": "90",
            "c.spi": "77.1",
            "b.spip": "3.4",
            "b.sistem_merit": "NOT_COUNTED",
        },
    ),
    "kabupaten-sukamaju-utara": (
        "Pemerintah Kabupaten Sukamaju Utara (fiktif)",
        "9901",
        "the evaluation as published, every line scored",
        {},
    ),
    "kabupaten-sukamaju-selatan": (
        "Pemerintah Kabupaten Sukamaju Selatan (fiktif)",
        "9902",
        "weak SPBE and SAKIP, a negative koefisien",
        {
            "c.indeks_spbe": "1.9",
            "b.sakip": "55.3",
            "b.spip": "2.6",
            "c.opini_bpk": "3.33",
            "koefisien": "-1",
            "tematik.stunting.dampak": "0.4",
        },
    ),
    "kota-sukamaju-baru": (
        "Pemerintah Kota Sukamaju Baru (fiktif)",
        "9972",
        "the Bagian Organisasi's own estimate before the evaluation: some lines not in yet",
        {
            "c.indeks_spbe": "3.5",
            "b.sakip": "76",
            "a.rencana_aksi": "2.8",
            "a.implementasi_rencana_aksi": "",
            "c.spi": "",
            "c.skm": "",
            "b.spip": "3.5",
        },
    ),
}
NOT_COUNTED = (
    "Komisi Aparatur Sipil Negara tidak melakukan penilaian Sistem Merit tahun ini"
    " (nilai tidak diperhitungkan oleh evaluator)"
)
SUKAMAJU_YEAR = 2025


def sukamaju(key: str) -> str:
    name, code, what, changes = SUKAMAJU_UNITS[key]
    values = {**SUKAMAJU_LINES, **changes}
    comment = [
        f"{name}, Evaluasi RB {SUKAMAJU_YEAR}: {what}.",
        "The Sukamaju kabupaten/kota do not exist; the values are invented for the examples"
        " and the README. Written by tools/make_examples_rb_2023.py.",
    ]
    text = head(comment, rules_id("kabkota"), SUKAMAJU_YEAR, name, code, name) + "answers:\n"
    for line, value in values.items():
        qid = f"{line}.nilai"
        if value == "NOT_COUNTED":
            text += f"  {qid}:\n    not_counted: {scalar(NOT_COUNTED)}\n"
        elif value:
            text += f"  {qid}: {value}\n"
        else:
            text += f"  {qid}:\n"
    return text


def files(domain: Path) -> dict[Path, str]:
    """Every example file and its text."""
    out: dict[Path, str] = {}
    diy_lines = read_tsv(domain / "rb-2023-lines-diy.tsv")
    out[OUT / "provinsi-di-yogyakarta.yaml"] = diy(diy_lines)
    for row in read_tsv(domain / "rb-2023-results-public.tsv"):
        name, text = published(row)
        if name != "provinsi-di-yogyakarta":  # line by line above
            out[OUT / f"{name}.yaml"] = text
    for key in SUKAMAJU_UNITS:
        out[SUKAMAJU / f"{key}.yaml"] = sukamaju(key)
    return out


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, verify) every example."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("domain", nargs="?", type=Path, default=DEFAULT_DOMAIN)
    parser.add_argument("--check", action="store_true", help="fail if a file is out of date")
    args = parser.parse_args(argv)
    script = "tools/make_examples_rb_2023.py"
    done = [
        write_or_check(path, text, args.check, script) for path, text in files(args.domain).items()
    ]
    return max(done, default=0)


if __name__ == "__main__":
    sys.exit(main())
