"""The bundled rule sets and example assessments: they load, add up, and reproduce Batam."""

from __future__ import annotations

import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from pmprb.analysis.engine import score
from pmprb.model.common import load_assessment
from pmprb.model.load import load_rules
from pmprb.model.rules import bundled_dir, bundled_ids

from .conftest import ROOT, need_domain

# the answer files (a city's shared-values file, bersama.yaml, is none)
EXAMPLES = sorted(p for p in (ROOT / "assessments").rglob("*.yaml") if p.name != "bersama.yaml")


def test_bundled_rule_sets_are_the_repository_rules() -> None:
    assert "permenpanrb-26-2020" in bundled_ids()
    assert {p.stem for p in (ROOT / "rules").glob("*.yaml")} == set(bundled_ids())
    assert bundled_dir().is_dir()


@pytest.mark.parametrize("rid", bundled_ids())
def test_bundled_rule_set_weights_sum_exactly_to_total(rid: str) -> None:
    loaded = load_rules(rid)
    tops = [loaded.maxima[n.id] for n in loaded.rules.tree]
    assert sum(tops) == loaded.rules.total
    for node_id, node in loaded.nodes.items():
        if node.children:
            # an adjustment (the signed koefisien) takes no share of its parent
            children = sum(loaded.maxima[c.id] for c in node.children if not c.adjustment)
            assert children == loaded.maxima[node_id], node_id


def test_permenpanrb_26_2020_structure() -> None:
    loaded = load_rules("permenpanrb-26-2020")
    m = loaded.maxima
    assert [m[k] for k in ("pengungkit", "hasil")] == [60, 40]
    assert [m[k] for k in ("pemenuhan", "hasil_antara", "reform")] == [20, 10, 30]
    areas = ("mp", "dk", "org", "tl", "sdm", "ak", "pw", "pp")
    assert [m[a] for a in areas] == [2, 1, 2, 2, 5, 2, 4, 2]
    pemenuhan = loaded.nodes["pemenuhan"]
    indicators = [i for a in pemenuhan.children or () for i in a.children or ()]
    assert len(indicators) == 33
    assert sum(len(i.questions or ()) for i in indicators) == 143
    # SDM's indicators print as 0.33 / 0.67 / 2.00 and sum to 4.99; the area is still 5
    sdm = loaded.nodes["sdm"]
    assert sum(Fraction(c.weight) for c in sdm.children or ()) == Fraction("4.99")
    assert sum(m[c.id] for c in sdm.children or ()) == 5
    assert m["ha.dk"] == 1
    assert m["hasil.akuntabilitas"] == 10


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_loads_and_scores(path: Path) -> None:
    result = score(load_assessment(path))
    assert 0 <= result.raw <= 100
    # a rule set with bands gives a category; one with predicates evaluates all of them
    rs = result.rules.rules
    assert (result.band is not None) == bool(rs.bands)
    assert len(result.predicates) == len(rs.predicates)
    assert result.assessment.warnings == ()


def test_kota_batam_2020_reproduces_the_published_result() -> None:
    result = score(load_assessment(ROOT / "assessments" / "kota-batam-2020.yaml"))
    assert result.index == Decimal("52.33")
    assert result.band is not None
    assert (result.band.id, result.band.name) == ("CC", "Cukup")
    parts = {n.id: n.points for n in result.root.walk()}
    assert parts["pengungkit"] == Fraction("22.50")
    assert parts["hasil"] == Fraction("29.83")
    # published component scores hide the provisional weights below them
    assert result.provisional_nodes() == []


def test_fictional_examples_are_varied() -> None:
    results = [score(load_assessment(p)) for p in EXAMPLES if "sukamaju-2021" in str(p)]
    assert len(results) >= 5
    categories = {r.band.id for r in results if r.band}
    assert len(categories) >= 3
    assert any(r.unanswered for r in results)
    assert all(r.provisional_nodes() for r in results)
    assert all(r.assessment.unit.instansi.endswith("(fiktif)") for r in results)


@pytest.mark.parametrize("rid", bundled_ids())
def test_every_bundled_rule_set_has_provenance_and_unique_ids(rid: str) -> None:
    loaded = load_rules(rid)
    assert loaded.rules.provenance is not None
    assert loaded.rules.provenance.source
    ids = list(loaded.nodes) + list(loaded.questions)
    assert len(ids) == len(set(ids))


