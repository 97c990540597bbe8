"""Review values in answer files, both bases and the difference (issue 12 items 1-2).

Expected points are worked out from the mini rule set's text: area p.a1 holds 5 points
over printed weights adding to 4.99, so an indicator of weight w holds w/4.99 x 5 points,
shared equally by its questions.
"""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmprb.analysis.engine import score
from pmprb.analysis.review import Basis, compare, on_basis, reviewed_count
from pmprb.base.errors import Problem, ProblemsError
from pmprb.cli import app
from pmprb.model.common import load_assessment

from .conftest import DATA, MINI, MINI_ANSWERS, write

REVIEWED = DATA / "mini-review.yaml"
HEAD = "rules: mini\nyear: 2021\nunit: {name: Dinas Uji, code: '9.99'}\nanswers:\n"


def indicator(weight: str) -> Fraction:
    return Fraction(weight) / Fraction("4.99") * 5


# the four review values of mini-review.yaml, each review less unit, by hand:
I1 = -indicator("0.33")  # Ya (1) -> Tidak (0), one question
I4B = indicator("0.67") / 2 * (Fraction("0.67") - Fraction("0.33"))  # C -> B
I6C = indicator("2.00") / 3 * (Fraction(1, 4) - Fraction(3, 4))  # 3 of 4 -> 1 of 4
HX = Fraction(-1)  # X holds 10 points: 50 -> 40 of 100


def problems(tmp_path: Path, answers: str) -> list[Problem]:
    path = write(tmp_path, HEAD + answers)
    with pytest.raises(ProblemsError) as info:
        load_assessment(path, str(MINI))
    return info.value.problems


def test_review_blocks_are_read_with_their_advice_and_appeal() -> None:
    a = load_assessment(REVIEWED, str(MINI))
    assert set(a.reviews) == {"p.a1.i1.a", "p.a1.i3.a", "p.a1.i4.b", "p.a1.i6.c", "h.x.a"}
    i4b = a.reviews["p.a1.i4.b"]
    assert i4b.given is not None
    assert i4b.given.display == "B"
    assert i4b.appeal is not None
    assert i4b.appeal.status == "accepted"
    assert i4b.response == "diterima"
    assert i4b.by == "Inspektorat"
    assert a.reviews["p.a1.i3.a"].given is None  # a note only: the unit's answer stands
    assert a.reviews["p.a1.i6.c"].given is not None
    assert a.reviews["p.a1.i6.c"].given.value == Fraction(1, 4)
    assert reviewed_count(a) == 4


def test_review_blocks_leave_the_unit_score_unchanged() -> None:
    plain = score(load_assessment(MINI_ANSWERS, str(MINI)))
    reviewed = score(load_assessment(REVIEWED, str(MINI)))
    assert reviewed.raw == plain.raw
    assert [n.points for n in reviewed.root.walk()] == [n.points for n in plain.root.walk()]


def test_the_review_basis_and_the_delta_by_hand() -> None:
    a = load_assessment(REVIEWED, str(MINI))
    comp = compare(a)
    assert comp.delta == I1 + I4B + I6C + HX
    by_id = {u.id: (u, r) for u, r in comp.node_pairs()}
    u, r = by_id["h.x"]
    assert (u.points, r.points) == (Fraction(5), Fraction(4))
    u, r = by_id["p.a1"]
    assert r.points - u.points == I1 + I4B + I6C
    rows = {q.id: q for q in comp.questions}
    assert rows["p.a1.i6.c"].delta == I6C
    assert rows["p.a1.i3.a"].differs is False
    assert rows["p.a1.i3.a"].delta == 0
    assert rows["h.x.a"].reviewed.recommendation == "perbaiki survei"
    # the review basis is only the answers swapped: the unit's where no value
    swapped = on_basis(a, Basis.review)
    assert swapped.answers["p.a1.i3.a"] == a.answers["p.a1.i3.a"]
    assert swapped.answers["h.x.a"].display == "40"
    assert on_basis(a, Basis.unit) is a


def test_a_review_of_an_unanswered_question_is_scored_on_the_review_basis(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, HEAD + "  h.y.a:\n    review: {answer: 50}\n")
    a = load_assessment(path, str(MINI))
    assert "h.y.a" not in a.answers
    assert compare(a).delta == 15  # Y holds 30 points: half of them


@pytest.mark.parametrize(
    ("field", "hint"),
    [("recomendation", "recommendation"), ("rekomendasi", "recommendation"), ("oleh", "by")],
)
def test_a_misspelt_review_field_gets_a_did_you_mean(tmp_path: Path, field: str, hint: str) -> None:
    [p] = problems(tmp_path, f"  h.x.a:\n    answer: 50\n    review:\n      {field}: x\n")
    assert (p.line, p.col) == (8, 7)
    assert f"did you mean '{hint}'" in p.message


def test_a_misspelt_appeal_field_and_status(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "  h.x.a:\n    answer: 50\n    review:\n      appeal: {status: maybe, reson: x}\n",
    )
    messages = sorted(p.message for p in found)
    assert any("did you mean 'reason'" in m for m in messages)
    assert any("submitted" in m and "accepted" in m for m in messages)
    assert all(p.line == 8 for p in found)


def test_a_bad_review_answer_is_located_in_the_review(tmp_path: Path) -> None:
    [p] = problems(tmp_path, "  p.a1.i1.a:\n    answer: Ya\n    review:\n      answer: Mungkin\n")
    assert (p.line, p.col, p.code) == (8, 15, "bad_option")
    [p] = problems(tmp_path, "  h.x.a:\n    answer: 50\n    review: {answer: 120}\n")
    assert (p.line, p.code) == (7, "out_of_range")


