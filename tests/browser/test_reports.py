"""The weekly report as staff use it: generated from the reports page by a real Celery worker,
listed, downloaded as a PDF through the browser and read back (the text WeasyPrint wrote), then
signed off. Screenshots in test-artifacts/."""

import datetime
import shutil
import subprocess
import time

import pytest
from django.utils import timezone
from pypdf import PdfReader

from portal.core.roles import Role
from portal.programme import services as programme_services
from portal.reports.models import Report, ReportStatus
from tests.celery_worker import celery_worker
from tests.factories import MilestoneFactory, ProgrammeFactory, UserFactory
from villages.models import Pilot, PilotStatus, Village

from .test_dashboard_map import PageWatch

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("committed_registry", "restore_migration_data"),
]

PASSWORD = "a long browser test password"


@pytest.fixture
def worker_queue(committed_registry, tmp_path):
    """A real worker; the portal's tasks go to its queue while the test runs."""
    from portal.celery import app

    with celery_worker(tmp_path) as queue:
        default_queue = app.conf.task_default_queue
        app.conf.task_default_queue = queue
        try:
            yield queue
        finally:
            app.conf.task_default_queue = default_queue


def test_staff_generate_download_and_sign_the_weekly_report(
    live_server, static_files, browser, artifacts, worker_queue, tmp_path
):
    staff = UserFactory(
        username="tim",
        first_name="Rina",
        last_name="Wulandari",
        role=Role.PROVINCIAL_STAFF,
        password=PASSWORD,
    )
    today = timezone.localdate()
    programme = ProgrammeFactory(
        name="100 Hari Kerja Gubernur", start_date=today - datetime.timedelta(days=30)
    )
    programme_services.programme_make_current(programme=programme)
    MilestoneFactory(
        programme=programme,
        title="Desa percontohan di setiap kecamatan",
        kind="metric",
        metric="pilot_districts",
        due_day=45,
    )
    village = Village.objects.get(code="17.01.01.2001")
    Pilot.objects.create(
        village=village,
        status=PilotStatus.SELECTED,
        proposed_on=today,
        proposed_by="Camat",
        proposal_reason="Warung kopi di simpang kecamatan.",
        recorded_by=staff,
        decided_on=today,
        decided_by=staff,
        decision_reason="Layak.",
    )

    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "tim")
    page.fill("input[name=password]", PASSWORD)
    page.click(".login-card button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/reports/")
    page.select_option("#report-kind", "weekly")
    with page.expect_navigation():
        page.click("form[action$='/generate/'] button")
    deadline = time.monotonic() + 90
    while not Report.objects.filter(status=ReportStatus.READY).exists():
        assert time.monotonic() < deadline, Report.objects.values("status", "error").first()
        time.sleep(0.5)
    page.reload()
    page.screenshot(path=str(artifacts / "reports-list.png"), full_page=True)

    with page.expect_download() as download_info:
        page.click("[data-download-pdf]")
    path = artifacts / "reports-weekly.pdf"
    download_info.value.save_as(path)
    if shutil.which("pdftoppm"):  # the PDF's first page as a picture, to look at
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(path)]
            + [str(artifacts / "reports-pdf-page1")],
            check=True,
        )
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())
    assert "Laporan kemajuan mingguan" in text
    assert "100 Hari Kerja Gubernur" in text
    assert "Bengkulu Selatan" in text  # the kabupaten's scorecard
    assert village.name in text  # the pilot list
    assert "Belum disetujui" in text

    report = Report.objects.get()
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.screenshot(path=str(artifacts / "reports-print.png"), full_page=True)
    page.goto(f"{live_server.url}/reports/")
    with page.expect_navigation():
        page.click("form[action$='/sign/'] button")
    assert "Rina Wulandari" in page.locator("#report-table").inner_text()
    report.refresh_from_db()
    assert report.signed_by == staff
    with page.expect_download() as download_info:
        page.click("[data-download-pdf]")
    download_info.value.save_as(tmp_path / "signed.pdf")
    pages = PdfReader(tmp_path / "signed.pdf").pages
    signed = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert "Disetujui oleh Rina Wulandari" in signed
    watch.assert_clean()
