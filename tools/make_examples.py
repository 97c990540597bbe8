"""Generate the fictional Kota Sukamaju 2021 answer files from the bundled rule set.

Usage: python tools/make_examples.py [--rules FILE] [--out DIR] [--check]

Kota Sukamaju does not exist. The six OPD files are generated, not hand-written, so they
follow every change to rules/permenpanrb-26-2020.yaml; the output is deterministic (fixed
seeds), so re-running the script changes nothing unless the rule set changed. --check fails
when a file is out of date or when the output folder holds a *.yaml file it does not write.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TypeAlias, cast

import yaml

if __package__ in (None, ""):  # run as a script: make `tools` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.build_rules_26_2020 import DecimalLoader, scalar

REPO = Path(__file__).resolve().parents[1]
DEFAULT_RULES = REPO / "rules" / "permenpanrb-26-2020.yaml"
DEFAULT_OUT = REPO / "assessments" / "kota-sukamaju-2021"
SEED = 2021
YEAR = 2021
INSTANSI = "Pemerintah Kota Sukamaju (fiktif)"
SITE = "https://sukamaju.example"

Number: TypeAlias = int | Decimal
Answer: TypeAlias = str | Number


# ------------------------------------------------------------------------ rule set

PART_TITLES = {
    "pemenuhan": "Pemenuhan",
    "hasil_antara": "Hasil Antara",
    "reform": "Reform",
    "hasil": "Komponen Hasil",
}


@dataclass(frozen=True)
class Question:
    """What the generator needs to know about one question."""

    id: str
    part: str  # pemenuhan, hasil_antara, reform, hasil
    area: str | None
    section: str  # part and area name, for the comment lines of the output
    kind: str  # choice | number
    labels: dict[str, float]  # choice: label -> value
    low: Decimal
    high: Decimal
    counts: tuple[str, str, str] | None  # formula, first input, second input


def load_questions(path: Path) -> list[Question]:
    """The rule set's questions in tree order."""
    data = cast(dict[str, object], yaml.safe_load(path.read_text(encoding="utf-8")))
    scales = cast(dict[str, dict[str, object]], data["scales"])
    out: list[Question] = []

    def visit(node: dict[str, object], part: str, area: str | None, section: str) -> None:
        if "area" in node:
            area = cast(str, node["area"])
            section = f"{PART_TITLES[part]}: {node['name']}"
        for child in cast(list[dict[str, object]], node.get("children", [])):
            visit(child, part, area, section)
        for q in cast(list[dict[str, object]], node.get("questions", [])):
            scale = scales[cast(str, q["scale"])]
            counts = cast(dict[str, object] | None, q.get("counts"))
            spec = None
            if counts is not None:
                first, second = cast(dict[str, str], counts["inputs"])
                spec = (cast(str, counts["formula"]), first, second)
            out.append(
                Question(
                    id=cast(str, q["id"]),
                    part=part,
                    area=area,
                    section=section,
                    kind=cast(str, scale["kind"]),
                    labels=cast(dict[str, float], scale.get("options", {})),
                    low=Decimal(str(scale.get("min", 0))),
                    high=Decimal(str(scale.get("max", 1))),
                    counts=spec,
                )
            )

    def parts(nodes: list[dict[str, object]]) -> Iterator[dict[str, object]]:
        # The four scored parts sit under pengungkit (pemenuhan, hasil_antara, reform) or
        # at the top (hasil); the generator keys its behaviour on them.
        for node in nodes:
            if node["id"] == "pengungkit":
                yield from cast(list[dict[str, object]], node["children"])
            else:
                yield node

    for top in parts(cast(list[dict[str, object]], data["tree"])):
        part = cast(str, top["id"])
        visit(top, part, None, PART_TITLES[part])
    return out


# --------------------------------------------------------------------------- units


@dataclass(frozen=True)
class Unit:
    """One fictional OPD and how well it is doing."""

    slug: str
    name: str
    code: str
    abbr: str
    head: str  # who signs its decrees
    quality: float  # mean answer value aimed at, 0..1
    profile: str
    bias: dict[str, float] = field(default_factory=dict)  # per-area shifts
    unanswered: int = 0


# Kota Sukamaju, like Batam in 2020 (the seed), is weakest in Deregulasi and Organisasi.
CITY_BIAS = {"dk": -0.15, "org": -0.12}

