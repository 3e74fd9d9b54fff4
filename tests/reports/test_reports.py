"""Reports: requested, generated (figures computed once, PDF by WeasyPrint), kept, listed and
signed off; a signed report is frozen; sample kiosks are left out and said."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from portal.core.roles import Role
from portal.reports import services
from portal.reports.models import Report, ReportKind, ReportStatus
from portal.reports.pdf import static_file
from tests.factories import UserFactory
from tests.reports.factories import current_programme
from tests.reports.factories import select_pilot as select
from tests.warkop.factories import WarkopFactory
from villages.models import Pilot

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def programme():
    return current_programme(D(2026, 11, 2))


def select_pilot(code: str, user) -> Pilot:
    return select(code, user, on=D(2026, 11, 25))


def pdf_text(report: Report) -> str:
    report.pdf.open("rb")
    try:
        reader = PdfReader(io.BytesIO(report.pdf.read()))
    finally:
        report.pdf.close()
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_weekly_report_is_generated_kept_and_says_what_it_counts(programme, staff_user):
    pilot = select_pilot("17.01.01.2001", staff_user)
    WarkopFactory(name="Warkop Contoh", is_sample=True, status="operational")
    report = services.report_request(
        programme=programme, kind=ReportKind.WEEKLY, on=D(2026, 12, 4), by=staff_user
    )
    assert (report.period_start, report.period_end) == (D(2026, 11, 28), D(2026, 12, 4))
    report = services.report_generate(report_id=report.pk)
    assert report.status == ReportStatus.READY and report.pdf
    assert report.data["totals"]["district_count"] == 129
    assert report.data["totals"]["districts_with_pilot"] == 1
    assert report.data["sample_kiosks_left_out"] == 1
    text = pdf_text(report)
    assert "Laporan kemajuan mingguan" in text
    assert pilot.village.name in text
    assert "Bengkulu Selatan" in text  # a kabupaten's scorecard
    assert "Warkop Contoh" not in text and "1 kiosk contoh tidak dihitung" in text


def test_one_report_per_period_and_a_signed_report_is_frozen(programme, staff_user):
    first = services.report_request(
        programme=programme, kind=ReportKind.WEEKLY, on=D(2026, 12, 4), by=staff_user
    )
    services.report_generate(report_id=first.pk)
    again = services.report_request(
        programme=programme, kind=ReportKind.WEEKLY, on=D(2026, 12, 4), by=staff_user
    )
    assert again.pk == first.pk and Report.objects.count() == 1
    services.report_generate(report_id=again.pk)
    signed = services.report_sign_off(report=again, by=staff_user)
    assert signed.signed_by == staff_user and signed.signed_at
    assert "Disetujui oleh" in pdf_text(signed)
    with pytest.raises(ValidationError):
        services.report_request(
            programme=programme, kind=ReportKind.WEEKLY, on=D(2026, 12, 4), by=staff_user
        )
    with pytest.raises(ValidationError):
        services.report_sign_off(report=signed, by=staff_user)


def test_only_staff_sign_reports_off(programme, staff_user):
    report = services.report_request(
        programme=programme, kind=ReportKind.FINAL, on=D(2026, 12, 4), by=staff_user
    )
    services.report_generate(report_id=report.pk)
    officer = UserFactory(username="petugas", role=Role.OFFICER)
    with pytest.raises(PermissionDenied):
        services.report_sign_off(report=report, by=officer)


def test_the_pdf_renderer_reads_nothing_but_the_portals_static_files():
    assert static_file("https://portal.invalid/static/css/portal.css")
    for url in (
        "https://example.com/static/css/portal.css",
        "file:///etc/passwd",
        "https://portal.invalid/static/../../etc/passwd",
        "https://portal.invalid/media/reports/x.pdf",
    ):
        with pytest.raises(ValueError):
            static_file(url)


def test_the_list_and_print_page(programme, staff_client, staff_user):
    report = services.report_request(
        programme=programme, kind=ReportKind.WEEKLY, on=D(2026, 12, 4), by=staff_user
    )
    services.report_generate(report_id=report.pk)
    page = staff_client.get("/reports/").content.decode()
    assert "Laporan kemajuan mingguan" in page and f"/reports/{report.pk}/pdf/" in page
    html = staff_client.get(f"/reports/{report.pk}/").content.decode()
    assert "Kartu skor per kabupaten/kota" in html
    response = staff_client.get(f"/reports/{report.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_pdf_wears_the_reports_stylesheet(programme, staff_user):
    """The stylesheet reaches WeasyPrint through the static-only fetcher, with its type (a
    stylesheet served as text/plain is dropped, and the PDF falls back to a serif default)."""
    for code in ("17.01.01.2001", "17.02.06.1004", "17.03.01.2001"):
        select_pilot(code, staff_user)
    report = services.report_request(
        programme=programme, kind=ReportKind.WEEKLY, on=D(2026, 12, 4), by=staff_user
    )
    report = services.report_generate(report_id=report.pk)
    with report.pdf.open("rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts == {"DejaVu-Sans", "DejaVu-Sans-Bold"}
    pages = len(reader.pages)
    first = reader.pages[0].extract_text()
    assert f"1 / {pages}" in first and "Laporan kemajuan mingguan" in first  # the page footer
    assert reader.pages[0].mediabox.width == pytest.approx(595.3, abs=0.5)  # A4
