"""Build rules/zona-integritas-2022.yaml from the shared Zona Integritas TSV.

Usage: python tools/build_rules_zi_2022.py [DOMAIN_DIR] [--output FILE] [--check]

DOMAIN_DIR holds zona-integritas-items.tsv and README.md (default: ../shared/domain relative
to the repository); the answer descriptors come from tools/data/zona-integritas-descriptors.tsv.
The YAML is written as text with the emitter of build_rules_26_2020.py (comments, key order
and decimal literals under our control), then re-read and validated by pmprb itself.
"""

from __future__ import annotations

import sys
from collections import Counter
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import cast

if __package__ in (None, ""):  # run as a script: make `tools` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.build_rules_26_2020 import (
    CHOICE_SCALES,
    DEFAULT_DOMAIN,
    ZI_AREA,
    ZI_INDICATOR_ID,
    ZI_TSV,
    Comment,
    Expected,
    Flow,
    Mapping,
    Value,
    add_documents,
    area_node,
    generator_args,
    indicator,
    provenance,
    read_descriptors,
    read_tsv,
    render,
    require_reads_back,
    validated,
    write_or_check,
    zi_question,
)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO / "rules" / "zona-integritas-2022.yaml"
AMENDED_NAME = "zona-integritas-2024.yaml"  # written beside the 2022 rule set

# The six areas of the ZI LKE, in the sheet's order; ids shared with permenpanrb-26-2020.
AREAS: list[tuple[str, str]] = [
    ("mp", "Manajemen Perubahan"),
    ("tl", "Penataan Tatalaksana"),
    ("sdm", "Penataan Sistem Manajemen SDM Aparatur"),
    ("ak", "Penguatan Akuntabilitas"),
    ("pw", "Penguatan Pengawasan"),
    ("pp", "Peningkatan Kualitas Pelayanan Publik"),
]
# Area weights inside Pemenuhan (30) and inside Reform (30) [V-3p].
AREA_WEIGHT = {"mp": "4", "tl": "3.5", "sdm": "5", "ak": "5", "pw": "7.5", "pp": "5"}

# Stable ids of the Pemenuhan sub-components, written out (ids are what answer files use).
PEMENUHAN_ID: dict[tuple[str, str], str] = {
    ("mp", "Penyusunan Tim Kerja"): "tim_kerja",
    ("mp", "Rencana Pembangunan Zona Integritas"): "rencana_pembangunan",
    ("mp", "Pemantauan dan Evaluasi Pembangunan WBK/WBBM"): "monev",
    ("mp", "Perubahan Pola Pikir dan Budaya Kerja"): "pola_pikir",
    ("tl", "Prosedur Operasional Tetap (SOP) Kegiatan Utama"): "sop",
    ("tl", "Sistem Pemerintahan Berbasis Elektronik (SPBE)"): "spbe",
    ("tl", "Keterbukaan Informasi Publik"): "keterbukaan_informasi",
    ("sdm", "Perencanaan Kebutuhan Pegawai sesuai dengan Kebutuhan Organisasi"): (
        "perencanaan_kebutuhan"
    ),
    ("sdm", "Pola Mutasi Internal"): "pola_mutasi",
    ("sdm", "Pengembangan Pegawai Berbasis Kompetensi"): "pengembangan_kompetensi",
    ("sdm", "Penetapan Kinerja Individu"): "kinerja_individu",
    ("sdm", "Penegakan Aturan Disiplin/Kode Etik/Kode Perilaku Pegawai"): "disiplin",
    ("sdm", "Sistem Informasi Kepegawaian"): "simpeg",
    ("ak", "Keterlibatan Pimpinan"): "keterlibatan_pimpinan",
    ("ak", "Pengelolaan Akuntabilitas Kinerja"): "pengelolaan_akuntabilitas",
    ("pw", "Pengendalian Gratifikasi"): "gratifikasi",
    ("pw", "Penerapan Sistem Pengendalian Intern Pemerintah (SPIP)"): "spip",
    ("pw", "Pengaduan Masyarakat"): "pengaduan_masyarakat",
    ("pw", "Whistle-Blowing System"): "wbs",
    ("pw", "Penanganan Benturan Kepentingan"): "benturan_kepentingan",
    ("pp", "Standar Pelayanan"): "standar_pelayanan",
    ("pp", "Budaya Pelayanan Prima"): "budaya_pelayanan_prima",
    ("pp", "Pengelolaan Pengaduan"): "pengelolaan_pengaduan",
    ("pp", "Penilaian Kepuasan terhadap Pelayanan"): "kepuasan_pelayanan",
    ("pp", "Pemanfaatan Teknologi Informasi"): "teknologi_informasi",
}

