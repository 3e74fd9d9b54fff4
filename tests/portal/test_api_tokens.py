"""Partner API tokens: hashed, expiring, revocable, read-only or read-write, organisation-scoped."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from portal.accounts.models import ApiToken, Organisation
from portal.accounts.services import api_token_create, api_token_revoke
from portal.core.roles import Role
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def two_partners():
    own, other = OrganisationFactory(name="PT Warkop Nusantara"), OrganisationFactory(name="Bank X")
    member = UserFactory(role=Role.PARTNER, scope__organisation=own)
    return member, own, other


def test_token_is_stored_hashed_and_shown_once(two_partners):
    member, _, _ = two_partners
    token, secret = api_token_create(user=member, name="erp", access="read", valid_days=30)
    assert secret.startswith(f"bkl_{token.prefix}_")
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in (stored.digest, stored.prefix)
    assert stored.digest == ApiToken.hash(secret)
    response = bearer(secret).get("/api/v1/villages/", {"page_size": 1})
    assert response.status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_partner_token_reads_and_changes_only_its_own_organisation(two_partners):
    member, own, other = two_partners
    _, secret = api_token_create(user=member, name="rw", access="read_write", valid_days=30)
    client = bearer(secret)

    listing = client.get("/api/v1/organisations/").json()
    assert [row["name"] for row in listing["results"]] == [own.name]
    assert client.get(f"/api/v1/organisations/{other.pk}/").status_code == 404
    response = client.patch(
        f"/api/v1/organisations/{other.pk}/", {"contact_name": "intruder"}, format="json"
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.contact_name == ""

    response = client.patch(
        f"/api/v1/organisations/{own.pk}/", {"contact_phone": "0736-21000"}, format="json"
    )
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.contact_phone == "0736-21000"
    # A partner may not create organisations.
    assert client.post("/api/v1/organisations/", {"name": "New", "kind": "bank"}).status_code == 403


def test_read_only_token_cannot_write(two_partners):
    member, own, _ = two_partners
    _, secret = api_token_create(user=member, name="ro", access="read", valid_days=30)
    client = bearer(secret)
    assert client.get(f"/api/v1/organisations/{own.pk}/").status_code == 200
    response = client.patch(f"/api/v1/organisations/{own.pk}/", {"contact_phone": "1"})
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.contact_phone == ""


def test_expired_and_revoked_tokens_get_401(two_partners):
    member, _, _ = two_partners
    expired, expired_secret = api_token_create(user=member, name="old", access="read", valid_days=1)
    ApiToken.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    revoked, revoked_secret = api_token_create(
        user=member, name="gone", access="read", valid_days=9
    )
    api_token_revoke(token=revoked)

    for secret, reason in [(expired_secret, "expired"), (revoked_secret, "revoked")]:
        response = bearer(secret).get("/api/v1/villages/")
        assert response.status_code == 401
        assert reason in response.json()["detail"]
    assert bearer("bkl_nothing_here").get("/api/v1/villages/").status_code == 401


def test_token_throttling_per_token(two_partners, settings):
    member, _, _ = two_partners
    settings.API_RATE_PER_TOKEN = "3/minute"
    _, secret = api_token_create(user=member, name="busy", access="read", valid_days=9)
    _, other_secret = api_token_create(user=member, name="other", access="read", valid_days=9)
    client = bearer(secret)
    statuses = [client.get("/api/v1/provinces/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # Another token of the same member has a count of its own.
    assert bearer(other_secret).get("/api/v1/provinces/").status_code == 200


def test_token_pages_create_show_once_and_revoke(client):
    user = UserFactory(role=Role.PARTNER, scope__organisation=OrganisationFactory())
    client.force_login(user)
    response = client.post(
        "/accounts/tokens/", {"name": "sistem kasir", "access": "read", "valid_days": "30"}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user, name="sistem kasir")
    secret = response.context["secret"]
    assert secret in response.content.decode()
    listing = client.get("/accounts/tokens/").content.decode()
    assert "sistem kasir" in listing and secret not in listing
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    # Someone else's token cannot be revoked: it does not exist for them.
    other = UserFactory(role=Role.PARTNER)
    client.force_login(other)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404


def test_organisation_scope_on_pages(client, two_partners):
    member, own, other = two_partners
    client.force_login(member)
    page = client.get("/accounts/organisations/").content.decode()
    assert own.name in page and other.name not in page
    assert client.get(f"/accounts/organisations/{other.pk}/").status_code == 404
    assert client.get(f"/accounts/organisations/{own.pk}/").status_code == 200
    assert Organisation.objects.count() == 2
