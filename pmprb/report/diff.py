"""Renderers of `pmprb rules diff`: a rich table and byte-stable JSON."""

from __future__ import annotations

import json
from dataclasses import asdict

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..i18n import _, ngettext
from ..rulediff import Change
from ..rules import LoadedRules
from .record import rules_record

_STYLE = {"added": "green", "removed": "red", "reweighted": "yellow", "rescaled": "yellow"}


def render_diff(a: LoadedRules, b: LoadedRules, changes: list[Change]) -> RenderableType:
    """The changes from `a` to `b` as a table (or a line saying there are none)."""
    head = Text(f"{a.rules.id} {a.rules.version} → {b.rules.id} {b.rules.version}", style="bold")
    if not changes:
        return Group(head, Text(_("No differences.")))
    table = Table(show_edge=False)
    for col in (_("Kind"), _("Change"), _("Id"), _("Before"), _("After")):
        table.add_column(col)
    for c in changes:
        table.add_row(
            c.kind,
            Text(c.change, style=_STYLE.get(c.change, "cyan")),
            c.id,
            _short(c.before),
            _short(c.after),
        )
    summary = Text(
        ngettext("{n} difference.", "{n} differences.", len(changes)).format(n=len(changes)),
        style="dim",
    )
    return Group(head, table, summary)


def diff_json(a: LoadedRules, b: LoadedRules, changes: list[Change]) -> str:
    """One JSON object: both rule sets (with their hashes) and the list of changes."""
    data = {"a": rules_record(a), "b": rules_record(b), "changes": [asdict(c) for c in changes]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _short(text: str | None, limit: int = 80) -> str:
    """A cell of the table (the JSON keeps the whole text)."""
    if text is None:
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
