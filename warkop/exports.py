"""The kiosk list's export (CSV/XLSX through `portal.core.exports`): its columns, declared once."""

from django.utils.translation import gettext_lazy as _

from portal.core.exports import Column, latitude, longitude

from .models import Connectivity, WarkopStatus

COLUMNS = [
    Column(_("Id"), "pk"),
    Column(_("Name"), "name"),
    Column(_("Sample data"), "is_sample"),
    Column(_("Village code"), "village_id"),
    Column(_("Village"), "village__name"),
    Column(_("Kecamatan"), "village__district__name"),
    Column(_("Regency/city"), "village__district__regency__name"),
    Column(_("Status"), "status", WarkopStatus),
    Column(_("Status since"), "status_changed_on"),
    Column(_("Stale"), "is_stale"),
    Column(_("Last check-in"), "last_check_in_at"),
    Column(_("Owner"), "owner_name"),
    Column(_("Owner's phone"), "owner_phone"),
    Column(_("Partner organisation"), "organisation__name"),
    Column(_("Latitude"), "latitude"),
    Column(_("Longitude"), "longitude"),
    Column(_("Connectivity"), "connectivity", Connectivity),
    Column(_("Internet provider"), "connectivity_provider"),
    Column(_("Learning room"), "has_learning_room"),
    Column(_("Seats"), "learning_room_seats"),
    Column(_("Devices"), "learning_room_devices"),
    Column(_("Opening hours"), "opening_hours"),
    Column(_("Address"), "address"),
]
FIELDS = [column.value for column in COLUMNS if column.value not in ("latitude", "longitude")]


def export_rows(queryset):
    """The (scoped, filtered) kiosks as plain rows, coordinates read in SQL (6 decimals)."""
    return queryset.annotate(latitude=latitude("location"), longitude=longitude("location")).values(
        *FIELDS, "latitude", "longitude"
    )
