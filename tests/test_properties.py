"""Property-based tests: bounds, monotonicity, determinism, and a loader that never raises."""

from __future__ import annotations

import contextlib
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmprb.analysis.engine import Result, exact_sum, score
from pmprb.base.errors import ProblemsError
from pmprb.inputs.loader import decode, parse
from pmprb.model.assessment import validate_assessment
from pmprb.model.load import load_rules
from pmprb.model.rules import ChoiceScale, LoadedRules
from pmprb.report.record import record

from .conftest import MINI

RULE_SETS = [load_rules(str(MINI)), load_rules("permenpanrb-26-2020")]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _value(loaded: LoadedRules, qid: str) -> st.SearchStrategy[Any]:
    scale = loaded.questions[qid].scale
    if isinstance(scale, ChoiceScale):
        return st.sampled_from(sorted(scale.options))
    lo, hi = int(scale.min * 100), int(scale.max * 100)
    return st.integers(lo, hi).map(lambda v: Decimal(v) / 100)


@st.composite
def answer_files(draw: st.DrawFn) -> tuple[LoadedRules, dict[str, Any]]:
    loaded = draw(st.sampled_from(RULE_SETS))
    answers = {}
    for qid in loaded.questions:
        if draw(st.booleans()) or draw(st.booleans()):
            answers[qid] = draw(_value(loaded, qid))
    data = {
        "rules": loaded.rules.id,
        "year": 2021,
        "unit": {"name": "Dinas", "code": "1"},
        "answers": answers,
    }
    return loaded, data


# Both rule sets publish the index with 2 decimals and share the PermenPANRB 26/2020
# categories: D up to 30, C above 30 up to 50, CC to 60, B to 70, BB to 80, A to 90, AA to
# 100 (each band excludes its lower bound, the lowest includes 0).
CATEGORIES = [(90, "AA"), (80, "A"), (70, "BB"), (60, "B"), (50, "CC"), (30, "C")]


def _half_up(value: Fraction, places: int) -> Decimal:
    """Rounded half up, worked out with integers (0.125 -> 0.13 at 2 places)."""
    scaled = value * 10**places
    return Decimal(math.floor(scaled + Fraction(1, 2))).scaleb(-places)


def _category(index: Decimal) -> str:
    return next((cid for low, cid in CATEGORIES if index > low), "D")


def test_independent_helpers_agree_with_the_rule_text() -> None:
    assert _half_up(Fraction(1, 8), 2) == Decimal("0.13")  # half up, not half even
    assert _half_up(Fraction(3999, 100), 1) == Decimal("40.0")
    assert [_category(Decimal(v)) for v in ("0", "30.00", "30.01", "50", "90.01")] == [
        "D",
        "D",
        "C",
        "C",
        "AA",
    ]


def _score(loaded: LoadedRules, data: dict[str, Any]) -> Result:
    ref = str(MINI) if loaded.rules.id == "mini" else None
    return score(validate_assessment(data, "generated.yaml", "", ref))


@given(st.lists(st.fractions(max_denominator=10**6)))
def test_exact_sum_is_the_fraction_sum(values: list[Fraction]) -> None:
    assert exact_sum(values) == sum(values, Fraction(0))


@FAST
@given(answer_files())
def test_bounds_category_and_determinism(case: tuple[LoadedRules, dict[str, Any]]) -> None:
    loaded, data = case
    result = _score(loaded, data)
    assert 0 <= result.raw <= loaded.rules.total
    assert 0 <= result.index <= loaded.rules.total
    for node in result.root.walk():
        assert 0 <= node.points <= node.maximum
        for item in node.items:
            assert 0 <= item.points <= item.maximum
    assert result.index == _half_up(result.raw, 2)
    assert result.band is not None
    assert result.band.id == _category(result.index)
    assert record(_score(loaded, data)) == record(result)


@FAST
@given(answer_files(), st.data())
def test_raising_an_answer_never_lowers_the_index(
    case: tuple[LoadedRules, dict[str, Any]], data: st.DataObject
) -> None:
    loaded, answers_file = case
    qid = data.draw(st.sampled_from(sorted(loaded.questions)))
    before = _score(loaded, answers_file)
    scale = loaded.questions[qid].scale
    current = before.assessment.answers.get(qid)
    if isinstance(scale, ChoiceScale):
        better = [k for k, v in scale.options.items() if current is None or v >= current.value]
        raised: Any = data.draw(st.sampled_from(sorted(better)))
    else:
        # the smallest value in hundredths whose fraction is at least the current one
        lo, hi = int(scale.min * 100), int(scale.max * 100)
        now = Fraction(0) if current is None else current.value
        floor = lo + math.ceil(now * (hi - lo))
        raised = Decimal(data.draw(st.integers(floor, hi))) / 100
    changed = {**answers_file, "answers": {**answers_file["answers"], qid: raised}}
    after = _score(loaded, changed)
    assert after.raw >= before.raw
    assert after.index >= before.index


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_loader_never_raises_on_bytes(raw: bytes) -> None:
    try:
        text = decode("x.yaml", raw)
        data = parse("x.yaml", text)
        validate_assessment(data, "x.yaml", text, str(MINI))
    except ProblemsError:
        pass


yaml_ish = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=8)
    | st.decimals(allow_nan=True, allow_infinity=True),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8) | st.integers(), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "rules": yaml_ish | st.just("mini"),
            "year": yaml_ish | st.integers(1990, 2100),
            "unit": yaml_ish,
            "answers": yaml_ish
            | st.dictionaries(
                st.sampled_from(sorted(RULE_SETS[0].questions)), yaml_ish, max_size=5
            ),
            "scores": yaml_ish,
        },
    )
)
def test_validation_never_raises_on_arbitrary_data(data: dict[str, Any]) -> None:
    with contextlib.suppress(ProblemsError):
        validate_assessment(data, "x.yaml", "", str(MINI))
