"""Renderers of a batch (the city's rekap): plain record, JSON, CSV, Markdown, rich table."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from fractions import Fraction
from typing import Any

from rich.console import Group as RichGroup
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from pmprb.analysis.batch import Batch, Group, Ranked, Ratio, Stat
from pmprb.base.escape import cells, json_text, line, terminal
from pmprb.base.escape import markdown as md
from pmprb.base.i18n import _, ngettext
from pmprb.report.csvout import CsvLocale, write_csv
from pmprb.report.record import num, provisional_note, rules_provisional, rules_record
from pmprb.report.table import bar, longest_word, pct, share_style

_PALETTE = ("bright_green", "green", "green_yellow", "yellow", "dark_orange", "red", "red")


def share(ratio: Ratio | None) -> float | None:
    """A share rounded half up to 4 decimals, exactly as report.record.num does."""
    if ratio is None:
        return None
    n, d = ratio
    return ((2 * n * 10_000 + d) // (2 * d)) / 10_000


def _stat(value: Fraction | None) -> float | None:
    return num(value) if value is not None else None


def group_label(group: Group) -> str:
    """`rule-set-id version, year`: how a group is named in every format."""
    rs = group.rules.rules
    return f"{rs.id} {rs.version}, {group.year}"


def group_caveat(group: Group) -> str | None:
    """The provisional-weights caveat of a group's rule set (each group says its own)."""
    return provisional_note([n.name for n in rules_provisional(group.rules)])


def unit_record(ranked: Ranked, group: Group, detail: bool = False) -> dict[str, Any]:
    """One unit of the ranking as plain data."""
    u = ranked.unit
    out: dict[str, Any] = {
        "rank": ranked.rank,
        "file": u.path,
        "unit": {"name": u.name, "code": u.code, "instansi": u.instansi},
        "index": float(u.index),
        "category": u.category,
        "predicate": u.predicate,
        "weakest_area": u.weak[0] if u.weak else None,
        "weak_areas": list(u.weak),
        "questions": u.questions,
        "answered": u.answered,
        "unanswered": u.unanswered,
        "published": u.published,
        # the shared-values file applied and the ids answered from it (pmprb.model.common)
        **({"common": u.common, "shared": list(u.shared)} if u.common is not None else {}),
        "components": {
            cid: share(r)
            for (cid, _n, _d), r in zip(group.layout.components, u.components, strict=True)
        },
        "areas": {aid: share(r) for (aid, _n), r in zip(group.layout.areas, u.areas, strict=True)},
    }
    if detail:
        # evidence as a list, as in `score -f json` (the rows hold it joined with "; ")
        out["items"] = [
            {**row._asdict(), "evidence": row.evidence.split("; ") if row.evidence else []}
            for row in u.detail
        ]
    return out


def _stat_record(s: Stat) -> dict[str, Any]:
    return {
        "id": s.id,
        "name": s.name,
        "mean": _stat(s.mean),
        "min": _stat(s.low),
        "max": _stat(s.high),
        "units": s.units,
    }


