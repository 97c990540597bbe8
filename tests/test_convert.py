"""`pmprb convert`: YAML -> XLSX -> YAML gives the same data, for generated answer files."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pmprb.cli import app
from pmprb.inputs.loader import parse
from pmprb.model.assessment import AnswerFile, LongAnswer
from pmprb.model.load import load_rules
from pmprb.model.rules import ChoiceScale
from pmprb.report.convert import answer_yaml, to_workbook, to_yaml

from .conftest import MINI, ROOT

LOADED = load_rules(str(MINI))

# Text a person types: no control characters (a cell cannot hold most of them), no
# unassigned or private code points, no line or paragraph separators.
_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co", "Zl", "Zp"))
WORD = st.text(_CHARS, min_size=1, max_size=30).filter(lambda t: t.strip() == t and t != "")
# a note may span lines; evidence is one item per line of its cell
NOTE = st.lists(WORD, min_size=1, max_size=3).map("\n".join)


def _number(lo: Decimal, hi: Decimal) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.integers(int(lo), int(hi)), st.decimals(lo, hi, places=2), st.decimals(lo, hi, places=4)
    )


@st.composite
def review(draw: Any, qid: str) -> dict[str, Any]:
    """A review block: the reviewer's value (or none: a note only), the texts, an appeal."""
    value = draw(answer(qid, reviewed=False))
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        if isinstance(value, dict):
            out.update({k: v for k, v in value.items() if k in ("answer", "counts")})
        else:
            out["answer"] = value
    for name in ("note", "recommendation", "by", "response"):
        if draw(st.booleans()):
            out[name] = draw(NOTE if name == "note" else WORD)
    if draw(st.booleans()):
        appeal: dict[str, Any] = {
            "status": draw(st.sampled_from(["submitted", "accepted", "rejected", "withdrawn"]))
        }
        if draw(st.booleans()):
            appeal["reason"] = draw(WORD)
        out["appeal"] = appeal
    return out or {"by": draw(WORD)}


@st.composite
def answer(draw: Any, qid: str, reviewed: bool = True) -> Any:
    ref = LOADED.questions[qid]
    scale = ref.scale
    if reviewed and draw(st.integers(0, 3)) == 0:
        given = draw(answer(qid, reviewed=False))
        long = given if isinstance(given, dict) else {"answer": given}
        if draw(st.integers(0, 4)) == 0:  # a review of a question the unit left blank
            long = {}
        return {**long, "review": draw(review(qid))}
    if ref.question.counts is not None and draw(st.booleans()):
        names = list(ref.question.counts.inputs)
        counts = {n: draw(st.integers(0, 10**6)) for n in names}
        value: dict[str, Any] = {"counts": counts}
    else:
        if isinstance(scale, ChoiceScale):
            label = draw(st.sampled_from(list(scale.options)))
            short: Any = draw(st.sampled_from([label, label.lower(), label.upper()]))
        else:
            short = draw(_number(scale.min, scale.max))
        if draw(st.booleans()):
            return short
        value = {"answer": short}
    if draw(st.booleans()):
        value["evidence"] = draw(st.lists(WORD, min_size=1, max_size=3))
    if draw(st.booleans()):
        value["note"] = draw(NOTE)
    return value


@st.composite
def answer_file(draw: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for qid in LOADED.questions:
        choice = draw(st.sampled_from(["absent", "blank", "given", "given"]))
        if choice == "blank":
            answers[qid] = None
        elif choice == "given":
            answers[qid] = draw(answer(qid))
    scores: dict[str, Any] = {}
    for nid in draw(st.lists(st.sampled_from(sorted(LOADED.maxima)), max_size=3, unique=True)):
        exact = LOADED.maxima[nid]
        top = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
            Decimal("0.01"), rounding="ROUND_FLOOR"
        )
        scores[nid] = draw(st.decimals(Decimal(0), top, places=2))
    return {
        "rules": "mini",
        "year": draw(st.integers(2020, 2030)),
        "unit": {"name": draw(WORD), "code": draw(WORD), "instansi": draw(st.just("") | WORD)},
        "answers": answers,
        "scores": scores,
    }


def normal(model: AnswerFile) -> dict[str, Any]:
    """The data an answer file holds: a question left empty is unanswered either way, and a
    long form with only its answer is the short form."""
    answers: dict[str, Any] = {}
    for qid, one in model.answers.items():
        if one is None:
            continue
        if isinstance(one, LongAnswer):
            fields = {k: v for k, v in one.model_dump().items() if v not in (None, (), "")}
            answers[qid] = fields["answer"] if list(fields) == ["answer"] else fields
        else:
            answers[qid] = one
    return {**model.model_dump(exclude={"answers"}), "answers": answers}


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=answer_file())
def test_yaml_to_xlsx_to_yaml_keeps_the_data(tmp_path: Path, data: dict[str, Any]) -> None:
    original = AnswerFile.model_validate(data)
    first = tmp_path / "a.yaml"
    first.write_text(answer_yaml(original), encoding="utf-8")
    book = tmp_path / "a.xlsx"
    book.write_bytes(to_workbook(first, str(first), str(MINI)))
    back = to_yaml(book, str(book), str(MINI))
    again = AnswerFile.model_validate(parse("back.yaml", back))
    assert normal(again) == normal(original)


