"""Build the three Evaluasi RB 2023+ rule sets from the shared domain table rb-2023-lke.tsv.

Usage: python tools/build_rules_rb_2023.py [DOMAIN_DIR] [--out-dir DIR] [--check]

Writes rules/permenpanrb-9-2023-kl.yaml, -provinsi.yaml and -kabkota.yaml (one per level of
the TSV). DOMAIN_DIR holds rb-2023-lke.tsv (default: ../shared/domain relative to the
repository). The YAML is written as text with the emitter of build_rules_26_2020.py, then
re-read and validated by pmprb itself; --check fails when a file is out of date.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tools` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.build_rules_26_2020 import (
    BANDS,
    DEFAULT_DOMAIN,
    Comment,
    Flow,
    Mapping,
    Value,
    provenance,
    read_tsv,
    render,
    require_reads_back,
    validated,
    write_or_check,
)

REPO = Path(__file__).resolve().parents[1]
TSV = "rb-2023-lke.tsv"
SCRIPT = "tools/build_rules_rb_2023.py"

# level -> (rule set id suffix, title word, RB Tematik weight, total)
LEVELS: dict[str, tuple[str, str]] = {
    "kl": ("kl", "Kementerian/Lembaga"),
    "provinsi": ("provinsi", "Pemerintah Provinsi"),
    "kabkota": ("kabkota", "Pemerintah Kabupaten/Kota"),
}

SRC_TOP = (
    "PermenPANRB 9/2023 and KepmenPANRB 739/2023 (juknis 2023): the 2023 worksheet trees,"
    " weights, ranges, multiplier lines and evaluators as stored in a third-party copy of"
    " KemenPANRB's evaluation system (Portal RB, database of 2024-06-08) [V-3p]; KepmenPANRB"
    " 182/2024 (juknis 2024) reportedly changed little, its weights are not published in a"
    " source we hold: this is the 2023 tree"
)
SRC_ROUNDING = (
    "line points rounded to 2 decimals as IEEE doubles: over 442 official line figures,"
    " binary64 matches all but 3 known anomalies, exact half-up misses 4 by 0.01 [V-3p]"
)
SRC_OPINI = (
    "the option-to-points mapping of Opini BPK is not known (5 of 5 for WTP and 3.33 for"
    " another option are seen): answer the points as the evaluator entered them"
)
SRC_KOEF_PEMDA = (
    "signed koefisien -10..1: only 0 or empty values are seen at this level, so how a"
    " non-zero value converts is unverified; taken as the points themselves"
)
SRC_ADJUSTED = (
    "lines the evaluators mark 'nilai tidak diperhitungkan' leave the adjusted weight:"
    " RB General adjusted = RB General / adjusted weight x 100 (KPU 2023: 65.14 / 94.5 x 100"
    " = 68.93; + RB Tematik 0.83 = 69.76, KemenPANRB letter B/679/RB.06/2025) [V]"
)

# Line ids: a slug from the line's name (first match wins; names carry the LKE's typos).
LINE_SLUGS: list[tuple[str, str]] = [
    ("implementasi rencana aksi", "implementasi_rencana_aksi"),
    ("rencana aksi pembangunan rb general", "rencana_aksi"),
    ("struktur organisasi", "struktur_organisasi"),
    ("sistem kerja", "sistem_kerja"),
    ("pengendalian intern", "spip"),
    ("zona integritas", "zona_integritas"),
    ("akuntabilitas kinerja instansi", "sakip"),
    ("perencanaan pembangunan", "perencanaan_pembangunan"),
    ("arsitektur", "arsitektur_spbe"),
    ("digitalisasi arsip", "digitalisasi_arsip"),
    ("pelaksanaan anggaran", "ikpa"),
    ("pengelolaan aset", "pengelolaan_aset"),
    ("lapor", "lapor"),
    ("kualitas kebijakan", "kualitas_kebijakan"),
    ("reformasi hukum", "reformasi_hukum"),
    ("statistik sektoral", "statistik_sektoral"),
    ("pengadaan", "tata_kelola_pengadaan"),
    ("sistem merit", "sistem_merit"),
    ("indeks pelayanan publik", "indeks_pelayanan_publik"),
    ("kepatuhan standar", "kepatuhan_standar_pelayanan"),
    ("spbe", "indeks_spbe"),
    ("sistem pemerintahan berbasis elektronik", "indeks_spbe"),
    ("prioritas nasional", "prioritas_nasional"),
    ("non makro", "iku_non_makro"),
    ("makro", "iku_makro"),
    ("capaian iku", "iku"),
    ("opini bpk", "opini_bpk"),
    ("tindak lanjut rekomendasi", "tindak_lanjut_bpk"),
    ("berakhlak", "berakhlak"),
    ("penilaian integritas", "spi"),
    ("kepuasan masyarakat", "skm"),
    ("koefisien", "koefisien"),
    ("koeifisen", "koefisien"),
]
THEMES: list[tuple[str, str]] = [
    ("kemiskinan", "kemiskinan"),
    ("investasi", "investasi"),
    ("stunting", "stunting"),
    ("produk dalam negeri", "pdn"),
    ("inflasi", "inflasi"),
]
THEME_KINDS: list[tuple[str, str]] = [
    ("(rencana aksi", "rencana_aksi"),
    ("(strategi pembangunan)", "strategi"),
    ("(capaian output)", "output"),
    ("(capaian dampak)", "dampak"),
]
GROUP_SLUGS: list[tuple[str, str]] = [
    ("strategi pelaksanaan rb general", "a"),
    ("capaian pelaksanaan kebijakan", "b"),
    ("capaian sasaran strategis", "c"),
    ("hard element", "hard"),
    ("soft element", "soft"),
    ("indeks pelayanan publik", "pelayanan_publik"),
    ("capaian akuntabilitas kinerja", "akuntabilitas_kinerja"),
    ("akuntabilitas keuangan", "akuntabilitas_keuangan"),
    ("strategi pelaksanaan rb tematik", "strategi_pelaksanaan"),
    ("rencana aksi pembangunan rb tematik", "rencana_aksi"),
    ("capaian output", "output"),
    ("strategi pembangunan", "strategi"),
    ("capaian utama rb tematik", "capaian_utama"),
    ("dampak", "dampak"),
]


def _slug(name: str, table: list[tuple[str, str]]) -> str:
    low = name.casefold()
    for needle, slug in table:
        if needle in low:
            return slug
    raise ValueError(f"no id for {name!r}")


@dataclass
class Row:
    """One node of the LKE tree as the TSV gives it."""

    param_id: str
    kind: str
    name: str
    weight: Decimal
    low: Decimal | None
    high: Decimal | None
    multiplier_of: str
    direct: bool
    negative: bool
    evaluator: str
    code: str
    children: list[Row] = field(default_factory=list)

    @property
    def is_line(self) -> bool:
        return self.kind == "indicator"


def _code(note: str) -> str:
    match = re.search(r"code ([^;]+)", note)
    if match is None:
        raise ValueError(f"no code in {note!r}")
    return match.group(1).strip()


def read_level(rows: list[dict[str, str]], level: str) -> tuple[Row, Row]:
    """RB General and RB Tematik of one level, as trees linked by the TSV's parent paths."""
    by_path: dict[str, Row] = {}
    tops: list[Row] = []
    for r in rows:
        if r["level"] != level:
            continue
        code = _code(r["note"])
        row = Row(
            r["param_id"],
            r["node_kind"],
            r["name"],
            Decimal(r["weight"]),
            Decimal(r["min"]) if r["min"] else None,
            Decimal(r["max"]) if r["max"] else None,
            r["multiplier_of"],
            r["direct_points"] == "yes",
            r["negative"] == "yes",
            r["evaluator"].split("; penilai_id")[0].strip(),
            code,
        )
        parent = r["parent_path"]
        if not parent:
            by_path[r["name"]] = row
            tops.append(row)
            continue
        by_path[f"{parent} > {code}. {r['name']}"] = row
        by_path[parent].children.append(row)
    general, tematik = (next(t for t in tops if t.name == n) for n in ("RB General", "RB Tematik"))
    return general, tematik


