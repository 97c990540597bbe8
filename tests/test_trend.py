"""`pmprb batch NEW --compare OLD`: trends on a hand-computed pair of small cities.

Rule set `tiny` of tests/test_compare.py. OLD: 9.01 scores 40 (C; a1 10/40, a2 20/20),
9.02 scores 100 (B; a1 40/40, a2 20/20). NEW: 9.01 scores 60 (B; a1 40/40, a2 0/20),
9.03 scores 0 (C). Area a1 mean: (1/4 + 1)/2 = 0.625 then (1 + 0)/2 = 0.5; a2: 1 then 0.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pmprb.cli import app

from .test_compare import TINY


def _unit(folder: Path, code: str, answers: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / f"{code}.yaml").write_text(
        f"rules: tiny\nyear: {2021 if folder.name == 'old' else 2022}\n"
        f'unit: {{name: "Unit {code}", code: "{code}", instansi: Kota Uji}}\n'
        f"answers:\n{answers}",
        encoding="utf-8",
    )


def _city(tmp_path: Path) -> list[str]:
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    _unit(tmp_path / "old", "9.01", "  q1: B\n  q2: Tidak\n  q3: Ya\n  q4: B\n")
    _unit(tmp_path / "old", "9.02", "  q1: A\n  q2: Ya\n  q3: Ya\n  q4: A\n  q5: A\n")
    _unit(tmp_path / "new", "9.01", "  q1: A\n  q2: Ya\n  q3: Tidak\n  q5: A\n")
    _unit(tmp_path / "new", "9.03", "  q1: C\n")
    return [str(tmp_path / "new"), "--compare", str(tmp_path / "old")]


def test_trend_json(runner: CliRunner, tmp_path: Path) -> None:
    args = _city(tmp_path)
    out = runner.invoke(
        app, ["batch", *args, "--rules", str(tmp_path / "tiny.yaml"), "-f", "json", "-j", "1"]
    )
    assert out.exit_code == 0, out.stderr
    (t,) = json.loads(out.stdout)["trends"]
    assert (t["old_years"], t["new_years"]) == ([2021], [2022])
    assert t["units"] == [
        {
            "code": "9.01",
            "name": "Unit 9.01",
            "old_index": 40.0,
            "new_index": 60.0,
            "delta": 20.0,
            "old_category": "C",
            "new_category": "B",
            "category_moved": True,
            "old_rank": 2,
            "new_rank": 1,
        }
    ]
    assert t["only_old"] == [{"code": "9.02", "name": "Unit 9.02"}]
    assert t["only_new"] == [{"code": "9.03", "name": "Unit 9.03"}]
    assert t["distribution"]["old"] == [
        {"category": "B", "units": 1},
        {"category": "C", "units": 1},
    ]
    assert t["distribution"]["new"] == t["distribution"]["old"]
    assert [(a["id"], a["old_mean"], a["new_mean"], a["delta"]) for a in t["areas"]] == [
        ("a1", 0.625, 0.5, -0.125),
        ("a2", 1.0, 0.0, -1.0),
    ]
    assert t["areas_improved"] == []
    assert t["areas_regressed"] == ["a2", "a1"]


def test_trend_table_and_formats(runner: CliRunner, tmp_path: Path) -> None:
    args = _city(tmp_path)
    rules = ["--rules", str(tmp_path / "tiny.yaml"), "-j", "1"]
    out = runner.invoke(app, ["--lang", "en", "batch", *args, *rules])
    assert out.exit_code == 0, out.stderr
    assert "Trend 2021 → 2022" in out.stdout
    assert "C → B" in out.stdout
    assert "Only in 2021: Unit 9.02 (9.02)" in out.stdout
    assert "Only in 2022: Unit 9.03 (9.03)" in out.stdout


# --- three years, every format -----------------------------------------------------------
# Points in `tiny`: q1..q5 are worth 20 each (A 20, B 10, C 0; Ya 20, Tidak 0); area a1 is
# q1 + q2 (of 40), a2 is q3 (of 20). Bands: C below 50, B from 50.
#
# 2020: 9.01 q1 B, q2 Tidak, q3 Tidak, q4 B        = 10+0+0+10        = 20 (C); a1 1/4, a2 0
#       9.02 q1 A, q2 Ya, q3 Ya, q4 A, q5 B       = 20+20+20+20+10   = 90 (B); a1 1,   a2 1
# 2021: 9.01 q1 A, q2 Tidak, q3 Ya, q4 A          = 20+0+20+20       = 60 (B); a1 1/2, a2 1
#       9.02 q1 B, q2 Ya, q3 Ya, q4 B, q5 B       = 10+20+20+10+10   = 70 (B); a1 3/4, a2 1
#       9.03 q1 C, q2 Tidak, q3 Tidak             = 0                     (C); a1 0,   a2 0
# 2022: 9.01 q1 A, q2 Ya, q3 Ya, q4 A, q5 A       = 100 (B); a1 1, a2 1
#       9.03 (code written "9.03 ") q1 B, q2 Tidak, q3 Ya = 10+0+20 = 30 (C); a1 1/4, a2 1
#       9.04 q1 A, q2 Ya, q3 Tidak, q4 A          = 20+20+0+20       = 60 (B); a1 1,   a2 0
# Ranks 2022: 9.01 1, 9.04 2, 9.03 3; 2021: 9.02 1, 9.01 2, 9.03 3; 2020: 9.02 1, 9.01 2.
# Area means: 2020 a1 (1/4+1)/2 = 5/8, a2 1/2; 2021 a1 (1/2+3/4+0)/3 = 5/12, a2 2/3;
# 2022 a1 (1+1/4+1)/3 = 3/4, a2 2/3.
# 2021 -> 2022: a1 +1/3 (41.7% -> 75.0%, +33.3%), a2 0; 2020 -> 2022: a2 +1/6 (50.0% ->
# 66.7%, +16.7%), a1 +1/8 (62.5% -> 75.0%, +12.5%).

HOSTILE = "=1+2|*x*_<b>#\nx"  # a formula start, Markdown and HTML punctuation, a line break
HOSTILE_YAML = '"=1+2|*x*_<b>#\\nx"'
HOSTILE_MD = "=1+2\\|\\*x\\*\\_\\<b\\>\\#\\\\nx"  # line() shows the LF as \n, md escapes it


def _file(folder: Path, year: int, code: str, name: str, answers: dict[str, str]) -> None:
    folder.mkdir(exist_ok=True)
    body = "".join(f"  {q}: {a}\n" for q, a in answers.items())
    (folder / f"u{code.strip()}.yaml").write_text(
        f"rules: tiny\nyear: {year}\n"
        f'unit: {{name: {name}, code: "{code}", instansi: Kota Uji}}\nanswers:\n{body}',
        encoding="utf-8",
    )


def _three_years(tmp_path: Path) -> tuple[Path, Path, Path]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    y20, y21, y22 = (tmp_path / str(y) for y in (2020, 2021, 2022))
    _file(y20, 2020, "9.01", "Unit Satu", {"q1": "B", "q2": "Tidak", "q3": "Tidak", "q4": "B"})
    _file(
        y20, 2020, "9.02", HOSTILE_YAML, {"q1": "A", "q2": "Ya", "q3": "Ya", "q4": "A", "q5": "B"}
    )
    _file(y21, 2021, "9.01", "Unit Satu", {"q1": "A", "q2": "Tidak", "q3": "Ya", "q4": "A"})
    _file(
        y21, 2021, "9.02", HOSTILE_YAML, {"q1": "B", "q2": "Ya", "q3": "Ya", "q4": "B", "q5": "B"}
    )
    _file(y21, 2021, "9.03", "Unit Tiga", {"q1": "C", "q2": "Tidak", "q3": "Tidak"})
    _file(y22, 2022, "9.01", "Unit Satu", {"q1": "A", "q2": "Ya", "q3": "Ya", "q4": "A", "q5": "A"})
    _file(y22, 2022, "9.03 ", "Unit Tiga", {"q1": "B", "q2": "Tidak", "q3": "Ya"})
    _file(y22, 2022, "9.04", "Unit Empat", {"q1": "A", "q2": "Ya", "q3": "Tidak", "q4": "A"})
    return y20, y21, y22


def _run(runner: CliRunner, tmp_path: Path, *args: str, lang: str = "en") -> str:
    y20, y21, y22 = _three_years(tmp_path)
    out = runner.invoke(
        app,
        [
            "--lang",
            lang,
            "batch",
            str(y22),
            "--compare",
            str(y21),
            "--compare",
            str(y20),
            "--rules",
            str(tmp_path / "tiny.yaml"),
            "-j",
            "1",
            *args,
        ],
    )
    assert out.exit_code == 0, out.stderr
    return out.stdout


E = ""  # an empty CSV field


def _r(row: str) -> list[str]:
    """A CSV row written out with commas (no field here holds one)."""
    return row.split(",")


PAIR_2021 = [
    _r("2021,2022,unit,9.01,Unit Satu,60.0,100.0,40.0,B,B,false,2,1"),
    # 9.03 is "9.03 " in 2022: matched without the space
    _r("2021,2022,unit,9.03,Unit Tiga,0.0,30.0,30.0,C,C,false,3,3"),
    ["2021", "2022", "only_old", "9.02", "'" + HOSTILE, *[E] * 8],
    _r("2021,2022,only_new,9.04,Unit Empat,,,,,,,,"),
    _r("2021,2022,category,B,,2,2,0,,,,,"),
    _r("2021,2022,category,C,,1,1,0,,,,,"),
    _r("2021,2022,area,a1,Area Satu,0.4167,0.75,0.3333,,,,,"),
    _r("2021,2022,area,a2,Area Dua,0.6667,0.6667,0.0,,,,,"),
]
PAIR_2020 = [
    _r("2020,2022,unit,9.01,Unit Satu,20.0,100.0,80.0,C,B,true,2,1"),
    ["2020", "2022", "only_old", "9.02", "'" + HOSTILE, *[E] * 8],
    _r("2020,2022,only_new,9.03,Unit Tiga,,,,,,,,"),
    _r("2020,2022,only_new,9.04,Unit Empat,,,,,,,,"),
    _r("2020,2022,category,B,,1,2,1,,,,,"),
    _r("2020,2022,category,C,,1,1,0,,,,,"),
    _r("2020,2022,area,a2,Area Dua,0.5,0.6667,0.1667,,,,,"),
    _r("2020,2022,area,a1,Area Satu,0.625,0.75,0.125,,,,,"),
]


def test_csv_every_pair_with_hostile_names(runner: CliRunner, tmp_path: Path) -> None:
    import csv
    import io

    text = _run(runner, tmp_path, "-f", "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "old_years",
        "new_years",
        "kind",
        "id",
        "name",
        "old",
        "new",
        "delta",
        "old_category",
        "new_category",
        "category_moved",
        "old_rank",
        "new_rank",
    ]
    assert rows[1:] == PAIR_2021 + PAIR_2020
    # the formula is neutralised on every line of the name, the line break is quoted
    assert '"\'=1+2|*x*_<b>#\nx"' in text

    target = tmp_path / "trend.csv"
    _run(runner, tmp_path, "-f", "csv", "--csv-locale", "id", "-o", str(target), lang="id")
    ind = target.read_bytes().decode("utf-8")
    assert ind.startswith("\ufeffold_years;new_years;kind;")  # column names stay English
    assert "\r\n2021;2022;area;a1;Area Satu;0,4167;0,75;0,3333;;;;;\r\n" in ind
    assert '2021;2022;only_old;9.02;"\'=1+2|*x*_<b>#\nx";;;;;;;;\r\n' in ind


def test_markdown_pairs_and_years_escaped(runner: CliRunner, tmp_path: Path) -> None:
    text = _run(runner, tmp_path, "-f", "markdown")
    first, second = text.split("# Trend 2020 → 2022")
    assert first.startswith("# Trend 2021 → 2022\n")
    assert "| 2 → 1 | Unit Satu | 9.01 | 60.00 | 100.00 | +40.00 | B |" in first
    assert "| 3 → 3 | Unit Tiga | 9.03 | 0.00 | 30.00 | +30.00 | C |" in first
    assert "| B | 2 | 2 |\n| C | 1 | 1 |" in first
    assert "| Area Satu | 41.7% | 75.0% | +33.3% |" in first
    assert "| Area Dua | 66.7% | 66.7% | 0.0% |" in first
    assert "**Improved:** Area Satu\n\n**Regressed:** -" in first
    assert f"## Only in 2021\n\n- {HOSTILE_MD} (9.02)\n" in first
    assert "## Only in 2022\n\n- Unit Empat (9.04)\n" in first
    assert "| 2 → 1 | Unit Satu | 9.01 | 20.00 | 100.00 | +80.00 | **C → B** |" in second
    assert "**Improved:** Area Dua, Area Satu" in second
    (history,) = second.split("# Index year by year\n")[1:]
    assert history.splitlines()[1:] == [
        "| Unit | Code | 2020 | 2021 | 2022 |",
        "|---|---|---:|---:|---:|",
        "| Unit Satu | 9.01 | 20.00 (C) | 60.00 (B) | 100.00 (B) |",
        "| Unit Empat | 9.04 | - | - | 60.00 (B) |",
        "| Unit Tiga | 9.03 | - | 0.00 (C) | 30.00 (C) |",
        f"| {HOSTILE_MD} | 9.02 | 90.00 (B) | 70.00 (B) | - |",
    ]
    assert "<b>" not in text
    assert "\nx" not in text

    ind = _run(runner, tmp_path / "id", "-f", "markdown", lang="id")
    assert ind.startswith("# Tren 2021 → 2022\n")
    assert "## Unit kerja yang ada di kedua tahun" in ind
    assert "**Membaik:** Area Satu\n\n**Memburuk:** -" in ind
    assert "# Indeks dari tahun ke tahun" in ind


def test_json_and_table_multi_year(runner: CliRunner, tmp_path: Path) -> None:
    data = json.loads(_run(runner, tmp_path, "-f", "json"))
    assert [(t["old_years"], t["new_years"]) for t in data["trends"]] == [
        ([2021], [2022]),
        ([2020], [2022]),
    ]
    assert [u["code"] for u in data["trends"][0]["units"]] == ["9.01", "9.03"]
    assert data["trends"][1]["areas_improved"] == ["a2", "a1"]
    assert data["history"] == {
        "years": [[2020], [2021], [2022]],
        "units": [
            {"code": "9.01", "name": "Unit Satu", "index": [20.0, 60.0, 100.0]}
            | {"category": ["C", "B", "B"]},
            {"code": "9.04", "name": "Unit Empat", "index": [None, None, 60.0]}
            | {"category": [None, None, "B"]},
            {"code": "9.03", "name": "Unit Tiga", "index": [None, 0.0, 30.0]}
            | {"category": [None, "C", "C"]},
            {"code": "9.02", "name": HOSTILE, "index": [90.0, 70.0, None]}
            | {"category": ["B", "B", None]},
        ],
    }
    table = _run(runner, tmp_path / "t", "-o", str(tmp_path / "trend.txt"))
    assert table == ""  # written to the file, not to stdout
    written = (tmp_path / "trend.txt").read_text(encoding="utf-8")
    assert "Improved: Area Dua, Area Satu" in written
    assert "Index year by year" in written
    assert "20.00 (C)" in written
    assert "100.00 (B)" in written
    ind = _run(runner, tmp_path / "ti", lang="id")
    assert "Tren 2020 → 2022" in ind
    assert "Membaik: Area Satu" in ind


def test_xlsx_trend_sheet(runner: CliRunner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = tmp_path / "rekap.xlsx"
    _run(runner, tmp_path, "-f", "xlsx", "-o", str(book))
    wb = load_workbook(book)
    assert wb.sheetnames == ["rekap", "charts", "areas", "profile", "detail", "trend"]
    assert wb["rekap"].max_row == 4  # the rekap of 2022: three units
    rows = list(wb["trend"].iter_rows(values_only=True))
    assert rows[0][:8] == ("Year then", "Year now", "Kind", "Code", "Name", "Then", "Now", "Change")
    assert rows[1] == (
        *("2021", "2022", "unit in both years", "9.01", "Unit Satu"),
        *(60, 100, 40, "B", "B", "no", 2, 1),
    )
    assert rows[3][2:5] == ("unit only then", "9.02", "'=1+2|*x*_<b>#\nx")
    assert rows[7] == (
        *("2021", "2022", "area (mean attainment)", "a1", "Area Satu"),
        *(0.4167, 0.75, 0.3333, None, None, None, None, None),
    )
    assert len(rows) == 1 + len(PAIR_2021) + len(PAIR_2020)
    assert wb["trend"]["F8"].number_format == "0.0%"
    assert wb["trend"]["F2"].number_format == "0.00"


def test_detail_is_refused_with_compare(runner: CliRunner, tmp_path: Path) -> None:
    y20, _y21, y22 = _three_years(tmp_path)
    out = runner.invoke(
        app,
        [
            "batch",
            str(y22),
            "--compare",
            str(y20),
            "-f",
            "csv",
            "--detail",
            "--rules",
            str(tmp_path / "tiny.yaml"),
        ],
    )
    assert out.exit_code == 2
    assert "--detail has no trend" in out.stderr


def test_an_earlier_file_is_never_the_output(runner: CliRunner, tmp_path: Path) -> None:
    y20, _y21, y22 = _three_years(tmp_path)
    old = y20 / "u9.01.yaml"
    before = old.read_bytes()
    rules = ["--rules", str(tmp_path / "tiny.yaml")]
    for command in (
        ["batch", str(y22), "--compare", str(y20), "-f", "csv", "-o", str(old), *rules],
        ["report", str(y22), "--compare", str(y20), "-o", str(old), *rules],
    ):
        out = runner.invoke(app, command)
        assert out.exit_code == 2, command
        assert "one of the files this run reads" in out.stderr
        assert old.read_bytes() == before
    empty = tmp_path / "empty"
    empty.mkdir()
    out = runner.invoke(app, ["batch", str(y22), "--compare", str(empty), *rules])
    assert out.exit_code == 2
    assert f"{empty}: no answer files" in out.stderr
