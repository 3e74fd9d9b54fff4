"""Staff deactivate a user in the browser: that user can then neither log in nor use an API
token (a real HTTP request to the live server). Screenshot in test-artifacts/."""

import pytest

from portal.accounts.services import api_token_create
from portal.core.roles import Role
from tests.factories import UserFactory

from .test_dashboard_map import PageWatch

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("committed_registry", "restore_migration_data"),
]

PASSWORD = "a long browser test password"


def api_status(browser, url: str, secret: str) -> int:
    """A real HTTP request with the token (Playwright's request client, not the browser page)."""
    context = browser.new_context()
    try:
        return context.request.get(url, headers={"Authorization": f"Bearer {secret}"}).status
    finally:
        context.close()


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click(".login-card button[type=submit]")


def test_staff_deactivate_a_user_who_then_cannot_log_in_or_use_a_token(
    live_server, static_files, browser, artifacts
):
    UserFactory(username="tim", role=Role.PROVINCIAL_STAFF, password=PASSWORD)
    officer = UserFactory(
        username="petugas-rejang",
        first_name="Budi",
        role=Role.OFFICER,
        scope__regencies=["17.02"],
        password=PASSWORD,
    )
    _, secret = api_token_create(user=officer, name="hp", access="read", valid_days=9)
    api = f"{live_server.url}/api/v1/provinces/"
    assert api_status(browser, api, secret) == 200

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = PageWatch(page, live_server.url)
    log_in(page, live_server.url, "tim")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/accounts/users/?role=Kominfotik+officer")
    page.click("text=petugas-rejang")
    with page.expect_navigation():
        page.click("#deactivate")
    assert page.locator("#user-deactivated").is_visible()
    page.screenshot(path=str(artifacts / "user-deactivated.png"), full_page=True)
    watch.assert_clean()

    assert api_status(browser, api, secret) == 401
    other = browser.new_context().new_page()
    log_in(other, live_server.url, "petugas-rejang")
    other.wait_for_load_state()
    assert other.url.startswith(f"{live_server.url}/accounts/login/")
    assert other.locator(".login-card").is_visible()
