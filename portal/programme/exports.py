"""The milestones' export (CSV/XLSX through `portal.core.exports`), with their live status and
figures as the programme page shows them. Columns declared once here."""

from django.utils.translation import gettext_lazy as _

from portal.core.exports import Column

from .models import Metric, MilestoneKind, MilestoneStatus

COLUMNS = [
    Column(_("Due working day"), "due_day"),
    Column(_("Due date"), "due_date"),
    Column(_("Milestone"), "title"),
    Column(_("Responsible unit"), "responsible_unit"),
    Column(_("Responsible person"), "responsible_person"),
    Column(_("Kind"), "kind", MilestoneKind),
    Column(_("Metric"), "metric", Metric),
    Column(_("Value"), "value"),
    Column(_("Target"), "target_value"),
    Column(_("Status"), "status", MilestoneStatus),
    Column(_("Done on"), "done_on"),
]


def milestone_rows(milestones) -> list[dict]:
    """`milestones` as `programme_summary` gives them (live), as rows."""
    rows = []
    for milestone in milestones:
        person = milestone.responsible_person
        rows.append(
            {
                "due_day": milestone.due_day,
                "due_date": milestone.due_date,
                "title": milestone.title,
                "responsible_unit": milestone.responsible_unit,
                "responsible_person": (person.get_full_name() or person.username) if person else "",
                "kind": milestone.kind,
                "metric": milestone.metric,
                "value": milestone.value,
                "target_value": milestone.target_value,
                "status": milestone.status,
                "done_on": milestone.done_on,
            }
        )
    return rows
