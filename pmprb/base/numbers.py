"""Exact numbers as text: rounded half up from the exact value, never through a binary
float. Used by the models' messages and by every renderer."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


def number(value: Fraction | Decimal, places: int = 4) -> str:
    """A value rounded half up to `places` decimals without trailing zeros (60, 4.995,
    0.3333); marked '~' when the rounding changed it (~0.3333 for 1/3)."""
    exact = Fraction(value)
    quantum = Decimal(1).scaleb(-places)
    rounded = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        quantum, rounding=ROUND_HALF_UP
    )
    shown = format(rounded.normalize(), "f")
    return shown if Fraction(rounded) == exact else "~" + shown


def fixed(value: Fraction | Decimal, places: int = 2) -> str:
    """An exact value with `places` decimals, rounded half up (1/160 as a percentage is
    0.63 at 2 places), never through a binary float."""
    exact = Fraction(value)
    quantum = Decimal(1).scaleb(-places)
    rounded = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        quantum, rounding=ROUND_HALF_UP
    )
    return str(rounded)
