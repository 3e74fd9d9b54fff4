"""What a report says: the period's figures, the blank spots found by verified surveys, live stale
kiosks; nothing personal (docs/data-protection.md); a constant number of queries."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from coverage.models import Survey
from portal.core.roles import Role
from portal.reports import services
from portal.reports.data import report_data
from portal.reports.models import ReportKind
from tests.coverage.factories import measurement, verified_survey
from tests.factories import UserFactory
from tests.reports.factories import current_programme, select_pilot
from tests.warkop.factories import WarkopFactory
from villages.models import Village
from warkop.models import Warkop

pytestmark = pytest.mark.django_db
D = datetime.date
BLANK = [measurement(operator="telkomsel", technology="none")]


def generated(programme, user, on, kind=ReportKind.WEEKLY):
    report = services.report_request(programme=programme, kind=kind, on=on, by=user)
    return services.report_generate(report_id=report.pk)


def pdf_text(report) -> str:
    with report.pdf.open("rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_no_personal_data_in_the_report_and_blank_spots_by_village(staff_user, client):
    """Kiosk owners and their phones, who proposed a pilot, the officers, their notes and exact
    points are personal data: a report for the team is aggregate and names places only."""
    today = timezone.localdate()
    programme = current_programme(today - datetime.timedelta(days=20))
    officer = UserFactory(
        username="petugas-andi", first_name="Andi", last_name="Saputra", role=Role.OFFICER
    )
    supervisor = UserFactory(
        username="pengawas-budi", first_name="Budi", last_name="Santoso", role=Role.SUPERVISOR
    )
    village = Village.objects.get(code="17.01.01.2001")
    select_pilot(village.code, staff_user, on=today, proposed_by="Camat Suharto Wiryo")
    survey = verified_survey(
        officer, supervisor, village.code, BLANK, notes="Hubungi Ibu Sari 0812-7777-1234"
    )
    WarkopFactory(
        village=village,
        name="Warkop Digital Simpang Tiga",
        owner_name="Bapak Joko Pemilikwarung",
        owner_phone="0813-5555-0000",
        business_phone="0736-21000",
        publish_phone=True,
    )
    report = generated(programme, staff_user, today)

    text = pdf_text(report)
    client.force_login(staff_user)
    html = client.get(f"/reports/{report.pk}/").content.decode()
    for document in (text, html, str(report.data)):
        assert "Warkop Digital Simpang Tiga" in document
        assert village.name in document
        for personal in (
            "Pemilikwarung",
            "0813-5555-0000",
            "0736-21000",
            "Suharto",
            "petugas-andi",
            "Saputra",
            "Santoso",
            "Ibu Sari",
            "0812-7777-1234",
            f"{survey.location.y:.4f}",
            f"{survey.location.x:.4f}",
        ):
            assert personal not in document, personal
    # The village is a blank spot (a verified survey found no usable signal) and a pilot.
    assert [row["village"] for row in report.data["blank_spots"]] == [village.name]
    assert report.data["blank_spots"][0]["pilot"] is True
    assert report.data["regencies"][0]["blank_spots"] == 1
    assert report.data["regencies"][0]["surveys"] == 1


def test_the_period_counts_what_happened_in_it_and_the_tables_the_state(staff_user):
    today = timezone.localdate()
    programme = current_programme(today - datetime.timedelta(days=40))
    select_pilot("17.01.01.2001", staff_user, on=today - datetime.timedelta(days=2))
    select_pilot("17.02.06.1004", staff_user, on=today - datetime.timedelta(days=20))
    officer = UserFactory(role=Role.OFFICER)
    supervisor = UserFactory(role=Role.SUPERVISOR)
    verified_survey(officer, supervisor, "17.01.01.2001")
    old = verified_survey(officer, supervisor, "17.02.06.1004")
    Survey.objects.filter(pk=old.pk).update(reviewed_at=timezone.now() - datetime.timedelta(20))
    WarkopFactory(status="operational", status_changed_on=today - datetime.timedelta(days=1))
    WarkopFactory(status="operational", status_changed_on=today - datetime.timedelta(days=30))
    WarkopFactory(status="operational", status_changed_on=today, is_sample=True)

    report = generated(programme, staff_user, today)
    assert report.data["in_period"] == {
        "pilots_selected": 1,
        "surveys_verified": 1,
        "kiosks_opened": 1,
    }
    assert report.data["totals"]["pilots"] == 2
    assert report.data["totals"]["surveys"] == 2
    assert report.data["totals"]["kiosks"] == 2
    assert report.data["sample_kiosks_left_out"] == 1
    text = pdf_text(report)
    assert "Dalam periode ini" in text
    assert "1 kiosk contoh tidak dihitung" in text


def test_a_kiosk_not_visited_for_weeks_is_said_so_before_the_daily_task_flags_it(staff_user):
    today = timezone.localdate()
    programme = current_programme(today - datetime.timedelta(days=40))
    kiosk = WarkopFactory(name="Warkop Lama", status="operational")
    Warkop.objects.filter(pk=kiosk.pk).update(
        last_check_in_at=timezone.now() - datetime.timedelta(days=30),
        status_changed_on=today - datetime.timedelta(days=60),
        is_stale=False,
    )
    WarkopFactory(name="Warkop Baru", status="operational", last_check_in_at=timezone.now())
    report = generated(programme, staff_user, today)
    stale = {row["name"]: row["stale"] for row in report.data["kiosks"]}
    assert stale == {"Warkop Lama": True, "Warkop Baru": False}
    assert "tidak dikunjungi" in pdf_text(report).lower()


def test_the_figures_cost_a_constant_number_of_queries(staff_user, django_assert_max_num_queries):
    today = timezone.localdate()
    programme = current_programme(today - datetime.timedelta(days=40))
    start = today - datetime.timedelta(days=6)
    select_pilot("17.01.01.2001", staff_user, on=today)
    WarkopFactory()
    with CaptureQueriesContext(connection) as few:
        report_data(programme=programme, kind="weekly", start=start, end=today)

    officer, supervisor = UserFactory(role=Role.OFFICER), UserFactory(role=Role.SUPERVISOR)
    for village in Village.objects.filter(district__regency_id="17.02").order_by("code")[:12]:
        select_pilot(village.code, staff_user, on=today)
        verified_survey(officer, supervisor, village.code, BLANK)
        WarkopFactory(village=village)
        WarkopFactory(village=village, is_sample=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = report_data(programme=programme, kind="weekly", start=start, end=today)
    assert len(data["pilots"]) == 13 and len(data["blank_spots"]) == 12