def test_convert_cli_both_ways(runner: CliRunner, tmp_path: Path) -> None:
    source = ROOT / "assessments" / "kota-sukamaju-2021" / "dinkes.yaml"
    book, back = tmp_path / "dinkes.xlsx", tmp_path / "dinkes.yaml"
    assert runner.invoke(app, ["convert", str(source), "-o", str(book)]).exit_code == 0
    assert runner.invoke(app, ["convert", str(book), "-o", str(back)]).exit_code == 0
    scores = []
    for path in (source, book, back):
        result = runner.invoke(app, ["score", str(path), "-f", "json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        del data["file"]
        scores.append(data)
    # the YAML takes two answers from its shared file; the workbook holds them itself
    assert scores[0].pop("shared") == [
        "ha.pw.kapabilitas_apip.nilai",
        "hasil.akuntabilitas.opini_bpk.nilai",
    ]
    assert scores[0].pop("common").endswith("kota-sukamaju-2021/bersama.yaml")
    text = json.dumps(scores[0]).replace(', "shared": true', "")
    assert json.loads(text) == scores[1] == scores[2]
    # never over an existing file
    assert runner.invoke(app, ["convert", str(source), "-o", str(book)]).exit_code == 2


@pytest.mark.parametrize("target", ["same.yaml", "out.txt"])
def test_convert_needs_the_other_format(runner: CliRunner, tmp_path: Path, target: str) -> None:
    source = ROOT / "assessments" / "kota-sukamaju-2021" / "dinkes.yaml"
    result = runner.invoke(app, ["convert", str(source), "-o", str(tmp_path / target)])
    assert result.exit_code == 2


def test_convert_refuses_an_invalid_file(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "rules: mini\nyear: 2021\nunit: {name: U, code: C}\nanswers: {p.a1.i1.a: Z}\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["convert", str(bad), "-o", str(tmp_path / "b.xlsx"), "--rules", str(MINI)]
    )
    assert result.exit_code == 1
    assert "bad.yaml:4:22: [error] bad_option" in result.stderr
    assert not (tmp_path / "b.xlsx").exists()


def test_a_number_a_cell_cannot_hold_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    path.write_text(
        "rules: mini\nyear: 2021\nunit: {name: U, code: C}\n"
        "answers:\n  h.x.a: 33.3333333333333333\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["convert", str(path), "-o", str(tmp_path / "l.xlsx"), "--rules", str(MINI)]
    )
    assert result.exit_code == 1
    assert "long.yaml:5:10: [error] too_precise" in result.stderr


@pytest.mark.parametrize(
    "example", ["komisi-pemilihan-umum", "provinsi-di-yogyakarta", "kementerian-panrb"]
)
def test_an_official_2023_result_survives_the_workbook(
    runner: CliRunner, tmp_path: Path, example: str
) -> None:
    """Published RB General with its adjusted weight (KPU: 65.14 at 94.5) and line-level
    files go to a workbook and back with the same data and the same published index."""
    source = ROOT / "assessments" / "evaluasi-rb-2023" / f"{example}.yaml"
    book, back = tmp_path / f"{example}.xlsx", tmp_path / f"{example}.yaml"
    assert runner.invoke(app, ["convert", str(source), "-o", str(book)]).exit_code == 0
    assert runner.invoke(app, ["convert", str(book), "-o", str(back)]).exit_code == 0
    original = AnswerFile.model_validate(parse("a", source.read_text(encoding="utf-8")))
    again = AnswerFile.model_validate(parse("b", back.read_text(encoding="utf-8")))
    assert again.scores == original.scores
    # (a question left empty comes back as `qid:` with no answer, which is the same data)
    given = {q: a for q, a in again.answers.items() if a is not None}
    assert given == {q: a for q, a in original.answers.items() if a is not None}
    scored = [
        json.loads(runner.invoke(app, ["score", str(p), "-f", "json"]).stdout)
        for p in (source, book, back)
    ]
    assert len({(s["index"], s["category"]) for s in scored}) == 1
    if example == "komisi-pemilihan-umum":
        assert (scored[1]["index"], scored[1]["category"]) == (69.76, "B")