UNITS = [
    Unit(
        "diskominfo", "Dinas Komunikasi dan Informatika", "2.16.01", "Diskominfo",
        "Kepala Dinas Komunikasi dan Informatika", 0.72,
        "strong unit (aims at BB)", {"tl": 0.05},
    ),
    Unit(
        "dinkes", "Dinas Kesehatan", "1.02.01", "Dinkes", "Kepala Dinas Kesehatan", 0.45,
        "middle unit that left questions unanswered", {"pp": 0.05}, unanswered=7,
    ),
    Unit(
        "bappeda", "Badan Perencanaan Pembangunan Daerah", "5.01.01", "Bappeda",
        "Kepala Bappeda", 0.58, "middle unit, good at akuntabilitas", {"ak": 0.1},
    ),
    Unit(
        "dpmptsp", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "2.18.01",
        "DPMPTSP", "Kepala DPMPTSP", 0.54, "middle unit, good at pelayanan publik", {"pp": 0.12},
    ),
    Unit(
        "kecamatan-sukamaju-utara", "Kecamatan Sukamaju Utara", "7.01.03",
        "Kecamatan Sukamaju Utara", "Camat Sukamaju Utara", 0.25, "weak unit (aims at C)",
    ),
    Unit(
        "inspektorat", "Inspektorat", "6.01.01", "Inspektorat", "Inspektur", 0.56,
        "good unit, strong in pengawasan", {"pw": 0.1},
    ),
]  # fmt: skip


# ------------------------------------------------------------------------ evidence

BULAN = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip

