"""`pmprb plan` in every format: the changes, their gains and the running index."""

from __future__ import annotations

from typing import Any

from pmprb.analysis.plan import Plan
from pmprb.base.escape import json_dumps, line
from pmprb.base.escape import markdown as md
from pmprb.base.i18n import _, ngettext
from pmprb.report.csvout import write_csv
from pmprb.report.record import num, text


def _band(plan: Plan) -> str:
    return f"{plan.target.id} ({plan.target.name})"


def headline(plan: Plan) -> str:
    """What the plan says in one sentence."""
    start = plan.start.index
    if plan.reached and not plan.changes:
        return _("The index {index} already reaches {band}.").format(index=start, band=_band(plan))
    if not plan.reached:
        best = plan.start.raw + plan.best_gain
        hint = ""
        if plan.numeric_left:
            hint = " " + ngettext(
                "{n} numeric answer (an external index) could rise: add --numeric to plan it.",
                "{n} numeric answers (external indices) could rise: add --numeric to plan them.",
                plan.numeric_left,
            ).format(n=plan.numeric_left)
        said = _(
            "{band} cannot be reached under these constraints: the {n} questions that may "
            "change gain at most {gain} points (index {best}); {needed} are needed."
        ).format(
            band=_band(plan),
            n=plan.candidates,
            gain=text(plan.best_gain),
            best=text(best, plan.start.rules.rules.precision),
            needed=text(plan.needed, 4),
        )
        return said + hint
    final = plan.final.index if plan.final is not None else start
    return ngettext(
        "{n} change takes the index from {start} to {final}: {band}.",
        "{n} changes take the index from {start} to {final}: {band}.",
        len(plan.changes),
    ).format(n=len(plan.changes), start=start, final=final, band=_band(plan))


def plan_record(plan: Plan) -> dict[str, Any]:
    """Plain data of the plan."""
    return {
        "file": plan.start.assessment.path,
        "target": plan.target.id,
        "reached": plan.reached,
        "index": float(plan.start.index),
        "final_index": float(plan.final.index) if plan.final is not None else None,
        "final_category": (plan.final.band.id if plan.final and plan.final.band else None),
        "needed": num(plan.needed),
        "max_gain": num(plan.best_gain),
        "candidates": plan.candidates,
        "changes": [
            {
                "question": ch.question,
                "indicator": ch.indicator,
                "from": ch.before or None,
                "to": ch.after,
                "gain": num(ch.gain),
                "index": float(idx),
            }
            for ch, idx in zip(plan.changes, plan.running, strict=True)
        ],
    }


def plan_json(plan: Plan) -> str:
    """Byte-stable JSON."""
    return json_dumps(plan_record(plan))


def plan_csv(plan: Plan) -> str:
    """One row per change."""
    header = ["step", "question", "indicator", "from", "to", "gain", "index"]
    rows: list[list[Any]] = []
    for i, row in enumerate(plan_record(plan)["changes"], 1):
        rows.append(
            [
                i,
                row["question"],
                row["indicator"],
                row["from"] or "",
                row["to"],
                row["gain"],
                row["index"],
            ]
        )
    return write_csv(header, rows)


def _rows(plan: Plan) -> list[tuple[str, str, str, str, str, str]]:
    return [
        (str(i), ch.question, ch.before or _("(none)"), ch.after, "+" + text(ch.gain, 4), str(idx))
        for i, (ch, idx) in enumerate(zip(plan.changes, plan.running, strict=True), 1)
    ]


def plan_text(plan: Plan) -> str:
    """Plain text for the terminal."""
    out = [line(headline(plan))]
    rows = _rows(plan)
    if rows:
        head = ("#", _("Question"), _("From"), _("To"), _("Points"), _("Index"))
        table = [head, *rows]
        widths = [max(len(r[i]) for r in table) for i in range(len(head))]
        for r in table:
            out.append("  ".join(line(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    return "\n".join(out) + "\n"


def plan_markdown(plan: Plan) -> str:
    """Markdown: the sentence and a table of the changes."""
    out = [md(headline(plan)), ""]
    rows = _rows(plan)
    if rows:
        out += [
            "| # | "
            + " | ".join((_("Question"), _("From"), _("To"), _("Points"), _("Index")))
            + " |",
            "|---:|---|---|---|---:|---:|",
        ]
        for n, q, a, b, g, idx in rows:
            out.append(f"| {n} | `{q}` | {md(a)} | {md(b)} | {g} | {idx} |")
        out.append("")
    return "\n".join(out)
