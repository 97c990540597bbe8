"""Build rules/permenpanrb-26-2020.yaml from the shared domain TSVs.

Usage: python tools/build_rules_26_2020.py [DOMAIN_DIR] [--output FILE] [--check]

DOMAIN_DIR holds lke-2020-pemenuhan-items.tsv and zona-integritas-items.tsv
(default: ../shared/domain relative to the repository). The YAML is written as text,
not through a YAML dumper, so that key order, comments, quoting and the decimal
literals of the sources stay under our control; the result is then re-read with a
safe loader and checked.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias, cast

import yaml

if __package__ in (None, ""):  # run as a script: make `pmprb` importable without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

if TYPE_CHECKING:
    from pmprb.model.rules import LoadedRules

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DOMAIN = REPO.parent / "shared" / "domain"
DEFAULT_OUTPUT = REPO / "rules" / "permenpanrb-26-2020.yaml"
PEMENUHAN_TSV = "lke-2020-pemenuhan-items.tsv"
ZI_TSV = "zona-integritas-items.tsv"


# --------------------------------------------------------------------------- emitter

Scalar: TypeAlias = str | int | Decimal  # bool is an int: `each_area: true` in predicates


@dataclass(frozen=True)
class Comment:
    """A comment line placed where it appears in a mapping or list."""

    text: str


@dataclass(frozen=True)
class Flow:
    """A mapping or list written in flow style ({A: 1} / [2020, 2022])."""

    value: dict[str, Scalar] | list[Scalar]


Value: TypeAlias = Scalar | Flow | Comment | list["Value"] | dict[str, "Value"]
Mapping: TypeAlias = dict[str, Value]

# Words that YAML 1.1 (PyYAML) or a stricter reader would not keep as strings.
_SPECIAL_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
# Anything made only of digits and number punctuation might be read as a number,
# a sexagesimal or a date by some YAML reader: always quote it ("2020.1", "2.16.01").
_NUMBERISH = re.compile(r"[-+.]?[0-9][0-9._:eE+\-]*")
_BAD_FIRST = set("-?:,[]{}#&*!|>'\"%@`")


def scalar(value: Scalar, *, flow: bool = False) -> str:
    """Render a scalar: numbers verbatim, strings plain when safe, else double-quoted."""
    if isinstance(value, bool):  # before int: True must not print as 1
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        # str(Decimal("0.40")) == "0.40": the literal printed in the LKE survives.
        return str(value)
    if _plain_ok(value, flow=flow):
        return value
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(value, ensure_ascii=False)


def _plain_ok(text: str, *, flow: bool) -> bool:
    """Tell whether a string can be written unquoted and read back unchanged."""
    if not text or text != text.strip() or text[0] in _BAD_FIRST:
        return False
    if text.lower() in _SPECIAL_WORDS or _NUMBERISH.fullmatch(text):
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    if any(ch in text for ch in "\n\r\t") or not text.isprintable():
        return False
    if flow and any(ch in text for ch in ",[]{}"):
        return False
    # Last word to PyYAML's YAML 1.1 resolver (dates, floats like 1e3, ...).
    return bool(yaml.safe_load(f"k: {text}") == {"k": text})


def _flow(value: Flow) -> str:
    if isinstance(value.value, dict):
        items = (f"{scalar(k, flow=True)}: {scalar(v, flow=True)}" for k, v in value.value.items())
        return "{" + ", ".join(items) + "}"
    return "[" + ", ".join(scalar(v, flow=True) for v in value.value) + "]"


def emit_mapping(mapping: Mapping, indent: int) -> Iterator[str]:
    """Yield the lines of a block mapping indented by `indent` spaces."""
    pad = " " * indent
    for key, value in mapping.items():
        if isinstance(value, Comment):
            yield from (f"{pad}# {line}".rstrip() for line in value.text.splitlines())
        elif isinstance(value, Flow):
            yield f"{pad}{scalar(key)}: {_flow(value)}"
        elif isinstance(value, dict):
            yield f"{pad}{scalar(key)}:"
            yield from emit_mapping(value, indent + 2)
        elif isinstance(value, list):
            yield f"{pad}{scalar(key)}:"
            yield from emit_list(value, indent + 2)
        else:
            yield f"{pad}{scalar(key)}: {scalar(value)}"


def emit_list(items: list[Value], indent: int) -> Iterator[str]:
    """Yield the lines of a block sequence whose dashes sit at `indent`."""
    pad = " " * indent
    for item in items:
        if isinstance(item, Comment):
            yield from (f"{pad}# {line}".rstrip() for line in item.text.splitlines())
        elif isinstance(item, dict):
            lines = list(emit_mapping(item, indent + 2))
            yield pad + "- " + lines[0][indent + 2 :]
            yield from lines[1:]
        elif isinstance(item, (list, Flow)):
            raise TypeError("nested sequences are not used in rule sets")
        else:
            yield f"{pad}- {scalar(item)}"


def plain_data(value: Value) -> object:
    """The data a YAML reader should get back: comments dropped, flow unwrapped."""
    if isinstance(value, Flow):
        return plain_data(cast(Value, value.value))
    if isinstance(value, dict):
        return {k: plain_data(v) for k, v in value.items() if not isinstance(v, Comment)}
    if isinstance(value, list):
        return [plain_data(v) for v in value if not isinstance(v, Comment)]
    return value


# --------------------------------------------------------------------------- sources


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Read a TSV whose leading '#' lines are comments; no CSV quoting (texts hold quotes)."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return [{k: (v or "").strip() for k, v in row.items()} for row in reader]


# The eight areas of change (PermenPANRB 26/2020), in their official order.
AREAS: list[tuple[str, str]] = [
    ("mp", "Manajemen Perubahan"),
    ("dk", "Deregulasi Kebijakan"),
    ("org", "Penataan dan Penguatan Organisasi"),
    ("tl", "Penataan Tata Laksana"),
    ("sdm", "Penataan Sistem Manajemen SDM Aparatur"),
    ("ak", "Penguatan Akuntabilitas"),
    ("pw", "Penguatan Pengawasan"),
    ("pp", "Peningkatan Kualitas Pelayanan Publik"),
]
AREA_NAME = dict(AREAS)
AREA_BY_NO = {str(no): area_id for no, (area_id, _) in enumerate(AREAS, start=1)}

# Pemenuhan area weights as printed in the LKE 2020/2021 [V].
PEMENUHAN_AREA_WEIGHT = {
    "mp": "2", "dk": "1", "org": "2", "tl": "2", "sdm": "5", "ak": "2", "pw": "4", "pp": "2",
}  # fmt: skip

# Indicator ids are written out, not derived from the TSV names: ids are what answer
# files point at, so a reworded indicator name must not silently change them.
PEMENUHAN_INDICATOR_ID: dict[tuple[str, str], str] = {
    ("mp", "Tim Reformasi Birokrasi"): "tim_rb",
    ("mp", "Road Map RB"): "road_map",
    ("mp", "Pemantauan dan Evaluasi RB"): "monev",
    ("mp", "Perubahan pola pikir dan budaya kinerja"): "budaya_kinerja",
    ("dk", "Harmonisasi"): "harmonisasi",
    ("dk", "Sistem pengendalian penyusunan peraturan"): "pengendalian_peraturan",
    ("org", "Evaluasi"): "evaluasi",
    ("org", "Penataan"): "penataan",
    ("tl", "Proses bisnis dan SOP"): "proses_bisnis_sop",
    ("tl", "E-Government"): "e_government",
    ("tl", "Keterbukaan Informasi Publik"): "keterbukaan_informasi",
    ("sdm", "Perencanaan kebutuhan pegawai"): "perencanaan_kebutuhan",
    ("sdm", "Penerimaan pegawai transparan"): "penerimaan_pegawai",
    ("sdm", "Pengembangan berbasis kompetensi"): "pengembangan_kompetensi",
    ("sdm", "Promosi jabatan terbuka"): "promosi_terbuka",
    ("sdm", "Penetapan kinerja individu"): "kinerja_individu",
    ("sdm", "Penegakan disiplin/kode etik"): "disiplin",
    ("sdm", "Evaluasi jabatan"): "evaluasi_jabatan",
    ("sdm", "Sistem Informasi Kepegawaian"): "simpeg",
    ("ak", "Keterlibatan pimpinan"): "keterlibatan_pimpinan",
    ("ak", "Pengelolaan akuntabilitas kinerja"): "pengelolaan_akuntabilitas",
    ("pw", "Gratifikasi"): "gratifikasi",
    ("pw", "Penerapan SPIP"): "spip",
    ("pw", "Pengaduan Masyarakat"): "pengaduan_masyarakat",
    ("pw", "Whistle-Blowing System"): "wbs",
    ("pw", "Benturan Kepentingan"): "benturan_kepentingan",
    ("pw", "Zona Integritas"): "zona_integritas",
    ("pw", "APIP"): "apip",
    ("pp", "Standar Pelayanan"): "standar_pelayanan",
    ("pp", "Budaya Pelayanan Prima"): "budaya_pelayanan_prima",
    ("pp", "Pengelolaan Pengaduan"): "pengelolaan_pengaduan",
    ("pp", "Penilaian kepuasan terhadap pelayanan"): "kepuasan_pelayanan",
    ("pp", "Pemanfaatan Teknologi Informasi"): "teknologi_informasi",
}

# Choice scales: label -> value. Ya/Tidak, A/B/C and A/B/C/D are [V]; A-E is [I].
CHOICE_SCALES: dict[str, tuple[str, dict[str, Scalar]]] = {
    "ya_tidak": ("Ya/Tidak", {"Ya": 1, "Tidak": 0}),
    "abc": ("A/B/C", {"A": 1, "B": Decimal("0.5"), "C": 0}),
    "abcd": ("A/B/C/D", {"A": 1, "B": Decimal("0.67"), "C": Decimal("0.33"), "D": 0}),
    "abcde": (
        "A/B/C/D/E",
        {"A": 1, "B": Decimal("0.75"), "C": Decimal("0.5"), "D": Decimal("0.25"), "E": 0},
    ),
    "opini_bpk": (
        "Opini BPK (WTP/WDP/TW/TMP)",
        {"WTP": 1, "WDP": Decimal("0.67"), "TW": Decimal("0.33"), "TMP": 0},
    ),
}

SRC_TOP = (
    "PermenPANRB 26/2020 (Inspektorat Kota Madiun, 2020-05-04); LKE PMPRB 2020/2021 copies"
    " (scribd 527013755, 606951138, 583475280, 617020383); NTB data portal (Hasil 4 x 10);"
    " Aceh provincial infographic IRB 2022 (bands)"
)
SRC_LKE_WEIGHTS = "LKE PMPRB 2020/2021: area and indicator weights as printed (2 decimals)"
SRC_Q_VERIFIED = (
    "question text confirmed in a 2020 LKE copy; detail and option descriptors from the 14/2014 LKE"
)
SRC_Q_PROXY = "question text from the 14/2014 LKE (the 2020 text may differ slightly)"
SRC_Q_SCALE = (
    "question text confirmed in a 2020 LKE copy; the answer scale is inferred"
    " from the 14/2014 option lists"
)


def provenance(status: str, source: str) -> Mapping:
    """A provenance block."""
    return {"status": status, "source": source}


def area_node(
    node_id: str,
    area: str,
    name: str,
    weight: str,
    children: list[Value],
    prov: Mapping | None = None,
) -> Mapping:
    """A node that stands for one area of change: its keys in the order every rule set uses."""
    node: Mapping = {"id": node_id, "name": name, "area": area, "weight": Decimal(weight)}
    if prov is not None:
        node["provenance"] = prov
    node["children"] = children
    return node


def parse_options(raw: str, scale: str) -> dict[str, Value]:
    """Parse 'a: ... | b: ...' (or 'ya: ...') into {label: descriptor} for the scale."""
    labels = CHOICE_SCALES[scale][1]
    options: dict[str, Value] = {}
    if not raw:
        return options
    for part in raw.split(" | "):
        key, sep, text = part.partition(":")
        label = key.strip().capitalize() if scale == "ya_tidak" else key.strip().upper()
        if not sep or label not in labels or label in options:
            raise ValueError(f"bad option {part!r} for scale {scale}")
        # Descriptors copied from the app database start lower-case ("apabila ...").
        text = text.strip()
        options[label] = text[:1].upper() + text[1:]
    return options


def question_provenance(tag: str) -> Mapping:
    """Map the TSV provenance column to a provenance block."""
    tags = [t.strip() for t in tag.split(",")]
    if tags == ["verified-2020"]:
        return provenance("verified", SRC_Q_VERIFIED)
    if tags == ["2014-proxy"]:
        return provenance("inferred", SRC_Q_PROXY)
    if tags[:2] == ["verified-2020-text", "scale-inferred"]:
        source = SRC_Q_SCALE
        if "options-from-2014" in tags:
            source += "; option descriptors from the 14/2014 question of the same meaning"
        return provenance("inferred", source)
    raise ValueError(f"unknown provenance tag {tag!r}")


# ------------------------------------------------------------ expected documents


@dataclass(frozen=True)
class Expected:
    """A document (data dukung) a source text names for one or more questions.

    `questions` are full question ids. The name and every match term must occur, as a run
    of words, in the source text of one of those questions (SPELLINGS lists the few
    abbreviations and spellings accepted for a phrase the text does contain): the
    generator never adds a document the tables do not name.
    """

    questions: tuple[str, ...]
    id: str
    name: str
    match: tuple[str, ...] = ()


# match term -> the phrase of the source text it stands for
SPELLINGS = {"sk": "surat keputusan", "roadmap": "road map", "wbs": "whistle blowing system"}

# Named in the "Ya" descriptor (option text) of lke-2020-pemenuhan-items.tsv: "apabila
# terdapat dokumen / kebijakan / peraturan / laporan / Surat Keputusan ...". Descriptors
# that name no document (an evaluation done, a system built, a media set up) give none.
LKE_DOCUMENTS: list[Expected] = [
    Expected(("mp.road_map.a",), "road-map", "Road Map", ("roadmap",)),
    Expected(
        ("tl.keterbukaan_informasi.a",),
        "kebijakan-keterbukaan-informasi",
        "Kebijakan pimpinan tentang keterbukaan informasi publik",
        ("keterbukaan informasi",),
    ),
    Expected(
        ("sdm.perencanaan_kebutuhan.c",),
        "rencana-redistribusi-pegawai",
        "Rencana redistribusi pegawai",
        ("redistribusi",),
    ),
    Expected(
        ("sdm.perencanaan_kebutuhan.d",),
        "proyeksi-kebutuhan-5-tahun",
        "Proyeksi kebutuhan 5 tahun",
        ("proyeksi kebutuhan",),
    ),
    Expected(
        ("sdm.pengembangan_kompetensi.a",),
        "kebijakan-kompetensi-jabatan",
        "Kebijakan tentang kompetensi jabatan",
        ("kompetensi jabatan",),
    ),
    Expected(
        ("sdm.promosi_terbuka.a",),
        "kebijakan-promosi-terbuka",
        "Kebijakan tentang promosi terbuka",
        ("promosi terbuka",),
    ),
    Expected(
        ("sdm.disiplin.a",),
        "kebijakan-disiplin",
        "Kebijakan tentang disiplin/kode etik/kode perilaku",
        ("disiplin", "kode etik", "kode perilaku"),
    ),
    Expected(
        ("sdm.evaluasi_jabatan.a",),
        "faktor-jabatan",
        "Dokumen tentang penyusunan Faktor Jabatan",
        ("faktor jabatan",),
    ),
    Expected(
        ("ak.pengelolaan_akuntabilitas.b",),
        "pedoman-akuntabilitas-kinerja",
        "Pedoman akuntabilitas kinerja",
    ),
    Expected(
        ("pw.gratifikasi.a",),
        "kebijakan-gratifikasi",
        "Kebijakan tentang penanganan gratifikasi",
        ("gratifikasi",),
    ),
    Expected(
        ("pw.gratifikasi.e",),
        "laporan-tindak-lanjut-gratifikasi",
        "Laporan tindak lanjut",
        ("tindak lanjut",),
    ),
    Expected(
        ("pw.spip.a",),
        "peraturan-spip",
        "Peraturan pimpinan organisasi tentang SPIP",
        ("spip",),
    ),
    Expected(
        ("pw.pengaduan_masyarakat.a",),
        "kebijakan-pengaduan",
        "Kebijakan tentang penanganan pengaduan",
        ("pengaduan",),
    ),
    Expected(
        ("pw.pengaduan_masyarakat.e",),
        "laporan-evaluasi-pengaduan",
        "Laporan hasil evaluasi atas tindak lanjut penanganan pengaduan masyarakat",
        ("laporan hasil evaluasi",),
    ),
    Expected(
        ("pw.wbs.a",),
        "kebijakan-wbs",
        "Kebijakan tentang Whistle Blowing System",
        ("whistle blowing", "wbs"),
    ),
    Expected(
        ("pw.benturan_kepentingan.a",),
        "kebijakan-benturan-kepentingan",
        "Peraturan/kebijakan Penanganan Benturan Kepentingan",
        ("benturan kepentingan",),
    ),
    Expected(
        ("pw.zona_integritas.a",),
        "pencanangan-zona-integritas",
        "Dokumen Pencanangan Zona Integritas",
        ("pencanangan",),
    ),
    Expected(
        ("pw.zona_integritas.b",),
        "sk-unit-zona-integritas",
        "Surat Keputusan tentang unit yang ditetapkan",
        ("sk",),
    ),
    Expected(
        ("pp.standar_pelayanan.a",),
        "kebijakan-standar-pelayanan",
        "Kebijakan standar pelayanan",
        ("standar pelayanan",),
    ),
]

SRC_LKE_DOCUMENTS = (
    "the document the option descriptor of the 14/2014 LKE names (app database zdp2430/lkerb,"
    " carried in lke-2020-pemenuhan-items.tsv), taken as the answer's data dukung; the 2020"
    " LKE's own data dukung column was not seen"
)


def _words(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def add_documents(
    indicators: dict[str, Mapping],
    table: list[Expected],
    texts: dict[str, str],
    prov: Mapping,
    required: bool = True,
) -> None:
    """Give each indicator the documents of `table` for its questions (`texts`: question id
    -> the source text that names them). A name or term the text lacks fails the build;
    so does a document for a question that is not there, unless `required` is false (a
    rule set that leaves the question out)."""
    by_question = {
        str(q["id"]): node
        for node in indicators.values()
        for q in cast(list[Mapping], node["questions"])
    }
    for doc in table:
        nodes = {id(by_question[q]): by_question[q] for q in doc.questions if q in by_question}
        if len(nodes) != 1 or len(doc.questions) != sum(q in by_question for q in doc.questions):
            if not required and not nodes:
                continue
            raise ValueError(f"{doc.id}: its questions {doc.questions} are not in one indicator")
        source = " | ".join(_words(texts[q]) for q in doc.questions)
        for term in (doc.name, *doc.match):
            spelled = (_words(term), _words(SPELLINGS.get(_words(term), term)))
            if not any(f" {words} " in f" {source} " for words in spelled):
                raise ValueError(f"{doc.id}: {term!r} is not in the source text of {doc.questions}")
        node = next(iter(nodes.values()))
        entry: Mapping = {"id": doc.id, "name": doc.name}
        own = [str(q["id"]) for q in cast(list[Mapping], node["questions"])]
        if list(doc.questions) != own:
            entry["questions"] = Flow(list(doc.questions))
        if doc.match:
            entry["match"] = Flow(list(doc.match))
        entry["provenance"] = prov
        questions = node.pop("questions")
        docs = cast(list[Value], node.setdefault("documents", []))
        docs.append(entry)
        node["questions"] = questions


def build_pemenuhan(rows: list[dict[str, str]]) -> Mapping:
    """The Pemenuhan (20) group: 8 areas, 33 indicators, 143 questions."""
    indicators: dict[str, Mapping] = {}
    texts: dict[str, str] = {}  # question id -> its option descriptors (naming documents)
    area_children: dict[str, list[Value]] = {area_id: [] for area_id, _ in AREAS}
    for row in rows:
        area = AREA_BY_NO[row["area_no"]]
        short = PEMENUHAN_INDICATOR_ID.get((area, row["indicator"]))
        if short is None:
            raise ValueError(f"no id for indicator {row['indicator']!r} of area {area}")
        ind_id = f"{area}.{short}"
        node = indicator(
            indicators, area_children, area, ind_id, row["indicator"], row["weight_2020"]
        )
        scale = row["answer_scale"]
        question: Mapping = {
            "id": f"{ind_id}.{row['item']}",
            "text": row["question"],
            "scale": scale,
        }
        if row["question_full"]:
            question["detail"] = row["question_full"]
        options = parse_options(row["options"], scale)
        if options:
            question["options"] = options
        question["provenance"] = question_provenance(row["provenance"])
        cast(list[Value], node["questions"]).append(question)
        texts[str(question["id"])] = row["options"]
    add_documents(indicators, LKE_DOCUMENTS, texts, provenance("inferred", SRC_LKE_DOCUMENTS))
    areas: list[Value] = [
        area_node(area_id, area_id, name, PEMENUHAN_AREA_WEIGHT[area_id], area_children[area_id])
        for area_id, name in AREAS
    ]
    return {
        "id": "pemenuhan",
        "name": "Pemenuhan",
        "weight": 20,
        "provenance": provenance("verified", SRC_LKE_WEIGHTS),
        "children": [
            Comment(
                "Indicator weights are printed rounded (SDM: 0.33/0.67, sum 4.99); the\n"
                "weighted mean of the scoring model keeps every area at its exact weight."
            ),
            *areas,
        ],
    }


# ----------------------------------------------------------------- Hasil Antara (10)


@dataclass(frozen=True)
class NumericIndicator:
    """An indicator with one number question (`<id>.nilai`)."""

    id: str
    name: str
    weight: str
    scale: str
    text: str
    detail: str
    prov: Mapping | None = None
    extra: Mapping | None = None  # more question keys: options, counts


def numeric_indicator(spec: NumericIndicator) -> Mapping:
    """Render a one-question numeric indicator."""
    node: Mapping = {"id": spec.id, "name": spec.name, "weight": Decimal(spec.weight)}
    if spec.prov is not None:
        node["provenance"] = spec.prov
    question: Mapping = {"id": f"{spec.id}.nilai", "text": spec.text, "scale": spec.scale}
    if spec.detail:
        question["detail"] = spec.detail
    question.update(spec.extra or {})
    node["questions"] = [question]
    return node


SRC_HA_DEFAULT = (
    "frame verified (LKE 2020/2021); the weights of six areas and their indicators were not"
    " found: defaults from the domain README; a value scores (value - min) / (max - min)"
)

HASIL_ANTARA: list[tuple[str, str, Mapping | None, list[NumericIndicator]]] = [
    (
        "dk",
        "1.00",
        provenance(
            "verified", "LKE 2020/2021: '1 Deregulasi Kebijakan 1.00 - Kualitas Kebijakan 1.00'"
        ),
        [
            NumericIndicator(
                "ha.dk.kualitas_kebijakan",
                "Indeks Kualitas Kebijakan",
                "1.00",
                "indeks_0_100",
                "Berapa nilai Indeks Kualitas Kebijakan instansi?",
                "Nilai Indeks Kualitas Kebijakan (IKK) hasil penilaian Lembaga Administrasi"
                " Negara, skala 0-100.",
            ),
        ],
    ),
    (
        "org",
        "1.50",
        None,
        [
            NumericIndicator(
                "ha.org.evaluasi_kelembagaan",
                "Nilai Evaluasi Kelembagaan",
                "1.50",
                "indeks_0_100",
                "Berapa nilai hasil evaluasi kelembagaan instansi?",
                "Nilai hasil evaluasi kelembagaan instansi pemerintah, skala 0-100.",
                provenance(
                    "provisional", "indicator and scale not found; default from the domain README"
                ),
            ),
        ],
    ),
    (
        "tl",
        "1.50",
        None,
        [
            NumericIndicator(
                "ha.tl.indeks_spbe",
                "Indeks SPBE",
                "1.50",
                "level_1_5",
                "Berapa nilai Indeks SPBE instansi?",
                "Indeks Sistem Pemerintahan Berbasis Elektronik hasil evaluasi SPBE"
                " (PermenPANRB 59/2020), skala 1-5.",
                provenance(
                    "provisional",
                    "the 1-5 scale is verified (PermenPANRB 59/2020); its place and weight in"
                    " Hasil Antara are a default from the domain README",
                ),
            ),
        ],
    ),
    (
        "sdm",
        "1.50",
        None,
        [
            NumericIndicator(
                "ha.sdm.ip_asn",
                "Indeks Profesionalitas ASN",
                "0.75",
                "indeks_0_100",
                "Berapa nilai Indeks Profesionalitas ASN instansi?",
                "Hasil pengukuran Indeks Profesionalitas ASN (Peraturan BKN 8/2019), skala 0-100:"
                " 91-100 sangat tinggi, 81-90 tinggi, 71-80 sedang, 61-70 rendah, <= 60 sangat"
                " rendah.",
                provenance(
                    "provisional",
                    "item and 0-100 scale verified (Batam 2020 Hasil Antara: IP ASN 85; Peraturan"
                    " BKN 8/2019); the equal split of SDM's 1.50 is a default",
                ),
            ),
            NumericIndicator(
                "ha.sdm.sistem_merit",
                "Indeks Sistem Merit",
                "0.75",
                "indeks_0_100",
                "Berapa nilai Indeks Sistem Merit instansi?",
                "Nilai penilaian penerapan Sistem Merit oleh KASN, dinyatakan pada skala 0-100.",
                provenance(
                    "provisional",
                    "note: the scale is provisional; KASN publishes the merit index on its own"
                    " point scale and categories, not verified here: convert to 0-100 or change"
                    " the scale; the item and the equal split are defaults from the domain README",
                ),
            ),
        ],
    ),
    (
        "ak",
        "1.50",
        None,
        [
            NumericIndicator(
                "ha.ak.nilai_sakip",
                "Nilai SAKIP",
                "1.50",
                "indeks_0_100",
                "Berapa nilai hasil evaluasi SAKIP instansi?",
                "Nilai hasil evaluasi Sistem Akuntabilitas Kinerja Instansi Pemerintah, skala"
                " 0-100.",
                provenance("provisional", "indicator not found; default from the domain README"),
            ),
        ],
    ),
    (
        "pw",
        "1.50",
        None,
        [
            NumericIndicator(
                "ha.pw.maturitas_spip",
                "Tingkat Maturitas SPIP",
                "0.75",
                "level_1_5",
                "Berapa tingkat maturitas SPIP instansi?",
                "Tingkat maturitas penyelenggaraan Sistem Pengendalian Intern Pemerintah hasil"
                " penilaian BPKP, level 1-5.",
                provenance("provisional", "indicator not found; default from the domain README"),
            ),
            NumericIndicator(
                "ha.pw.kapabilitas_apip",
                "Tingkat Kapabilitas APIP",
                "0.75",
                "level_1_5",
                "Berapa tingkat kapabilitas APIP instansi?",
                "Level kapabilitas Aparat Pengawasan Intern Pemerintah hasil penilaian BPKP,"
                " level 1-5.",
                provenance("provisional", "indicator not found; default from the domain README"),
            ),
        ],
    ),
    (
        "pp",
        "1.50",
        None,
        [
            NumericIndicator(
                "ha.pp.kepatuhan_standar_pelayanan",
                "Tingkat Kepatuhan terhadap Standar Pelayanan Publik (Ombudsman)",
                "1.50",
                "indeks_0_100",
                "Berapa nilai kepatuhan terhadap standar pelayanan publik hasil penilaian"
                " Ombudsman RI?",
                "Zona hijau 81-100, zona kuning 51-80,99, zona merah 0-50,99 (Ombudsman 2021).",
                provenance(
                    "verified",
                    "item named in the LKE 2020/2021 Hasil Antara (Ombudsman), 0-100 scale"
                    " (Ombudsman 2021 zones; Batam 2020: 93.82); the area weight 1.50 is"
                    " provisional",
                ),
            ),
        ],
    ),
]


def build_hasil_antara() -> Mapping:
    """The Hasil Antara (10) group: seven areas (Manajemen Perubahan has no line)."""
    children: list[Value] = []
    for area, weight, prov, specs in HASIL_ANTARA:
        indicators: list[Value] = [numeric_indicator(spec) for spec in specs]
        children.append(area_node(f"ha.{area}", area, AREA_NAME[area], weight, indicators, prov))
    return {
        "id": "hasil_antara",
        "name": "Hasil Antara",
        "weight": 10,
        "provenance": provenance("provisional", SRC_HA_DEFAULT),
        "children": children,
    }


# ---------------------------------------------------------------------- Reform (30)

# Proportional to the Pemenuhan weights (x 1.5): a hypothesis [P], see the README.
REFORM_AREA_WEIGHT = {
    "mp": "3", "dk": "1.5", "org": "3", "tl": "3", "sdm": "7.5", "ak": "3", "pw": "6", "pp": "3",
}  # fmt: skip

ZI_AREA = {
    "Manajemen Perubahan": "mp",
    "Penataan Tatalaksana": "tl",
    "Penataan Sistem Manajemen SDM Aparatur": "sdm",
    "Penguatan Akuntabilitas": "ak",
    "Penguatan Pengawasan": "pw",
    "Peningkatan Kualitas Pelayanan Publik": "pp",
}

# Stable ids for the ZI 2022 Reform sub-components (see PEMENUHAN_INDICATOR_ID).
ZI_INDICATOR_ID = {
    "Komitmen dalam Perubahan": "komitmen_perubahan",
    "Komitmen Pimpinan": "komitmen_pimpinan",
    "Membangun Budaya Kerja": "budaya_kerja",
    "Peta Proses Bisnis Mempengaruhi Penyederhanaan Jabatan": "peta_proses_bisnis",
    "Sistem Pemerintahan Berbasis Elektronik (SPBE) yang Terintegrasi": "spbe_terintegrasi",
    "Transformasi Digital Memberikan Nilai Manfaat": "transformasi_digital",
    "Kinerja Individu": "kinerja_individu",
    "Assessment Pegawai": "asesmen_pegawai",
    "Pelanggaran Disiplin Pegawai": "pelanggaran_disiplin",
    "Meningkatnya Capaian Kinerja Unit Kerja": "capaian_kinerja",
    "Pemberian Reward and Punishment": "reward_punishment",
    "Kerangka Logis Kinerja": "kerangka_logis_kinerja",
    "Mekanisme Pengendalian": "mekanisme_pengendalian",
    "Penanganan Pengaduan Masyarakat": "penanganan_pengaduan",
    "Penyampaian Laporan Harta Kekayaan": "laporan_harta_kekayaan",
    "Upaya dan/atau Inovasi Pelayanan Publik": "inovasi_pelayanan",
    "Penanganan Pengaduan Pelayanan dan Konsultasi": "pengaduan_pelayanan",
}

# Answer descriptors of the ZI questions (EZonaIntegritas option table, RB2171 seeder):
# tools/data/zona-integritas-descriptors.tsv, keyed by the ZI bps_id.
DESCRIPTORS = REPO / "tools" / "data" / "zona-integritas-descriptors.tsv"


def read_descriptors(path: Path = DESCRIPTORS) -> dict[str, dict[str, Value]]:
    """bps_id -> {option label: descriptor}, in the file's order."""
    out: dict[str, dict[str, Value]] = {}
    for row in read_tsv(path):
        options = out.setdefault(row["bps_id"], {})
        if row["option"] in options:
            raise ValueError(f"{row['bps_id']} {row['option']}: listed twice")
        options[row["option"]] = row["descriptor"]
    return out


