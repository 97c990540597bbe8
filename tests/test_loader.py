"""Invalid answer files: every problem at once, each at its line:col, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmprb.base.errors import Problem, ProblemsError
from pmprb.inputs.loader import parse
from pmprb.model.common import load_assessment

from .conftest import MINI, write

HEAD = "rules: mini\nyear: 2021\nunit:\n  name: Dinas Uji\n  code: '9.99'\n"


def problems(tmp_path: Path, text: str) -> list[Problem]:
    path = write(tmp_path, text)
    with pytest.raises(ProblemsError) as info:
        load_assessment(path, str(MINI))
    return info.value.problems


def where(tmp_path: Path, text: str) -> list[tuple[int | None, int | None, str]]:
    return [(p.line, p.col, p.code) for p in problems(tmp_path, text)]


def test_every_problem_reported_at_once_sorted(tmp_path: Path) -> None:
    text = HEAD + (
        "answers:\n"
        "  p.a1.i1.a: Mungkin\n"  # line 7: not an option
        "  p.a1.i9.a: Ya\n"  # line 8: unknown id
        "  p.a2.i1.a: 120\n"  # line 9: out of range
        "  p.a2.i1.b: tinggi\n"  # line 10: a number was needed
    )
    assert where(tmp_path, text) == [
        (7, 14, "bad_option"),
        (8, 3, "unknown_question"),
        (9, 14, "out_of_range"),
        (10, 14, "bad_number"),
    ]


def test_unknown_id_suggests_the_closest(tmp_path: Path) -> None:
    [p] = problems(tmp_path, HEAD + "answers:\n  p.a1.i6.cc: 50\n")
    assert "did you mean 'p.a1.i6.c'" in p.message


def test_duplicate_keys_are_errors_at_every_level(tmp_path: Path) -> None:
    text = (
        "rules: mini\nyear: 2021\nyear: 2022\nunit: {name: A, code: B}\n"
        "answers:\n  h.x.a: 1\n  h.x.a: 2\n"
    )
    assert where(tmp_path, text) == [(3, 1, "duplicate_key"), (7, 3, "duplicate_key")]


def test_missing_fields_and_wrong_types(tmp_path: Path) -> None:
    text = "rules: mini\nunit:\n  name: Dinas\n  code: 2171\n"
    found = problems(tmp_path, text)
    assert [(p.line, p.col) for p in found] == [(1, 1), (4, 9)]
    assert "year" in found[0].message
    assert "quotes" in found[1].message


def test_long_form_problems_point_inside(tmp_path: Path) -> None:
    text = HEAD + (
        "answers:\n  p.a1.i4.b:\n    answer: Z\n    evidence: [SK 1]\n"
        "  p.a1.i4.a:\n    answer: A\n    evidence: {SK: tanpa daftar}\n"
    )
    assert where(tmp_path, text) == [(8, 13, "bad_option"), (12, 15, "invalid")]


def test_yes_no_stay_text_and_booleans_are_refused(tmp_path: Path) -> None:
    found = problems(tmp_path, HEAD + "answers:\n  p.a1.i1.a: yes\n  p.a1.i2.a: true\n")
    assert [p.code for p in found] == ["bad_option", "invalid"]
    assert "'yes' is not an answer" in found[0].message


def test_syntax_error_is_located(tmp_path: Path) -> None:
    [p] = problems(tmp_path, HEAD + "answers:\n  p.a1.i1.a: [Ya\n")
    assert p.code == "yaml_syntax"
    assert p.line is not None


def test_aliases_and_python_tags_are_refused(tmp_path: Path) -> None:
    alias = HEAD + "answers:\n  p.a1.i1.a: &x Ya\n  p.a1.i2.a: *x\n"
    assert where(tmp_path, alias) == [(8, 14, "yaml_alias")]
    tag = HEAD + "answers:\n  p.a1.i1.a: !!python/object:os.system ls\n"
    [p] = problems(tmp_path, tag)
    assert p.code == "yaml_tag"
    assert p.line == 7


def test_unknown_rule_set_in_file_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, "rules: permenpanrb-26-2021\nyear: 2021\nunit: {name: A, code: B}\n")
    with pytest.raises(ProblemsError) as info:
        load_assessment(path)
    [p] = info.value.problems
    assert (p.line, p.col, p.code) == (1, 8, "unknown_rules")
    assert "did you mean 'permenpanrb-26-2020'" in p.message


def test_not_a_mapping(tmp_path: Path) -> None:
    assert where(tmp_path, "- a\n- b\n") == [(1, 1, "not_mapping")]


def test_invalid_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"rules: mini\nyear: 2021\nunit: {name: \xff}\n")
    with pytest.raises(ProblemsError) as info:
        load_assessment(path, str(MINI))
    [p] = info.value.problems
    assert (p.line, p.col, p.code) == (3, 14, "encoding")


def test_decimals_are_exact_and_dates_stay_text() -> None:
    from decimal import Decimal

    data = parse("x", "a: 8.51\nb: 2021-11-18\nc: no\nd: 1000\ne: -0.25\n")
    assert data == {
        "a": Decimal("8.51"),
        "b": "2021-11-18",
        "c": "no",
        "d": 1000,
        "e": Decimal("-0.25"),
    }


def test_published_score_out_of_range_and_unknown_node(tmp_path: Path) -> None:
    text = HEAD + "scores:\n  p: 61\n  q: 1\n"
    assert where(tmp_path, text) == [(7, 6, "out_of_range"), (8, 3, "unknown_node")]


def test_nesting_limit_is_exact_and_located() -> None:
    def nested(levels: int) -> str:
        # the top-level mapping is level 1, each list one more
        return "a: " + "[" * (levels - 1) + "]" * (levels - 1) + "\n"

    assert parse("ok.yaml", nested(4), max_depth=4) == {"a": [[[]]]}
    with pytest.raises(ProblemsError) as info:
        parse("deep.yaml", nested(5), max_depth=4)
    [problem] = info.value.problems
    assert (problem.line, problem.col, problem.code) == (1, 7, "too_deep")
    assert "4" in problem.message
