"""Generate the fictional examples of the Zona Integritas 2022 and 14/2014 rule sets.

Usage: python tools/make_examples_more.py [--check]

Kota Sukamaju does not exist. Each file is generated from its bundled rule set with a fixed
seed and a target attainment per area, so it follows every change to the rule set; --check
fails when a file is out of date or no longer scores as intended (the ZI unit must reach WBK
but not WBBM).
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tools` and `pmprb` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pmprb.model.load import load_rules
from pmprb.model.rules import ChoiceScale, LoadedRules, Node
from tools.build_rules_26_2020 import scalar

REPO = Path(__file__).resolve().parents[1]
INSTANSI = "Pemerintah Kota Sukamaju (fiktif)"

Answer = str | int | Decimal | dict[str, int]


@dataclass(frozen=True)
class Example:
    """One fictional unit's answer file."""

    path: str
    rules: str
    year: int
    name: str
    code: str
    profile: str
    seed: int
    targets: dict[str, float]  # nearest ancestor node id -> target attainment in [0, 1]
    fixed: dict[str, Answer] = field(default_factory=dict)  # question id -> answer
    evidence: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    expect: str = ""  # ZI: the predicate it must reach; 14/2014: its category


ZI = Example(
    path="assessments/zona-integritas-2022/dpmptsp.yaml",
    rules="zona-integritas-2022",
    year=2023,
    name="Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
    code="2.18.01",
    profile="heading for WBBM, reaches WBK: strong Pemenuhan, Reform and IPKP still short",
    seed=2023,
    targets={
        "mp": 0.9,
        "tl": 0.8,
        "sdm": 0.72,
        "ak": 0.88,
        "pw": 0.78,
        "pp": 0.9,
        "reform.mp": 0.8,
        "reform.tl": 0.7,
        "reform.sdm": 0.72,
        "reform.ak": 0.82,
        "reform.pw": 0.8,
        "reform.pp": 0.85,
    },
    fixed={
        # count-based answers: pmprb computes the percentage (capped at 100%)
        "reform.mp.komitmen_perubahan.a": {"perubahan": 9, "agen": 12},
        "reform.mp.komitmen_perubahan.b": {"terintegrasi": 6, "perubahan": 9},
        "reform.sdm.pelanggaran_disiplin.a": {"tahun_lalu": 4, "tahun_ini": 1},
        "reform.ak.capaian_kinerja.a": {"tercapai": 7, "sasaran": 8},
        "reform.pw.penanganan_pengaduan.a": {"selesai": 14, "harus": 15},
        "reform.pw.laporan_harta_kekayaan.a": 100,  # the percentage typed directly
        "reform.pw.laporan_harta_kekayaan.b": {"melapor": 38, "wajib": 41},
        "reform.pp.inovasi_pelayanan.b": {"dipermudah": 11, "terdata": 14},
        "hasil.bersih.ipak.nilai": Decimal("3.72"),
        "hasil.bersih.capaian_kinerja.nilai": "B",
        "hasil.pelayanan.ipkp.nilai": Decimal("3.41"),
    },
    evidence={
        "mp.tim_kerja.a": ["SK Kepala DPMPTSP No. 800/045/2023 tentang Tim Kerja Pembangunan ZI"],
        "reform.mp.komitmen_perubahan.a": [
            "SK Agen Perubahan DPMPTSP 2023",
            "Laporan Aksi Perubahan Agen Perubahan Triwulan IV 2023",
        ],
        "reform.pw.penanganan_pengaduan.a": ["Rekap SP4N-LAPOR! DPMPTSP Januari-Desember 2023"],
        "hasil.bersih.ipak.nilai": ["Laporan Survei Persepsi Anti Korupsi DPMPTSP 2023"],
        "hasil.pelayanan.ipkp.nilai": ["Laporan Survei Persepsi Kualitas Pelayanan 2023"],
    },
    notes={
        "reform.pw.penanganan_pengaduan.a": "Satu pengaduan masih diproses per 31 Desember.",
        "hasil.pelayanan.ipkp.nilai": "Di bawah 3,60 yang disyaratkan untuk WBBM.",
    },
    expect="WBK",
)

RB2019 = Example(
    path="assessments/kota-sukamaju-2019/disdukcapil.yaml",
    rules="permenpanrb-14-2014",
    year=2019,
    name="Dinas Kependudukan dan Pencatatan Sipil",
    code="2.12.01",
    profile="middle of the pack before 2020 (compare with the 26/2020 years)",
    seed=2019,
    targets={
        "mp": 0.7,
        "dk": 0.45,
        "org": 0.5,
        "tl": 0.7,
        "sdm": 0.62,
        "ak": 0.66,
        "pw": 0.58,
        "pp": 0.78,
    },
    fixed={
        "hasil.kapasitas.akuntabilitas_kinerja.nilai": Decimal("62.18"),
        "hasil.kapasitas.kapasitas_organisasi.nilai": Decimal("71.40"),
        "hasil.bersih.persepsi_korupsi.nilai": Decimal("76.25"),
        "hasil.bersih.opini_bpk.nilai": "WTP",
        "hasil.pelayanan.persepsi_kualitas_pelayanan.nilai": Decimal("80.10"),
    },
    evidence={
        "hasil.kapasitas.akuntabilitas_kinerja.nilai": ["LHE SAKIP Kota Sukamaju 2019"],
        "hasil.bersih.opini_bpk.nilai": ["LHP BPK atas LKPD Kota Sukamaju TA 2018"],
    },
    notes={
        "hasil.bersih.opini_bpk.nilai": "Opini atas laporan keuangan pemerintah kota.",
    },
    expect="B",
)