# Data dukung templates: (document name, file name for a link or ""), keyed by a question
# id prefix (the longest matching prefix wins). Placeholders: {head} {abbr} {unit} {no}
# {no2} {year} {prev} {next} {date} {tw}.
Doc: TypeAlias = tuple[str, str]
_DK: list[Doc] = [
    ("Daftar Inventarisasi Regulasi {abbr} Tahun {year}", "inventarisasi-regulasi"),
    ("Laporan Analisis dan Pemetaan Regulasi {abbr} Tahun {year}", ""),
    ("Notulen Rapat Harmonisasi Rancangan Peraturan Wali Kota tanggal {date}", ""),
    ("Surat Usulan Revisi Peraturan Wali Kota No. 180/{no}/{year}", ""),
]
_ORG: list[Doc] = [
    ("Laporan Evaluasi Kelembagaan {abbr} Tahun {year}", "evaluasi-kelembagaan"),
    ("Surat Usulan Penyederhanaan Struktur Organisasi No. 061/{no}/{year}", ""),
    ("Berita Acara Pelantikan Penyetaraan Jabatan Fungsional tanggal {date}", ""),
    (
        "Peraturan Wali Kota Sukamaju No. {no2} Tahun {year} tentang Susunan Organisasi"
        " dan Tata Kerja {unit}",
        "perwako-sotk",
    ),
]
DOCS: dict[str, list[Doc]] = {
    "mp.tim_rb": [
        ("SK {head} No. 060/{no}/{year} tentang Tim Reformasi Birokrasi {abbr}", "sk-tim-rb"),
        ("Rencana Kerja Tim Reformasi Birokrasi {abbr} Tahun {year}", "rencana-kerja-tim-rb"),
        ("Laporan Monitoring dan Evaluasi Rencana Kerja RB Semester I Tahun {year}", ""),
    ],
    "mp.road_map": [
        ("Road Map Reformasi Birokrasi Kota Sukamaju 2020-2024", "road-map-rb-2020-2024"),
        ("Daftar Hadir dan Dokumentasi Sosialisasi Road Map RB tanggal {date}", ""),
    ],
    "mp.monev": [
        ("SK {head} No. 060/{no}/{year} tentang Tim Asesor PMPRB {abbr}", ""),
        ("Notulen Rapat Koordinasi PMPRB tanggal {date}", ""),
        ("Rencana Aksi Tindak Lanjut PMPRB {abbr} Tahun {year}", "ratl-pmprb"),
    ],
    "mp.budaya_kinerja": [
        ("SK {head} No. 060/{no}/{year} tentang Agen Perubahan {abbr}", "sk-agen-perubahan"),
        ("Tangkapan layar kanal media sosial dan laman RB {abbr}", ""),
    ],
    "dk": _DK,
    "org": _ORG,
    "tl.proses_bisnis_sop": [
        ("Peta Proses Bisnis {abbr} Tahun {year}", "peta-proses-bisnis"),
        ("SK {head} No. 065/{no}/{year} tentang Standar Operasional Prosedur", "sk-sop"),
        ("Laporan Evaluasi SOP {abbr} Tahun {year}", ""),
    ],
    "tl.e_government": [
        ("Rencana Induk SPBE Kota Sukamaju 2021-2025", ""),
        ("Tangkapan layar aplikasi e-Office Kota Sukamaju", ""),
    ],
    "tl.keterbukaan_informasi": [
        ("Daftar Informasi Publik {abbr} Tahun {year}", "daftar-informasi-publik"),
        ("SK {head} No. 065/{no}/{year} tentang PPID Pelaksana {abbr}", ""),
        ("Laporan Layanan Informasi Publik {abbr} Tahun {prev}", ""),
    ],
    "sdm.perencanaan_kebutuhan": [
        ("Dokumen Analisis Jabatan dan Analisis Beban Kerja {abbr} Tahun {year}", "anjab-abk"),
        ("Rencana Kebutuhan Pegawai {abbr} 2021-2025", ""),
    ],
    "sdm.penerimaan_pegawai": [
        ("Pengumuman Seleksi CASN Pemerintah Kota Sukamaju Tahun {year}", ""),
    ],
    "sdm.pengembangan_kompetensi": [
        ("Rencana Pengembangan Kompetensi Pegawai {abbr} Tahun {year}", ""),
        ("Rekapitulasi Pelatihan dan Pengembangan Kompetensi Pegawai {abbr} Tahun {year}", ""),
    ],
    "sdm.promosi_terbuka": [
        ("Pengumuman Seleksi Terbuka JPT Pratama Kota Sukamaju Tahun {year}", ""),
        ("SK Wali Kota Sukamaju No. 800/{no}/{year} tentang Panitia Seleksi JPT Pratama", ""),
    ],
    "sdm.kinerja_individu": [
        ("Rekapitulasi Sasaran Kinerja Pegawai {abbr} Tahun {year}", ""),
        ("Laporan Penilaian Kinerja Pegawai Triwulan {tw} Tahun {year}", ""),
    ],
    "sdm.disiplin": [
        ("Laporan Penegakan Disiplin Pegawai {abbr} Tahun {year}", ""),
        ("Rekapitulasi Kehadiran Elektronik Pegawai {abbr} Tahun {year}", ""),
    ],
    "sdm.evaluasi_jabatan": [
        ("Peta Jabatan {abbr} Tahun {year}", ""),
        ("Informasi Faktor Jabatan {abbr} Tahun {year}", ""),
    ],
    "sdm.simpeg": [
        ("Tangkapan layar SIMPEG Kota Sukamaju", ""),
        ("Laporan Pemutakhiran Data Pegawai {abbr} Tahun {year}", ""),
    ],
    "ak": [
        ("Perjanjian Kinerja {abbr} Tahun {year}", "perjanjian-kinerja"),
        ("Laporan Kinerja Instansi Pemerintah {abbr} Tahun {prev}", "lkjip"),
        ("Rencana Strategis {abbr} 2021-2026", "renstra-2021-2026"),
        ("Pohon Kinerja dan Cascading Indikator Kinerja {abbr} Tahun {year}", ""),
        ("Notulen Rapat Evaluasi Capaian Kinerja Triwulan {tw} Tahun {year}", ""),
    ],
    "pw.gratifikasi": [
        ("SK {head} No. 700/{no}/{year} tentang Unit Pengendalian Gratifikasi", ""),
        ("Laporan Pengendalian Gratifikasi {abbr} Semester I Tahun {year}", ""),
    ],
    "pw.spip": [
        ("Laporan Penyelenggaraan SPIP {abbr} Tahun {year}", "laporan-spip"),
        ("Daftar Risiko dan Rencana Tindak Pengendalian {abbr} Tahun {year}", ""),
    ],
    "pw.pengaduan_masyarakat": [
        ("Register Penanganan Pengaduan Masyarakat {abbr} Tahun {year}", ""),
    ],
    "pw.wbs": [
        ("SK {head} No. 700/{no}/{year} tentang Whistle Blowing System", ""),
        ("Tangkapan layar aplikasi WBS Kota Sukamaju", ""),
    ],
    "pw.benturan_kepentingan": [
        ("Surat Pernyataan Tidak Memiliki Benturan Kepentingan pegawai {abbr} Tahun {year}", ""),
    ],
    "pw.zona_integritas": [
        ("Piagam Pencanangan Zona Integritas {abbr} tanggal {date}", "pencanangan-zi"),
        ("SK {head} No. 700/{no}/{year} tentang Tim Pembangunan Zona Integritas", ""),
    ],
    "pw.apip": [
        ("Laporan Hasil Reviu Inspektorat No. 700/{no}/LHR/{year}", ""),
        ("Laporan Pemantauan Tindak Lanjut Rekomendasi APIP Tahun {year}", ""),
    ],
    "pp.standar_pelayanan": [
        ("Standar Pelayanan {abbr} Tahun {year}", "standar-pelayanan"),
        ("Maklumat Pelayanan {abbr}", "maklumat-pelayanan"),
    ],
    "pp.budaya_pelayanan_prima": [
        ("Sertifikat Pelatihan Pelayanan Prima petugas {abbr} Tahun {year}", ""),
        ("SK {head} No. 500/{no}/{year} tentang Inovasi Pelayanan Publik", ""),
    ],
    "pp.pengelolaan_pengaduan": [
        ("Rekapitulasi Pengaduan SP4N-LAPOR! {abbr} Tahun {year}", ""),
        ("SK {head} No. 500/{no}/{year} tentang Pengelola Pengaduan Pelayanan", ""),
    ],
    "pp.kepuasan_pelayanan": [
        ("Laporan Survei Kepuasan Masyarakat Semester I Tahun {year}", "laporan-skm"),
    ],
    "pp.teknologi_informasi": [
        ("Tangkapan layar aplikasi layanan daring {abbr}", ""),
    ],
    "reform.mp": [
        ("SK {head} No. 060/{no}/{year} tentang Agen Perubahan {abbr}", "sk-agen-perubahan"),
        ("Laporan Aksi Perubahan Agen Perubahan {abbr} Tahun {year}", ""),
        ("Rencana Strategis {abbr} 2021-2026", "renstra-2021-2026"),
    ],
    "reform.dk": _DK,
    "reform.org": _ORG,
    "reform.tl.peta_proses_bisnis": [
        ("Peta Proses Bisnis {abbr} Tahun {year}", "peta-proses-bisnis"),
    ],
    "reform.tl": [
        ("Tangkapan layar aplikasi layanan daring {abbr}", ""),
        ("Laporan Pemanfaatan Aplikasi {abbr} Tahun {year}", ""),
    ],
    "reform.sdm.kinerja_individu": [
        ("Rekapitulasi Sasaran Kinerja Pegawai {abbr} Tahun {year}", ""),
    ],
    "reform.sdm.asesmen_pegawai": [
        ("Laporan Hasil Asesmen Kompetensi Pegawai Tahun {year}", ""),
        ("SK Wali Kota Sukamaju No. 800/{no}/{year} tentang Mutasi Pegawai", ""),
    ],
    "reform.sdm.pelanggaran_disiplin": [
        ("Laporan Penegakan Disiplin Pegawai {abbr} Tahun {year}", ""),
    ],
    "reform.ak": [
        ("Laporan Capaian Kinerja {abbr} Triwulan {tw} Tahun {year}", ""),
        ("Pohon Kinerja dan Cascading Indikator Kinerja {abbr} Tahun {year}", ""),
    ],
    "reform.pw.mekanisme_pengendalian": [
        ("Daftar Risiko dan Rencana Tindak Pengendalian {abbr} Tahun {year}", ""),
        ("Laporan Pemantauan Pengendalian Intern {abbr} Triwulan {tw} Tahun {year}", ""),
    ],
    "reform.pw.penanganan_pengaduan": [
        ("Register Penanganan Pengaduan Masyarakat {abbr} Tahun {year}", ""),
    ],
    "reform.pw.laporan_harta_kekayaan": [
        ("Tanda Terima Penyampaian LHKPN dan LHKASN Tahun {prev}", ""),
    ],
    "reform.pp.inovasi_pelayanan": [
        ("SK {head} No. 500/{no}/{year} tentang Inovasi Pelayanan Publik", ""),
    ],
    "reform.pp.pengaduan_pelayanan": [
        ("Rekapitulasi Pengaduan SP4N-LAPOR! {abbr} Tahun {year}", ""),
    ],
    # Hasil Antara and Hasil values come from outside assessments: their reports.
    "ha.dk": [("Surat LAN tentang Hasil Penilaian Indeks Kualitas Kebijakan Tahun {prev}", "")],
    "ha.org": [("Laporan Hasil Evaluasi Kelembagaan Pemerintah Kota Sukamaju Tahun {prev}", "")],
    "ha.tl": [
        ("Laporan Hasil Evaluasi SPBE Pemerintah Kota Sukamaju Tahun {prev}", "evaluasi-spbe")
    ],
    "ha.sdm.ip_asn": [
        ("Hasil Pengukuran Indeks Profesionalitas ASN Kota Sukamaju Tahun {prev}", "")
    ],
    "ha.sdm.sistem_merit": [("Laporan Penilaian Sistem Merit KASN Tahun {prev}", "")],
    "ha.ak": [("LHE SAKIP Pemerintah Kota Sukamaju Tahun {prev}", "lhe-sakip")],
    "ha.pw.maturitas_spip": [("Laporan Penilaian Maturitas SPIP oleh BPKP Tahun {prev}", "")],
    "ha.pw.kapabilitas_apip": [("Laporan Penilaian Kapabilitas APIP Tahun {prev}", "")],
    "ha.pp": [
        ("Laporan Penilaian Kepatuhan Standar Pelayanan Publik Ombudsman RI Tahun {prev}", "")
    ],
    "hasil.akuntabilitas.nilai_sakip": [
        ("LHE SAKIP Pemerintah Kota Sukamaju Tahun {prev}", "lhe-sakip")
    ],
    "hasil.akuntabilitas.opini_bpk": [("LHP BPK RI atas LKPD Kota Sukamaju Tahun {prev}", "")],
    "hasil.pelayanan": [("Laporan Survei Kepuasan Masyarakat {abbr} Tahun {year}", "laporan-skm")],
    "hasil.bersih": [("Laporan Survei Persepsi Anti Korupsi Kota Sukamaju Tahun {year}", "")],
    "hasil.kinerja": [("Laporan Capaian Kinerja {abbr} Tahun {year}", "capaian-kinerja")],
}


