"""Overlays: merged rule sets that score as hand-computed, and problems in the overlay's lines."""

from __future__ import annotations

import json
from fractions import Fraction as F
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import pmprb.model.rules as rules_module
from pmprb.analysis.engine import Result, score
from pmprb.base.errors import Problem, ProblemsError
from pmprb.cli import app
from pmprb.model.common import load_assessment
from pmprb.model.load import load_rules, load_rules_file
from pmprb.model.rules import RuleSet

from .conftest import MINI, MINI_ANSWERS, ROOT, write

CONTOH = ROOT / "rules" / "overlays" / "contoh-reform-resmi.yaml"
DISKOMINFO = ROOT / "assessments" / "kota-sukamaju-2021" / "diskominfo.yaml"
ZI_EXAMPLE = ROOT / "assessments" / "zona-integritas-2022" / "dpmptsp.yaml"


def overlay(tmp_path: Path, body: str, name: str = "overlay.yaml", base: str = str(MINI)) -> Path:
    return write(tmp_path, f"extends: {base}\nid: mini-overlay\nversion: '1'\n" + body, name)


def problems(path: Path) -> list[Problem]:
    with pytest.raises(ProblemsError) as info:
        load_rules_file(path)
    return info.value.problems


def where(path: Path) -> list[tuple[str, int | None, int | None, str]]:
    return [(Path(p.path).name, p.line, p.col, p.code) for p in problems(path)]


def nodes(result: Result) -> dict[str, F]:
    return {n.id: n.points for n in result.root.walk()}


def test_a_reweighted_node_moves_the_score_by_the_hand_computed_amount(tmp_path: Path) -> None:
    base = score(load_assessment(MINI_ANSWERS, str(MINI)))
    path = overlay(tmp_path, "nodes:\n  h: {weight: 50}\n")
    merged = score(load_assessment(MINI_ANSWERS, str(path)))
    p, h = nodes(base)["p"], nodes(base)["h"]
    assert h == 5  # Hasil: h.x 10 x 1/2, h.y unanswered
    # top weights 60 + 50 = 110 share the total 100: p's maximum 600/11, h's 500/11
    assert merged.rules.maxima["p"] == F(600, 11)
    assert merged.rules.maxima["h"] == F(500, 11)
    assert nodes(merged)["p"] == p * F(600, 11) / 60
    assert nodes(merged)["h"] == h * F(500, 11) / 40
    assert merged.raw - base.raw == p * (F(10, 11) - 1) + 5 * (F(25, 22) - 1)


def test_the_example_overlay_reweights_reform_by_the_hand_computed_amount() -> None:
    base = score(load_assessment(DISKOMINFO))
    merged = score(load_assessment(DISKOMINFO, str(CONTOH)))
    official = {"mp": F(4), "dk": F(2), "org": F(3), "tl": F("3.5"), "sdm": F(6), "ak": F(4),
                "pw": F("4.5"), "pp": F(3)}  # fmt: skip
    assert sum(official.values()) == 30
    before, after = nodes(base), nodes(merged)
    # each area keeps its attainment; only its maximum changes to the new weight
    expected = sum(
        w * before[f"reform.{a}"] / base.rules.maxima[f"reform.{a}"] for a, w in official.items()
    )
    assert after["reform"] == expected
    assert merged.raw - base.raw == expected - before["reform"]
    for part in ("pemenuhan", "hasil_antara", "hasil"):
        assert after[part] == before[part]
    # the answer file names permenpanrb-26-2020: the overlay extends it, so it scores as is
    assert merged.rules.rules.id == "contoh-reform-resmi"
    assert [r.rules.id for r in merged.rules.lineage()] == [
        "contoh-reform-resmi",
        "permenpanrb-26-2020",
    ]