# Count inputs of the percentage questions, from the ZI computation column.
# if_zero only where a source states the value (RB2171: no complaints -> 100%; no
# violation in either year -> 100%; a reduction from 0 to more than 0 scores 0 by formula).
ZI_COUNTS: dict[str, Mapping] = {
    "PRA1A": {
        "formula": "ratio",
        "inputs": {
            "perubahan": "Jumlah perubahan yang dibuat agen perubahan",
            "agen": "Jumlah agen perubahan",
        },
    },
    "PRA1B": {
        "formula": "ratio",
        "inputs": {
            "terintegrasi": "Jumlah perubahan yang telah diintegrasikan dalam sistem manajemen",
            "perubahan": "Jumlah perubahan yang dibuat agen perubahan",
        },
    },
    "PRC3A": {
        "formula": "reduction",
        "inputs": {
            "tahun_lalu": "Jumlah pelanggaran disiplin tahun sebelumnya",
            "tahun_ini": "Jumlah pelanggaran disiplin tahun ini",
        },
        "if_zero": 1,
    },
    "PRD1A": {
        "formula": "ratio",
        "inputs": {
            "tercapai": "Jumlah sasaran kinerja dengan capaian 100% atau lebih",
            "sasaran": "Jumlah sasaran kinerja",
        },
    },
    "PRE2A": {
        "formula": "ratio",
        "inputs": {
            "selesai": "Jumlah pengaduan yang selesai ditindaklanjuti",
            "harus": "Jumlah pengaduan yang harus ditindaklanjuti",
        },
        "if_zero": 1,
    },
    "PRE3A": {
        "formula": "ratio",
        "inputs": {
            "melapor": "Jumlah pejabat yang sudah menyampaikan LHKPN",
            "wajib": "Jumlah yang wajib menyampaikan LHKPN (kepala satuan kerja + pejabat yang"
            " diwajibkan + lainnya)",
        },
    },
    "PRE3B": {
        "formula": "ratio",
        "inputs": {
            "melapor": "Jumlah ASN yang sudah menyampaikan laporan harta kekayaan (LHKASN)",
            "wajib": "Jumlah ASN yang wajib menyampaikan LHKASN (pejabat administrator +"
            " pejabat pengawas + fungsional dan pelaksana)",
        },
    },
    "PRF1B": {
        "formula": "ratio",
        "inputs": {
            "dipermudah": "Jumlah perizinan/pelayanan yang telah dipermudah",
            "terdata": "Jumlah perizinan/pelayanan yang terdata/terdaftar",
        },
    },
}


