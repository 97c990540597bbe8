"""Rule-set numbers as display text: exact, no trailing zeros, whole numbers kept whole."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from pmprb.base.numbers import number
from pmprb.model.display import minimum
from pmprb.model.rules import Condition


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal(100), "100"),
        (Decimal("60.00"), "60"),
        (Decimal(0), "0"),
        (Decimal("4.995"), "4.995"),
        (Fraction(1, 3), "~0.3333"),
        (Fraction(2, 3), "~0.6667"),
        (Fraction(1, 8), "0.125"),
    ],
)
def test_number(value: Decimal | Fraction, shown: str) -> None:
    assert number(value) == shown


@pytest.mark.parametrize(
    ("share", "shown"), [("1", "100%"), ("0", "0%"), ("0.85", "85%"), ("0.605", "60.5%")]
)
def test_a_share_minimum_is_a_true_percentage(share: str, shown: str) -> None:
    # `min_share: 1` was shown as "1%" and 0 as "%" (trailing zeros stripped off "100")
    cond = Condition(id="c", name="C", node="root", min_share=Decimal(share))
    assert minimum(cond) == shown


def test_a_points_minimum_is_shown_as_written() -> None:
    assert minimum(Condition(id="c", name="C", node="root", min_points=Decimal("14.00"))) == "14.00"