def test_results_name_the_overlay_and_carry_both_hashes(runner: CliRunner) -> None:
    out = runner.invoke(app, ["score", str(DISKOMINFO), "--rules", str(CONTOH), "-f", "json"])
    assert out.exit_code == 0, out.output
    rules = json.loads(out.stdout)["rules"]
    assert rules["id"] == "contoh-reform-resmi"
    assert rules["path"] == str(CONTOH)
    assert rules["base"]["id"] == "permenpanrb-26-2020"
    assert len(rules["sha256"]) == len(rules["base"]["sha256"]) == 64
    assert rules["sha256"] != rules["base"]["sha256"]
    table = runner.invoke(app, ["score", str(DISKOMINFO), "--rules", str(CONTOH)])
    assert "overlay of permenpanrb-26-2020 2020.1" in table.stdout


def test_a_broken_overlay_gives_every_problem_in_its_own_lines(tmp_path: Path) -> None:
    path = overlay(
        tmp_path,
        "nodes:\n"
        "  p.a9: {weight: 2}\n"  # line 5: no such node
        "  p.a1:\n"
        "    wieght: 3\n"  # line 7: unknown field
        "  p.a2: {weight: -1}\n"  # line 8: merged: must be > 0
        "  h.x.a: {scale: nosuch}\n"  # line 9: merged: unknown scale
        "  h.y:\n"
        "    add_questions:\n"
        "      - {id: h.x.a, text: Dup, scale: idx}\n"  # line 12: duplicate id
        "      - {id: h.y.b, text: New, scale: nada}\n"  # line 13: merged: unknown scale
        "  h.x.a.b: {weight: 1}\n"  # line 14: no such node
        "  p.a1.i1.a: {weight: 1}\n",  # line 15: a question has no weight
    )
    # schema problems (a weight of -1) come with the overlay's own; the references of the
    # merged rule set (unknown scales) are checked once its schema is valid
    assert where(path) == [
        ("overlay.yaml", 5, 3, "unknown_node"),
        ("overlay.yaml", 7, 5, "extra_forbidden"),
        ("overlay.yaml", 8, 18, "invalid"),
        ("overlay.yaml", 12, 14, "duplicate_id"),
        ("overlay.yaml", 14, 3, "unknown_node"),
        ("overlay.yaml", 15, 15, "invalid"),
    ]
    fixed = path.read_text(encoding="utf-8").replace("weight: -1", "weight: 1")
    path.write_text(fixed, encoding="utf-8")
    assert [(line, code) for _n, line, _c, code in where(path)] == [
        (5, "unknown_node"),
        (7, "extra_forbidden"),
        (9, "unknown_scale"),
        (12, "duplicate_id"),
        (13, "unknown_scale"),
        (14, "unknown_node"),
        (15, "invalid"),
    ]
    found = problems(path)
    assert "did you mean 'p.a1'" in found[0].message or "did you mean 'p.a2'" in found[0].message
    assert "does not apply to a question" in found[-1].message


def test_a_problem_caused_by_the_overlay_is_shown_at_the_overlay_value(tmp_path: Path) -> None:
    # the bands stop at 100: a new total leaves them short, because of `total`
    assert where(overlay(tmp_path, "total: 120\n")) == [("overlay.yaml", 4, 8, "band_cover")]
    # a scale without option C makes a base question's descriptor for C unknown
    path = overlay(
        tmp_path, "scales:\n  abc: {kind: choice, name: AB, options: {A: 1, B: 0}}\n", "s.yaml"
    )
    assert where(path) == [("s.yaml", 5, 8, "unknown_option")]


def test_removing_a_node_a_condition_needs_is_located_at_the_removal(tmp_path: Path) -> None:
    path = overlay(
        tmp_path, "nodes:\n  hasil.bersih.ipak: {remove: true}\n", base="zona-integritas-2022"
    )
    found = where(path)
    assert found == [("overlay.yaml", 5, 22, "unknown_node")] * 2  # WBBM's and WBK's