def record(batch: Batch, detail: bool = False, lazy: bool = False) -> dict[str, Any]:
    """The whole batch as plain data with a fixed key order: the source of every format.

    With lazy=True the rankings and `not_scored` are iterators that build each unit's
    record when it is reached (for iter_json); otherwise lists.
    """

    def seq(items: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        return items if lazy else list(items)

    def ranking(g: Group) -> Iterable[dict[str, Any]]:
        return seq(unit_record(r, g, detail) for r in g.ranking)  # g bound now, not later

    return {
        "files": batch.files,
        "scored": batch.scored,
        "groups": [
            {
                "rules": rules_record(g.rules),
                "year": g.year,
                "units": len(g.ranking),
                "provisional": [n.id for n in rules_provisional(g.rules)],
                "provisional_note": group_caveat(g),
                "ranking": ranking(g),
                "distribution": [
                    {"id": cid, "name": name, "units": n} for cid, name, n in g.distribution
                ],
                "profile": {
                    "components": [_stat_record(s) for s in g.components],
                    "areas": [_stat_record(s) for s in g.areas],
                },
                "weak_areas": [
                    {**_stat_record(w.stat), "weak_units": w.weak_units} for w in g.weak
                ],
            }
            for g in batch.groups
        ],
        "not_scored": seq(
            {
                "file": f.path,
                "problems": [p.record() for p in f.problems],
            }
            for f in batch.failures
        ),
    }


def _dump(value: Any) -> str:
    # escape.json_text: the same escaping as escape.json_dumps, piece by piece
    return json_text(json.dumps(value, ensure_ascii=False, indent=2))


def _pieces(value: Any, level: int) -> Iterator[str]:
    """`_dump(value)` at nesting `level`, in pieces: the containers are walked, and each
    item of an iterator (one unit's record) is dumped on its own, so the whole text never
    has to be held."""
    inner = "\n" + "  " * (level + 1)
    if isinstance(value, dict):
        if not value:
            yield "{}"
            return
        sep = "{" + inner
        for key, item in value.items():
            yield sep + _dump(key) + ": "
            yield from _pieces(item, level + 1)
            sep = "," + inner
        yield "\n" + "  " * level + "}"
    elif isinstance(value, list | Iterator):
        sep = "[" + inner
        for item in value:
            if isinstance(value, list):
                yield sep
                yield from _pieces(item, level + 1)
            else:
                yield sep + _dump(item).replace("\n", inner)
            sep = "," + inner
        yield "[]" if sep.startswith("[") else "\n" + "  " * level + "]"
    else:
        yield _dump(value)


def iter_json(batch: Batch, detail: bool = False) -> Iterator[str]:
    """to_json's text in pieces of about one unit each, for writing as it is made: memory
    then holds the summaries, never the whole record or text (~1-2 KB a unit, more with
    --detail)."""
    yield from _pieces(record(batch, detail, lazy=True), 0)
    yield "\n"


def to_json(batch: Batch, detail: bool = False) -> str:
    """One byte-stable JSON object."""
    return "".join(iter_json(batch, detail))


UNIT_COLUMNS = (
    "rules",
    "rules_version",
    "year",
    "rank",
    "file",
    "unit_code",
    "unit_name",
    "instansi",
    "index",
    "category",
    "predicate",
    "weakest_area",
    "questions",
    "answered",
    "unanswered",
    "published",
)
DETAIL_COLUMNS = (
    "rules",
    "year",
    "file",
    "unit_code",
    "unit_name",
    "question",
    "indicator",
    "answer",
    "value",
    "points",
    "max",
    "evidence",
    "note",
    "shared",
)


def share_columns(batch: Batch) -> tuple[list[str], list[str]]:
    """Component and area ids over every group, in order of first appearance."""
    components: list[str] = []
    areas: list[str] = []
    for g in batch.groups:
        components += [c for c, _n, _d in g.layout.components if c not in components]
        areas += [a for a, _n in g.layout.areas if a not in areas]
    return components, areas


def unit_rows(batch: Batch) -> list[list[Any]]:
    """One row per ranked unit under UNIT_COLUMNS + component.* + area.* (raw values)."""
    comp_ids, area_ids = share_columns(batch)
    rows: list[list[Any]] = []
    for g in batch.groups:
        rs = g.rules.rules
        comp_pos = {c: j for j, (c, _n, _d) in enumerate(g.layout.components)}
        area_pos = {a: j for j, (a, _n) in enumerate(g.layout.areas)}
        for r in g.ranking:
            u = r.unit
            rows.append(
                [
                    rs.id,
                    rs.version,
                    g.year,
                    r.rank,
                    u.path,
                    u.code,
                    u.name,
                    u.instansi,
                    float(u.index),
                    u.category or "",
                    u.predicate or "",
                    u.weak[0] if u.weak else "",
                    u.questions,
                    u.answered,
                    u.unanswered,
                    u.published,
                ]
                + [share(u.components[comp_pos[c]]) if c in comp_pos else None for c in comp_ids]
                + [share(u.areas[area_pos[a]]) if a in area_pos else None for a in area_ids]
            )
    return rows


def detail_rows(batch: Batch) -> list[list[Any]]:
    """One row per unit and question under DETAIL_COLUMNS (raw values)."""
    rows: list[list[Any]] = []
    for g in batch.groups:
        for r in g.ranking:
            u = r.unit
            for d in u.detail:
                rows.append([g.rules.rules.id, g.year, u.path, u.code, u.name, *d])
    return rows


def to_csv(batch: Batch, detail: bool = False, locale: CsvLocale = CsvLocale.c) -> str:
    """One row per unit (stable column names), or with detail one row per unit and question
    (see report.csvout for quoting, formula neutralisation and the dialect)."""
    if detail:
        return write_csv(DETAIL_COLUMNS, detail_rows(batch), locale)
    comp_ids, area_ids = share_columns(batch)
    header = [
        *UNIT_COLUMNS,
        *(f"component.{c}" for c in comp_ids),
        *(f"area.{a}" for a in area_ids),
    ]
    return write_csv(header, unit_rows(batch), locale)


def _p(value: Fraction | None) -> str:
    return pct(value) if value is not None else "-"


def _index(r: Ranked) -> str:
    return f"{r.unit.index}" + ("*" if r.unit.published else "")


def _unanswered(r: Ranked) -> str:
    # a file with published scores only has no question that counts: nothing to answer
    return str(r.unit.unanswered) if r.unit.questions else "-"


def _weakest(r: Ranked, group: Group) -> str:
    if _by_level(group):  # no areas: the unit's weakest node of the second level
        second = [
            (ratio[0] / ratio[1], name)
            for (_id, name, depth), ratio in zip(
                group.layout.components, r.unit.components, strict=True
            )
            if depth == 2 and ratio is not None and ratio[1]
        ]
        return min(second)[1] if second else "-"
    names = dict(group.layout.areas)
    return names.get(r.unit.weak[0], r.unit.weak[0]) if r.unit.weak else "-"


def _by_level(group: Group) -> bool:
    """A rule set that names its levels and has no areas: its parts are named by level."""
    rs = group.rules.rules
    return len(rs.levels) >= 2 and not rs.areas


def _weakest_title(group: Group) -> str:
    if _by_level(group):
        return _("Weakest {level}").format(level=group.rules.rules.levels[1])
    return _("Weakest area")


def _component_title(group: Group) -> str:
    levels = group.rules.rules.levels
    return " / ".join(levels[:2]) if len(levels) >= 2 else _("Component")


def to_markdown(batch: Batch) -> str:
    """A Markdown rekap: per group the ranking, distribution, profile and weak areas."""
    lines: list[str] = ["# " + _("Batch rekap"), ""]
    if len(batch.groups) > 1:
        lines += [md(_mixed_note(batch)), ""]
    for g in batch.groups:
        lines += [
            "## "
            + md(g.rules.rules.title)
            + f" (`{g.rules.rules.id}` {md(g.rules.rules.version)}), "
            + _("year {year}").format(year=g.year),
            "",
            *([f"> {md(caveat)}", ""] if (caveat := group_caveat(g)) else []),
            "| # | "
            + " | ".join(
                (
                    _("Unit"),
                    _("Code"),
                    _("Index"),
                    _("Category"),
                    _weakest_title(g),
                    _("Unanswered"),
                )
            )
            + " |",
            "|---:|---|---|---:|---|---|---:|",
        ]
        for r in g.ranking:
            u = r.unit
            lines.append(
                f"| {r.rank} | {md(u.name)} | {md(u.code)} | {_index(r)} | "
                f"{md(u.category or '-')} | {md(_weakest(r, g))} | {_unanswered(r)} |"
            )
        if any(r.unit.published for r in g.ranking):
            lines += ["", "\\* " + _("published score from the answer file")]
        lines += [
            "",
            "| " + _("Category") + " | " + _("Units") + " |",
            "|---|---:|",
        ]
        lines += [f"| {md(cid)} ({md(name)}) | {n} |" for cid, name, n in g.distribution]
        lines += [
            "",
            "| "
            + " | ".join((_("Component / area"), _("Mean"), _("Min"), _("Max"), _("Units")))
            + " |",
            "|---|---:|---:|---:|---:|",
        ]
        for s in (*g.components, *g.areas):
            indent = "&nbsp;&nbsp;" if s.depth == 2 else ""
            lines.append(
                f"| {indent}{md(s.name)} | {_p(s.mean)} | {_p(s.low)} | {_p(s.high)} | {s.units} |"
            )
        if g.weak:
            lines += ["", "**" + _("City-wide weak areas") + "**", ""]
            lines += [f"- {md(_weak_line(w.stat, w.weak_units, len(g.ranking)))}" for w in g.weak]
        lines.append("")
    if batch.failures:
        lines += ["## " + _("Not scored"), ""]
        lines += [f"- {md(f.path)}: {md(_first(f.problems))}" for f in batch.failures]
        lines.append("")
    lines += [_totals(batch), ""]
    lines += [x for n in shared_notes(batch) for x in (md(n), "")]
    return "\n".join(lines)


def _first(problems: Any) -> str:
    first = problems[0]
    more = len(problems) - 1
    text = f"{first.location()}: {first.code}: {first.message}"
    if more:
        text += " " + ngettext("(+{n} more problem)", "(+{n} more problems)", more).format(n=more)
    return str(text)


def _weak_line(s: Stat, weak_units: int, units: int) -> str:
    return _(
        "{name}: mean {mean} (min {low}); among the 3 weakest areas of {n} of {total} units"
    ).format(name=s.name, mean=_p(s.mean), low=_p(s.low), n=weak_units, total=units)


def _mixed_note(batch: Batch) -> str:
    groups = "; ".join(group_label(g) for g in batch.groups)
    return _(
        "These files span {n} rule sets or years ({groups}): each has its own rekap, never merged."
    ).format(n=len(batch.groups), groups=groups)


def mixed_note(batch: Batch) -> str | None:
    """The note said when a batch holds several (rule set, year) groups, else None."""
    return _mixed_note(batch) if len(batch.groups) > 1 else None


def _totals(batch: Batch) -> str:
    return ngettext(
        "{scored} of {files} file scored.", "{scored} of {files} files scored.", batch.files
    ).format(scored=batch.scored, files=batch.files)


def _category_cells(group: Group) -> list[str]:
    return [f"{r.unit.category} ({r.unit.predicate})" for r in group.ranking if r.unit.category]


def _category_style(group: Group, category: str | None) -> str:
    ids = [cid for cid, _n in group.layout.categories]
    if category not in ids:
        return "bold"
    pos = ids.index(category) / max(len(ids) - 1, 1)
    return "bold " + _PALETTE[round(pos * (len(_PALETTE) - 1))]


def render(batch: Batch) -> RenderableType:
    """Everything `pmprb batch` shows in a terminal."""
    parts: list[RenderableType] = []
    note = mixed_note(batch)
    if note:
        parts.append(terminal(note, style="yellow"))
    for g in batch.groups:
        rs = g.rules.rules
        head = Text("\n")
        head.append(line(rs.title), style="bold")
        head.append(line(f" [{rs.id} {rs.version}] · ") + _("year {year}").format(year=g.year))
        head.append(
            " · " + ngettext("{n} unit", "{n} units", len(g.ranking)).format(n=len(g.ranking))
        )
        parts.append(head)
        caveat = group_caveat(g)
        if caveat:
            parts.append(terminal(caveat, style="yellow"))

        ranking = Table(title=_("Ranking"), title_justify="left", show_edge=False)
        # compact at 80 columns: numbers as narrow as they are, names never cut mid-word
        weakest = [_weakest(r, g) for r in g.ranking]
        ranking.add_column("#", justify="right", no_wrap=True)
        ranking.add_column(_("Unit"), min_width=longest_word(r.unit.name for r in g.ranking))
        ranking.add_column(_("Code"), no_wrap=True)
        ranking.add_column(_("Index"), justify="right", no_wrap=True)
        ranking.add_column(_("Category"), min_width=longest_word(_category_cells(g)))
        ranking.add_column(_weakest_title(g), min_width=longest_word(weakest))
        ranking.add_column(_("Unanswered"), justify="right")
        for r in g.ranking:
            u = r.unit
            style = _category_style(g, u.category)
            ranking.add_row(
                *cells(
                    str(r.rank),
                    u.name,
                    u.code,
                    Text(_index(r), style=style),
                    terminal(f"{u.category} ({u.predicate})" if u.category else "-", style=style),
                    _weakest(r, g),
                    Text(_unanswered(r), style="red" if u.unanswered else "green"),
                )
            )
        parts.append(ranking)
        if any(r.unit.published for r in g.ranking):
            parts.append(Text("* " + _("published score from the answer file"), style="dim"))

        dist = Table(title=_("Distribution"), title_justify="left", show_edge=False)
        dist.add_column(_("Category"))
        dist.add_column(_("Units"), justify="right")
        dist.add_column("")
        most = max((n for _c, _n, n in g.distribution), default=0) or 1
        for cid, name, n in g.distribution:
            style = _category_style(g, cid)
            dist.add_row(
                terminal(f"{cid} ({name})", style=style),
                *cells(str(n), Text("█" * round(20 * n / most), style=style.replace("bold ", ""))),
            )
        parts.append(dist)

        levels = _component_title(g) if g.rules.rules.levels else None
        for title, stats in (
            (
                _("Profile: {parts}").format(parts=levels) if levels else _("Profile: components"),
                g.components,
            ),
            (_("Profile: areas"), g.areas),
        ):
            if not stats:
                continue
            profile = Table(title=title, title_justify="left", show_edge=False)
            profile.add_column(_component_title(g) if stats is g.components else _("Area"))
            for col in (_("Mean"), _("Min"), _("Max"), _("Units")):
                profile.add_column(col, justify="right")
            profile.add_column("")
            for s in stats:
                label = (
                    terminal(s.name, style="bold")
                    if s.depth == 1
                    else terminal(("  " if s.depth == 2 else "") + s.name)
                )
                profile.add_row(label, *cells(*_stat_cells(s)))
            parts.append(profile)

        if g.weak:
            weak = Table(title=_("City-wide weak areas"), title_justify="left", show_edge=False)
            weak.add_column(_("Area"))
            weak.add_column(_("Mean"), justify="right")
            weak.add_column(_("Min"), justify="right")
            weak.add_column(_("Weak in"), justify="right")
            for w in g.weak:
                weak.add_row(
                    terminal(w.stat.name, style="bold"),
                    *cells(
                        _p(w.stat.mean),
                        _p(w.stat.low),
                        _("{n} of {total} units").format(n=w.weak_units, total=len(g.ranking)),
                    ),
                )
            parts.append(weak)
            parts.append(
                Text(_("Weak in: units that have the area among their 3 weakest."), style="dim")
            )
    if batch.failures:
        failed = Table(title=_("Not scored"), title_justify="left", show_edge=False)
        failed.add_column(_("File"))
        failed.add_column(_("Problem"))
        for f in batch.failures:
            failed.add_row(terminal(f.path), terminal(_first(f.problems), style="red"))
        parts.append(Text(""))
        parts.append(failed)
    parts.append(Text("\n" + _totals(batch)))
    parts.extend(terminal(n, style="dim") for n in shared_notes(batch))
    return RichGroup(*parts)


def shared_notes(batch: Batch) -> list[str]:
    """One line per shared-values file applied: the ids it gave and to how many units."""
    used: dict[str, tuple[set[str], int]] = {}
    for g in batch.groups:
        for r in g.ranking:
            u = r.unit
            if u.common is not None:
                ids, n = used.get(u.common, (set(), 0))
                used[u.common] = (ids | set(u.shared), n + 1)
    return [
        ngettext(
            "From the shared file {file}: {ids} ({n} unit)",
            "From the shared file {file}: {ids} ({n} units)",
            n,
        ).format(file=path, ids=", ".join(sorted(ids)) or "-", n=n)
        for path, (ids, n) in sorted(used.items())
    ]


def _stat_cells(s: Stat) -> list[RenderableType]:
    cells: list[RenderableType] = [
        Text(_p(s.mean), style=share_style(s.mean) if s.mean is not None else ""),
        _p(s.low),
        _p(s.high),
        str(s.units),
        bar(s.mean) if s.mean is not None else "",
    ]
    return cells