def collapse(row: Row) -> Row:
    """Drop the worksheet's single-child levels: a group with one child of its own weight
    becomes that line, or keeps its name and takes its child's children."""
    row.children = [collapse(c) for c in row.children]
    if len(row.children) == 1 and row.children[0].weight == row.weight:
        only = row.children[0]
        if only.is_line:
            return only
        row.children = only.children
    return row


@dataclass
class Builder:
    """Turns one level's trees into rule-set nodes, collecting the scales they use."""

    level: str
    scales: dict[str, Mapping] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # line name -> node id

    def scale(self, row: Row) -> str:
        assert row.low is not None
        assert row.high is not None
        if row.name == "Opini BPK":
            # the stored range 0-1 is not used: the entered score is the points
            key = f"poin_opini_bpk_0_{row.weight}"
            self.scales[key] = {
                "kind": "number",
                "name": f"Opini BPK: poin 0-{row.weight} (WTP {row.weight})",
                "min": 0,
                "max": row.weight,
                "normalise": "points",
            }
            return key
        kind = "points" if row.direct or row.negative else "ratio"
        word = "poin" if kind == "points" else "nilai"
        key = f"{word}_{row.low}_{row.high}".replace("-", "m").replace(".", "_")
        shown = "Poin" if kind == "points" else "Nilai"
        self.scales[key] = {
            "kind": "number",
            "name": f"{shown} {row.low} s.d. {row.high}",
            "min": row.low,
            "max": row.high,
            "normalise": kind,
        }
        return key

    def line_id(self, row: Row, prefix: str) -> str:
        if prefix == "tematik":
            slug = f"{_slug(row.name, THEMES)}.{_slug(row.name, THEME_KINDS)}"
        else:
            slug = _slug(row.name, LINE_SLUGS)
        node_id = slug if slug == "koefisien" else f"{prefix}.{slug}"
        self.ids[row.name] = node_id
        return node_id

    def line(self, row: Row, prefix: str) -> Mapping:
        node_id = self.line_id(row, prefix)
        scale = self.scale(row)
        node: Mapping = {
            "id": node_id,
            "name": row.name,
            "weight": row.weight,
            "param_id": row.param_id,
        }
        if row.evaluator:
            node["evaluator"] = row.evaluator
        if row.negative:
            node["adjustment"] = True
        if row.multiplier_of:
            node["multiply_by"] = row.multiplier_of  # a name: resolved to an id afterwards
        if row.name == "Opini BPK":
            node["provenance"] = provenance("inferred", SRC_OPINI)
        elif row.negative and self.level != "kl":
            node["provenance"] = provenance("inferred", SRC_KOEF_PEMDA)
        node["questions"] = [
            {
                "id": f"{node_id}.nilai",
                "text": f"Nilai {row.name}",
                "scale": scale,
                "detail": self.detail(row),
            }
        ]
        return node

    def detail(self, row: Row) -> str:
        who = f" Diisi oleh {row.evaluator}." if row.evaluator else ""
        if row.name == "Opini BPK":
            how = f"Isikan poin yang diberikan (0-{row.weight}; WTP = {row.weight})."
        elif row.direct or row.negative:
            how = f"Nilai yang diisikan adalah poinnya ({row.low} s.d. {row.high})."
        else:
            how = f"Poin = nilai / {row.high} x bobot {row.weight}."
        if row.multiplier_of:
            how += f" Dikalikan dengan capaian baris '{row.multiplier_of}'."
        return how + who

    def group(self, row: Row, node_id: str, prefix: str) -> Mapping:
        children: list[Value] = []
        for child in row.children:
            if child.is_line:
                children.append(self.line(child, prefix))
            else:
                sub_id = f"{node_id}.{_slug(child.name, GROUP_SLUGS)}"
                children.append(self.group(child, sub_id, prefix))
        return {
            "id": node_id,
            "name": row.name,
            "weight": row.weight,
            "param_id": row.param_id,
            "aggregate": "sum",
            "children": children,
        }

    def general(self, row: Row) -> Mapping:
        children: list[Value] = []
        for child in row.children:
            if child.is_line:  # the koefisien, collapsed to its line
                children.append(self.line(child, "koefisien"))
                continue
            letter = _slug(child.name, GROUP_SLUGS)
            children.append(self.group(child, letter, letter))
        return {
            "id": "rb_general",
            "name": "RB General",
            "weight": row.weight,
            "param_id": row.param_id,
            "aggregate": "sum",
            "#rescale": Comment(textwrap.fill(SRC_ADJUSTED, 90)),
            "rescale": "adjusted",
            "not_counted": "allowed",
            "children": children,
        }

    def tematik(self, row: Row) -> Mapping:
        node = self.group(row, "rb_tematik", "tematik")
        node["children"] = [self._rename_tematik(c) for c in node["children"]]  # type: ignore[union-attr]
        return node

    def _rename_tematik(self, child: Value) -> Value:
        assert isinstance(child, dict)
        old = str(child["id"])
        child["id"] = "tematik." + old.split(".")[-1]
        for grand in child.get("children", []):  # type: ignore[union-attr]
            assert isinstance(grand, dict)
            if "children" in grand:
                grand["id"] = f"{child['id']}.{str(grand['id']).split('.')[-1]}"
        return child


