"""Renderers of `pmprb batch NEW --compare OLD`: byte-stable JSON and rich tables."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table

from ..escape import cells, json_dumps, terminal
from ..i18n import _
from ..trend import Trend
from .record import num, percent, text


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


def to_json(trends: list[Trend]) -> str:
    """One JSON object: the trend against each earlier batch, in the order given."""
    return json_dumps({"trends": [trend_record(t) for t in trends]})


def _years(years: tuple[int, ...]) -> str:
    return ", ".join(str(y) for y in years) or "-"


def _signed(value: str) -> str:
    return value if value.startswith("-") or value in ("0.00", "0.0%") else "+" + value


def render_one(t: Trend) -> RenderableType:
    parts: list[RenderableType] = [
        terminal(
            _("Trend {old} → {new}").format(old=_years(t.old_years), new=_years(t.new_years)),
            "bold",
        )
    ]
    table = Table(title=_("Units in both years"), title_justify="left")
    for head, right in (
        (_("Rank"), True),
        (_("Unit"), False),
        (_("Before"), True),
        (_("After"), True),
        (_("Change"), True),
        (_("Category"), False),
    ):
        table.add_column(head, justify="right" if right else "left")
    for u in t.units:
        delta = text(u.delta)
        style = "green" if u.delta > 0 else "red" if u.delta < 0 else ""
        moved = (
            f"{u.old_category or '-'} → {u.new_category or '-'}"
            if u.moved
            else (u.new_category or "-")
        )
        table.add_row(
            *cells(
                f"{u.old_rank} → {u.new_rank}",
                f"{u.name} ({u.code})",
                text(u.old_index),
                text(u.new_index),
                terminal(_signed(delta), style),
                terminal(moved, "bold" if u.moved else ""),
            )
        )
    parts.append(table)
    dist = Table(title=_("Distribution over categories"), title_justify="left")
    dist.add_column(_("Category"))
    dist.add_column(_years(t.old_years), justify="right")
    dist.add_column(_years(t.new_years), justify="right")
    old, new = dict(t.old_distribution), dict(t.new_distribution)
    order = [c for c, _n in t.new_distribution] + [
        c for c, _n in t.old_distribution if c not in new
    ]
    for c in order:
        dist.add_row(*cells(c, str(old.get(c, 0)), str(new.get(c, 0))))
    parts.append(dist)
    if t.areas:
        areas = Table(title=_("Areas city-wide (mean attainment)"), title_justify="left")
        for head, right in (
            (_("Area"), False),
            (_("Before"), True),
            (_("After"), True),
            (_("Change"), True),
        ):
            areas.add_column(head, justify="right" if right else "left")
        for a in t.areas:
            style = "green" if a.delta > 0 else "red" if a.delta < 0 else ""
            areas.add_row(
                *cells(
                    a.name,
                    percent(a.old_mean),
                    percent(a.new_mean),
                    terminal(_signed(percent(a.delta)), style),
                )
            )
        parts.append(areas)
    for label, found in ((_("Only in {years}"), t.only_old), (_("Only in {years}"), t.only_new)):
        years = t.old_years if found is t.only_old else t.new_years
        if found:
            names = ", ".join(f"{n} ({c})" for c, n in found)
            parts.append(terminal(label.format(years=_years(years)) + ": " + names, "yellow"))
    for ids, years in ((t.areas_only_old, t.old_years), (t.areas_only_new, t.new_years)):
        if ids:
            parts.append(
                terminal(
                    _("Areas only in {years}, not compared: {ids}").format(
                        years=_years(years), ids=", ".join(ids)
                    ),
                    "yellow",
                )
            )
    return Group(*parts)


def render(trends: list[Trend]) -> RenderableType:
    """Each trend as tables, one after the other."""
    return Group(*(render_one(t) for t in trends))