EXAMPLES = [ZI, RB2019]


def _target(ancestors: list[str], targets: dict[str, float]) -> float:
    for node_id in reversed(ancestors):
        if node_id in targets:
            return targets[node_id]
    raise ValueError(f"no target for {ancestors}")


def answers_for(ex: Example, loaded: LoadedRules) -> list[tuple[str, Answer, str]]:
    """Every question's answer and section: the fixed ones, else an option near the target."""
    rng = random.Random(ex.seed)
    out: list[tuple[str, Answer, str]] = []

    def visit(node: Node, ancestors: list[Node]) -> None:
        here = [*ancestors, node]
        for child in node.children or ():
            visit(child, here)
        tagged = [i for i, n in enumerate(here) if n.area is not None]
        head = here[tagged[0] - 1 : tagged[0] + 1] if tagged else here[:2]
        section = ": ".join(n.name for n in head)
        for q in node.questions or ():
            if q.id in ex.fixed:
                out.append((q.id, ex.fixed[q.id], section))
                continue
            scale = loaded.rules.scales[q.scale]
            target = _target([n.id for n in here], ex.targets)
            want = min(max(target + rng.uniform(-0.3, 0.3), 0.0), 1.0)
            if isinstance(scale, ChoiceScale):
                options = scale.options
                label = min(options, key=lambda k: (abs(float(options[k]) - want), k))
                out.append((q.id, label, section))
            else:
                low, high = float(scale.min), float(scale.max)
                out.append((q.id, round(low + want * (high - low)), section))

    for top in loaded.rules.tree:
        visit(top, [])
    return out


def _value(answer: Answer) -> str:
    if isinstance(answer, dict):
        return "{counts: {" + ", ".join(f"{k}: {v}" for k, v in answer.items()) + "}}"
    return scalar(answer)


def render(ex: Example, loaded: LoadedRules) -> str:
    """The answer file's text."""
    rs = loaded.rules
    lines = [
        f"# FICTIONAL example: Kota Sukamaju does not exist. Profile: {ex.profile}.",
        f"# Generated by tools/make_examples_more.py from rules/{rs.id}.yaml:",
        "# regenerate rather than edit.",
        "",
        f"rules: {rs.id}",
        f"year: {ex.year}",
        "unit:",
        f"  name: {scalar(ex.name)}",
        f"  code: {scalar(ex.code)}",
        f"  instansi: {scalar(INSTANSI)}",
        "",
        "answers:",
    ]
    current = ""
    for qid, answer, section in answers_for(ex, loaded):
        if section != current:
            current = section
            lines.append(f"  # {section}")
        if qid not in ex.evidence and qid not in ex.notes:
            lines.append(f"  {qid}: {_value(answer)}")
            continue
        lines.append(f"  {qid}:")
        if isinstance(answer, dict):
            lines.append("    counts: {" + ", ".join(f"{k}: {v}" for k, v in answer.items()) + "}")
        else:
            lines.append(f"    answer: {scalar(answer)}")
        if qid in ex.evidence:
            lines.append("    evidence:")
            lines.extend(f"      - {scalar(e)}" for e in ex.evidence[qid])
        if qid in ex.notes:
            lines.append(f"    note: {scalar(ex.notes[qid])}")
    return "\n".join(lines) + "\n"


def verify(ex: Example, path: Path) -> None:
    """The file scores as intended."""
    from pmprb.analysis.engine import score
    from pmprb.model.common import load_assessment

    result = score(load_assessment(path))
    if ex.rules == "zona-integritas-2022":
        reached = result.reached
        if reached is None or reached.id != ex.expect:
            raise AssertionError(f"{path}: reaches {reached and reached.id}, not {ex.expect}")
    elif result.band is None or result.band.id != ex.expect:
        raise AssertionError(f"{path}: category {result.band and result.band.id}, not {ex.expect}")


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, verify) every example."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a file is out of date")
    args = parser.parse_args(argv)
    stale = 0
    for ex in EXAMPLES:
        text = render(ex, load_rules(ex.rules))
        path = REPO / ex.path
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                print(f"{path} is out of date: run tools/make_examples_more.py", file=sys.stderr)
                stale += 1
                continue
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}", file=sys.stderr)
        verify(ex, path)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
