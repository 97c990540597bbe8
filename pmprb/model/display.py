"""Rule-set elements as text for the views, the rule tools and their messages: thresholds,
provenance labels, scales, line options, expected documents, overlay lineage. Numbers are
written by pmprb.base.numbers (exact, never through a binary float)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmprb.base.i18n import N_, _, ngettext
from pmprb.base.numbers import number

if TYPE_CHECKING:  # only the types: this module is text about them, rules.py never imports it
    from pmprb.model.rules import (
        ChoiceScale,
        Condition,
        Document,
        LoadedRules,
        Node,
        NumberScale,
        Provenance,
    )


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
