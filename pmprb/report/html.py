"""The report for leaders: one standalone, offline HTML page with charts, for one unit or a
whole city (`pmprb report`).

The page is made by Jinja2 with autoescaping (report.html.j2 beside this module): every
piece of user text (unit names, codes, notes, file names) reaches the page escaped, with
its control characters shown as visible escapes first (escape.line). Charts are drawn in
the browser by plotly.js, bundled inline once from the plotly package (read as a file: the
plotly Python package is never imported); each chart is a plotly figure given as JSON in
one `<script type="application/json">` block (Jinja's `tojson`, safe inside a script).
plotly.js reads a string in a chart as its own small HTML subset, so user text in a chart
is HTML-escaped as well, and shows as the text it is.

Jinja2 is imported inside render only (the other commands never load it).
"""

from __future__ import annotations

import dataclasses
import html
import importlib.util
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from pmprb.analysis.batch import Batch, DetailRow, Group, Ratio, UnitSummary
from pmprb.analysis.trend import history, trend
from pmprb.base.escape import line
from pmprb.base.i18n import _
from pmprb.report.trend import distribution_rows, signed

CHART_WIDTH = 680  # px: the width of an A4 page less its margins, at 96 px per inch
WEAK_QUESTIONS = 10  # questions listed per unit, weakest first
_SCALE = [[0.0, "#c0392b"], [0.5, "#f1c40f"], [1.0, "#27ae60"]]  # red, yellow, green


def plotly_js() -> str:
    """plotly.js as bundled by the plotly package (found without importing it)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("plotly is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return (folder / "package_data" / "plotly.min.js").read_text(encoding="utf-8")


def _tenths(n: int, d: int) -> int:
    """n/d as a percentage in tenths, rounded half up (exact)."""
    return (2 * n * 1000 + d) // (2 * d)


@dataclass(slots=True)
class _Fmt:
    """Numbers as the page's language writes them (Indonesian: decimal comma)."""

    lang: str

    def dec(self, text: str) -> str:
        return text.replace(".", ",") if self.lang == "id" else text

    def pct(self, value: Ratio | Fraction | None) -> str:
        if value is None:
            return "-"
        n, d = (value.numerator, value.denominator) if isinstance(value, Fraction) else value
        t = _tenths(n, d)
        return self.dec(f"{t // 10}.{t % 10}") + "%"

    def index(self, value: Decimal) -> str:
        return self.dec(str(value))

    def change(self, value: Fraction) -> str:
        """A change of share in points of percentage, signed (`+2.5%`, `-12.5%`)."""
        shown = self.pct(abs(value))
        return signed(value, ("-" if value < 0 else "") + shown)


def _pct_value(value: Ratio | Fraction | None) -> float | None:
    """A share as a number for a chart: percent, one decimal (already rounded, exactly)."""
    if value is None:
        return None
    n, d = (value.numerator, value.denominator) if isinstance(value, Fraction) else value
    return _tenths(n, d) / 10


def _chart_text(text: str) -> str:
    """User or rule text for a chart label: plotly.js parses a subset of HTML in labels."""
    return html.escape(line(text), quote=True)


@dataclass(slots=True)
class _Charts:
    """The page's charts, in page order: each a plotly figure (data, layout) with its id."""

    lang: str
    items: list[dict[str, Any]] = field(default_factory=list)

    def add(self, data: list[dict[str, Any]], layout: dict[str, Any], height: int) -> str:
        ident = f"chart-{len(self.items) + 1}"
        base = {
            "width": CHART_WIDTH,
            "height": height,
            "margin": {"l": 60, "r": 20, "t": 20, "b": 40},
            "separators": ",." if self.lang == "id" else ".,",
            "font": {"family": "Helvetica, Arial, sans-serif", "size": 12},
            "showlegend": False,
        }
        self.items.append({"id": ident, "data": data, "layout": {**base, **layout}})
        return ident


