"""FilterSets of the 100-day programme (API lists)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Milestone, MilestoneKind, MilestoneStatus, ProgrammeSnapshot


class MilestoneFilterSet(django_filters.FilterSet):
    programme = django_filters.NumberFilter(field_name="programme_id", label=_("Programme"))
    kind = django_filters.ChoiceFilter(choices=MilestoneKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=MilestoneStatus.choices, label=_("Status"))

    class Meta:
        model = Milestone
        fields = ["programme", "kind", "status"]


class ProgrammeSnapshotFilterSet(django_filters.FilterSet):
    programme = django_filters.NumberFilter(field_name="programme_id", label=_("Programme"))
    since = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    until = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("Until"))

    class Meta:
        model = ProgrammeSnapshot
        fields = ["programme", "since", "until"]
