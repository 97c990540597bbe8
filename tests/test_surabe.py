"""SURABE BERANI 2025 (a province's own OPD instrument): the rule set, its aggregation
computed by hand through every level, and every command working with it."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from fractions import Fraction as F
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pmprb.analysis.engine import NodeResult, score
from pmprb.analysis.rulecheck import check_rules
from pmprb.cli import app
from pmprb.model.common import load_assessment
from pmprb.model.load import load_rules
from pmprb.model.rules import ChoiceScale

from .conftest import ROOT, write

RID = "surabe-2025-opd"
EXAMPLES = ROOT / "assessments" / "surabe-2025"
DISKOMINFO = EXAMPLES / "teluk-damai-diskominfo.yaml"
DOMAIN = Path(os.environ.get("PMPRB_DOMAIN", ROOT.parent / "shared" / "domain"))


def nodes(root: NodeResult) -> dict[str, NodeResult]:
    return {n.id: n for n in root.walk()}


def test_rule_set_checks_clean_and_has_the_sources_counts() -> None:
    report = check_rules(RID)
    assert report.loaded is not None
    assert report.problems == []
    loaded = load_rules(RID)
    assert len(loaded.questions) == 107
    levels = {"rb": 0, "aspek": 0, "sub_aspek": 0, "sub_sub_aspek": 0}
    for node_id in loaded.nodes:
        depth = node_id.count(".")
        levels[("rb", "aspek", "sub_aspek", "sub_sub_aspek")[depth]] += 1
    # 34 sub-sub-aspek in the dump, one of them (I.A.2 "3.1") without indicators: left out
    assert levels == {"rb": 2, "aspek": 5, "sub_aspek": 21, "sub_sub_aspek": 33}
    kinds = {"choice": 0, "number": 0}
    for ref in loaded.questions.values():
        kinds[ref.scale.kind] += 1
    # 45 Pilihan Ganda (two with no options stored take the value 0-100) + 33 Ya/Tidak;
    # 28 Skala Linear + 1 Persentase
    assert kinds == {"choice": 43 + 33, "number": 2 + 29}
    assert all(ref.question.evidence_required for ref in loaded.questions.values())
    # option values as stored: SPBE 100/65/35/0, F = 10 in some, the toilet item has no B
    spbe = loaded.questions["general.a.1.1_1.a"].scale
    assert isinstance(spbe, ChoiceScale)
    assert spbe.options == {"1": 1, "2": Decimal("0.65"), "3": Decimal("0.35"), "4": 0}
    toilet = loaded.questions["general.b.1.1_3.c"].scale
    assert isinstance(toilet, ChoiceScale)
    assert list(toilet.options) == ["A", "C", "D", "E", "F"]
    f10 = loaded.questions["general.b.1.1_1.a"].scale
    assert isinstance(f10, ChoiceScale)
    assert f10.options["F"] == Decimal("0.1")
    # the final rule is labelled with its source
    general = loaded.nodes["general"]
    assert general.provenance is not None
    assert "65" in general.provenance.source
    assert "getOpdWithAspekValuesSimple" in general.provenance.source


def test_generators_are_up_to_date() -> None:
    if not (DOMAIN / "surabe-2025-opd.tsv").is_file():
        pytest.skip(f"needs the shared domain tables in {DOMAIN} (set PMPRB_DOMAIN)")
    from tools import build_rules_surabe_2025, make_examples_surabe

    assert build_rules_surabe_2025.main([str(DOMAIN), "--check"]) == 0
    assert make_examples_surabe.main(["--check"]) == 0


def test_diskominfo_by_hand_through_every_level() -> None:
    """Each level on SURABE's own scale (0-100; a sub-sub-aspek on 0-its bobot), computed by
    hand from the answers in the file and the rules of surabe-2025-opd.md."""
    result = score(load_assessment(DISKOMINFO))
    n = nodes(result.root)

    def value(node_id: str) -> F:  # the node's value on its own 0-100 scale
        return n[node_id].share * 100

    def ssa(node_id: str) -> F:  # a sub-sub-aspek: mean x bobot / 100
        node = n[node_id]
        return node.share * F(node.weight)

    # indicator values: SPBE option 2 = 65, a Tidak = 0, a blank = 0, a percentage itself
    items = {i.id: i for i in n["general.a.1.1_1"].items}
    assert items["general.a.1.1_1.a"].value == F(65, 100)
    assert {i.id: i.value for i in n["general.a.1.1_3"].items} == {
        "general.a.1.1_3.a": F(80, 100),
        "general.a.1.1_3.b": F(60, 100),
        "general.a.1.1_3.c": None,
        "general.a.1.1_3.d": None,
    }
    # sub-sub-aspek: 1.1 (15 indicators, two at 65 and 35) x 50; 1.2 (14, one Tidak) x 30;
    # 1.3 (80, 60, blank, blank) x 20
    assert ssa("general.a.1.1_1") == F(13 * 100 + 65 + 35, 15) * F(50, 100)  # 46.67
    assert ssa("general.a.1.1_2") == F(13 * 100, 14) * F(30, 100)  # 27.86
    assert ssa("general.a.1.1_3") == F(80 + 60, 4) * F(20, 100)  # 7
    # sub-aspek = sum of its sub-sub-aspek
    a1 = F(140, 3) + F(195, 7) + 7
    assert value("general.a.1") == a1 == F(1712, 21)  # 81.52
    subs_a: list[F] = [a1, F("71.875"), F(75), F(95), F(44 + 32), F(79), F("66.75"), F(60)]
    for i, expected in enumerate(subs_a, start=1):
        assert value(f"general.a.{i}") == expected, i
    # aspek = plain mean of its sub-aspek
    aspek_a = sum(subs_a, F(0)) / 8
    assert value("general.a") == aspek_a
    b1 = F(810, 9) * F(24, 100) + 25 + F(560, 6) * F(18, 100) + 11 + 10 + 12  # 96.4
    b3 = 10 + 0 + F(100 + 85 + 0, 3) * F(80, 100)  # 59.33
    subs_b: list[F] = [b1, 36 + 24 + F(125, 2) * F(40, 100), b3, F(100), F(540, 6), F(100)]
    assert b1 == F("96.4")
    assert subs_b[1] == 85
    for i, expected in enumerate(subs_b, start=1):
        assert value(f"general.b.{i}") == expected, i
    aspek_b = sum(subs_b, F(0)) / 6
    assert value("general.b") == aspek_b
    assert value("general.c") == F(100 + 70, 2)
    # RB = plain mean of its aspek
    general = (aspek_a + aspek_b + 85) / 3
    tematik = (F(100 + 60, 2) + F(F("42.5") + 80 + 60, 3)) / 2
    assert value("general") == general  # 83.03
    assert value("tematik") == tematik  # 70.42
    # final = (RB General x 65 + RB Tematik x 35) / 100
    final = (general * 65 + tematik * 35) / 100
    assert result.raw == final
    assert result.index == Decimal("78.62")
    assert result.band is not None
    assert result.band.id == "BB"
    assert result.unanswered == 3


def test_an_overlay_switches_the_final_rule(tmp_path: Path) -> None:
    """The public rekap's rule, (General + Tematik) / 2: the top weights 50/50."""
    overlay = write(
        tmp_path,
        f"extends: {RID}\nid: surabe-2025-opd-rata-rata\nversion: '2025.1'\n"
        "nodes:\n  general: {weight: 50}\n  tematik: {weight: 50}\n",
        "overlay.yaml",
    )
    base = score(load_assessment(DISKOMINFO))
    switched = score(load_assessment(DISKOMINFO, str(overlay)))
    n = nodes(base.root)
    general, tematik = n["general"].share * 100, n["tematik"].share * 100
    assert switched.raw == (general + tematik) / 2
    assert switched.raw != base.raw
    # the shipped overlay does the same, with its source
    shipped = ROOT / "rules" / "overlays" / "surabe-2025-rata-rata.yaml"
    assert check_rules(str(shipped)).problems == []
    result = score(load_assessment(DISKOMINFO, str(shipped)))
    assert result.raw == switched.raw
    assert result.index == Decimal("76.72")