def docs_for(question_id: str) -> list[Doc]:
    """The templates of the longest id prefix that matches a question."""
    parts = question_id.split(".")
    for end in range(len(parts), 0, -1):
        found = DOCS.get(".".join(parts[:end]))
        if found:
            return found
    raise KeyError(f"no data dukung templates for {question_id}")


NOTES_GOOD = [
    "Telah dilaksanakan sesuai rencana kerja {year}.",
    "Dokumen lengkap; diunggah ke aplikasi PMPRB.",
    "Dievaluasi setiap triwulan oleh Subbagian Perencanaan.",
    "Dilaksanakan bersama seluruh bidang dan UPT.",
]
NOTES_PARTIAL = [
    "Sebagian kegiatan tertunda karena refocusing anggaran penanganan COVID-19.",
    "Dokumen masih dalam proses penandatanganan.",
    "Baru dilaksanakan di sekretariat; bidang lain menyusul tahun {next}.",
]
NOTES_NONE = [
    "Belum dilaksanakan; dijadwalkan tahun {next}.",
    "Belum ada petugas yang ditunjuk; direncanakan tahun {next}.",
]

# Plausible ranges of the external index values: (low, high, decimals).
NUMBER_RANGES: dict[str, tuple[str, str, int]] = {
    "ha.dk.kualitas_kebijakan.nilai": ("55", "85", 2),
    "ha.org.evaluasi_kelembagaan.nilai": ("50", "85", 2),
    "ha.tl.indeks_spbe.nilai": ("2.0", "3.5", 2),
    "ha.sdm.ip_asn.nilai": ("70", "90", 0),
    "ha.sdm.sistem_merit.nilai": ("45", "80", 2),
    "ha.ak.nilai_sakip.nilai": ("50", "80", 2),
    "ha.pw.maturitas_spip.nilai": ("2.0", "3.5", 2),
    "ha.pw.kapabilitas_apip.nilai": ("1", "3", 0),
    "ha.pp.kepatuhan_standar_pelayanan.nilai": ("55", "95", 2),
    "hasil.pelayanan.kepuasan_masyarakat.nilai": ("72", "90", 2),
    "hasil.bersih.persepsi_anti_korupsi.nilai": ("65", "90", 2),
}
# The same SAKIP evaluation feeds Hasil Antara and Hasil: one value per unit.
SAME_AS = {"hasil.akuntabilitas.nilai_sakip.nilai": "ha.ak.nilai_sakip.nilai"}