# Hasil (40): the ZI TSV's bps_id -> (group id, group name, indicator id, indicator name).
HASIL: dict[str, tuple[str, str, str, str]] = {
    "HBA": (
        "hasil.bersih",
        "Birokrasi yang Bersih dan Akuntabel",
        "hasil.bersih.ipak",
        "Indeks Persepsi Anti Korupsi (IPAK)",
    ),
    "HBB": (
        "hasil.bersih",
        "Birokrasi yang Bersih dan Akuntabel",
        "hasil.bersih.capaian_kinerja",
        "Capaian Kinerja Lebih Baik daripada Capaian Kinerja Sebelumnya",
    ),
    "HPA": (
        "hasil.pelayanan",
        "Pelayanan Publik yang Prima",
        "hasil.pelayanan.ipkp",
        "Indeks Persepsi Kualitas Pelayanan (IPKP)",
    ),
}
HASIL_DETAIL = {
    "HBA": "Nilai indeks hasil survei eksternal persepsi anti korupsi, skala 0-4"
    " (poin = nilai / 4 x 17,5).",
    "HPA": "Nilai indeks hasil survei eksternal persepsi kualitas pelayanan, skala 0-4"
    " (poin = nilai / 4 x 17,5).",
}

SRC_TOP = (
    "PermenPANRB 90/2021 Lampiran III (LKE Zona Integritas 2022) as implemented by three"
    " public LKE apps that agree on every weight and answer value: gratifikasi-app (G1-G3),"
    " RB2171 (BPS Kota Batam, R1-R3), EZonaIntegritas (BPS, B1) [V-3p]; the regulation text"
    " itself was not retrieved"
)
SRC_DESCRIPTORS = "answer descriptors: EZonaIntegritas option table (B1), RB2171 seeder (R1)"
SRC_INDEX = (
    "scored index / 4 as in gratifikasi-app (G3); EZonaIntegritas (B1) offers four discrete"
    " options Nilai 4/3/2/1 (1/0.67/0.33/0) instead; the WBK/WBBM minimums (15.75 = 3.6 / 4 x"
    " 17.5, 14.00 = 3.2 / 4 x 17.5) only fit index / 4; the official sheet was not seen"
)
SRC_COUNTS = (
    "percentage from counts as computed by RB2171 (R2), capped at 100%; gratifikasi-app"
    " clamps a typed percentage the same way"
)

PREDICATE_SOURCES = {
    "one_app": "gratifikasi-app (G3 EXPORT_MINIMUMS) only; the regulation text was not retrieved",
    "two_apps": "gratifikasi-app (G3) and EZonaIntegritas (B1 pilar.min_wbk/min_wbbm) agree",
    "area": "gratifikasi-app (G3) applies it to each area's total (Pemenuhan + Reform, out of"
    " 8/7/10/10/15/10); EZonaIntegritas (B1) stores it per area per part (e.g. 4.00 -> 2.40 /"
    " 3.00): the same shares",
    "subtotal": "gratifikasi-app (G3); equals the IPAK plus Capaian Kinerja minimums of"
    " EZonaIntegritas (B1)",
}
SRC_PRIOR_WBK = (
    "PermenPANRB 5/2024 amends 90/2021: a unit can be proposed for WBBM only once it holds\n"
    "WBK, as its answer file records (`held: {predicate: WBK, since: YEAR}`); the thresholds\n"
    "are unchanged [V-3p]. A unit meeting every WBBM threshold without WBK held is WBK."
)
# What the point thresholds mean on the answer scales, written beside each predicate.
MEANING = {
    "WBBM": "IPAK index >= 3.60, IPKP index >= 3.60, Capaian Kinerja B or better",
    "WBK": "IPAK index >= 3.60, IPKP index >= 3.20, Capaian Kinerja C or better",
}