def _colour(value: float | None, top: float) -> str:
    """The colour of a bar: red at 0 through yellow to green at `top`; grey when unknown."""
    if value is None:
        return "#bbbbbb"
    x = min(max(value / top, 0.0), 1.0)
    lo, hi = (
        ((0xC0, 0x39, 0x2B), (0xF1, 0xC4, 0x0F))
        if x < 0.5
        else ((0xF1, 0xC4, 0x0F), (0x27, 0xAE, 0x60))
    )
    t = x * 2 if x < 0.5 else x * 2 - 1
    return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(lo, hi, strict=True))


def _hbar(
    charts: _Charts, labels: list[str], values: list[float | None], unit: str, texts: list[str]
) -> str:
    """A horizontal bar chart, first label on top; `texts` are the bars' labels."""
    height = 60 + 26 * len(labels)
    top = 100.0 if unit == "%" else max([v or 0 for v in values] + [1.0])
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": [_chart_text(x) for x in labels],
            "x": values,
            "text": texts,
            "textposition": "auto",
            "marker": {"color": [_colour(v, top) for v in values]},
        }
    ]
    layout = {
        "yaxis": {"autorange": "reversed", "automargin": True},
        "xaxis": {"range": [0, 100] if unit == "%" else None, "rangemode": "tozero"},
    }
    return charts.add(data, layout, height)


def _areas_chart(
    charts: _Charts, names: list[str], values: list[float | None], texts: list[str]
) -> str:
    """Areas as a radar (three or more areas), else as bars."""
    if len(names) < 3:
        return _hbar(charts, names, values, "%", texts)
    closed = names + names[:1]
    data = [
        {
            "type": "scatterpolar",
            "r": [0 if v is None else v for v in values + values[:1]],
            "theta": [_chart_text(n) for n in closed],
            "fill": "toself",
            "mode": "lines+markers",
        }
    ]
    layout = {
        "polar": {"radialaxis": {"range": [0, 100], "ticksuffix": "%"}},
        "margin": {"l": 120, "r": 120, "t": 30, "b": 30},
    }
    return charts.add(data, layout, 420)


@dataclass(frozen=True, slots=True)
class Section:
    """One section of the page (each printed from a new page)."""

    kind: str
    title: str
    data: dict[str, Any]


def _provisional(group: Group) -> str | None:
    """The warning for a rule set whose weights are in part provisional, naming the highest
    such nodes (None when every weight has a source)."""
    marked = group.rules.provisional
    if not marked:
        return None
    if "root" in marked:
        names = [group.rules.rules.title]
    else:
        names = []

        def visit(nodes: Any) -> None:
            for node in nodes or ():
                if node.id in marked:
                    names.append(node.name)
                else:
                    visit(node.children)

        visit(group.rules.rules.tree)
    return _(
        "Some weights in this rule set are provisional (no source found): {names}. "
        "The results depend on them."
    ).format(names=", ".join(line(n) for n in names))


def _category(group: Group, category: str | None) -> str:
    """A unit's category as `id (name)`, e.g. `BB (Sangat Baik)`."""
    if category is None:
        return _("no category")
    name = dict(group.layout.categories).get(category)
    return line(f"{category} ({name})" if name and name != category else category)


def _weak_questions(u: UnitSummary) -> list[DetailRow]:
    """The unit's answered questions furthest from their maximum, weakest first."""
    rows = [r for r in u.detail if r.points is not None and r.max > 0 and r.points < r.max]
    rows.sort(key=lambda r: (r.points / r.max if r.points is not None else 0, r.question))
    return rows[:WEAK_QUESTIONS]