def zi_question(
    row: dict[str, str], qid: str, descriptors: dict[str, dict[str, Value]], detail: str = ""
) -> Mapping:
    """One question of a ZI TSV row, with its answer descriptors or its count inputs."""
    scale = row["answer_scale"]
    question: Mapping = {"id": qid, "text": row["question"], "scale": scale}
    bps = row["bps_id"]
    if detail:
        question["detail"] = detail
    if scale in CHOICE_SCALES:
        options = descriptors.get(bps, {})
        labels = list(CHOICE_SCALES[scale][1])
        # Ya/Tidak lists only Ya; every other option needs its descriptor.
        expected = ["Ya"] if scale == "ya_tidak" else labels
        if list(options) != expected:
            raise ValueError(f"{bps}: descriptors {list(options)} do not match {expected}")
        question["options"] = options
    elif bps in descriptors:
        raise ValueError(f"{bps}: descriptors given for a {scale} question")
    if scale == "persen":
        question["counts"] = ZI_COUNTS[bps]
    return question


SRC_REFORM = (
    "no published Reform weights or questions for 26/2020; hypothesis: the Zona Integritas"
    " 2022 LKE (PermenPANRB 90/2021) was rebuilt on the 26/2020 framework and shares Reform"
    " questions with it; area weights proportional to Pemenuhan (x 1.5)"
)
SRC_REFORM_ZI = (
    "ZI 2022 LKE Reform sub-components, weights and questions (PermenPANRB 90/2021,"
    " Lampiran III; three public apps agree), used here as a hypothesis for 26/2020"
)
SRC_REFORM_OWN = (
    "questions written for pmprb from what the Batam 2020 seed describes (no official"
    " 26/2020 Reform question found); not LKE text"
)