# (id, name, target, kind, WBK, WBBM, source key, status)
CONDITIONS: list[tuple[str, str, str, str, str, str, str, str]] = [
    ("total", "Nilai total", "root", "min_points", "75", "85", "one_app", "inferred"),
    ("pengungkit", "Total pengungkit", "pengungkit", "min_points", "40", "48", "one_app",
     "inferred"),
    ("area", "Area (% bobot)", "each_area", "min_share", "0.60", "0.75",
     "area", "verified"),
    ("bersih_akuntabel", "Birokrasi bersih dan akuntabel (IPAK + Capaian Kinerja)",
     "hasil.bersih", "min_points", "18.25", "19.50", "subtotal", "verified"),
    ("ipak", "Nilai IPAK", "hasil.bersih.ipak", "min_points", "15.75", "15.75", "two_apps",
     "verified"),
    ("capaian_kinerja", "Capaian Kinerja", "hasil.bersih.capaian_kinerja", "min_points", "2.50",
     "3.75", "two_apps", "verified"),
    ("ipkp", "Nilai IPKP", "hasil.pelayanan.ipkp", "min_points", "14.00", "15.75", "two_apps",
     "verified"),
]  # fmt: skip

PREDICATES = [
    ("WBBM", "Wilayah Birokrasi Bersih dan Melayani", 5),
    ("WBK", "Wilayah Bebas dari Korupsi", 4),
]


# Documents the question text of zona-integritas-items.tsv names ("Terdapat dokumen
# rencana kerja ...", "Dokumen perencanaan kinerja sudah ada", "Laporan kinerja telah
# disusun ..."), keyed by the questions' bps_id; a question about a document already named
# ("Dalam dokumen pembangunan ...", a second question on the Laporan kinerja) shares it.
# LHKPN (PRE3A) is the subject of a count, not a document to attach: none.
ZI_DOCUMENTS: list[Expected] = [
    Expected(
        ("PPA2A", "PPA2B"),
        "rencana-kerja-zi",
        "Rencana kerja pembangunan Zona Integritas",
        ("rencana kerja",),
    ),
    Expected(
        ("PPD2A",), "perencanaan-kinerja", "Dokumen perencanaan kinerja", ("perencanaan kinerja",)
    ),
    Expected(("PPD2E", "PPD2F"), "laporan-kinerja", "Laporan kinerja"),
    Expected(("PRA2A",), "dokumen-perencanaan", "Dokumen perencanaan"),
]
SRC_DOCUMENTS = (
    "the document the question text of the LKE Zona Integritas 2022 names"
    " (zona-integritas-items.tsv: RB2171 R1, EZonaIntegritas B1), taken as the answer's data"
    " dukung"
)