# The BPK audits the city's financial statements (LKPD), not each OPD: one opinion for all.
FIXED_ANSWERS: dict[str, Answer] = {"hasil.akuntabilitas.opini_bpk.nilai": "WTP"}

# Values measured once for the whole Pemda, written once in the shared-values file
# (bersama.yaml, applied through each OPD file's `common:`): the BPK opinion on the LKPD and
# the capability of the city's one APIP (its Inspektorat). Every unit still draws its own
# answer (the random stream, hence every other answer, stays as it was) and the draw must
# equal the shared value; the other Hasil Antara values are the unit's own in this city.
SHARED_FILE = "bersama.yaml"
SHARED: dict[str, tuple[Answer, str]] = {
    "ha.pw.kapabilitas_apip.nilai": (2, "Laporan Penilaian Kapabilitas APIP Tahun {prev}"),
    "hasil.akuntabilitas.opini_bpk.nilai": (
        "WTP",
        "LHP BPK RI atas LKPD Kota Sukamaju Tahun {prev}",
    ),
}

# Typical denominators of the count-based questions (the second input, or the first for
# a reduction).
COUNT_RANGES: dict[str, tuple[int, int]] = {
    "reform.mp.komitmen_perubahan.a": (3, 12),
    "reform.mp.komitmen_perubahan.b": (3, 15),
    "reform.sdm.pelanggaran_disiplin.a": (2, 12),
    "reform.ak.capaian_kinerja.a": (4, 12),
    "reform.pw.penanganan_pengaduan.a": (0, 40),
    "reform.pw.laporan_harta_kekayaan.a": (2, 8),
    "reform.pw.laporan_harta_kekayaan.b": (20, 120),
    "reform.pp.inovasi_pelayanan.b": (5, 40),
    "hasil.kinerja.capaian_kinerja.nilai": (8, 25),
}


# ----------------------------------------------------------------------- answering


@dataclass
class Entry:
    """One generated answer."""

    answer: Answer | None = None
    counts: tuple[tuple[str, int], tuple[str, int]] | None = None
    evidence: list[str] = field(default_factory=list)
    note: str = ""
    review: dict[str, object] | None = None  # the reviewer's block (issue 12)

    def is_short(self) -> bool:
        """Whether the entry is a bare answer (short form)."""
        return self.counts is None and not self.evidence and not self.note and not self.review


