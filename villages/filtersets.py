"""One FilterSet per listable model; the HTML lists and the API share them."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import (
    District,
    Pilot,
    PilotStatus,
    Province,
    Regency,
    RegencyKind,
    Village,
    VillageKind,
)


class SearchMixin(django_filters.FilterSet):
    """`q`: a name (anywhere; accents, case and spaces forgiven) or the start of a Kemendagri
    code, on the trigram indexes (villages.search: `matching`)."""

    q = django_filters.CharFilter(method="filter_q", label=_("Name or code"))

    def filter_q(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.matching(value)


class ProvinceFilterSet(SearchMixin):
    class Meta:
        model = Province
        fields = ["q"]


class RegencyFilterSet(SearchMixin):
    province = django_filters.CharFilter(field_name="province_id", label=_("Province code"))
    kind = django_filters.ChoiceFilter(choices=RegencyKind.choices, label=_("Kind"))

    class Meta:
        model = Regency
        fields = ["q", "province", "kind"]


class DistrictFilterSet(SearchMixin):
    regency = django_filters.CharFilter(field_name="regency_id", label=_("Regency code"))
    province = django_filters.CharFilter(
        field_name="regency__province_id", label=_("Province code")
    )
    has_pilot = django_filters.BooleanFilter(
        method="filter_has_pilot", label=_("Has a selected pilot")
    )

    class Meta:
        model = District
        fields = ["q", "regency", "province", "has_pilot"]

    def filter_has_pilot(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.with_pilot_status().filter(has_pilot=value)


class VillageFilterSet(SearchMixin):
    district = django_filters.CharFilter(field_name="district_id", label=_("District code"))
    regency = django_filters.CharFilter(field_name="district__regency_id", label=_("Regency code"))
    province = django_filters.CharFilter(
        field_name="district__regency__province_id", label=_("Province code")
    )
    kind = django_filters.ChoiceFilter(choices=VillageKind.choices, label=_("Kind"))
    pilot_status = django_filters.ChoiceFilter(
        field_name="pilot__status", choices=PilotStatus.choices, label=_("Pilot status")
    )
    postal_code = django_filters.CharFilter(label=_("Postal code"))

    class Meta:
        model = Village
        fields = ["q", "district", "regency", "province", "kind", "pilot_status", "postal_code"]


class PilotFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PilotStatus.choices, label=_("Status"))
    regency = django_filters.CharFilter(
        field_name="village__district__regency_id", label=_("Regency code")
    )
    district = django_filters.CharFilter(
        field_name="village__district_id", label=_("District code")
    )
    village_kind = django_filters.ChoiceFilter(
        field_name="village__kind", choices=VillageKind.choices, label=_("Village kind")
    )

    class Meta:
        model = Pilot
        fields = ["status", "regency", "district", "village_kind"]
