"""FilterSets of the kiosks; the HTML list, its CSV/XLSX export and the API share them."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .models import CheckIn, CheckInKind, Connectivity, MonthlyReport, Warkop, WarkopStatus


class WarkopFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name, owner or village"))
    regency = django_filters.CharFilter(
        field_name="village__district__regency_id", label=_("Regency/city")
    )
    district = django_filters.CharFilter(field_name="village__district_id", label=_("Kecamatan"))
    village = django_filters.CharFilter(field_name="village_id", label=_("Village code"))
    status = django_filters.ChoiceFilter(choices=WarkopStatus.choices, label=_("Status"))
    connectivity = django_filters.ChoiceFilter(
        choices=Connectivity.choices, label=_("Connectivity")
    )
    service = django_filters.CharFilter(method="filter_service", label=_("Service"))
    stale = django_filters.BooleanFilter(method="filter_stale", label=_("Stale"))
    organisation = django_filters.NumberFilter(
        field_name="organisation_id", label=_("Organisation")
    )
    is_sample = django_filters.BooleanFilter(label=_("Sample data"))

    class Meta:
        model = Warkop
        fields = [
            "q",
            "regency",
            "district",
            "village",
            "status",
            "connectivity",
            "service",
            "stale",
            "organisation",
            "is_sample",
        ]

    def filter_stale(self, queryset, name, value):
        """Live, as the dashboard counts them (`WarkopQuerySet.stale`)."""
        if value is None:
            return queryset
        stale = Warkop.objects.stale().values("pk")
        return queryset.filter(pk__in=stale) if value else queryset.exclude(pk__in=stale)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(owner_name__icontains=value)
            | Q(village__name__icontains=value)
        )

    def filter_service(self, queryset, name, value):
        """Kiosks with an active offering of the category (code), through the offerings' reverse
        relation (warkop imports no module of payments)."""
        if not value:
            return queryset
        offering = Warkop.offerings.rel.related_model.objects.filter(
            warkop=OuterRef("pk"), category__code=value, is_active=True
        )
        return queryset.filter(Exists(offering))


class CheckInFilterSet(django_filters.FilterSet):
    warkop = django_filters.NumberFilter(field_name="warkop_id", label=_("Kiosk"))
    kind = django_filters.ChoiceFilter(choices=CheckInKind.choices, label=_("Kind"))
    since = django_filters.DateFilter(
        field_name="checked_in_at", lookup_expr="date__gte", label=_("From")
    )
    until = django_filters.DateFilter(
        field_name="checked_in_at", lookup_expr="date__lte", label=_("Until")
    )

    class Meta:
        model = CheckIn
        fields = ["warkop", "kind", "since", "until"]


class MonthlyReportFilterSet(django_filters.FilterSet):
    warkop = django_filters.NumberFilter(field_name="warkop_id", label=_("Kiosk"))
    regency = django_filters.CharFilter(
        field_name="warkop__village__district__regency_id", label=_("Regency/city")
    )
    month_from = django_filters.DateFilter(field_name="month", lookup_expr="gte", label=_("From"))
    month_until = django_filters.DateFilter(field_name="month", lookup_expr="lte", label=_("Until"))

    class Meta:
        model = MonthlyReport
        fields = ["warkop", "regency", "month_from", "month_until"]