def build_part(
    rows: list[dict[str, str]], part: str, descriptors: dict[str, dict[str, Value]]
) -> list[Value]:
    """The six areas of Pemenuhan or Reform with their sub-components and questions."""
    area_children: dict[str, list[Value]] = {a: [] for a, _ in AREAS}
    indicators: dict[str, Mapping] = {}
    qids: dict[str, str] = {}  # bps_id -> question id
    texts: dict[str, str] = {}  # question id -> its text (naming documents)
    for row in rows:
        if row["part"] != part:
            continue
        area = ZI_AREA[row["area"]]
        if Decimal(row["area_weight"]) != Decimal(AREA_WEIGHT[area]):
            raise ValueError(f"{area}: area weight {row['area_weight']} in the TSV")
        if part == "pemenuhan":
            ind_id = f"{area}.{PEMENUHAN_ID[(area, row['sub_component'])]}"
        else:
            ind_id = f"reform.{area}.{ZI_INDICATOR_ID[row['sub_component']]}"
        indicator(
            indicators,
            area_children,
            area,
            ind_id,
            row["sub_component"],
            row["sub_component_weight"],
        )
        qid = f"{ind_id}.{row['item_code']}"
        question = zi_question(row, qid, descriptors)
        cast(list[Value], indicators[ind_id]["questions"]).append(question)
        qids[row["bps_id"]], texts[qid] = qid, row["question"]
    documents = [
        Expected(tuple(qids[b] for b in doc.questions), doc.id, doc.name, doc.match)
        for doc in ZI_DOCUMENTS
        if all(b in qids for b in doc.questions)
    ]
    add_documents(indicators, documents, texts, provenance("inferred", SRC_DOCUMENTS))
    prefix = "" if part == "pemenuhan" else "reform."
    return [
        area_node(f"{prefix}{area}", area, name, AREA_WEIGHT[area], area_children[area])
        for area, name in AREAS
    ]


def build_hasil(rows: list[dict[str, str]], descriptors: dict[str, dict[str, Value]]) -> Mapping:
    """Hasil (40): Birokrasi yang Bersih dan Akuntabel 22.5, Pelayanan Publik yang Prima 17.5."""
    groups: dict[str, Mapping] = {}
    for row in rows:
        if row["part"] != "hasil":
            continue
        group_id, group_name, ind_id, ind_name = HASIL[row["bps_id"]]
        if group_id not in groups:
            groups[group_id] = {
                "id": group_id,
                "name": group_name,
                "weight": Decimal(row["area_weight"]),
                "children": [],
            }
        node: Mapping = {
            "id": ind_id,
            "name": ind_name,
            "weight": Decimal(row["sub_component_weight"]),
        }
        if row["answer_scale"] == "nilai_0_4":
            node["provenance"] = provenance("inferred", SRC_INDEX)
        node["questions"] = [
            zi_question(row, f"{ind_id}.nilai", descriptors, HASIL_DETAIL.get(row["bps_id"], ""))
        ]
        cast(list[Value], groups[group_id]["children"]).append(node)
    return {
        "id": "hasil",
        "name": "Komponen Hasil",
        "weight": 40,
        "children": list(groups.values()),
    }


def build_predicates(amended: bool = False) -> list[Value]:
    """WBBM then WBK: every condition must hold (thresholds inclusive)."""
    out: list[Value] = []
    for pid, name, column in PREDICATES:
        conditions: list[Value] = []
        for cid, cname, target, kind, wbk, wbbm, source, status in CONDITIONS:
            cond: Mapping = {"id": cid, "name": cname}
            if target == "each_area":
                cond["each_area"] = True
            else:
                cond["node"] = target
            cond[kind] = Decimal(wbbm if column == 5 else wbk)
            cond["provenance"] = provenance(status, PREDICATE_SOURCES[source])
            conditions.append(cond)
        pred: Mapping = {
            "id": pid,
            "name": name,
            "#meaning": Comment(f"On the answer scales: {MEANING[pid]}."),
            "conditions": conditions,
        }
        if amended and pid == "WBBM":
            pred["#requires_held"] = Comment(SRC_PRIOR_WBK)
            pred["requires_held"] = "WBK"
        out.append(pred)
    return out


