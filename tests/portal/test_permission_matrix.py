"""The permission matrix: every URL and API endpoint, for every role and for anonymous visitors.

Each named URL of the portal has an entry in MATRIX saying what each role gets: the success status,
LOGIN (a redirect to the login page), 401, 403, or 404 for an object outside the role's scope. The
first test fails when a URL is added without an entry, so a new endpoint cannot ship unreviewed.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from portal.roles import Role
from portal.services import api_token_create
from tests.factories import OrganisationFactory, UserFactory
from villages.models import Pilot, PilotStatus, Village, VillageKind
from villages.services import pilot_decide, pilot_propose

LOGIN = "login"
ROLES = ["anonymous", "admin", "staff", "officer", "supervisor", "partner", "no_role"]


def every(value, **overrides):
    """An outcome for every role, with some overridden."""
    return {role: overrides.get(role, value) for role in ROLES}


PAGE = every(200, anonymous=LOGIN, no_role=403)
STAFF_PAGE = every(403, anonymous=LOGIN, admin=200, staff=200)
STAFF_ACTION = every(403, anonymous=LOGIN, admin=302, staff=302)
API = every(200, anonymous=401, no_role=403)
PUBLIC = every(200)

# url name -> (method, path builder, outcomes). Builders take the fixture `world`.
MATRIX = {
    "portal:dashboard": ("get", lambda w: "/", PAGE),
    "healthz": ("get", lambda w: "/healthz/", PUBLIC),
    "set_language": ("post", lambda w: "/i18n/setlang/", every(302)),
    "login": ("get", lambda w: "/accounts/login/", PUBLIC),
    "logout": ("post", lambda w: "/accounts/logout/", every(LOGIN)),  # back to the login page
    "password_reset": ("get", lambda w: "/accounts/password/reset/", PUBLIC),
    "password_reset_done": ("get", lambda w: "/accounts/password/reset/sent/", PUBLIC),
    "password_reset_confirm": (
        "get",
        lambda w: "/accounts/password/reset/MQ/not-a-valid-token/",
        PUBLIC,
    ),
    "password_reset_complete": ("get", lambda w: "/accounts/password/reset/done/", PUBLIC),
    "account:tokens": ("get", lambda w: "/accounts/tokens/", every(200, anonymous=LOGIN)),
    "account:token-revoke": (
        "post",
        lambda w: f"/accounts/tokens/{w['own_token']}/revoke/",
        every(302, anonymous=LOGIN),
    ),
    "account:invite": ("get", lambda w: "/accounts/invite/", STAFF_PAGE),
    "account:organisations": (
        "get",
        lambda w: "/accounts/organisations/",
        every(403, anonymous=LOGIN, admin=200, staff=200, partner=200),
    ),
    "account:organisation-add": ("get", lambda w: "/accounts/organisations/new/", STAFF_PAGE),
    "account:organisation": (
        "get",
        lambda w: f"/accounts/organisations/{w['other_org'].pk}/",
        every(403, anonymous=LOGIN, admin=200, staff=200, partner=404),
    ),
    "account:audit": ("get", lambda w: "/accounts/audit/", STAFF_PAGE),
    "villages:home": ("get", lambda w: "/registry/", PAGE),
    "villages:search": ("get", lambda w: "/registry/search/?q=lais", PAGE),
    "villages:pilots": ("get", lambda w: "/registry/pilots/", PAGE),
    "villages:province": ("get", lambda w: "/registry/provinces/17/", PAGE),
    "villages:regency": ("get", lambda w: "/registry/regencies/17.02/", PAGE),
    "villages:district": ("get", lambda w: "/registry/districts/17.01.01/", PAGE),
    "villages:village": ("get", lambda w: f"/registry/villages/{w['out_pilot'].village_id}/", PAGE),
    "villages:village-propose": (
        "post",
        lambda w: f"/registry/villages/{w['free_village']().code}/propose/",
        STAFF_ACTION,
    ),
    "villages:village-decide": (
        "post",
        lambda w: f"/registry/villages/{w['proposed_pilot']().village_id}/decide/",
        STAFF_ACTION,
    ),
    "api-schema": ("get", lambda w: "/api/schema/", PUBLIC),
    "api-docs": ("get", lambda w: "/api/docs/", PUBLIC),
    "api-redoc": ("get", lambda w: "/api/redoc/", PUBLIC),
    "api:api-root": ("get", lambda w: "/api/v1/", every(200, anonymous=401)),
    "api:province-list": ("get", lambda w: "/api/v1/provinces/", API),
    "api:province-detail": ("get", lambda w: "/api/v1/provinces/17/", API),
    "api:regency-list": ("get", lambda w: "/api/v1/regencies/", API),
    "api:regency-detail": ("get", lambda w: "/api/v1/regencies/17.02/", API),
    "api:regency-geojson": ("get", lambda w: "/api/v1/regencies/geojson/", API),
    "api:district-list": ("get", lambda w: "/api/v1/districts/", API),
    "api:district-detail": ("get", lambda w: "/api/v1/districts/17.01.01/", API),
    "api:district-geojson": ("get", lambda w: "/api/v1/districts/geojson/?regency=17.02", API),
    "api:village-list": ("get", lambda w: "/api/v1/villages/", API),
    "api:village-detail": ("get", lambda w: "/api/v1/villages/17.01.01.2001/", API),
    "api:village-geojson": ("get", lambda w: "/api/v1/villages/geojson/?district=17.01.01", API),
    "api:pilot-list": ("get", lambda w: "/api/v1/pilots/", API),
    "api:pilot-detail": (
        "get",
        lambda w: f"/api/v1/pilots/{w['out_pilot'].pk}/",
        every(200, anonymous=401, no_role=403, officer=404),
    ),
    "api:organisation-list": (
        "get",
        lambda w: "/api/v1/organisations/",
        every(403, anonymous=401, admin=200, staff=200, partner=200),
    ),
    "api:organisation-detail": (
        "get",
        lambda w: f"/api/v1/organisations/{w['other_org'].pk}/",
        every(403, anonymous=401, admin=200, staff=200, partner=404),
    ),
}


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
    """Users of every role, organisations, pilots in and out of the officer's scope."""
    own_org, other_org = OrganisationFactory(), OrganisationFactory()
    users = {
        "admin": UserFactory(role=Role.ADMIN, is_staff=True),
        "staff": UserFactory(role=Role.PROVINCIAL_STAFF),
        "officer": UserFactory(role=Role.OFFICER, scope__regencies=["17.01"]),
        "supervisor": UserFactory(role=Role.SUPERVISOR),
        "partner": UserFactory(role=Role.PARTNER, scope__organisation=own_org),
        "no_role": UserFactory(),
    }
    staff = users["staff"]
    free = iter(
        Village.objects.filter(district__regency_id="17.05", kind=VillageKind.DESA).order_by("code")
    )

    def proposed_pilot():
        return pilot_propose(village=next(free), proposed_by="Camat", reason="r", by=staff)

    out_pilot = proposed_pilot()  # in 17.05, outside the officer's 17.01
    pilot_decide(pilot=out_pilot, status=PilotStatus.SELECTED, reason="SK", by=staff)
    return {
        "users": users,
        "own_org": own_org,
        "other_org": other_org,
        "out_pilot": out_pilot,
        "free_village": lambda: next(free),
        "proposed_pilot": proposed_pilot,
    }


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
    data = {
        "set_language": {"language": "en", "next": "/"},
        "villages:village-propose": {"proposed_by": "Camat", "proposal_reason": "matrix"},
        "villages:village-decide": {"status": "selected", "decision_reason": "matrix"},
    }
    failures = []
    for name, (method, build, expected) in sorted(MATRIX.items()):
        path = build(world)
        response = getattr(client, method)(path, data.get(name, {}))
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
