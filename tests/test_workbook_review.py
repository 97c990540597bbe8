"""Review values in LKE workbooks (issue 12 item 1): the reviewer's columns, read and
written like YAML's `review:` block; workbooks of the older layout still read."""

from __future__ import annotations

import datetime
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from pmprb.cli import app
from pmprb.inputs.loader import parse
from pmprb.model.assessment import AnswerFile
from pmprb.model.common import load_assessment
from pmprb.report.convert import answer_yaml

from .conftest import DATA, MINI, ROOT, need_program, write
from .workbooks import header_columns, question_rows, soffice_convert

DINKES = ROOT / "assessments" / "kota-sukamaju-2021" / "dinkes.yaml"
KOTA_2025 = ROOT / "assessments" / "sukamaju-evaluasi-rb-2025" / "kota-sukamaju.yaml"
MINI_REVIEW = DATA / "mini-review.yaml"
OLD = DATA / "workbook-v1"  # made by pmprb before the review columns (layout 1)

# The reviewer's columns, left to right after the unit's, as the issue lists the fields.
REVIEW_HEADERS = [
    "Reviewer's answer",
    "Reviewer's count 1",
    "Reviewer's count 2",
    "Reviewer: not counted, the justification",
    "Reviewer's note",
    "Recommendation",
    "Reviewed by",
    "Appeal status",
    "Appeal reason",
    "Response to the appeal",
]

# A 2025 file whose reviewer marks a line not counted and changes another with an appeal.
REVIEWED_2025 = {
    "b.lapor.nilai": (
        "  b.lapor.nilai:\n    answer: 3.5\n    review:\n"
        "      not_counted: Aplikasi LAPOR belum dinilai KemenPANRB tahun ini\n"
        "      by: Evaluator KemenPANRB\n"
    ),
    "b.sakip.nilai": (
        "  b.sakip.nilai:\n    answer: 74\n    review:\n      answer: 61.5\n"
        "      note: Nilai SAKIP menurut LHE\n      appeal: {status: rejected, reason: LHE"
        " belum final}\n      response: LHE sudah final\n"
    ),
}


def _no_files(data: Any) -> Any:
    """A JSON result without its file names (they differ by design), nor where shared
    values came from: a workbook holds the shared answers as its own (docs/formats.md)."""
    if isinstance(data, dict):
        return {k: _no_files(v) for k, v in data.items() if k not in ("file", "common", "shared")}
    if isinstance(data, list):
        return [_no_files(v) for v in data]
    return data


def _evidence_left_out(data: Any, ids: list[str]) -> Any:
    """A JSON result with the evidence of the given questions left out."""
    if isinstance(data, dict):
        drop = data.get("id") in ids
        return {
            k: _evidence_left_out(v, ids) for k, v in data.items() if not (drop and k == "evidence")
        }
    if isinstance(data, list):
        return [_evidence_left_out(v, ids) for v in data]
    return data