def test_removal_and_additions_apply(tmp_path: Path) -> None:
    path = overlay(
        tmp_path,
        "nodes:\n"
        "  p.a1.i8: {remove: true}\n"
        "  p.a1:\n"
        "    name: Area Satu (baru)\n"
        "    add_children:\n"
        "      - {id: p.a1.i9, name: I9, weight: 0.33, questions: [{id: p.a1.i9.a, text: Q,"
        " scale: yt}]}\n",
    )
    loaded = load_rules_file(path)
    assert "p.a1.i8" not in loaded.nodes
    assert "p.a1.i8.a" not in loaded.questions
    assert loaded.questions["p.a1.i9.a"].indicator == "p.a1.i9"
    assert loaded.nodes["p.a1"].name == "Area Satu (baru)"
    # removing the last child of a node would leave it empty: refused
    lone = overlay(tmp_path, "nodes:\n  p.a2.i1: {remove: true}\n", "lone.yaml")
    assert where(lone) == [("lone.yaml", 5, 3, "empty_node")]


def test_an_overlay_of_an_overlay(tmp_path: Path) -> None:
    first = overlay(tmp_path, "nodes:\n  h: {weight: 50}\n", "first.yaml")
    second = write(
        tmp_path,
        "extends: first.yaml\nid: mini-second\nversion: '2'\nnodes:\n  p.a1.i8: {remove: true}\n",
        "second.yaml",
    )
    base = score(load_assessment(MINI_ANSWERS, str(first)))
    merged = score(load_assessment(MINI_ANSWERS, str(second)))
    # i8 (printed weight 0.33, unanswered) leaves Area Satu: the rest shares 4.66 of 4.99
    assert nodes(merged)["p.a1"] == nodes(base)["p.a1"] * F("4.99") / F("4.66")
    assert merged.rules.maxima["h"] == F(500, 11)  # the first overlay still applies
    assert [r.rules.id for r in merged.rules.lineage()] == ["mini-second", "mini-overlay", "mini"]
    # a problem in the middle overlay is located there
    bad_middle = overlay(tmp_path, "nodes:\n  nope: {weight: 1}\n", "first.yaml")
    assert bad_middle.name == "first.yaml"
    assert [(Path(p.path).name, p.line) for p in problems(second)] == [("first.yaml", 5)]


def test_a_cycle_in_extends_is_a_clear_problem(tmp_path: Path) -> None:
    write(tmp_path, "extends: b.yaml\nid: a\nversion: '1'\n", "a.yaml")
    b = write(tmp_path, "extends: a.yaml\nid: b\nversion: '1'\n", "b.yaml")
    [p] = problems(b)
    assert (Path(p.path).name, p.line, p.col, p.code) == ("a.yaml", 1, 10, "extends_cycle")
    assert "b.yaml -> a.yaml -> b.yaml" in p.message
    itself = write(tmp_path, "extends: self.yaml\nid: s\nversion: '1'\n", "self.yaml")
    assert [q.code for q in problems(itself)] == ["extends_cycle"]


def test_unknown_base_and_overlay_schema_problems(tmp_path: Path) -> None:
    path = overlay(tmp_path, "", base="permenpanrb-26-2021")
    [p] = problems(path)
    assert (p.line, p.col, p.code) == (1, 10, "unknown_rules")
    assert "did you mean 'permenpanrb-26-2020'" in p.message
    missing = write(tmp_path, "extends: mini\nnodes: {}\n", "m.yaml")
    assert sorted(q.code for q in problems(missing)) == ["missing", "missing"]  # id, version


def test_predicate_edits(tmp_path: Path) -> None:
    path = overlay(
        tmp_path,
        "predicates:\n"
        "  WBK:\n"
        "    conditions:\n"
        "      ipkp: {min_points: 15}\n"
        "      total: {remove: true}\n",
        base="zona-integritas-2022",
    )
    result = score(load_assessment(ZI_EXAMPLE, str(path)))
    wbk = next(p for p in result.predicates if p.id == "WBK")
    assert "total" not in {c.id for c in wbk.conditions}
    ipkp = next(c for c in wbk.conditions if c.id == "ipkp")
    assert ipkp.threshold == 15
    assert not ipkp.met  # 14.92 < 15: the example no longer reaches WBK
    assert result.reached is None
    bad = overlay(
        tmp_path,
        "predicates:\n  WBK:\n    conditions:\n      ipkp: {minimum: 15}\n  XYZ: {name: X}\n",
        "bad.yaml",
        base="zona-integritas-2022",
    )
    assert where(bad) == [
        ("bad.yaml", 7, 14, "extra_forbidden"),
        ("bad.yaml", 8, 3, "unknown_predicate"),
    ]


