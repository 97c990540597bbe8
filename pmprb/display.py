"""Display text that needs no engine and no renderer: rule-set numbers and labels (exact,
never through a binary float) for the views, the rule tools and their messages, and the
neutralising of spreadsheet formulas. Every other sanitiser of user text is in escape.py."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .escape import markdown
from .i18n import N_, _, ngettext

md = markdown  # the Markdown sanitiser, under its old name

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet runs these as a formula
# where a reader may start a new row or line: CR LF, CR, LF and the other str.splitlines breaks
_LINE_BREAK = re.compile("(\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029])")


if TYPE_CHECKING:  # rules.py itself uses number(): no import cycle at run time
    from .rules import (
        ChoiceScale,
        Condition,
        Document,
        LoadedRules,
        Node,
        NumberScale,
        Provenance,
    )


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
    shown = f"{scale.min}..{scale.max}{scale.unit}"
    if scale.kind == "number" and scale.normalise != "range":
        shown += " " + (_("(value / max)") if scale.normalise == "ratio" else _("(points)"))
    return shown


def node_options(node: Node) -> list[str]:
    """The 2023 line options of a node and its expected documents, as short labels for
    `rules show`."""
    out: list[str] = []
    if node.param_id:
        out.append(_("line id {id}").format(id=node.param_id))
    if node.multiply_by:
        out.append(_("x share of {id}").format(id=node.multiply_by))
    if node.adjustment:
        out.append(_("signed adjustment"))
    if node.rescale:
        out.append(_("rescaled to its adjusted weight"))
    if node.evaluator:
        out.append(_("evaluator: {who}").format(who=node.evaluator))
    if node.documents:
        n = len(node.documents)
        out.append(ngettext("{n} expected document", "{n} expected documents", n).format(n=n))
    return out


def document_text(doc: Document) -> str:
    """An expected document as the views show it: its name, its id to cite it by, and the
    questions it applies to when not all of the indicator's."""
    text = f"{doc.name} [{doc.id}]" if doc.name else f"[{doc.id}]"
    if doc.questions:
        text += " " + _("(for {questions})").format(questions=", ".join(doc.questions))
    return text


def overlay_lines(loaded: LoadedRules) -> list[str]:
    """For an overlay, a line per rule set it extends, nearest first; none otherwise."""
    return [
        _("overlay of {id} {version} (sha256 {sha})").format(
            id=base.rules.id, version=base.rules.version, sha=base.sha256[:12]
        )
        for base in loaded.lineage()[1:]
    ]


def cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula (OWASP CSV injection): a quote
    before text that starts like a formula, and before every line of it that does, since a
    reader that ends rows at a bare CR or LF starts a new cell there."""
    if not isinstance(value, str):
        return value
    if _LINE_BREAK.search(value) is None:
        return "'" + value if value.startswith(_FORMULA_START) else value
    parts = _LINE_BREAK.split(value)  # text, break, text, break, ... (breaks kept)
    for i in range(0, len(parts), 2):
        if parts[i].startswith(_FORMULA_START):
            parts[i] = "'" + parts[i]
    return "".join(parts)


# Characters a workbook cannot hold or that would hide in it: C0 controls but tab, LF and CR
# (XML 1.0 refuses them; openpyxl raises IllegalCharacterError), DEL and the C1 controls
# (legal but invisible), lone surrogates (a file name not in UTF-8) and the non-characters
# U+FFFE and U+FFFF.
_NOT_IN_WORKBOOK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
EXCEL_TEXT_MAX = 32_767  # characters in one Excel cell (UTF-16 code units)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def excel_text(value: str) -> str:
    """User text as a workbook cell shows it: neutralised like cell(), every character a
    workbook cannot hold shown as a visible escape (ESC as `\\x1b`, a lone surrogate as
    `\\udcff`), and cut to what one cell holds, saying so."""
    out = _NOT_IN_WORKBOOK.sub(_visible, cell(value))
    if len(out) > EXCEL_TEXT_MAX // 2 and len(out.encode("utf-16-le")) // 2 > EXCEL_TEXT_MAX:
        mark = " " + _("[cut: longer than an Excel cell holds]")
        room = EXCEL_TEXT_MAX - len(mark.encode("utf-16-le")) // 2
        kept = out.encode("utf-16-le")[: 2 * room].decode("utf-16-le", errors="ignore")
        out = kept + mark
    return out