# Review values of the Inspektorat on part of one unit's answers (issue 12): written by
# hand, added after the answers are generated (the generator's random draws are untouched).
REVIEWS: dict[str, dict[str, dict[str, object]]] = {
    "dinkes": {
        "mp.budaya_kinerja.a": {
            "answer": "C",
            "note": "Budaya kerja baru berjalan di dua dari lima bidang.",
            "recommendation": "Lampirkan laporan kegiatan budaya kerja setiap bidang.",
            "by": "Inspektorat Kota Sukamaju (fiktif)",
        },
        "org.evaluasi.a": {
            "note": "Sesuai; hasil evaluasi kelembagaan 2021 sudah dilampirkan.",
            "by": "Inspektorat Kota Sukamaju (fiktif)",
        },
        "tl.proses_bisnis_sop.c": {
            "answer": "C",
            "note": "SOP belum dievaluasi setelah perubahan struktur organisasi.",
            "recommendation": "Evaluasi SOP seluruh bidang dan tetapkan perubahannya.",
            "by": "Inspektorat Kota Sukamaju (fiktif)",
        },
        "sdm.pengembangan_kompetensi.a": {
            "answer": "Tidak",
            "note": "Analisis kebutuhan diklat belum ditetapkan kepala dinas.",
            "recommendation": "Tetapkan analisis kebutuhan pengembangan kompetensi.",
            "by": "Inspektorat Kota Sukamaju (fiktif)",
        },
        "sdm.kinerja_individu.b": {
            "answer": "C",
            "note": "Sasaran kinerja pegawai belum berjenjang sampai pelaksana.",
            "recommendation": "Susun cascading kinerja sampai tingkat pelaksana.",
            "by": "Inspektorat Kota Sukamaju (fiktif)",
            "appeal": {
                "status": "submitted",
                "reason": "SKP pelaksana sudah disusun, dilampirkan dalam sanggahan.",
            },
        },
        "pw.spip.b": {
            "answer": "C",
            "note": "Peta risiko belum mencakup risiko layanan puskesmas.",
            "recommendation": "Lengkapi register risiko unit layanan.",
            "by": "Inspektorat Kota Sukamaju (fiktif)",
        },
        "pp.kepuasan_pelayanan.c": {
            "answer": "B",
            "note": "Survei kepuasan 2021 sudah ditindaklanjuti di tiga puskesmas.",
            "by": "Inspektorat Kota Sukamaju (fiktif)",
            "appeal": {"status": "accepted", "reason": "Laporan tindak lanjut survei."},
            "response": "Diterima: nilai reviu dinaikkan menjadi B.",
        },
        "reform.sdm.kinerja_individu.a": {
            "answer": "C",
            "note": "Pengukuran kinerja individu belum dikaitkan dengan tunjangan.",
            "recommendation": "Kaitkan hasil penilaian kinerja dengan pemberian tunjangan.",
            "by": "Inspektorat Kota Sukamaju (fiktif)",
        },
    }
}


def _clamp(x: float, low: float = 0.0, high: float = 1.0) -> float:
    return min(high, max(low, x))


