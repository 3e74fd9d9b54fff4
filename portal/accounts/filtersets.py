"""FilterSets of the portal app (HTML lists and API share them)."""

import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from pghistory.models import Events

from .models import Organisation, OrganisationKind

AUDITED_MODELS = [
    ("villages.Province", _("Province")),
    ("villages.Regency", _("Regency/city")),
    ("villages.District", _("Kecamatan")),
    ("villages.Village", _("Village")),
    ("villages.RegistryImport", _("Registry import")),
    ("villages.Pilot", _("Pilot village")),
    ("portal.Organisation", _("Organisation")),
    ("portal.Profile", _("Profile")),
    ("coverage.Survey", _("Coverage survey")),
    ("coverage.Measurement", _("Coverage measurement")),
    ("coverage.SurveyPhoto", _("Survey photo")),
    ("programme.Programme", _("Programme")),
    ("programme.Milestone", _("Milestone")),
    ("programme.NonWorkingDay", _("Non-working day")),
    ("reports.Report", _("Report")),
    ("warkop.Warkop", _("Warkop Digital")),
    ("warkop.WarkopStatusChange", _("Kiosk status change")),
    ("warkop.WarkopPhoto", _("Kiosk photo")),
    ("warkop.CheckIn", _("Check-in")),
    ("warkop.MonthlyReport", _("Monthly report")),
    ("warkop.MonthlyReportLine", _("Monthly report line")),
    ("payments.ServiceCategory", _("Service category")),
    ("payments.Provider", _("Provider")),
    ("payments.ServiceOffering", _("Service offering")),
]


class OrganisationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"))
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices, label=_("Kind"))

    class Meta:
        model = Organisation
        fields = ["q", "kind", "is_active"]


class AuditFilterSet(django_filters.FilterSet):
    model = django_filters.ChoiceFilter(
        field_name="pgh_obj_model", choices=AUDITED_MODELS, label=_("Object type")
    )
    object = django_filters.CharFilter(field_name="pgh_obj_id", label=_("Object id or code"))
    label = django_filters.ChoiceFilter(
        field_name="pgh_label",
        choices=[("insert", _("created")), ("update", _("changed")), ("delete", _("deleted"))],
        label=_("Change"),
    )
    user = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.order_by("username"),
        method="filter_user",
        label=_("User"),
    )
    since = django_filters.DateFilter(
        field_name="pgh_created_at", lookup_expr="date__gte", label=_("From")
    )
    until = django_filters.DateFilter(
        field_name="pgh_created_at", lookup_expr="date__lte", label=_("Until")
    )

    class Meta:
        model = Events
        fields = ["model", "object", "label", "user", "since", "until"]

    def filter_user(self, queryset, name, value):
        return queryset.filter(pgh_context__user=value.pk) if value else queryset
