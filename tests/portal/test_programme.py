"""The programme's daily evaluation, statuses, notifications, digest, pages and API (in-process;
tests/portal/test_programme_worker.py runs the same through a real Celery worker)."""

import datetime
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.accounts.services import api_token_create
from portal.core.roles import Role
from portal.programme import services
from portal.programme.calendar import WorkingCalendar, programme_day
from portal.programme.charts import BurnUp
from portal.programme.metrics import metric_operational_kiosks, metric_pilot_districts
from portal.programme.models import Milestone, Notification, ProgrammeSnapshot
from portal.programme.status import Trend
from tests.factories import MilestoneFactory, ProgrammeFactory, UserFactory
from tests.figures import computed
from villages.models import District, Pilot, PilotStatus, Village
from villages.services import pilot_decide, pilot_propose

D = datetime.date
# Mon 2 Nov 2026: working day 1; no holiday until 24 Dec 2026.
START = D(2026, 11, 2)

pytestmark = pytest.mark.django_db


def select_pilots_except(last_district: District, user) -> None:
    """A selected pilot in every kecamatan but `last_district` (one village each)."""
    villages = {}
    for village in Village.objects.exclude(district=last_district).order_by("code"):
        villages.setdefault(village.district_id, village)
    Pilot.objects.bulk_create(
        Pilot(
            village=village,
            status=PilotStatus.SELECTED,
            proposed_on=START,
            proposed_by="Camat",
            proposal_reason="Warung kopi di simpang kecamatan.",
            recorded_by=user,
            decided_on=START,
            decided_by=user,
            decision_reason="Layak.",
        )
        for village in villages.values()
    )


@pytest.fixture
def programme():
    programme = ProgrammeFactory(name="100 hari (uji)", start_date=START)
    services.programme_make_current(programme=programme)
    return programme


@pytest.fixture
def owner():
    return UserFactory(username="pj-dpmd", role=Role.PROVINCIAL_STAFF)


@pytest.fixture
def pilot_milestone(programme, owner):
    return MilestoneFactory(
        programme=programme,
        title="Desa percontohan di setiap kecamatan",
        kind="metric",
        metric="pilot_districts",
        due_day=45,
        responsible_person=owner,
    )


def test_one_programme_is_current(programme):
    other = ProgrammeFactory()
    services.programme_make_current(programme=other)
    programme.refresh_from_db()
    assert not programme.is_current and other.is_current


def test_evaluating_twice_on_a_day_updates_its_snapshot(programme, pilot_milestone, staff_user):
    services.programme_evaluate(programme=programme, on=D(2026, 11, 4))
    snapshot = ProgrammeSnapshot.objects.get(programme=programme, date=D(2026, 11, 4))
    assert snapshot.day_number == 3
    assert snapshot.milestones[str(pilot_milestone.pk)]["value"] == 0
    assert snapshot.milestones[str(pilot_milestone.pk)]["target"] == 129

    village = Village.objects.order_by("code").first()
    pilot = pilot_propose(village=village, proposed_by="Camat", reason="Siap.", by=staff_user)
    pilot_decide(pilot=pilot, status="selected", reason="Layak.", by=staff_user)
    services.programme_evaluate(programme=programme, on=D(2026, 11, 4))
    assert ProgrammeSnapshot.objects.filter(programme=programme).count() == 1
    snapshot.refresh_from_db()
    assert snapshot.milestones[str(pilot_milestone.pk)]["value"] == 1
    assert not snapshot.backfilled


def test_missed_days_are_filled_in_with_the_last_measured_values(programme, pilot_milestone):
    manual = MilestoneFactory(programme=programme, title="SK Tim Percepatan", due_day=5)
    services.programme_evaluate(programme=programme, on=D(2026, 11, 4))  # day 3
    rows = services.programme_evaluate(programme=programme, on=D(2026, 11, 10))  # day 7
    assert [row.date for row in rows] == [D(2026, 11, d) for d in (5, 6, 7, 8, 9, 10)]
    snapshots = list(ProgrammeSnapshot.objects.filter(programme=programme).order_by("date"))
    assert [s.date.day for s in snapshots] == [4, 5, 6, 7, 8, 9, 10]
    assert [s.day_number for s in snapshots] == [3, 4, 5, 5, 5, 6, 7]
    assert [s.backfilled for s in snapshots] == [False, True, True, True, True, True, False]
    assert [s.is_working_day for s in snapshots] == [True, True, True, False, False, True, True]
    # The manual milestone (due day 5) is at risk, then late from day 6 on.
    statuses = [s.milestones[str(manual.pk)]["status"] for s in snapshots]
    assert statuses == ["at_risk", "at_risk", "at_risk", "at_risk", "at_risk", "late", "late"]
    assert [s.late for s in snapshots] == [0, 0, 0, 0, 0, 1, 1]
    manual.refresh_from_db()
    assert manual.status == "late" and manual.evaluated_on == D(2026, 11, 10)


