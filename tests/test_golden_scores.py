"""Every example answer file scores exactly as recorded: `score -f json` and `-f csv`.

The recorded outputs live in tests/golden/scores/; a change to the engine, a rule set or
a renderer that moves any figure of any example shows up here. Regenerate them with
`PMPRB_UPDATE_GOLDEN=1 pytest tests/test_golden_scores.py` and review the diff: an
unexplained change is a regression.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmprb.cli import app

from .conftest import ROOT

GOLDEN = Path(__file__).resolve().parent / "golden" / "scores"
# every answer file; a city's shared-values file (pmprb.common) is no unit of its own
EXAMPLES = sorted(
    p.relative_to(ROOT).as_posix()
    for p in (ROOT / "assessments").rglob("*.yaml")
    if p.name != "bersama.yaml"
)


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("example", EXAMPLES)
def test_example_scores_as_recorded(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, example: str, fmt: str
) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["score", example, "--format", fmt])
    assert result.exit_code == 0, result.stderr
    name = example.removeprefix("assessments/").replace("/", "__").removesuffix(".yaml")
    path = GOLDEN / f"{name}.{fmt}"
    if os.environ.get("PMPRB_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == path.read_text(encoding="utf-8"), (
        f"{example} ({fmt}) differs from {path.name}; rerun with PMPRB_UPDATE_GOLDEN=1 and review"
    )