def run(runner: CliRunner, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.stdout


def scored(runner: CliRunner, path: Path, basis: str, *extra: str) -> Any:
    return _no_files(
        json.loads(run(runner, "score", str(path), "--basis", basis, "-f", "json", *extra))
    )


def convert(runner: CliRunner, source: Path, target: Path, *extra: str) -> Path:
    run(runner, "convert", str(source), "-o", str(target), *extra)
    return target


def reviewed_2025(tmp_path: Path) -> Path:
    lines = KOTA_2025.read_text(encoding="utf-8").splitlines(keepends=True)
    out: list[str] = []
    for line in lines:
        key = line.strip().split(":")[0]
        out.append(REVIEWED_2025.get(key, line) if line.startswith("  ") else line)
    return write(tmp_path, "".join(out), "kota-2025.yaml")


def same_assessment(a: Path, b: Path, rules: str | None = None) -> None:
    """Both files validate to the same Assessment (all but the path)."""
    first, second = load_assessment(a, rules), load_assessment(b, rules)
    for name in ("unit", "year", "answers", "scores", "adjusted", "reviews", "held"):
        assert getattr(first, name) == getattr(second, name), name
    assert first.rules.digest == second.rules.digest


# --- round trip ---------------------------------------------------------------------------


@pytest.mark.parametrize("example", ["dinkes", "mini", "2025"])
def test_yaml_to_xlsx_to_yaml_keeps_every_review(
    runner: CliRunner, tmp_path: Path, example: str
) -> None:
    source, rules = {
        "dinkes": (DINKES, ()),
        "mini": (MINI_REVIEW, ("--rules", str(MINI))),
        "2025": (reviewed_2025(tmp_path), ()),
    }[example]
    book = convert(runner, source, tmp_path / "r.xlsx", *rules)
    back = convert(runner, book, tmp_path / "back.yaml", *rules)
    ref = rules[1] if rules else None
    given = load_assessment(source, ref)
    assert given.reviews  # the case has reviews to lose
    same_assessment(source, book, ref)
    same_assessment(source, back, ref)
    for basis in ("unit", "review", "both"):
        expected = scored(runner, source, basis, *rules)
        assert scored(runner, book, basis, *rules) == expected, basis
        assert scored(runner, back, basis, *rules) == expected, basis
    # the YAML written back carries the same review blocks as the original
    original = AnswerFile.model_validate(parse("a", source.read_text(encoding="utf-8")))
    again = AnswerFile.model_validate(parse("b", back.read_text(encoding="utf-8")))

    def reviews(model: AnswerFile) -> dict[str, Any]:
        found = {q: getattr(a, "review", None) for q, a in model.answers.items()}
        return {q: r for q, r in found.items() if r is not None}

    assert reviews(again) == reviews(original)


def test_the_2025_review_scores_as_computed_by_hand(runner: CliRunner, tmp_path: Path) -> None:
    """The reviewer's line not counted and changed value, read from the workbook: the review
    basis leaves both lines out of / changes them in RB General, the unit basis does not."""
    book = convert(runner, reviewed_2025(tmp_path), tmp_path / "k.xlsx")
    assessment = load_assessment(book)
    lapor, sakip = assessment.reviews["b.lapor.nilai"], assessment.reviews["b.sakip.nilai"]
    assert lapor.given is not None
    assert lapor.given.not_counted == "Aplikasi LAPOR belum dinilai KemenPANRB tahun ini"
    assert lapor.by == "Evaluator KemenPANRB"
    assert sakip.given is not None
    assert sakip.given.number == __import__("decimal").Decimal("61.5")
    assert sakip.appeal is not None
    assert (sakip.appeal.status, sakip.appeal.reason) == ("rejected", "LHE belum final")
    assert sakip.response == "LHE sudah final"
    # the unit's own not-counted marking (layout 2 has its column) came through too
    assert assessment.answers["b.sistem_merit.nilai"].not_counted.startswith("Komisi Aparatur")


# --- the layout a reviewer sees -------------------------------------------------------------


def _init(runner: CliRunner, out: Path, rules: str = str(MINI), lang: str = "en") -> Path:
    args = ["--lang", lang, "init", "--unit", "U", "--code", "C", "--year", "2025"]
    run(runner, *args, "--rules", rules, "--format", "xlsx", "-o", str(out))
    return out


def _validation(ws: Any, cell: str) -> Any:
    return next(d for d in ws.data_validations.dataValidation if cell in d.sqref)


def test_review_columns_follow_the_units_and_are_labelled_as_the_reviewers(
    runner: CliRunner, tmp_path: Path
) -> None:
    wb = openpyxl.load_workbook(_init(runner, tmp_path / "t.xlsx"))
    ws = wb["Answers"]
    header, cols = header_columns(ws)
    texts = [ws.cell(header, c).value for c in range(1, ws.max_column + 1)]
    note = texts.index("Note")
    assert texts[note + 1 :] == REVIEW_HEADERS
    assert len(set(texts)) == len(texts)
    # the row above the headers names who fills each group, merged over the group
    first, by = cols["Reviewer's answer"], cols["Reviewed by"]
    band = str(ws.cell(header - 1, first).value)
    assert band.startswith("Review: filled in by the reviewer")
    merged = {str(m) for m in ws.merged_cells.ranges}
    row = header - 1
    assert f"{get_column_letter(first)}{row}:{get_column_letter(by)}{row}" in merged
    status = cols["Appeal status"]
    assert str(ws.cell(row, status).value).startswith("Appeal (sanggah)")
    assert ws.cell(row, cols["Answer"]).value == "Filled in by the unit"
    rows = question_rows(ws)
    r = rows["p.a1.i6.a"]
    unit_fill = ws.cell(r, cols["Answer"]).fill.fgColor.rgb
    review_fill = ws.cell(r, first).fill.fgColor.rgb
    assert unit_fill != review_fill
    # the reviewer's cells are open to typing, with the answer column's dropdowns
    for name in ("Reviewer's answer", "Reviewer's note", "Recommendation", "Appeal status"):
        assert ws.cell(r, cols[name]).protection.locked is False, name
    dv = _validation(ws, ws.cell(r, first).coordinate)
    assert (dv.type, dv.formula1) == ("list", '"A,B,C"')
    assert dv.prompt
    dv = _validation(ws, ws.cell(rows["p.a2.i1.b"], first).coordinate)
    assert (dv.type, dv.formula1, dv.formula2) == ("decimal", "1", "5")
    dv = _validation(ws, ws.cell(r, status).coordinate)
    assert (dv.type, dv.formula1) == ("list", '"submitted,accepted,rejected,withdrawn"')
    assert dv.showErrorMessage
    # counts: the reviewer's count cells only on the counts question
    assert ws.cell(rows["p.a1.i6.c"], cols["Reviewer's count 1"]).protection.locked is False
    assert ws.cell(r, cols["Reviewer's count 1"]).protection.locked is True
    # a template without reviews prints the unit's columns (to Note) one page wide; a
    # workbook holding reviews prints them all
    assert ws.print_area == f"'Answers'!$A$1:${get_column_letter(cols['Note'])}${ws.max_row}"
    reviewed = openpyxl.load_workbook(
        convert(runner, MINI_REVIEW, tmp_path / "r.xlsx", "--rules", str(MINI))
    )["Answers"]
    assert not reviewed.print_area  # none set: the whole sheet
    # mini allows no line to be not counted: both not-counted columns are hidden, locked
    for name in ("Not counted: the justification", "Reviewer: not counted, the justification"):
        assert ws.column_dimensions[get_column_letter(cols[name])].hidden, name
        assert ws.cell(r, cols[name]).protection.locked is True


def test_review_columns_in_indonesian_and_not_counted_where_allowed(
    runner: CliRunner, tmp_path: Path
) -> None:
    book = _init(runner, tmp_path / "t.xlsx", "permenpanrb-9-2023-kabkota", "id")
    ws = openpyxl.load_workbook(book)["Jawaban"]
    header, cols = header_columns(ws)
    texts = [ws.cell(header, c).value for c in range(1, ws.max_column + 1)]
    assert len(set(texts)) == len(texts)
    assert {"Jawaban reviu", "Catatan reviu", "Rekomendasi", "Status sanggah"} <= set(texts)
    rows = question_rows(ws)
    r = rows["b.lapor.nilai"]
    dv = _validation(ws, ws.cell(r, cols["Status sanggah"]).coordinate)
    assert dv.formula1 == '"diajukan,diterima,ditolak,dicabut"'
    for name in ("Tidak diperhitungkan: alasannya", "Reviu: tidak diperhitungkan, alasannya"):
        assert not ws.column_dimensions[get_column_letter(cols[name])].hidden, name
        assert ws.cell(r, cols[name]).protection.locked is False, name
    # a line that may not be left out keeps its not-counted cells closed
    assert ws.cell(
        rows["tematik.kemiskinan.output.nilai"], cols["Tidak diperhitungkan: alasannya"]
    ).protection.locked


def test_a_reviewer_fills_the_indonesian_workbook(runner: CliRunner, tmp_path: Path) -> None:
    """Typed by a script the way a reviewer types in Excel: the Indonesian status label;
    the workbook scores on the review basis exactly as the same review in YAML."""
    target = tmp_path / "r.xlsx"
    run(
        runner, "--lang", "id", "convert", str(MINI_REVIEW), "-o", str(target), "--rules", str(MINI)
    )
    book = target
    wb = openpyxl.load_workbook(book)
    ws = wb["Jawaban"]
    _h, cols = header_columns(ws, "ID")
    r = question_rows(ws)["p.a1.i6.a"]
    ws.cell(r, cols["Jawaban reviu"]).value = "c"
    ws.cell(r, cols["Catatan reviu"]).value = "Belum semua"
    ws.cell(r, cols["Status sanggah"]).value = "Ditolak"
    ws.cell(r, cols["Tanggapan atas sanggah"]).value = 2021  # a number typed in a text cell
    wb.save(book)
    text = MINI_REVIEW.read_text(encoding="utf-8").replace(
        "  p.a1.i6.a: A\n",
        "  p.a1.i6.a:\n    answer: A\n    review: {answer: c, note: Belum semua,"
        " appeal: {status: rejected}, response: '2021'}\n",
    )
    assert text != MINI_REVIEW.read_text(encoding="utf-8")
    same = write(tmp_path, text, "same.yaml")
    same_assessment(book, same, str(MINI))
    review = load_assessment(book, str(MINI)).reviews["p.a1.i6.a"]
    assert review.given is not None
    assert (review.given.display, review.appeal.status if review.appeal else None) == (
        "C",
        "rejected",
    )


# --- bad review cells, located ---------------------------------------------------------------


def _validate(runner: CliRunner, path: Path) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["validate", str(path), "--rules", str(MINI), "-f", "json"])
    assert result.exit_code == 1, result.output
    found: list[dict[str, Any]] = json.loads(result.stdout)["problems"]
    # mini-review.yaml leaves three questions unanswered, which validate reports too
    return [p for p in found if p["level"] == "error" and p["code"] != "unanswered"]