def test_permenpanrb_14_2014_structure() -> None:
    loaded = load_rules("permenpanrb-14-2014")
    m = loaded.maxima
    areas = ("mp", "dk", "org", "tl", "sdm", "ak", "pw", "pp")
    assert [m[a] for a in areas] == [5, 5, 6, 5, 15, 6, 12, 6]
    assert sum(m[a] for a in areas) == 60
    # printed indicator weights (weight_2014) add up exactly to each area weight
    for a in areas:
        assert sum(Fraction(c.weight) for c in loaded.nodes[a].children or ()) == m[a]
    hasil = {
        "hasil.kapasitas": 20,
        "hasil.kapasitas.akuntabilitas_kinerja": 14,
        "hasil.kapasitas.kapasitas_organisasi": 6,
        "hasil.bersih": 10,
        "hasil.bersih.persepsi_korupsi": 7,
        "hasil.bersih.opini_bpk": 3,
        "hasil.pelayanan": 10,
        "hasil.pelayanan.persepsi_kualitas_pelayanan": 10,
    }
    assert {k: m[k] for k in hasil} == hasil
    assert [b.id for b in loaded.rules.bands] == ["D", "C", "CC", "B", "BB", "A", "AA"]
    # the same question ids as 26/2020, two 2020-only questions left out
    assert len([q for q in loaded.questions if not q.startswith("hasil.")]) == 141
    assert set(loaded.questions) - set(load_rules("permenpanrb-26-2020").questions) == {
        q for q in loaded.questions if q.startswith("hasil.")
    }


def test_kota_sukamaju_2019_example_uses_14_2014() -> None:
    result = score(
        load_assessment(ROOT / "assessments" / "kota-sukamaju-2019" / "disdukcapil.yaml")
    )
    assert result.rules.rules.id == "permenpanrb-14-2014"
    assert result.assessment.unit.instansi.endswith("(fiktif)")
    assert result.band is not None
    assert result.unanswered == 0


@pytest.mark.parametrize(
    "generator", ["build_rules_26_2020", "build_rules_14_2014", "build_rules_zi_2022"]
)
def test_bundled_rule_sets_are_what_their_generators_write(generator: str) -> None:
    import importlib

    domain = need_domain()
    module = importlib.import_module(f"tools.{generator}")
    assert module.main([str(domain), "--check"]) == 0


def test_generated_examples_are_up_to_date() -> None:
    # the rule set generators need the shared domain tables, which are not part of the
    # repository; the example generators need only the bundled rule sets
    from tools import make_examples, make_examples_more

    assert make_examples_more.main(["--check"]) == 0
    assert make_examples.main(["--check"]) == 0


def test_make_examples_check_reports_a_stray_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tools import make_examples

    out = tmp_path / "examples"
    shutil.copytree(make_examples.DEFAULT_OUT, out)
    assert make_examples.main(["--check", "--out", str(out)]) == 0
    # a file it does not write is reported beside one it writes that is out of date
    stray = out / "dinas-lama.yaml"
    stray.write_text("rules: permenpanrb-26-2020\n", encoding="utf-8")
    (out / "dinkes.yaml").write_text("rules: permenpanrb-26-2020\n", encoding="utf-8")
    capsys.readouterr()
    assert make_examples.main(["--check", "--out", str(out)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{out / 'dinkes.yaml'} is out of date: run tools/make_examples.py",
        f"{stray} is not written by tools/make_examples.py: remove it",
    ]


def test_rule_set_generators_refuse_rows_that_disagree_on_an_indicator() -> None:
    # every TSV row repeats its indicator's name and weight: a later row that differs
    # is drift in the source and must fail the build, not be dropped
    from tools.build_rules_26_2020 import Mapping, Value, indicator

    indicators: dict[str, Mapping] = {}
    children: dict[str, list[Value]] = {"mp": []}
    first = indicator(indicators, children, "mp", "mp.x", "X", "2")
    assert indicator(indicators, children, "mp", "mp.x", "X", "2") is first
    assert children["mp"] == [first]
    with pytest.raises(ValueError, match=r"weight 9\.99 differs"):
        indicator(indicators, children, "mp", "mp.x", "X", "9.99")
    with pytest.raises(ValueError, match="name 'Y' differs"):
        indicator(indicators, children, "mp", "mp.x", "Y", "2")


@pytest.mark.parametrize("rid", bundled_ids())
def test_init_then_score_works_for_every_bundled_rule_set(tmp_path: Path, rid: str) -> None:
    from typer.testing import CliRunner

    from pmprb.cli import app

    runner = CliRunner()
    target = tmp_path / f"{rid}.yaml"
    args = [
        "init",
        "--unit",
        "U",
        "--code",
        "1",
        "--year",
        "2022",
        "--rules",
        rid,
        "-o",
        str(target),
    ]
    assert runner.invoke(app, args).exit_code == 0
    for fmt in ("table", "json", "markdown", "csv"):
        out = runner.invoke(app, ["score", str(target), "-f", fmt])
        assert out.exit_code == 0, out.output
    result = score(load_assessment(target))
    assert result.unanswered == len(load_rules(rid).questions)
    assert result.raw == 0
