"""Build rules/surabe-2025-opd.yaml from the shared table surabe-2025-opd.tsv.

Usage: python tools/build_rules_surabe_2025.py [DOMAIN_DIR] [--output FILE] [--check]

SURABE BERANI 2025 is Pemprov Sulawesi Tengah's own LKE for its perangkat daerah (OPD):
RB General PD and RB Tematik PD, aspek, sub-aspek, sub-sub-aspek and 107 indicators.
DOMAIN_DIR holds surabe-2025-opd.tsv (default: ../shared/domain relative to the
repository). The YAML is written with the emitter of build_rules_26_2020.py, re-read and
validated by pmprb itself; --check fails when the file is out of date.

How the tree maps onto the rule-set format (see docs/formats.md):
- an indicator of the sheet is a question; a sub-sub-aspek is a pmprb indicator (a node
  with questions), so its value is the mean of its indicators (unanswered ones count 0)
  times its share;
- a sub-aspek has `aggregate: sum` (its sub-sub-aspek values are added at their own
  weights); an aspek and an RB are plain means (equal weights of 100, as stored);
- the final score is the weighted mean of the two RBs with the weights of the top nodes:
  RB General 65, RB Tematik 35 (the 65/35 rule, one of the four rules in the source code,
  labelled in the rule set; an overlay switches to another).
"""

from __future__ import annotations

