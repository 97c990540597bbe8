"""Renderers of `pmprb batch NEW --compare OLD...`: byte-stable JSON, CSV, Markdown and
rich tables (the workbook's trend sheet is in report.xlsx, from `trend_rows`).

Every format shows each pair (NEW against each earlier batch, in the order given); with
several earlier batches the table, Markdown and JSON add the multi-year view
(trend.history: each unit's index year by year, oldest first). CSV is one long table of
every pair: a program pivots it as it needs.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table

from pmprb.analysis.trend import History, Trend
from pmprb.base.escape import cells, json_dumps, terminal
from pmprb.base.escape import markdown as md
from pmprb.base.i18n import _
from pmprb.report.csvout import CsvLocale, write_csv
from pmprb.report.record import num, percent, text


def trend_record(t: Trend) -> dict[str, Any]:
    """A trend as plain data with a fixed key order."""
    return {
        "old_years": list(t.old_years),
        "new_years": list(t.new_years),
        "units": [
            {
                "code": u.code,
                "name": u.name,
                "old_index": float(u.old_index),
                "new_index": float(u.new_index),
                "delta": float(u.delta),
                "old_category": u.old_category,
                "new_category": u.new_category,
                "category_moved": u.moved,
                "old_rank": u.old_rank,
                "new_rank": u.new_rank,
            }
            for u in t.units
        ],
        "only_old": [{"code": c, "name": n} for c, n in t.only_old],
        "only_new": [{"code": c, "name": n} for c, n in t.only_new],
        "distribution": {
            "old": [{"category": c, "units": n} for c, n in t.old_distribution],
            "new": [{"category": c, "units": n} for c, n in t.new_distribution],
        },
        "areas": [
            {
                "id": a.id,
                "name": a.name,
                "old_mean": num(a.old_mean),
                "new_mean": num(a.new_mean),
                "delta": num(a.delta),
            }
            for a in t.areas
        ],
        "areas_improved": [a.id for a in t.improved],
        "areas_regressed": [a.id for a in t.regressed],
        "areas_only_old": list(t.areas_only_old),
        "areas_only_new": list(t.areas_only_new),
    }


def history_record(h: History) -> dict[str, Any]:
    """The multi-year view as plain data."""
    return {
        "years": [list(y) for y in h.years],
        "units": [
            {
                "code": u.code,
                "name": u.name,
                "index": [float(i) if i is not None else None for i in u.indices],
                "category": list(u.categories),
            }
            for u in h.units
        ],
    }


def to_json(trends: list[Trend], history: History | None = None) -> str:
    """One JSON object: the trend against each earlier batch, in the order given, and
    (given several earlier batches) the multi-year view."""
    data: dict[str, Any] = {"trends": [trend_record(t) for t in trends]}
    if history is not None:
        data["history"] = history_record(history)
    return json_dumps(data)


# --- one long table: CSV and the workbook's trend sheet -------------------------------------

TREND_COLUMNS = (
    "old_years",
    "new_years",
    "kind",
    "id",
    "name",
    "old",
    "new",
    "delta",
    "old_category",
    "new_category",
    "category_moved",
    "old_rank",
    "new_rank",
)
# the kinds of row, in the order they come in each pair
KINDS = ("unit", "only_old", "only_new", "category", "area", "area_only_old", "area_only_new")


def _years(years: tuple[int, ...]) -> str:
    return ", ".join(str(y) for y in years) or "-"


def trend_rows(trends: list[Trend]) -> list[list[Any]]:
    """Each pair's rows under TREND_COLUMNS (raw values; None is an empty cell): units in
    both years (index then and now), units in one year only, the units per category then
    and now, the areas' mean attainment (a share, 0..1) then and now."""
    rows: list[list[Any]] = []
    for t in trends:
        pair = (" ".join(map(str, t.old_years)), " ".join(map(str, t.new_years)))

        def add(
            kind: str, ident: str, name: str | None, *values: Any, pair: tuple[str, str] = pair
        ) -> None:
            rows.append([*pair, kind, ident, name, *values, *[None] * (8 - len(values))])

        for u in t.units:
            add("unit", u.code, u.name, float(u.old_index), float(u.new_index), float(u.delta))
            rows[-1][8:] = [u.old_category, u.new_category, u.moved, u.old_rank, u.new_rank]
        for kind, found in (("only_old", t.only_old), ("only_new", t.only_new)):
            for code, name in found:
                add(kind, code, name)
        for cat, old, new in distribution_rows(t):
            add("category", cat, None, old, new, new - old)
        for a in t.areas:
            add("area", a.id, a.name, num(a.old_mean), num(a.new_mean), num(a.delta))
        for kind, ids in (("area_only_old", t.areas_only_old), ("area_only_new", t.areas_only_new)):
            for aid in ids:
                add(kind, aid, None)
    return rows