def _choice(text: str, scale: str, options: dict[str, Value]) -> Mapping:
    return {"text": text, "scale": scale, "options": options}


# Deregulasi Kebijakan and Organisasi have no ZI counterpart: our own questions.
OWN_REFORM: dict[str, tuple[str, str, list[Mapping]]] = {
    "dk": (
        "penataan_regulasi",
        "Penataan Regulasi yang Mendukung Kinerja",
        [
            _choice(
                "Regulasi/kebijakan yang tidak harmonis, tumpang tindih atau menghambat telah"
                " diidentifikasi",
                "abc",
                {
                    "A": "Seluruh regulasi/kebijakan di lingkungan instansi telah diidentifikasi",
                    "B": "Sebagian regulasi/kebijakan di lingkungan instansi telah diidentifikasi",
                    "C": "Belum dilakukan identifikasi regulasi/kebijakan",
                },
            ),
            _choice(
                "Hasil identifikasi telah dipetakan dan dianalisis dampaknya terhadap kinerja"
                " dan pelayanan",
                "abcd",
                {
                    "A": "Seluruh regulasi/kebijakan yang teridentifikasi telah dipetakan dan"
                    " dianalisis",
                    "B": "Sebagian besar regulasi/kebijakan yang teridentifikasi telah"
                    " dipetakan dan dianalisis",
                    "C": "Sebagian kecil regulasi/kebijakan yang teridentifikasi telah"
                    " dipetakan dan dianalisis",
                    "D": "Belum dilakukan pemetaan dan analisis",
                },
            ),
            _choice(
                "Regulasi/kebijakan yang tidak harmonis atau menghambat telah direvisi, dicabut"
                " atau disederhanakan",
                "abcd",
                {
                    "A": "Seluruh regulasi/kebijakan hasil pemetaan telah selesai direvisi/dicabut,"
                    " atau tidak ditemukan regulasi yang tidak harmonis",
                    "B": "Sebagian besar regulasi/kebijakan hasil pemetaan telah selesai"
                    " direvisi/dicabut",
                    "C": "Sebagian kecil regulasi/kebijakan telah direvisi/dicabut, sisanya"
                    " masih berproses",
                    "D": "Belum ada regulasi/kebijakan yang direvisi/dicabut",
                },
            ),
            _choice(
                "Regulasi/kebijakan instansi telah disesuaikan dengan kebijakan nasional terbaru",
                "abc",
                {
                    "A": "Seluruh penyesuaian telah ditetapkan",
                    "B": "Penyesuaian telah dimulai namun masih berproses",
                    "C": "Belum ada upaya penyesuaian",
                },
            ),
        ],
    ),
    "org": (
        "penyederhanaan_birokrasi",
        "Penyederhanaan Birokrasi",
        [
            _choice(
                "Struktur organisasi telah disederhanakan berdasarkan hasil evaluasi kelembagaan",
                "abcd",
                {
                    "A": "Seluruh unit organisasi yang direkomendasikan telah disederhanakan",
                    "B": "Sebagian besar unit organisasi yang direkomendasikan telah"
                    " disederhanakan",
                    "C": "Sebagian kecil unit organisasi yang direkomendasikan telah"
                    " disederhanakan",
                    "D": "Belum ada penyederhanaan struktur organisasi",
                },
            ),
            _choice(
                "Jabatan administrasi (struktural) telah dialihkan ke jabatan fungsional"
                " (penyetaraan jabatan)",
                "abcd",
                {
                    "A": "Seluruh jabatan administrasi yang memenuhi kriteria telah disetarakan dan"
                    " pejabatnya telah dilantik dalam jabatan fungsional",
                    "B": "Sebagian besar jabatan administrasi yang memenuhi kriteria telah"
                    " disetarakan",
                    "C": "Sebagian kecil jabatan administrasi telah disetarakan, sisanya masih"
                    " berproses",
                    "D": "Belum dilakukan penyetaraan jabatan",
                },
            ),
            _choice(
                "Sistem kerja telah disesuaikan setelah penyederhanaan birokrasi",
                "abc",
                {
                    "A": "Mekanisme kerja baru (pembagian tugas, koordinasi, penilaian kinerja"
                    " pejabat fungsional) telah ditetapkan dan diterapkan",
                    "B": "Mekanisme kerja baru telah ditetapkan namun belum diterapkan",
                    "C": "Belum ada penyesuaian sistem kerja",
                },
            ),
            _choice(
                "Efektivitas organisasi hasil penataan telah dievaluasi",
                "abc",
                {
                    "A": "Evaluasi dilakukan secara berkala dan hasilnya ditindaklanjuti",
                    "B": "Evaluasi dilakukan tidak berkala atau hasilnya belum ditindaklanjuti",
                    "C": "Belum dilakukan evaluasi",
                },
            ),
        ],
    ),
}


