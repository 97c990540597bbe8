"""The bundled Evaluasi RB 2023+ rule sets and the published results they reproduce."""

from __future__ import annotations

import csv
from decimal import Decimal
from fractions import Fraction as F
from pathlib import Path

import pytest

from pmprb.analysis.engine import NodeResult, score
from pmprb.analysis.rulecheck import check_rules
from pmprb.model.common import load_assessment
from pmprb.model.load import load_rules
from pmprb.model.rules import NumberScale

from .conftest import ROOT, need_domain

LEVELS = ("kl", "provinsi", "kabkota")
EXAMPLES = ROOT / "assessments" / "evaluasi-rb-2023"
SUKAMAJU = ROOT / "assessments" / "sukamaju-evaluasi-rb-2025"


def nodes(root: NodeResult) -> dict[str, NodeResult]:
    return {n.id: n for n in root.walk()}


@pytest.mark.parametrize("level", LEVELS)
def test_rule_sets_check_clean_and_weights_add_up(level: str) -> None:
    report = check_rules(f"permenpanrb-9-2023-{level}")
    assert report.loaded is not None
    assert report.problems == []
    loaded = report.loaded
    tematik = 10 if level == "kl" else 20
    assert loaded.rules.total == 100 + tematik
    for node_id, weight in {"rb_general": 100, "a": 10, "b": 40, "c": 50}.items():
        assert loaded.maxima[node_id] == weight
    assert loaded.maxima["rb_tematik"] == tematik
    for node in loaded.nodes.values():
        parts = [c for c in node.children or () if not c.adjustment]
        if parts:
            assert sum(F(c.weight) for c in parts) == F(node.weight), node.id
    koef = loaded.nodes["koefisien"]
    assert koef.adjustment
    assert koef.questions is not None
    scale = loaded.rules.scales[koef.questions[0].scale]
    assert isinstance(scale, NumberScale)
    assert scale.normalise == "points"
    assert (scale.kind, scale.min, scale.max) == (
        "number",
        Decimal(-10),
        Decimal(10 if level == "kl" else 1),
    )


def test_lines_keep_param_id_evaluator_and_multipliers() -> None:
    loaded = load_rules("permenpanrb-9-2023-provinsi")
    spip = loaded.nodes["b.spip"]
    assert (spip.param_id, spip.evaluator) == (
        "2263",
        "Badan Pengawasan Keuangan dan Pembangunan (BPKP)",
    )
    assert loaded.nodes["a.implementasi_rencana_aksi"].multiply_by == "a.rencana_aksi"
    assert loaded.nodes["c.iku_non_makro"].multiply_by == "b.sakip"
    assert loaded.nodes["tematik.inflasi.output"].multiply_by == "tematik.inflasi.rencana_aksi"
    lines = [n for n in loaded.nodes.values() if n.questions]
    assert len(lines) == 42  # every line of the provincial worksheet
    assert all(n.param_id for n in lines)


def test_kpu_2023_reproduces_69_76_b() -> None:
    result = score(load_assessment(EXAMPLES / "komisi-pemilihan-umum.yaml"))
    general = nodes(result.root)["rb_general"]
    assert general.rescaled == (F("65.14"), F("94.5"))
    assert general.points == F("68.93")
    assert result.index == Decimal("69.76")
    assert result.band is not None
    assert result.band.id == "B"


def test_di_yogyakarta_2023_line_by_line() -> None:
    result = score(load_assessment(EXAMPLES / "provinsi-di-yogyakarta.yaml"))
    by_id = nodes(result.root)
    assert by_id["rb_general"].points == F("75.35")
    assert by_id["rb_tematik"].points == F("12.80")
    assert result.index == Decimal("88.15")
    assert result.band is not None
    assert result.band.id == "A"
    assert by_id["b.tata_kelola_pengadaan"].published
    assert by_id["b.kualitas_kebijakan"].points == 0  # blank: 0, and its weight stays
    assert by_id["rb_general"].rescaled == (F("75.35"), F(100))


