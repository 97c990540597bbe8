"""Every CSV pmprb writes: quoting, formula neutralisation after line breaks, --csv-locale."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pmprb.base.escape import cell
from pmprb.cli import app
from pmprb.report.csvout import CsvLocale, write_csv

from .conftest import MINI, MINI_ANSWERS, ROOT

CITY = ROOT / "assessments" / "kota-sukamaju-2021"
EVIL = "Dinas X\r=cmd|' /C calc'!A0"
FORMULA = ("=", "+", "-", "@")


def evil_city(tmp_path: Path, name: str = EVIL) -> Path:
    """The example city with one unit named `name` (written as a YAML double-quoted string)."""
    folder = tmp_path / "city"
    shutil.copytree(CITY, folder)
    path = folder / "bappeda.yaml"
    quoted = json.dumps(name)  # a JSON string is a YAML double-quoted scalar
    text = path.read_text(encoding="utf-8")
    text = text.replace("name: Badan Perencanaan Pembangunan Daerah", f"name: {quoted}")
    path.write_text(text, encoding="utf-8")
    return folder


def naive_cells(text: str, delimiter: str = ",") -> list[str]:
    """Cells as a reader sees them that ends a row at any CR or LF, quotes or not."""
    cells = []
    for line in re.split(r"\r\n|\r|\n", text):
        cells += [c.lstrip('"') for c in line.split(delimiter)]
    return cells


def test_a_bare_cr_cannot_start_a_formula_cell(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["batch", str(evil_city(tmp_path)), "-f", "csv"])
    assert result.exit_code == 0, result.output
    raw = result.stdout
    # the field holding the CR is quoted, and the line after the CR starts neutralised
    assert "\"Dinas X\r'=cmd|' /C calc'!A0\"" in raw
    assert not [c for c in naive_cells(raw) if c.startswith(FORMULA)]
    # a reader that honours quotes gets the name back, quote mark added after the CR
    names = [r["unit_name"] for r in csv.DictReader(io.StringIO(raw, newline=""))]
    assert "Dinas X\r'=cmd|' /C calc'!A0" in names


def test_detail_csv_neutralises_every_line_of_a_note(runner: CliRunner, tmp_path: Path) -> None:
    folder = evil_city(tmp_path, "Dinas Y")
    path = folder / "bappeda.yaml"
    text = path.read_text(encoding="utf-8")
    note = json.dumps("ok\n+SUM(1)\r@x")
    text = text.replace("mp.tim_rb.a: A", f"mp.tim_rb.a: {{answer: A, note: {note}}}", 1)
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["batch", str(folder), "-f", "csv", "--detail"])
    assert result.exit_code == 0, result.output
    assert not [c for c in naive_cells(result.stdout) if c.startswith(FORMULA)]
    notes = [r["note"] for r in csv.DictReader(io.StringIO(result.stdout, newline=""))]
    assert "ok\n'+SUM(1)\r'@x" in notes


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain", "plain"),
        ("=1+1", "'=1+1"),
        ("a\n=1", "a\n'=1"),
        ("a\r\n-1", "a\r\n'-1"),
        ("a\u2028@x", "a\u2028'@x"),
        ("a\n\n\t=x", "a\n\n'\t=x"),
        ("a = b\nc", "a = b\nc"),
    ],
)
def test_cell_neutralises_after_every_line_break(text: str, shown: str) -> None:
    assert cell(text) == shown


def test_one_writer_quotes_like_rfc_4180() -> None:
    out = write_csv(["a", "b"], [["x,y", 'say "hi"'], ["cr\r", None], [True, 0.5]])
    assert out == 'a,b\n"x,y","say ""hi"""\n"cr\r",\ntrue,0.5\n'


def test_indonesian_dialect() -> None:
    out = write_csv(["n", "t"], [[0.893, "a;b"], [1e-05, "x,y"], [72, None]], CsvLocale.id)
    assert out == '\ufeffn;t\r\n0,893;"a;b"\r\n0,00001;x,y\r\n72;\r\n'


def read_id(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline=""), delimiter=";"))


def test_batch_csv_locale_id(runner: CliRunner, tmp_path: Path) -> None:
    machine = runner.invoke(app, ["batch", str(CITY), "-f", "csv"])
    target = tmp_path / "rekap.csv"
    result = runner.invoke(
        app, ["batch", str(CITY), "-f", "csv", "--csv-locale", "id", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    people = read_id(data.decode("utf-8"))
    programs = list(csv.DictReader(io.StringIO(machine.stdout)))
    assert [list(r) for r in people] == [list(r) for r in programs]  # same columns
    for ours, theirs in zip(people, programs, strict=True):
        assert "." not in ours["index"]
        assert ours["index"] == theirs["index"].replace(".", ",")
        assert ours["unit_code"] == theirs["unit_code"]  # text is never touched
        assert ours["area.dk"] == theirs["area.dk"].replace(".", ",")
    assert any("," in r["index"] for r in people)  # the example has fractional indices


def test_score_csv_locale_id(runner: CliRunner) -> None:
    base = ["score", str(MINI_ANSWERS), "--rules", str(MINI), "-f", "csv"]
    machine = runner.invoke(app, base)
    people = runner.invoke(app, [*base, "--csv-locale", "id"])
    assert people.exit_code == 0, people.output
    rows = read_id(people.stdout)
    expected = list(csv.DictReader(io.StringIO(machine.stdout)))
    assert len(rows) == len(expected)

    numbers = {"points", "max", "value"}  # text (the answer as typed: 2.5) stays as it is

    def comma(key: str, value: str) -> str:
        return value.replace(".", ",") if key in numbers else value

    assert rows == [{k: comma(k, v) for k, v in r.items()} for r in expected]
    assert any("," in r["value"] for r in rows)
    assert any("." in r["answer"] for r in rows)


@pytest.mark.parametrize(
    "args",
    [
        ["batch", str(CITY), "-f", "json", "--csv-locale", "id"],
        ["batch", str(CITY), "-f", "csv", "--csv-locale", "fr"],
        ["score", str(MINI_ANSWERS), "--rules", str(MINI), "--csv-locale", "id"],
    ],
)
def test_csv_locale_misuse_is_bad_usage(runner: CliRunner, args: list[str]) -> None:
    result: Any = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "--csv-locale" in result.stderr or "CSV locale" in result.stderr
