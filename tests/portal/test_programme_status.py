"""Statuses that cannot flatter: targets come from the programme, and without a trend a metric's
progress is compared with the share of its window already spent (docs/programme-status.md)."""

import datetime
import re

import pytest
from django.utils import timezone

from portal.programme import services
from portal.programme.calendar import WorkingCalendar
from portal.programme.metrics import (
    metric_kiosks_with_services,
    metric_pilots_with_verified_survey,
)
from portal.programme.models import MilestoneStatus
from portal.programme.status import evaluate_status
from tests.coverage.factories import verified_survey
from tests.factories import MilestoneFactory, ProgrammeFactory
from villages.models import Pilot, PilotStatus, Village

D = datetime.date
START = D(2026, 11, 2)  # Monday, working day 1

pytestmark = pytest.mark.django_db


def select_one_pilot(user) -> Pilot:
    village = Village.objects.get(code="17.01.01.2001")
    return Pilot.objects.create(
        village=village,
        status=PilotStatus.SELECTED,
        proposed_on=START,
        proposed_by="Camat",
        proposal_reason="Warung kopi di simpang.",
        recorded_by=user,
        decided_on=START,
        decided_by=user,
        decision_reason="Layak.",
    )


@pytest.fixture
def programme():
    programme = ProgrammeFactory(name="100 hari (uji status)", start_date=START)
    services.programme_make_current(programme=programme)
    return programme


def day_number(programme, number: int) -> D:
    calendar = WorkingCalendar.for_programme(programme)
    return calendar.date_of(number)


def test_day_25_of_45_with_1_of_129_kecamatan_is_at_risk_not_on_track(programme, staff_user):
    """The observed case: no trend yet, 1 of 129 kecamatan with a pilot on working day 25 of the
    milestone's 45: 0.8 % done with 56 % of the time spent."""
    milestone = MilestoneFactory(
        programme=programme, kind="metric", metric="pilot_districts", due_day=45
    )
    select_one_pilot(staff_user)
    [snapshot] = services.programme_evaluate(programme=programme, on=day_number(programme, 25))
    row = snapshot.milestones[str(milestone.pk)]
    assert (row["value"], row["target"]) == (1, 129)
    assert row["status"] == MilestoneStatus.AT_RISK


def test_survey_milestone_1_of_129_is_not_done(programme, staff_user):
    """One selected pilot with a verified survey: 1 of the 129 pilots planned, not "1 / 1 done"."""
    milestone = MilestoneFactory(
        programme=programme, kind="metric", metric="pilots_with_verified_survey", due_day=45
    )
    pilot = select_one_pilot(staff_user)
    from portal.core.roles import Role
    from tests.factories import UserFactory

    officer = UserFactory(username="petugas", role=Role.OFFICER, scope__regencies=["17.01"])
    supervisor = UserFactory(username="penyelia", role=Role.SUPERVISOR, scope__regencies=["17.01"])
    verified_survey(officer, supervisor, village=pilot.village.code)
    assert metric_pilots_with_verified_survey() == (1, 129)
    [snapshot] = services.programme_evaluate(programme=programme, on=day_number(programme, 25))
    row = snapshot.milestones[str(milestone.pk)]
    assert row["target"] == 129 and row["status"] != MilestoneStatus.DONE


def test_no_metric_has_a_zero_target():
    """ "Layanan pembayaran 0 / —" cannot happen: the kiosks planned are the target."""
    assert metric_kiosks_with_services() == (0, 129)


@pytest.mark.parametrize(
    ("day", "value", "expected"),
    [
        (1, 0, MilestoneStatus.ON_TRACK),  # 2 % of the time spent, within the tolerance
        (25, 1, MilestoneStatus.AT_RISK),  # 56 % spent, 0.8 % done
        (25, 60, MilestoneStatus.ON_TRACK),  # 56 % spent, 47 % done: within 10 points
        (25, 55, MilestoneStatus.AT_RISK),  # 43 % done: 13 points behind
        (45, 128, MilestoneStatus.ON_TRACK),  # the due day itself, 99 % done
        (46, 128, MilestoneStatus.LATE),
        (30, 129, MilestoneStatus.DONE),
    ],
)
def test_the_window_rule(programme, day, value, expected):
    milestone = MilestoneFactory(
        programme=programme, kind="metric", metric="pilot_districts", due_day=45
    )
    status = evaluate_status(
        milestone=milestone, day=day, on=START, value=value, target=129, trend=None
    )
    assert status == expected


def test_a_fresh_install_shows_live_figures_before_the_first_evaluation(
    programme, staff_user, staff_client
):
    """No snapshot yet (before 17:00 on the first day): the page shows the live value and a
    status, not "not measured yet"."""
    MilestoneFactory(
        programme=programme,
        title="Desa percontohan di setiap kecamatan",
        kind="metric",
        metric="pilot_districts",
        due_day=45,
    )
    select_one_pilot(staff_user)
    assert not programme.snapshots.exists()
    page = staff_client.get("/programme/").content.decode()
    assert "Belum terukur" not in page
    assert "<strong>1</strong> / 129" in page
    assert "Belum dicatat" in page
    # Live: a second pilot moves the page at once, with still no snapshot.
    village = Village.objects.exclude(district_id="17.01.01").order_by("code").first()
    Pilot.objects.create(
        village=village,
        status=PilotStatus.SELECTED,
        proposed_on=timezone.localdate(),
        proposed_by="Camat",
        proposal_reason="x",
        recorded_by=staff_user,
        decided_on=timezone.localdate(),
        decided_by=staff_user,
        decision_reason="y",
    )
    page = staff_client.get("/programme/").content.decode()
    assert "<strong>2</strong> / 129" in page
    assert not programme.snapshots.exists()


def test_sample_kiosks_are_said_not_counted(programme, staff_client):
    from tests.warkop.factories import WarkopFactory

    WarkopFactory(is_sample=True, status="operational")
    page = staff_client.get("/programme/").content.decode()
    assert "1 kiosk contoh tidak dihitung" in page


def test_evaluate_now_needs_the_permission_and_a_post(programme, client, staff_client):
    from portal.core.roles import Role
    from tests.factories import UserFactory

    url = f"/programme/{programme.pk}/evaluate/"
    assert staff_client.get(url).status_code == 405
    officer = UserFactory(username="petugas", role=Role.OFFICER, scope__regencies=["17.01"])
    client.force_login(officer)
    assert client.post(url).status_code == 403


def test_a_long_title_wraps_on_the_timeline_instead_of_being_cut(programme, staff_client):
    title = "Inventarisasi titik blank spot dan jaringan serat optik di setiap desa (blank spot)"
    MilestoneFactory(programme=programme, kind="manual", title=title, due_day=20)
    page = staff_client.get("/programme/").content.decode()
    svg = page[page.index('<figure class="programme-timeline">') :].split("</svg>")[0]
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert len(lines) > 1 and " ".join(lines) == f"20 · {title}"
    assert "…" not in svg
