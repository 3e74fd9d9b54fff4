"""Permission-matrix entries of the kiosks: pages and the API, with a kiosk outside the officer's
kabupaten and outside the partner's organisation (services: tests/payments/permissions.py)."""

import datetime

from django.utils import timezone

from tests.permissions import API, LOGIN, PAGE, every
from villages.models import Village
from warkop.models import CheckIn, MonthlyReport, Warkop, WarkopStatus

# Officers of the matrix are limited to 17.01; the partner belongs to `own_org`.
OUT_OF_SCOPE = every(200, anonymous=LOGIN, no_role=403, officer=404, partner=404)
MANAGE_OUT = every(403, anonymous=LOGIN, admin=200, staff=200, partner=404)
ACTION_OUT = every(403, anonymous=LOGIN, admin=302, staff=302, partner=404)
API_OUT = every(200, anonymous=401, no_role=403, officer=404, partner=404)

ENTRIES = {
    "warkop:list": ("get", lambda w: "/warkop/", PAGE),
    "warkop:export": ("get", lambda w: "/warkop/export/csv/", PAGE),
    "warkop:add": (
        "get",
        lambda w: "/warkop/new/",
        every(403, anonymous=LOGIN, admin=200, staff=200, partner=200),
    ),
    "warkop:detail": ("get", lambda w: f"/warkop/{w['kiosk_out'].pk}/", OUT_OF_SCOPE),
    "warkop:edit": ("get", lambda w: f"/warkop/{w['kiosk_out'].pk}/edit/", MANAGE_OUT),
    "warkop:status": (
        "post",
        lambda w: f"/warkop/{w['kiosk_out'].pk}/status/",
        every(403, anonymous=LOGIN, admin=302, staff=302),
    ),
    "warkop:checkin": (
        "post",
        lambda w: f"/warkop/{w['kiosk_out'].pk}/check-in/",
        every(302, anonymous=LOGIN, no_role=403, officer=404, partner=404),
    ),
    # No file: the form comes back with its error (200) to those who may add photos.
    "warkop:photo": ("post", lambda w: f"/warkop/{w['kiosk_out'].pk}/photos/", MANAGE_OUT),
    "warkop:report": ("post", lambda w: f"/warkop/{w['kiosk_out'].pk}/reports/", ACTION_OUT),
    "api:kiosk-list": ("get", lambda w: "/api/v1/kiosks/", API),
    "api:kiosk-geojson": ("get", lambda w: "/api/v1/kiosks/geojson/", API),
    "api:kiosk-detail": ("get", lambda w: f"/api/v1/kiosks/{w['kiosk_out'].pk}/", API_OUT),
    "api:kiosk-status": (
        "post",
        lambda w: f"/api/v1/kiosks/{w['kiosk_out'].pk}/status/",
        every(403, anonymous=401, admin=201, staff=201, partner=404),
    ),
    "api:checkin-list": ("get", lambda w: "/api/v1/check-ins/", API),
    "api:checkin-detail": (
        "get",
        lambda w: f"/api/v1/check-ins/{w['checkin_out'].pk}/",
        API_OUT,
    ),
    "api:report-list": ("get", lambda w: "/api/v1/reports/", API),
    "api:report-detail": ("get", lambda w: f"/api/v1/reports/{w['report_out'].pk}/", API_OUT),
}

DATA = {
    # api:kiosk-status runs first (names are sorted) and moves the kiosk to preparing.
    "warkop:status": {"status": "closed", "reason": "matrix"},
    "warkop:checkin": {"kind": "visited"},
    "warkop:report": {"month": "2024-01", "learning_sessions": 1, "learning_participants": 5},
    "api:kiosk-status": {"status": "preparing", "reason": "matrix"},
}


def populate(world: dict) -> None:
    """A kiosk of the partner's organisation in Bengkulu Selatan (17.01, the officer's scope) and
    a proposed kiosk of another organisation in Seluma (17.05), with a check-in and a report."""
    village_in = Village.objects.get(code="17.01.01.2001")
    village_out = Village.objects.filter(district__regency_id="17.05").order_by("code").first()
    kiosk_in = Warkop.objects.create(
        village=village_in,
        name="Matrix in",
        owner_name="X",
        location=village_in.centroid,
        organisation=world["own_org"],
        status=WarkopStatus.OPERATIONAL,
    )
    kiosk_out = Warkop.objects.create(
        village=village_out,
        name="Matrix out",
        owner_name="Y",
        location=village_out.centroid,
        organisation=world["other_org"],
        status=WarkopStatus.PROPOSED,
    )
    checkin_out = CheckIn.objects.create(
        warkop=kiosk_out, kind="visited", checked_in_at=timezone.now()
    )
    report_out = MonthlyReport.objects.create(
        warkop=kiosk_out, month=datetime.date(2024, 1, 1), learning_sessions=1
    )
    world.update(
        kiosk_in=kiosk_in,
        kiosk_out=kiosk_out,
        checkin_out=checkin_out,
        report_out=report_out,
    )
