"""Published scores and what is shown under them (issue 10 B, C, D), hand-computed on the
mini rule set (tests/data/mini.yaml).

Mini's maxima, from its weights: p 60 of 100, h 40; p.a1 = 60 x 5/60 = 5, p.a2 = 55;
inside p.a1 the printed weights add up to 4.99, so p.a1.i4 (0.67) is 5 x 0.67/4.99 and each
of its two questions 3.35/9.98; h.x = 10, h.y = 30. Areas: a1 = p.a1 (5); a2 = p.a2 + h.y
(85). 15 questions in all.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from fractions import Fraction as F
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmprb.analysis.batch import summarise
from pmprb.analysis.engine import improvements, score, weak_areas
from pmprb.base.errors import ProblemsError
from pmprb.cli import app
from pmprb.model.common import load_assessment
from pmprb.model.load import load_rules

from .conftest import MINI, ROOT, write

HEAD = "rules: mini\nyear: 2021\nunit: {name: Dinas Uji, code: '9.99'}\n"

PUBLISHED_INDICATOR = HEAD + (
    "answers:\n  p.a1.i4.a: A\n  p.a1.i4.b: A\n  h.x.a: 50\nscores:\n  p.a1.i4: 0.5\n"
)


def _json(runner: CliRunner, path: Path, *args: str) -> dict:  # type: ignore[type-arg]
    out = runner.invoke(app, ["score", str(path), "--rules", str(MINI), "-f", "json", *args])
    assert out.exit_code == 0, out.output
    data: dict = json.loads(out.stdout)  # type: ignore[type-arg]
    return data


def _node(tree: dict, nid: str) -> dict:  # type: ignore[type-arg]
    if tree["id"] == nid:
        return tree
    for child in tree.get("children", ()):
        found = _node(child, nid)
        if found:
            return found
    return {}


def test_a_published_indicator_replaces_its_points_and_hides_its_questions(
    tmp_path: Path, runner: CliRunner
) -> None:
    path = write(tmp_path, PUBLISHED_INDICATOR)
    result = score(load_assessment(path, str(MINI)))
    # p.a1.i4 is worth its published 0.5 (its answers, A and A, would give all its
    # 3.35/4.99 = 0.6713); h.x is 10 x 50/100 = 5; nothing else is answered
    assert result.raw == F("5.5")
    assert result.index == Decimal("5.50")
    # its two questions neither count nor are answered: 13 questions, 1 answered
    assert (result.questions, result.answered, result.unanswered) == (13, 1, 12)
    assert not any(g.item.id.startswith("p.a1.i4") for g in improvements(result, 100))
    # the area holding it is known: the published 0.5 is part of p.a1, 0.5 of 5
    a1 = next(a for a in result.areas if a.id == "a1")
    assert (a1.known, a1.points, a1.maximum) == (True, F("0.5"), F(5))

    data = _json(runner, path)
    node = _node(data["tree"], "p.a1.i4")
    assert (node["points"], node["published"]) == (0.5, True)
    assert [i["points"] for i in node["items"]] == [None, None]
    assert [i["answer"] for i in node["items"]] == ["A", "A"]
    assert (data["index"], data["questions"], data["unanswered"]) == (5.5, 13, 12)

    out = runner.invoke(app, ["score", str(path), "--rules", str(MINI), "-f", "csv"])
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out.stdout))}
    assert rows["p.a1.i4"]["points"] == "0.50"  # the 2 decimals of the tables (issue 16 item 13)
    assert (rows["p.a1.i4.a"]["points"], rows["p.a1.i4.b"]["points"]) == ("", "")

    # the batch detail (csv/json and the workbook's detail sheet) shows the answer only
    detail = {d.question: d for d in summarise(result, str(MINI), detail=True).detail}
    assert detail["p.a1.i4.a"].answer == "A"
    assert (detail["p.a1.i4.a"].points, detail["p.a1.i4.b"].points) == (None, None)
    assert detail["h.x.a"].points == 5.0


def test_batch_detail_csv_shows_no_points_under_a_published_score(
    tmp_path: Path, runner: CliRunner
) -> None:
    write(tmp_path, PUBLISHED_INDICATOR)
    args = ["batch", str(tmp_path), "--rules", str(MINI), "-f", "csv", "--detail"]
    out = runner.invoke(app, args)
    assert out.exit_code == 0, out.output
    rows = {r["question"]: r for r in csv.DictReader(io.StringIO(out.stdout))}
    assert rows["p.a1.i4.a"]["answer"] == "A"
    assert rows["p.a1.i4.a"]["points"] == ""
    assert rows["h.x.a"]["points"] == "5.0"


def test_a_published_root_is_the_index(tmp_path: Path, runner: CliRunner) -> None:
    text = HEAD + "answers:\n  h.x.a: 100\n  p.a1.i1.a: Ya\nscores:\n  root: 42\n"
    path = write(tmp_path, text)
    result = score(load_assessment(path, str(MINI)))
    assert (result.index, result.category) == (Decimal("42.00"), ("C", "Kurang"))
    assert (result.questions, result.answered) == (0, 0)
    assert (improvements(result), weak_areas(result)) == ([], [])
    assert all(not a.known for a in result.areas)
    data = _json(runner, path)
    assert data["index"] == 42.0
    assert [c["points"] for c in data["tree"]["children"]] == [None, None]
    assert _node(data["tree"], "h.x")["items"][0]["points"] is None
    assert [a["points"] for a in data["areas"]] == [None, None]


def test_an_area_partly_under_a_published_score_is_unknown(
    tmp_path: Path, runner: CliRunner
) -> None:
    # p is published: a1 (all under p) and a2 (p.a2 under p, h.y visible) are unknown,
    # not a2 = h.y's 30 of 30 = 100.0%
    path = write(tmp_path, HEAD + "answers:\n  h.y.a: 100\nscores:\n  p: 30.5\n")
    data = _json(runner, path)
    areas = {a["id"]: a for a in data["areas"]}
    assert (areas["a2"]["points"], areas["a2"]["share"], areas["a2"]["max"]) == (None, None, 85.0)
    assert (areas["a1"]["points"], areas["a1"]["max"]) == (None, 5.0)
    assert data["weak_areas"] == []
    table = runner.invoke(app, ["score", str(path), "--rules", str(MINI)])
    assert not [line for line in table.stdout.splitlines() if "Area Dua" in line and "%" in line]
    words = " ".join(table.stdout.split())  # the line may wrap
    assert "under a published score: Area Satu, Area Dua" in words
    markdown = runner.invoke(app, ["score", str(path), "--rules", str(MINI), "-f", "markdown"])
    assert "| Area Dua |" not in markdown.stdout
    assert (
        "Areas unknown, part of their points are under a published score: Area Satu, Area Dua"
        in (markdown.stdout)
    )


PREDICATES = """
predicates:
  - id: P
    name: Pred
    conditions:
      - {id: hasil, name: Hasil, node: h, min_share: 0.75}
      - {id: area, name: Area, each_area: true, min_share: 0.6}