def resolve_multipliers(nodes: list[Value], ids: dict[str, str]) -> None:
    """`multiply_by` was written as the TSV's line name: make it the line's id."""
    for node in nodes:
        if not isinstance(node, dict):
            continue
        if "multiply_by" in node:
            node["multiply_by"] = ids[str(node["multiply_by"])]
        resolve_multipliers(node.get("children", []), ids)  # type: ignore[arg-type]


def build_rules(rows: list[dict[str, str]], level: str) -> Mapping:
    """One level's rule set as an ordered mapping."""
    suffix, who = LEVELS[level]
    general, tematik = (collapse(t) for t in read_level(rows, level))
    builder = Builder(level)
    tree: list[Value] = [builder.general(general), builder.tematik(tematik)]
    resolve_multipliers(tree, builder.ids)
    total = general.weight + tematik.weight
    bands: list[Value] = [
        {"id": b, "min": lo, "max": total if b == "AA" else hi, "name": name}
        for b, lo, hi, name in BANDS
    ]
    return {
        "id": f"permenpanrb-9-2023-{suffix}",
        "title": f"Indeks RB 2023+ (Evaluasi RB General dan Tematik), {who}",
        "basis": "Peraturan Menteri PANRB Nomor 9 Tahun 2023",
        "version": "2023.1",
        "#years": Comment(
            "The 2023 tree; the 2024 juknis (KepmenPANRB 182/2024) reportedly changed little."
        ),
        "years": Flow([2023, 2026]),
        "#total": Comment(
            f"Indeks RB = RB General (rescaled to 100) + RB Tematik ({tematik.weight}):"
            f" up to {total}."
        ),
        "total": total,
        "precision": 2,
        "provenance": provenance("verified", SRC_TOP),
        "#line_rounding": Comment(textwrap.fill(SRC_ROUNDING, 90)),
        "line_rounding": Flow({"decimals": 2, "mode": "binary64"}),
        "scales": dict(sorted(builder.scales.items())),
        "#bands": Comment("The Indeks RB bands; the top band is open above 90 up to the total."),
        "bands": bands,
        "tree": tree,
    }