def test_every_command_works_with_the_rule_set(runner: CliRunner, tmp_path: Path) -> None:
    blank = tmp_path / "blank.yaml"
    commands = [
        ["rules", "check", RID],
        ["rules", "show", RID],
        [
            "init",
            "--rules",
            RID,
            "--unit",
            "Dinas Uji",
            "--code",
            "9.99",
            "--year",
            "2025",
            "-o",
            str(blank),
        ],
        ["score", str(DISKOMINFO)],
        ["score", str(DISKOMINFO), "-f", "json"],
        ["score", str(blank)],
        ["batch", str(EXAMPLES)],
        ["batch", str(EXAMPLES), "--format", "json"],
        ["validate", str(EXAMPLES / "teluk-damai-dinkes.yaml")],
        ["schema", "--rules", RID],
        ["guide", "--rules", RID],
        ["guide", "--rules", RID, "-f", "html", "-o", str(tmp_path / "guide.html")],
    ]
    outputs = []
    for args in commands:
        got = runner.invoke(app, args)
        assert got.exit_code == 0, (args, got.output)
        outputs.append(got.stdout)
    # the blank file from init has every indicator and scores 0
    data = yaml.safe_load(blank.read_text(encoding="utf-8"))
    assert len(data["answers"]) == 107
    assert data["rules"] == RID
    assert json.loads(outputs[4])["index"] == 78.62
    ranking = json.loads(outputs[7])["groups"][0]["ranking"]
    assert [Path(r["file"]).stem for r in ranking] == [
        f"teluk-damai-{u}" for u in ("dinkes", "diskominfo", "dpmptsp", "kecamatan-teluk-utara")
    ]
    assert "general.a.1.1_1.a" in json.dumps(json.loads(outputs[9]))
    assert "Tingkat Kematangan Kapabilitas Proses" in outputs[10]
    assert (tmp_path / "guide.html").is_file()