def to_csv(trends: list[Trend], locale: CsvLocale = CsvLocale.c) -> str:
    """Every pair as one long table (see trend_rows; the writer of report.csvout)."""
    return write_csv(TREND_COLUMNS, trend_rows(trends), locale)


# --- shared by the table and Markdown -------------------------------------------------------


def distribution_rows(t: Trend) -> list[tuple[str, int, int]]:
    """(category, units then, units now): the new year's categories first."""
    old, new = dict(t.old_distribution), dict(t.new_distribution)
    order = [c for c, _n in t.new_distribution] + [
        c for c, _n in t.old_distribution if c not in new
    ]
    return [(c, old.get(c, 0), new.get(c, 0)) for c in order]


def signed(value: Fraction | Decimal, shown: str) -> str:
    """A change as shown: `+` before a rise, and no `-` on one that rounds to zero."""
    if not any(ch in "123456789" for ch in shown):
        return shown.lstrip("-")
    return "+" + shown if value > 0 else shown


def _category_move(old: str | None, new: str | None) -> str:
    return f"{old or '-'} → {new or '-'}" if old != new else (new or "-")


def _history_cell(index: Decimal | None, category: str | None) -> str:
    if index is None:
        return "-"
    return text(index) + (f" ({category})" if category else "")


# --- Markdown -------------------------------------------------------------------------------


def _markdown_one(t: Trend) -> list[str]:
    old_y, new_y = _years(t.old_years), _years(t.new_years)
    lines = ["# " + md(_("Trend {old} → {new}").format(old=old_y, new=new_y)), ""]
    heads = (_("Rank"), _("Unit"), _("Code"), old_y, new_y, _("Change"), _("Category"))
    lines += [
        "## " + md(_("Units in both years")),
        "",
        "| " + " | ".join(md(h) for h in heads) + " |",
        "|---:|---|---|---:|---:|---:|---|",
    ]
    for u in t.units:
        move = md(_category_move(u.old_category, u.new_category))
        lines.append(
            f"| {u.old_rank} → {u.new_rank} | {md(u.name)} | {md(u.code)} | "
            f"{text(u.old_index)} | {text(u.new_index)} | {signed(u.delta, text(u.delta))} | "
            + (f"**{move}**" if u.moved else move)
            + " |"
        )
    if not t.units:
        lines.append("| - | - | - | - | - | - | - |")
    lines += [
        "",
        "## " + md(_("Distribution over categories")),
        "",
        f"| {md(_('Category'))} | {md(old_y)} | {md(new_y)} |",
        "|---|---:|---:|",
    ]
    lines += [f"| {md(c)} | {a} | {b} |" for c, a, b in distribution_rows(t)]
    if t.areas:
        lines += [
            "",
            "## " + md(_("Areas city-wide (mean attainment)")),
            "",
            f"| {md(_('Area'))} | {md(old_y)} | {md(new_y)} | {md(_('Change'))} |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| {md(a.name)} | {percent(a.old_mean)} | {percent(a.new_mean)} | "
            f"{signed(a.delta, percent(a.delta))} |"
            for a in t.areas
        ]
        for label, moved in ((_("Improved"), t.improved), (_("Regressed"), t.regressed)):
            names = ", ".join(md(m.name) for m in moved) or "-"
            lines += ["", f"**{md(label)}:** {names}"]
    for years, found in ((old_y, t.only_old), (new_y, t.only_new)):
        if found:
            lines += ["", "## " + md(_("Only in {years}").format(years=years)), ""]
            lines += [f"- {md(name)} ({md(code)})" for code, name in found]
    for years, ids in ((old_y, t.areas_only_old), (new_y, t.areas_only_new)):
        if ids:
            said = _("Areas only in {years}, not compared: {ids}").format(
                years=years, ids=", ".join(ids)
            )
            lines += ["", md(said)]
    return [*lines, ""]


