"""Build rules/permenpanrb-14-2014.yaml (Indeks RB to 2019) from the shared Pemenuhan TSV.

Usage: python tools/build_rules_14_2014.py [DOMAIN_DIR] [--output FILE] [--check]

DOMAIN_DIR holds lke-2020-pemenuhan-items.tsv (default: ../shared/domain relative to the
repository): its weight_2014 column and its 14/2014 question texts and answer descriptors.
Written as text with the emitter of build_rules_26_2020.py, then re-read and validated.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import cast

if __package__ in (None, ""):  # run as a script: make `tools` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.build_rules_26_2020 import (
    AREA_BY_NO,
    AREAS,
    BANDS,
    CHOICE_SCALES,
    DEFAULT_DOMAIN,
    LKE_DOCUMENTS,
    OPINI_BPK_OPTIONS,
    PEMENUHAN_INDICATOR_ID,
    PEMENUHAN_TSV,
    Comment,
    Flow,
    Mapping,
    NumericIndicator,
    Value,
    add_documents,
    area_node,
    generator_args,
    indicator,
    numeric_indicator,
    parse_options,
    provenance,
    read_tsv,
    render,
    require_reads_back,
    validated,
    write_or_check,
)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO / "rules" / "permenpanrb-14-2014.yaml"

# Area weights in Pengungkit (60) [V]: the sums of weight_2014 (checked below).
AREA_WEIGHT = {
    "mp": "5", "dk": "5", "org": "6", "tl": "5", "sdm": "15", "ak": "6", "pw": "12", "pp": "6",
}  # fmt: skip

SRC_APP = "a 14/2014 LKE app database (github zdp2430/lkerb, file/lkerb.sql, 2019)"
SRC_TOP = (
    "PermenPANRB 14/2014; weights from "
    + SRC_APP
    + ": Pengungkit indicator weights (weight_2014 of the shared TSV) and Hasil 14 / 6 / 7 / 3"
    " / 10 (its item table)"
)
SRC_QUESTION = (
    "question and answer descriptors from "
    + SRC_APP
    + "; the question list is the 2020 LKE's mapped back to 14/2014: a 14/2014 question the"
    " 2020 LKE dropped is missing, so an indicator's mean may differ from the official sheet"
)
SRC_DOCUMENTS = (
    "the document the option descriptor of the 14/2014 LKE names (app database"
    " zdp2430/lkerb), taken as the answer's data dukung"
)
SRC_QUESTION_SHORT = "14/2014 text (zdp2430/lkerb); list mapped from the 2020 LKE (see above)"
SRC_SAKIP = "SAKIP evaluation scores are reported 0-100; the item text is from " + SRC_APP
SRC_SURVEY = (
    "the item and its weight are from "
    + SRC_APP
    + "; the scale of the survey result was not found: 0-100 is a placeholder (convert a result"
    " on another scale, or change the scale in an overlay)"
)
SRC_OPINI = (
    "the item and its weight are from "
    + SRC_APP
    + "; the values of the BPK opinions (WTP 1, WDP 0.67, TW 0.33, TMP 0) are a placeholder"
)


def area_names(rows: list[dict[str, str]]) -> list[tuple[str, str]]:
    """The eight areas with their 14/2014 names (the TSV's area column), in order."""
    names = {AREA_BY_NO[row["area_no"]]: row["area"] for row in rows}
    return [(area_id, names[area_id]) for area_id, _ in AREAS]


def build_pengungkit(rows: list[dict[str, str]]) -> tuple[Mapping, int]:
    """Pengungkit (60): eight areas with the 14/2014 indicator weights and questions."""
    indicators: dict[str, Mapping] = {}
    area_children: dict[str, list[Value]] = {area_id: [] for area_id, _ in AREAS}
    skipped = 0
    texts: dict[str, str] = {}  # question id -> its option descriptors (naming documents)
    for row in rows:
        if not row["question_full"]:
            # a 2020 question with no 14/2014 equivalent in the app database: not in 14/2014
            skipped += 1
            continue
        area = AREA_BY_NO[row["area_no"]]
        ind_id = f"{area}.{PEMENUHAN_INDICATOR_ID[(area, row['indicator'])]}"
        indicator(indicators, area_children, area, ind_id, row["indicator"], row["weight_2014"])
        scale = row["answer_scale"]
        question: Mapping = {
            "id": f"{ind_id}.{row['item']}",
            "text": row["question_full"],
            "scale": scale,
        }
        options = parse_options(row["options"], scale)
        if options:
            question["options"] = options
        cast(list[Value], indicators[ind_id]["questions"]).append(question)
        texts[str(question["id"])] = row["options"]
    add_documents(indicators, LKE_DOCUMENTS, texts, provenance("inferred", SRC_DOCUMENTS))
    areas: list[Value] = [
        area_node(area_id, area_id, name, AREA_WEIGHT[area_id], area_children[area_id])
        for area_id, name in area_names(rows)
    ]
    node: Mapping = {
        "id": "pengungkit",
        "name": "Komponen Pengungkit",
        "weight": 60,
        "children": [
            Comment(
                "Questions: "
                + SRC_QUESTION
                + ".\nThey are labelled inferred; their weights are verified."
            ),
            *areas,
        ],
    }
    return node, skipped


def _question_provenance(node: Mapping) -> None:
    """Label every question of the Pengungkit subtree (the weights stay verified)."""
    for child in cast(list[Value], node.get("children", [])):
        if isinstance(child, dict):
            _question_provenance(child)
    for question in cast(list[Value], node.get("questions", [])):
        assert isinstance(question, dict)
        question["provenance"] = provenance("inferred", SRC_QUESTION_SHORT)


def build_hasil() -> Mapping:
    """Hasil (40): Kapasitas dan Akuntabilitas Kinerja Organisasi 20, Bersih 10, Pelayanan 10."""
    groups: list[tuple[str, str, str, list[NumericIndicator]]] = [
        (
            "hasil.kapasitas",
            "Kapasitas dan Akuntabilitas Kinerja Organisasi",
            "20",
            [
                NumericIndicator(
                    "hasil.kapasitas.akuntabilitas_kinerja",
                    "Nilai Akuntabilitas Kinerja",
                    "14",
                    "indeks_0_100",
                    "Nilai Akuntabilitas Kinerja",
                    "Diisi dengan nilai hasil evaluasi Sistem Akuntabilitas Kinerja Instansi"
                    " Pemerintah (SAKIP), skala 0-100.",
                    provenance("inferred", SRC_SAKIP),
                ),
                NumericIndicator(
                    "hasil.kapasitas.kapasitas_organisasi",
                    "Nilai Kapasitas Organisasi (Survei Internal)",
                    "6",
                    "indeks_0_100",
                    "Nilai Kapasitas Organisasi (Survei Internal)",
                    "Diisi dengan nilai hasil Survei Internal Kapasitas Organisasi.",
                    provenance("provisional", SRC_SURVEY),
                ),
            ],
        ),
        (
            "hasil.bersih",
            "Pemerintah yang Bersih dan Bebas KKN",
            "10",
            [
                NumericIndicator(
                    "hasil.bersih.persepsi_korupsi",
                    "Nilai Persepsi Korupsi (Survei Eksternal)",
                    "7",
                    "indeks_0_100",
                    "Nilai Persepsi Korupsi (Survei Eksternal)",
                    "Diisi dengan nilai hasil Survei Eksternal atas Persepsi Korupsi.",
                    provenance("provisional", SRC_SURVEY),
                ),
                NumericIndicator(
                    "hasil.bersih.opini_bpk",
                    "Opini BPK",
                    "3",
                    "opini_bpk",
                    "Opini BPK",
                    "Diisi dengan Opini BPK atas Laporan Keuangan.",
                    provenance("provisional", SRC_OPINI),
                    {"options": OPINI_BPK_OPTIONS},
                ),
            ],
        ),
        (
            "hasil.pelayanan",
            "Kualitas Pelayanan Publik",
            "10",
            [
                NumericIndicator(
                    "hasil.pelayanan.persepsi_kualitas_pelayanan",
                    "Nilai Persepsi Kualitas Pelayanan (Survei Eksternal)",
                    "10",
                    "indeks_0_100",
                    "Nilai Persepsi Kualitas Pelayanan (Survei Eksternal)",
                    "Diisi dengan nilai hasil Survei Eksternal Kualitas Pelayanan.",
                    provenance("provisional", SRC_SURVEY),
                ),
            ],
        ),
    ]
    children: list[Value] = [
        {
            "id": node_id,
            "name": name,
            "weight": Decimal(weight),
            "children": [numeric_indicator(spec) for spec in specs],
        }
        for node_id, name, weight, specs in groups
    ]
    return {"id": "hasil", "name": "Komponen Hasil", "weight": 40, "children": children}


def build_scales() -> Mapping:
    """The choice scales of the LKE, the opini BPK placeholder, and a 0-100 value."""
    scales: Mapping = {}
    for key, (name, options) in CHOICE_SCALES.items():
        if key == "abcde":
            scales["#abcde"] = Comment("A/B/C/D/E values are [I] inferred (same rule as A-D).")
        if key == "opini_bpk":
            scales["#opini_bpk"] = Comment("PROVISIONAL values: no source gives them.")
        scales[key] = {"kind": "choice", "name": name, "options": Flow(options)}
    scales["indeks_0_100"] = {
        "kind": "number",
        "name": "Nilai 0-100",
        "min": 0,
        "max": 100,
        "unit": "",
    }
    return scales


HEADER = """\
Indeks Reformasi Birokrasi 2014-2019 (PermenPANRB 14/2014).

GENERATED by tools/build_rules_14_2014.py from the shared domain table
lke-2020-pemenuhan-items.tsv (its weight_2014 column and 14/2014 texts): edit the
script, not this file.

Provenance (`provenance` on a node holds for its subtree):
  verified     every weight: Pengungkit 60 over eight areas 5 / 5 / 6 / 5 / 15 / 6 / 12 / 6
               and their indicators; Hasil 40 = Kapasitas dan Akuntabilitas Kinerja
               Organisasi 20 (nilai SAKIP 14, survei internal 6) + Bersih dan Bebas KKN 10
               (survei eksternal persepsi korupsi 7, opini BPK 3) + Kualitas Pelayanan
               Publik 10 (survei eksternal 10), all from a 14/2014 LKE app database;
               Ya/Tidak, A/B/C and A/B/C/D values.
  inferred     the bands (the seven categories of 26/2020, also used for the Indeks RB
               results published before 2020; no 14/2014 text was checked); the
               questions (14/2014 texts, but the list is the 2020 LKE's mapped back: two
               2020 questions without a 14/2014 equivalent are left out, and a 14/2014
               question the 2020 LKE dropped is missing); the expected documents
               (`documents`, data dukung) their option descriptors name; A/B/C/D/E values; the 0-100
               scale of the SAKIP score.
  provisional  the scales of the three survey results (0-100 placeholders) and the
               values of the BPK opinions.
Bands are left-open: 60.00 is CC, 60.01 is B."""


def build_rules(rows: list[dict[str, str]]) -> tuple[Mapping, int]:
    """The whole rule set as an ordered mapping, and how many TSV rows were left out."""
    pengungkit, skipped = build_pengungkit(rows)
    _question_provenance(pengungkit)
    rules: Mapping = {
        "id": "permenpanrb-14-2014",
        "title": "Indeks Reformasi Birokrasi 2014-2019",
        "basis": "Peraturan Menteri PANRB Nomor 14 Tahun 2014",
        "version": "2014.1",
        "years": Flow([2014, 2019]),
        "total": 100,
        "precision": 2,
        "provenance": provenance("verified", SRC_TOP),
        "scales": build_scales(),
        "areas": [{"id": area_id, "name": name} for area_id, name in area_names(rows)],
        "#bands": Comment(
            "[I] the categories of PermenPANRB 26/2020; left-open: a band holds"
            " min < x <= max; D also holds 0."
        ),
        "bands": [
            {"id": band_id, "min": lo, "max": hi, "name": name} for band_id, lo, hi, name in BANDS
        ],
        "tree": [pengungkit, build_hasil()],
    }
    return rules, skipped


def check(text: str, rules: Mapping, rows: list[dict[str, str]], skipped: int) -> None:
    """Re-read the YAML, validate it with pmprb, and check the weights."""
    require_reads_back(text, rules)
    loaded = validated(text, DEFAULT_OUTPUT.name)
    pengungkit = [q for q in loaded.questions if not q.startswith("hasil.")]
    if skipped != 2 or len(pengungkit) != len(rows) - skipped:
        raise AssertionError(f"{len(pengungkit)} Pengungkit questions, {skipped} left out")
    # the printed indicator weights add up exactly to the area weights, and those to 60
    for area_id, weight in AREA_WEIGHT.items():
        children = loaded.nodes[area_id].children or ()
        if sum(Fraction(c.weight) for c in children) != Fraction(weight):
            raise AssertionError(f"{area_id}: indicator weights do not sum to {weight}")
    if sum(Fraction(w) for w in AREA_WEIGHT.values()) != 60:
        raise AssertionError("area weights do not sum to 60")
    m = loaded.maxima
    for node_id, total in [
        ("pengungkit", "60"), ("hasil", "40"), ("hasil.kapasitas", "20"), ("hasil.bersih", "10"),
        ("hasil.pelayanan", "10"), ("hasil.kapasitas.akuntabilitas_kinerja", "14"),
        ("hasil.kapasitas.kapasitas_organisasi", "6"), ("hasil.bersih.persepsi_korupsi", "7"),
        ("hasil.bersih.opini_bpk", "3"), ("hasil.pelayanan.persepsi_kualitas_pelayanan", "10"),
    ]:  # fmt: skip
        if m[node_id] != Fraction(total):
            raise AssertionError(f"{node_id}: maximum {m[node_id]}, not {total}")


def main(argv: list[str] | None = None) -> int:
    """Build (or with --check, verify) the rule set file."""
    args = generator_args(__doc__, DEFAULT_DOMAIN, DEFAULT_OUTPUT, argv)

    rows = read_tsv(args.domain / PEMENUHAN_TSV)
    rules, skipped = build_rules(rows)
    text = render(rules, HEADER)
    check(text, rules, rows, skipped)
    return write_or_check(args.output, text, args.check, "tools/build_rules_14_2014.py")


if __name__ == "__main__":
    sys.exit(main())
