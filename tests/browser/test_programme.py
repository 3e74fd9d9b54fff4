"""The programme in a real browser: the header shows day n of 100 and the unread notifications
on every page (static/js/programme.js), the programme page draws its timeline and burn-up
charts, and the dashboard lists the milestones at risk or late. Screenshots in test-artifacts/."""

import datetime

import pytest
from django.utils import timezone

from portal.core.roles import Role
from portal.programme import services
from tests.factories import MilestoneFactory, ProgrammeFactory, UserFactory
from villages.models import District, Pilot, PilotStatus

from .test_dashboard_map import PageWatch

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("committed_registry", "restore_migration_data"),
]

PASSWORD = "a long browser test password"


def test_programme_pages_in_the_browser(live_server, static_files, browser, artifacts):
    staff = UserFactory(username="tim", role=Role.PROVINCIAL_STAFF, password=PASSWORD)
    today = timezone.localdate()
    programme = ProgrammeFactory(
        name="100 Hari Kerja (sample)", start_date=today - datetime.timedelta(days=30)
    )
    services.programme_make_current(programme=programme)
    MilestoneFactory(
        programme=programme, title="SK Tim Percepatan", due_day=3, responsible_person=staff
    )
    pilots = MilestoneFactory(
        programme=programme,
        title="Desa percontohan di setiap kecamatan",
        kind="metric",
        metric="pilot_districts",
        due_day=45,
        responsible_person=staff,
    )
    # Sample progress: pilots selected over the last days, evaluated each day.
    districts = list(District.objects.order_by("code"))
    for offset in range(12, -1, -1):
        day = today - datetime.timedelta(days=offset)
        for district in districts[(12 - offset) * 4 : (13 - offset) * 4]:
            village = district.villages.order_by("code").first()
            Pilot.objects.create(
                village=village,
                status=PilotStatus.SELECTED,
                proposed_on=day,
                proposed_by="Camat (sample)",
                proposal_reason="Sample",
                recorded_by=staff,
                decided_on=day,
                decided_by=staff,
                decision_reason="Sample",
            )
        services.programme_evaluate(programme=programme, on=day)

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = PageWatch(page, live_server.url)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "tim")
    page.fill("input[name=password]", PASSWORD)
    page.click(".login-card button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    day_badge = page.locator("[data-programme-day]")
    day_badge.wait_for(state="visible")
    assert "100" in day_badge.inner_text()
    # SK late, and the pilot milestone's changes of status over the sampled days.
    from portal.programme.models import Notification

    unread = Notification.objects.filter(recipient=staff).unread().count()
    assert unread >= 1
    assert page.locator("[data-programme-unread]").inner_text() == str(unread)
    assert page.locator("#programme-summary").is_visible()
    assert "SK Tim Percepatan" in page.locator("#programme-summary").inner_text()
    page.locator("#programme-summary").screenshot(path=str(artifacts / "programme-dashboard.png"))

    page.goto(f"{live_server.url}/programme/")
    page.locator("[data-programme-day]").wait_for(state="visible")
    assert page.locator(".timeline-dot").count() == 2
    chart = page.locator(f"#burnup-{pilots.pk}")
    assert chart.locator(".chart-dot").count() >= 9
    assert chart.locator(".chart-projection").count() == 1
    assert chart.locator(".burnup-verdict").inner_text()
    page.screenshot(path=str(artifacts / "programme-page.png"), full_page=True)
    watch.assert_clean()
