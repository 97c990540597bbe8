"""`pmprb guide`: the whole questionnaire of a rule set, for printing and for a unit's team.

One document model (headings, paragraphs, tables, questions) feeds both formats, so the
Markdown and the HTML say the same. HTML escapes every piece of rule text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from pmprb.base import numbers
from pmprb.base.escape import markdown as md
from pmprb.base.i18n import _
from pmprb.model import display
from pmprb.model.rules import ChoiceScale, LoadedRules, Node, Question
from pmprb.report.record import provisional_note, rules_provisional

STATUS = ("verified", "inferred", "provisional")


@dataclass(frozen=True, slots=True)
class Heading:
    """A node of the tree (or a section): its level, title and provenance badge."""

    level: int
    text: str
    status: str = ""
    note: str = ""
    anchor: str = ""  # a node's id: the HTML table of contents links to it


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph of plain text."""

    text: str


@dataclass(frozen=True, slots=True)
class Grid:
    """A table."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Answer:
    """One allowed answer: its label, value and meaning."""

    label: str
    value: str
    meaning: str


@dataclass(frozen=True, slots=True)
class Item:
    """One question as printed."""

    id: str
    text: str
    detail: str
    scale: str
    answers: tuple[Answer, ...]
    extra: tuple[str, ...] = field(default_factory=tuple)
    status: str = ""


Block = Heading | Para | Grid | Item


def document(loaded: LoadedRules) -> list[Block]:
    """The guide's content, in order."""
    rs = loaded.rules
    blocks: list[Block] = [Heading(1, rs.title)]
    facts = [f"{rs.id} {rs.version}"]
    if rs.basis:
        facts.append(rs.basis)
    if rs.years:
        facts.append(_("years {lo}-{hi}").format(lo=rs.years[0], hi=rs.years[1]))
    blocks.append(Para(" · ".join(facts)))
    blocks.append(Para(f"sha256 {loaded.sha256}"))
    blocks.extend(Para(line) for line in display.overlay_lines(loaded))
    caveat = provisional_note([n.name for n in rules_provisional(loaded)])
    if caveat:  # the guide is shared too: it says what results depend on
        blocks.append(Para(caveat))
    blocks.append(
        Para(
            _(
                "How to read it: each part shows its weight as printed and its maximum, the"
                " points it can earn out of {total}. A question scores its answer's value"
                " (0 to 1); an indicator scores its maximum times the mean of its questions;"
                " a group adds up its parts. Provenance: verified (printed in a source),"
                " inferred (consistent with sources), provisional (no source found: a"
                " placeholder)."
            ).format(total=rs.total)
        )
    )
    if loaded.lines:
        blocks.append(
            Para(
                _(
                    "Lines: a number scored `value / max` is worth that share of the line's"
                    " maximum (the range's lower bound is not subtracted); a `points` scale"
                    " gives the points themselves; some lines are multiplied by another line's"
                    " unrounded share (their description says which). Each line's points are"
                    " rounded before"
                    " they are added up; lines not counted leave the adjusted weight."
                )
            )
        )
    blocks.append(Heading(2, _("Answer scales")))
    rows = []
    for sid, scale in rs.scales.items():
        if isinstance(scale, ChoiceScale):
            values = ", ".join(f"{k} = {v}" for k, v in scale.options.items())
        else:
            values = f"{scale.min} - {scale.max}{scale.unit}"
            if scale.normalise != "range":
                values += " " + (
                    _("(value / max)") if scale.normalise == "ratio" else _("(points)")
                )
        rows.append((sid, scale.name, values))
    blocks.append(Grid((_("Id"), _("Name"), _("Values")), tuple(rows)))
    if rs.bands:
        blocks.append(Heading(2, _("Categories (left-open: min < x <= max)")))
        band_rows = tuple((b.id, f"{b.min} - {b.max}", b.name) for b in reversed(rs.bands))
        blocks.append(Grid((_("Category"), _("Range"), _("Predicate")), band_rows))
    root_status = display.status(rs.provenance, "verified")
    for pred in rs.predicates:
        blocks.append(
            Heading(
                2,
                _("Predicate {id} ({name}): every condition must hold").format(
                    id=pred.id, name=pred.name
                ),
            )
        )
        cond_rows = [display.condition_row(cond, root_status) for cond in pred.conditions]
        blocks.append(
            Grid((_("Condition"), _("Applies to"), _("Minimum"), _("Provenance")), tuple(cond_rows))
        )
    blocks.append(Heading(2, _("Questionnaire")))
    area_names = {a.id: a.name for a in rs.areas}

    def visit(node: Node, number: str, level: int, inherited: str) -> None:
        status = display.status(node.provenance, inherited)
        title = f"{number} {node.name} ({node.id})"
        if node.area is not None and node.area in area_names:
            title += " · " + _("area: {name}").format(name=area_names[node.area])
        title += " · " + _("weight {w}, max {m}").format(
            w=node.weight, m=numbers.number(loaded.maxima[node.id])
        )
        note = node.provenance.source if node.provenance and status != inherited else ""
        blocks.append(Heading(min(level, 6), title, status, note, node.id))
        for i, child in enumerate(node.children or (), start=1):
            visit(child, f"{number}{i}.", level + 1, status)
        if node.documents:
            names = "; ".join(display.document_text(d) for d in node.documents)
            blocks.append(
                Para(_("Expected documents (data dukung): {documents}").format(documents=names))
            )
        for q in node.questions or ():
            blocks.append(_item(loaded, q, display.status(q.provenance, status)))

    for i, top in enumerate(rs.tree, start=1):
        visit(top, f"{i}.", 3, root_status)
    return blocks