def build_scales() -> Mapping:
    """Ya/Tidak, A-C, A-D, A-E (values identical in two apps), persen, nilai_0_4."""
    scales: Mapping = {}
    for key, (name, options) in CHOICE_SCALES.items():
        if key != "opini_bpk":
            scales[key] = {"kind": "choice", "name": name, "options": Flow(options)}
    scales["persen"] = {
        "kind": "number",
        "name": "Persentase 0-100",
        "min": 0,
        "max": 100,
        "unit": "%",
    }
    scales["nilai_0_4"] = {"kind": "number", "name": "Indeks 0-4", "min": 0, "max": 4, "unit": ""}
    return scales


HEADER = """\
Zona Integritas menuju WBK/WBBM, LKE 2022 (PermenPANRB 90/2021, Lampiran III).{amended}

GENERATED by tools/build_rules_zi_2022.py from the shared domain table
zona-integritas-items.tsv and tools/data/zona-integritas-descriptors.tsv:
edit the script or the data, not this file.

Provenance (`provenance` on a node holds for its subtree):
  verified     [V-3p] every weight (Pengungkit 60 = Pemenuhan 30 + Reform 30, six areas
               4 / 3.5 / 5 / 5 / 7.5 / 5 in each; Hasil 40 = IPAK 17.5 + Capaian Kinerja 5 +
               IPKP 17.5), the 113 questions, their answer scales and values, the answer
               descriptors, and the WBK/WBBM minimums that two apps state.
  inferred     scoring IPAK and IPKP as index / 4 (one app; another uses four options);
               the total and Pengungkit minimums (stated by one app only); the expected
               documents (`documents`, data dukung): those the question texts name.
No bands: the result is a predicate. A unit is WBBM when every WBBM condition holds{held}
values: points rounded to 2 decimals, shares to a percentage with 2 decimals.
Weights are decimal literals exactly as printed in the sources."""


def header(amended: bool) -> str:
    """The header comment of the 2022 rule set or of the amended one."""
    if not amended:
        return HEADER.format(
            amended="",
            held=", else\nWBK when every WBK condition holds, else neither. Conditions are decided"
            " on the published",
        )
    return HEADER.format(
        amended="\nAs amended by PermenPANRB 5/2024: WBBM only after WBK; the LKE, its weights and"
        "\nits thresholds are unchanged (`pmprb rules diff zona-integritas-2022"
        " zona-integritas-2024`).",
        held=" and the\nunit already holds WBK (`held` in its answer file), else WBK when every"
        " WBK\ncondition holds, else neither. Conditions are decided on the published",
    )


def build_rules(
    rows: list[dict[str, str]], descriptors: dict[str, dict[str, Value]], amended: bool = False
) -> Mapping:
    """The whole rule set as an ordered mapping; `amended`: as amended by 5/2024."""
    if amended:
        head: Mapping = {
            "id": "zona-integritas-2024",
            "title": "Zona Integritas menuju WBK/WBBM (LKE 2022, diubah PermenPANRB 5/2024)",
            "basis": "Peraturan Menteri PANRB Nomor 90 Tahun 2021 sebagaimana telah diubah"
            " dengan Peraturan Menteri PANRB Nomor 5 Tahun 2024",
            "version": "2024.1",
            "#years": Comment(
                "From 2024 (PermenPANRB 5/2024); zona-integritas-2022 stays for earlier results."
            ),
            "years": Flow([2024, 2026]),
        }
    else:
        head = {
            "id": "zona-integritas-2022",
            "title": "Zona Integritas menuju WBK/WBBM (LKE 2022)",
            "basis": "Peraturan Menteri PANRB Nomor 90 Tahun 2021",
            "version": "2022.1",
            "#years": Comment("In use from 2022; RB2171 still applies it in 2025."),
            "years": Flow([2022, 2025]),
        }
    return {
        **head,
        "total": 100,
        "precision": 2,
        "provenance": provenance("verified", SRC_TOP + "; " + SRC_DESCRIPTORS),
        "scales": build_scales(),
        "areas": [{"id": area_id, "name": name} for area_id, name in AREAS],
        "#predicates": Comment(
            "Highest first. Thresholds are inclusive (>=) and data: an overlay can change them."
        ),
        "predicates": build_predicates(amended),
        "tree": [
            {
                "id": "pengungkit",
                "name": "Komponen Pengungkit",
                "weight": 60,
                "children": [
                    {
                        "id": "pemenuhan",
                        "name": "Pemenuhan",
                        "weight": 30,
                        "children": build_part(rows, "pemenuhan", descriptors),
                    },
                    {
                        "id": "reform",
                        "name": "Reform",
                        "weight": 30,
                        "children": [
                            Comment(
                                "Percentage questions take the counts too (" + SRC_COUNTS + ")."
                            ),
                            *build_part(rows, "reform", descriptors),
                        ],
                    },
                ],
            },
            build_hasil(rows, descriptors),
        ],
    }


