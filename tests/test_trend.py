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