def _item(loaded: LoadedRules, q: Question, status: str) -> Item:
    scale = loaded.rules.scales[q.scale]
    extra: list[str] = []
    if isinstance(scale, ChoiceScale):
        answers = tuple(Answer(k, str(v), q.options.get(k, "")) for k, v in scale.options.items())
    else:
        unit = f" {scale.unit}" if scale.unit else ""
        answers = ()
        extra.append(
            _("Answer: a number from {lo} to {hi}").format(lo=scale.min, hi=scale.max) + unit
        )
        if q.counts is not None:
            names = list(q.counts.inputs.items())
            inputs = "; ".join(f"{k}: {label}" for k, label in names)
            if q.counts.formula == "ratio":
                formula = f"{names[0][0]} / {names[1][0]}"
            else:
                formula = f"({names[0][0]} - {names[1][0]}) / {names[0][0]}"
            extra.append(
                _("or the counts ({inputs}); computed as {formula}, capped at 100%").format(
                    inputs=inputs, formula=formula
                )
            )
            if q.counts.if_zero is not None:
                extra.append(_("when the denominator is 0: {value}").format(value=q.counts.if_zero))
    return Item(q.id, q.text, q.detail, scale.name, answers, tuple(extra), status)


# --- Markdown ------------------------------------------------------------------------------


def guide_markdown(loaded: LoadedRules) -> str:
    """The guide as Markdown."""
    lines: list[str] = []
    for block in document(loaded):
        if isinstance(block, Heading):
            badge = f" [{display.status_label(block.status)}]" if block.status else ""
            lines += ["#" * block.level + " " + md(block.text) + badge, ""]
            if block.note:
                lines += ["> " + md(block.note), ""]
        elif isinstance(block, Para):
            lines += [md(block.text), ""]
        elif isinstance(block, Grid):
            lines.append("| " + " | ".join(md(h) for h in block.headers) + " |")
            lines.append("|" + "---|" * len(block.headers))
            lines.extend("| " + " | ".join(md(c) for c in row) + " |" for row in block.rows)
            lines.append("")
        else:
            badge = f" [{display.status_label(block.status)}]" if block.status != "verified" else ""
            lines.append(f"- **`{block.id}`** {md(block.text)}{badge}")
            if block.detail:
                lines.append(f"  _{md(block.detail)}_")
            lines.append(f"  - {md(block.scale)}")
            for a in block.answers:
                meaning = f": {md(a.meaning)}" if a.meaning else ""
                lines.append(f"    - **{md(a.label)}** ({a.value}){meaning}")
            lines.extend(f"    - {md(e)}" for e in block.extra)
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# --- HTML ----------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, sans-serif; font-size: 11pt; line-height: 1.4;
       max-width: 60em; margin: 2em auto; padding: 0 1em; color: #111; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #999; }