def _unit_section(
    group: Group, u: UnitSummary, rank: int | None, f: _Fmt, charts: _Charts
) -> Section:
    comps = group.layout.components
    comp_labels = [("· " if depth == 2 else "") + name for _cid, name, depth in comps]
    comp_chart = _hbar(
        charts,
        comp_labels,
        [_pct_value(v) for v in u.components],
        "%",
        [f.pct(v) for v in u.components],
    )
    area_names = [name for _aid, name in group.layout.areas]
    area_chart = (
        _areas_chart(
            charts, area_names, [_pct_value(v) for v in u.areas], [f.pct(v) for v in u.areas]
        )
        if area_names
        else None
    )
    names = dict(group.layout.areas)
    weak = _weak_questions(u)
    return Section(
        "unit",
        line(u.name),
        {
            "unit": {"name": line(u.name), "code": line(u.code), "instansi": line(u.instansi)},
            "file": line(u.path),
            "index": f.index(u.index),
            "category": _category(group, u.category),
            "rank": rank,
            "units": len(group.ranking),
            "answered": u.answered,
            "questions": u.questions,
            "components": [
                (line(name), depth, f.pct(v))
                for (_cid, name, depth), v in zip(comps, u.components, strict=True)
            ],
            "areas": [
                (line(name), f.pct(v))
                for (_aid, name), v in zip(group.layout.areas, u.areas, strict=True)
            ],
            "weak_areas": [line(names.get(a, a)) for a in u.weak],
            "questions_low": [
                (
                    line(r.question),
                    line(r.answer or ""),
                    f.dec(f"{r.points:g}") if r.points is not None else "-",
                    f.dec(f"{r.max:g}"),
                    line(r.note),
                )
                for r in weak
            ],
            "comp_chart": comp_chart,
            "area_chart": area_chart,
            # the shared-values file and the ids it gave (None when none applied)
            "shared": (
                None
                if u.common is None
                else (line(u.common), ", ".join(line(q) for q in u.shared) or "-")
            ),
        },
    )


def _city_sections(group: Group, f: _Fmt, charts: _Charts) -> list[Section]:
    units = [r.unit for r in group.ranking]
    mean = sum((Fraction(u.index) for u in units), Fraction(0)) / len(units)
    dist_chart = charts.add(
        [
            {
                "type": "bar",
                "x": [_chart_text(name) for _cid, name, _n in group.distribution],
                "y": [n for _cid, _name, n in group.distribution],
                "text": [str(n) for _cid, _name, n in group.distribution],
                "textposition": "auto",
                "marker": {"color": "#2e86c1"},
            }
        ],
        {"yaxis": {"dtick": 1, "rangemode": "tozero"}, "xaxis": {"automargin": True}},
        300,
    )
    overview = Section(
        "overview",
        _("Overview"),
        {
            "units": len(units),
            "mean": f.dec(f"{float(mean):.2f}"),
            "best": (line(units[0].name), f.index(units[0].index)),
            "worst": (line(units[-1].name), f.index(units[-1].index)),
            "distribution": [(line(name), n) for _cid, name, n in group.distribution],
            "chart": dist_chart,
        },
    )
    ranking_chart = _hbar(
        charts,
        [u.name for u in units],
        [float(u.index) for u in units],
        "",
        [f.index(u.index) for u in units],
    )
    ranking = Section(
        "ranking",
        _("Ranking"),
        {
            "rows": [
                (
                    r.rank,
                    line(r.unit.name),
                    line(r.unit.code),
                    f.index(r.unit.index),
                    _category(group, r.unit.category),
                )
                for r in group.ranking
            ],
            "chart": ranking_chart,
        },
    )
    area_names = [name for _aid, name in group.layout.areas]
    heat = charts.add(
        [
            {
                "type": "heatmap",
                "x": [_chart_text(n) for n in area_names],
                "y": [_chart_text(u.name) for u in units],
                "z": [[_pct_value(v) for v in u.areas] for u in units],
                "zmin": 0,
                "zmax": 100,
                "colorscale": _SCALE,
                "texttemplate": "%{z:.0f}",
                "hoverongaps": False,
                "colorbar": {"ticksuffix": "%"},
            }
        ],
        {
            "yaxis": {"autorange": "reversed", "automargin": True},
            "xaxis": {"automargin": True, "tickangle": -30},
            "margin": {"l": 60, "r": 20, "t": 20, "b": 60},
        },
        140 + 28 * len(units),
    )
    areas = Section(
        "areas",
        _("Areas of change"),
        {
            "chart": heat,
            "weak": [
                (line(w.stat.name), f.pct(w.stat.mean), f.pct(w.stat.low), w.weak_units)
                for w in group.weak
            ],
            "units": len(units),
        },
    )
    comps = group.components
    comp_chart = _hbar(
        charts,
        [("· " if s.depth == 2 else "") + s.name for s in comps],
        [_pct_value(s.mean) for s in comps],
        "%",
        [f.pct(s.mean) for s in comps],
    )
    components = Section(
        "components",
        _("Components"),
        {
            "chart": comp_chart,
            "rows": [
                (line(s.name), s.depth, f.pct(s.mean), f.pct(s.low), f.pct(s.high)) for s in comps
            ],
        },
    )
    return [overview, ranking, areas, components]