def _decimal(x: float, places: int) -> Number:
    """Round half up to `places` decimals, as written in a report: 2.85, never 2.8500001."""
    value = Decimal(repr(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return int(value) if places == 0 else value


class Generator:
    """Answers for one unit; all randomness comes from its own seeded Random."""

    def __init__(self, unit: Unit, index: int) -> None:
        self.unit = unit
        # One fixed seed per unit: adding a unit does not change the others.
        self.rng = random.Random(SEED * 100 + index)
        self.values: dict[str, Answer] = {}

    def aim(self, question: Question) -> float:
        """The value this unit aims at for a question: its quality plus area shifts."""
        area = question.area or ""
        shift = CITY_BIAS.get(area, 0.0) + self.unit.bias.get(area, 0.0)
        return self.unit.quality + shift

    def choice(self, question: Question) -> str:
        """The option whose value is nearest to a noisy draw around the aim."""
        draw = _clamp(self.rng.gauss(self.aim(question), 0.2))
        return min(question.labels, key=lambda label: abs(question.labels[label] - draw))

    def number(self, question: Question) -> Number:
        """An external index value in its plausible range."""
        if question.id in SAME_AS and SAME_AS[question.id] in self.values:
            return cast(Number, self.values[SAME_AS[question.id]])
        low, high, places = NUMBER_RANGES[question.id]
        share = _clamp(self.rng.gauss(self.aim(question), 0.1))
        lo, hi = float(low), float(high)
        return _decimal(lo + (hi - lo) * share, places)

    def counts(self, question: Question) -> tuple[int, int]:
        """The two count inputs, in the rule set's order."""
        assert question.counts is not None
        formula = question.counts[0]
        low, high = COUNT_RANGES.get(question.id, (5, 30))
        base = self.rng.randint(low, high)
        share = _clamp(self.rng.gauss(self.aim(question) + 0.1, 0.15))
        if formula == "reduction":
            return base, round(base * (1 - share))
        return round(base * share), base

    def percent(self, question: Question, first: int, second: int) -> Number:
        """The percentage a unit would type for its counts."""
        assert question.counts is not None
        if question.counts[0] == "reduction":
            value = 1.0 if first == 0 else max(0.0, (first - second) / first)
        else:
            value = 1.0 if second == 0 else min(1.0, first / second)
        percent = _decimal(value * 100, 2)
        # A whole percentage is written as one (80, not 80.00).
        return int(percent) if percent == int(percent) else percent

    def fill(self, text: str) -> str:
        """Fill a document or note template."""
        month = self.rng.randint(1, 11)
        return text.format(
            head=self.unit.head,
            abbr=self.unit.abbr,
            unit=self.unit.name,
            no=self.rng.randint(11, 987),
            no2=self.rng.randint(5, 60),
            year=YEAR,
            prev=YEAR - 1,
            next=YEAR + 1,
            tw=self.rng.choice(["I", "II", "III"]),
            date=f"{self.rng.randint(1, 28)} {BULAN[month]} {YEAR}",
        )

    def evidence(self, question: Question) -> list[str]:
        """One to three data dukung, sometimes with a link to the first document."""
        pool = docs_for(question.id)
        picked = self.rng.sample(pool, k=min(len(pool), self.rng.randint(1, 3)))
        docs = [self.fill(name) for name, _ in picked]
        link = picked[0][1]
        if link and self.rng.random() < 0.5:
            # File names carry a year unless the document's name already does.
            name = link if any(ch.isdigit() for ch in link) else f"{link}-{YEAR}"
            docs.append(f"{SITE}/{self.unit.slug}/dokumen/{name}.pdf")
        return docs

    def answer(self, question: Question) -> Entry:
        """One answer, short or long form."""
        entry = Entry()
        if question.counts is not None and self.rng.random() < 0.6:
            first, second = self.counts(question)
            names = question.counts[1:]
            entry.counts = ((names[0], first), (names[1], second))
            share = float(self.percent(question, first, second)) / 100
        else:
            if question.id in FIXED_ANSWERS:
                entry.answer = FIXED_ANSWERS[question.id]
            elif question.kind == "choice":
                entry.answer = self.choice(question)
            elif question.counts is not None:
                entry.answer = self.percent(question, *self.counts(question))
            else:
                entry.answer = self.number(question)
            self.values[question.id] = entry.answer
            share = self._share(question, entry.answer)
        external = question.part in ("hasil_antara", "hasil")
        if share == 0:
            # Nothing done, nothing to attach: at most a note on why.
            if self.rng.random() < 0.25:
                entry.note = self.fill(self.rng.choice(NOTES_NONE))
        elif self.rng.random() < (0.3 if external else 0.15):
            entry.evidence = self.evidence(question)
            if not external and self.rng.random() < 0.4:
                notes = NOTES_GOOD if share >= 0.5 else NOTES_PARTIAL
                entry.note = self.fill(self.rng.choice(notes))
        return entry

    @staticmethod
    def _share(question: Question, answer: Answer) -> float:
        if isinstance(answer, str):
            return question.labels[answer]
        return float((Decimal(answer) - question.low) / (question.high - question.low))

    def answers(self, questions: list[Question]) -> tuple[dict[str, Entry], list[str]]:
        """All answers of the unit, and the ids it left unanswered."""
        skipped = set(self.rng.sample([q.id for q in questions], k=self.unit.unanswered))
        entries = {q.id: self.answer(q) for q in questions if q.id not in skipped}
        return entries, [q.id for q in questions if q.id in skipped]


# --------------------------------------------------------------------------- output


def render(
    unit: Unit, questions: list[Question], entries: dict[str, Entry], skipped: list[str]
) -> str:
    """The YAML text of one answer file."""
    lines = [
        f"# FICTIONAL example: Kota Sukamaju does not exist. Profile: {unit.profile}.",
        "# Generated by tools/make_examples.py from rules/permenpanrb-26-2020.yaml:",
        "# regenerate rather than edit.",
    ]
    if skipped:
        lines.append(f"# Left unanswered on purpose ({len(skipped)}): {', '.join(skipped)}")
    lines += [
        "",
        "rules: permenpanrb-26-2020",
        f"year: {YEAR}",
        "unit:",
        f"  name: {scalar(unit.name)}",
        f'  code: "{unit.code}"',
        f"  instansi: {scalar(INSTANSI)}",
        f"common: {SHARED_FILE}  # values shared by every OPD: {', '.join(sorted(SHARED))}",
        "",
        "answers:",
    ]
    section = ""
    for question in questions:
        entry = entries.get(question.id)
        if entry is None:
            continue
        if question.section != section:
            section = question.section
            lines.append(f"  # {section}")
        key = scalar(question.id)
        if entry.is_short():
            assert entry.answer is not None
            lines.append(f"  {key}: {scalar(entry.answer)}")
            continue
        lines.append(f"  {key}:")
        if entry.counts is not None:
            inner = ", ".join(f"{scalar(name, flow=True)}: {n}" for name, n in entry.counts)
            lines.append(f"    counts: {{{inner}}}")
        else:
            assert entry.answer is not None
            lines.append(f"    answer: {scalar(entry.answer)}")
        if entry.evidence:
            lines.append("    evidence:")
            lines.extend(f"      - {scalar(doc)}" for doc in entry.evidence)
        if entry.note:
            lines.append(f"    note: {scalar(entry.note)}")
        if entry.review:
            lines.append("    review:")
            for name, value in entry.review.items():
                if isinstance(value, dict):
                    lines.append(f"      {name}:")
                    lines.extend(f"        {k}: {scalar(v)}" for k, v in value.items())
                else:
                    lines.append(f"      {name}: {scalar(cast(str, value))}")
    return "\n".join(lines) + "\n"


def render_shared() -> str:
    """The YAML text of the city's shared-values file."""
    lines = [
        "# FICTIONAL example: Kota Sukamaju does not exist. Values shared by every OPD of the",
        "# Pemda, named by each OPD file with `common: bersama.yaml`; an OPD's own answer wins.",
        "# Generated by tools/make_examples.py: regenerate rather than edit.",
        "",
        f"instansi: {scalar(INSTANSI)}",
        f"year: {YEAR}",
        "rules: permenpanrb-26-2020",
        "answers:",
    ]
    for qid, (answer, evidence) in SHARED.items():
        lines += [
            f"  {scalar(qid)}:",
            f"    answer: {scalar(answer)}",
            "    evidence:",
            f"      - {scalar(evidence.format(prev=YEAR - 1))}",
        ]
    return "\n".join(lines) + "\n"


def without_shared(unit: Unit, entries: dict[str, Entry]) -> dict[str, Entry]:
    """A unit's entries less those the shared file gives (each drawn equal to it)."""
    for qid, (answer, _evidence) in SHARED.items():
        if qid not in entries or entries[qid].answer != answer:
            raise AssertionError(f"{unit.slug}: {qid} is not the shared {answer}")
    return {qid: e for qid, e in entries.items() if qid not in SHARED}


def check(text: str, unit: Unit, questions: list[Question], entries: dict[str, Entry]) -> None:
    """Re-read a generated file and check it against the entries and the rule set."""
    loader = DecimalLoader(text)
    try:
        data = cast(dict[str, object], loader.get_single_data())
    finally:
        loader.dispose()
    if data["unit"] != {"name": unit.name, "code": unit.code, "instansi": INSTANSI}:
        raise AssertionError(f"{unit.slug}: unit block does not read back")
    answers = cast(dict[str, object], data["answers"])
    by_id = {q.id: q for q in questions}
    if set(answers) != set(entries):
        raise AssertionError(f"{unit.slug}: answer ids do not read back")
    for qid, raw in answers.items():
        entry, question = entries[qid], by_id[qid]
        expected: object = entry.answer
        if not entry.is_short():
            long: dict[str, object] = {}
            if entry.counts is not None:
                long["counts"] = dict(entry.counts)
            else:
                long["answer"] = entry.answer
            if entry.evidence:
                long["evidence"] = entry.evidence
            if entry.note:
                long["note"] = entry.note
            if entry.review:
                long["review"] = entry.review
            expected = long
        if raw != expected:
            raise AssertionError(f"{unit.slug}: {qid} reads back as {raw!r}")
        value = entry.answer
        if isinstance(value, str) and value not in question.labels:
            raise AssertionError(f"{qid}: {value} is not an option")
        if isinstance(value, int | Decimal) and not question.low <= value <= question.high:
            raise AssertionError(f"{qid}: {value} is out of range")


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, verify) the example answer files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=Path, default=DEFAULT_RULES)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="fail if a file is out of date")
    args = parser.parse_args(argv)

    questions = load_questions(args.rules)
    out_dir: Path = args.out
    stale = 0
    for index, unit in enumerate(UNITS):
        entries, skipped = Generator(unit, index).answers(questions)
        for qid, review in REVIEWS.get(unit.slug, {}).items():
            entries[qid].review = review  # a KeyError: the review is of an unanswered one
        entries = without_shared(unit, entries)
        text = render(unit, questions, entries, skipped)
        check(text, unit, questions, entries)
        path = out_dir / f"{unit.slug}.yaml"
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                print(f"{path} is out of date: run tools/make_examples.py", file=sys.stderr)
                stale += 1
            continue
        out_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    shared_path, shared_text = out_dir / SHARED_FILE, render_shared()
    if args.check:
        if not shared_path.exists() or shared_path.read_text(encoding="utf-8") != shared_text:
            print(f"{shared_path} is out of date: run tools/make_examples.py", file=sys.stderr)
            stale += 1
    else:
        shared_path.write_text(shared_text, encoding="utf-8")
        print(f"wrote {shared_path}", file=sys.stderr)
    # A file of a unit that was renamed or dropped would otherwise stay behind unnoticed
    # (and still be scored by the tests that read every example).
    generated = {f"{unit.slug}.yaml" for unit in UNITS} | {SHARED_FILE}
    for path in sorted(out_dir.glob("*.yaml")):
        if path.name not in generated:
            print(f"{path} is not written by tools/make_examples.py: remove it", file=sys.stderr)
            if args.check:
                stale += 1
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
