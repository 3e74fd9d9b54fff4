"""Permission-matrix entries of the registry: pages and API, pilots in and out of scope."""

from tests.permissions import API, PAGE, STAFF_ACTION, every
from villages.models import PilotStatus, Village, VillageKind
from villages.services import pilot_decide, pilot_propose

ENTRIES = {
    "villages:home": ("get", lambda w: "/registry/", PAGE),
    "villages:search": ("get", lambda w: "/registry/search/?q=lais", PAGE),
    "villages:pilots": ("get", lambda w: "/registry/pilots/", PAGE),
    "villages:pilots-export": ("get", lambda w: "/registry/pilots/export/csv/", PAGE),
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
}

DATA = {
    "villages:village-propose": {"proposed_by": "Camat", "proposal_reason": "matrix"},
    "villages:village-decide": {"status": "selected", "decision_reason": "matrix"},
}


def populate(world: dict) -> None:
    """A selected pilot in Seluma (17.05), outside the officer's Bengkulu Selatan (17.01), and
    fresh villages to propose and decide on."""
    staff = world["users"]["staff"]
    free = iter(
        Village.objects.filter(district__regency_id="17.05", kind=VillageKind.DESA).order_by("code")
    )

    def proposed_pilot():
        return pilot_propose(village=next(free), proposed_by="Camat", reason="r", by=staff)

    out_pilot = proposed_pilot()
    pilot_decide(pilot=out_pilot, status=PilotStatus.SELECTED, reason="SK", by=staff)
    world.update(
        out_pilot=out_pilot, free_village=lambda: next(free), proposed_pilot=proposed_pilot
    )
