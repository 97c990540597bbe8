"""LKE workbooks: init --format xlsx, filled workbooks as answer files, hostile workbooks."""

from __future__ import annotations

import datetime
import io
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
from pmprb.model.load import load_rules
from pmprb.model.rules import bundled_ids

from .conftest import MINI, ROOT, need_program, write
from .workbooks import (
    fill,
    header_columns,
    question_rows,
    sample_answers,
    soffice_convert,
    yaml_text,
)

UNIT = {"name": "Dinas Kesehatan", "code": "DINKES", "instansi": "Kota Contoh"}
OVERLAY = str(ROOT / "rules" / "overlays" / "contoh-reform-resmi.yaml")


def init_xlsx(runner: CliRunner, out: Path, rules: str = "permenpanrb-26-2020") -> Path:
    args = ["init", "--unit", UNIT["name"], "--code", UNIT["code"], "--year", "2021"]
    args += ["--instansi", UNIT["instansi"], "--rules", rules, "--format", "xlsx", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return out


def score_json(runner: CliRunner, path: Path, rules: str | None = None) -> dict[str, Any]:
    args = ["score", str(path), "-f", "json"] + (["--rules", rules] if rules else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    del data["file"]
    return data


@pytest.mark.parametrize(
    ("rules", "scored_with"),
    [*((r, None) for r in bundled_ids()), ("contoh-reform-resmi", OVERLAY)],
)
def test_filled_workbook_scores_exactly_like_the_same_yaml(
    runner: CliRunner, tmp_path: Path, rules: str, scored_with: str | None
) -> None:
    loaded = load_rules(scored_with or rules)
    answers = sample_answers(loaded)
    book = init_xlsx(runner, tmp_path / "unit.xlsx", scored_with or rules)
    fill(book, answers)
    named = loaded.rules.id
    text = write(tmp_path, yaml_text(named, UNIT, 2021, answers))
    expected = score_json(runner, text, scored_with)
    assert expected["answered"] == len(answers)  # every answer was read
    assert score_json(runner, book, scored_with) == expected


def test_blank_template_scores_zero_and_names_its_rule_set(
    runner: CliRunner, tmp_path: Path
) -> None:
    book = init_xlsx(runner, tmp_path / "t.xlsx")
    data = score_json(runner, book)
    assert (data["index"], data["answered"]) == (0.0, 0)
    assert data["unit"] == UNIT
    assert data["rules"]["sha256"] == load_rules("permenpanrb-26-2020").sha256


def test_template_layout(runner: CliRunner, tmp_path: Path) -> None:
    """What a person sees: identity first, answer cells unlocked with a dropdown, the rest
    protected, frozen headers, A4 landscape one page wide, metadata very hidden."""
    book = init_xlsx(runner, tmp_path / "t.xlsx", str(MINI))
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames[0] == "Identity"
    assert wb["_pmprb"].sheet_state == "veryHidden"
    ws = wb["Answers"]
    header, cols = header_columns(ws)
    rows = question_rows(ws)
    assert len(rows) == 15
    r = rows["p.a1.i6.a"]
    assert ws.cell(r, cols["Question"]).value == "Q"
    assert ws.cell(r, cols["Answer options"]).value == "A: semua\nB: sebagian\nC: belum"
    assert ws.protection.sheet
    assert not ws.protection.password
    assert ws.cell(r, cols["Answer"]).protection.locked is False
    assert ws.cell(r, cols["Question"]).protection.locked is True
    assert ws.freeze_panes == f"B{header + 1}"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage  # type: ignore[union-attr]
    assert ws.page_setup.fitToWidth in (None, 1)
    assert ws.page_setup.fitToHeight == 0
    # the header row and the row above it, which labels the unit's and the reviewer's columns
    assert ws.print_title_rows == f"${header - 1}:${header}"
    answer_cell = ws.cell(r, cols["Answer"]).coordinate
    dv = next(d for d in ws.data_validations.dataValidation if answer_cell in d.sqref)
    assert (dv.type, dv.formula1) == ("list", '"A,B,C"')
    assert dv.showErrorMessage
    assert dv.error
    assert dv.prompt
    number = ws.cell(rows["p.a2.i1.b"], cols["Answer"]).coordinate
    dv = next(d for d in ws.data_validations.dataValidation if number in d.sqref)
    assert (dv.type, dv.formula1, dv.formula2) == ("decimal", "1", "5")
    counts = ws.cell(rows["p.a1.i6.c"], cols["Count 1"])
    assert counts.protection.locked is False
    assert ws.cell(rows["p.a1.i6.a"], cols["Count 1"]).protection.locked is True


def test_template_labels_are_indonesian(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    args = ["--lang", "id", "init", "--unit", "U", "--code", "C", "--year", "2021"]
    result = runner.invoke(app, [*args, "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:3] == ["Identitas", "Jawaban", "Nilai terpublikasi"]
    _h, cols = header_columns(wb["Jawaban"])
    assert {"Jawaban", "Catatan", "Data dukung, satu per baris"} <= set(cols)
    # read back in English: columns are found by the headers recorded in the workbook
    assert score_json(runner, out)["unit"]["name"] == "U"


def test_init_never_overwrites(runner: CliRunner, tmp_path: Path) -> None:
    book = init_xlsx(runner, tmp_path / "t.xlsx")
    before = book.read_bytes()
    args = ["init", "--unit", "U", "--code", "C", "--year", "2021", "-f", "xlsx", "-o", str(book)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert book.read_bytes() == before


def test_template_opens_in_libreoffice(runner: CliRunner, tmp_path: Path) -> None:

    soffice = need_program("soffice")
    book = init_xlsx(runner, tmp_path / "lke.xlsx")
    done = soffice_convert(soffice, book, "pdf", tmp_path, tmp_path / "profile")
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "lke.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 20_000  # every sheet printed, not an error page


def test_workbook_saved_by_libreoffice_scores_the_same(runner: CliRunner, tmp_path: Path) -> None:
    """A unit fills the workbook and saves it with LibreOffice (which rewrites every part)."""

    soffice = need_program("soffice")
    loaded = load_rules("permenpanrb-26-2020")
    book = fill(init_xlsx(runner, tmp_path / "unit.xlsx"), sample_answers(loaded))
    expected = score_json(runner, book)
    out = tmp_path / "saved"
    done = soffice_convert(soffice, book, "xlsx:Calc MS Excel 2007 XML", out, tmp_path / "profile")
    assert done.returncode == 0, done.stderr
    assert score_json(runner, out / "unit.xlsx") == expected


# --- filled workbooks in batch and validate -----------------------------------------


def test_batch_and_validate_take_workbooks_and_yaml_in_one_run(
    runner: CliRunner, tmp_path: Path
) -> None:
    loaded = load_rules(str(MINI))
    answers = sample_answers(loaded)
    folder = tmp_path / "opd"
    folder.mkdir()
    book = init_xlsx(runner, folder / "dinkes.xlsx", str(MINI))
    fill(book, answers)
    other = {**UNIT, "code": "BAPPEDA"}
    write(folder, yaml_text("mini", other, 2021, answers), "bappeda.yaml")
    (folder / "~$dinkes.xlsx").write_bytes(b"\x00lock")  # Excel's lock file: skipped
    result = runner.invoke(app, ["batch", str(folder), "--rules", str(MINI), "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    ranking = data["groups"][0]["ranking"]
    assert sorted(u["unit"]["code"] for u in ranking) == ["BAPPEDA", "DINKES"]
    assert len({u["index"] for u in ranking}) == 1
    result = runner.invoke(app, ["validate", str(folder), "--rules", str(MINI), "-f", "json"])
    report = json.loads(result.stdout)
    assert sorted(Path(f["path"]).name for f in report["files"]) == ["bappeda.yaml", "dinkes.xlsx"]


def test_problems_name_the_cell_and_give_row_and_column(runner: CliRunner, tmp_path: Path) -> None:
    book = init_xlsx(runner, tmp_path / "t.xlsx", str(MINI))
    wb = openpyxl.load_workbook(book)
    ws = wb["Answers"]
    _h, cols = header_columns(ws)
    row = question_rows(ws)["p.a1.i4.a"]
    ws.cell(row, cols["Answer"]).value = "Z"
    wb.save(book)
    result = runner.invoke(app, ["validate", str(book), "--rules", str(MINI), "-f", "github"])
    assert result.exit_code == 1
    col = cols["Answer"]
    letter = get_column_letter(col)
    line = next(x for x in result.stdout.splitlines() if "bad_option" in x)
    assert f"line={row},col={col}" in line
    assert f"Answers!{letter}{row}: 'Z' is not an answer of 'p.a1.i4.a'" in line
    result = runner.invoke(app, ["score", str(book), "--rules", str(MINI)])
    assert result.exit_code == 1
    assert f"t.xlsx:{row}:{col}: [error] bad_option: Answers!{letter}{row}:" in result.stderr


# --- what people do to workbooks --------------------------------------------------------


@pytest.fixture
def filled(runner: CliRunner, tmp_path: Path) -> Path:
    book = init_xlsx(runner, tmp_path / "unit.xlsx", str(MINI))
    return fill(book, sample_answers(load_rules(str(MINI))))


def problems(runner: CliRunner, path: Path) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["validate", str(path), "--rules", str(MINI), "-f", "json"])
    assert result.exit_code in (1, 2), result.output
    found: list[dict[str, Any]] = json.loads(result.stdout)["problems"]
    return found


def edit(path: Path, change: Any) -> tuple[Any, dict[str, int], dict[str, int]]:
    wb = openpyxl.load_workbook(path)
    ws = wb["Answers"]
    _h, cols = header_columns(ws)
    rows = question_rows(ws)
    change(wb, ws, cols, rows)
    wb.save(path)
    return ws, cols, rows


def cell_of(problem: dict[str, Any]) -> tuple[int, int]:
    return problem["line"], problem["col"]


def test_sorted_rows_read_the_same(runner: CliRunner, filled: Path) -> None:
    before = score_json(runner, filled, str(MINI))

    def reverse(wb: Any, ws: Any, cols: dict[str, int], rows: dict[str, int]) -> None:
        ordered = sorted(rows.values())
        values = [[ws.cell(r, c).value for c in range(1, ws.max_column + 1)] for r in ordered]
        for r, row in zip(ordered, reversed(values), strict=True):
            for c, v in enumerate(row, start=1):
                ws.cell(r, c).value = v

    edit(filled, reverse)
    assert score_json(runner, filled, str(MINI)) == before


def test_deleted_row_is_a_missing_question(runner: CliRunner, filled: Path) -> None:
    def delete(wb: Any, ws: Any, cols: dict[str, int], rows: dict[str, int]) -> None:
        ws.delete_rows(rows["h.x.a"])

    edit(filled, delete)
    found = problems(runner, filled)
    missing = next(p for p in found if p["code"] == "missing_answers")
    assert "h.x.a" in missing["message"]
    assert missing["message"].startswith("Answers!A4: ")  # the header row


def test_duplicated_row(runner: CliRunner, filled: Path) -> None:
    spot: dict[str, int] = {}

    def duplicate(wb: Any, ws: Any, cols: dict[str, int], rows: dict[str, int]) -> None:
        last = ws.max_row + 1
        spot["row"] = last
        ws.cell(last, cols["ID"]).value = "p.a1.i1.a"
        ws.cell(last, cols["Answer"]).value = "Tidak"

    edit(filled, duplicate)
    found = [p for p in problems(runner, filled) if p["code"] == "duplicate_key"]
    assert [cell_of(p) for p in found] == [(spot["row"], 1)]


def test_extra_sheet_is_ignored(runner: CliRunner, filled: Path) -> None:
    before = score_json(runner, filled, str(MINI))
    edit(filled, lambda wb, ws, cols, rows: wb.create_sheet("Catatan saya").append(["x"]))
    assert score_json(runner, filled, str(MINI)) == before


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("=1+1", "xlsx_formula"),
        (datetime.date(2021, 5, 1), "xlsx_date"),
        ("85", "bad_number"),  # a number typed as text
        ("85,5", "bad_number"),  # a decimal comma in a text cell
        ("#N/A", "xlsx_error"),
    ],
)
def test_bad_answer_cell(runner: CliRunner, filled: Path, value: Any, code: str) -> None:
    where: dict[str, tuple[int, int]] = {}

    def put(wb: Any, ws: Any, cols: dict[str, int], rows: dict[str, int]) -> None:
        where["at"] = (rows["h.x.a"], cols["Answer"])
        ws.cell(*where["at"]).value = value

    edit(filled, put)
    found = [p for p in problems(runner, filled) if p["level"] == "error"]
    assert [(p["code"], cell_of(p)) for p in found] == [(code, where["at"])]


def test_merged_cells(runner: CliRunner, filled: Path) -> None:
    where: dict[str, tuple[int, int]] = {}

    def merge(wb: Any, ws: Any, cols: dict[str, int], rows: dict[str, int]) -> None:
        r, c = rows["h.y.a"], cols["Answer"]
        where["at"] = (r, c)
        ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c + 1)

    edit(filled, merge)
    found = [p for p in problems(runner, filled) if p["code"] == "xlsx_merged"]
    assert [cell_of(p) for p in found] == [where["at"]]


def test_identity_cells_are_checked(runner: CliRunner, filled: Path) -> None:
    def clear(wb: Any, ws: Any, cols: dict[str, int], rows: dict[str, int]) -> None:
        wb["Identity"]["B7"].value = "2021"  # the year typed as text

    edit(filled, clear)
    found = [p for p in problems(runner, filled) if p["message"].startswith("Identity!")]
    assert [(p["code"], cell_of(p)) for p in found] == [("invalid", (7, 2))]
    assert found[0]["message"] == "Identity!B7: expected a whole number"


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("old.xls", OLE + b"\x00" * 600, "not_xlsx"),
        (
            "locked.xlsx",
            OLE + b"\x00" * 64 + "EncryptionInfo".encode("utf-16-le"),
            "xlsx_encrypted",
        ),
        (
            "calc.ods",
            _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
            "not_xlsx",
        ),
        ("text.xlsx", b"rules: mini\n", "not_xlsx"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 100, "xlsx_corrupt"),
        ("bomb.xlsx", _zip({"xl/workbook.xml": b"\x00" * (30 << 20)}), "too_large"),
        ("plain.xlsx", _zip({"xl/workbook.xml": b"<workbook/>"}), "xlsx_corrupt"),
    ],
)
def test_files_that_are_not_lke_workbooks(
    runner: CliRunner, tmp_path: Path, name: str, content: bytes, code: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    found = problems(runner, path)
    assert [p["code"] for p in found] == [code]
    result = runner.invoke(app, ["score", str(path), "--rules", str(MINI)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_truncated_workbook_is_corrupt(runner: CliRunner, filled: Path) -> None:
    filled.write_bytes(filled.read_bytes()[:-3000])
    assert [p["code"] for p in problems(runner, filled)] == ["xlsx_corrupt"]


def test_workbook_of_another_program_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "own.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["p.a1.i1.a", "Ya"])  # type: ignore[union-attr]
    wb.save(path)
    assert [p["code"] for p in problems(runner, path)] == ["xlsx_not_lke"]


def test_too_large_workbook(
    runner: CliRunner, filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMPRB_MAX_FILE_BYTES", str(filled.stat().st_size - 1))
    assert [p["code"] for p in problems(runner, filled)] == ["too_large"]


def test_workbook_for_another_rule_set(runner: CliRunner, filled: Path) -> None:
    result = runner.invoke(app, ["validate", str(filled), "--rules", "permenpanrb-26-2020"])
    assert result.exit_code == 1
    assert "rules_mismatch" in result.stdout
    assert "Identity!B8: the file is for rule set 'mini'" in result.stdout


def test_workbook_for_another_version_of_its_rule_set(runner: CliRunner, tmp_path: Path) -> None:
    rules = tmp_path / "mini.yaml"
    shutil.copy(MINI, rules)
    book = init_xlsx(runner, tmp_path / "unit.xlsx", str(rules))
    rules.write_text(MINI.read_text(encoding="utf-8").replace("Mini rule set", "Mini v2"), "utf-8")
    load_rules.cache_clear()  # a new run would read the edited file
    result = runner.invoke(app, ["validate", str(book), "--rules", str(rules), "-f", "json"])
    found = json.loads(result.stdout)["problems"]
    # the only problem: completeness checks against another version would be noise
    assert [(p["code"], cell_of(p)) for p in found] == [("rules_version", (8, 2))]
    assert "Identity!B8: the workbook was made for another version" in found[0]["message"]


def test_fast_cell_scan_reads_what_the_xml_parser_reads(
    filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmprb.inputs.workbook import cells
    from pmprb.report.workbook import workbook_bytes

    # shared strings: xlsxwriter writes them (openpyxl writes inline strings)
    made = workbook_bytes(load_rules(str(MINI)), "mini", UNIT, 2021)
    fast = cells.Book("t.xlsx", made).strings()
    with monkeypatch.context() as patch:
        patch.setattr(cells, "_plain_strings", lambda data: None)
        assert fast == cells.Book("t.xlsx", made).strings()
    assert len(fast) > 20
    book = cells.Book(str(filled), filled.read_bytes())
    for name, part in book.sheets.items():
        scanned = cells._scan(book._read(part))
        assert scanned is not None, name
        raws, merged = book._tree(part)
        assert book._cells(scanned[0]) == book._cells(raws), name
        assert scanned[1] == merged


def test_batch_cache_keys_workbooks_on_their_bytes(runner: CliRunner, filled: Path) -> None:
    cache = filled.parent / "cache"
    args = ["batch", str(filled), "--rules", str(MINI), "-f", "json", "--cache", str(cache)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert len(list(cache.rglob("*.json"))) == 1
    second = runner.invoke(app, args)
    assert second.stdout == first.stdout
    edit(filled, lambda wb, ws, cols, rows: ws.cell(rows["h.x.a"], cols["Answer"], 12))
    third = runner.invoke(app, args)
    assert third.stdout != first.stdout
    assert len(list(cache.rglob("*.json"))) == 2


def test_a_cleared_year_is_a_missing_field_on_the_identity_sheet(
    runner: CliRunner, filled: Path
) -> None:
    edit(filled, lambda wb, ws, cols, rows: setattr(wb["Identity"]["B7"], "value", None))
    found = [p for p in problems(runner, filled) if p["code"] == "missing"]
    assert [(p["message"], cell_of(p)) for p in found] == [
        ("Identity!A4: required field 'year' is missing", (4, 1))
    ]
