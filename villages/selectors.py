"""Reads of the registry for pages and other apps: the mixed ranked search (`search_places`) and
the facts a pilot village is chosen by (`pilot_choice`, the kecamatan and village pages)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from .models import District, Pilot, PilotStatus, Province, Regency, Village
from .search import Query, search_rank

#: Results of one search (all levels together).
SEARCH_LIMIT = 30
#: Levels in the order a tie is broken (the larger unit first).
LEVELS = ("province", "regency", "district", "village")


@dataclass
class Place:
    """One result of `search_places`: a unit of the registry and where it ranks."""

    level: str  # "province", "regency", "district" or "village"
    unit: object
    rank: int = 0  # villages.search.search_rank

    @property
    def order(self) -> tuple:
        unit = self.unit
        return (-self.rank, LEVELS.index(self.level), -unit.search_score, unit.name)

    @property
    def kind_label(self) -> str:
        if self.level == "province":
            return _("Province")
        if self.level == "district":
            return _("Kecamatan")
        return self.unit.get_kind_display()

    @property
    def centroid(self):
        return self.unit.centroid

    @property
    def located_in(self) -> str:
        """Where the unit lies, e.g. "Kec. Kedurang, Kabupaten Bengkulu Selatan"."""
        if self.level == "village":
            district = self.unit.district
            return f"{_('Kec.')} {district.name}, {district.regency.name}"
        if self.level == "district":
            return self.unit.regency.name
        if self.level == "regency":
            return self.unit.province.name
        return ""


def _searched(model, query: Query, province: str | None) -> QuerySet:
    queryset = model.objects.search(query)
    if province and model is not Province:
        queryset = queryset.filter(code__startswith=f"{province}.")
    return queryset.defer("boundary")


def search_places(
    text: str | None,
    *,
    province: str | None,
    levels: tuple[str, ...] = ("regency", "district", "village"),
    village_kind: str = "",
    limit: int = SEARCH_LIMIT,
    with_centroid: bool = False,
) -> list[Place]:
    """The registry's units matching `text` (villages.search: accents, case, spaces and typos
    forgiven), best first across levels, at most `limit`; within `province` (a code) when given.
    One query per level searched, whatever the size of the registry."""
    query = Query.parse(text)
    if query is None or limit <= 0:
        return []
    places: list[Place] = []
    if "province" in levels and not province:
        places += [Place("province", p) for p in _searched(Province, query, None)[:limit]]
    if "regency" in levels:
        regencies = _searched(Regency, query, province).select_related("province")
        regencies = regencies.defer("province__boundary")
        if with_centroid:
            regencies = regencies.filter(centroid__isnull=False)
        places += [Place("regency", r) for r in regencies[:limit]]
    if "district" in levels:
        districts = (
            _searched(District, query, province)
            .select_related("regency")
            .defer("regency__boundary")
            .annotate(
                has_pilot=Exists(
                    Pilot.objects.filter(
                        village__district=OuterRef("pk"), status=PilotStatus.SELECTED
                    )
                )
            )
        )
        if with_centroid:
            districts = districts.filter(centroid__isnull=False)
        places += [Place("district", d) for d in districts[:limit]]
    if "village" in levels:
        villages = (
            _searched(Village, query, province)
            .select_related("district__regency", "pilot")
            .defer("district__boundary", "district__regency__boundary")
        )
        if village_kind:
            villages = villages.filter(kind=village_kind)
        if with_centroid:
            villages = villages.filter(centroid__isnull=False)
        places += [Place("village", v) for v in villages[:limit]]
    for place in places:
        place.rank = search_rank(place.unit, query)
    places.sort(key=lambda place: place.order)
    return places[:limit]


#: The level of a code by its length, and what `place_by_code` reads with it.
CODE_LEVELS = {
    5: ("regency", Regency, ("province",)),
    8: ("district", District, ("regency",)),
    13: ("village", Village, ("district__regency",)),
}


def place_by_code(code: str, *, province: str | None = None) -> Place | None:
    """The kabupaten/kota, kecamatan or village of a Kemendagri code (its level by its length),
    within `province` when given; None when there is none. One query."""
    code = (code or "").strip()
    if len(code) not in CODE_LEVELS or (province and not code.startswith(f"{province}.")):
        return None
    level, model, related = CODE_LEVELS[len(code)]
    parents = [f"{path}__boundary" for path in related]
    if level == "village":
        parents.append("district__boundary")
    unit = (
        model.objects.select_related(*related).defer("boundary", *parents).filter(code=code).first()
    )
    return Place(level, unit) if unit else None
