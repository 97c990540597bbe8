"""Display text that needs no engine and no renderer: rule-set numbers and labels (exact,
never through a binary float) for the views, the rule tools and their messages, and the
neutralising of spreadsheet formulas. Every other sanitiser of user text is in escape.py."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .escape import markdown
from .i18n import N_, _

md = markdown  # the Markdown sanitiser, under its old name

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet runs these as a formula


if TYPE_CHECKING:  # rules.py itself uses number(): no import cycle at run time
    from .rules import ChoiceScale, Condition, LoadedRules, NumberScale, Provenance


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


def minimum(cond: Condition) -> str:
    """A predicate condition's threshold: a share as a percentage (85%), else the points
    as the rule set writes them (14.00)."""
    if cond.min_share is not None:
        return number(cond.min_share * 100) + "%"
    assert cond.min_points is not None  # the model requires one of the two
    return format(cond.min_points, "f")


def status(prov: Provenance | None, inherited: str) -> str:
    """A provenance status: the element's own label, else the one it inherits."""
    return prov.status if prov is not None else inherited


# provenance badges: the codes of the rule files, as shown to a reader
_STATUS_LABELS = {
    "verified": N_("verified"),
    "inferred": N_("inferred"),
    "provisional": N_("provisional"),
}


def status_label(code: str) -> str:
    """A provenance status (verified, inferred, provisional) in the user's language."""
    return _(_STATUS_LABELS[code]) if code in _STATUS_LABELS else code


def condition_row(cond: Condition, root_status: str) -> tuple[str, str, str, str]:
    """A condition as shown in a table: name, where it applies, minimum, provenance."""
    where = _("each area") if cond.each_area else (cond.node or "")
    return cond.name, where, minimum(cond), status(cond.provenance, root_status)


def scale_values(scale: ChoiceScale | NumberScale) -> str:
    """A scale's answers in one line: `A=1, B=0.5` or `0..100%`."""
    if scale.kind == "choice":
        return ", ".join(f"{k}={v}" for k, v in scale.options.items())
    return f"{scale.min}..{scale.max}{scale.unit}"


def overlay_lines(loaded: LoadedRules) -> list[str]:
    """For an overlay, a line per rule set it extends, nearest first; none otherwise."""
    return [
        _("overlay of {id} {version} (sha256 {sha})").format(
            id=base.rules.id, version=base.rules.version, sha=base.sha256[:12]
        )
        for base in loaded.lineage()[1:]
    ]


def cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
