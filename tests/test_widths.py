"""Tables at 80 and 120 columns (pipes, redirects, small terminals): ids whole, area and
unit names never cut mid-word, nothing wider than the terminal (issue 16 item 11)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from pmprb.analysis.batch import Options, aggregate, discover, run
from pmprb.analysis.engine import improvements, score
from pmprb.model.common import load_assessment
from pmprb.report import batch as batch_view
from pmprb.report.table import render

ROOT = Path(__file__).resolve().parent.parent
DINKES = ROOT / "assessments" / "kota-sukamaju-2021" / "dinkes.yaml"
ZI = ROOT / "assessments" / "zona-integritas-2022" / "dpmptsp.yaml"


def shown(renderable: object, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    console.print(renderable)
    return str(console.file.getvalue())  # type: ignore[attr-defined]


def words(text: str) -> set[str]:
    return set(re.findall(r"[^\s│┃]+", text))


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("path", [DINKES, ZI], ids=["dinkes", "zi"])
def test_score_table_fits_and_cuts_nothing(path: Path, width: int) -> None:
    result = score(load_assessment(path))
    out = shown(render(result, 10), width)
    assert max(len(line) for line in out.splitlines()) <= width
    assert "…" not in out  # rich marks a cut cell with an ellipsis
    seen = words(out)
    for gain in improvements(result, 10):
        assert gain.item.id in seen, gain.item.id  # whole, on one line
    for area in result.areas:
        for word in area.name.split():
            assert word in seen, word


@pytest.mark.parametrize("width", [80, 120])
def test_batch_ranking_fits_and_cuts_nothing(width: int) -> None:
    files, _missing, unread = discover([ROOT / "assessments" / "kota-sukamaju-2021"])
    outcomes = run(files, Options(rules=None, detail=False, cache_dir=None, language="en"), 1)
    result = aggregate([*unread, *outcomes], len(files))
    out = shown(batch_view.render(result), width)
    assert max(len(line) for line in out.splitlines()) <= width
    assert "…" not in out
    seen = words(out)
    for group in result.groups:
        for ranked in group.ranking:
            for word in ranked.unit.name.split():
                assert word in seen, word
            assert f"{ranked.unit.index}" in seen
    # compact: at most 4 lines per unit in the ranking (one unit name wraps, no more)
    ranking = out.split("Ranking", 1)[1].split("Distribution", 1)[0]
    rows = [line for line in ranking.splitlines() if "│" in line]
    assert len(rows) <= 4 * 6
