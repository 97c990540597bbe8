"""`pmprb diff`: two answer files of one unit compared, on hand-computed pairs.

Rule set `tiny` (total 100): p (60) = p.a1 (40, area a1: q1 A/B/C, q2 Ya/Tidak, 20 each)
+ p.a2 (20, area a2: q3 Ya/Tidak); h (40) = h.x (40: q4, q5 A/B/C, 20 each).
Bands: C up to 50, B above. `tiny2`: p (60) = p.a1 (60, area a1: q1 alone, max 60);
k (40) = k.x (40: q6 A/B/C).
"""

from __future__ import annotations

import json
from fractions import Fraction
from fractions import Fraction as F
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmprb.analysis.compare import ANSWERED, DROPPED, IMPROVED, REGRESSED, compare
from pmprb.analysis.engine import Result, score
from pmprb.cli import app
from pmprb.model.common import load_assessment

HEAD = """title: Tiny
version: "1"
years: [2020, 2030]
total: 100
precision: 2
provenance: {status: verified, source: tests}
scales:
  yt: {kind: choice, name: Ya/Tidak, options: {Ya: 1, Tidak: 0}}
  abc: {kind: choice, name: A/B/C, options: {A: 1, B: 0.5, C: 0}}
bands:
  - {id: C, min: 0, max: 50, name: Kurang}
  - {id: B, min: 50, max: 100, name: Baik}
"""
TINY = (
    "id: tiny\n"
    + HEAD
    + """areas: [{id: a1, name: Area Satu}, {id: a2, name: Area Dua}]
tree:
  - id: p
    name: Pengungkit
    weight: 60
    children:
      - id: p.a1
        name: A1
        area: a1
        weight: 40
        questions: [{id: q1, text: Q1, scale: abc}, {id: q2, text: Q2, scale: yt}]
      - {id: p.a2, name: A2, area: a2, weight: 20, questions: [{id: q3, text: Q3, scale: yt}]}
  - id: h
    name: Hasil
    weight: 40
    children:
      - id: h.x
        name: X
        weight: 40
        questions: [{id: q4, text: Q4, scale: abc}, {id: q5, text: Q5, scale: abc}]
"""
)
TINY2 = (
    "id: tiny2\n"
    + HEAD
    + """areas: [{id: a1, name: Area Satu}]
tree:
  - id: p
    name: Pengungkit
    weight: 60
    children:
      - {id: p.a1, name: A1, area: a1, weight: 60, questions: [{id: q1, text: Q1, scale: abc}]}
  - id: k
    name: Kinerja
    weight: 40
    children:
      - {id: k.x, name: X, weight: 40, questions: [{id: q6, text: Q6, scale: abc}]}
"""
)


def _answers(rules: str, year: int, answers: str, name: str = "Dinas <Uji> | *x*") -> str:
    return (
        f"rules: {rules}\nyear: {year}\n"
        f'unit: {{name: "{name}", code: "9.01", instansi: Kota Uji}}\n'
        f"answers:\n{answers}"
    )


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    (tmp_path / "tiny2.yaml").write_text(TINY2, encoding="utf-8")
    out = {
        # q1 B 10 + q2 Tidak 0 + q3 Ya 20 + q4 B 10 = 40: C
        "old": _answers("tiny", 2021, "  q1: B\n  q2: Tidak\n  q3: Ya\n  q4: B\n"),
        # q1 A 20 + q2 Ya 20 + q3 Tidak 0 + q5 A 20 = 60: B
        "new": _answers("tiny", 2022, "  q1: A\n  q2: Ya\n  q3: Tidak\n  q5: A\n"),
        # on tiny2: q1 A 60 + q6 C 0 = 60: B
        "other": _answers("tiny2", 2023, "  q1: A\n  q6: C\n"),
    }
    paths = {}
    for key, text in out.items():
        paths[key] = tmp_path / f"{key}.yaml"
        paths[key].write_text(text, encoding="utf-8")
    return paths


def _result(path: Path) -> Result:
    rules = "tiny2.yaml" if path.stem == "other" else "tiny.yaml"
    return score(load_assessment(path, str(path.parent / rules)))


def _rules(files: dict[str, Path], new: str = "new") -> list[str]:
    """The CLI options naming the rule sets of OLD and NEW."""
    folder = files["old"].parent
    tiny = str(folder / "tiny.yaml")
    return ["--old-rules", tiny, "--rules", str(folder / "tiny2.yaml") if new == "other" else tiny]