def test_di_yogyakarta_every_line_matches_its_official_points() -> None:
    domain = need_domain()
    loaded = load_rules("permenpanrb-9-2023-provinsi")
    by_param = {n.param_id: n.id for n in loaded.nodes.values() if n.questions}
    result = score(load_assessment(EXAMPLES / "provinsi-di-yogyakarta.yaml"))
    by_id = nodes(result.root)
    with (domain / "rb-2023-lines-diy.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert len(rows) == 42
    for row in rows:
        node = by_id[by_param[row["param_id"]]]
        assert node.points == F(row["points_stored"]), row["name"]


def test_every_public_result_reproduces_its_index() -> None:
    domain = need_domain()
    with (domain / "rb-2023-results-public.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    indices = {}
    for path in EXAMPLES.glob("*.yaml"):
        result = score(load_assessment(path))
        indices[result.assessment.unit.name] = (result.rules.rules.id, result.index)
    assert len(rows) == 9
    for row in rows:
        rules_id, index = indices[row["instansi"]]
        assert rules_id == f"permenpanrb-9-2023-{row['level']}"
        assert index == Decimal(row["index"]), row["instansi"]


def test_generators_are_up_to_date() -> None:
    domain = need_domain()
    from tools import build_rules_rb_2023, make_examples_rb_2023

    assert build_rules_rb_2023.main([str(domain), "--check"]) == 0
    assert make_examples_rb_2023.main([str(domain), "--check"]) == 0


def test_sukamaju_not_counted_line_rescales_rb_general() -> None:
    result = score(load_assessment(SUKAMAJU / "kota-sukamaju.yaml"))
    general = nodes(result.root)["rb_general"]
    assert general.rescaled is not None
    raw, adjusted = general.rescaled
    assert adjusted == 96  # Indeks Sistem Merit (4) not counted
    assert general.points == F(str(round(Decimal(raw.numerator) / raw.denominator / 96 * 100, 2)))
    [(line, item)] = general.not_counted()
    assert line == "b.sistem_merit"
    assert item.not_counted.startswith("Komisi Aparatur Sipil Negara")


@pytest.mark.parametrize("fmt", ["table", "markdown", "json", "csv"])
def test_score_shows_rb_general_adjusted_weight_and_lines_not_counted(
    fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from pmprb.cli import app

    monkeypatch.setenv("COLUMNS", "200")
    path = SUKAMAJU / "kota-sukamaju.yaml"
    out = CliRunner().invoke(app, ["score", str(path), "--format", fmt])
    assert out.exit_code == 0, out.output
    text = out.stdout
    if fmt == "json":
        import json

        [adj] = json.loads(text)["adjusted"]
        assert (adj["id"], adj["adjusted_weight"], adj["weight"]) == ("rb_general", 96.0, 100.0)
        assert adj["rescaled"] == pytest.approx(adj["points"] / 96 * 100, abs=0.005)
        assert adj["not_counted"][0]["indicator"] == "b.sistem_merit"
        assert adj["not_counted"][0]["justification"].startswith("Komisi Aparatur")
        return
    if fmt == "csv":
        assert "\nadjusted,rb_general,RB General,root," in text
        assert ",not counted: Komisi Aparatur Sipil Negara" in text
        return
    assert "RB General: " in text
    assert "at adjusted weight 96 (of 100)" in text
    assert "not counted: Indeks Sistem Merit (4): Komisi Aparatur Sipil Negara" in text
    assert "RB Tematik" in text


@pytest.mark.parametrize(
    ("year", "level", "expected"),
    [
        (2026, None, "permenpanrb-9-2023-kabkota"),
        (2024, "kl", "permenpanrb-9-2023-kl"),
        (2023, "provinsi", "permenpanrb-9-2023-provinsi"),
        (2022, None, "permenpanrb-26-2020"),
        (2020, "kl", "permenpanrb-26-2020"),
        (2019, None, "permenpanrb-14-2014"),
    ],
)
def test_init_picks_the_scheme_in_force(
    year: int, level: str | None, expected: str, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from pmprb.cli import app

    target = tmp_path / "out.yaml"
    args = ["init", "--unit", "Bagian Organisasi", "--code", "1", "--year", str(year)]
    args += ["-o", str(target)] + (["--level", level] if level else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"\nrules: {expected}\n" in target.read_text(encoding="utf-8")
    assert expected in result.stderr


def test_init_refuses_an_unknown_level(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pmprb.cli import app

    args = ["init", "--unit", "X", "--code", "1", "--year", "2026", "--level", "desa"]
    result = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2
    assert not (tmp_path / "x.yaml").exists()


def test_rules_show_json_has_the_whole_tree() -> None:
    import json

    from typer.testing import CliRunner

    from pmprb.cli import app

    result = CliRunner().invoke(app, ["rules", "show", "permenpanrb-9-2023-kl", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["id"], data["total"]) == ("permenpanrb-9-2023-kl", 110)

    def walk(nodes: list[dict[str, object]]) -> list[dict[str, object]]:
        out = []
        for n in nodes:
            out.append(n)
            out.extend(walk(n.get("children", [])))  # type: ignore[arg-type]
        return out

    by_id = {n["id"]: n for n in walk(data["tree"])}
    iku = by_id["c.iku"]
    assert (iku["weight"], iku["max"], iku["multiply_by"], iku["param_id"]) == (
        8,
        8.0,
        "b.sakip",
        "2201",
    )
    questions: list[dict[str, object]] = iku["questions"]  # type: ignore[assignment]
    assert len(questions) == 1
    assert questions[0]["range"] == {"min": 0, "max": 100, "normalise": "ratio"}
    assert by_id["koefisien"]["adjustment"] is True
    lines = [n for n in by_id.values() if "questions" in n]
    assert len(lines) == 39


def test_rules_diff_reports_a_changed_multiplier(tmp_path: Path) -> None:
    from pmprb.analysis.rulediff import diff
    from pmprb.model.load import load_rules_file

    base = load_rules("permenpanrb-9-2023-kl")
    source = (ROOT / "rules" / "permenpanrb-9-2023-kl.yaml").read_text(encoding="utf-8")
    changed = source.replace("multiply_by: b.sakip", "multiply_by: b.spip")
    path = tmp_path / "kl.yaml"
    path.write_text(changed, encoding="utf-8")
    changes = diff(base, load_rules_file(path))
    assert [(c.change, c.id, c.before, c.after) for c in changes] == [
        ("multiply_by", "c.iku", "b.sakip", "b.spip")
    ]


def test_an_overlay_changes_line_options_and_is_located(tmp_path: Path) -> None:
    from pmprb.base.errors import ProblemsError
    from pmprb.model.load import load_rules_file

    head = "extends: permenpanrb-9-2023-kl\nid: kl-uji\nversion: '1'\n"
    good = tmp_path / "good.yaml"
    good.write_text(
        head
        + "line_rounding: {decimals: 2, mode: half_up}\nnodes:\n  c.iku: {multiply_by: null}\n",
        encoding="utf-8",
    )
    loaded = load_rules_file(good)
    assert loaded.nodes["c.iku"].multiply_by is None
    assert loaded.rules.line_rounding is not None
    assert loaded.rules.line_rounding.mode == "half_up"
    bad = tmp_path / "bad.yaml"
    bad.write_text(head + "nodes:\n  c.iku: {multiply_by: c.tidak_ada}\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as info:
        load_rules_file(bad)
    [problem] = info.value.problems
    assert (problem.path, problem.line, problem.col, problem.code) == (
        str(bad),
        5,
        24,
        "unknown_node",
    )
