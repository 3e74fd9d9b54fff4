"""Helpers of the reports' tests: a current programme with a measured milestone, a selected pilot
village."""

import datetime

from portal.programme import services as programme_services
from tests.factories import MilestoneFactory, ProgrammeFactory
from villages.models import Pilot, PilotStatus, Village


def current_programme(start: datetime.date, name: str = "100 Hari Kerja Gubernur"):
    """The current programme, from `start`, with the pilot milestone (measured, due day 45)."""
    programme = ProgrammeFactory(name=name, start_date=start)
    programme_services.programme_make_current(programme=programme)
    MilestoneFactory(
        programme=programme,
        title="Desa percontohan di setiap kecamatan",
        kind="metric",
        metric="pilot_districts",
        due_day=45,
    )
    return programme


def select_pilot(code: str, user, *, on: datetime.date, proposed_by: str = "Camat") -> Pilot:
    """The village `code` selected as a pilot on `on` (recorded as the pilot services do)."""
    return Pilot.objects.create(
        village=Village.objects.get(code=code),
        status=PilotStatus.SELECTED,
        proposed_on=on - datetime.timedelta(days=5),
        proposed_by=proposed_by,
        proposal_reason="Warung kopi di simpang.",
        recorded_by=user,
        decided_on=on,
        decided_by=user,
        decision_reason="Layak.",
    )