BAD = [
    # (question, {column: value}, the column the problem names, code, words of the message)
    ("p.a1.i6.a", {"Reviewer's answer": "E"}, "Reviewer's answer", "bad_option", "A, B, C"),
    ("h.x.a", {"Reviewer's answer": "85,5"}, "Reviewer's answer", "bad_number", "85.5"),
    ("h.x.a", {"Reviewer's answer": 120}, "Reviewer's answer", "out_of_range", "0 to 100"),
    (
        "p.a1.i6.a",
        {"Appeal status": "rejectd"},
        "Appeal status",
        "bad_option",
        "did you mean 'rejected'",
    ),
    ("p.a1.i6.a", {"Reviewer's note": "=1+1"}, "Reviewer's note", "xlsx_formula", "1+1"),
    (
        "h.x.a",
        {"Reviewer's answer": datetime.datetime(2021, 5, 1)},
        "Reviewer's answer",
        "xlsx_date",
        "date",
    ),
    (
        "p.a1.i6.c",
        {"Reviewer's answer": 50, "Reviewer's count 1": 1, "Reviewer's count 2": 4},
        "Reviewer's answer",
        "invalid",
        "`answer`, `counts` or `not_counted`",
    ),
    ("p.a1.i6.c", {"Reviewer's count 1": -1, "Reviewer's count 2": 4}, None, "bad_counts", ""),
    ("p.a1.i6.a", {"Appeal reason": "ada buktinya"}, "Appeal status", "missing", "status"),
    (
        "p.a1.i6.a",
        {"Reviewer: not counted, the justification": "tidak dinilai"},
        "Reviewer: not counted, the justification",
        "not_counted_refused",
        "p.a1.i6.a",
    ),
    ("p.a1.i6.a", {"Recommendation": True}, None, None, ""),  # TRUE typed as text: fine
]


