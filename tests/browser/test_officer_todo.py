"""The officer's day on a phone: the to-do list of pilot villages to survey, nearest first from
the phone's position, then one of them opened in the field form with that village chosen.
Screenshot in test-artifacts/."""

import pytest

from portal.core.roles import Role
from tests.factories import UserFactory
from villages.models import Pilot, PilotStatus, Village

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("committed_registry", "restore_migration_data"),
]

PASSWORD = "a long browser test password"


def test_officer_opens_the_nearest_pilot_from_the_todo_list_in_the_field_form(
    live_server, static_files, browser, artifacts
):
    staff = UserFactory(username="tim", role=Role.PROVINCIAL_STAFF)
    officer = UserFactory(
        username="petugas-lapangan",
        role=Role.OFFICER,
        scope__regencies=["17.01"],
        password=PASSWORD,
    )
    villages = list(Village.objects.filter(district__regency_id="17.01").order_by("code")[:30])
    near, far = villages[-1], villages[0]
    for village in (far, near):
        Pilot.objects.create(
            village=village,
            status=PilotStatus.SELECTED,
            proposed_on="2026-11-20",
            proposed_by="Camat",
            proposal_reason="Warung kopi di simpang.",
            recorded_by=staff,
            decided_on="2026-11-25",
            decided_by=staff,
            decision_reason="Layak.",
        )
    here = near.centroid
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="id-ID",
        permissions=["geolocation"],
        geolocation={"latitude": here.y, "longitude": here.x, "accuracy": 9},
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/?next=/coverage/todo/")
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click(".login-card button[type=submit]")
    page.wait_for_url(f"{live_server.url}/coverage/todo/")
    with page.expect_navigation():
        page.click("[data-todo-locate]")
    first = page.locator("#todo-list li").first
    assert near.name in first.inner_text() and "km" in first.inner_text()
    page.screenshot(path=str(artifacts / "officer-todo.png"), full_page=True)

    first.locator("a.todo-village").click()
    page.wait_for_selector('#field-app[data-ready="true"]')
    assert page.eval_on_selector("#f-village", "select => select.value") == near.code
    assert errors == []
