"""The permission matrix: every URL and API endpoint, for every role and for anonymous visitors.

Each named URL of the portal has an entry (in its app's tests/<app>/permissions.py) saying what
each role gets: the success status, LOGIN (a redirect to the login page), 401, 403, or 404 for an
object outside the role's scope. The first test fails when a URL is added without an entry, so a
new endpoint cannot ship unreviewed.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from portal.accounts.services import api_token_create
from portal.core.roles import Role
from tests.coverage import permissions as coverage_permissions
from tests.factories import OrganisationFactory, UserFactory
from tests.payments import permissions as payments_permissions
from tests.permissions import LOGIN, ROLES
from tests.portal import permissions as portal_permissions
from tests.reports import permissions as reports_permissions
from tests.villages import permissions as villages_permissions
from tests.warkop import permissions as warkop_permissions
from villages.models import Pilot

# Every app's entries; a new app adds its module here.
# payments after warkop: its offering belongs to warkop's kiosk
APPS = [
    portal_permissions,
    villages_permissions,
    warkop_permissions,
    payments_permissions,
    coverage_permissions,
    reports_permissions,
]
MATRIX = {name: entry for app in APPS for name, entry in app.ENTRIES.items()}
DATA = {name: body for app in APPS for name, body in app.DATA.items()}


def named_urls(patterns=None, namespace=None):
    """Every named URL of the portal outside Django's admin site (tested on its own below)."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_has_an_entry_in_the_matrix():
    names = set(named_urls())
    assert names - set(MATRIX) == set(), "add these URLs to the permission matrix"
    assert set(MATRIX) - names == set(), "these matrix entries name no URL"


@pytest.fixture
def world(db):
    """Users of every role and two organisations, then each app's objects (`populate`)."""
    own_org, other_org = OrganisationFactory(), OrganisationFactory()
    world = {
        "users": {
            "admin": UserFactory(role=Role.ADMIN, is_staff=True),
            "staff": UserFactory(role=Role.PROVINCIAL_STAFF),
            "officer": UserFactory(role=Role.OFFICER, scope__regencies=["17.01"]),
            "supervisor": UserFactory(role=Role.SUPERVISOR),
            "partner": UserFactory(role=Role.PARTNER, scope__organisation=own_org),
            "no_role": UserFactory(),
        },
        "own_org": own_org,
        "other_org": other_org,
    }
    for app in APPS:
        app.populate(world)
    return world


def outcome(response) -> int | str:
    if response.status_code == 302 and "/accounts/login/" in response.get("Location", ""):
        return LOGIN
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, role):
    client = APIClient()
    user = world["users"].get(role)
    if user is not None:
        client.force_login(user)
        world["own_token"] = api_token_create(
            user=user, name="matrix", access="read", valid_days=1
        )[0].pk
    else:
        world["own_token"] = api_token_create(
            user=world["users"]["staff"], name=f"matrix-{role}", access="read", valid_days=1
        )[0].pk
    failures = []
    for name, (method, build, expected) in sorted(MATRIX.items()):
        path = build(world)
        response = getattr(client, method)(path, DATA.get(name, {}))
        got = outcome(response)
        if got != expected[role]:
            failures.append(f"{name} {method.upper()} {path}: expected {expected[role]}, got {got}")
        if name == "logout" and user is not None:
            client.force_login(user)
    assert failures == []


@pytest.mark.django_db
def test_officer_lists_only_pilots_in_scope(world, client):
    client.force_login(world["users"]["officer"])
    out_code = world["out_pilot"].village_id
    api = client.get("/api/v1/pilots/").json()
    assert out_code not in [row["village"] for row in api["results"]]
    page = client.get("/registry/pilots/").content.decode()
    assert out_code not in page
    client.force_login(world["users"]["supervisor"])
    assert out_code in [row["village"] for row in client.get("/api/v1/pilots/").json()["results"]]
    assert Pilot.objects.filter(village_id=out_code).exists()


@pytest.mark.django_db
def test_admin_site_is_for_staff_accounts_only(world, client):
    assert client.get("/admin/").status_code == 302
    client.force_login(world["users"]["staff"])
    assert client.get("/admin/").status_code == 302  # provincial staff use the portal's pages
    client.force_login(world["users"]["admin"])
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/villages/village/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_invite_page_offers_only_grantable_roles(world, client, role):
    """Each role that may invite is offered exactly its grantable roles, none pre-selected; a
    forged POST for any other role is refused and creates nobody."""
    from django.contrib.auth import get_user_model
    from django.core import mail

    expected = portal_permissions.INVITE_ROLE_CHOICES.get(role)
    user = world["users"].get(role)
    if user is not None:
        client.force_login(user)
    response = client.get("/accounts/invite/")
    if expected is None:
        assert outcome(response) in (403, LOGIN)
        return
    assert response.status_code == 200
    html = response.content.decode()
    select = re.search(r'<select name="role"[^>]*>(.*?)</select>', html, re.S)
    assert select, "no role select on the invite page"
    options = re.findall(r'<option value="([^"]*)"([^>]*)>', select.group(1))
    assert {value for value, _attrs in options if value} == expected
    assert options[0][0] == "", "the first choice is empty"
    assert not any(value and "selected" in attrs for value, attrs in options), "a role preselected"
    for forged in {r.value for r in Role} - expected:
        response = client.post(
            "/accounts/invite/",
            {
                "username": "forged",
                "email": "forged@example.org",
                "role": forged,
                "organisation": world["own_org"].pk,
            },
        )
        assert response.status_code == 200
        assert "role" in response.context["form"].errors, forged
        assert not get_user_model().objects.filter(username="forged").exists()
        assert mail.outbox == []