@pytest.mark.parametrize(("qid", "cells", "named", "code", "words"), BAD)
def test_a_bad_review_cell_is_located(
    runner: CliRunner,
    tmp_path: Path,
    qid: str,
    cells: dict[str, Any],
    named: str | None,
    code: str | None,
    words: str,
) -> None:
    book = convert(runner, MINI_REVIEW, tmp_path / "r.xlsx", "--rules", str(MINI))
    wb = openpyxl.load_workbook(book)
    ws = wb["Answers"]
    _h, cols = header_columns(ws)
    row = question_rows(ws)[qid]
    for header, value in cells.items():
        ws.cell(row, cols[header]).value = value
    wb.save(book)
    if code is None:
        run(runner, "score", str(book), "--rules", str(MINI))
        return
    [problem] = _validate(runner, book)
    assert problem["code"] == code
    column = cols[named or next(iter(cells))]
    if named is None and code == "bad_counts":
        column = cols["Reviewer's count 1"]
    assert (problem["line"], problem["col"]) == (row, column)
    assert problem["message"].startswith(f"Answers!{get_column_letter(column)}{row}: ")
    assert words in problem["message"]


def test_a_deleted_review_column_is_a_layout_problem(runner: CliRunner, tmp_path: Path) -> None:
    """Reviews are never dropped silently: a workbook of layout 2 needs its review columns."""
    book = convert(runner, MINI_REVIEW, tmp_path / "r.xlsx", "--rules", str(MINI))
    wb = openpyxl.load_workbook(book)
    ws = wb["Answers"]
    _h, cols = header_columns(ws)
    ws.delete_cols(cols["Reviewer's note"])
    wb.save(book)
    result = runner.invoke(app, ["score", str(book), "--rules", str(MINI)])
    assert result.exit_code == 1
    assert "xlsx_layout" in result.stderr
    assert "Reviewer's note" in result.stderr


