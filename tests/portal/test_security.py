"""Security headers and CSRF on the portal's own pages."""

import re

import pytest
from django.core import mail
from django.test import Client

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
