"""FilterSets of the coverage app; the HTML lists and the API share them."""

import django_filters
from django.utils.translation import gettext_lazy as _

from villages.filtersets import SearchMixin
from villages.models import Village

from .models import ConnectivityStatus, PlaceType, ReviewStatus, Source, Survey, Technology

#: The location filter of the survey list: points outside their village.
LOCATION_CHOICES = [
    ("unconfirmed", _("Outside the village, to confirm")),
    ("outside", _("Outside the village")),
]


class SurveyFilterSet(django_filters.FilterSet):
    review_status = django_filters.ChoiceFilter(choices=ReviewStatus.choices, label=_("Review"))
    regency = django_filters.CharFilter(
        field_name="village__district__regency_id", label=_("Regency code")
    )
    district = django_filters.CharFilter(
        field_name="village__district_id", label=_("District code")
    )
    village = django_filters.CharFilter(field_name="village_id", label=_("Village code"))
    best_technology = django_filters.ChoiceFilter(
        choices=Technology.choices, label=_("Best signal")
    )
    place_type = django_filters.ChoiceFilter(choices=PlaceType.choices, label=_("Place"))
    source = django_filters.ChoiceFilter(choices=Source.choices, label=_("Source"))
    officer = django_filters.CharFilter(field_name="officer__username", label=_("Officer"))
    since = django_filters.DateFilter(
        field_name="observed_at", lookup_expr="date__gte", label=_("From")
    )
    until = django_filters.DateFilter(
        field_name="observed_at", lookup_expr="date__lte", label=_("Until")
    )
    # Not "location": that is the point's own field (the API schema reads its type from it).
    outside_village = django_filters.ChoiceFilter(
        choices=LOCATION_CHOICES, method="filter_outside_village", label=_("Location")
    )

    class Meta:
        model = Survey
        fields = [
            "review_status",
            "regency",
            "district",
            "village",
            "best_technology",
            "place_type",
            "source",
            "officer",
            "since",
            "until",
            "outside_village",
        ]

    def filter_outside_village(self, queryset, name, value):
        if value == "unconfirmed":
            return queryset.location_unconfirmed()
        if value == "outside":
            return queryset.filter(outside_village_m__isnull=False)
        return queryset


class ConnectivityFilterSet(SearchMixin):
    """Villages by connectivity status (annotated by `coverage.selectors.with_connectivity`)."""

    status = django_filters.ChoiceFilter(
        field_name="connectivity", choices=ConnectivityStatus.choices, label=_("Connectivity")
    )
    regency = django_filters.CharFilter(field_name="district__regency_id", label=_("Regency code"))
    district = django_filters.CharFilter(field_name="district_id", label=_("District code"))
    pilot = django_filters.BooleanFilter(method="filter_pilot", label=_("Selected pilot villages"))

    class Meta:
        model = Village
        fields = ["q", "status", "regency", "district", "pilot"]

    def filter_pilot(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(pilot__status="selected")
        return queryset.exclude(pilot__status="selected")
