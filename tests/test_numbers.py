"""Numbers are plain decimals: every other YAML 1.1 number form, and text where a number
belongs, is a located problem that echoes the value and says the fix (issue 10 A, 16.1)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pmprb.analysis.engine import score
from pmprb.base.errors import Problem, ProblemsError
from pmprb.base.i18n import set_language
from pmprb.inputs.loader import explain_not_number, parse
from pmprb.model.common import load_assessment
from pmprb.model.load import load_rules

from .conftest import MINI, write

HEAD = "rules: mini\nyear: 2021\nunit:\n  name: Dinas Uji\n  code: '9.99'\n"

# Every form YAML 1.1 (PyYAML) reads as an int or a float that is not a plain decimal,
# with what a person most likely meant (None: no single guess, the message explains).
YAML_11_FORMS = [
    ("075", "write 75"),  # octal: YAML 1.1 reads 61
    ("-075", "write -75"),
    ("0_75", "write 75"),
    ("0x1F", "write 31"),  # hexadecimal
    ("-0x1f", "write -31"),
    ("0b101", "write 5"),  # binary
    ("1:05", "base 60"),  # sexagesimal int: YAML 1.1 reads 65
    ("190:20:30", "base 60"),
    ("1:30.5", "base 60"),  # sexagesimal float
    ("1_000", "write 1000"),  # separators
    ("1_0.5", "write 10.5"),
    ("+5", "write 5"),  # explicit plus sign
    ("+85.5", "write 85.5"),
    ("1.0e+3", "write 1000"),  # exponent (YAML 1.1 needs the point and the sign)
    ("2.5E-1", "write 0.25"),
    (".5", "write 0.5"),  # no digit before the point
    ("5.", "write 5"),  # no digit after it
    ("00.5", "write 0.5"),
    (".inf", "finite"),
    ("-.inf", "finite"),
    ("+.INF", "finite"),
    (".Inf", "finite"),
    (".nan", "finite"),
    (".NaN", "finite"),
    (".NAN", "finite"),
]


def problems(tmp_path: Path, text: str) -> list[Problem]:
    path = write(tmp_path, text)
    with pytest.raises(ProblemsError) as info:
        load_assessment(path, str(MINI))
    return info.value.problems


@pytest.mark.parametrize(("form", "fix"), YAML_11_FORMS)
def test_every_yaml_11_number_form_is_refused_where_it_is(form: str, fix: str) -> None:
    with pytest.raises(ProblemsError) as info:
        parse("x.yaml", f"a: 1\nb:\n  c: {form}\n")
    [problem] = info.value.problems
    assert (problem.line, problem.col, problem.code) == (3, 6, "number_form")
    assert f"'{form}'" in problem.message
    assert fix in problem.message


@pytest.mark.parametrize(("form", "fix"), YAML_11_FORMS)
def test_a_yaml_11_form_is_never_an_answer(tmp_path: Path, form: str, fix: str) -> None:
    text = HEAD + f"answers:\n  h.x.a: {form}\n  p.a1.i1.a: Ya\n"
    [problem] = problems(tmp_path, text)
    assert (problem.line, problem.col, problem.code) == (7, 10, "number_form")
    assert fix in problem.message


@pytest.mark.parametrize(
    ("place", "text", "line", "col"),
    [
        ("published score", HEAD + "scores:\n  p.a1: 04\n", 7, 9),
        ("year", "rules: mini\nyear: 0x7E5\nunit:\n  name: A\n  code: '1'\n", 2, 7),
        (
            "counts",
            HEAD + "answers:\n  p.a1.i6.c:\n    counts: {selesai: 1:05, total: 100}\n",
            8,
            23,
        ),
        ("a long answer", HEAD + "answers:\n  h.x.a:\n    answer: 1_0\n", 8, 13),
    ],
)
def test_no_place_reads_another_base(
    tmp_path: Path, place: str, text: str, line: int, col: int
) -> None:
    found = [(p.line, p.col, p.code) for p in problems(tmp_path, text)]
    assert found == [(line, col, "number_form")], place


def test_a_rule_set_cannot_hide_an_octal_weight(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8").replace("weight: 60", "weight: 060", 1)
    path = write(tmp_path, text, "octal.yaml")
    with pytest.raises(ProblemsError) as info:
        load_rules(str(path))
    [problem] = info.value.problems
    assert problem.code == "number_form"
    assert "write 60" in problem.message


def test_every_form_in_a_file_is_listed_at_once(tmp_path: Path) -> None:
    text = HEAD + "answers:\n  h.x.a: 075\n  h.y.a: 1:05\n"
    assert [(p.line, p.code) for p in problems(tmp_path, text)] == [
        (7, "number_form"),
        (8, "number_form"),
    ]


def test_plain_decimals_are_read_exactly(tmp_path: Path) -> None:
    data = parse("x.yaml", "a: 85\nb: 85.5\nc: -0.25\nd: 0\ne: 100.00\nf: 0.5\n")
    assert data == {
        "a": 85,
        "b": Decimal("85.5"),
        "c": Decimal("-0.25"),
        "d": 0,
        "e": Decimal("100.00"),
        "f": Decimal("0.5"),
    }
    # and score as those decimals: h.x is 10 points on a 0-100 scale
    path = write(tmp_path, HEAD + "answers:\n  h.x.a: 75\n")
    result = score(load_assessment(path, str(MINI)))
    (hx,) = (n for n in result.root.walk() if n.id == "h.x")
    assert hx.points == Decimal("7.5")


# Issue 16 item 1: each mistake echoes the value and says the fix, in Indonesian first.
MISTAKES = [
    ('"85"', "'85' is in quotes", "hapus tanda kutip: 85"),
    ("85%", "remove the % sign: 85", "hapus tanda %: 85"),
    (
        "85,5",
        "use a point as the decimal separator: 85.5",
        "gunakan titik sebagai pemisah desimal: 85.5",
    ),
    ("85 poin", "without 'poin': 85", "tanpa 'poin': 85"),
    ("A", "'A' is not a number", "'A' bukan angka"),
    ("'٨٥'", "write 85", "tulis 85"),  # Arabic-Indic digits
    ("1e3", "write 1000", "tulis 1000"),  # YAML 1.1 reads this as text
]


@pytest.mark.parametrize(("value", "in_english", "in_indonesian"), MISTAKES)
def test_number_mistakes_teach_the_fix(
    tmp_path: Path, value: str, in_english: str, in_indonesian: str
) -> None:
    text = HEAD + f"answers:\n  h.x.a: {value}\n"
    [problem] = problems(tmp_path, text)
    assert (problem.line, problem.col, problem.code) == (7, 10, "bad_number")
    assert in_english in problem.message
    assert "'h.x.a' needs a number from 0 to 100" in problem.message
    set_language("id")
    [problem] = problems(tmp_path, text)
    assert in_indonesian in problem.message
    assert "angka" in problem.message


@pytest.mark.parametrize(
    ("value", "fix"),
    [('"8.5"', "remove the quotes: 8.5"), ('"1_0"', "write 10"), ('"٨"', "write 8")],
)
def test_a_quoted_published_score_is_refused_as_the_schema_does(
    tmp_path: Path, value: str, fix: str
) -> None:
    [problem] = problems(tmp_path, HEAD + f"scores:\n  p.a1: {value}\n")
    assert (problem.line, problem.col, problem.code) == (7, 9, "bad_number")
    assert fix in problem.message


def test_explain_not_number_is_one_reusable_function() -> None:
    # the workbook reader explains cell text with the same function
    assert explain_not_number(" 85% ") == "' 85% ' is not a number; remove the % sign: 85"
    assert explain_not_number("Tidak") == "'Tidak' is not a number"
