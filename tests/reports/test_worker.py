"""The reports' tasks through a real Celery worker against Redis and the test database: a report
generated twice stays one report with one PDF; the weekly beat task makes the week's report once;
a signed report is never generated again."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from portal.reports import services
from portal.reports.models import Report, ReportKind, ReportStatus
from tests.celery_worker import celery_worker
from tests.reports.factories import current_programme, select_pilot

pytestmark = pytest.mark.worker


@pytest.fixture
def worker(committed_registry, tmp_path, report_media):
    """A worker writing the PDFs where this test reads them (MEDIA_ROOT)."""
    with celery_worker(tmp_path, MEDIA_ROOT=str(report_media)) as queue:
        yield queue


def run(queue, task, *args):
    return task.apply_async(args=args, queue=queue).get(timeout=180)


def pdfs(media: Path) -> list[str]:
    folder = media / "reports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_real_worker_generates_once_per_period_and_never_a_signed_report(
    worker, staff_user, report_media
):
    from portal.reports.tasks import generate_report, generate_weekly_report

    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    programme = current_programme(today - datetime.timedelta(days=30))
    select_pilot("17.01.01.2001", staff_user, on=yesterday)

    # "Generate now", twice: one report, ready, one PDF (the first one replaced).
    report = services.report_request(
        programme=programme, kind=ReportKind.FINAL, on=today, by=staff_user
    )
    first = run(worker, generate_report, report.pk)
    second = run(worker, generate_report, report.pk)
    assert first == second == {"report": report.pk, "status": ReportStatus.READY}
    report.refresh_from_db()
    assert report.data["totals"]["districts_with_pilot"] == 1
    assert pdfs(report_media) == [Path(report.pdf.name).name]
    assert (report_media / report.pdf.name).read_bytes().startswith(b"%PDF")

    # The weekly beat entry: the seven days up to yesterday, once however often it runs.
    weekly = run(worker, generate_weekly_report)
    again = run(worker, generate_weekly_report)
    assert weekly == again and weekly["status"] == ReportStatus.READY
    week = Report.objects.get(pk=weekly["report"])
    assert (week.kind, week.period_start, week.period_end) == (
        ReportKind.WEEKLY,
        yesterday - datetime.timedelta(days=6),
        yesterday,
    )
    assert Report.objects.count() == 2 and len(pdfs(report_media)) == 2

    # Signed off: frozen. The beat leaves it as signed, and so does a task already queued.
    services.report_sign_off(report=week, by=staff_user)
    week.refresh_from_db()
    kept = (week.pdf.name, week.generated_at, (report_media / week.pdf.name).read_bytes())
    assert run(worker, generate_weekly_report) is None
    assert run(worker, generate_report, week.pk) == {
        "report": week.pk,
        "status": ReportStatus.READY,
    }
    week.refresh_from_db()
    assert (week.pdf.name, week.generated_at, (report_media / week.pdf.name).read_bytes()) == kept
    assert week.signed_by == staff_user
