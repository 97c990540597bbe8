"""The 2023 line features of the rule-set format, on hand-computed cases (tests/data/lines.yaml).

Line points = value / max x weight (ratio) or the value itself (points), times the share of
the line named by `multiply_by` (unrounded), rounded to 2 decimals as IEEE doubles
(binary64); RB General is rescaled to its adjusted weight when lines are not counted.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F
from pathlib import Path

import pytest

from pmprb.analysis.engine import NodeResult, Result, score
from pmprb.base.errors import ProblemsError
from pmprb.model.common import load_assessment
from pmprb.model.load import load_rules_file

from .conftest import DATA, write

LINES = DATA / "lines.yaml"
HEAD = "rules: lines-mini\nyear: 2023\nunit: {name: Uji, code: '1'}\n"
BASE = {
    "g.a.rencana.nilai": "2.42",
    "g.a.implementasi.nilai": "100",
    "g.b.spip.nilai": "3.61",
    "g.b.x1.nilai": "2.05",
    "g.b.x2.nilai": "2.05",
    "g.b.merit.nilai": '{not_counted: "KASN tidak mengevaluasi"}',
    "g.b.rest.nilai": "50",
    "g.c.nilai": "80",
    "g.koef.nilai": "-1.5",
    "t.ra.nilai": "0.38",
    "t.out.nilai": "85.71",
    "t.dampak.nilai": "9",
}


def run(tmp_path: Path, rules: Path | None = None, **changes: str | None) -> Result:
    answers = {**BASE, **{k.replace("__", "."): v for k, v in changes.items()}}
    body = "answers:\n" + "".join(
        f"  {k}: {v}\n" if v is not None else f"  {k}:\n" for k, v in answers.items()
    )
    return score(load_assessment(write(tmp_path, HEAD + body), str(rules or LINES)))


def nodes(result: Result) -> dict[str, NodeResult]:
    return {n.id: n for n in result.root.walk()}


def problems(tmp_path: Path, text: str, rules: Path = LINES) -> list[str]:
    with pytest.raises(ProblemsError) as info:
        load_assessment(write(tmp_path, text), str(rules))
    return [f"{p.line}:{p.col}: {p.code}: {p.message}" for p in info.value.problems]


def test_hand_computed_lines(tmp_path: Path) -> None:
    n = nodes(result := run(tmp_path))
    assert n["g.a.rencana"].points == F("2.42")  # points scale: the value is the points
    # 7 x 100/100 x (2.42 / 3) = 5.64666..., rounded from the unrounded Rencana Aksi
    assert n["g.a.implementasi"].points == F("5.65")
    assert n["g.b.spip"].points == F("2.89")  # 3.61 / 5 x 4 = 2.888: the 1 of 1-5 not subtracted
    assert n["g.b.x1"].points == F("0.61")  # 2.05 / 5 x 1.5 = 0.615 in a double is below .615
    assert n["g.b.x2"].points == F("1.02")  # 2.05 / 5 x 2.5 = 1.025, stored as 1.02
    assert n["g.b.merit"].points == 0
    assert n["g.koef"].points == F("-1.5")  # the signed koefisien is part of RB General
    raw = F("2.42") + F("5.65") + F("2.89") + F("0.61") + F("1.02") + 14 + 40 - F("1.5")
    assert raw == F("65.09")
    assert n["general"].rescaled == (raw, F(96))  # 100 - the 4 of the line not counted
    assert n["general"].points == F("67.80")  # 65.09 / 96 x 100 = 67.8020...
    # 0.6 x 85.71/100 x (0.38 / 0.4) = 0.48854... ; 0.38 + 0.49 + 9
    assert n["tematik"].points == F("9.87")
    assert result.index == Decimal("77.67")
    assert result.band is not None
    assert result.band.id == "BB"
    assert [(i, item.not_counted) for i, item in n["general"].not_counted()] == [
        ("g.b.merit", "KASN tidak mengevaluasi")
    ]


def test_half_up_rounding_rounds_exact_ties_up(tmp_path: Path) -> None:
    text = LINES.read_text(encoding="utf-8").replace("mode: binary64", "mode: half_up")
    rules = write(tmp_path, text, "half-up.yaml")
    n = nodes(run(tmp_path, rules))
    assert n["g.b.x1"].points == F("0.62")
    assert n["g.b.x2"].points == F("1.03")
    binary = nodes(run(tmp_path, g__b__x1__nilai="4.25"))  # 4.25 / 5 x 1.5 = 1.275
    assert binary["g.b.x1"].points == F("1.27")


def test_blank_scores_zero_and_keeps_its_weight(tmp_path: Path) -> None:
    result = run(tmp_path, g__b__merit__nilai=None)
    n = nodes(result)
    assert n["general"].rescaled == (F("65.09"), F(100))
    assert n["general"].points == F("65.09")
    assert result.index == Decimal("74.96")
    assert n["general"].not_counted() == []


def test_multiplier_uses_unrounded_points(tmp_path: Path) -> None:
    # Rencana Aksi 2.005 (points) rounds to 2.01 (binary 2.00499.. -> 2.00); the multiplier
    # takes 2.005 / 3 unrounded: 7 x 2.005 / 3 = 4.678333 -> 4.68
    n = nodes(run(tmp_path, g__a__rencana__nilai="2.005"))
    assert n["g.a.implementasi"].points == F("4.68")
    # and a blank Rencana Aksi makes its implementation worth 0
    assert nodes(run(tmp_path, g__a__rencana__nilai=None))["g.a.implementasi"].points == 0


def test_index_above_100_and_the_open_top_band(tmp_path: Path) -> None:
    full = {
        "g__a__rencana__nilai": "3",
        "g__b__spip__nilai": "5",
        "g__b__x1__nilai": "5",
        "g__b__x2__nilai": "5",
        "g__b__merit__nilai": "100",
        "g__b__rest__nilai": "100",
        "g__c__nilai": "100",
        "g__koef__nilai": "0",
        "t__ra__nilai": "0.4",
        "t__out__nilai": "100",
    }
    result = run(tmp_path, None, **full)
    assert result.index == Decimal("110.00")
    assert result.band is not None
    assert result.band.id == "AA"
    lower = run(tmp_path, None, **{**full, "g__koef__nilai": "-5"})
    assert lower.index == Decimal("105.00")  # 95 + 10


def test_published_rb_general_with_adjusted_weight(tmp_path: Path) -> None:
    text = HEAD + ("scores:\n  general: {points: 65.14, adjusted_weight: 94.5}\n  tematik: 0.83\n")
    result = score(load_assessment(write(tmp_path, text), str(LINES)))
    n = nodes(result)
    assert n["general"].rescaled == (F("65.14"), F("94.5"))
    assert n["general"].points == F("68.93")  # 65.14 / 94.5 x 100 = 68.9312...
    assert result.index == Decimal("69.76")
    plain = score(load_assessment(write(tmp_path, HEAD + "scores: {general: 68.93}\n"), str(LINES)))
    assert nodes(plain)["general"].points == F("68.93")  # a plain number: the final points
    assert nodes(plain)["general"].rescaled is None  # its adjusted weight is not known


def test_bad_answers_are_located(tmp_path: Path) -> None:
    text = HEAD + (
        "answers:\n"
        "  g.b.spip.nilai: 5.5\n"
        "  g.b.merit.nilai: {not_counted: true}\n"
        "  g.c.nilai: {not_counted: '  '}\n"
        "  t.dampak.nilai: {not_counted: alasan}\n"
        "  g.koef.nilai: -11\n"
        "scores:\n  tematik: {points: 1, adjusted_weight: 9}\n"
    )
    found = problems(tmp_path, text)
    codes = [p.split(": ")[0] + " " + p.split(": ")[1] for p in found]
    assert "5:19 out_of_range" in codes, found
    assert "5:19: out_of_range: 5.5 is outside 1 to 5 for 'g.b.spip.nilai'" in found
    assert "6:34 no_justification" in codes, found
    assert "7:28 no_justification" in codes, found
    assert "8:33 not_counted_refused" in codes, found
    assert "9:17 out_of_range" in codes, found
    assert "11:41 not_rescaled" in codes, found


@pytest.mark.parametrize(
    ("change", "code", "where"),
    [
        ("multiply_by: g.a.rencana\n", "multiply_cycle", "multiply_by"),
        ("multiply_by: g.a.tidak_ada\n", "unknown_node", "multiply_by"),
        ("multiply_by: g.a\n", "unknown_node", "multiply_by"),
    ],
)
def test_bad_multipliers_are_rule_problems(
    tmp_path: Path, change: str, code: str, where: str
) -> None:
    text = LINES.read_text(encoding="utf-8")
    marker = '            param_id: "2177"\n'
    if code == "multiply_cycle":  # Rencana Aksi multiplied by its own implementation
        text = text.replace(marker, marker + "            multiply_by: g.a.implementasi\n")
    else:
        text = text.replace("            multiply_by: g.a.rencana\n", "            " + change)
    path = write(tmp_path, text, "bad.yaml")
    with pytest.raises(ProblemsError) as info:
        load_rules_file(path)
    line = next(
        i
        for i, t in enumerate(text.splitlines(), 1)
        if t.strip().startswith(where)
        and ("implementasi" in t if code == "multiply_cycle" else True)
    )
    assert any(p.code == code and p.line == line for p in info.value.problems), info.value.problems


def test_schema_accepts_the_new_answer_forms_and_refuses_unjustified_ones() -> None:
    import jsonschema  # type: ignore[import-untyped]

    from pmprb.model.load import load_rules_file
    from pmprb.report.schema import answer_schema

    schema = answer_schema(load_rules_file(LINES))
    validator = jsonschema.Draft7Validator(schema)
    base = {"rules": "lines-mini", "year": 2023, "unit": {"name": "Uji", "code": "1"}}

    def ok(answers: dict[str, object], scores: dict[str, object] | None = None) -> bool:
        doc = {**base, "answers": answers, "scores": scores or {}}
        return bool(validator.is_valid(doc))

    assert ok({"g.b.merit.nilai": {"not_counted": "KASN tidak menilai", "evidence": ["surat"]}})
    assert not ok({"g.b.merit.nilai": {"not_counted": True}})
    assert not ok({"g.b.merit.nilai": {"not_counted": " "}})
    assert not ok({"g.b.merit.nilai": {"not_counted": "alasan", "answer": 3}})
    assert not ok({"t.dampak.nilai": {"not_counted": "alasan"}})  # not allowed there
    assert ok({"g.koef.nilai": -2.5})  # the signed koefisien
    assert ok({}, {"general": {"points": 65.14, "adjusted_weight": 94.5}, "tematik": 0.83})
    assert ok({}, {"general": 68.93})
    assert not ok({}, {"tematik": {"points": 1, "adjusted_weight": 9}})
    assert not ok({}, {"general": {"points": 65.14, "adjusted_weight": 0}})


def test_validate_asks_no_evidence_for_a_ratio_lines_minimum(tmp_path: Path) -> None:
    from pmprb.analysis.validate import Options, validate_paths

    text = HEAD + "answers:\n  g.b.spip.nilai: 1\n  g.c.nilai: 1\n  g.koef.nilai: -10\n"
    path = write(tmp_path, text)
    report = validate_paths([path], Options(rules=str(LINES)))
    flagged = {
        p.message.split("'")[1] for f in report.files for p in f.problems if p.code == "no_evidence"
    }
    # SPIP 1 is the lowest answer of its 1-5 line, the koefisien -10 of its range
    assert flagged == {"g.c.nilai"}
