"""Machine-readable renderers: JSON, CSV and Markdown, each a pure function to str."""

from __future__ import annotations

import io
from typing import Any

from ..display import cell, md
from ..engine import NodeResult, Result, improvements
from ..escape import json_dumps
from ..i18n import _
from .record import hidden_areas, num, percent, record, text


def to_json(result: Result) -> str:
    """One byte-stable JSON object (fixed key order, no trailing spaces)."""
    return json_dumps(record(result))


def to_csv(result: Result) -> str:
    """A long table: one row per node and per question."""
    import csv

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["kind", "id", "name", "parent", "points", "max", "answer", "value"])

    def visit(node: NodeResult, parent: str) -> None:
        points = num(node.points) if node.known else ""
        w.writerow(["node", node.id, cell(node.name), parent, points, num(node.maximum), "", ""])
        for child in node.children:
            visit(child, node.id)
        for item in node.items:
            given = item.answer
            w.writerow(
                [
                    "question",
                    item.id,
                    cell(item.text),
                    node.id,
                    num(item.points) if item.known else "",
                    num(item.maximum),
                    cell(given.display) if given else "",
                    num(given.value) if given else "",
                ]
            )

    visit(result.root, "")
    return buf.getvalue()


def to_markdown(result: Result) -> str:
    """A Markdown report: headline, components, areas, weak areas, improvements."""
    rec = record(result)
    rules = rec["rules"]
    has_bands = bool(result.rules.rules.bands)
    precision = result.rules.rules.precision
    headline = "**" + _("Index: {index}").format(index=text(result.raw, precision)) + "**"
    if has_bands:
        headline += f" {md(rec['category'] or '')} ({md(rec['predicate'] or '-')})"
    lines = [
        f"# {md(rec['unit']['name'])} ({md(rec['unit']['code'])}), {rec['year']}",
        "",
        _("Rule set: {title}").format(title=md(rules["title"]))
        + f" (`{rules['id']}` {md(rules['version'])})",
        *[
            "\n"
            + _("overlay of {id} {version} (sha256 {sha})").format(
                id=f"`{b.rules.id}`", version=md(b.rules.version), sha=b.sha256[:12]
            )
            for b in result.rules.lineage()[1:]
        ],
        "",
        headline,
        "",
        *_markdown_predicates(rec),
        "| " + " | ".join((_("Component"), _("Points"), _("Max"))) + " |",
        "|---|---:|---:|",
    ]
    for top in result.root.children:
        shown = text(top.points) if top.known else "?"  # "?": under a published root
        lines.append(f"| {md(top.name)} | {shown} | {text(top.maximum)} |")
        for sub in top.children if not top.published else ():
            lines.append(
                f"| &nbsp;&nbsp;{md(sub.name)} | {text(sub.points)} | {text(sub.maximum)} |"
            )
    known = [a for a in result.areas if a.maximum and a.known]
    hidden = [md(a.name) for a in result.areas if a.maximum and not a.known]
    if known:
        lines += [
            "",
            "| " + " | ".join((_("Area"), _("Points"), _("Max"))) + " | % |",
            "|---|---:|---:|---:|",
        ]
        for a in known:
            lines.append(
                f"| {md(a.name)} | {text(a.points)} | {text(a.maximum)} | {percent(a.share)} |"
            )
    if hidden:
        lines += ["", hidden_areas(hidden)]
    gains = improvements(result)
    if gains:
        lines += [
            "",
            "## " + _("Room for improvement"),
            "",
            "| " + _("Question") + " | +" + _("Points") + " |",
            "|---|---:|",
        ]
        for g in gains:
            lines.append(f"| `{g.item.id}` | {text(g.gain)} |")
    lines += [
        "",
        _("Unanswered: {n} of {total}").format(n=rec["unanswered"], total=rec["questions"]),
        "",
    ]
    return "\n".join(lines)


def _markdown_predicates(rec: dict[str, Any]) -> list[str]:
    """The predicate reached and a table of the next predicate's conditions, with gaps."""
    upcoming = rec["next_predicate"]
    if upcoming is None:
        return []
    reached = rec["reached"]
    shown = f"{md(reached['id'])} ({md(reached['name'])})" if reached else _("none reached")
    pred = next(p for p in rec["predicates"] if p["id"] == upcoming["id"])
    title = (
        _("Conditions of {id} ({name}): all met")
        if pred["met"]
        else _("Conditions for {id} ({name})")
    ).format(id=md(pred["id"]), name=md(pred["name"]))
    lines = [
        "**" + _("Predicate") + f":** {shown}",
        "",
        f"### {title}",
        "",
        "| " + " | ".join((_("Condition"), _("Value"), _("Minimum"), _("Gap"))) + " | |",
        "|---|---:|---:|---:|---|",
    ]
    areas = {a["id"] for a in rec["areas"]}
    for c in pred["conditions"]:
        label = md(c["name"])
        if c["target"] in areas:
            label += ": " + md(c["target_name"])

        def fmt(value: float | None, share: bool = c["share"]) -> str:
            if value is None:  # hidden by a published score
                return "?"
            return f"{value * 100:.2f}%" if share else f"{value:.2f}"

        gap = fmt(c["gap"]) if not c["met"] else "-"
        mark = "✓" if c["met"] else ("?" if c["value"] is None else "✗")
        lines.append(f"| {label} | {fmt(c['value'])} | {fmt(c['threshold'])} | {gap} | {mark} |")
    lines.append("")
    return lines