# --- the older layout -------------------------------------------------------------------------


def _meta(book: Path) -> dict[str, str]:
    ws = openpyxl.load_workbook(book)["_pmprb"]
    return {str(r[0].value): str(r[1].value) for r in ws.iter_rows() if r[0].value}


def test_a_workbook_of_layout_1_still_reads(runner: CliRunner, tmp_path: Path) -> None:
    """dinkes-2021.xlsx was written by `pmprb convert` before the review columns existed."""
    old = OLD / "dinkes-2021.xlsx"
    meta = _meta(old)
    assert meta["format"] == "pmprb-lke/1"
    assert not any(k.startswith("header.review") for k in meta)  # truly the old layout
    # the unit's answers are read exactly; the old layout had no review, so the review
    # basis is the unit's own result, with no answer reviewed
    # (made before the example city had its shared file: the two shared answers carry
    # the unit's own evidence there, the shared file's in the YAML)
    shared = json.loads(run(runner, "score", str(DINKES), "-f", "json"))["shared"]
    assert _evidence_left_out(scored(runner, old, "unit"), shared) == _evidence_left_out(
        scored(runner, DINKES, "unit"), shared
    )
    assert load_assessment(old).reviews == {}
    both = scored(runner, old, "both")
    assert both["index"]["review"] == both["index"]["unit"]
    assert (both["reviewed"], both["reviews"]) == (0, 0)
    # converted to YAML and back it has the current layout (with empty review columns)
    book = convert(runner, convert(runner, old, tmp_path / "d.yaml"), tmp_path / "new.xlsx")
    assert _meta(book)["format"] == "pmprb-lke/2"
    assert _evidence_left_out(scored(runner, book, "unit"), shared) == _evidence_left_out(
        scored(runner, DINKES, "unit"), shared
    )


