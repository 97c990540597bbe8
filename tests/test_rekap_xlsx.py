"""The rekap workbook (`batch --format xlsx`): sheets, unique headers in every language,
values, print set-up, charts, colour scales, hostile text, and LibreOffice's verdict."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

import pmprb.analysis.batch as core
from pmprb.analysis.batch import Batch, DetailRow
from pmprb.base.escape import EXCEL_TEXT_MAX, excel_text
from pmprb.base.i18n import set_language
from pmprb.cli import app
from pmprb.report import xlsx

from .conftest import ROOT, need_program
from .workbooks import soffice_convert

CITY = ROOT / "assessments" / "kota-sukamaju-2021"
EXAMPLES = ROOT / "assessments"
TABLES = ("rekap", "areas", "profile", "detail")  # the sheets that hold a table


def workbook(runner: CliRunner, tmp_path: Path, *args: str, lang: str = "en") -> Any:
    target = tmp_path / f"rekap-{lang}.xlsx"
    result = runner.invoke(app, ["--lang", lang, "batch", *args, "-f", "xlsx", "-o", str(target)])
    assert result.exit_code == 0, result.output
    return load_workbook(target)


def header(ws: Any) -> list[Any]:
    return [c.value for c in ws[1]]


def city_batch() -> Batch:
    files, missing, unread = core.discover([CITY])
    assert not missing
    assert not unread
    outcomes = core.run(files, core.Options(detail=True), 1, lambda n: None)
    return core.aggregate(outcomes, len(files))


@pytest.mark.parametrize("lang", ["en", "id"])
def test_no_two_columns_share_a_header(runner: CliRunner, tmp_path: Path, lang: str) -> None:
    # every example: three rule sets whose components and areas share ids and names
    book = workbook(runner, tmp_path, str(EXAMPLES), lang=lang)
    assert book.sheetnames == ["rekap", "charts", "areas", "profile", "detail"]
    for name in TABLES:
        names = [str(h).casefold() for h in header(book[name])]
        assert all(names), name
        assert len(set(names)) == len(names), (name, names)
    detail = header(book["detail"])
    if lang == "id":  # both used to be "Nilai"
        assert detail[8:11] == ["Nilai jawaban", "Nilai", "Nilai maks"]
    else:
        assert detail[8:11] == ["Answer value", "Points", "Max points"]


def test_unique_adds_the_id_then_a_number() -> None:
    got = xlsx._unique(
        ["Index", "Hasil", "hasil", "Hasil", "Hasil"], [None, "h1", "h2", None, "h2"]
    )
    assert got == ["Index", "Hasil", "hasil (h2)", "Hasil (2)", "Hasil (3)"]


def test_values_match_the_json_rekap(runner: CliRunner, tmp_path: Path) -> None:
    book = workbook(runner, tmp_path, str(CITY))
    data = json.loads(runner.invoke(app, ["batch", str(CITY), "-f", "json"]).stdout)
    ranking = data["groups"][0]["ranking"]
    rekap = book["rekap"]
    head = header(rekap)
    rows = list(rekap.iter_rows(min_row=2, values_only=True))
    assert [r[head.index("Rank")] for r in rows] == [u["rank"] for u in ranking]
    assert [r[head.index("Unit")] for r in rows] == [u["unit"]["name"] for u in ranking]
    assert [r[head.index("Index")] for r in rows] == [u["index"] for u in ranking]
    assert [r[head.index("File")] for r in rows] == [u["file"] for u in ranking]
    assert [r[head.index("Published scores")] for r in rows] == ["no"] * len(ranking)
    assert rekap.cell(2, head.index("Index") + 1).number_format == "0.00"
    areas = book["areas"]
    area_head = header(areas)
    matrix = list(areas.iter_rows(min_row=2, values_only=True))
    col = area_head.index("Penguatan Akuntabilitas")
    assert [r[col] for r in matrix] == [u["areas"]["ak"] for u in ranking]
    assert areas.cell(2, col + 1).number_format == "0.0%"
    detail = book["detail"]
    d_head = header(detail)
    first = next(detail.iter_rows(min_row=2, max_row=2, values_only=True))
    assert first[d_head.index("Unit")] == ranking[0]["unit"]["name"]
    assert isinstance(first[d_head.index("Points")], float)
    formats = {h: detail.cell(2, d_head.index(h) + 1).number_format for h in d_head}
    assert formats["Year"] == "0"
    assert formats["Answer value"] == "0.00"
    assert formats["Points"] == formats["Max points"] == "0.0000"
    assert detail.max_row == 1 + 6 * 188  # six units, 188 questions in 26/2020


@pytest.mark.parametrize("lang", ["en", "id"])
def test_every_sheet_prints_a4_landscape_one_page_wide(
    runner: CliRunner, tmp_path: Path, lang: str
) -> None:
    book = workbook(runner, tmp_path, str(CITY), lang=lang)
    page = {"en": "Page &P of &N", "id": "Halaman &P dari &N"}[lang]
    for ws in book:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert setup.paperSize == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert setup.fitToWidth in (None, 1), ws.title  # 1 is the default and left out
        assert setup.fitToHeight == 0, ws.title  # as many pages down as needed
        assert ws.oddFooter.center.text == page, ws.title
        assert "PMPRB" in ws.oddHeader.left.text, ws.title
        assert ws.print_area, ws.title
        if ws.title in TABLES:
            assert ws.print_title_rows == "$1:$1", ws.title  # the header row on every page
            assert ws.freeze_panes in ("A2", "C2"), ws.title
    assert book["rekap"].freeze_panes == "C2"  # header row, rank and unit stay in view
    # a single group prints the people's columns: rank to the last component, not the
    # rule set, file and counts that follow
    rekap = book["rekap"]
    rule_set = header(rekap).index({"en": "Rule set", "id": "Set aturan"}[lang])
    assert rekap.print_area == f"'rekap'!$A$1:${get_column_letter(rule_set)}$7"
    assert header(rekap)[rule_set - 1] == "Kinerja Organisasi"  # the last component


def test_charts_and_colour_scales(runner: CliRunner, tmp_path: Path) -> None:
    book = workbook(runner, tmp_path, str(EXAMPLES))
    groups = json.loads(runner.invoke(app, ["batch", str(EXAMPLES), "-f", "json"]).stdout)
    n_groups = len(groups["groups"])
    assert n_groups >= 3
    charts = book["charts"]._charts
    with_areas = sum(1 for g in groups["groups"] if g["profile"]["areas"])
    assert 0 < with_areas < n_groups  # the 2023 rule sets have no areas of change
    # per group: the ranking, and the area means where the rule set has areas
    assert len(charts) == n_groups + with_areas
    assert {c.tagname for c in charts} == {"barChart"}
    assert all(c.type == "bar" for c in charts)

    def rules(ws: Any) -> dict[str, list[str]]:
        return {str(r.sqref): [rule.type for rule in r.rules] for r in ws.conditional_formatting}

    areas = rules(book["areas"])
    head = header(book["areas"])
    assert head[:4] == ["Rank", "Unit", "Code", "Index"]
    assert head[-2:] == ["Rule set", "Year"]
    first, last = 5, len(head) - 2  # the area columns, in openpyxl's 1-based numbers
    assert any(t == ["colorScale"] for t in areas.values())
    matrix = next(k for k, t in areas.items() if t == ["colorScale"])
    rows = book["areas"].max_row
    assert matrix == f"E2:{get_column_letter(last)}{rows}"  # the whole unit x area block
    assert first < last
    assert ["colorScale"] in rules(book["rekap"]).values()
    assert ["dataBar"] in rules(book["profile"]).values()
    # several rule sets and years: the printed ranking also says which group a unit is in
    rekap = book["rekap"]
    year = get_column_letter(header(rekap).index("Year") + 1)
    assert header(rekap)[header(rekap).index("Year") - 2] == "Rule set"
    assert rekap.print_area == f"'rekap'!$A$1:${year}${rekap.max_row}"
    assert book["areas"].print_area.endswith(f"${get_column_letter(len(head))}${rows}")


def test_a_ranking_too_long_for_a_chart_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "CHART_UNITS", 5)  # the city has six units
    book = load_workbook(io.BytesIO(xlsx.to_xlsx(city_batch())))
    charts: Any = book["charts"]
    assert len(charts._charts) == 1  # the area means only
    texts = [c.value for c in charts["A"] if c.value]
    assert any("6 units" in str(t) and "left out" in str(t) for t in texts)


def test_unknown_points_are_empty_cells() -> None:
    batch = city_batch()
    group = batch.groups[0]
    top = group.ranking[0]
    rows = (DetailRow("q.one", "ind", None, None, None, 2.0, "", ""),)
    unit = replace(top.unit, detail=rows)
    batch = replace(batch, groups=(replace(group, ranking=(replace(top, unit=unit),)),))
    book = load_workbook(io.BytesIO(xlsx.to_xlsx(batch)))
    detail = book["detail"]
    row = [c.value for c in detail[2]]
    head = header(detail)
    assert row[head.index("Question")] == "q.one"
    for name in ("Answer", "Answer value", "Points", "Evidence", "Note"):
        assert row[head.index(name)] is None, name
    assert row[head.index("Max points")] == 2.0
    assert detail.max_row == 2


def hostile_city(tmp_path: Path) -> Path:
    folder = tmp_path / "city"
    shutil.copytree(CITY, folder)
    path = folder / "bappeda.yaml"
    text = path.read_text(encoding="utf-8")
    name = json.dumps("Dinas \x1b[31mX\x01\x7f")  # a JSON string is YAML double-quoted
    text = text.replace("name: Badan Perencanaan Pembangunan Daerah", f"name: {name}")
    note, evidence = json.dumps("ok\x1b\n=1+1"), json.dumps("SK\x01 No. 5")
    text = text.replace(
        "mp.tim_rb.a: A", f"mp.tim_rb.a: {{answer: A, note: {note}, evidence: [{evidence}]}}", 1
    )
    path.write_text(text, encoding="utf-8")
    return folder


def test_control_characters_are_shown_not_refused(runner: CliRunner, tmp_path: Path) -> None:
    # ESC and \x01 used to raise IllegalCharacterError: a traceback and no workbook
    book = workbook(runner, tmp_path, str(hostile_city(tmp_path)))
    rekap = book["rekap"]
    names = [c.value for c in rekap["B"]]
    assert "Dinas \\x1b[31mX\\x01\\x7f" in names
    detail = book["detail"]
    head = header(detail)
    notes = [r[head.index("Note")] for r in detail.iter_rows(min_row=2, values_only=True)]
    assert "ok\\x1b\n'=1+1" in notes  # visible escape, and the line after LF neutralised
    evidence = [r[head.index("Evidence")] for r in detail.iter_rows(min_row=2, values_only=True)]
    assert "SK\\x01 No. 5" in evidence
    cells = [c for row in detail.iter_rows(min_row=2) for c in row if c.value and c.value in notes]
    assert all(c.data_type == "s" for c in cells)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x00a\x08\x0b\x0c\x0e\x1f", "\\x00a\\x08\\x0b\\x0c\\x0e\\x1f"),
        ("tab\tlf\ncr\r", "tab\tlf\ncr\r"),  # what a cell may hold stays
        ("del\x7f c1\x85\x9b", "del\\x7f c1\\x85\\x9b"),
        ("name-\udcff.yaml", "name-\\udcff.yaml"),  # a file name that was not UTF-8
        ("\ufffe\uffff", "\\ufffe\\uffff"),
        ("=cmd", "'=cmd"),
        ("@x\x1b", "'@x\\x1b"),
        ("Dinas Kesehatan", "Dinas Kesehatan"),
    ],
)
def test_excel_text(text: str, shown: str) -> None:
    assert excel_text(text) == shown


def test_excel_text_cuts_what_a_cell_cannot_hold() -> None:
    set_language("en")
    long = "x" * (EXCEL_TEXT_MAX + 10)
    cut = excel_text(long)
    assert len(cut) == EXCEL_TEXT_MAX
    assert cut.endswith("[cut: longer than an Excel cell holds]")
    wide = "😀" * EXCEL_TEXT_MAX  # two UTF-16 code units each
    assert len(excel_text(wide).encode("utf-16-le")) // 2 <= EXCEL_TEXT_MAX
    assert excel_text("y" * EXCEL_TEXT_MAX) == "y" * EXCEL_TEXT_MAX


def test_libreoffice_prints_the_ranking_on_one_page_width(tmp_path: Path) -> None:
    soffice = need_program("soffice")
    pdftotext = need_program("pdftotext")
    runner = CliRunner()
    target = tmp_path / "rekap.xlsx"
    result = runner.invoke(app, ["batch", str(CITY), "-f", "xlsx", "-o", str(target)])
    assert result.exit_code == 0, result.output
    done = soffice_convert(soffice, target, "pdf", tmp_path, tmp_path / "lo-profile")
    pdf = tmp_path / "rekap.pdf"
    assert done.returncode == 0, done.stderr
    assert pdf.is_file(), done.stdout + done.stderr
    assert "Error" not in done.stderr
    raw = pdf.read_bytes()
    assert raw.startswith(b"%PDF")
    # A4 landscape pages: 842 x 595 points
    sizes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", raw))
    assert sizes, "no page size found"
    assert {(round(float(w)), round(float(h))) for w, h in sizes} == {(842, 595)}

    def page(n: int) -> str:
        out = subprocess.run(
            [pdftotext, "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return out.stdout

    first, second = page(1), page(2)
    # page 1 is the whole ranking: its title, the first and the last printed column, and
    # each unit on one line with its code and index (columns are not split over pages)
    assert "PMPRB rekap: Ranking" in first
    assert "Rank" in first
    assert "Kinerja" in first  # the last component (Kinerja Organisasi)
    assert re.search(r"Dinas Kesehatan\s+1\.02\.01\s+58\.69", first), first
    assert re.search(r"Inspektorat\s+6\.01\.01\s+69\.96", first), first
    assert "PMPRB rekap: Charts" in second  # the ranking took exactly one page
    assert "Ranking: permenpanrb-26-2020" in second  # the chart was drawn


def test_a_batch_with_no_unit_scored_still_makes_a_workbook() -> None:
    empty = Batch(files=2, groups=(), failures=(), problems=())
    book = load_workbook(io.BytesIO(xlsx.to_xlsx(empty)))
    assert book.sheetnames == list(xlsx.SHEETS)
    for name in TABLES:
        assert book[name].max_row == 1  # the header row only
        assert all(header(book[name]))
    assert not book["charts"]._charts  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("R&D 2021", "R&&D 2021"),  # Excel reads a lone & as a code (&P: page number)
        ("x" * 30, "x" * 9 + "…"),
        ("abcdefgh&&&", "abcdefgh…"),  # never half of an escaped &&
        ("&" * 30, "&" * 8 + "…"),
    ],
)
def test_page_header_text(text: str, shown: str) -> None:
    assert xlsx._page_text(text, 10) == shown


HOSTILE = [
    "a & b < c > d",
    " leading and trailing ",
    "cr\rlf\ntab\t",
    "_x0041_ is not A",
    "_x005F_x0041_",
    "\x1b\x01 escaped",
    "=1+1\n@x",
    "é ü 中文 😀",
    "<t>not markup</t>",
    "\t",
]


def test_streamed_detail_cells_read_as_xlsxwriter_writes_them() -> None:
    """Every hostile text of the detail reads back exactly as the same text written cell by
    cell through xlsxwriter's own write_string (the reference)."""
    import xlsxwriter

    batch = city_batch()
    group = batch.groups[0]
    top = group.ranking[0]
    rows = tuple(
        DetailRow(f"q{i}", "ind", text, 1.0, 0.5, 2.0, text, text) for i, text in enumerate(HOSTILE)
    )
    unit = replace(top.unit, name=HOSTILE[1], code=HOSTILE[3], path=HOSTILE[0], detail=rows)
    batch = replace(batch, groups=(replace(group, ranking=(replace(top, unit=unit),)),))
    data = xlsx.to_xlsx(batch)
    ours = load_workbook(io.BytesIO(data))["detail"]

    buf = io.BytesIO()
    ref = xlsxwriter.Workbook(buf, {"constant_memory": True})
    sheet = ref.add_worksheet("detail")
    for r, text in enumerate(HOSTILE):
        for c, value in enumerate((unit.path, unit.code, unit.name, text, text, text)):
            sheet.write_string(r, c, excel_text(value))
    ref.close()
    theirs = load_workbook(io.BytesIO(buf.getvalue()))["detail"]
    head = header(ours)
    picked = [head.index(h) for h in ("File", "Code", "Unit", "Answer", "Evidence", "Note")]
    got = [[row[i] for i in picked] for row in ours.iter_rows(min_row=2, values_only=True)]
    want = [list(row) for row in theirs.iter_rows(values_only=True)]
    assert got == want
    # Excel's own escapes, which Excel decodes (openpyxl does not): CR as _x000D_ (a bare CR
    # in XML would be read as LF), a literal _x0041_ with its underscore escaped
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("xl/worksheets/sheet5.xml").decode("utf-8")
    assert "cr_x000D_lf\ntab\t</t>" in xml
    assert "<t>_x005F_x0041_ is not A</t>" in xml
    assert "<t>a &amp; b &lt; c &gt; d</t>" in xml
    assert '<t xml:space="preserve"> leading and trailing </t>' in xml


def test_the_detail_names_the_shared_file_on_the_answers_it_gave(
    runner: CliRunner, tmp_path: Path
) -> None:
    """The example city's bersama.yaml gives the BPK opinion and the APIP capability to all
    six OPDs: those 12 rows of the detail name it, no other row does."""
    book = workbook(runner, tmp_path, str(CITY))
    detail = book["detail"]
    head = header(detail)
    at, question = head.index("From the shared file"), head.index("Question")
    named = [
        (row[question], row[at]) for row in detail.iter_rows(min_row=2, values_only=True) if row[at]
    ]
    shared = {"hasil.akuntabilitas.opini_bpk.nilai", "ha.pw.kapabilitas_apip.nilai"}
    assert sorted(q for q, _f in named) == sorted([*shared] * 6)
    assert {f for _q, f in named} == {str(CITY / "bersama.yaml")}
    indonesian = header(workbook(runner, tmp_path, str(CITY), lang="id")["detail"])
    assert indonesian[at] == "Dari berkas bersama"
