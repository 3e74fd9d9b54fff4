"""Permission-matrix entries of the payment services: a kiosk's services, the gap view, the
public finder and the API, with an offering of a kiosk outside the officer's kabupaten and outside
the partner's organisation (the kiosks of tests/warkop/permissions.py: registered after it)."""

from payments.models import Provider, ServiceCategory, ServiceOffering
from tests.permissions import API, LOGIN, PAGE, PUBLIC, every
from tests.warkop.permissions import ACTION_OUT, API_OUT, MANAGE_OUT

ENTRIES = {
    "payments:offerings-export": ("get", lambda w: "/warkop/services/export/xlsx/", PAGE),
    "payments:partner-home": ("get", lambda w: "/warkop/partner/", PAGE),
    "payments:gap": (
        "get",
        lambda w: "/warkop/gap/?regency=17.01&service=pln_token&km=5",
        every(403, anonymous=LOGIN, admin=200, staff=200, supervisor=200),
    ),
    "payments:offering-add": (
        "post",
        lambda w: f"/warkop/{w['kiosk_out'].pk}/services/",
        MANAGE_OUT,
    ),
    "payments:offering-edit": (
        "get",
        lambda w: f"/warkop/services/{w['offering_out'].pk}/",
        MANAGE_OUT,
    ),
    "payments:offering-verify": (
        "post",
        lambda w: f"/warkop/services/{w['offering_out'].pk}/verify/",
        ACTION_OUT,
    ),
    "payments:finder": ("get", lambda w: "/layanan/?layanan=pln_token&desa=17.71.01.1001", PUBLIC),
    "payments:finder-geojson": (
        "get",
        lambda w: "/layanan/peta.geojson?layanan=pln_token&lat=-3.8&lng=102.26",
        PUBLIC,
    ),
    "api:offering-list": ("get", lambda w: "/api/v1/offerings/", API),
    "api:offering-detail": (
        "get",
        lambda w: f"/api/v1/offerings/{w['offering_out'].pk}/",
        API_OUT,
    ),
    "api:offering-verify": (
        "post",
        lambda w: f"/api/v1/offerings/{w['offering_out'].pk}/verify/",
        every(403, anonymous=401, admin=200, staff=200, partner=404),
    ),
    "api:servicecategory-list": ("get", lambda w: "/api/v1/service-categories/", API),
    "api:servicecategory-detail": (
        "get",
        lambda w: "/api/v1/service-categories/pln_token/",
        API,
    ),
    "api:provider-list": ("get", lambda w: "/api/v1/providers/", API),
    "api:provider-detail": ("get", lambda w: "/api/v1/providers/pln/", API),
}

DATA = {}


def populate(world: dict) -> None:
    """A service of the kiosk outside the scopes (tests/warkop/permissions.py made it)."""
    world["offering_out"] = ServiceOffering.objects.create(
        warkop=world["kiosk_out"],
        category=ServiceCategory.objects.get(code="pln_token"),
        provider=Provider.objects.get(code="pln"),
        fee=2000,
    )
