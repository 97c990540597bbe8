"""The command line through typer's CliRunner: outputs and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmprb.cli import app

from .conftest import MINI, MINI_ANSWERS, write


def test_score_table(runner: CliRunner) -> None:
    result = runner.invoke(app, ["score", str(MINI_ANSWERS), "--rules", str(MINI)])
    assert result.exit_code == 0, result.output
    assert "40.09" in result.stdout
    assert "C (Kurang)" in result.stdout
    assert "provisional weights" in result.stdout
    assert "3 of 15 questions unanswered" in result.stdout


def test_score_json_is_complete_and_stable(runner: CliRunner) -> None:
    args = ["score", str(MINI_ANSWERS), "--rules", str(MINI), "--format", "json"]
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    assert first.exit_code == 0
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert list(data)[:8] == [
        "file",
        "unit",
        "year",
        "rules",
        "index",
        "category",
        "predicate",
        "questions",
    ]
    assert data["index"] == 40.09
    assert (data["category"], data["predicate"]) == ("C", "Kurang")
    assert len(data["rules"]["sha256"]) == 64
    item = data["tree"]["children"][0]["children"][0]["children"][5]["items"][1]
    # by hand from tests/data/mini.yaml: p.a1 is worth 60 x 5/60 = 5 points; its printed
    # weights add up to 4.99, so p.a1.i4 (0.67) is 5 x 0.67/4.99 = 0.67134..., each of its
    # two questions 0.33567... (0.3357), and C (0.33) earns 0.11077... (0.1108)
    assert item == {
        "id": "p.a1.i4.b",
        "answer": "C",
        "value": 0.33,
        "points": 0.1108,
        "max": 0.3357,
        "evidence": ["SK 1/2021"],
        "note": "sebagian",
    }


@pytest.mark.parametrize("fmt", ["markdown", "csv"])
def test_score_other_formats(runner: CliRunner, fmt: str) -> None:
    result = runner.invoke(app, ["score", str(MINI_ANSWERS), "--rules", str(MINI), "-f", fmt])
    assert result.exit_code == 0
    assert "p.a1.i4.b" in result.stdout


def test_exit_codes(runner: CliRunner, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["score", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2
    assert "nope.yaml: [error] not_found" in missing.stderr
    bad = write(
        tmp_path, "rules: mini\nyear: 2021\nunit: {name: A, code: B}\nanswers: {h.x.a: 101}\n"
    )
    invalid = runner.invoke(app, ["score", str(bad), "--rules", str(MINI)])
    assert invalid.exit_code == 1
    assert f"{bad}:4:18: [error] out_of_range" in invalid.stderr
    assert invalid.stdout == ""
    no_rules = runner.invoke(app, ["score", str(bad), "--rules", "no-such-rules"])
    assert no_rules.exit_code == 2
    usage = runner.invoke(app, ["score", str(MINI_ANSWERS), "--format", "pdf"])
    assert usage.exit_code == 2
    broken_rules = write(tmp_path, "id: x\n", "rules.yaml")
    broken = runner.invoke(app, ["score", str(MINI_ANSWERS), "--rules", str(broken_rules)])
    assert broken.exit_code == 2
    assert "rules.yaml:1:1: [error] missing" in broken.stderr


def test_init_writes_a_blank_file_that_scores_and_never_overwrites(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "dinas.yaml"
    args = [
        "init",
        "--unit",
        "Dinas Uji",
        "--code",
        "9.99",
        "--year",
        "2021",
        "--rules",
        str(MINI),
        "--output",
        str(target),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert "  p.a1.i6.a:\n" in text
    assert "#   A: semua" in text
    target.write_text(text.replace("rules: mini", f"rules: mini\n# {MINI}"), encoding="utf-8")
    scored = runner.invoke(app, ["score", str(target), "--rules", str(MINI), "-f", "json"])
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.stdout)["unanswered"] == 15
    before = target.read_bytes()
    again = runner.invoke(app, args)
    assert again.exit_code == 2
    assert "already exists" in again.stderr
    assert target.read_bytes() == before


def test_rules_list_and_show(runner: CliRunner) -> None:
    listed = runner.invoke(app, ["rules", "list"])
    assert listed.exit_code == 0
    assert "permenpanrb-26-2020" in listed.stdout
    shown = runner.invoke(app, ["rules", "show", str(MINI), "--questions"])
    assert shown.exit_code == 0
    assert "p.a1.i6.c" in shown.stdout
    assert "provisional" in shown.stdout


def test_indonesian_is_the_default(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PMPRB_LANG")
    result = runner.invoke(app, ["score", str(MINI_ANSWERS), "--rules", str(MINI)])
    assert "belum dijawab" in result.stdout
    english = runner.invoke(app, ["--lang", "en", "score", str(MINI_ANSWERS), "--rules", str(MINI)])
    assert "unanswered" in english.stdout


def test_importing_the_cli_stays_light() -> None:
    code = (
        "import sys, pmprb.cli\n"
        "heavy = [m for m in ('pmprb.analysis.engine', 'pmprb.report.table', "
        "'pmprb.model.assessment', 'pmprb.model.rules', 'pydantic', 'yaml') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
