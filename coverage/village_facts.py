"""What coverage adds to the registry's pilot-choice facts (villages/extensions.py): each village's
connectivity status and best signal, from its verified surveys (`with_connectivity`, one LEFT
JOIN). Only for those who may read village connectivity. Registered in `CoverageConfig.ready`."""

from django.utils.translation import gettext as _

from villages.extensions import NO_DATA, Cell, VillageFact

from .models import TECHNOLOGY_RANK, ConnectivityStatus, Technology
from .selectors import with_connectivity

STYLESHEET = "coverage/coverage.css"


def status_cell(village) -> Cell:
    status = ConnectivityStatus(village.connectivity)
    if status == ConnectivityStatus.NO_DATA:
        return Cell(str(NO_DATA), badge="status-badge status-no_data")
    order = ConnectivityStatus.values.index(status)
    return Cell(str(status.label), order, badge=f"status-badge status-{status.value}")


def signal_cell(village) -> Cell:
    if not village.survey_count:
        return Cell(str(NO_DATA))
    technology = Technology(village.best_technology)
    operators = _("%(n)s operator(s)") % {"n": village.operator_count}
    return Cell(
        str(technology.label),
        (TECHNOLOGY_RANK.index(technology), village.operator_count),
        badge=f"signal-badge signal-{technology.value}",
        title=operators,
    )


def status_summary(villages) -> Cell:
    """How many villages of the kecamatan have each status, e.g. "2 Good 4G · 1 Blank spot"."""
    counts = {}
    for village in villages:
        counts[village.connectivity] = counts.get(village.connectivity, 0) + 1
    choices = ConnectivityStatus.choices
    parts = [f"{counts[status]} {label}" for status, label in choices if status in counts]
    return Cell(" · ".join(parts) if parts else str(NO_DATA))


def village_facts(user) -> list[VillageFact]:
    if not user.has_perm("coverage.view_villageconnectivity"):
        return []
    return [
        VillageFact(
            "connectivity",
            _("Connectivity"),
            status_cell,
            annotate=with_connectivity,
            summary=status_summary,
            stylesheet=STYLESHEET,
            order=10,
        ),
        VillageFact("signal", _("Best signal"), signal_cell, stylesheet=STYLESHEET, order=11),
    ]