def build_reform(zi_rows: list[dict[str, str]]) -> Mapping:
    """The Reform (30) group: ZI 2022 Reform for six areas, own questions for dk and org."""
    area_children: dict[str, list[Value]] = {area_id: [] for area_id, _ in AREAS}
    indicators: dict[str, Mapping] = {}
    used_counts: set[str] = set()
    descriptors = read_descriptors()
    for row in zi_rows:
        if row["part"] != "reform":
            continue
        area = ZI_AREA[row["area"]]
        ind_id = f"reform.{area}.{ZI_INDICATOR_ID[row['sub_component']]}"
        indicator(
            indicators,
            area_children,
            area,
            ind_id,
            row["sub_component"],
            row["sub_component_weight"],
        )
        question = zi_question(row, f"{ind_id}.{row['item_code']}", descriptors)
        if "counts" in question:
            used_counts.add(row["bps_id"])
        cast(list[Value], indicators[ind_id]["questions"]).append(question)
    if used_counts != set(ZI_COUNTS):
        raise ValueError("ZI_COUNTS names rows that are not in the ZI TSV")

    for area, (short, name, questions) in OWN_REFORM.items():
        ind_id = f"reform.{area}.{short}"
        area_children[area].append(
            {
                "id": ind_id,
                "name": name,
                "weight": Decimal(REFORM_AREA_WEIGHT[area]),
                "questions": [
                    {"id": f"{ind_id}.{chr(ord('a') + i)}", **q} for i, q in enumerate(questions)
                ],
            }
        )

    children: list[Value] = [
        Comment(
            "Indicator weights are the ZI 2022 sub-component weights, used as relative\n"
            "shares inside each area (the area weights below are what counts)."
        )
    ]
    for area, name in AREAS:
        source = SRC_REFORM_OWN if area in OWN_REFORM else SRC_REFORM_ZI
        children.append(
            area_node(
                f"reform.{area}",
                area,
                name,
                REFORM_AREA_WEIGHT[area],
                area_children[area],
                provenance("provisional", source),
            )
        )
    return {
        "id": "reform",
        "name": "Reform",
        "weight": 30,
        "provenance": provenance("provisional", SRC_REFORM),
        "children": children,
    }


