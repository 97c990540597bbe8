"""A city's batch against an earlier one: what `pmprb batch NEW --compare OLD` shows.

Pure, over two `batch.Batch` rekaps. Units are matched by unit code (without surrounding
spaces, as the batch compares codes); every group of a batch counts (normally one: one
rule set, one year). Area attainment is compared by area
id (the mean share over the units where it is known, each year on its own units), so two
rule sets with the same area ids compare; areas present in one year only are listed.

`history` is the multi-year view of several batches (`batch 2024/ --compare 2023/
--compare 2022/`): each unit's index and category in every year, oldest first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from pmprb.analysis.batch import Batch, Ranked


@dataclass(frozen=True, slots=True)
class UnitTrend:
    """One unit in both years: its index, category and rank then and now."""

    code: str
    name: str
    old_index: Decimal
    new_index: Decimal
    old_category: str | None
    new_category: str | None
    old_rank: int
    new_rank: int

    @property
    def delta(self) -> Decimal:
        return self.new_index - self.old_index

    @property
    def moved(self) -> bool:
        """The category changed."""
        return self.old_category != self.new_category


@dataclass(frozen=True, slots=True)
class AreaTrend:
    """An area's mean attainment over the city's units, then and now."""

    id: str
    name: str
    old_mean: Fraction
    new_mean: Fraction

    @property
    def delta(self) -> Fraction:
        return self.new_mean - self.old_mean


@dataclass(frozen=True, slots=True)
class Trend:
    """NEW against OLD (see the module's docstring)."""

    old_years: tuple[int, ...]
    new_years: tuple[int, ...]
    units: tuple[UnitTrend, ...]  # by new rank, then code
    only_old: tuple[tuple[str, str], ...]  # (code, name)
    only_new: tuple[tuple[str, str], ...]
    old_distribution: tuple[tuple[str, int], ...]  # category, units (highest first)
    new_distribution: tuple[tuple[str, int], ...]
    areas: tuple[AreaTrend, ...]  # by change, most improved first
    areas_only_old: tuple[str, ...] = ()
    areas_only_new: tuple[str, ...] = ()

    @property
    def improved(self) -> tuple[AreaTrend, ...]:
        return tuple(a for a in self.areas if a.delta > 0)

    @property
    def regressed(self) -> tuple[AreaTrend, ...]:
        return tuple(a for a in reversed(self.areas) if a.delta < 0)


def _ranked(b: Batch) -> dict[str, Ranked]:
    out: dict[str, Ranked] = {}
    for g in b.groups:
        for r in g.ranking:
            out.setdefault(r.unit.code.strip(), r)
    return out


def _distribution(b: Batch) -> tuple[tuple[str, int], ...]:
    order: list[str] = []
    counts: Counter[str] = Counter()
    for g in b.groups:
        for cid, _name, _n in g.distribution:
            if cid not in order:
                order.append(cid)
        counts.update(r.unit.category or "-" for r in g.ranking)
    if counts.get("-"):
        order.append("-")
    return tuple((c, counts.get(c, 0)) for c in order)


def _area_means(b: Batch) -> dict[str, tuple[str, Fraction]]:
    shares: dict[str, list[Fraction]] = {}
    names: dict[str, str] = {}
    for g in b.groups:
        for i, (aid, name) in enumerate(g.layout.areas):
            names.setdefault(aid, name)
            for r in g.ranking:
                value = r.unit.areas[i] if i < len(r.unit.areas) else None
                if value is not None:
                    shares.setdefault(aid, []).append(Fraction(*value))
    return {aid: (names[aid], sum(v, Fraction(0)) / len(v)) for aid, v in shares.items() if v}


def trend(old: Batch, new: Batch) -> Trend:
    """Compare two batches of one city."""
    before, after = _ranked(old), _ranked(new)
    units = tuple(
        UnitTrend(
            code,
            r.unit.name,
            before[code].unit.index,
            r.unit.index,
            before[code].unit.category,
            r.unit.category,
            before[code].rank,
            r.rank,
        )
        for code, r in sorted(after.items(), key=lambda kv: (kv[1].rank, kv[0]))
        if code in before
    )
    old_areas, new_areas = _area_means(old), _area_means(new)
    areas = sorted(
        (
            AreaTrend(aid, name, old_areas[aid][1], mean)
            for aid, (name, mean) in new_areas.items()
            if aid in old_areas
        ),
        key=lambda a: (-a.delta, a.id),
    )
    return Trend(
        tuple(sorted({g.year for g in old.groups})),
        tuple(sorted({g.year for g in new.groups})),
        units,
        tuple((c, r.unit.name) for c, r in sorted(before.items()) if c not in after),
        tuple((c, r.unit.name) for c, r in sorted(after.items()) if c not in before),
        _distribution(old),
        _distribution(new),
        tuple(areas),
        tuple(a for a in old_areas if a not in new_areas),
        tuple(a for a in new_areas if a not in old_areas),
    )


@dataclass(frozen=True, slots=True)
class UnitHistory:
    """One unit over several batches: its index and category in each (None: not there)."""

    code: str
    name: str  # as the latest batch that has the unit names it
    indices: tuple[Decimal | None, ...]
    categories: tuple[str | None, ...]


@dataclass(frozen=True, slots=True)
class History:
    """Several batches of one city, oldest first: each unit's index year by year."""

    years: tuple[tuple[int, ...], ...]  # the years of each batch
    units: tuple[UnitHistory, ...]  # by rank in the latest batch, then the rest by code


def _first_year(b: Batch) -> int:
    return min((g.year for g in b.groups), default=0)


def chronological(batches: list[Batch]) -> list[Batch]:
    """The batches oldest first (by their first year; equal years keep their order)."""
    return sorted(batches, key=_first_year)


def history(batches: list[Batch]) -> History:
    """Each unit's index in every batch, the batches taken oldest first."""
    ordered = chronological(batches)
    ranked = [_ranked(b) for b in ordered]
    codes: list[str] = []
    if ranked:
        latest = ranked[-1]
        codes = sorted(latest, key=lambda c: (latest[c].rank, c))
    rest = sorted({c for found in ranked[:-1] for c in found} - set(codes))
    units = []
    for code in codes + rest:
        present = [found[code] for found in ranked if code in found]
        units.append(
            UnitHistory(
                code,
                present[-1].unit.name,
                tuple(found[code].unit.index if code in found else None for found in ranked),
                tuple(found[code].unit.category if code in found else None for found in ranked),
            )
        )
    return History(tuple(tuple(sorted({g.year for g in b.groups})) for b in ordered), tuple(units))