@dataclass(frozen=True, slots=True)
class Part:
    """The sections of one group (rule set and year)."""

    label: str
    rules: str
    year: int
    warning: str | None
    sections: tuple[Section, ...]


def _trend(group: Group, batch: Batch, before: Batch, f: _Fmt, charts: _Charts) -> Section:
    """The group's units against an earlier batch, by the trend core (pmprb/trend.py, as
    `batch --compare` shows it): each unit's index and category then and now (a unit new
    this year with `-` then), the units found in the earlier files only, the units per
    category then and now, and the areas' city-wide mean attainment then and now."""
    t = trend(before, dataclasses.replace(batch, groups=(group,)))
    matched = {u.code: u for u in t.units}
    rows = []
    for r in group.ranking:
        u = r.unit
        m = matched.get(u.code.strip())
        if m is None:
            new = (f.index(u.index), "-", "-", line(u.category or "-"))
            rows.append((str(r.rank), line(u.name), line(u.code), "-", *new))
            continue
        rows.append(
            (
                f"{m.old_rank} → {m.new_rank}",
                line(u.name),
                line(u.code),
                f.index(m.old_index),
                f.index(m.new_index),
                signed(m.delta, f.index(m.delta)),
                line(m.old_category or "-"),
                line(m.new_category or "-"),
            )
        )
    then = ", ".join(str(y) for y in t.old_years)
    now = ", ".join(str(y) for y in t.new_years)
    names = [_chart_text(u.name) for u in t.units]
    chart = charts.add(
        [
            {
                "type": "bar",
                "orientation": "h",
                "name": then,
                "y": names,
                "x": [float(u.old_index) for u in t.units],
                "marker": {"color": "#aab7b8"},
            },
            {
                "type": "bar",
                "orientation": "h",
                "name": now,
                "y": names,
                "x": [float(u.new_index) for u in t.units],
                "marker": {"color": "#2e86c1"},
            },
        ],
        {
            "barmode": "group",
            "showlegend": True,
            "yaxis": {"autorange": "reversed", "automargin": True},
            "xaxis": {"rangemode": "tozero"},
        },
        80 + 40 * max(len(t.units), 1),
    )
    return Section(
        "trend",
        _("Trend"),
        {
            "then": then,
            "now": now,
            "rows": rows,
            "gone": [(line(name), line(code)) for code, name in t.only_old],
            "chart": chart,
            "distribution": [
                (_category(group, c) if c != "-" else _("no category"), a, b)
                for c, a, b in distribution_rows(t)
            ],
            "areas": [
                (line(a.name), f.pct(a.old_mean), f.pct(a.new_mean), f.change(a.delta))
                for a in t.areas
            ],
            "improved": [line(a.name) for a in t.improved],
            "regressed": [line(a.name) for a in t.regressed],
            "areas_not_compared": [line(a) for a in (*t.areas_only_old, *t.areas_only_new)],
        },
    )


