"""The coverage lists' exports (CSV/XLSX through `portal.core.exports`): villages with their
connectivity (and the blank spots among them) and the surveys. Columns declared once here.

Surveys carry personal data (officer identity, notes, exact points): their export needs the
survey permission, which partners do not hold (docs/data-protection.md), and is scoped like the
survey list."""

from django.conf import settings
from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Coalesce, Concat, NullIf
from django.utils.translation import gettext_lazy as _

from portal.core.exports import Column, latitude, longitude
from villages.models import PilotStatus, Village

from . import selectors
from .models import (
    ConnectivityStatus,
    Electricity,
    Fibre,
    PlaceType,
    ReviewStatus,
    Source,
    Technology,
)

VILLAGE_COLUMNS = [
    Column(_("Village code"), "code"),
    Column(_("Village"), "name"),
    Column(_("Kecamatan"), "district__name"),
    Column(_("Regency/city"), "district__regency__name"),
    Column(_("Connectivity"), "connectivity", ConnectivityStatus),
    Column(_("Best technology"), "best_technology", Technology),
    Column(_("Operators with a usable signal"), "operator_count"),
    Column(_("Fibre access point nearby"), "fibre_ready"),
    Column(_("Verified surveys"), "survey_count"),
    Column(_("Latest verified survey"), "latest_survey_at"),
    Column(_("Pilot"), "pilot__status", PilotStatus),
    Column(_("Latitude"), "latitude"),
    Column(_("Longitude"), "longitude"),
]


def connectivity_villages(province: str | None = None):
    """The villages of the portal's province (or of `province`) with their connectivity, ordered
    by code: what the connectivity list, the blank-spot page and their exports read."""
    return (
        selectors.with_connectivity(
            Village.objects.filter(
                district__regency__province_id=province or settings.PORTAL_PROVINCE
            )
        )
        .select_related("district__regency", "pilot")
        .defer("boundary", "district__boundary", "district__regency__boundary")
        .order_by("code")
    )


def village_rows(queryset):
    fields = [c.value for c in VILLAGE_COLUMNS if c.value not in ("latitude", "longitude")]
    return queryset.annotate(latitude=latitude("centroid"), longitude=longitude("centroid")).values(
        *fields, "latitude", "longitude"
    )


SURVEY_COLUMNS = [
    Column(_("Survey id"), "client_uuid"),
    Column(_("Surveyed at"), "observed_at"),
    Column(_("Village code"), "village_id"),
    Column(_("Village"), "village__name"),
    Column(_("Kecamatan"), "village__district__name"),
    Column(_("Regency/city"), "village__district__regency__name"),
    Column(_("Officer"), "officer_name"),
    Column(_("Place"), "place_type", PlaceType),
    Column(_("Best technology"), "best_technology", Technology),
    Column(_("Operators with a signal"), "operators_with_signal"),
    Column(_("Fibre"), "fibre", Fibre),
    Column(_("Distance to fibre (m)"), "fibre_distance_m"),
    Column(_("Fibre provider"), "fibre_provider"),
    Column(_("Electricity"), "electricity", Electricity),
    Column(_("Review"), "review_status", ReviewStatus),
    Column(_("Reviewed by"), "reviewer_name"),
    Column(_("Reviewed at"), "reviewed_at"),
    Column(_("Source"), "source", Source),
    Column(_("Latitude"), "latitude"),
    Column(_("Longitude"), "longitude"),
    Column(_("Position accuracy (m)"), "accuracy_m"),
    Column(_("Notes"), "notes"),
]


def _person(prefix: str):
    """A user's full name, else their username, in SQL."""
    full = NullIf(
        Concat(F(f"{prefix}__first_name"), Value(" "), F(f"{prefix}__last_name")),
        Value(" "),
        output_field=CharField(),
    )
    return Case(
        When(**{f"{prefix}__isnull": True}, then=Value("")),
        default=Coalesce(full, F(f"{prefix}__username")),
        output_field=CharField(),
    )


def survey_rows(queryset):
    computed = ("officer_name", "reviewer_name", "latitude", "longitude")
    fields = [c.value for c in SURVEY_COLUMNS if c.value not in computed]
    return queryset.annotate(
        officer_name=_person("officer"),
        reviewer_name=_person("reviewed_by"),
        latitude=latitude("location"),
        longitude=longitude("location"),
    ).values(*fields, *computed)