def check(text: str, rules: Mapping, rows: list[dict[str, str]]) -> None:
    """Re-read the YAML, validate it with pmprb, and check the sources' invariants."""
    require_reads_back(text, rules)
    loaded = validated(text, DEFAULT_OUTPUT.name)
    m = loaded.maxima
    if len(loaded.questions) != 113 or len(rows) != 113:
        raise AssertionError(f"{len(loaded.questions)} questions, not 113")
    wanted = {
        node_id: Fraction(total)
        for node_id, total in [
            ("pengungkit", "60"), ("pemenuhan", "30"), ("reform", "30"), ("hasil", "40"),
            ("hasil.bersih", "22.5"), ("hasil.pelayanan", "17.5"),
            ("hasil.bersih.ipak", "17.5"), ("hasil.bersih.capaian_kinerja", "5"),
        ]
    }  # fmt: skip
    for node_id, total in wanted.items():
        if m[node_id] != total:
            raise AssertionError(f"{node_id}: maximum {m[node_id]}, not {total}")
    for area, weight in AREA_WEIGHT.items():
        if m[area] != Fraction(weight) or m[f"reform.{area}"] != Fraction(weight):
            raise AssertionError(f"{area}: area maxima differ from {weight}")
        # sub-component weights are exact in the sources: they add up to the area weight
        for part in (area, f"reform.{area}"):
            children = loaded.nodes[part].children or ()
            if sum(Fraction(c.weight) for c in children) != Fraction(weight):
                raise AssertionError(f"{part}: sub-component weights do not sum to {weight}")
    # item_weight in the TSV = sub-component weight / number of items (rounded to 4 places)
    per_sub = Counter((r["part"], r["area"], r["sub_component"]) for r in rows)
    for r in rows:
        n = per_sub[(r["part"], r["area"], r["sub_component"])]
        share = Decimal(r["sub_component_weight"]) / n
        if abs(share - Decimal(r["item_weight"])) > Decimal("0.0001"):
            raise AssertionError(f"{r['bps_id']}: item weight {r['item_weight']} != {share}")
    # the thresholds on index-scored nodes are the index values the sources quote
    for index, points in (("3.6", "15.75"), ("3.2", "14.00")):
        if Fraction(index) / 4 * Fraction("17.5") != Fraction(points):
            raise AssertionError(f"index {index} is not {points} points")


def main(argv: list[str] | None = None) -> int:
    """Build (or with --check, verify) the rule set file."""
    args = generator_args(__doc__, DEFAULT_DOMAIN, DEFAULT_OUTPUT, argv)

    rows = read_tsv(args.domain / ZI_TSV)
    status = 0
    # the 2022 rule set, and beside it the same LKE as amended by PermenPANRB 5/2024
    for amended, output in ((False, args.output), (True, args.output.parent / AMENDED_NAME)):
        rules = build_rules(rows, read_descriptors(), amended)
        text = render(rules, header(amended))
        check(text, rules, rows)
        status |= write_or_check(output, text, args.check, "tools/build_rules_zi_2022.py")
    return status


if __name__ == "__main__":
    sys.exit(main())
