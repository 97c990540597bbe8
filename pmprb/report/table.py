"""The rich terminal view of one result: headline, components, areas, what to improve."""

from __future__ import annotations

from fractions import Fraction

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..engine import (
    ConditionResult,
    PredicateResult,
    Result,
    improvements,
    next_band,
    next_predicate,
    weak_areas,
)
from ..i18n import _, ngettext
from .record import percent, text
from .text import adjustment_lines, weakest_parts

_PALETTE = ("red", "dark_orange", "yellow", "green_yellow", "green", "bright_green", "cyan")


def band_style(result: Result) -> str:
    """A colour for the category: red at the bottom band, green towards the top."""
    bands = result.rules.rules.bands
    if result.band is None or not bands:
        return "bold"
    pos = bands.index(result.band) / max(len(bands) - 1, 1)
    return "bold " + _PALETTE[round(pos * (len(_PALETTE) - 1))]


def share_style(share: Fraction) -> str:
    """Red below 50 %, yellow below 75 %, green above."""
    return "red" if share < Fraction(1, 2) else "yellow" if share < Fraction(3, 4) else "green"


def bar(share: Fraction, width: int = 20) -> Text:
    """An attainment bar."""
    filled = round(float(share) * width)
    return Text("█" * filled + "░" * (width - filled), style=share_style(share))


def f2(value: Fraction) -> str:
    """Two decimals for display, rounded half up on the exact value."""
    return text(value, 2)


def pct(share: Fraction) -> str:
    """A share as a percentage."""
    return percent(share, 1)


def render(result: Result, improvement_limit: int = 10) -> RenderableType:
    """Everything `pmprb score` shows in a terminal."""
    a = result.assessment
    rs = result.rules.rules
    parts: list[RenderableType] = []
    head = Text()
    head.append(f"{a.unit.name}", style="bold")
    head.append(f" ({a.unit.code})")
    if a.unit.instansi:
        head.append(f" · {a.unit.instansi}")
    head.append(" · " + _("year {year}").format(year=a.year) + "\n")
    head.append(
        _("Rule set: {title}").format(title=rs.title) + f" [{rs.id} {rs.version}]", style="dim"
    )
    for base in result.rules.lineage()[1:]:
        head.append(
            "\n"
            + _("overlay of {id} {version} (sha256 {sha})").format(
                id=base.rules.id, version=base.rules.version, sha=base.sha256[:12]
            ),
            style="dim",
        )
    parts.append(head)

    headline = Text()
    headline.append("\n" + _("Index: {index}").format(index=""))
    headline.append(f"{result.index}", style=band_style(result))
    if result.band is not None:
        headline.append("  ")
        headline.append(f"{result.band.id} ({result.band.name})", style=band_style(result))
    parts.append(headline)
    node_names = {n.id: n.name for n in result.root.walk()}
    parts.extend(predicate_parts(result))
    provisional = result.provisional_nodes()
    if provisional:
        listed = ", ".join(n.name for n in provisional)
        parts.append(
            Text(
                _("Note: this result depends on provisional weights ({names}).").format(
                    names=listed
                ),
                style="yellow",
            )
        )

    levels = result.rules.rules.levels
    parts_name = " / ".join(levels[:2]) if len(levels) >= 2 else None
    comp = Table(title=parts_name or _("Components"), title_justify="left", show_edge=False)
    comp.add_column(parts_name or _("Component"))
    comp.add_column(_("Points"), justify="right")
    comp.add_column(_("Max"), justify="right")
    comp.add_column("%", justify="right")
    comp.add_column("")
    for top in result.root.children:
        comp.add_row(
            Text(top.name, style="bold"),
            f2(top.points),
            f2(top.maximum),
            pct(top.share),
            bar(top.share),
        )
        for sub in top.children if not top.published else ():
            label = "  " + sub.name + (" *" if sub.published else "")
            if sub.children or sub.published or sub.items:
                comp.add_row(label, f2(sub.points), f2(sub.maximum), pct(sub.share), bar(sub.share))
    parts.append(comp)
    for line in adjustment_lines(result):
        parts.append(Text(line, style="yellow" if line.startswith("  ") else "bold"))
    if any(n.published for n in result.root.walk()):
        parts.append(Text("* " + _("published score from the answer file"), style="dim"))

    weakest = weakest_by_level(result)
    if weakest is not None:
        parts.append(weakest)
    known = [ar for ar in result.areas if ar.maximum]
    if known:
        columns: list[str] = []
        for ar in known:
            for p in ar.parts:
                if p.component not in columns:
                    columns.append(p.component)
        areas = Table(title=_("Areas of change"), title_justify="left", show_edge=False)
        areas.add_column(_("Area"))
        for c in columns:
            areas.add_column(node_names.get(c, c), justify="right")
        areas.add_column(_("Total"), justify="right")
        areas.add_column("%", justify="right")
        areas.add_column("")
        for ar in known:
            by = {p.component: p for p in ar.parts}
            cells = [f"{f2(by[c].points)}/{f2(by[c].maximum)}" if c in by else "-" for c in columns]
            areas.add_row(ar.name, *cells, f2(ar.points), pct(ar.share), bar(ar.share))
        parts.append(areas)
        weak = weak_areas(result)
        text = Text(_("Weakest areas") + ": ", style="bold")
        text.append(
            "; ".join(
                _("{name} {share} ({lost} points lost)").format(
                    name=w.name, share=pct(w.share), lost=f2(w.maximum - w.points)
                )
                for w in weak
            )
        )
        parts.append(text)

    nxt = next_band(result)
    if nxt is not None:
        parts.append(
            Text(
                _("{points} more points reach {band} ({name}).").format(
                    points=nxt[1], band=nxt[0].id, name=nxt[0].name
                )
            )
        )

    gains = improvements(result, improvement_limit)
    if gains:
        imp = Table(title=_("Room for improvement"), title_justify="left", show_edge=False)
        imp.add_column(_("Question"))
        imp.add_column(_("Indicator"))
        imp.add_column(_("Answer"))
        imp.add_column("+" + _("Points"), justify="right")
        for g in gains:
            imp.add_row(
                Text(g.item.id, style="cyan") + Text(" " + g.item.text),
                node_names.get(g.node.id, g.node.id),
                g.item.answer.display if g.item.answer else Text(_("(none)"), style="red"),
                f2(g.gain),
            )
        parts.append(imp)

    if result.questions:
        parts.append(
            Text(
                ngettext(
                    "{n} of {total} question unanswered (coverage {cov}).",
                    "{n} of {total} questions unanswered (coverage {cov}).",
                    result.unanswered,
                ).format(
                    n=result.unanswered,
                    total=result.questions,
                    cov=pct(Fraction(result.answered, result.questions)),
                ),
                style="red" if result.unanswered else "green",
            )
        )
    return Group(*parts)


