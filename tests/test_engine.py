"""The scoring engine against hand-computed cases."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F
from pathlib import Path

import pytest

from pmprb.analysis.engine import (
    band_for,
    improvements,
    next_band,
    round_half_up,
    score,
    weak_areas,
)
from pmprb.model.common import load_assessment
from pmprb.model.load import load_rules
from pmprb.model.rules import ChoiceScale

from .conftest import MINI, MINI_ANSWERS, write

HEAD = "rules: mini\nyear: 2021\nunit: {name: Dinas Uji, code: '9.99'}\n"


def test_mini_case_hand_computed() -> None:
    result = score(load_assessment(MINI_ANSWERS, str(MINI)))
    nodes = {n.id: n for n in result.root.walk()}
    # Area Satu: printed weights 5 x 0.33 + 2 x 0.67 + 2.00 = 4.99, scaled to its weight 5.
    # i1 Ya, i2 Tidak, i3 Ya, i7 and i8 unanswered; i4 mean(B 0.5, C 0.33); i5 Ya;
    # i6 mean(A 1, D 0, 3/4 from counts).
    weighted = (
        F("0.33") * 2 + F("0.67") * (F("0.5") + F("0.33")) / 2 + F("0.67") + 2 * (1 + F(3, 4)) / 3
    )
    area1 = 5 * weighted / F("4.99")
    assert nodes["p.a1"].points == area1
    # Area Dua: 55 x mean(80/100, (2.5 - 1) / (5 - 1))
    assert nodes["p.a2"].points == 55 * (F(8, 10) + F(15, 40)) / 2
    assert nodes["h"].points == 5
    assert result.raw == area1 + F("32.3125") + 5
    assert result.index == Decimal("40.09")
    assert result.band is not None
    assert result.band.id == "C"
    assert result.unanswered == 3  # i7, i8 and h.y.a
    assert result.questions == 15


def test_rounded_printed_weights_give_exact_area_total(tmp_path: Path) -> None:
    answers = {
        "p.a1.i1.a": "Ya",
        "p.a1.i2.a": "Ya",
        "p.a1.i3.a": "Ya",
        "p.a1.i7.a": "Ya",
        "p.a1.i8.a": "Ya",
        "p.a1.i4.a": "A",
        "p.a1.i4.b": "A",
        "p.a1.i5.a": "Ya",
        "p.a1.i6.a": "A",
        "p.a1.i6.b": "A",
        "p.a1.i6.c": 100,
    }
    body = "answers:\n" + "".join(f"  {k}: {v}\n" for k, v in answers.items())
    result = score(load_assessment(write(tmp_path, HEAD + body), str(MINI)))
    area = next(n for n in result.root.walk() if n.id == "p.a1")
    assert area.points == 5  # exactly, although the printed weights sum to 4.99
    assert sum(c.maximum for c in area.children) == 5


def test_full_marks_score_total_and_zero_answers_score_zero(tmp_path: Path) -> None:
    loaded = load_rules(str(MINI))
    lines = []
    for qid, ref in loaded.questions.items():
        scale = ref.scale
        if isinstance(scale, ChoiceScale):
            top = max(scale.options, key=lambda k: scale.options[k])
        else:
            top = str(scale.max)
        lines.append(f"  {qid}: {top}\n")
    full = score(load_assessment(write(tmp_path, HEAD + "answers:\n" + "".join(lines)), str(MINI)))
    assert full.raw == 100
    assert full.band is not None
    assert full.band.id == "AA"
    empty = score(load_assessment(write(tmp_path, HEAD, "empty.yaml"), str(MINI)))
    assert empty.raw == 0
    assert empty.band is not None
    assert empty.band.id == "D"
    assert empty.unanswered == len(loaded.questions)


BOUNDARIES = [
    ("30", "D", "C"),
    ("50", "C", "CC"),
    ("60", "CC", "B"),
    ("70", "B", "BB"),
    ("80", "BB", "A"),
    ("90", "A", "AA"),
]


@pytest.mark.parametrize(("edge", "below", "above"), BOUNDARIES)
def test_every_band_boundary_is_left_open(edge: str, below: str, above: str) -> None:
    bands = load_rules(str(MINI)).rules.bands
    at = band_for(bands, Decimal(edge + ".00"))
    over = band_for(bands, Decimal(edge) + Decimal("0.01"))
    under = band_for(bands, Decimal(edge) - Decimal("0.01"))
    assert at is not None
    assert over is not None
    assert under is not None
    assert (at.id, over.id, under.id) == (below, above, below)


def test_band_ends() -> None:
    bands = load_rules(str(MINI)).rules.bands
    assert [band_for(bands, Decimal(v)).id for v in ("0", "0.01", "100")] == ["D", "D", "AA"]  # type: ignore[union-attr]
    assert band_for(bands, Decimal("100.01")) is None


@pytest.mark.parametrize(
    ("pengungkit", "index", "category"),
    [("20.004", "60.00", "CC"), ("20.005", "60.01", "B"), ("19.995", "60.00", "CC")],
)
def test_category_is_decided_on_the_rounded_index(
    tmp_path: Path, pengungkit: str, index: str, category: str
) -> None:
    body = f"scores:\n  p: {pengungkit}\n  h: 40\n"
    result = score(load_assessment(write(tmp_path, HEAD + body), str(MINI)))
    assert result.index == Decimal(index)
    assert result.band is not None
    assert result.band.id == category


def test_round_half_up_is_exact() -> None:
    assert round_half_up(F(60005, 1000), 2) == Decimal("60.01")
    assert round_half_up(F(2, 3), 2) == Decimal("0.67")
    assert round_half_up(F(1, 8), 2) == Decimal("0.13")  # banker's rounding would give 0.12


def test_published_scores_replace_subtrees(tmp_path: Path) -> None:
    body = "scores:\n  p: 30.5\nanswers:\n  p.a1.i1.a: Ya\n  h.x.a: 100\n"
    result = score(load_assessment(write(tmp_path, HEAD + body), str(MINI)))
    nodes = {n.id: n for n in result.root.walk()}
    assert nodes["p"].published
    assert nodes["p"].points == F("30.5")
    assert result.raw == F("30.5") + 10
    # questions under a published node neither count as unanswered nor as improvements
    assert result.questions == 2
    assert all(not g.item.id.startswith("p.") for g in improvements(result))
    # an area with a part under a published score is unknown, not the share of the rest:
    # a1 is p.a1 (5 points, under p); a2 is p.a2 (55, under p) plus h.y (30, visible)
    area = {a.id: a for a in result.areas}
    assert (area["a1"].known, area["a1"].maximum) == (False, F(5))
    assert (area["a2"].known, area["a2"].maximum) == (False, F(85))
    assert weak_areas(result) == []


def test_weak_areas_next_band_and_improvements() -> None:
    result = score(load_assessment(MINI_ANSWERS, str(MINI)))
    weak = weak_areas(result)
    assert [w.id for w in weak] == ["a2", "a1"]
    nxt = next_band(result)
    assert nxt is not None
    assert nxt[0].id == "CC"
    assert nxt[1] == Decimal("50.01") - result.index
    gains = improvements(result, 3)
    assert gains[0].item.id == "h.y.a"
    assert gains[0].gain == 30
    assert [g.gain for g in gains] == sorted((g.gain for g in gains), reverse=True)


def test_provisional_dependency_is_reported(tmp_path: Path) -> None:
    result = score(load_assessment(MINI_ANSWERS, str(MINI)))
    assert [n.id for n in result.provisional_nodes()] == ["p.a2"]
    published = score(load_assessment(write(tmp_path, HEAD + "scores: {p: 1}\n"), str(MINI)))
    assert published.provisional_nodes() == []


def test_counts_ratio_cap_and_zero(tmp_path: Path) -> None:
    def value(counts: str) -> F | None:
        body = f"answers:\n  p.a1.i6.c: {{counts: {counts}}}\n"
        a = load_assessment(write(tmp_path, HEAD + body), str(MINI))
        return a.answers["p.a1.i6.c"].value

    assert value("{selesai: 3, total: 4}") == F(3, 4)
    assert value("{selesai: 5, total: 4}") == 1  # capped
    assert value("{selesai: 0, total: 0}") == 1  # if_zero