# ----------------------------------------------------------------------- Hasil (40)

SRC_HASIL_IND = "indicator and scale not found in a 26/2020 source; default from the domain README"
SRC_HASIL_SPLIT = SRC_HASIL_IND + "; equal split of the 10 points with the other indicator"


def build_hasil() -> Mapping:
    """The Komponen Hasil (40): four verified tens, provisional indicators."""
    prov = provenance("provisional", SRC_HASIL_IND)
    groups: list[tuple[str, str, list[NumericIndicator]]] = [
        (
            "hasil.akuntabilitas",
            "Akuntabilitas Kinerja dan Keuangan",
            [
                NumericIndicator(
                    "hasil.akuntabilitas.nilai_sakip",
                    "Nilai SAKIP",
                    "5",
                    "indeks_0_100",
                    "Berapa nilai hasil evaluasi SAKIP instansi?",
                    "Nilai hasil evaluasi Sistem Akuntabilitas Kinerja Instansi Pemerintah,"
                    " skala 0-100.",
                    provenance("provisional", SRC_HASIL_SPLIT),
                ),
                NumericIndicator(
                    "hasil.akuntabilitas.opini_bpk",
                    "Opini BPK",
                    "5",
                    "opini_bpk",
                    "Apa opini BPK atas laporan keuangan instansi?",
                    "Opini Badan Pemeriksa Keuangan atas laporan keuangan tahun sebelumnya.",
                    provenance(
                        "provisional",
                        SRC_HASIL_SPLIT + "; the opini_bpk values (WTP 1, WDP 0.67, TW 0.33, TMP 0)"
                        " are a placeholder, not from a source",
                    ),
                    {"options": OPINI_BPK_OPTIONS},
                ),
            ],
        ),
        (
            "hasil.pelayanan",
            "Kualitas Pelayanan Publik",
            [
                NumericIndicator(
                    "hasil.pelayanan.kepuasan_masyarakat",
                    "Indeks Kepuasan Masyarakat",
                    "10",
                    "indeks_0_100",
                    "Berapa nilai indeks/survei kepuasan masyarakat atas pelayanan instansi?",
                    "Nilai survei kepuasan masyarakat (IKM), skala 0-100.",
                    prov,
                ),
            ],
        ),
        (
            "hasil.bersih",
            "Pemerintah yang Bersih dan Bebas KKN",
            [
                NumericIndicator(
                    "hasil.bersih.persepsi_anti_korupsi",
                    "Survei Persepsi Anti Korupsi",
                    "10",
                    "indeks_0_100",
                    "Berapa nilai survei persepsi anti korupsi instansi?",
                    "Nilai survei persepsi anti korupsi (survei eksternal), skala 0-100.",
                    prov,
                ),
            ],
        ),
        (
            "hasil.kinerja",
            "Kinerja Organisasi",
            [
                NumericIndicator(
                    "hasil.kinerja.capaian_kinerja",
                    "Capaian Kinerja",
                    "10",
                    "persen",
                    "Berapa persen target indikator kinerja yang tercapai?",
                    "Persentase indikator kinerja (Perjanjian Kinerja) yang mencapai target.",
                    prov,
                    {
                        "counts": {
                            "formula": "ratio",
                            "inputs": {
                                "tercapai": "Jumlah indikator kinerja yang mencapai target",
                                "indikator": "Jumlah indikator kinerja",
                            },
                        }
                    },
                ),
            ],
        ),
    ]
    children: list[Value] = []
    for node_id, name, specs in groups:
        indicators: list[Value] = [numeric_indicator(spec) for spec in specs]
        children.append({"id": node_id, "name": name, "weight": 10, "children": indicators})
    return {
        "id": "hasil",
        "name": "Komponen Hasil",
        "weight": 40,
        "provenance": provenance("verified", "NTB data portal: Hasil 40 = 4 x 10"),
        "children": children,
    }