def test_a_digit_option_may_be_written_as_a_whole_number(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"rules: {RID}\nyear: 2025\nunit: {{name: Uji, code: '1'}}\n"
        "answers:\n  general.a.1.1_1.a: 2\n  general.a.1.1_1.c: '3'\n",
    )
    items = {i.id: i for i in nodes(score(load_assessment(path)).root)["general.a.1.1_1"].items}
    assert items["general.a.1.1_1.a"].value == F(65, 100)
    assert items["general.a.1.1_1.c"].value == F(35, 100)


def test_results_name_the_parts_by_level(runner: CliRunner) -> None:
    """No areas of change in SURABE: the weakest sub-aspek (score) and aspek (batch)."""
    table = " ".join(runner.invoke(app, ["--lang", "en", "score", str(DISKOMINFO)]).stdout.split())
    assert "RB / Aspek" in table
    # by hand: PDN 42.5, LAPOR 59.33 (178/3), ZI 60 (and Core Business 60: the id decides)
    assert (
        "Weakest Sub-aspek: Peningkatan Penggunaan Produk Dalam Negeri 42.5%"
        " (3.35 points lost); Tingkat tindak lanjut pengaduan masyarakat (LAPOR) 59.3%"
    ) in table
    assert "Areas of change" not in table
    md = runner.invoke(app, ["--lang", "en", "score", str(DISKOMINFO), "-f", "markdown"]).stdout
    assert "| RB / Aspek | Points | Max | % |" in md
    # aspek A by hand: (1712/21 + 523.625) / 8 = 75.64 of 100; 65 / 3 x 75.64% = 16.39 points
    assert "| &nbsp;&nbsp;Capaian Sasaran Strategis | 16.39 | 21.67 | 75.64% |" in md
    assert "**Weakest Sub-aspek:** Peningkatan Penggunaan Produk Dalam Negeri 42.5%" in md
    batch = runner.invoke(app, ["--lang", "en", "batch", str(EXAMPLES), "--format", "markdown"])
    assert batch.exit_code == 0, batch.output
    assert "Weakest Aspek" in batch.stdout
    # Diskominfo's five aspek: 75.6, 88.5, 85, 80 and Capaian Dampak RB Tematik 60.8
    [row] = [line for line in batch.stdout.splitlines() if "2.16.01" in line]
    assert "Capaian Dampak RB Tematik" in row


def test_validate_counts_the_evidence_documents_asked_for(
    runner: CliRunner, tmp_path: Path
) -> None:
    """SURABE lists how many documents each indicator needs (4 for the SPBE architecture)."""
    assert load_rules(RID).questions["general.a.1.1_1.a"].question.evidence_items == 4
    head = f"rules: {RID}\nyear: 2025\nunit: {{name: Uji, code: '1'}}\nanswers:\n"
    docs = ", ".join(f"Dokumen {i}" for i in range(1, 4))
    few = write(tmp_path, head + f"  general.a.1.1_1.a: {{answer: 2, evidence: [{docs}]}}\n")
    got = runner.invoke(app, ["--lang", "en", "validate", str(few)])
    [line] = [x for x in got.stdout.splitlines() if "few_evidence" in x]
    assert line.startswith(f"{few}:5:")
    assert "has 3 evidence documents; the rule set asks for 4" in line
    enough = write(
        tmp_path,
        head + f"  general.a.1.1_1.a: {{answer: 2, evidence: [{docs}, Dokumen 4]}}\n",
        "enough.yaml",
    )
    assert "few_evidence" not in runner.invoke(app, ["validate", str(enough)]).stdout
    # the lowest option needs no evidence at all
    lowest = write(tmp_path, head + "  general.a.1.1_1.a: 4\n", "lowest.yaml")
    out = runner.invoke(app, ["validate", str(lowest)]).stdout
    assert "few_evidence" not in out
    assert "no_evidence" not in out


def test_rules_diff_reports_levels_and_evidence_items(tmp_path: Path) -> None:
    from pmprb.analysis.rulediff import diff
    from pmprb.model.load import load_rules_file

    text = (ROOT / "rules" / "surabe-2025-opd.yaml").read_text(encoding="utf-8")
    changed = text.replace(
        "levels: [RB, Aspek, Sub-aspek, Sub-sub-aspek]", "levels: [RB, Aspek]", 1
    ).replace("evidence_items: 4", "evidence_items: 3", 1)
    other = write(tmp_path, changed, "surabe-ubah.yaml")
    changes = diff(load_rules(RID), load_rules_file(other))
    found = {(c.kind, c.change, c.id, c.before, c.after) for c in changes}
    assert ("question", "evidence_items", "general.a.1.1_1.a", "4", "3") in found
    assert ("rules", "changed", "levels", str(("RB", "Aspek", "Sub-aspek", "Sub-sub-aspek")),
            str(("RB", "Aspek"))) in found  # fmt: skip
