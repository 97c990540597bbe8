"""`pmprb explain` (issue 12 item 4): figures that re-add to the node's points."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmprb.analysis.engine import Result, round_half_up, score
from pmprb.analysis.explain import exact, explain
from pmprb.cli import app
from pmprb.model.common import load_assessment
from pmprb.report.explain import explain_csv, explain_record, explain_text

from .conftest import DATA, MINI, ROOT

# the answer files (a city's shared-values file, bersama.yaml, is none)
EXAMPLES = sorted(p for p in (ROOT / "assessments").rglob("*.yaml") if p.name != "bersama.yaml")


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
        if rec["aggregate"] == "sum":  # a sum group's children: max = own weight in its units
            assert Fraction(rec["weights"]) == Fraction(rec["parent_weight"])
        if rec["rule"] not in ("sum", "mean"):
            continue
        terms = rec["terms"]
        added = sum((frac(t["points_exact"]) for t in terms), Fraction(0))
        assert added == frac(rec["sum_exact"]), node.id
        points = frac(rec["points_exact"])
        line, rescale = rec["line"], rec["rescale"]
        if line is not None:
            assert frac(line["base_exact"]) == added
            if line["factor_exact"] is not None:
                added *= frac(line["factor_exact"])
            assert added == frac(line["unrounded_exact"]), node.id
            if line["rounding"] is not None:  # a multiple of the quantum, within half of it
                quantum = Fraction(1, 10 ** line["rounding"]["decimals"])
                assert (points / quantum).denominator == 1
                assert abs(points - added) <= quantum / 2, node.id
                if line["rounding"]["mode"] == "half_up":
                    assert Fraction(round_half_up(added, line["rounding"]["decimals"])) == points
                added = points
        if rescale is not None:  # raw / (max - not-counted maxima) x max, rounded
            assert frac(rescale["raw_exact"]) == added
            dropped = sum((frac(d["max_exact"]) for d in rescale["not_counted"]), Fraction(0))
            adjusted = frac(rec["max_exact"]) - dropped
            assert frac(rescale["adjusted_exact"]) == adjusted
            added = Fraction(round_half_up(added / adjusted * frac(rec["max_exact"]), 2))
        assert added == points, node.id
        for t in terms:
            if t["kind"] != "question":
                continue
            if t["not_counted"] is not None or t["answer"] is None:  # 0
                assert frac(t["points_exact"]) == 0
            elif t["direct"]:  # a points scale: the answer is the points
                assert frac(t["value"]) == frac(t["points_exact"])
            else:  # maximum x value
                assert frac(t["max_exact"]) * frac(t["value"]) == frac(t["points_exact"])
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


def lines_result(tmp_path: Path) -> Result:
    from .test_lines import run as run_lines  # the hand-computed answers of test_lines.py

    return run_lines(tmp_path)


def test_a_multiplied_line_explained_by_hand(tmp_path: Path) -> None:
    ex = explain(lines_result(tmp_path), "g.a.implementasi")
    assert ex is not None
    rec = explain_record(ex)
    # max = 10 (Strategi, a sum group) x 7 / 10; 100 of 100 = 7; times Rencana Aksi's
    # unrounded share 2.42 / 3; 7 x 2.42 / 3 = 5.64666... rounds to 5.65
    assert (rec["max_exact"], rec["weights"], rec["aggregate"]) == ("7", "10", "sum")
    assert rec["terms"][0]["points_exact"] == "7"
    assert rec["line"]["multiply_by"] == "g.a.rencana"
    assert frac(rec["line"]["factor_exact"]) == Fraction("2.42") / 3
    assert frac(rec["line"]["unrounded_exact"]) == Fraction(7) * Fraction("2.42") / 3
    assert rec["line"]["rounding"] == {"mode": "binary64", "decimals": 2}
    assert rec["points"] == "5.65"
    text = explain_text(ex)
    assert "x 0.806666... (121/150) (the unrounded points / maximum of g.a.rencana)" in text
    assert "= 5.646666... (847/150)" in text
    assert "rounded half up to 2 decimals = 5.65" in text
    csv_text = explain_csv(ex)
    assert "multiply_by,g.a.rencana,,,,,121/150,5.646666... (847/150),847/150" in csv_text
    assert "line_rounding,binary64,,2,,,,5.65" in csv_text


def test_ratio_and_binary64_lines_explained_by_hand(tmp_path: Path) -> None:
    result = lines_result(tmp_path)
    spip = explain(result, "g.b.spip")
    assert spip is not None
    # a ratio scale 1-5: 3.61 / 5 (the 1 not subtracted) x 4 = 2.888, rounded 2.89
    assert "g.b.spip.nilai: 4 x 0.722 (answer 3.61 [3.61 / 5]) = 2.888" in explain_text(spip)
    assert explain_record(spip)["points"] == "2.89"
    x1 = explain(result, "g.b.x1")
    assert x1 is not None
    rec = explain_record(x1)
    # 2.05 / 5 x 1.5 = 0.615 exactly, but its double lies below: 0.61 (half up gives 0.62)
    assert (rec["line"]["unrounded"], rec["points"]) == ("0.615", "0.61")
    assert "IEEE doubles (binary64)" in explain_text(x1)


def test_a_rescaled_group_explained_by_hand(tmp_path: Path) -> None:
    ex = explain(lines_result(tmp_path), "general")
    assert ex is not None
    rec = explain_record(ex)
    by_id = {t["id"]: t for t in rec["terms"]}
    # Strategi 2.42 + 5.65; Capaian 2.89 + 0.61 + 1.02 + 0 + 14; Sasaran 40; koefisien -1.5
    assert by_id["g.a"]["points_exact"] == "807/100"
    assert frac(by_id["g.b"]["points_exact"]) == Fraction("18.52")
    assert (by_id["g.koef"]["adjustment"], by_id["g.koef"]["points"]) == (True, "-1.5")
    assert frac(rec["sum_exact"]) == Fraction("65.09")
    assert rec["rescale"]["not_counted"] == [
        {
            "indicator": "g.b.merit",
            "id": "g.b.merit.nilai",
            "max_exact": "4",
            "why": "KASN tidak mengevaluasi",
        }
    ]
    assert rec["rescale"]["adjusted_exact"] == "96"  # 100 less the merit line's 4
    assert rec["points"] == "67.8"  # 65.09 / 96 x 100 = 67.802..., rounded half up
    text = explain_text(ex)
    assert "g.koef Koefisien: adjustment, added as it is (no share of the weights): -1.5" in text
    assert "not counted: g.b.merit.nilai (g.b.merit, max 4): KASN tidak mengevaluasi" in text
    assert "rescaled: 65.09 / 96 (adjusted weight) x 100 rounded half up to 2 decimals" in text
    assert "rescale,general,,2,100,65.09,96,67.8,339/5" in explain_csv(ex)
    koef = explain(lines_result(tmp_path), "g.koef")
    assert koef is not None
    assert "g.koef.nilai: answer -1.5 (the points themselves) = -1.5" in explain_text(koef)