def test_selecting_the_last_missing_pilot_marks_the_milestone_done_and_notifies_once(
    programme, pilot_milestone, owner, staff_user
):
    last = District.objects.order_by("code").last()
    select_pilots_except(last, staff_user)
    assert metric_pilot_districts() == (128, 129)
    services.programme_evaluate(programme=programme, on=D(2026, 11, 16))  # day 11
    pilot_milestone.refresh_from_db()
    assert (pilot_milestone.status, pilot_milestone.value) == ("on_track", 128)
    assert not Notification.objects.exists()  # first evaluation, on track: nothing to say

    village = last.villages.order_by("code").first()
    pilot = pilot_propose(village=village, proposed_by="Camat", reason="Siap.", by=staff_user)
    pilot_decide(pilot=pilot, status="selected", reason="Layak.", by=staff_user)
    for _run in range(2):
        services.programme_evaluate(programme=programme, on=D(2026, 11, 17))
        services.notifications_email_pending()
    pilot_milestone.refresh_from_db()
    assert (pilot_milestone.status, pilot_milestone.value) == ("done", 129)
    notification = Notification.objects.get()
    assert (notification.recipient, notification.old_status, notification.new_status) == (
        owner,
        "on_track",
        "done",
    )
    assert notification.emailed_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [owner.email]
    assert "Desa percontohan di setiap kecamatan" in mail.outbox[0].subject
    assert f"/programme/milestones/{pilot_milestone.pk}/" in mail.outbox[0].body


def test_a_metric_behind_its_trend_is_at_risk(programme, pilot_milestone, staff_user):
    # No pilot in ten working days: the trend is flat and cannot reach 129 by day 45.
    services.programme_evaluate(programme=programme, on=D(2026, 11, 2))
    services.programme_evaluate(programme=programme, on=D(2026, 11, 13))
    pilot_milestone.refresh_from_db()
    assert pilot_milestone.status == "at_risk"
    team = [UserFactory(role=Role.PROVINCIAL_STAFF) for _i in range(2)]
    assert Notification.objects.filter(recipient=pilot_milestone.responsible_person).count() == 1
    assert not Notification.objects.filter(recipient__in=team).exists()


def test_milestones_without_a_person_notify_the_team(programme):
    team = [UserFactory(role=Role.PROVINCIAL_STAFF) for _i in range(2)]
    UserFactory(role=Role.OFFICER)
    MilestoneFactory(programme=programme, due_day=2)
    services.programme_evaluate(programme=programme, on=D(2026, 11, 5))  # day 4: late
    assert set(Notification.objects.values_list("recipient", flat=True)) >= {u.pk for u in team}
    assert not Notification.objects.filter(recipient__groups__name=Role.OFFICER.value).exists()