# ------------------------------------------------------------------------ rule set


def build_scales() -> Mapping:
    """Named answer scales."""
    scales: Mapping = {}
    for key, (name, options) in CHOICE_SCALES.items():
        if key == "abcde":
            scales["#abcde"] = Comment(
                "A/B/C/D/E values are [I] inferred: the same rule as A-D, used by public LKE apps."
            )
        if key == "opini_bpk":
            scales["#opini_bpk"] = Comment(
                "PROVISIONAL: no source gives values for the BPK opinions; placeholder spacing\n"
                "like A/B/C/D. The node using it (hasil.akuntabilitas.opini_bpk) is provisional."
            )
        scales[key] = {"kind": "choice", "name": name, "options": Flow(options)}
    scales["indeks_0_100"] = {
        "kind": "number",
        "name": "Nilai 0-100",
        "min": 0,
        "max": 100,
        "unit": "",
    }
    scales["persen"] = {
        "kind": "number",
        "name": "Persentase 0-100",
        "min": 0,
        "max": 100,
        "unit": "%",
    }
    scales["#level"] = Comment("Indeks SPBE, maturitas SPIP, kapabilitas APIP.")
    scales["level_1_5"] = {"kind": "number", "name": "Level 1-5", "min": 1, "max": 5, "unit": ""}
    return scales


# Categories [V] (Aceh IRB 2022 infographic), lowest first; left-open (min < x <= max).
BANDS = [
    ("D", 0, 30, "Sangat Kurang"),
    ("C", 30, 50, "Kurang"),
    ("CC", 50, 60, "Cukup"),
    ("B", 60, 70, "Baik"),
    ("BB", 70, 80, "Sangat Baik"),
    ("A", 80, 90, "Memuaskan"),
    ("AA", 90, 100, "Sangat Memuaskan"),
]

HEADER = """\
Indeks Reformasi Birokrasi 2020-2022 (PermenPANRB 26/2020): the default pmprb rule set.

GENERATED by tools/build_rules_26_2020.py from the shared domain TSVs
(lke-2020-pemenuhan-items.tsv, zona-integritas-items.tsv): edit the script, not this file.

Provenance (`provenance` on a node holds for its subtree):
  verified     top-level weights (Pengungkit 60 = Pemenuhan 20 + Hasil Antara 10 + Reform 30;
               Hasil 40 = 4 x 10), the bands, Pemenuhan area and indicator weights as printed
               in the LKE 2020/2021, Ya/Tidak, A/B/C and A/B/C/D values, Pemenuhan questions
               confirmed in a 2020 LKE copy, Hasil Antara Deregulasi (1.00, Indeks Kualitas
               Kebijakan) and the Ombudsman item.
  inferred     A/B/C/D/E values; Pemenuhan questions taken from the 14/2014 LKE or whose
               answer scale is inferred from 14/2014 option lists; the expected documents
               (`documents`, data dukung) named in the 14/2014 option descriptors.
  provisional  no source found, placeholders: the other Hasil Antara weights and indicators,
               all of Reform (30: hypothesis from the Zona Integritas 2022 LKE), the Hasil
               indicators, the opini BPK values, and scoring a number as (v - min) / (max - min).
Weights are decimal literals exactly as printed in the sources."""


def build_rules(pemenuhan_rows: list[dict[str, str]], zi_rows: list[dict[str, str]]) -> Mapping:
    """The whole rule set as an ordered mapping."""
    return {
        "id": "permenpanrb-26-2020",
        "title": "Indeks Reformasi Birokrasi 2020-2022",
        "basis": "Peraturan Menteri PANRB Nomor 26 Tahun 2020",
        "version": "2020.1",
        "years": Flow([2020, 2022]),
        "total": 100,
        "precision": 2,
        "provenance": provenance("verified", SRC_TOP),
        "scales": build_scales(),
        "areas": [{"id": area_id, "name": name} for area_id, name in AREAS],
        "#bands": Comment("Left-open: a band holds min < x <= max; D also holds 0."),
        "bands": [
            {"id": band_id, "min": lo, "max": hi, "name": name} for band_id, lo, hi, name in BANDS
        ],
        "tree": [
            {
                "id": "pengungkit",
                "name": "Komponen Pengungkit",
                "weight": 60,
                "children": [
                    build_pemenuhan(pemenuhan_rows),
                    build_hasil_antara(),
                    build_reform(zi_rows),
                ],
            },
            build_hasil(),
        ],
    }


