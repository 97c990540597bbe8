"""`pmprb batch --basis` and the self-versus-review rekap (issue 12 item 3)."""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pmprb.cli import app

from .conftest import MINI, ROOT, need_program, write
from .workbooks import soffice_convert

CITY = ROOT / "assessments" / "kota-sukamaju-2021"


def unit(tmp_path: Path, code: str, answers: str) -> Path:
    text = f"rules: mini\nyear: 2021\nunit: {{name: Unit {code}, code: '{code}'}}\nanswers:\n"
    return write(tmp_path, text + answers, f"{code}.yaml")


def city(tmp_path: Path) -> Path:
    # a2 (Area Dua) holds 55 + 30 = 85 points; Y (h.y) is its 30-point part
    unit(tmp_path, "1", "  h.y.a: {answer: 60, review: {answer: 30, note: survei lama}}\n")
    unit(tmp_path, "2", "  h.y.a: {answer: 40, review: {answer: 40}}\n")
    unit(tmp_path, "3", "  h.y.a: 90\n")  # not reviewed: no gap to average
    return tmp_path


def batch(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["batch", *args, "--rules", str(MINI)])
    return result.exit_code, result.stdout, result.stderr


def test_the_rekap_by_hand(runner: CliRunner, tmp_path: Path) -> None:
    code, out, err = batch(runner, str(city(tmp_path)), "--basis", "both", "-f", "json")
    assert code == 0, err
    assert "2 answers reviewed across 3 units." in err
    [group] = json.loads(out)["groups"]
    units = {u["code"]: u for u in group["units"]}
    assert (units["1"]["index"], units["1"]["review_index"], units["1"]["gap"]) == (18.0, 9.0, 9.0)
    assert units["2"]["gap"] == 0
    assert units["3"]["reviewed"] == 0
    areas = {a["id"]: a for a in group["areas"]}
    # unit 1: 18/85 own, 9/85 reviewed; unit 2: no difference; unit 3 left out
    assert areas["a2"]["units"] == 2
    assert Fraction(str(areas["a2"]["mean_gap"])) == round(Fraction(9, 85) / 2, 4)
    assert areas["a1"]["mean_gap"] == 0
    assert group["areas"][0]["id"] == "a2"  # the largest gap first


def test_the_rekap_in_csv_markdown_and_table(runner: CliRunner, tmp_path: Path) -> None:
    folder = city(tmp_path)
    out = batch(runner, str(folder), "--basis", "both", "-f", "csv")[1]
    rows = {(r[0], r[3]): r for r in csv.reader(io.StringIO(out))}
    assert rows[("unit", "1")][5:10] == ["18.00", "D", "9.00", "D", "9.00"]
    assert rows[("area", "a2")][9] == str(float(round(Fraction(9, 85) / 2, 4)))
    md = batch(runner, str(folder), "--basis", "both", "-f", "markdown")[1]
    assert "| Unit 1 (1) | 18.00 | D | 9.00 | D | +9.00 | 1/15 |" in md
    assert "| Area Dua | +5.29 pp | 2 |" in md
    table = batch(runner, str(folder), "--basis", "both")[1]
    assert "Mean gap" in table
    assert "+5.29 pp" in table


def test_the_rekap_csv_in_the_indonesian_dialect(runner: CliRunner, tmp_path: Path) -> None:
    """--csv-locale id reaches the review rekap: every number with a decimal comma (the
    indices and gaps too), semicolons, a BOM."""
    out = batch(runner, str(city(tmp_path)), "--basis", "both", "-f", "csv", "--csv-locale", "id")
    assert out[0] == 0, out[2]
    assert out[1].startswith("\ufeff")
    rows = {(r[0], r[3]): r for r in csv.reader(io.StringIO(out[1][1:]), delimiter=";")}
    assert rows[("unit", "1")][5:10] == ["18,00", "D", "9,00", "D", "9,00"]
    assert rows[("area", "a2")][9] == str(float(round(Fraction(9, 85) / 2, 4))).replace(".", ",")


