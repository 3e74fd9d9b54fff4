"""The payment services' export (CSV/XLSX through `portal.core.exports`): every offering of the
kiosks in the reader's scope, with the kiosk's list filters. Columns declared once here."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.exports import Column

COLUMNS = [
    Column(_("Kiosk id"), "warkop_id"),
    Column(_("Kiosk"), "warkop__name"),
    Column(_("Sample data"), "warkop__is_sample"),
    Column(_("Village code"), "warkop__village_id"),
    Column(_("Village"), "warkop__village__name"),
    Column(_("Kecamatan"), "warkop__village__district__name"),
    Column(_("Regency/city"), "warkop__village__district__regency__name"),
    Column(_("Service"), "category__label"),
    Column(_("Provider"), "provider__name"),
    Column(_("Fee (Rp)"), "fee"),
    Column(_("Hours"), "hours"),
    Column(_("Active"), "is_active"),
    Column(_("Last checked on"), "last_checked_on"),
    Column(_("Notes"), "notes"),
]


def offering_rows(queryset):
    return queryset.order_by("warkop__village_id", "warkop__name", "category__name").values(
        *(column.value for column in COLUMNS)
    )


def of_kiosks(offerings, kiosks):
    """The offerings of `kiosks` (a filtered kiosk queryset)."""
    return offerings.filter(Q(warkop__in=kiosks.values("pk")))
