"""Security headers and CSRF on the portal's own pages."""

import re

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from portal.accounts.services import api_token_create
from portal.core.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_pages_send_a_strict_content_security_policy(staff_client):
    response = staff_client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path", ["/", "/registry/", "/registry/villages/17.01.01.2001/", "/accounts/tokens/"]
)
def test_no_inline_script_on_portal_pages(staff_client, path):
    html = staff_client.get(path).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        # Only external files, or JSON data blocks that browsers never execute.
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_forms_are_protected_by_csrf():
    UserFactory(username="csrf")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "csrf", "password": "x"})
    assert response.status_code == 403
    page = client.get("/accounts/login/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_password_reset_sends_a_link_by_email(client):
    UserFactory(username="lupa", email="lupa@example.org")
    response = client.post("/accounts/password/reset/", {"email": "LUPA@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body
    # Unknown addresses get the same answer and no e-mail (no account enumeration).
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1


# --- Throttles (portal.core.ratelimit): invalid API tokens, password-reset mails ---

REDIS_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
    }
}


def api_get(secret, address):
    return APIClient().get(
        "/api/v1/villages/",
        {"page_size": 1},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        REMOTE_ADDR=address,
    )


def test_invalid_api_tokens_are_throttled_per_address(settings, django_assert_num_queries):
    settings.API_INVALID_TOKENS_PER_ADDRESS = 3
    user = UserFactory(role=Role.PARTNER)
    _token, secret = api_token_create(user=user, name="erp", access="read", valid_days=30)
    for guess in range(3):
        assert api_get(f"bkl_guess_{guess}", "198.51.100.7").status_code == 401
    with django_assert_num_queries(0):  # refused before any token is looked up
        throttled = api_get(secret, "198.51.100.7")
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 3600
    assert api_get(secret, "203.0.113.20").status_code == 200  # other addresses are served
    assert APIClient().get("/api/v1/villages/", REMOTE_ADDR="198.51.100.7").status_code == 401


def test_invalid_api_tokens_with_redis_down_get_401_not_500(settings):
    settings.CACHES = REDIS_DOWN
    settings.API_INVALID_TOKENS_PER_ADDRESS = 1
    for guess in range(3):  # fails open: nothing counted, nothing refused
        assert api_get(f"bkl_guess_{guess}", "198.51.100.7").status_code == 401


def reset(client, email, address):
    response = client.post("/accounts/password/reset/", {"email": email}, REMOTE_ADDR=address)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"  # the same neutral answer
    return response


def test_password_reset_mails_are_capped_per_account(client, settings):
    settings.PASSWORD_RESETS_PER_ACCOUNT = 3
    UserFactory(username="lupa", email="lupa@example.org")
    for number in range(6):
        reset(client, "lupa@example.org", f"198.51.100.{number}")
    assert len(mail.outbox) == 3


def test_password_reset_requests_are_capped_per_address(client, settings):
    settings.PASSWORD_RESETS_PER_ADDRESS = 2
    for name in ("a", "b", "c", "d"):
        UserFactory(username=name, email=f"{name}@example.org")
    for name in ("a", "b", "c"):
        reset(client, f"{name}@example.org", "198.51.100.7")
    assert [m.to for m in mail.outbox] == [["a@example.org"], ["b@example.org"]]
    reset(client, "d@example.org", "203.0.113.20")  # another address
    assert len(mail.outbox) == 3


def test_password_reset_with_redis_down_still_answers(client, settings):
    settings.CACHES = REDIS_DOWN
    UserFactory(username="lupa", email="lupa@example.org")
    reset(client, "lupa@example.org", "198.51.100.7")
    assert len(mail.outbox) == 1  # fails open, with a logged warning
