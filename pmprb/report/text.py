"""Machine-readable renderers: JSON, CSV and Markdown, each a pure function to str."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..display import cell, md
from ..engine import NodeResult, Result, improvements, next_band, weak_areas
from ..escape import json_dumps
from ..i18n import _
from .record import (
    PLACES,
    headline_label,
    hidden_areas,
    num,
    percent,
    published_note,
    record,
    text,
)


def to_json(result: Result) -> str:
    """One byte-stable JSON object (fixed key order, no trailing spaces)."""
    return json_dumps(record(result))


def to_csv(result: Result) -> str:
    """A long table: one row per node and per question. Points are fixed decimals: a node's
    with the 2 of the tables (58.69, 100.00), a question's with 4 (0.1333: too small for
    2); a last `note` row carries the provisional-weights caveat when there is one."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["kind", "id", "name", "parent", "points", "max", "answer", "value"])

    def visit(node: NodeResult, parent: str) -> None:
        points = text(node.points) if node.known else ""
        w.writerow(["node", node.id, cell(node.name), parent, points, text(node.maximum), "", ""])
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
                    text(item.points, PLACES) if item.known else "",
                    text(item.maximum, PLACES),
                    cell(given.display) if given else "",
                    num(given.value) if given else "",
                ]
            )

    visit(result.root, "")
    caveat = record(result)["provisional_note"]
    if caveat:
        w.writerow(["note", "provisional", cell(caveat), "", "", "", "", ""])
    return buf.getvalue()


def to_markdown(result: Result, improvement_limit: int = 10) -> str:
    """A short Markdown report to share: headline (with the points to the next category),
    caveats, components, areas, the weakest areas, what to improve (each question with
    its text and answer) and the unanswered count."""
    rec = record(result, improvement_limit)
    rules = rec["rules"]
    has_bands = bool(result.rules.rules.bands)
    precision = result.rules.rules.precision
    headline = "**" + headline_label(result).format(index=text(result.raw, precision)) + "**"
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
        *_markdown_next(result),
        *([f"> {md(rec['provisional_note'])}", ""] if rec["provisional_note"] else []),
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
    hides = published_note(result)
    if hides:
        lines += ["", md(hides)]
    weak = weak_areas(result) if known else []
    if weak:
        lines += ["", "## " + _("Weakest areas"), ""]
        lines += [
            "- "
            + md(
                _("{name} {share} ({lost} points lost)").format(
                    name=w.name, share=percent(w.share), lost=text(w.maximum - w.points)
                )
            )
            for w in weak
        ]
    gains = improvements(result, improvement_limit)
    if gains:
        lines += [
            "",
            "## " + _("Room for improvement"),
            "",
            "| "
            + " | ".join((_("Question"), _("Text"), _("Answer")))
            + " | +"
            + _("Points")
            + " |",
            "|---|---|---|---:|",
        ]
        for g in gains:
            given = md(g.item.answer.display) if g.item.answer else _("(none)")
            lines.append(f"| `{g.item.id}` | {md(g.item.text)} | {given} | {text(g.gain)} |")
    lines += [
        "",
        _("Unanswered: {n} of {total}").format(n=rec["unanswered"], total=rec["questions"]),
        "",
    ]
    return "\n".join(lines)


def _markdown_next(result: Result) -> list[str]:
    """The points still needed for the next category, when there is one."""
    nxt = next_band(result)
    if nxt is None:
        return []
    said = _("{points} more points reach {band} ({name}).").format(
        points=nxt[1], band=nxt[0].id, name=nxt[0].name
    )
    return [md(said), ""]


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