def test_review_counts_are_checked_like_the_units(tmp_path: Path) -> None:
    [p] = problems(tmp_path, "  p.a1.i6.c:\n    review:\n      counts: {selesai: 1, totl: 4}\n")
    assert p.code == "bad_counts"
    assert "did you mean 'total'" in p.message
    assert p.line == 7


def test_not_counted_in_a_review_is_refused_without_the_rule_set_option(tmp_path: Path) -> None:
    [p] = problems(tmp_path, "  h.x.a:\n    answer: 50\n    review: {not_counted: tidak ada}\n")
    assert p.code == "not_counted_refused"
    assert p.line == 7


def test_a_review_with_two_values_is_refused(tmp_path: Path) -> None:
    [p] = problems(
        tmp_path, "  p.a1.i6.c:\n    review: {answer: 1, counts: {selesai: 1, total: 4}}\n"
    )
    assert "one of `answer`, `counts` or `not_counted`" in p.message


def run(runner: CliRunner, *args: str) -> tuple[str, str]:
    result = runner.invoke(app, ["score", str(REVIEWED), "--rules", str(MINI), *args])
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_score_basis_review_says_how_many_answers_were_reviewed(runner: CliRunner) -> None:
    out, err = run(runner, "--basis", "review", "-f", "csv")
    assert "4 of 15 answers reviewed" in err
    rows = {r[1]: r for r in csv.reader(io.StringIO(out))}
    assert rows["h.x"][4] == "4.00"  # node points with the 2 decimals of the tables
    data = json.loads(run(runner, "--basis", "review", "-f", "json")[0])
    assert (data["basis"], data["reviewed"]) == ("review", 4)
    unit = json.loads(run(runner, "-f", "json")[0])
    assert "basis" not in unit
    assert round(Fraction(str(unit["index"])) - Fraction(str(data["index"])), 2) == Fraction("1.55")


def test_the_side_by_side_view_in_every_format(runner: CliRunner) -> None:
    data = json.loads(run(runner, "--basis", "both", "-f", "json")[0])
    assert data["reviewed"] == 4
    assert data["index"]["unit"] == data["results"]["unit"]["index"]
    assert data["index"]["review"] == data["results"]["review"]["index"]
    nodes = {n["id"]: n for n in data["nodes"]}
    assert (nodes["h.x"]["unit"], nodes["h.x"]["review"], nodes["h.x"]["delta"]) == (5, 4, -1)
    diffs = {q["id"]: q for q in data["differences"]}
    assert diffs["p.a1.i1.a"]["note"] == "SK belum ditandatangani"
    assert diffs["p.a1.i4.b"]["appeal"] == {"status": "accepted", "reason": "bukti dilampirkan"}
    assert diffs["p.a1.i6.c"]["delta"] == float(round(I6C, 4))
    out = run(runner, "--basis", "both", "-f", "csv")[0]
    rows = {(r[0], r[1]): r for r in csv.reader(io.StringIO(out))}
    assert rows[("question", "h.x.a")][7:] == ["50", "40", "", "perbaiki survei", ""]
    assert rows[("area", "a1")][6] == str(float(round(I1 + I4B + I6C, 4)))
    md = run(runner, "--basis", "both", "-f", "markdown")[0]
    assert "| `p.a1.i1.a` | Ya | Tidak | -0.33 | SK belum ditandatangani | Tetapkan SK |" in md
    table = run(runner, "--basis", "both")[0]
    assert "perbaiki survei" in table
    assert "-1.55" in table


def test_both_bases_write_the_csv_dialect_asked(runner: CliRunner) -> None:
    """--csv-locale id (semicolons, decimal comma, BOM) on the reviewer's side too: the
    review and side-by-side CSVs go through the one CSV writer."""
    for basis in ("review", "both"):
        plain = run(runner, "--basis", basis, "-f", "csv")[0]
        local = run(runner, "--basis", basis, "-f", "csv", "--csv-locale", "id")[0]
        assert local.startswith("\ufeff"), basis
        assert not plain.startswith("\ufeff"), basis
        rows = list(csv.reader(io.StringIO(local.lstrip("\ufeff")), delimiter=";"))
        assert rows[0] == next(csv.reader(io.StringIO(plain))), basis  # the same columns
        assert len(rows) == len(list(csv.reader(io.StringIO(plain)))), basis
    keyed = {
        (r[0], r[1]): r for r in csv.reader(io.StringIO(local.lstrip("\ufeff")), delimiter=";")
    }
    # the indices too, not only the points: "58,69", never "58.69" beside "100,0"
    assert "." not in "".join(keyed[("index", "root")][3:7])
    assert keyed[("area", "a1")][6] == str(float(round(I1 + I4B + I6C, 4))).replace(".", ",")


def test_the_side_by_side_view_in_indonesian(runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        [
            "--lang",
            "id",
            "score",
            str(REVIEWED),
            "--rules",
            str(MINI),
            "--basis",
            "both",
            "-f",
            "markdown",
        ],
    )
    assert result.exit_code == 0
    assert "Selisih" in result.stdout
    assert "jawaban direviu" in result.stdout


def test_an_unknown_basis_is_bad_usage(runner: CliRunner) -> None:
    result = runner.invoke(app, ["score", str(REVIEWED), "--rules", str(MINI), "--basis", "x"])
    assert result.exit_code == 2
    assert "unit, review or both" in result.stderr