def _history(group: Group, batch: Batch, befores: list[Batch], f: _Fmt, charts: _Charts) -> Section:
    """Several earlier batches: each unit's index year by year (trend.history), as lines."""
    h = history([dataclasses.replace(batch, groups=(group,)), *befores])
    years = [", ".join(str(y) for y in ys) for ys in h.years]
    chart = charts.add(
        [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _chart_text(u.name),
                "x": years,
                "y": [float(i) if i is not None else None for i in u.indices],
            }
            for u in h.units
        ],
        {
            "showlegend": True,
            "legend": {"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
            "xaxis": {"type": "category"},
            "yaxis": {"rangemode": "tozero"},
            "margin": {"l": 60, "r": 20, "t": 20, "b": 40},
        },
        340 + 22 * len(h.units),
    )
    return Section(
        "history",
        _("Index year by year"),
        {
            "years": years,
            "rows": [
                (
                    line(u.name),
                    line(u.code),
                    [
                        f.index(i) + (f" ({line(c)})" if c else "") if i is not None else "-"
                        for i, c in zip(u.indices, u.categories, strict=True)
                    ],
                )
                for u in h.units
            ],
            "chart": chart,
        },
    )


def build(
    batch: Batch, lang: str, befores: list[Batch] | None = None
) -> tuple[list[Part], list[dict[str, Any]]]:
    """The page's parts and its charts (plain data for the template); with `befores`
    (earlier batches), a trend section against each, and with several the index year by
    year."""
    f = _Fmt(lang)
    charts = _Charts(lang)
    parts: list[Part] = []
    for group in batch.groups:
        sections: list[Section] = []
        city = len(group.ranking) > 1
        if city:
            sections.extend(_city_sections(group, f, charts))
        for before in befores or ():
            sections.append(_trend(group, batch, before, f, charts))
        if befores and len(befores) > 1:
            sections.append(_history(group, batch, befores, f, charts))
        for r in group.ranking:
            sections.append(_unit_section(group, r.unit, r.rank if city else None, f, charts))
        rs = group.rules.rules
        parts.append(
            Part(
                f"{line(rs.id)} {line(rs.version)}, {group.year}",
                line(rs.title),
                group.year,
                _provisional(group),
                tuple(sections),
            )
        )
    return parts, charts.items


def _labels() -> dict[str, str]:
    """Every fixed text of the page, translated."""
    return {
        "title": _("PMPRB report"),
        "index": _("Index"),
        "category": _("Category"),
        "rank": _("Rank"),
        "unit": _("Unit"),
        "code": _("Code"),
        "units": _("Units"),
        "mean_index": _("Mean index"),
        "highest": _("Highest"),
        "lowest": _("Lowest"),
        "distribution": _("Units per category"),
        "component": _("Component"),
        "area": _("Area"),
        "attainment": _("Attainment"),
        "mean": _("Mean"),
        "low": _("Lowest"),
        "high": _("Highest"),
        "weak_areas": _("City-wide weak areas"),
        "weak_units": _("Units with it among their weakest"),
        "heat": _("Attainment per unit and area (%)"),
        "unit_weak": _("Weakest areas"),
        "answered": _("Answered"),
        "questions_low": _("Questions furthest from their maximum"),
        "question": _("Question"),
        "answer": _("Answer"),
        "points": _("Points"),
        "max": _("Max"),
        "note": _("Note"),
        "file": _("File"),
        "instansi": _("Instansi"),
        "not_scored": _("Files not in this report"),
        "then": _("Then"),
        "now": _("Now"),
        "change": _("Change"),
        "only_then": _("Units only in the compared files"),
        "improved": _("Improved"),
        "regressed": _("Regressed"),
        "not_compared": _("Areas not compared (in one year only)"),
        "trend_areas": _("Areas city-wide (mean attainment)"),
        "trend_dist": _("Distribution over categories"),
        "generated": _("Made by pmprb from the answer files; scores are exact."),
        "shared": _("From the shared file"),
    }


def render(batch: Batch, lang: str, befores: list[Batch] | None = None) -> str:
    """The whole page."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    parts, charts = build(batch, lang, befores)
    failures = [
        (line(fl.path), line(fl.problems[0].message) if fl.problems else "")
        for fl in batch.failures
    ]
    return env.get_template("report.html.j2").render(
        lang=lang,
        t=_labels(),
        parts=parts,
        charts=charts,
        failures=failures,
        plotly=Markup(plotly_js()),
    )