def test_an_answer_file_for_another_rule_set_is_still_refused(tmp_path: Path) -> None:
    path = overlay(tmp_path, "nodes:\n  h: {weight: 50}\n")
    answers = write(tmp_path, "rules: permenpanrb-26-2020\nyear: 2021\nunit: {name: A, code: B}\n")
    with pytest.raises(ProblemsError) as info:
        load_assessment(answers, str(path))
    assert [p.code for p in info.value.problems] == ["rules_mismatch"]


def test_init_and_score_with_an_overlay(tmp_path: Path, runner: CliRunner) -> None:
    target = tmp_path / "unit.yaml"
    args = ["init", "--unit", "U", "--code", "1", "--year", "2021", "--rules", str(CONTOH)]
    assert runner.invoke(app, [*args, "-o", str(target)]).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert f"score with --rules {CONTOH}" in text
    assert "rules: contoh-reform-resmi\n" in text
    out = runner.invoke(app, ["score", str(target), "--rules", str(CONTOH), "-f", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["unanswered"] == 188
    shown = runner.invoke(app, ["rules", "show", str(CONTOH)])
    assert "overlay of permenpanrb-26-2020 2020.1" in shown.stdout


def test_a_base_loaded_directly_and_under_an_overlay_is_validated_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a bundled rule set and an overlay of it (as in `rules diff`): one validation, one object
    bundled = load_rules("zona-integritas-2022")
    path = overlay(tmp_path, "title: ZI x\n", base="zona-integritas-2022")
    assert load_rules_file(path).base is bundled
    # a fresh base file: count the validations of plain rule sets
    base = write(tmp_path, MINI.read_text(encoding="utf-8") + "# a copy\n", "base.yaml")
    on_top = overlay(tmp_path, "title: Mini x\n", "on-top.yaml", base="base.yaml")
    seen: list[str] = []
    real = rules_module.validate_rules

    def counting(data: Any, shown: str, text: str) -> RuleSet:
        seen.append(shown)
        return real(data, shown, text)

    monkeypatch.setattr(rules_module, "validate_rules", counting)
    plain = load_rules_file(base)
    assert load_rules_file(on_top).base is plain
    assert seen == [str(base)]


def test_a_removed_predicate_or_condition_takes_no_other_changes(tmp_path: Path) -> None:
    # as for a node: every other key is a located problem, known or not
    path = overlay(
        tmp_path,
        "predicates:\n"
        "  WBBM: {remove: true, name: X, bogus: 1}\n"
        "  WBK:\n"
        "    conditions:\n"
        "      ipkp: {remove: true, min_points: 15}\n"
        "      total: {remove: 'yes', min_points: 70}\n",
        base="zona-integritas-2022",
    )
    found = problems(path)
    assert [(p.line, p.col, p.code) for p in found] == [
        (5, 24, "invalid"),  # name
        (8, 28, "invalid"),  # min_points
        (9, 23, "invalid"),  # 'yes'
    ]
    assert found[0].message == "a removed predicate takes no other changes"
    assert found[1].message == "a removed condition takes no other changes"
    assert found[2].message == "`remove` takes only true"
    node = overlay(tmp_path, "nodes:\n  h: {remove: true, weight: 2}\n", "node.yaml")
    assert [p.message for p in problems(node)] == ["a removed node takes no other changes"]


def test_every_line_option_of_a_node_is_one_an_overlay_can_patch() -> None:
    """The 2023 line options are declared once (rules.LINE_OPTIONS): each is a Node field,
    which overlays may set and `rules diff` reports."""
    from pmprb.model.overlay import NODE_FIELDS
    from pmprb.model.rules import LINE_OPTIONS, Node

    assert set(LINE_OPTIONS) <= set(Node.model_fields)
    assert set(LINE_OPTIONS) <= NODE_FIELDS
