"""Renderers of `pmprb rules diff`: a rich table and byte-stable JSON."""

from __future__ import annotations

from dataclasses import asdict

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from pmprb.analysis.rulediff import Change
from pmprb.base.escape import cells, json_dumps, terminal
from pmprb.base.i18n import N_, _, ngettext
from pmprb.model.rules import LoadedRules
from pmprb.report.record import rules_record

# the kinds and changes of rulediff.Change (codes in the JSON), as the table shows them
_WORDS = {
    "rules": N_("rule set"),
    "scale": N_("scale"),
    "area": N_("area"),
    "band": N_("category"),
    "predicate": N_("predicate"),
    "condition": N_("condition"),
    "node": N_("node"),
    "question": N_("question"),
    "added": N_("added"),
    "removed": N_("removed"),
    "changed": N_("changed"),
    "reweighted": N_("reweighted"),
    "rescaled": N_("rescaled"),
    "renamed": N_("renamed"),
    "moved": N_("moved"),
    "retagged": N_("area changed"),
    "provenance": N_("provenance"),
    "options": N_("options"),
    "counts": N_("counts"),
    "detail": N_("detail"),
    "evidence": N_("evidence"),
    "documents": N_("expected documents"),
}


def word(code: str) -> str:
    """A kind or change code of the diff in the user's language."""
    return _(_WORDS[code]) if code in _WORDS else code


_STYLE = {"added": "green", "removed": "red", "reweighted": "yellow", "rescaled": "yellow"}


def render_diff(a: LoadedRules, b: LoadedRules, changes: list[Change]) -> RenderableType:
    """The changes from `a` to `b` as a table (or a line saying there are none)."""
    head = terminal(f"{a.rules.id} {a.rules.version} → {b.rules.id} {b.rules.version}", "bold")
    if not changes:
        apart = _files_apart(a, b)
        if apart is None:
            return Group(head, Text(_("No differences.")))
        # something the diff does not compare (comments, layout, order) tells the files apart
        message = _(
            "No differences in what is compared, but the files are not the same"
            " (sha256 {a} and {b})."
        ).format(a=apart[0][:12], b=apart[1][:12])
        return Group(head, Text(message))
    table = Table(show_edge=False)
    for col in (_("Kind"), _("Change"), _("Id"), _("Before"), _("After")):
        table.add_column(col)
    for c in changes:
        table.add_row(
            *cells(
                word(c.kind),
                terminal(word(c.change), style=_STYLE.get(c.change, "cyan")),
                c.id,
                _short(c.before),
                _short(c.after),
            )
        )
    summary = Text(
        ngettext("{n} difference.", "{n} differences.", len(changes)).format(n=len(changes)),
        style="dim",
    )
    return Group(head, table, summary)


def _files_apart(a: LoadedRules, b: LoadedRules) -> tuple[str, str] | None:
    """The first two hashes that differ along the two lineages (an overlay, then its bases),
    or None when every file is the same."""
    hashes_a = [r.sha256 for r in a.lineage()]
    hashes_b = [r.sha256 for r in b.lineage()]
    for ha, hb in zip(hashes_a, hashes_b, strict=False):
        if ha != hb:
            return ha, hb
    if len(hashes_a) == len(hashes_b):
        return None
    return a.sha256, b.sha256  # one extends more files than the other


def diff_json(a: LoadedRules, b: LoadedRules, changes: list[Change]) -> str:
    """One JSON object: both rule sets (with their hashes) and the list of changes."""
    data = {"a": rules_record(a), "b": rules_record(b), "changes": [asdict(c) for c in changes]}
    return json_dumps(data)


def _short(text: str | None, limit: int = 80) -> str:
    """A cell of the table (the JSON keeps the whole text)."""
    if text is None:
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
