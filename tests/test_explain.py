"""`pmprb explain` (issue 12 item 4): figures that re-add to the node's points."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmprb.assessment import load_assessment
from pmprb.cli import app
from pmprb.engine import score
from pmprb.explain import exact, explain
from pmprb.report.explain import explain_record

from .conftest import DATA, MINI, ROOT

EXAMPLES = sorted((ROOT / "assessments").rglob("*.yaml"))


def frac(text: str | None) -> Fraction:
    assert text is not None
    return Fraction(text)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_explain_figures_re_add_to_every_nodes_points(path: Path) -> None:
    result = score(load_assessment(path))
    checked = 0
    for node in result.root.walk():
        ex = explain(result, node.id)
        assert ex is not None
        rec = explain_record(ex)
        if rec["parent"] is not None:  # maximum = parent's x weight / sum of weights
            expected = (
                frac(rec["parent_max_exact"]) * Fraction(rec["weight"]) / Fraction(rec["weights"])
            )
            assert frac(rec["max_exact"]) == expected
        if rec["rule"] not in ("sum", "mean"):
            continue
        terms = rec["terms"]
        added = sum((frac(t["points_exact"]) for t in terms), Fraction(0))
        assert added == frac(rec["points_exact"]), node.id
        for t in terms:
            if t["kind"] == "question":  # maximum x value, unanswered 0
                value = frac(t["value"]) if t["answer"] is not None else Fraction(0)
                assert frac(t["max_exact"]) * value == frac(t["points_exact"])
        checked += 1
    assert checked > 0


def test_an_indicator_explained_by_hand() -> None:
    result = score(load_assessment(DATA / "mini-answers.yaml", str(MINI)))
    ex = explain(result, "p.a1.i6")
    assert ex is not None
    rec = explain_record(ex)
    # I6: weight 2.00 of 4.99 printed in an area of 5 points; 3 questions: A (1), D (0),
    # 3 of 4 done (0.75)
    per_question = Fraction(5) * 2 / Fraction("4.99") / 3
    assert [frac(t["max_exact"]) for t in rec["terms"]] == [per_question] * 3
    assert frac(rec["points_exact"]) == per_question * Fraction(7, 4)
    assert rec["points"] == "1.169004... (1750/1497)"


def test_exact_decimals() -> None:
    assert exact(Fraction(3, 8)) == "0.375"
    assert exact(Fraction(100)) == "100"
    assert exact(Fraction(-1, 3)) == "-0.333333... (-1/3)"
    assert exact(Fraction(2, 3), 2) == "0.66... (2/3)"  # cut, marked, never rounded silently
    assert Decimal(exact(Fraction(-5, 4))) == Decimal("-1.25")


def run(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(
        app, ["explain", str(DATA / "mini-review.yaml"), "--rules", str(MINI), *args]
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_explain_cli_in_every_format(runner: CliRunner) -> None:
    top = run(runner)
    assert "rounded half up to 2 decimals = 40.09; C (Kurang)" in top
    assert "p Pengungkit: weight 60, max 60" in top
    hx = json.loads(run(runner, "h.x", "-f", "json"))
    assert (hx["points"], hx["terms"][0]["answer"]) == ("5", "50")
    assert json.loads(run(runner, "h.x", "-f", "json", "--basis", "review"))["points"] == "4"
    csv_text = run(runner, "p.a2.i1", "-f", "csv")
    assert "question,p.a2.i1.b,Level,,27.5,2.5,3/8,10.3125,165/16" in csv_text
    md = run(runner, "p.a2.i1", "-f", "markdown")
    assert "- p.a2.i1.a: 27.5 x 0.8 (answer 80 \\[80 / 100\\]) = 22" in md


def test_an_unknown_node_gets_a_did_you_mean(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["explain", str(DATA / "mini-review.yaml"), "p.a1.i9x", "--rules", str(MINI)]
    )
    assert result.exit_code == 2
    assert "unknown node id 'p.a1.i9x'" in result.stderr


def test_a_published_node_is_explained_as_published(runner: CliRunner) -> None:
    batam = ROOT / "assessments" / "kota-batam-2020.yaml"
    result = score(load_assessment(batam))
    published = [n for n in result.root.walk() if n.published]
    assert published
    ex = explain(result, published[0].id)
    assert ex is not None
    assert ex.rule == "published"
    out = runner.invoke(app, ["explain", str(batam), published[0].id]).stdout
    assert "scores" in out


def test_a_question_id_explains_its_indicator() -> None:
    result = score(load_assessment(DATA / "mini-answers.yaml", str(MINI)))
    ex = explain(result, "p.a1.i6.c")
    assert ex is not None
    assert ex.node.id == "p.a1.i6"