def test_manual_milestone_needs_evidence_and_is_done_when_recorded(
    programme, staff_client, staff_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    milestone = MilestoneFactory(programme=programme, due_day=10)
    url = f"/programme/milestones/{milestone.pk}/record/"
    response = staff_client.post(url, {"done_on": "2026-11-03"})
    assert response.status_code == 200
    assert "evidence" in response.content.decode().lower() or response.context["form"].errors
    milestone.refresh_from_db()
    assert milestone.done_on is None

    document = SimpleUploadedFile("sk-tim-percepatan.pdf", b"%PDF-1.4 sample", "application/pdf")
    response = staff_client.post(url, {"done_on": "2026-11-03", "evidence_file": document})
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == D(2026, 11, 3)
    assert milestone.recorded_by == staff_user
    assert milestone.status == "done"  # evaluated again at once
    download = staff_client.get(f"/programme/milestones/{milestone.pk}/evidence/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 sample"


def test_metric_milestones_cannot_be_recorded_by_hand(programme, pilot_milestone, staff_client):
    url = f"/programme/milestones/{pilot_milestone.pk}/record/"
    assert staff_client.get(url).status_code == 404


def test_weekly_digest_is_sent_once_per_week(programme, pilot_milestone):
    [UserFactory(role=Role.PROVINCIAL_STAFF) for _i in range(3)]
    UserFactory(role=Role.OFFICER)  # not the team
    team = list(services.programme_team())
    assert len(team) == 4  # three, and the pilot milestone's owner
    services.programme_evaluate(programme=programme, on=timezone.localdate())
    monday = D(2026, 11, 23)
    digest = services.weekly_digest_send(programme=programme, week=monday)
    assert digest.recipients == 4
    assert services.weekly_digest_send(programme=programme, week=monday) is None
    assert len(mail.outbox) == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in team)
    assert programme.name in mail.outbox[0].body


def test_trend_projection_says_whether_the_target_is_reached_in_time(programme):
    milestone = MilestoneFactory(programme=programme, kind="metric", metric="pilot_districts")
    milestone.due_day = 45
    calendar = WorkingCalendar(START)
    trend = Trend([(1, 0), (6, 20), (11, 40)])  # 4 a working day
    assert trend.slope == pytest.approx(4.0)
    assert trend.reach_day(11, 40, 129) == 34  # 89 more at 4 a day: 23 working days
    chart = BurnUp(milestone, 100, 11, 129, 40, [(1, 0, False), (11, 40, False)], trend, calendar)
    assert chart.verdict["tone"] == "ok"
    assert "34" in chart.verdict["text"]
    slow = Trend([(1, 0), (10, 9)])  # 1 a working day: 130 only on day 131
    chart = BurnUp(milestone, 100, 10, 129, 9, [(1, 0, False), (10, 9, False)], slow, calendar)
    assert chart.verdict["tone"] == "risk"
    assert "99" in chart.verdict["text"]  # 9 + 90 by day 100


def test_kiosk_metric_reads_the_kiosk_register():
    from django.apps import apps

    try:
        warkop = apps.get_model("warkop", "Warkop")
    except LookupError:
        pytest.skip("warkop.Warkop is not in this checkout yet (issue 4)")
    value, target = metric_operational_kiosks()
    assert value == warkop.objects.operational().count()
    # The target is the programme's (a kiosk per pilot, a pilot per kecamatan), not what exists.
    assert target == District.objects.count() == 129


# --- Pages and API ------------------------------------------------------------------------------


def grow(programme, days: int) -> None:
    for offset in range(days):
        services.programme_evaluate(programme=programme, on=START + datetime.timedelta(days=offset))


def test_programme_page_shows_day_timeline_and_burn_ups(programme, pilot_milestone, staff_client):
    MilestoneFactory(programme=programme, title="SK Tim Percepatan", due_day=10)
    grow(programme, 3)
    response = staff_client.get("/programme/")
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["day"].number >= 3
    for section in (
        "programme-day",
        "programme-timeline",
        "programme-burnup",
        "programme-holidays",
    ):
        assert f'id="{section}"' in html, section
    assert 'class="timeline-dot"' in html
    assert f'id="burnup-{pilot_milestone.pk}"' in html
    assert 'class="chart-line"' in html
    assert "style=" not in html and "<script>" not in html  # CSP: no inline styles or scripts
    assert "Natal" in html or "Christmas" in html  # 25 Dec 2026 lies within the 100 days


def test_programme_page_query_count_is_constant(
    programme, pilot_milestone, staff_client, django_assert_num_queries
):
    grow(programme, 2)
    with django_assert_num_queries(PROGRAMME_PAGE_QUERIES):
        assert computed(staff_client, "/programme/").status_code == 200
    for n in range(6):
        MilestoneFactory(programme=programme, due_day=20 + n)
    grow(programme, 12)
    with django_assert_num_queries(PROGRAMME_PAGE_QUERIES):
        assert computed(staff_client, "/programme/").status_code == 200


# 8 + the recent snapshots, the live metric (one query per metric in use) and the sample kiosks;
# + the data's version and the user's groups (portal.core.roles.user_access: the figures cache
# emptied, as after a write).
PROGRAMME_PAGE_QUERIES = 13


def test_milestone_page_query_count_is_constant(
    programme, pilot_milestone, staff_client, django_assert_num_queries
):
    grow(programme, 2)
    url = f"/programme/milestones/{pilot_milestone.pk}/"
    with django_assert_num_queries(MILESTONE_PAGE_QUERIES):
        assert computed(staff_client, url).status_code == 200
    grow(programme, 15)
    with django_assert_num_queries(MILESTONE_PAGE_QUERIES):
        response = computed(staff_client, url)
    assert len(response.context["history"]) == 15


MILESTONE_PAGE_QUERIES = 10  # with the version and the groups, as above


def test_dashboard_shows_day_n_and_the_milestones_at_risk_or_late(programme, staff_client):
    late = MilestoneFactory(programme=programme, title="SK Tim Percepatan", due_day=2)
    services.programme_evaluate(programme=programme, on=D(2026, 11, 10))
    response = staff_client.get("/")
    html = response.content.decode()
    assert 'id="programme-summary"' in html
    assert late.title in html
    day = response.context["programme_section"]["day"]
    assert day.number == programme_day(programme, timezone.localdate()).number
    assert f'<span class="big-number">{day.shown_number}</span>' in html
    assert [m.pk for m in response.context["programme_section"]["attention"]] == [late.pk]


def test_status_endpoint_feeds_the_header(programme, client):
    user = UserFactory(role=Role.OFFICER)
    client.force_login(user)
    body = client.get("/programme/status.json").json()
    assert body["programme"]["length"] == 100
    assert body["programme"]["end"] > body["programme"]["start"]
    assert body["unread"] == 0
    client.force_login(UserFactory(role=Role.PARTNER))
    assert client.get("/programme/status.json").json()["programme"] is None


def test_notifications_are_listed_and_marked_read(programme, owner, client):
    MilestoneFactory(programme=programme, due_day=2, responsible_person=owner)
    services.programme_evaluate(programme=programme, on=D(2026, 11, 10))
    client.force_login(owner)
    assert client.get("/programme/status.json").json()["unread"] == 1
    assert "is-unread" in client.get("/programme/notifications/").content.decode()
    client.post("/programme/notifications/read/")
    assert client.get("/programme/status.json").json()["unread"] == 0


def test_staff_add_a_non_working_day_on_the_page(staff_client):
    response = staff_client.post(
        "/programme/non-working-days/",
        {"date": "2026-12-31", "name": "Cuti bersama tambahan", "kind": "collective_leave"},
    )
    assert response.status_code == 302
    assert (
        "Cuti bersama tambahan" in staff_client.get("/programme/non-working-days/").content.decode()
    )


def test_api_reads_programme_milestones_and_snapshots(programme, pilot_milestone, staff_client):
    grow(programme, 3)
    current = staff_client.get("/api/v1/programmes/current/").json()
    assert current["id"] == programme.pk and current["length_working_days"] == 100
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", current["end_date"])
    milestones = staff_client.get(f"/api/v1/milestones/?programme={programme.pk}").json()
    assert [m["id"] for m in milestones["results"]] == [pilot_milestone.pk]
    assert milestones["results"][0]["target_value"] == 129
    snapshots = staff_client.get(f"/api/v1/snapshots/?programme={programme.pk}").json()
    assert [s["date"] for s in snapshots["results"]] == ["2026-11-02", "2026-11-03", "2026-11-04"]


def test_api_records_a_manual_milestone_with_a_read_write_token(programme, staff_user, client):
    milestone = MilestoneFactory(programme=programme, due_day=10)
    read_token = api_token_create(user=staff_user, name="r", access="read", valid_days=1)
    write_token = api_token_create(user=staff_user, name="w", access="read_write", valid_days=1)
    url = f"/api/v1/milestones/{milestone.pk}/record/"
    body = {"done_on": "2026-11-05", "evidence_url": "https://example.org/sk.pdf"}
    response = client.post(url, body, HTTP_AUTHORIZATION=f"Bearer {read_token[1]}")
    assert response.status_code == 403
    response = client.post(url, body, HTTP_AUTHORIZATION=f"Bearer {write_token[1]}")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done"
    assert Milestone.objects.get(pk=milestone.pk).evidence_url == "https://example.org/sk.pdf"
    response = client.post(
        url, {"done_on": "2026-11-05"}, HTTP_AUTHORIZATION=f"Bearer {write_token[1]}"
    )
    assert response.status_code == 200  # the evidence already on record still counts


def test_beat_schedule_runs_the_evaluation_and_the_digest(settings):
    from portal.celery import app

    schedule = settings.CELERY_BEAT_SCHEDULE
    daily = schedule["programme-evaluate-daily"]
    assert daily["task"] == "portal.tasks.evaluate_current_programme"
    assert daily["schedule"].hour == {17} and daily["schedule"].minute == {0}
    weekly = schedule["programme-weekly-digest"]
    assert weekly["task"] == "portal.tasks.send_weekly_digest"
    assert weekly["schedule"].day_of_week == {1}
    assert settings.CELERY_TIMEZONE == "Asia/Jakarta"
    app.loader.import_default_modules()
    assert {daily["task"], weekly["task"]} <= set(app.tasks)


def test_the_default_programme_is_seeded_with_the_plan():
    from portal.programme.models import Programme

    seeded = Programme.objects.get(name__startswith="100 Hari Kerja Gubernur")
    metrics = set(seeded.milestones.exclude(metric="").values_list("metric", flat=True))
    assert metrics == {
        "pilot_districts",
        "pilots_with_verified_survey",
        "operational_kiosks",
        "kiosks_with_services",
    }
    assert seeded.milestones.filter(kind="manual", title__icontains="SK Gubernur").exists()
    assert seeded.length_working_days == 100