def condition_value(cond: ConditionResult, value: Fraction) -> str:
    """A condition's value or threshold as shown: points with 2 decimals, shares as %."""
    return percent(value, 2) if cond.is_share else text(value, 2)


def condition_label(cond: ConditionResult, areas: dict[str, str]) -> str:
    """The condition's name, with the area it was applied to for an `each_area` condition."""
    return f"{cond.name}: {areas[cond.target]}" if cond.target in areas else cond.name


def predicate_parts(result: Result) -> list[RenderableType]:
    """The predicate reached (or none) and every condition of the next one, with its gap."""
    upcoming = next_predicate(result)
    if upcoming is None:
        return []
    reached = result.reached
    line = Text(_("Predicate") + ": ", style="bold")
    if reached is not None:
        line.append(f"{reached.id} ({reached.name})", style="bold green")
    else:
        line.append(_("none reached"), style="bold red")
    parts: list[RenderableType] = [line]
    parts.append(condition_table(result, upcoming))
    held = held_line(result, upcoming)
    if held is not None:
        parts.append(Text(held, style="yellow" if not upcoming.held_ok else ""))
    failing = [c for c in upcoming.conditions if not c.met]
    if failing and upcoming is not reached:
        parts.append(
            Text(
                ngettext(
                    "{n} condition of {id} is not met.",
                    "{n} conditions of {id} are not met.",
                    len(failing),
                ).format(n=len(failing), id=upcoming.id),
                style="yellow",
            )
        )
    return parts


def weakest_by_level(result: Result, limit: int = 3) -> Text | None:
    """A rule set that names its levels and has no areas: its weakest nodes of the third
    level (SURABE's sub-aspek), with their attainment and the points lost."""
    found = weakest_parts(result, limit)
    if found is None:
        return None
    label, nodes = found
    text = Text(label + ": ", style="bold")
    text.append(
        "; ".join(
            _("{name} {share} ({lost} points lost)").format(
                name=n.name, share=pct(n.share), lost=f2(n.maximum - n.points)
            )
            for n in nodes
        )
    )
    return text


def held_line(result: Result, pred: PredicateResult) -> str | None:
    """What `requires_held` says for one predicate: the predicate it needs, what the answer
    file records and, when every threshold is met without it, the result and the reason."""
    if pred.requires is None:
        return None
    held = result.assessment.held
    recorded = (
        _("recorded: {held} since {since}").format(held=held.predicate, since=held.since)
        if held is not None
        else _("not recorded in the answer file (`held`)")
    )
    line = _("{id} requires the {need} predicate already held: {recorded}.").format(
        id=pred.id, need=pred.requires, recorded=recorded
    )
    if pred.blocked:
        reached = result.reached
        line += " " + _(
            "Every threshold of {id} is met, but without {need} held first the result is {result}."
        ).format(
            id=pred.id, need=pred.requires, result=reached.id if reached else _("none reached")
        )
    return line


def condition_table(result: Result, pred: PredicateResult) -> Table:
    """Every condition of one predicate: value, threshold, gap and whether it holds."""
    areas = {a.id: a.name for a in result.areas}
    title = (
        _("Conditions of {id} ({name}): all met").format(id=pred.id, name=pred.name)
        if pred.met
        else _("Conditions for {id} ({name})").format(id=pred.id, name=pred.name)
    )
    table = Table(title=title, title_justify="left", show_edge=False)
    table.add_column(_("Condition"))
    table.add_column(_("Value"), justify="right")
    table.add_column(_("Minimum"), justify="right")
    table.add_column(_("Gap"), justify="right")
    table.add_column("")
    for cond in pred.conditions:
        if not cond.known:  # hidden by a published score: cannot be shown to hold
            table.add_row(
                condition_label(cond, areas),
                Text("?", style="yellow"),
                condition_value(cond, cond.threshold),
                "?",
                Text("?", style="yellow"),
            )
            continue
        gap = condition_value(cond, cond.gap) if not cond.met else "-"
        mark = Text("✓", style="green") if cond.met else Text("✗", style="red")
        table.add_row(
            condition_label(cond, areas),
            Text(condition_value(cond, cond.value), style="green" if cond.met else "red"),
            condition_value(cond, cond.threshold),
            gap,
            mark,
        )
    return table