def test_batch_on_the_review_basis(runner: CliRunner, tmp_path: Path) -> None:
    code, out, err = batch(runner, str(city(tmp_path)), "--basis", "review", "-f", "json")
    assert code == 0
    ranking = {u["unit"]["code"]: u for u in json.loads(out)["groups"][0]["ranking"]}
    assert ranking["1"]["index"] == 9.0
    assert "2 answers reviewed" in err


def test_the_cache_keeps_the_review_side(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    folder = city(tmp_path / "in")
    args = (str(folder), "--basis", "both", "-f", "json", "--cache", str(tmp_path / "c"))
    first = batch(runner, *args)
    second = batch(runner, *args)
    assert first[0] == second[0] == 0
    assert first[1] == second[1]
    # a run on the unit basis with the same cache is not served the review entries
    plain = json.loads(batch(runner, str(folder), "-f", "json", "--cache", str(tmp_path / "c"))[1])
    assert {u["unit"]["code"]: u["index"] for u in plain["groups"][0]["ranking"]}["1"] == 18.0


def test_the_rekap_as_a_workbook_and_detail_refused(runner: CliRunner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "r.xlsx"
    (tmp_path / "in").mkdir()
    folder = city(tmp_path / "in")
    code, _out, err = batch(
        runner,
        str(folder),
        "--basis",
        "both",
        "-f",
        "xlsx",
        "-o",
        str(target),
    )
    assert code == 0, err
    wb = load_workbook(target)
    units = [[c.value for c in row] for row in wb.worksheets[0].iter_rows()]
    assert units[0][:4] == ["Rule set", "Year", "Code", "Unit"]
    assert ["1", "Unit 1", 18, "D", 9, "D", 9, 1, 15] in [r[2:] for r in units[1:]]
    areas = {row[2]: row[3] for row in ([c.value for c in r] for r in wb.worksheets[1].iter_rows())}
    assert areas["Area Dua"] == float(round(Fraction(9, 85) / 2, 4))
    code, _out, err = batch(
        runner, str(tmp_path / "in"), "--basis", "both", "--detail", "-f", "csv"
    )
    assert code == 2
    assert "--basis both has no --detail" in err


def test_the_example_city(runner: CliRunner) -> None:
    result = runner.invoke(app, ["batch", str(CITY), "--basis", "both", "-f", "json"])
    assert result.exit_code == 0
    data: dict[str, Any] = json.loads(result.stdout)
    units = {u["code"]: u for u in data["groups"][0]["units"]}
    dinkes = units["1.02.01"]
    assert dinkes["reviewed"] == 7
    assert (dinkes["index"], dinkes["review_index"]) == (58.69, 57.4)
    single = runner.invoke(
        app, ["score", str(CITY / "dinkes.yaml"), "--basis", "both", "-f", "json"]
    )
    compared = json.loads(single.stdout)
    sdm = next(a for a in compared["areas"] if a["id"] == "sdm")
    area = next(a for a in data["groups"][0]["areas"] if a["id"] == "sdm")
    # one reviewed unit: its mean gap is the unit's own share gap
    assert abs(area["mean_gap"] - (sdm["unit"] - sdm["review"]) / sdm["max"]) < 0.0002


DINKES = CITY / "dinkes.yaml"


def test_every_command_on_the_reviewed_example_in_every_format_and_language(
    runner: CliRunner,
) -> None:
    commands = [
        ["score", str(DINKES), "--basis", "review"],
        ["score", str(DINKES), "--basis", "both"],
        ["explain", str(DINKES), "reform.sdm", "--basis", "review"],
        ["plan", str(DINKES), "--target", "B", "--basis", "review"],
    ]
    for lang in ("id", "en"):
        for command in commands:
            for fmt in ("table", "json", "markdown", "csv"):
                result = runner.invoke(app, ["--lang", lang, *command, "-f", fmt])
                assert result.exit_code == 0, (lang, command, fmt, result.output)
                assert result.stdout.strip(), (lang, command, fmt)
                if fmt == "json":
                    json.loads(result.stdout)
    said = runner.invoke(app, ["--lang", "id", "plan", str(DINKES), "--target", "B"])
    assert "perubahan membawa indeks dari 58.69" in said.stdout
    shown = runner.invoke(app, ["--lang", "id", "explain", str(DINKES)])
    assert "dibulatkan" in shown.stdout


def test_the_review_workbook_takes_control_characters(runner: CliRunner, tmp_path: Path) -> None:
    """A unit name with ESC and \\x01 (legal in YAML as "\\e") is shown escaped in the review
    rekap workbook, as in the main rekap (issue 10 item 2), never an IllegalCharacterError."""
    from openpyxl import load_workbook

    text = 'rules: mini\nyear: 2021\nunit: {name: "Dinas \\e[2J\\x01X", code: "9"}\nanswers:\n'
    text += "  h.y.a: {answer: 60, review: {answer: 30}}\n"
    (tmp_path / "in").mkdir()
    write(tmp_path / "in", text, "9.yaml")
    target = tmp_path / "r.xlsx"
    code, _out, err = batch(
        runner, str(tmp_path / "in"), "--basis", "both", "-f", "xlsx", "-o", str(target)
    )
    assert code == 0, err
    rows = [[c.value for c in r] for r in load_workbook(target).worksheets[0].iter_rows()]
    assert rows[1][3] == "Dinas \\x1b[2J\\x01X"


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_review_rekap_workbook_prints_like_the_main_rekap(
    runner: CliRunner, tmp_path: Path, lang: str
) -> None:
    """Written with the main rekap's writer: A4 landscape, one page wide, the header row
    repeated and frozen, no two columns with the same header, numbers with formats."""
    from openpyxl import load_workbook

    target = tmp_path / "r.xlsx"
    result = runner.invoke(
        app,
        ["--lang", lang, "batch", str(CITY), "--basis", "both", "-f", "xlsx", "-o", str(target)],
    )
    assert result.exit_code == 0, result.output
    wb = load_workbook(target)
    assert wb.sheetnames == {"en": ["Units", "Areas"], "id": ["Unit", "Area"]}[lang]
    page = {"en": "Page &P of &N", "id": "Halaman &P dari &N"}[lang]
    for ws in wb:
        heads = [c.value for c in ws[1]]
        assert len(set(heads)) == len(heads), heads
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToHeight) == ("landscape", 9, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage  # type: ignore[union-attr]
        assert ws.print_title_rows == "$1:$1"
        assert ws.freeze_panes == "A2"
        assert ws.oddFooter.center.text == page  # type: ignore[union-attr]
    units = wb.worksheets[0]
    heads = [c.value for c in units[1]]
    want = {"en": ("Category", "Review category"), "id": ("Kategori", "Kategori reviu")}[lang]
    assert [h for h in heads if h in want] == list(want)
    rows = {r[2].value: r for r in units.iter_rows(min_row=2)}
    dinkes = rows["1.02.01"]  # 58.69 own, 57.40 reviewed (README)
    index = heads.index({"en": "Index", "id": "Indeks"}[lang])
    assert (dinkes[index].value, dinkes[index].number_format) == (58.69, "0.00")
    assert dinkes[index + 2].value == 57.4
    assert units.max_row == 1 + 6  # the six Sukamaju units


def test_the_review_rekap_workbook_opens_in_libreoffice(runner: CliRunner, tmp_path: Path) -> None:

    soffice = need_program("soffice")
    target = tmp_path / "review.xlsx"
    result = runner.invoke(
        app, ["batch", str(CITY), "--basis", "both", "-f", "xlsx", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    done = soffice_convert(soffice, target, "pdf", tmp_path, tmp_path / "profile")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "review.pdf").read_bytes().startswith(b"%PDF")