h3, h4, h5, h6 { margin: 1.2em 0 0.4em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
.status { font-size: 0.75em; font-weight: normal; padding: 0 0.4em; border-radius: 0.3em; }
.verified { background: #e3f4e3; } .inferred { background: #e3eef8; }
.provisional { background: #fff1c2; }
.note { color: #555; font-size: 0.9em; margin: 0 0 0.5em; }
.q { margin: 0.4em 0 0.8em; page-break-inside: avoid; }
.q .id { font-family: monospace; color: #444; }
.q ul { margin: 0.2em 0; } .detail { font-style: italic; }
nav ul { list-style: none; padding-left: 1em; margin: 0; } nav a { text-decoration: none; }
nav .qlink { font-family: monospace; font-size: 0.9em; }
@page { size: A4; margin: 18mm 15mm; }
@media print { body { margin: 0; max-width: none; font-size: 10pt; }
  h2, h3, h4, h5, h6 { page-break-after: avoid; } nav { page-break-after: always; }
  a { color: inherit; } }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _badge(status: str) -> str:
    cls = status if status in STATUS else ""
    shown = _e(display.status_label(status))
    return f' <span class="status {cls}">{shown}</span>' if status else ""


def _anchor(kind: str, ident: str) -> str:
    """An HTML id for a node (n-...) or a question (q-...): ids are dotted names."""
    return _e(f"{kind}-{ident}")


def _contents(blocks: list[Block]) -> str:
    """The table of contents: every part of the tree and every question, linked."""
    entries: list[str] = []
    for block in blocks:
        if isinstance(block, Heading) and block.anchor:
            pad = (block.level - 3) * 1.2
            entries.append(
                f'<li style="margin-left: {pad:.1f}em">'
                f'<a href="#{_anchor("n", block.anchor)}">{_e(block.text)}</a></li>'
            )
        elif isinstance(block, Item):
            entries.append(
                f'<li><a class="qlink" href="#{_anchor("q", block.id)}">{_e(block.id)}</a></li>'
            )
    title = _e(_("Contents"))
    return f"<nav>\n<h2>{title}</h2>\n<ul>{''.join(entries)}</ul>\n</nav>"


def guide_html(loaded: LoadedRules, lang: str = "id") -> str:
    """The guide as one standalone HTML page (inline CSS, no scripts, no external files)."""
    body: list[str] = []
    blocks = document(loaded)
    for block in blocks:
        if isinstance(block, Heading) and block.text == _("Questionnaire"):
            body.append(_contents(blocks))
        if isinstance(block, Heading):
            n = block.level
            anchor = f' id="{_anchor("n", block.anchor)}"' if block.anchor else ""
            body.append(f"<h{n}{anchor}>{_e(block.text)}{_badge(block.status)}</h{n}>")
            if block.note:
                body.append(f'<p class="note">{_e(block.note)}</p>')
        elif isinstance(block, Para):
            body.append(f"<p>{_e(block.text)}</p>")
        elif isinstance(block, Grid):
            head = "".join(f"<th>{_e(h)}</th>" for h in block.headers)
            rows = "".join(
                "<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in block.rows
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        else:
            badge = _badge(block.status) if block.status != "verified" else ""
            parts = [
                f'<div class="q" id="{_anchor("q", block.id)}">',
                f'<div><span class="id">{_e(block.id)}</span> {_e(block.text)}{badge}</div>',
            ]
            if block.detail:
                parts.append(f'<div class="detail">{_e(block.detail)}</div>')
            items = [
                f"<li><b>{_e(a.label)}</b> ({_e(a.value)})"
                + (f": {_e(a.meaning)}" if a.meaning else "")
                + "</li>"
                for a in block.answers
            ]
            items += [f"<li>{_e(e)}</li>" for e in block.extra]
            parts.append(f"<div>{_e(block.scale)}</div><ul>{''.join(items)}</ul></div>")
            body.append("".join(parts))
    title = _e(loaded.rules.title)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
