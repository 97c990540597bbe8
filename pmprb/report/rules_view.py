"""The rich view of a rule set: its tree with weights and provenance, scales and bands."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from pmprb.base import numbers
from pmprb.base.errors import Problem
from pmprb.base.escape import cells, line, terminal
from pmprb.base.i18n import _, ngettext
from pmprb.model import display
from pmprb.model.rules import LoadedRules, Node, NumberScale
from pmprb.report.record import num

_STATUS_STYLE = {"verified": "green", "inferred": "cyan", "provisional": "yellow"}


def rules_json(loaded: LoadedRules) -> str:
    """The whole rule set as JSON for other tools: every node with its id, name, weight,
    effective maximum, options and questions (each with its scale's range), the scales,
    bands and predicates, and where it was read from."""
    rs = loaded.rules

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    def node_out(node: Node) -> dict[str, Any]:
        out: dict[str, Any] = plain(
            node.model_dump(exclude_none=True, exclude={"children", "questions"})
        )
        out["max"] = num(loaded.maxima[node.id], 6)
        if node.children is not None:
            out["children"] = [node_out(c) for c in node.children]
        if node.questions is not None:
            out["questions"] = []
            for q in node.questions:
                item = plain(q.model_dump(exclude_none=True))
                scale = rs.scales[q.scale]
                if isinstance(scale, NumberScale):
                    item["range"] = plain(
                        {"min": scale.min, "max": scale.max, "normalise": scale.normalise}
                    )
                else:
                    item["options_values"] = plain(dict(scale.options))
                out["questions"].append(item)
        return out

    head = plain(rs.model_dump(exclude_none=True, exclude={"tree"}))
    record = {
        **head,
        "path": loaded.path,
        "sha256": loaded.sha256,
        "tree": [node_out(top) for top in rs.tree],
    }
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"


def render_rules(loaded: LoadedRules, questions: bool = False) -> RenderableType:
    """Everything `pmprb rules show` prints."""
    rs = loaded.rules
    head = Text()
    head.append(line(rs.title) + "\n", style="bold")
    head.append(line(f"{rs.id} {rs.version}"))
    if rs.basis:
        head.append(line(f" · {rs.basis}"))
    if rs.years:
        head.append(f" · {rs.years[0]}-{rs.years[1]}")
    head.append("\n" + line(f"{loaded.path} sha256:{loaded.sha256[:12]}"), style="dim")
    for base in display.overlay_lines(loaded):
        head.append("\n" + line(base), style="dim")
    tree = Tree(Text(_("Total {total}").format(total=rs.total), style="bold"))
    root_status = display.status(rs.provenance, "verified")

    def add(parent: Tree, node: Node, inherited: str) -> None:
        status = display.status(node.provenance, inherited)
        label = terminal(f"{node.name} ")
        label.append(f"[{node.id}] ", style="cyan")
        maximum = numbers.number(loaded.maxima[node.id])
        label.append(_("weight {w} (max {m})").format(w=node.weight, m=maximum))
        label.append(" " + display.status_label(status), style=_STATUS_STYLE[status])
        for extra in display.node_options(node):
            label.append(" · " + extra, style="dim")
        if node.questions is not None and not questions:
            n = len(node.questions)
            count = ngettext("{n} question", "{n} questions", n).format(n=n)
            label.append(" · " + count, style="dim")
        branch = parent.add(label)
        for child in node.children or ():
            add(branch, child, status)
        if questions:
            for doc in node.documents or ():
                ds = display.status(doc.provenance, status)
                shown = Text(_("document") + " ", style="dim")
                shown.append(line(display.document_text(doc)))
                shown.append(" " + display.status_label(ds), style=_STATUS_STYLE[ds])
                branch.add(shown)
        if node.questions is not None and questions:
            for q in node.questions:
                qs = display.status(q.provenance, status)
                shown = Text(f"{q.id} ", style="cyan")
                shown.append(line(f"{q.text} "))
                shown.append(line(f"({q.scale})"), style="dim")
                shown.append(" " + display.status_label(qs), style=_STATUS_STYLE[qs])
                branch.add(shown)

    for top in rs.tree:
        add(tree, top, root_status)

    scales = Table(title=_("Answer scales"), title_justify="left", show_edge=False)
    scales.add_column(_("Id"))
    scales.add_column(_("Name"))
    scales.add_column(_("Values"))
    for sid, scale in rs.scales.items():
        scales.add_row(*cells(sid, scale.name, display.scale_values(scale)))
    parts: list[RenderableType] = [head, tree, scales]
    if rs.bands:
        bands = Table(
            title=_("Categories (left-open: min < x <= max)"), title_justify="left", show_edge=False
        )
        for col in (_("Category"), _("Range"), _("Predicate")):
            bands.add_column(col)
        for band in reversed(rs.bands):
            bands.add_row(*cells(band.id, f"{band.min} - {band.max}", band.name))
        parts.append(bands)
    for pred in rs.predicates:
        table = Table(
            title=terminal(
                _("Predicate {id} ({name}): every condition must hold").format(
                    id=pred.id, name=pred.name
                )
            ),
            title_justify="left",
            show_edge=False,
        )
        for col in (_("Condition"), _("Applies to"), _("Minimum"), _("Provenance")):
            table.add_column(col)
        for cond in pred.conditions:
            name, where, minimum, label = display.condition_row(cond, root_status)
            badge = Text(display.status_label(label), style=_STATUS_STYLE[label])
            table.add_row(*cells(name, where, minimum, badge))
        parts.append(table)
    return Group(*parts)


def check_summary(loaded: LoadedRules, problems: list[Problem]) -> str:
    """The line `pmprb rules check` prints for a valid rule set."""
    rs = loaded.rules
    summary = _("{path}: valid: {id} {version}, {n} questions, total {total}").format(
        path=loaded.path, id=rs.id, version=rs.version, n=len(loaded.questions), total=rs.total
    )
    bases = [f"{b.rules.id} {b.rules.version}" for b in loaded.lineage()[1:]]
    if bases:
        summary += "; " + _("extends {chain}").format(chain=" <- ".join(bases))
    warnings = sum(p.level == "warning" for p in problems)
    if warnings:
        summary += "; " + ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings)
    return line(summary) + "\n"
