"""Zona Integritas as amended by PermenPANRB 5/2024: WBBM only for a unit that already holds
WBK, as its answer file records it (pmprb never infers it)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmprb.analysis.engine import Result, score
from pmprb.analysis.rulecheck import check_rules
from pmprb.analysis.rulediff import diff
from pmprb.base.errors import ProblemsError
from pmprb.cli import app
from pmprb.model.common import load_assessment
from pmprb.model.load import load_rules

from .conftest import ROOT, write

DOMAIN = Path(os.environ.get("PMPRB_DOMAIN", ROOT.parent / "shared" / "domain"))

EXAMPLES = ROOT / "assessments" / "zona-integritas-2024"
RSUD = EXAMPLES / "teluk-damai-rsud.yaml"  # every WBBM threshold met, no predicate held
DISDUKCAPIL = EXAMPLES / "teluk-damai-disdukcapil.yaml"  # the same, WBK held since 2022


def reached(result: Result) -> str | None:
    return result.reached.id if result.reached is not None else None


def with_held(tmp_path: Path, held: str, source: Path = RSUD) -> Path:
    text = source.read_text(encoding="utf-8").replace("\nanswers:", f"\n{held}\nanswers:", 1)
    return write(tmp_path, text, "unit.yaml")


def test_the_amended_rule_set_cites_both_regulations_and_requires_wbk() -> None:
    rs = load_rules("zona-integritas-2024").rules
    assert "Nomor 90 Tahun 2021" in rs.basis
    assert "Nomor 5 Tahun 2024" in rs.basis
    assert [(p.id, p.requires_held) for p in rs.predicates] == [("WBBM", "WBK"), ("WBK", None)]
    # the LKE itself is unchanged: same questions, weights and thresholds as 2022
    old = load_rules("zona-integritas-2022")
    new = load_rules("zona-integritas-2024")
    assert old.maxima == new.maxima
    assert [p.conditions for p in old.rules.predicates] == [p.conditions for p in rs.predicates]


def test_every_wbbm_threshold_without_wbk_held_is_reported_wbk() -> None:
    result = score(load_assessment(RSUD))
    wbbm = result.predicates[0]
    assert wbbm.thresholds_met  # every threshold holds ...
    assert not wbbm.held_ok  # ... but no WBK is recorded
    assert wbbm.blocked
    assert not wbbm.met
    assert reached(result) == "WBK"
    assert result.category == ("WBK", "Wilayah Bebas dari Korupsi")


def test_the_same_answers_with_wbk_held_reach_wbbm(tmp_path: Path) -> None:
    assert reached(score(load_assessment(DISDUKCAPIL))) == "WBBM"
    held = with_held(tmp_path, "held: {predicate: WBK, since: 2023}")
    assert reached(score(load_assessment(held))) == "WBBM"
    # holding WBBM already (awarded after WBK) also satisfies the requirement
    higher = with_held(tmp_path, "held: {predicate: WBBM, since: 2024}")
    assert reached(score(load_assessment(higher))) == "WBBM"


def test_held_does_not_lift_a_unit_that_misses_thresholds(tmp_path: Path) -> None:
    """DPMPTSP (2023, reaches WBK on the 2022 rule set) keeps WBK with WBK held."""
    source = ROOT / "assessments" / "zona-integritas-2022" / "dpmptsp.yaml"
    text = source.read_text(encoding="utf-8").replace(
        "rules: zona-integritas-2022\nyear: 2023", "rules: zona-integritas-2024\nyear: 2024"
    )
    path = write(
        tmp_path, text.replace("\nanswers:", "\nheld: {predicate: WBK, since: 2023}\nanswers:")
    )
    before = score(load_assessment(source))
    after = score(load_assessment(path))
    assert reached(before) == reached(after) == "WBK"
    assert after.raw == before.raw
    assert not after.predicates[0].thresholds_met


@pytest.mark.parametrize(
    ("held", "code", "column"),
    [
        ("held: {predicate: WBK, since: 2026}", "held_later", 29),  # after the year 2025
        ("held: {predicate: WBKK, since: 2023}", "unknown_predicate", 19),
        ("held: {predicate: WBK}", "missing", 7),
    ],
)
def test_a_bad_held_record_is_a_located_problem(
    tmp_path: Path, held: str, code: str, column: int
) -> None:
    path = with_held(tmp_path, held)
    with pytest.raises(ProblemsError) as caught:
        load_assessment(path)
    [problem] = caught.value.problems
    line = path.read_text(encoding="utf-8").splitlines().index(held) + 1
    assert (problem.code, problem.line) == (code, line)
    assert problem.col is not None


def test_requires_held_must_name_a_lower_predicate(tmp_path: Path) -> None:
    overlay = write(
        tmp_path,
        "extends: zona-integritas-2024\nid: zi-uji\nversion: '1'\n"
        "predicates:\n  WBK: {requires_held: WBBM}\n",
        "overlay.yaml",
    )
    report = check_rules(str(overlay))
    assert [p.code for p in report.problems] == ["unknown_predicate"]
    assert report.problems[0].line == 5


def test_an_overlay_can_drop_the_requirement(tmp_path: Path) -> None:
    overlay = write(
        tmp_path,
        "extends: zona-integritas-2024\nid: zi-tanpa-syarat\nversion: '1'\n"
        "predicates:\n  WBBM: {requires_held: null}\n",
        "overlay.yaml",
    )
    assert reached(score(load_assessment(RSUD, str(overlay)))) == "WBBM"


def test_rules_diff_shows_the_requirement() -> None:
    changes = diff(load_rules("zona-integritas-2022"), load_rules("zona-integritas-2024"))
    assert [
        (c.kind, c.change, c.id, c.before, c.after) for c in changes if c.kind == "predicate"
    ] == [("predicate", "requires_held", "WBBM", None, "WBK")]


def test_outputs_give_the_reason(runner: CliRunner) -> None:
    got = runner.invoke(app, ["--lang", "en", "score", str(RSUD), "-f", "json"])
    assert got.exit_code == 0, got.output
    rec = json.loads(got.stdout)
    assert rec["category"] == "WBK"
    assert rec["predicates"][0]["requires_held"] == {
        "predicate": "WBK",
        "held": None,
        "met": False,
        "blocked": True,
    }
    assert rec["next_predicate"]["id"] == "WBBM"
    assert rec["next_predicate"]["unmet"] == []
    table = runner.invoke(app, ["--lang", "en", "score", str(RSUD)]).stdout
    assert "without WBK held first the result is WBK" in " ".join(table.split())
    md = runner.invoke(app, ["--lang", "en", "score", str(RSUD), "-f", "markdown"]).stdout
    assert "not recorded in the answer file" in md
    ok = json.loads(runner.invoke(app, ["score", str(DISDUKCAPIL), "-f", "json"]).stdout)
    assert ok["category"] == "WBBM"
    assert ok["predicates"][0]["requires_held"]["held"] == {"predicate": "WBK", "since": 2022}


def test_generators_are_up_to_date() -> None:
    """The 2022 rule set is still written byte for byte; the amended one beside it."""
    if not (DOMAIN / "zona-integritas-items.tsv").is_file():
        pytest.skip(f"needs the shared domain tables in {DOMAIN} (set PMPRB_DOMAIN)")
    from tools import build_rules_zi_2022, make_examples_zi_2024

    assert build_rules_zi_2022.main([str(DOMAIN), "--check"]) == 0
    assert make_examples_zi_2024.main(["--check"]) == 0
