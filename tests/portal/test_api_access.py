"""What the API gives away and what a partner may change: no browsable API (HTML forms) without
DEBUG, related-field choices within the user's scope, and organisation fields that only
provincial staff set (API and page share portal.accounts.services.organisation_save)."""

import re

import pytest
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.test import APIClient

from portal.accounts.models import Organisation, OrganisationKind
from portal.accounts.services import api_token_create
from portal.core.roles import Role
from tests.factories import OrganisationFactory, UserFactory
from tests.warkop.factories import WarkopFactory
from warkop.api.views import KioskViewSet

pytestmark = pytest.mark.django_db


def bearer(user) -> APIClient:
    _token, secret = api_token_create(user=user, name="t", access="read_write", valid_days=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def own():
    return OrganisationFactory(
        name="PT Warkop Sendiri", kind=OrganisationKind.KIOSK_OPERATOR, contact_name="Bu Ani"
    )


@pytest.fixture
def partner(own):
    return UserFactory(role=Role.PARTNER, scope__organisation=own)


@pytest.fixture
def secret_orgs():
    return [OrganisationFactory(name=f"Bank Rahasia {n}") for n in range(3)]


@pytest.fixture
def browsable_kiosks(monkeypatch, settings):
    """The kiosk views with the browsable API among their renderers, as with DEBUG=1 (the
    renderer list is read when the views are imported); static files from the finders."""
    monkeypatch.setattr(KioskViewSet, "renderer_classes", [JSONRenderer, BrowsableAPIRenderer])
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def test_no_browsable_api_without_debug(partner, own, secret_orgs, browsable_kiosks, settings):
    settings.DEBUG = False
    kiosk = WarkopFactory(organisation=own)
    client = bearer(partner)
    for url in (f"/api/v1/kiosks/{kiosk.pk}/?format=api", "/api/v1/kiosks/?format=api"):
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
    response = client.get(f"/api/v1/kiosks/{kiosk.pk}/", HTTP_ACCEPT="text/html,*/*;q=0.8")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert not any(org.name in response.content.decode() for org in secret_orgs)
    # every other endpoint too: the settings list no HTML renderer
    for url in ("/api/v1/organisations/", "/api/v1/offerings/", "/api/v1/villages/"):
        response = client.get(url, {"format": "api"})
        assert response.status_code == 404 and response["Content-Type"] == "application/json"


def test_browsable_forms_under_debug_list_only_what_is_in_scope(
    partner, own, secret_orgs, browsable_kiosks, settings
):
    settings.DEBUG = True
    kiosk = WarkopFactory(organisation=own)
    response = bearer(partner).get(f"/api/v1/kiosks/{kiosk.pk}/?format=api")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    options = re.findall(r'<select[^>]*name="organisation".*?</select>', html, re.S)
    assert options and own.name in options[0]
    assert not any(org.name in html for org in secret_orgs)


def test_partner_changes_only_the_contact_fields_of_their_organisation(partner, own):
    client = bearer(partner)
    url = f"/api/v1/organisations/{own.pk}/"
    for change in (
        {"is_active": False},
        {"kind": OrganisationKind.BANK},
        {"name": "PT Nama Baru"},
    ):
        response = client.patch(url, change, format="json")
        assert response.status_code == 400
        refusal = ["Only provincial staff may change this."]
        assert response.json() == dict.fromkeys(change, refusal)
    both = client.patch(url, {"is_active": False, "kind": "bank", "contact_name": "x"}, "json")
    assert both.status_code == 400 and set(both.json()) == {"is_active", "kind"}
    own.refresh_from_db()
    assert (own.name, own.kind, own.is_active, own.contact_name) == (
        "PT Warkop Sendiri",
        OrganisationKind.KIOSK_OPERATOR,
        True,
        "Bu Ani",
    )
    ok = client.patch(url, {"contact_phone": "0736-21000", "contact_name": "Pak Dedi"}, "json")
    assert ok.status_code == 200, ok.content
    # a PUT sends the staff's fields back unchanged: fine
    body = {**client.get(url).json(), "contact_email": "kantor@example.org"}
    assert client.put(url, body, format="json").status_code == 200
    own.refresh_from_db()
    assert (own.contact_phone, own.contact_name, own.contact_email) == (
        "0736-21000",
        "Pak Dedi",
        "kantor@example.org",
    )
    assert own.is_active and own.kind == OrganisationKind.KIOSK_OPERATOR


def test_staff_set_every_organisation_field(own):
    client = bearer(UserFactory(role=Role.PROVINCIAL_STAFF))
    response = client.patch(
        f"/api/v1/organisations/{own.pk}/",
        {"is_active": False, "kind": "bank", "name": "PT Diganti", "contact_name": "Staf"},
        format="json",
    )
    assert response.status_code == 200, response.content
    own.refresh_from_db()
    assert (own.name, own.kind, own.is_active, own.contact_name) == (
        "PT Diganti",
        "bank",
        False,
        "Staf",
    )
    created = client.post("/api/v1/organisations/", {"name": "Telko", "kind": "telecom"}, "json")
    assert created.status_code == 201
    assert Organisation.objects.filter(name="Telko").exists()


def test_organisation_page_shows_staff_fields_read_only_to_partners(client, partner, own):
    client.force_login(partner)
    url = f"/accounts/organisations/{own.pk}/"
    form = client.get(url).context["form"]
    assert {name for name, field in form.fields.items() if field.disabled} == {
        "name",
        "kind",
        "is_active",
    }
    # a hand-made POST changing them changes only the contact fields
    response = client.post(
        url,
        {"name": "Dirampas", "kind": "bank", "contact_name": "Bu Rina", "contact_email": ""},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.name, own.kind, own.is_active, own.contact_name) == (
        "PT Warkop Sendiri",
        OrganisationKind.KIOSK_OPERATOR,
        True,
        "Bu Rina",
    )


def test_organisation_page_lets_staff_change_everything(client, staff_user, own):
    client.force_login(staff_user)
    url = f"/accounts/organisations/{own.pk}/"
    assert not any(field.disabled for field in client.get(url).context["form"].fields.values())
    response = client.post(url, {"name": "PT Baru", "kind": "bank", "contact_name": "x"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.name, own.kind, own.is_active) == ("PT Baru", "bank", False)
