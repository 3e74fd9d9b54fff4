"""The pilot list's export (CSV/XLSX through `portal.core.exports`): the list for the Governor's
decree, columns declared once here. Who proposed and why are the camat's words on record; the
staff member who decided is named (the list is for staff and the team)."""

from django.utils.translation import gettext_lazy as _

from portal.core.exports import Column

from .models import PilotStatus

COLUMNS = [
    Column(_("Village code"), "village_id"),
    Column(_("Village"), "village__name"),
    Column(_("Kecamatan"), "village__district__name"),
    Column(_("Regency/city"), "village__district__regency__name"),
    Column(_("Status"), "status", PilotStatus),
    Column(_("Proposed on"), "proposed_on"),
    Column(_("Proposed by"), "proposed_by"),
    Column(_("Reason for the proposal"), "proposal_reason"),
    Column(_("Decided on"), "decided_on"),
    Column(_("Reason for the decision"), "decision_reason"),
]


def pilot_rows(queryset):
    return queryset.values(*(column.value for column in COLUMNS))
