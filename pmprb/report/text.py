"""Machine-readable renderers: JSON, CSV and Markdown, each a pure function to str."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from pmprb.analysis.engine import NodeResult, Result, improvements, next_band, weak_areas
from pmprb.base import numbers
from pmprb.base.escape import json_dumps
from pmprb.base.escape import markdown as md
from pmprb.base.i18n import _
from pmprb.model.assessment import Given
from pmprb.model.common import shared_note
from pmprb.report.csvout import CsvLocale, write_csv
from pmprb.report.record import (
    PLACES,
    adjustments,
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


def to_csv(result: Result, locale: CsvLocale = CsvLocale.c) -> str:
    """A long table: one row per node and per question (see report.csvout for the dialect).
    Points are fixed decimals: a node's with the 2 of the tables (58.69, 100.00), a
    question's with 4 (0.1333: too small for 2); a `shared` row names each answer taken
    from the shared-values file (id, the file); a last `note` row carries the
    provisional-weights caveat when there is one."""
    rows: list[list[Any]] = []

    def fixed(value: Fraction, places: int = 2) -> Decimal:
        return Decimal(text(value, places))

    def visit(node: NodeResult, parent: str) -> None:
        points = fixed(node.points) if node.known else None
        rows.append(["node", node.id, node.name, parent, points, fixed(node.maximum), "", ""])
        if node.rescaled is not None and node.known:
            # a rescaled group: its points before rescaling, out of its adjusted maximum
            raw, adjusted = node.rescaled
            rows.append(
                ["adjusted", node.id, node.name, parent, fixed(raw), fixed(adjusted), "", ""]
            )
        for child in node.children:
            visit(child, node.id)
        for item in node.items:
            given = item.answer
            rows.append(
                [
                    "question",
                    item.id,
                    item.text,
                    node.id,
                    fixed(item.points, PLACES) if item.known else None,
                    fixed(item.maximum, PLACES),
                    _answer_text(given) if given else "",
                    num(given.value) if given else None,
                ]
            )

    visit(result.root, "")
    a = result.assessment
    # one row per answer taken from the shared-values file, naming the file
    rows.extend(["shared", qid, a.common, "", "", "", "", ""] for qid in a.shared)
    caveat = record(result)["provisional_note"]
    if caveat:
        rows.append(["note", "provisional", caveat, "", "", "", "", ""])
    header = ["kind", "id", "name", "parent", "points", "max", "answer", "value"]
    return write_csv(header, rows, locale)


def _answer_text(given: Given) -> str:
    """An answer as shown in a table: a line not counted says why."""
    if given.not_counted:
        return f"{given.display}: {given.not_counted}"
    return given.display


def adjustment_lines(result: Result) -> list[str]:
    """Plain sentences for each rescaled group and the lines not counted under it."""
    out: list[str] = []
    for adj in adjustments(result):
        out.append(
            _(
                "{name}: {points} at adjusted weight {adjusted} (of {weight}) gives {rescaled}"
            ).format(
                name=adj["name"],
                points=f"{adj['points']:.2f}",
                adjusted=numbers.number(Fraction(str(adj["adjusted_weight"]))),
                weight=numbers.number(Fraction(str(adj["weight"]))),
                rescaled=f"{adj['rescaled']:.2f}",
            )
        )
        for nc in adj["not_counted"]:
            out.append(
                "  "
                + _("not counted: {name} ({max}): {why}").format(
                    name=nc["name"],
                    max=numbers.number(Fraction(str(nc["max"]))),
                    why=nc["justification"],
                )
            )
    return out


def weakest_parts(result: Result, limit: int = 3) -> tuple[str, list[NodeResult]] | None:
    """A rule set that names at least three levels and has no areas: its weakest nodes of
    the third level (SURABE's sub-aspek) with the label to show; None otherwise."""
    rs = result.rules.rules
    if len(rs.levels) < 3 or rs.areas:
        return None
    third = [
        sub
        for top in result.root.children
        if not top.published
        for mid in top.children
        if not mid.published
        for sub in mid.children
        if sub.known and sub.maximum
    ]
    if not third:
        return None
    third.sort(key=lambda n: (n.share, n.id))
    return _("Weakest {level}").format(level=rs.levels[2]), third[:limit]


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
        *([md(note), ""] if (note := shared_note(result.assessment)) else []),
        *_markdown_predicates(rec),
    ]
    levels = result.rules.rules.levels
    if len(levels) >= 2:  # parts named by level, with each one's own value (%)
        lines += [
            "| " + " | ".join((md(" / ".join(levels[:2])), _("Points"), _("Max"))) + " | % |",
            "|---|---:|---:|---:|",
        ]
        for top in result.root.children:
            subs = top.children if not top.published else ()
            for depth, node in ((0, top), *((1, sub) for sub in subs)):
                pad = "&nbsp;&nbsp;" if depth else ""
                lines.append(
                    f"| {pad}{md(node.name)} | {text(node.points)} | {text(node.maximum)}"
                    f" | {text(node.share * 100)}% |"
                )
        found = weakest_parts(result)
        if found is not None:
            label, nodes = found
            shown = "; ".join(
                _("{name} {share} ({lost} points lost)").format(
                    name=md(n.name), share=percent(n.share), lost=text(n.maximum - n.points)
                )
                for n in nodes
            )
            lines += ["", f"**{md(label)}:** {shown}"]
    else:
        lines += [
            "| " + " | ".join((_("Component"), _("Points"), _("Max"))) + " |",
            "|---|---:|---:|",
        ]
    for top in result.root.children if len(levels) < 2 else ():
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
    adjusted = adjustment_lines(result)
    if adjusted:
        lines += ["", *(f"- {md(x.strip())}" if x.startswith("  ") else md(x) for x in adjusted)]
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
    need = pred.get("requires_held")
    if need is not None:
        held = need["held"]
        recorded = (
            _("recorded: {held} since {since}").format(
                held=md(held["predicate"]), since=held["since"]
            )
            if held is not None
            else _("not recorded in the answer file (`held`)")
        )
        line = _("{id} requires the {need} predicate already held: {recorded}.").format(
            id=md(pred["id"]), need=md(need["predicate"]), recorded=recorded
        )
        if need["blocked"]:
            result = md(reached["id"]) if reached else _("none reached")
            line += " " + _(
                "Every threshold of {id} is met, but without {need} held first"
                " the result is {result}."
            ).format(id=md(pred["id"]), need=md(need["predicate"]), result=result)
        lines.extend([line, ""])
    return lines