import re
import sys
import textwrap
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tools` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.build_rules_26_2020 import (
    BANDS,
    DEFAULT_DOMAIN,
    Comment,
    Expected,
    Flow,
    Mapping,
    Value,
    add_documents,
    generator_args,
    provenance,
    read_tsv,
    render,
    require_reads_back,
    validated,
    write_or_check,
)

REPO = Path(__file__).resolve().parents[1]
TSV = "surabe-2025-opd.tsv"
SCRIPT = "tools/build_rules_surabe_2025.py"
DEFAULT_OUTPUT = REPO / "rules" / "surabe-2025-opd.yaml"

SRC_TOP = (
    "SURABE BERANI 2025 (Pemprov Sulawesi Tengah), public repository ikyhci/surabe, README"
    " 1.0.2 (June 2025), snapshot edcd90b: the tree, weights, answer types, option values and"
    " evidence lists from lke_pengukuran_irb.sql; the aggregation from app/Models/NilaiModel.php"
    " and LkeModel.php [V-3p]"
)
# The final rule: which of the four rules in the code is bundled, and why.
SRC_FINAL = (
    "final rule 65/35: nilai_akhir = (RB General x 65 + RB Tematik x 35) / 100, as"
    " LkeModel::getOpdWithAspekValuesSimple computes it (report/getOpdAspekData and the API"
    " getOpdAspekData), weights hard-coded by RB name, matching the announced design 'RB"
    " General PD 65 / RB Tematik PD 35' [V-3p]. Competing rules in the same code: plain mean"
    " (General + Tematik) / 2 (NilaiModel::getNilaiOpd, the public rekap 'capaian'); General +"
    " Tematik up to 200 (DashboardModel::nilaiOpd with lke_rb.bobot 100/100); mean of the five"
    " aspek (getOpdWithAspekValues). See docs/membuat-instrumen.md for overlays switching rule"
)
SRC_BANDS = (
    "SURABE publishes no categories: these are the Indeks RB bands of PermenPANRB 26/2020,"
    " shown for orientation only [P]"
)

RB_ID = {"I": "general", "II": "tematik"}
RB_WEIGHT = {"I": 65, "II": 35}

# Ya/Tidak and the 0-100 inputs are fixed in the evaluator form.
YA_TIDAK = "ya_tidak"
PERSEN = "persen_0_100"
NO_OPTIONS = "nilai_0_100_tanpa_opsi"


def _value(text: str) -> Decimal:
    """A stored option value (0-100) as a share in [0, 1], exactly."""
    return Decimal(text) / 100


def _options(raw: str) -> list[tuple[str, str]]:
    """'A=100 | B=80' as [(label, value)], in the stored order."""
    out = []
    for part in raw.split("|"):
        label, _sep, value = part.strip().partition("=")
        out.append((label.strip(), value.strip()))
    return out


class Builder:
    """Collects the scales while it walks the table."""

    def __init__(self) -> None:
        self.scales: dict[str, Value] = {
            YA_TIDAK: {
                "kind": "choice",
                "name": "Ya/Tidak (YA = 100, TIDAK = 0)",
                "options": Flow({"Ya": 1, "Tidak": 0}),
            },
            PERSEN: {
                "kind": "number",
                "name": "Nilai 0-100 (Skala Linear, Persentase)",
                "min": 0,
                "max": 100,
                "unit": "%",
            },
        }

    def choice_scale(self, raw: str, note: str) -> tuple[str, str]:
        """The scale of a Pilihan Ganda value table (made once per distinct table) and a
        note on what was left out."""
        options = _options(raw)
        dropped = ""
        # a stored option '1' beside the lettered ones is a leftover criterion row [I]
        if any(label.isalpha() for label, _v in options) and any(
            label.isdigit() for label, _v in options
        ):
            kept = [(label, v) for label, v in options if not label.isdigit()]
            dropped = "; ".join(f"{label}={v}" for label, v in options if label.isdigit())
            options = kept
        labels = "".join(label.lower() for label, _v in options)
        name = "pg_" + labels + "_" + "_".join(v for _l, v in options)
        if name not in self.scales:
            self.scales[name] = {
                "kind": "choice",
                "name": "Pilihan Ganda " + " / ".join(f"{label}={v}" for label, v in options),
                "options": Flow({label: _value(v) for label, v in options}),
            }
        return name, dropped


def _slug(code: str) -> str:
    return code.lower().replace(".", "_")


def _evidence_count(note: str) -> int:
    found = re.search(r"required evidence items: (\d+)", note)
    return int(found.group(1)) if found else 0


# Documents an indicator's own text names (its name in the sheet: "Telah Memiliki Dokumen
# Arsitektur SPBE ...", "SK Pembentukan Panitia ..."), keyed by the indicator's path in
# surabe-2025-opd.tsv. The table counts each indicator's required evidence rows
# (lke_bukti_dukung: `evidence_items`) without naming them, so nothing else is listed.
SURABE_DOCUMENTS: list[Expected] = [
    Expected(
        ("I / A / 1 / 1.1 / a",),
        "arsitektur-spbe",
        "Dokumen Arsitektur SPBE Perangkat Daerah",
        ("arsitektur spbe",),
    ),
    Expected(
        ("I / A / 1 / 1.1 / b",),
        "peta-rencana-spbe",
        "Dokumen Peta Rencana (Roadmap) Penerapan SPBE Perangkat Daerah",
        ("peta rencana", "roadmap"),
    ),
    Expected(
        ("I / B / 2 / 2.1 / a",),
        "surat-permohonan-perda",
        "Surat Permohonan pengusulan Pembentukan Peraturan Daerah/Peraturan Kepala Daerah",
        ("surat permohonan",),
    ),
    Expected(
        ("I / B / 2 / 2.1 / b",),
        "naskah-akademik",
        "Naskah Akademik/penjelasan dan/atau keterangan mengenai urgensi dan pokok pikiran",
        ("naskah akademik",),
    ),
    Expected(
        ("I / B / 2 / 2.1 / c",),
        "sk-panitia-antar-pd",
        "SK Pembentukan Panitia Antar Perangkat Daerah",
        ("panitia antar perangkat daerah",),
    ),
    Expected(
        ("I / B / 2 / 2.1 / d",),
        "rancangan-perda-diparaf",
        "Rancangan Peraturan Daerah/Peraturan Kepala Daerah yang telah di paraf pejabat terkait",
        ("rancangan peraturan",),
    ),
    Expected(
        ("I / B / 3 / 3.1 / a",),
        "sk-tim-sp4n-lapor",
        "SK atau SP Kepala Perangkat Daerah",
        ("tim pengelola", "sk", "sp"),
    ),
    Expected(
        ("I / C / 1 / 1.1 / a",),
        "rencana-aksi-rb-general",
        "Dokumen Rencana Aksi Pembangunan RB General",
        ("rencana aksi",),
    ),
    Expected(
        ("II / A / 1 / 1.1 / a",),
        "rencana-aksi-rb-tematik",
        "Dokumen Rencana Aksi Pembangunan RB Tematik",
        ("rencana aksi",),
    ),
]
SRC_DOCUMENTS = (
    "the document the indicator's text names (surabe-2025-opd.tsv, from lke_pengukuran_irb.sql"
    " of ikyhci/surabe), taken as the answer's data dukung [V-3p text]"
)


def build_tree(rows: list[dict[str, str]], builder: Builder) -> list[Value]:
    """The two RBs with everything under them, in the table's order."""
    tops: list[Value] = []
    by_path: dict[str, dict[str, Value]] = {}
    indicators: dict[str, Mapping] = {}  # pmprb indicators (sub-sub-aspek) by id
    qids: dict[str, str] = {}  # the sheet's indicator path -> question id
    texts: dict[str, str] = {}  # question id -> the indicator's text
    for row in rows:
        parts = [p.strip() for p in row["path"].split("/")]
        level = row["level"]
        parent = by_path.get(" / ".join(parts[:-1]))
        if level == "rb":
            rb = parts[0]
            node: dict[str, Value] = {
                "id": RB_ID[rb],
                "name": row["name"],
                "weight": RB_WEIGHT[rb],
                "provenance": provenance("verified", SRC_FINAL),
                "aggregate": "plain_mean",
                "children": [],
            }
            tops.append(node)
        elif level in ("aspek", "sub_aspek"):
            assert parent is not None
            node = {
                "id": f"{parent['id']}.{_slug(parts[-1])}",
                "name": row["name"],
                "weight": Decimal(row["weight"]),
            }
            node["aggregate"] = "sum" if level == "sub_aspek" else "plain_mean"
            node["children"] = []
            _children(parent).append(node)
        elif level == "sub_sub_aspek":
            assert parent is not None
            node = {
                "id": f"{parent['id']}.{_slug(parts[-1])}",
                "name": row["name"],
                "weight": Decimal(row["weight"]),
                "questions": [],
            }
            if "indicators: 0" in row["note"]:
                # a sub-sub-aspek without indicators contributes 0 to its sum: left out
                _children(parent).append(
                    Comment(
                        f"{parts[-1]} {row['name']} (bobot {row['weight']}, created 2025-06-19)"
                        " has no indicators: it adds 0 to the sum and is left out."
                    )
                )
            else:
                _children(parent).append(node)
                indicators[str(node["id"])] = node
        elif level == "indikator":
            assert parent is not None
            node = question(row, parts[-1], str(parent["id"]), builder)
            questions = parent["questions"]
            assert isinstance(questions, list)
            questions.append(node)
            qids[" / ".join(parts)], texts[str(node["id"])] = str(node["id"]), row["name"]
        else:
            raise AssertionError(f"unknown level {level!r} at {row['path']}")
        by_path[" / ".join(parts)] = node
    documents = [
        Expected(tuple(qids[p] for p in doc.questions), doc.id, doc.name, doc.match)
        for doc in SURABE_DOCUMENTS
    ]
    add_documents(indicators, documents, texts, provenance("inferred", SRC_DOCUMENTS))
    return tops


def _children(node: dict[str, Value]) -> list[Value]:
    children = node["children"]
    assert isinstance(children, list)
    return children


def question(row: dict[str, str], code: str, parent: str, builder: Builder) -> dict[str, Value]:
    """One indicator of the sheet as a question: its scale, evidence and notes."""
    kind = row["answer_type"]
    notes: list[str] = []
    status = "verified"
    if kind == "Ya/Tidak":
        scale = YA_TIDAK
    elif kind in ("Skala Linear", "Persentase (%)"):
        scale = PERSEN
    elif kind == "Pilihan Ganda" and row["options"]:
        scale, dropped = builder.choice_scale(row["options"], row["note"])
        if dropped:
            notes.append(f"an extra stored option {dropped} is left out (a leftover criterion row)")
            status = "inferred"
        missing = re.search(r"option\(s\) (\S+) missing", row["note"])
        if missing:
            notes.append(f"option {missing.group(1)} is not stored in the source")
    elif kind == "Pilihan Ganda":
        scale = NO_OPTIONS
        notes.append("Pilihan Ganda with no options stored: the evaluator's value 0-100 is entered")
        status = "provisional"
    else:
        raise AssertionError(f"unknown answer type {kind!r}")
    count = _evidence_count(row["note"])
    detail = f"{row['name']}. Jenis jawaban: {kind}."
    if count:
        detail += f" Bukti dukung wajib: {count} dokumen."
    out: dict[str, Value] = {
        "id": f"{parent}.{code.lower()}",
        "text": row["name"],
        "scale": scale,
        "detail": detail,
    }
    if notes or status != "verified":
        out["provenance"] = provenance(status, "; ".join(notes))
    if count:
        out["evidence_required"] = True
        out["evidence_items"] = count
    return out


def build_rules(rows: list[dict[str, str]]) -> Mapping:
    """The rule set as an ordered mapping."""
    builder = Builder()
    tree = build_tree(rows, builder)
    if any(row["answer_type"] == "Pilihan Ganda" and not row["options"] for row in rows):
        builder.scales[NO_OPTIONS] = {
            "kind": "number",
            "name": "Nilai 0-100 (Pilihan Ganda tanpa opsi tersimpan)",
            "min": 0,
            "max": 100,
        }
    bands: list[Value] = [
        {"id": b, "min": lo, "max": hi, "name": name} for b, lo, hi, name in BANDS
    ]
    return {
        "id": "surabe-2025-opd",
        "title": "SURABE BERANI 2025: LKE Reformasi Birokrasi Perangkat Daerah",
        "basis": "Pemerintah Provinsi Sulawesi Tengah, aplikasi SURABE BERANI 2025",
        "version": "2025.1",
        "years": Flow([2025, 2025]),
        "#total": Comment(
            textwrap.fill(
                "Nilai akhir = (RB General x 65 + RB Tematik x 35) / 100, each RB the plain"
                " mean of its aspek: the weights of the two top nodes are the final rule.",
                90,
            )
        ),
        "total": 100,
        "precision": 2,
        "provenance": provenance("verified", SRC_TOP),
        "#levels": Comment("The sheet's own names of its levels, shown in results."),
        "levels": Flow(["RB", "Aspek", "Sub-aspek", "Sub-sub-aspek"]),
        "scales": builder.scales,
        "#bands": Comment(textwrap.fill(SRC_BANDS, 90)),
        "bands": bands,
        "tree": tree,
    }


HEADER = """\
SURABE BERANI 2025: LKE Reformasi Birokrasi Perangkat Daerah (Pemprov Sulawesi Tengah).

GENERATED by tools/build_rules_surabe_2025.py from the shared domain table
surabe-2025-opd.tsv: edit the script or the table, not this file.

An indicator of the sheet is a question (Pilihan Ganda with its own value table, Ya/Tidak
100/0, Skala Linear and Persentase on 0-100); a sub-sub-aspek scores the mean of its
indicators (unanswered ones count 0) times its share; a sub-aspek is the sum of its
sub-sub-aspek (`aggregate: sum`); an aspek and an RB are plain means; the final score is
RB General x 65 + RB Tematik x 35 over 100 (the weights of the two top nodes). The final
rule is one of four in the source code: see the provenance of `general` and
docs/membuat-instrumen.md for an overlay that switches to another. Evidence: the number of
documents each indicator asks for (`evidence_items`, required), and the documents an
indicator's own text names (`documents` on its sub-sub-aspek, labelled inferred)."""


def check(text: str, name: str) -> None:
    """Re-read and validate the YAML; the counts of the source hold."""
    loaded = validated(text, name)
    rs = loaded.rules
    if len(loaded.questions) != 107:
        raise AssertionError(f"{len(loaded.questions)} indicators, not 107")
    if loaded.maxima["general"] != 65 or loaded.maxima["tematik"] != 35:
        raise AssertionError("final weights are not 65/35")
    for node in loaded.nodes.values():
        if node.aggregate == "sum":
            parts = sum(Fraction(c.weight) for c in node.children or ())
            if parts != Fraction(node.weight):
                raise AssertionError(f"sub-sub-aspek weights under {node.id} do not add up")
    if rs.total != 100:
        raise AssertionError("total is not 100")


def main(argv: list[str] | None = None) -> int:
    """Build (or with --check, verify) the rule set file."""
    args = generator_args(__doc__, DEFAULT_DOMAIN, DEFAULT_OUTPUT, argv)
    rules = build_rules(read_tsv(args.domain / TSV))
    text = render(rules, HEADER)
    require_reads_back(text, rules)
    check(text, args.output.name)
    return write_or_check(args.output, text, args.check, SCRIPT)


if __name__ == "__main__":
    sys.exit(main())