def _markdown_history(h: History) -> list[str]:
    years = [_years(y) for y in h.years]
    lines = [
        "# " + md(_("Index year by year")),
        "",
        "| " + " | ".join(md(c) for c in (_("Unit"), _("Code"), *years)) + " |",
        "|---|---|" + "---:|" * len(years),
    ]
    for u in h.units:
        values = [md(_history_cell(i, c)) for i, c in zip(u.indices, u.categories, strict=True)]
        lines.append(f"| {md(u.name)} | {md(u.code)} | " + " | ".join(values) + " |")
    return [*lines, ""]


def to_markdown(trends: list[Trend], history: History | None = None) -> str:
    """Each pair as Markdown sections, then (given) the multi-year view."""
    lines: list[str] = []
    for t in trends:
        lines += _markdown_one(t)
    if history is not None:
        lines += _markdown_history(history)
    return "\n".join(lines)


# --- rich tables ----------------------------------------------------------------------------


def _style(value: Fraction | Decimal) -> str:
    return "green" if value > 0 else "red" if value < 0 else ""


def render_one(t: Trend) -> RenderableType:
    """One pair as tables."""
    old_y, new_y = _years(t.old_years), _years(t.new_years)
    parts: list[RenderableType] = [
        terminal(_("Trend {old} → {new}").format(old=old_y, new=new_y), "bold")
    ]
    table = Table(title=_("Units in both years"), title_justify="left")
    for head, right in (
        (_("Rank"), True),
        (_("Unit"), False),
        (old_y, True),
        (new_y, True),
        (_("Change"), True),
        (_("Category"), False),
    ):
        table.add_column(head, justify="right" if right else "left")
    for u in t.units:
        table.add_row(
            *cells(
                f"{u.old_rank} → {u.new_rank}",
                f"{u.name} ({u.code})",
                text(u.old_index),
                text(u.new_index),
                terminal(signed(u.delta, text(u.delta)), _style(u.delta)),
                terminal(_category_move(u.old_category, u.new_category), "bold" if u.moved else ""),
            )
        )
    parts.append(table)
    dist = Table(title=_("Distribution over categories"), title_justify="left")
    dist.add_column(_("Category"))
    dist.add_column(old_y, justify="right")
    dist.add_column(new_y, justify="right")
    for c, then, now in distribution_rows(t):
        dist.add_row(*cells(c, str(then), str(now)))
    parts.append(dist)
    if t.areas:
        areas = Table(title=_("Areas city-wide (mean attainment)"), title_justify="left")
        for head, right in ((_("Area"), False), (old_y, True), (new_y, True), (_("Change"), True)):
            areas.add_column(head, justify="right" if right else "left")
        for a in t.areas:
            areas.add_row(
                *cells(
                    a.name,
                    percent(a.old_mean),
                    percent(a.new_mean),
                    terminal(signed(a.delta, percent(a.delta)), _style(a.delta)),
                )
            )
        parts.append(areas)
        for label, moved, style in (
            (_("Improved"), t.improved, "green"),
            (_("Regressed"), t.regressed, "red"),
        ):
            names = ", ".join(m.name for m in moved) or "-"
            parts.append(terminal(f"{label}: {names}", style if moved else ""))
    for years, found in ((old_y, t.only_old), (new_y, t.only_new)):
        if found:
            names = ", ".join(f"{n} ({c})" for c, n in found)
            said = _("Only in {years}").format(years=years) + ": " + names
            parts.append(terminal(said, "yellow"))
    for years, ids in ((old_y, t.areas_only_old), (new_y, t.areas_only_new)):
        if ids:
            said = _("Areas only in {years}, not compared: {ids}").format(
                years=years, ids=", ".join(ids)
            )
            parts.append(terminal(said, "yellow"))
    return Group(*parts)


def render_history(h: History) -> RenderableType:
    """The multi-year view as a table."""
    table = Table(title=_("Index year by year"), title_justify="left")
    table.add_column(_("Unit"))
    for y in h.years:
        table.add_column(_years(y), justify="right")
    for u in h.units:
        table.add_row(
            *cells(
                f"{u.name} ({u.code})",
                *(_history_cell(i, c) for i, c in zip(u.indices, u.categories, strict=True)),
            )
        )
    return table


def render(trends: list[Trend], history: History | None = None) -> RenderableType:
    """Each pair as tables, one after the other, then (given) the multi-year view."""
    parts = [render_one(t) for t in trends]
    if history is not None:
        parts.append(render_history(history))
    return Group(*parts)