def test_an_english_workbook_of_layout_1_reads_in_indonesian(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Made in English by the old pmprb (which could not carry the not-counted marking):
    it reads as the same answers with that line unanswered."""
    old = OLD / "kota-sukamaju-2025-en.xlsx"
    assert _meta(old)["format"] == "pmprb-lke/1"
    model = AnswerFile.model_validate(parse("a", KOTA_2025.read_text(encoding="utf-8")))
    answers = dict(model.answers)
    answers["b.sistem_merit.nilai"] = None
    blank = write(tmp_path, answer_yaml(model.model_copy(update={"answers": answers})), "k.yaml")
    expected = scored(
        runner,
        blank,
        "unit",
    )
    assert scored(runner, old, "unit") == expected
    run(runner, "--lang", "id", "score", str(old))


def test_a_later_layout_is_refused_with_the_layouts_read(runner: CliRunner, tmp_path: Path) -> None:
    book = convert(runner, MINI_REVIEW, tmp_path / "r.xlsx", "--rules", str(MINI))
    wb = openpyxl.load_workbook(book)
    meta = wb["_pmprb"]
    row = next(r for r in meta.iter_rows() if r[0].value == "format")
    row[1].value = "pmprb-lke/3"
    wb.save(book)
    result = runner.invoke(app, ["score", str(book), "--rules", str(MINI)])
    assert result.exit_code == 1
    assert "xlsx_not_lke" in result.stderr
    assert "pmprb-lke/1, pmprb-lke/2" in result.stderr


# --- score and batch on workbooks ---------------------------------------------------------------


def test_batch_basis_on_workbooks_is_the_batch_on_yaml(runner: CliRunner, tmp_path: Path) -> None:
    city = ROOT / "assessments" / "kota-sukamaju-2021"
    yaml_dir, mixed = tmp_path / "yaml", tmp_path / "mixed"
    shutil.copytree(city, yaml_dir)
    shutil.copytree(city, mixed)
    for path in [*sorted(mixed.glob("*.yaml"))[::2], mixed / "dinkes.yaml"]:
        if path.exists():
            convert(runner, path, path.with_suffix(".xlsx"))
            path.unlink()
    assert (mixed / "dinkes.xlsx").exists()
    for basis in ("review", "both"):
        args = ["--basis", basis, "-f", "json"]
        expected = _no_files(json.loads(run(runner, "batch", str(yaml_dir), *args)))
        assert _no_files(json.loads(run(runner, "batch", str(mixed), *args))) == expected, basis
    reviewed = json.loads(run(runner, "batch", str(mixed), "--basis", "both", "-f", "json"))
    assert reviewed["groups"][0]["reviewed"] == 7  # Dinkes's seven review values


# --- LibreOffice ------------------------------------------------------------------------------


def test_a_reviewed_workbook_in_libreoffice(runner: CliRunner, tmp_path: Path) -> None:
    """A reviewed workbook prints, and saved by LibreOffice it scores the same both ways."""
    soffice = need_program("soffice")
    book = convert(runner, DINKES, tmp_path / "dinkes.xlsx")
    expected = scored(runner, book, "both")
    # (the full results show a number as stored: LibreOffice writes 63.90 as 63.9)
    del expected["results"]
    for target, out in (("pdf", tmp_path), ("xlsx:Calc MS Excel 2007 XML", tmp_path / "saved")):
        done = soffice_convert(soffice, book, target, out, tmp_path / "profile")
        assert done.returncode == 0, done.stderr
    pdf = tmp_path / "dinkes.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    saved = tmp_path / "saved" / "dinkes.xlsx"
    with zipfile.ZipFile(saved) as z:  # really rewritten by LibreOffice
        assert b"LibreOffice" in z.read("docProps/app.xml")
    again = scored(runner, saved, "both")
    del again["results"]
    assert again == expected
    assert len(expected["differences"]) == 8  # Dinkes's review blocks with their notes


def test_every_field_of_the_long_form_has_a_column() -> None:
    """The workbook holds whatever the long form holds: a field added to LongAnswer, its
    review block or the appeal without a column would be lost by `convert`."""
    from pmprb.inputs.workbook.layout import answer_columns
    from pmprb.model.assessment import Appeal, LongAnswer, Review

    paths = {c.path for c in answer_columns() if c.kind != "written"}
    wanted: set[tuple[str, ...]] = {(f,) for f in LongAnswer.model_fields if f != "review"}
    wanted |= {("review", f) for f in Review.model_fields if f != "appeal"}
    wanted |= {("review", "appeal", f) for f in Appeal.model_fields}
    assert paths == wanted


def test_a_misspelt_status_in_indonesian_gets_a_did_you_mean(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "r.xlsx"
    run(
        runner, "--lang", "id", "convert", str(MINI_REVIEW), "-o", str(target), "--rules", str(MINI)
    )
    wb = openpyxl.load_workbook(target)
    ws = wb["Jawaban"]
    _h, cols = header_columns(ws)
    row = question_rows(ws)["p.a1.i6.a"]
    ws.cell(row, cols["Status sanggah"]).value = "ditolk"
    wb.save(target)
    result = runner.invoke(app, ["--lang", "id", "score", str(target), "--rules", str(MINI)])
    assert result.exit_code == 1
    cell = f"{get_column_letter(cols['Status sanggah'])}{row}"
    expected = (
        f"r.xlsx:{row}:{cols['Status sanggah']}: [error] bad_option: Jawaban!{cell}: 'ditolk' "
        "bukan status sanggah; pilih salah satu dari: diajukan, diterima, ditolak, dicabut "
        "(maksud Anda 'ditolak'?)"
    )
    assert expected in result.stderr, result.stderr
