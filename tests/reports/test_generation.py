"""Generating and signing off: a render that fails leaves a failed report with its reason, and
"generate now" tries again; the sign-off is audited (who, when, through which page); a report
that is not ready cannot be signed; bad input on the pages is a message, never a 500."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.core.roles import Role
from portal.reports import services
from portal.reports.models import Report, ReportKind, ReportStatus
from tests.factories import UserFactory
from tests.reports.factories import current_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return current_programme(timezone.localdate() - datetime.timedelta(days=20))


@pytest.fixture
def broken_print_page(settings, tmp_path):
    """The print page replaced by one that cannot render (a link to a page that does not exist):
    what a failed render looks like, without mocking anything."""
    folder = tmp_path / "templates" / "portal" / "reports"
    folder.mkdir(parents=True)
    (folder / "print.html").write_text("{% url 'reports:no-such-page' %}")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]


def test_a_failed_render_is_said_and_generating_again_repairs_it(
    programme, staff_user, settings, broken_print_page
):
    report = services.report_request(
        programme=programme, kind=ReportKind.WEEKLY, on=timezone.localdate(), by=staff_user
    )
    with pytest.raises(Exception, match="no-such-page"):
        services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "no-such-page" in report.error and not report.pdf

    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": settings.TEMPLATES[0]["DIRS"][1:]}]
    again = services.report_request(
        programme=programme, kind=ReportKind.WEEKLY, on=timezone.localdate(), by=staff_user
    )
    assert (again.pk, again.status, again.error) == (report.pk, ReportStatus.GENERATING, "")
    ready = services.report_generate(report_id=again.pk)
    assert ready.status == ReportStatus.READY and ready.pdf and ready.error == ""


def test_a_signed_report_is_never_marked_failed(programme, staff_user):
    report = services.report_request(
        programme=programme, kind=ReportKind.FINAL, on=timezone.localdate(), by=staff_user
    )
    services.report_generate(report_id=report.pk)
    services.report_sign_off(report=report, by=staff_user)
    services.report_mark_failed(report_id=report.pk, error="queue down")
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.error == ""


def test_only_a_ready_report_is_signed(programme, staff_user):
    report = services.report_request(
        programme=programme, kind=ReportKind.WEEKLY, on=timezone.localdate(), by=staff_user
    )
    with pytest.raises(ValidationError):
        services.report_sign_off(report=report, by=staff_user)
    assert not Report.objects.get(pk=report.pk).is_signed


def test_the_sign_off_is_audited_with_who_and_when(programme, staff_user, staff_client):
    signer = UserFactory(
        username="kepala-tim", first_name="Rina", last_name="Wulandari", role=Role.PROVINCIAL_STAFF
    )
    report = services.report_request(
        programme=programme, kind=ReportKind.WEEKLY, on=timezone.localdate(), by=staff_user
    )
    services.report_generate(report_id=report.pk)
    staff_client.force_login(signer)
    response = staff_client.post(f"/reports/{report.pk}/sign/")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.signed_by == signer and report.signed_at is not None

    event = report.events.order_by("-pgh_id").first()
    assert event.pgh_label == "update"
    assert event.signed_by_id == signer.pk and event.signed_at == report.signed_at
    assert event.pgh_context.metadata["user"] == signer.pk
    assert not hasattr(event, "data")  # the figures are not copied into the audit trail
    audit = staff_client.get("/accounts/audit/", {"model": "reports.Report"})
    assert audit.status_code == 200
    assert "Rina Wulandari" in audit.content.decode()


def test_the_pages_answer_bad_input_with_a_message(programme, staff_client):
    response = staff_client.post("/reports/generate/", {"kind": "monthly"}, follow=True)
    assert response.status_code == 200
    assert "Jenis laporan tidak dikenal" in response.content.decode()
    assert not Report.objects.exists()
    assert staff_client.post("/reports/999999/sign/").status_code == 404
    assert staff_client.get("/reports/999999/pdf/").status_code == 404
    assert staff_client.get("/reports/generate/").status_code == 405


def test_the_tasks_retry_have_time_limits_and_the_weekly_report_a_beat_entry(settings):
    from portal.reports.tasks import generate_report, generate_weekly_report

    for task in (generate_report, generate_weekly_report):
        assert task.max_retries and task.autoretry_for
        assert 0 < task.soft_time_limit < task.time_limit
    entry = settings.CELERY_BEAT_SCHEDULE["reports-weekly"]
    assert entry["task"] == generate_weekly_report.name