HEADER = """\
Evaluasi Reformasi Birokrasi 2023+ (PermenPANRB 9/2023), {who}.

GENERATED by tools/build_rules_rb_2023.py from the shared domain table rb-2023-lke.tsv:
edit the script or the table, not this file.

Indeks RB = RB General adjusted + RB Tematik. RB General = A. Strategi Pelaksanaan 10 +
B. Capaian Pelaksanaan Kebijakan RB 40 + C. Capaian Sasaran Strategis RB 50, plus the signed
koefisien; each line scores value / max x weight (the range's lower bound not subtracted),
some times the share of another line (`multiply_by`), some take the value as the points;
lines are rounded to 2 decimals as the official system does (binary64) and then added up.
Lines the evaluators do not count leave RB General's adjusted weight (`not_counted` in an
answer file, with its justification). `param_id` is the worksheet's own line id, `evaluator`
who supplies the value. Single-child levels of the worksheet are folded into their line.

Provenance: weights, ranges, multipliers and evaluators verified in a third-party copy of
KemenPANRB's evaluation system [V-3p]; the Opini BPK option-to-points mapping is unknown
(the answer is the points); this is the 2023 tree (the 2024 juknis reportedly changed little)."""


def check(text: str, level: str, name: str) -> None:
    """Re-read and validate the YAML; weights under every node add up to the node's weight."""
    loaded = validated(text, name)
    rs = loaded.rules
    tematik_weight = {"kl": 10, "provinsi": 20, "kabkota": 20}[level]
    if rs.total != 100 + tematik_weight:
        raise AssertionError(f"{level}: total {rs.total}")
    expected = {"rb_general": 100, "a": 10, "b": 40, "c": 50, "rb_tematik": tematik_weight}
    for node_id, weight in expected.items():
        if loaded.maxima[node_id] != weight:
            raise AssertionError(f"{level}: {node_id} maximum {loaded.maxima[node_id]}")
    for node in loaded.nodes.values():
        parts = [c for c in node.children or () if not c.adjustment]
        if parts and sum(Fraction(c.weight) for c in parts) != Fraction(node.weight):
            raise AssertionError(f"{level}: weights under {node.id} do not add up")
    for spec_id, spec in loaded.lines.items():
        if spec.rounding is None:
            raise AssertionError(f"{spec_id}: no line rounding")


def main(argv: list[str] | None = None) -> int:
    """Build (or with --check, verify) the three rule set files."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("domain", nargs="?", type=Path, default=DEFAULT_DOMAIN)
    parser.add_argument("--out-dir", type=Path, default=REPO / "rules")
    parser.add_argument("--check", action="store_true", help="fail if a file is out of date")
    args = parser.parse_args(argv)
    rows = read_tsv(args.domain / TSV)
    status = 0
    for level, (suffix, who) in LEVELS.items():
        rules = build_rules(rows, level)
        text = render(rules, HEADER.format(who=who))
        require_reads_back(text, rules)
        output = args.out_dir / f"permenpanrb-9-2023-{suffix}.yaml"
        check(text, level, output.name)
        status |= write_or_check(output, text, args.check, SCRIPT)
    return status


if __name__ == "__main__":
    sys.exit(main())
