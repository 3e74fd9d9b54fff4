"""The facts a pilot village is chosen by, side by side: population, area, density, the facts
higher apps add through `villages.extensions` (connectivity, kiosks) and the pilot state.

The kecamatan page shows them as a sortable table of its villages and the kecamatan's own figures;
the village page as a list. Every fact is read with the villages' one query (annotations).

Area: the official figure when the registry has one (`import_stats`), else the area of the
village's boundary on the spheroid (PostGIS `ST_Area` on geography), marked "≈": the simplified
boundaries give the kabupaten's official areas within 1%. Population only from `import_stats`;
density only when both are known. What is missing reads "no data yet".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, FloatField, Func, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from . import extensions
from .extensions import NO_DATA, Cell, VillageFact
from .models import Pilot, PilotStatus

#: Pilot states in the order the table sorts them (selected first, no pilot record last).
PILOT_ORDER = [PilotStatus.SELECTED, PilotStatus.PROPOSED, PilotStatus.REJECTED]


class BoundaryKm2(Func):
    """Area of a boundary in km² on the spheroid (NULL without a boundary)."""

    template = "ST_Area(%(expressions)s::geography) / 1000000.0"
    output_field = FloatField()


def with_boundary_area(queryset: QuerySet) -> QuerySet:
    """Annotate `boundary_km2` without loading the boundary."""
    return queryset.annotate(boundary_km2=BoundaryKm2(F("boundary")))


def _number(value, places: int = 0) -> str:
    return number_format(round(value, places), places, force_grouping=True)


def area_of(unit) -> tuple[float | None, bool]:
    """(km², estimated): the official area, else the boundary's (`boundary_km2`), else None."""
    if unit.area_km2 is not None:
        return float(unit.area_km2), False
    estimate = getattr(unit, "boundary_km2", None)
    return (estimate, True) if estimate else (None, False)


def population_cell(unit) -> Cell:
    if unit.population is None:
        return Cell(str(NO_DATA))
    return Cell(_number(unit.population), unit.population)


def area_cell(unit) -> Cell:
    km2, estimated = area_of(unit)
    if km2 is None:
        return Cell(str(NO_DATA))
    text = f"{_number(km2, 1)} km²"
    if estimated:
        return Cell(f"≈ {text}", km2, title=_("computed from the boundary on the map"))
    return Cell(text, km2)


def density_cell(unit) -> Cell:
    km2, _estimated = area_of(unit)
    if unit.population is None or not km2:
        return Cell(str(NO_DATA))
    density = unit.population / km2
    return Cell(_("%(n)s per km²") % {"n": _number(density)}, density)


def pilot_cell(village) -> Cell:
    try:
        pilot = village.pilot
    except Pilot.DoesNotExist:
        pilot = None
    if pilot is None:
        return Cell(_("not proposed"), len(PILOT_ORDER) + 1)
    status = PilotStatus(pilot.status)
    order = PILOT_ORDER.index(status) if status in PILOT_ORDER else len(PILOT_ORDER)
    return Cell(str(status.label), order, badge=f"badge badge-{status.value}")


def own_facts() -> tuple[list[VillageFact], list[VillageFact]]:
    """The registry's facts: (before the other apps' facts, after them)."""
    before = [
        VillageFact("population", _("Population"), population_cell, numeric=True),
        VillageFact("area", _("Area"), area_cell, annotate=with_boundary_area, numeric=True),
        VillageFact("density", _("Population density"), density_cell, numeric=True),
    ]
    after = [VillageFact("pilot", _("Pilot status"), pilot_cell)]
    return before, after


def facts_for(user) -> list[VillageFact]:
    """Every fact `user` may read, in the order shown."""
    before, after = own_facts()
    added = sorted(
        (fact for make in extensions.village_facts for fact in make(user)), key=lambda f: f.order
    )
    return [*before, *added, *after]


def annotated(queryset: QuerySet, facts: list[VillageFact]) -> QuerySet:
    for fact in facts:
        if fact.annotate is not None:
            queryset = fact.annotate(queryset)
    return queryset


@dataclass
class Row:
    """A village and its facts' cells, as (fact, cell)."""

    village: object
    items: list[tuple[VillageFact, Cell]]


@dataclass
class ChoiceTable:
    """The villages of a kecamatan with their facts, sorted by `sort` (`key` or `-key`)."""

    facts: list[VillageFact]
    rows: list[Row]
    sort: str

    @property
    def columns(self) -> list[dict]:
        """Each fact with the sort parameter its header links to and its current direction."""
        key, descending = self.sort.lstrip("-"), self.sort.startswith("-")
        columns = []
        for fact in self.facts:
            current = ""
            if fact.key == key:
                current = "descending" if descending else "ascending"
            sort = f"-{fact.key}" if current == "ascending" else fact.key
            columns.append({"fact": fact, "sort": sort, "current": current})
        return columns

    def summaries(self) -> list[tuple[VillageFact, Cell]]:
        villages = [row.village for row in self.rows]
        return [(fact, fact.summary(villages)) for fact in self.facts if fact.summary]


SORT_KEYS = ("code", "name")


def choice_table(villages: list, facts: list[VillageFact], sort: str | None) -> ChoiceTable:
    """The table of `villages` (annotated by `annotated`), sorted by a fact's key, `name` or
    `code` (default), `-` for descending; unknown values last either way."""
    rows = [Row(v, [(fact, fact.cell(v)) for fact in facts]) for v in villages]
    keys = {fact.key: i for i, fact in enumerate(facts)}
    sort = sort or "code"
    descending = sort.startswith("-")
    key = sort[1:] if descending else sort
    if key not in keys and key not in SORT_KEYS:
        sort, key, descending = "code", "code", False
    if key in keys:
        index = keys[key]
        known = [r for r in rows if r.items[index][1].sort is not None]
        unknown = [r for r in rows if r.items[index][1].sort is None]
        known.sort(key=lambda r: (r.items[index][1].sort, r.village.code), reverse=descending)
        rows = known + unknown
    else:
        rows.sort(key=lambda r: getattr(r.village, key), reverse=descending)
    return ChoiceTable(facts=facts, rows=rows, sort=sort)
