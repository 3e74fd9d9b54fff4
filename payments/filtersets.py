"""FilterSets of the offerings; the API uses them."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import ServiceOffering


class ServiceOfferingFilterSet(django_filters.FilterSet):
    warkop = django_filters.NumberFilter(field_name="warkop_id", label=_("Kiosk"))
    category = django_filters.CharFilter(field_name="category__code", label=_("Service"))
    provider = django_filters.CharFilter(field_name="provider__code", label=_("Provider"))
    regency = django_filters.CharFilter(
        field_name="warkop__village__district__regency_id", label=_("Regency/city")
    )
    is_active = django_filters.BooleanFilter(label=_("Active"))
    unverified = django_filters.BooleanFilter(method="filter_unverified", label=_("Unverified"))

    class Meta:
        model = ServiceOffering
        fields = ["warkop", "category", "provider", "regency", "is_active", "unverified"]

    def filter_unverified(self, queryset, name, value):
        if value is None:
            return queryset
        unverified = ServiceOffering.objects.unverified().values("pk")
        return queryset.filter(pk__in=unverified) if value else queryset.exclude(pk__in=unverified)
