"""The rich terminal view of one result: headline, components, areas, what to improve."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from pmprb.analysis.engine import (
    ConditionResult,
    Gain,
    PredicateResult,
    Result,
    improvements,
    next_band,
    next_predicate,
    weak_areas,
)
from pmprb.base.escape import cells, line, terminal
from pmprb.base.i18n import _, ngettext
from pmprb.report.record import (
    headline_label,
    hidden_areas,
    percent,
    provisional_note,
    published_note,
    text,
)
from pmprb.report.text import adjustment_lines, weakest_parts

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


class Bar:
    """An attainment bar, 20 cells wide where there is room and as narrow as 5 where
    there is not (at 80 columns the names and numbers keep their width, the bar gives)."""

    def __init__(self, share: Fraction, width: int = 20) -> None:
        self.share = share
        self.width = width

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(5, self.width), self.width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, min(self.width, options.max_width))
        filled = round(float(self.share) * width)
        yield Text("█" * filled + "░" * (width - filled), style=share_style(self.share))


def bar(share: Fraction, width: int = 20) -> Bar:
    """An attainment bar."""
    return Bar(share, width)


def longest_word(texts: Iterable[str]) -> int:
    """The width of the longest word: a column this wide never cuts a word of its texts
    (rich wraps at spaces and cuts a word longer than the column)."""
    return max((len(word) for text in texts for word in text.split()), default=0)


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
    head.append(line(a.unit.name), style="bold")
    head.append(line(f" ({a.unit.code})"))
    if a.unit.instansi:
        head.append(line(f" · {a.unit.instansi}"))
    head.append(" · " + _("year {year}").format(year=a.year) + "\n")
    head.append(
        line(_("Rule set: {title}").format(title=rs.title) + f" [{rs.id} {rs.version}]"),
        style="dim",
    )
    for base in result.rules.lineage()[1:]:
        head.append(
            "\n"
            + line(
                _("overlay of {id} {version} (sha256 {sha})").format(
                    id=base.rules.id, version=base.rules.version, sha=base.sha256[:12]
                )
            ),
            style="dim",
        )
    parts.append(head)

    headline = Text()
    headline.append("\n" + headline_label(result).format(index=""))
    headline.append(f"{result.index}", style=band_style(result))
    if result.band is not None:
        headline.append("  ")
        headline.append(line(f"{result.band.id} ({result.band.name})"), style=band_style(result))
    parts.append(headline)
    node_names = {n.id: n.name for n in result.root.walk()}
    parts.extend(predicate_parts(result))
    caveat = provisional_note([n.name for n in result.provisional_nodes()])
    if caveat:
        parts.append(terminal(caveat, style="yellow"))

    levels = result.rules.rules.levels
    parts_name = " / ".join(levels[:2]) if len(levels) >= 2 else None
    comp = Table(title=parts_name or _("Components"), title_justify="left", show_edge=False)
    comp.add_column(parts_name or _("Component"))
    comp.add_column(_("Points"), justify="right")
    comp.add_column(_("Max"), justify="right")
    comp.add_column("%", justify="right")
    comp.add_column("")
    for top in result.root.children:
        if not top.known:  # under a published root: not computed
            comp.add_row(terminal(top.name, style="bold"), "?", f2(top.maximum), "?", "")
            continue
        comp.add_row(
            terminal(top.name, style="bold"),
            *cells(f2(top.points), f2(top.maximum), pct(top.share), bar(top.share)),
        )
        for sub in top.children if not top.published else ():
            label = "  " + sub.name + (" *" if sub.published else "")
            if sub.children or sub.published or sub.items:
                comp.add_row(
                    *cells(label, f2(sub.points), f2(sub.maximum), pct(sub.share), bar(sub.share))
                )
    parts.append(comp)
    for entry in adjustment_lines(result):
        parts.append(terminal(entry, style="yellow" if entry.startswith("  ") else "bold"))
    if any(n.published for n in result.root.walk()):
        parts.append(Text("* " + _("published score from the answer file"), style="dim"))

    weakest = weakest_by_level(result)
    if weakest is not None:
        parts.append(weakest)
    known = [ar for ar in result.areas if ar.maximum and ar.known]
    hidden = [ar.name for ar in result.areas if ar.maximum and not ar.known]
    if known:
        columns: list[str] = []
        for ar in known:
            for p in ar.parts:
                if p.component not in columns:
                    columns.append(p.component)
        areas = Table(title=_("Areas of change"), title_justify="left", show_edge=False)
        areas.add_column(_("Area"), min_width=longest_word(ar.name for ar in known))
        for c in columns:
            areas.add_column(terminal(node_names.get(c, c)), justify="right")
        areas.add_column(_("Total"), justify="right")
        areas.add_column("%", justify="right")
        areas.add_column("")
        for ar in known:
            by = {p.component: p for p in ar.parts}
            shown = [f"{f2(by[c].points)}/{f2(by[c].maximum)}" if c in by else "-" for c in columns]
            areas.add_row(*cells(ar.name, *shown, f2(ar.points), pct(ar.share), bar(ar.share)))
        parts.append(areas)
    if hidden:
        parts.append(terminal(hidden_areas(hidden), style="dim"))
    hides = published_note(result)
    if hides:
        parts.append(terminal(hides, style="dim"))
    if known:
        weak = weak_areas(result)
        text = Text(_("Weakest areas") + ": ", style="bold")
        text.append(
            line(
                "; ".join(
                    _("{name} {share} ({lost} points lost)").format(
                        name=w.name, share=pct(w.share), lost=f2(w.maximum - w.points)
                    )
                    for w in weak
                )
            )
        )
        parts.append(text)

    nxt = next_band(result)
    if nxt is not None:
        parts.append(
            terminal(
                _("{points} more points reach {band} ({name}).").format(
                    points=nxt[1], band=nxt[0].id, name=nxt[0].name
                )
            )
        )

    gains = improvements(result, improvement_limit)
    if gains:
        parts.append(Fit(lambda width: improvement_table(result, gains, width)))

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


class Fit:
    """A renderable built for the width it gets (a table that must fit 80 columns)."""

    def __init__(self, build: Callable[[int], RenderableType]) -> None:
        self.build = build

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.build(options.max_width)


def improvement_table(result: Result, gains: list[Gain], width: int) -> Table:
    """Ruang perbaikan: the question id whole (its column as wide as the longest id, the
    question's text wrapped under it), then the indicator where there is room for it."""
    node_names = {n.id: n.name for n in result.root.walk()}
    answers = [g.item.answer.display if g.item.answer else _("(none)") for g in gains]
    id_width = max(len(g.item.id) for g in gains)
    answer_width = max(len(_("Answer")), *(len(a) for a in answers))
    gain_width = len("+" + _("Points"))
    # 3 cells of padding and border per column, 1 at the table's outer edges
    room = width - id_width - answer_width - gain_width - 3 * 4 + 2
    indicators = [node_names.get(g.node.id, g.node.id) for g in gains]
    show_indicator = room >= max(10, longest_word(indicators))
    imp = Table(title=_("Room for improvement"), title_justify="left", show_edge=False)
    imp.add_column(_("Question"), min_width=id_width)
    if show_indicator:
        imp.add_column(_("Indicator"), max_width=room)
    imp.add_column(_("Answer"), no_wrap=True)
    imp.add_column("+" + _("Points"), justify="right", no_wrap=True)
    for g, answer, indicator in zip(gains, answers, indicators, strict=True):
        shown = Text(line(answer), style="" if g.item.answer else "red")
        question = terminal(g.item.id, style="cyan")
        question.append("\n")
        question.append_text(terminal(g.item.text))
        imp.add_row(
            question,
            *cells(*((indicator,) if show_indicator else ()), shown, f2(g.gain)),
        )
    return imp


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
    head = Text(_("Predicate") + ": ", style="bold")
    if reached is not None:
        head.append(line(f"{reached.id} ({reached.name})"), style="bold green")
    else:
        head.append(_("none reached"), style="bold red")
    parts: list[RenderableType] = [head]
    parts.append(condition_table(result, upcoming))
    held = held_line(result, upcoming)
    if held is not None:
        parts.append(Text(held, style="yellow" if not upcoming.held_ok else ""))
    failing = [c for c in upcoming.conditions if not c.met]
    if failing and upcoming is not reached:
        parts.append(
            terminal(
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
    table = Table(title=terminal(title), title_justify="left", show_edge=False)
    table.add_column(_("Condition"))
    table.add_column(_("Value"), justify="right")
    table.add_column(_("Minimum"), justify="right")
    table.add_column(_("Gap"), justify="right")
    table.add_column("")
    for cond in pred.conditions:
        if not cond.known:  # hidden by a published score: cannot be shown to hold
            table.add_row(
                *cells(
                    condition_label(cond, areas),
                    Text("?", style="yellow"),
                    condition_value(cond, cond.threshold),
                    "?",
                    Text("?", style="yellow"),
                )
            )
            continue
        gap = condition_value(cond, cond.gap) if not cond.met else "-"
        mark = Text("✓", style="green") if cond.met else Text("✗", style="red")
        table.add_row(
            *cells(
                condition_label(cond, areas),
                Text(condition_value(cond, cond.value), style="green" if cond.met else "red"),
                condition_value(cond, cond.threshold),
                gap,
                mark,
            )
        )
    return table