def render(rules: Mapping, header: str = HEADER) -> str:
    """The YAML text of a rule set, its header comment first."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    lines.append("")
    lines.extend(emit_mapping(rules, 0))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- checks


class DecimalLoader(yaml.SafeLoader):
    """A SafeLoader that reads floats as Decimal, as pmprb does."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    return Decimal(loader.construct_scalar(cast(yaml.ScalarNode, node)))


DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def require_reads_back(text: str, rules: Mapping) -> None:
    """Fail unless the YAML text reads back (floats as Decimal) as the data it was written from."""
    loader = DecimalLoader(text)
    try:
        loaded = loader.get_single_data()
    finally:
        loader.dispose()
    if loaded != plain_data(rules):
        raise AssertionError("YAML does not read back as the data it was written from")


def validated(text: str, name: str) -> LoadedRules:
    """The rule set text as pmprb loads it: parsed, validated and indexed (or ProblemsError)."""
    from pmprb.inputs.loader import parse
    from pmprb.model.rules import LoadedRules, validate_rules

    return LoadedRules.build(validate_rules(parse(name, text), name, text), name, "")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def _walk(
    nodes: list[dict[str, object]], depth: int = 0
) -> Iterator[tuple[int, dict[str, object]]]:
    for node in nodes:
        yield depth, node
        yield from _walk(cast(list[dict[str, object]], node.get("children", [])), depth + 1)


def check(text: str, rules: Mapping) -> None:
    """Re-read the YAML, validate it with pmprb, and check the sources' invariants."""
    require_reads_back(text, rules)
    validated(text, DEFAULT_OUTPUT.name)
    data = cast(dict[str, object], yaml.safe_load(text))
    scales = cast(dict[str, dict[str, object]], data["scales"])
    areas = {cast(dict[str, str], a)["id"] for a in cast(list[object], data["areas"])}
    tree = cast(list[dict[str, object]], data["tree"])

    ids: Counter[str] = Counter()
    for _, node in _walk(tree):
        ids[cast(str, node["id"])] += 1
        if "area" in node and node["area"] not in areas:
            raise AssertionError(f"{node['id']}: undeclared area")
        for question in cast(list[dict[str, object]], node.get("questions", [])):
            ids[cast(str, question["id"])] += 1
            scale = scales[cast(str, question["scale"])]
            for label in cast(dict[str, str], question.get("options", {})):
                if label not in cast(dict[str, object], scale["options"]):
                    raise AssertionError(f"{question['id']}: option {label} not in its scale")
            if "counts" in question and scale["kind"] != "number":
                raise AssertionError(f"{question['id']}: counts on a choice scale")
    dupes = [i for i, n in ids.items() if n > 1]
    if dupes:
        raise AssertionError(f"duplicate ids: {dupes}")

    def find(node_id: str) -> dict[str, object]:
        return next(n for _, n in _walk(tree) if n["id"] == node_id)

    def weights(node_id: str) -> list[Decimal]:
        children = cast(list[dict[str, object]], find(node_id)["children"])
        return [Decimal(str(c["weight"])) for c in children]

    pemenuhan = find("pemenuhan")
    indicators = [n for d, n in _walk([pemenuhan]) if d == 2]
    questions = [q for n in indicators for q in cast(list[object], n["questions"])]
    _require(len(indicators) == 33, f"{len(indicators)} Pemenuhan indicators, not 33")
    _require(len(questions) == 143, f"{len(questions)} Pemenuhan questions, not 143")
    top = sum(Decimal(str(n["weight"])) for n in tree)
    _require(top == cast(int, data["total"]), "top-level weights do not sum to total")
    for node_id, total in [
        ("pengungkit", 60), ("pemenuhan", 20), ("hasil_antara", 10), ("reform", 30), ("hasil", 40),
        ("hasil.akuntabilitas", 10), ("hasil.pelayanan", 10), ("hasil.bersih", 10),
        ("hasil.kinerja", 10),
    ]:  # fmt: skip
        _require(sum(weights(node_id)) == total, f"{node_id}: weights do not sum to {total}")
    for area_id, _ in AREAS:
        # Pemenuhan indicator weights are printed rounded: within 0.01 of the area weight.
        printed = sum(weights(area_id))
        if abs(printed - Decimal(PEMENUHAN_AREA_WEIGHT[area_id])) > Decimal("0.011"):
            raise AssertionError(f"{area_id}: indicator weights sum to {printed}")
    for spec_area, weight, _, specs in HASIL_ANTARA:
        if sum(Decimal(s.weight) for s in specs) != Decimal(weight):
            raise AssertionError(f"ha.{spec_area}: indicator weights do not sum to {weight}")


# The BPK audit opinions, as the LKE names them (the answer descriptors of opini_bpk).
OPINI_BPK_OPTIONS: dict[str, Value] = {
    "WTP": "Wajar Tanpa Pengecualian",
    "WDP": "Wajar Dengan Pengecualian",
    "TW": "Tidak Wajar",
    "TMP": "Tidak Menyatakan Pendapat",
}


def indicator(
    indicators: dict[str, Mapping],
    area_children: dict[str, list[Value]],
    area: str,
    ind_id: str,
    name: str,
    weight: str,
) -> Mapping:
    """The indicator node with this id, created (and added to its area) on first use.

    Every TSV row repeats its indicator's name and weight: a row that disagrees with the
    first one is drift in the source, so it fails instead of being silently ignored.
    """
    node = indicators.get(ind_id)
    if node is None:
        node = {"id": ind_id, "name": name, "weight": Decimal(weight), "questions": []}
        indicators[ind_id] = node
        area_children[area].append(node)
    elif node["name"] != name:
        raise ValueError(f"{ind_id}: name {name!r} differs from {node['name']!r} of an earlier row")
    elif str(node["weight"]) != str(Decimal(weight)):
        raise ValueError(
            f"{ind_id}: weight {weight} differs from {node['weight']} of an earlier row"
        )
    return node


def generator_args(
    doc: str | None, domain: Path, output: Path, argv: list[str] | None
) -> argparse.Namespace:
    """The command line every rule set generator takes: [DOMAIN] [--output FILE] [--check]."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("domain", nargs="?", type=Path, default=domain)
    parser.add_argument("--output", type=Path, default=output)
    parser.add_argument("--check", action="store_true", help="fail if the output is out of date")
    return parser.parse_args(argv)


def write_or_check(output: Path, text: str, check_only: bool, script: str) -> int:
    """Write the generated file, or with check_only say whether it is out of date (exit 1)."""
    if check_only:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            print(f"{output} is out of date: run {script}", file=sys.stderr)
            return 1
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Build (or with --check, verify) the rule set file."""
    args = generator_args(__doc__, DEFAULT_DOMAIN, DEFAULT_OUTPUT, argv)

    rules = build_rules(read_tsv(args.domain / PEMENUHAN_TSV), read_tsv(args.domain / ZI_TSV))
    text = render(rules)
    check(text, rules)
    return write_or_check(args.output, text, args.check, "tools/build_rules_26_2020.py")


if __name__ == "__main__":
    sys.exit(main())