"""


def test_share_conditions_compare_shares_not_points(tmp_path: Path) -> None:
    rules = write(tmp_path, MINI.read_text(encoding="utf-8") + PREDICATES, "pred.yaml")
    body = (
        "answers:\n  h.x.a: 50\n  h.y.a: 50\n  p.a1.i1.a: Ya\n  p.a1.i2.a: Ya\n"
        "  p.a1.i3.a: Ya\n  p.a2.i1.a: 100\n  p.a2.i1.b: 5\n"
    )
    result = score(load_assessment(write(tmp_path, HEAD + body), str(rules)))
    (pred,) = result.predicates
    got = {c.target: (c.value, c.met) for c in pred.conditions}
    # h: 5 + 15 = 20 of 40 = 0.5 (its 20 points would pass a 0.75 minimum)
    assert got["h"] == (F(1, 2), False)
    # a1: three 0.33 weights of 4.99 = 0.99/4.99 = 0.19839... -> 0.1984 (0.99 points)
    assert got["a1"] == (F("0.1984"), False)
    # a2: p.a2 full (55) + h.y 15 = 70/85 = 0.823529... -> 0.8235
    assert got["a2"] == (F("0.8235"), True)
    assert not pred.met


def test_nested_area_tags_are_refused_where_they_are(tmp_path: Path, runner: CliRunner) -> None:
    text = MINI.read_text(encoding="utf-8").replace(
        "{id: p.a1.i1, name: I1, weight: 0.33,", "{id: p.a1.i1, name: I1, area: a2, weight: 0.33,"
    )
    path = write(tmp_path, text, "nested.yaml")
    with pytest.raises(ProblemsError) as info:
        load_rules(str(path))
    [problem] = info.value.problems
    assert (problem.line, problem.code) == (38, "nested_area")
    assert "'p.a1.i1' has area 'a2' inside 'p.a1', which has area 'a1'" in problem.message
    out = runner.invoke(app, ["rules", "check", str(path)])
    assert out.exit_code == 1
    assert f"{path}:38:" in out.stderr
    assert "nested_area" in out.stderr


def test_rules_check_shows_a_middle_overlays_warning_in_that_overlay(
    tmp_path: Path, runner: CliRunner
) -> None:
    middle = write(
        tmp_path,
        f"extends: {MINI}\nid: m\nversion: '1'\nnodes:\n  p.a1.i6: {{weight: 2.2}}\n",
        "middle.yaml",
    )
    top = write(
        tmp_path,
        f"extends: {middle}\nid: t\nversion: '1'\nnodes:\n  h.x: {{name: X baru}}\n",
        "top.yaml",
    )
    out = runner.invoke(app, ["rules", "check", str(top)])
    assert out.exit_code == 0, out.output
    # p.a1's printed weights become 5.19: the middle overlay's line 5, column 21 did it
    assert f"{middle}:5:21: [warning] weight_sum: the weights under 'p.a1' add up to 5.19" in (
        out.stderr
    )
    assert f"{MINI}:58:17: [warning] weight_sum: the weights under 'p.a2'" in out.stderr


@pytest.mark.parametrize(
    ("done", "total", "shown"),
    [(1, 160, "0.63%"), (5, 800, "0.63%"), (3, 8, "37.50%"), (1, 3, "33.33%"), (2, 3, "66.67%")],
)
def test_count_percentages_are_rounded_half_up_exactly(
    tmp_path: Path, done: int, total: int, shown: str
) -> None:
    body = f"answers:\n  p.a1.i6.c: {{counts: {{selesai: {done}, total: {total}}}}}\n"
    a = load_assessment(write(tmp_path, HEAD + body), str(MINI))
    assert a.answers["p.a1.i6.c"].display == shown


def test_batam_keeps_its_index_and_says_its_areas_are_unknown(runner: CliRunner) -> None:
    # four published components, no answers: 8.51 + 6.41 + 7.58 + 29.83 = 52.33, CC
    path = ROOT / "assessments" / "kota-batam-2020.yaml"
    out = runner.invoke(app, ["score", str(path), "-f", "json"])
    data = json.loads(out.stdout)
    assert (data["index"], data["category"]) == (52.33, "CC")
    assert all(a["points"] is None and a["share"] is None for a in data["areas"])
    assert (data["questions"], data["improvements"], data["weak_areas"]) == (0, [], [])
    table = " ".join(runner.invoke(app, ["score", str(path)]).stdout.split())
    assert "Areas unknown, part of their points are under a published score: Manajemen" in table