def test_same_rules_every_delta(files: dict[str, Path]) -> None:
    c = compare(_result(files["old"]), _result(files["new"]))
    assert c.same_rules
    assert c.same_unit
    assert c.old.index == 40
    assert c.new.index == 60
    assert c.index_delta == 20
    assert c.old.category is not None
    assert c.old.category[0] == "C"
    assert c.new.category is not None
    assert c.new.category[0] == "B"
    comp = {d.id: (d.old, d.new, d.delta) for d in c.components}
    assert comp == {"p": (F(30), F(40), F(10)), "h": (F(10), F(20), F(10))}
    areas = {d.id: (d.old, d.new, d.delta) for d in c.areas}
    assert areas == {"a1": (F(10), F(40), F(30)), "a2": (F(20), F(0), F(-20))}
    kinds = {q.id: (q.kind, q.old_points, q.new_points) for q in c.questions}
    assert kinds == {
        "q1": (IMPROVED, F(10), F(20)),
        "q2": (IMPROVED, F(0), F(20)),
        "q3": (REGRESSED, F(20), F(0)),
        "q4": (DROPPED, F(10), F(0)),
        "q5": (ANSWERED, F(0), F(20)),
    }
    assert not c.only_old
    assert not c.only_new
    assert not c.reweighted


def test_unchanged_file_has_no_changes(files: dict[str, Path]) -> None:
    c = compare(_result(files["old"]), _result(files["old"]))
    assert c.questions == ()
    assert c.index_delta == 0
    assert all(d.delta == 0 for d in c.components + c.areas)


def test_across_rule_sets(files: dict[str, Path]) -> None:
    c = compare(_result(files["old"]), _result(files["other"]))
    assert not c.same_rules
    assert c.index_delta == 20
    assert [(d.id, d.old, d.new) for d in c.components] == [("p", F(30), F(60))]
    assert [(d.id, d.old, d.new) for d in c.areas] == [("a1", F(10), F(60))]
    assert c.only_old.components == ("h",)
    assert c.only_new.components == ("k",)
    assert c.only_old.areas == ("a2",)
    assert c.only_new.areas == ()
    assert set(c.only_old.questions) == {"q2", "q3", "q4", "q5"}
    assert c.only_new.questions == ("q6",)
    # q1: maximum 20 -> 60, B -> A: improved on its value, points 10 -> 60
    assert c.reweighted == ("q1",)
    [q] = c.questions
    assert (q.id, q.kind, q.delta) == ("q1", IMPROVED, Fraction(50))


def test_cli_json(runner: CliRunner, files: dict[str, Path]) -> None:
    out = runner.invoke(
        app, ["diff", str(files["old"]), str(files["new"]), "-f", "json", *_rules(files)]
    )
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["index_delta"] == 20.0
    assert data["category_changed"] is True
    assert (data["old"]["category"], data["new"]["category"]) == ("C", "B")
    assert [q["id"] for q in data["questions"]["improved"]] == ["q1", "q2"]
    assert data["questions"]["dropped"] == [
        {
            "id": "q4",
            "old_answer": "B",
            "new_answer": None,
            "old_points": 10.0,
            "new_points": 0.0,
            "delta": -10.0,
        }
    ]
    assert data["areas"][1] == {
        "id": "a2",
        "name": "Area Dua",
        "old": 20.0,
        "new": 0.0,
        "delta": -20.0,
        "old_max": 20.0,
        "new_max": 20.0,
    }


def test_cli_across_rule_sets_says_what_is_not_compared(
    runner: CliRunner, files: dict[str, Path]
) -> None:
    out = runner.invoke(
        app,
        [
            "--lang",
            "en",
            "diff",
            str(files["old"]),
            str(files["other"]),
            "-f",
            "markdown",
            *_rules(files, "other"),
        ],
    )
    assert out.exit_code == 0, out.stderr
    assert "Different rule sets (tiny and tiny2)" in out.stdout
    assert "Components only in OLD, not compared: h" in out.stdout
    assert "4 questions only in OLD, not compared" in out.stdout
    # a hostile unit name is escaped for Markdown
    assert "# Dinas \\<Uji\\> \\| \\*x\\* (9.01): 2021 → 2023" in out.stdout


def test_cli_csv_and_table(runner: CliRunner, files: dict[str, Path]) -> None:
    out = runner.invoke(
        app, ["diff", str(files["old"]), str(files["new"]), "-f", "csv", *_rules(files)]
    )
    assert out.exit_code == 0, out.stderr
    rows = out.stdout.splitlines()
    assert rows[0] == "kind,id,name,old,new,delta"
    assert rows[1] == "index,,,40.0,60.0,20.0"
    assert rows[2] == "category,,,C,B,"
    assert "area,a2,Area Dua,20.0,0.0,-20.0" in rows
    assert "answered,q5,Q5,0.0,20.0,20.0" in rows
    table = runner.invoke(
        app, ["--lang", "en", "diff", str(files["old"]), str(files["new"]), *_rules(files)]
    )
    assert table.exit_code == 0, table.stderr
    assert "Index: 40.00 → 60.00 (+20.00)" in table.stdout
    assert "Category: C → B" in table.stdout


def test_cli_bad_file_is_a_problem(
    runner: CliRunner, files: dict[str, Path], tmp_path: Path
) -> None:
    out = runner.invoke(
        app, ["diff", str(files["old"]), str(tmp_path / "missing.yaml"), *_rules(files)]
    )
    assert out.exit_code == 2
    assert "Traceback" not in out.stderr
