"""Permission-matrix entries of the coverage app: pages, the field form and the API. The
surveys used are in Seluma (17.05), outside the matrix officer's Bengkulu Selatan (17.01).

Partners read village connectivity and the aggregated map, never a single survey, its photos or
its GeoJSON: 403 on every survey URL (docs/data-protection.md)."""

from django.core.files.base import ContentFile

from coverage.models import SurveyPhoto
from portal.core.roles import Role
from tests.factories import UserFactory
from tests.permissions import API, LOGIN, PAGE, PUBLIC, every

from .factories import OTHER_REGENCY_VILLAGE, make_survey

IN_SCOPE_PAGE = every(200, anonymous=LOGIN, no_role=403, officer=404, partner=403)
IN_SCOPE_API = every(200, anonymous=401, no_role=403, officer=404, partner=403)
SURVEY_PAGE = every(200, anonymous=LOGIN, no_role=403, partner=403)
SURVEY_API = every(200, anonymous=401, no_role=403, partner=403)
SURVEYORS_PAGE = every(403, anonymous=LOGIN, admin=200, officer=200, supervisor=200)

ENTRIES = {
    "coverage:overview": ("get", lambda w: "/coverage/", PAGE),
    "coverage:blank-spots": ("get", lambda w: "/coverage/blank-spots/", PAGE),
    "coverage:villages": ("get", lambda w: "/coverage/villages/?status=no_data", PAGE),
    "coverage:map": ("get", lambda w: "/coverage/map/", PAGE),
    "coverage:blank-spots-export": ("get", lambda w: "/coverage/blank-spots/export/csv/", PAGE),
    "coverage:villages-export": (
        "get",
        lambda w: "/coverage/villages/export/xlsx/?status=no_data",
        PAGE,
    ),
    "coverage:surveys": ("get", lambda w: "/coverage/surveys/", SURVEY_PAGE),
    "coverage:surveys-export": ("get", lambda w: "/coverage/surveys/export/csv/", SURVEY_PAGE),
    "coverage:survey": (
        "get",
        lambda w: f"/coverage/surveys/{w['coverage_survey'].client_uuid}/",
        IN_SCOPE_PAGE,
    ),
    "coverage:survey-review": (
        "post",
        lambda w: f"/coverage/surveys/{w['pending_survey']().client_uuid}/review/",
        every(403, anonymous=LOGIN, admin=302, supervisor=302),
    ),
    "coverage:photo": (
        "get",
        lambda w: f"/coverage/photos/{w['coverage_photo'].pk}/",
        IN_SCOPE_PAGE,
    ),
    "coverage:import": ("get", lambda w: "/coverage/import/", SURVEYORS_PAGE),
    "coverage:template-csv": ("get", lambda w: "/coverage/import/template.csv", SURVEYORS_PAGE),
    "coverage:template-xlsx": ("get", lambda w: "/coverage/import/template.xlsx", SURVEYORS_PAGE),
    "coverage:field": ("get", lambda w: "/coverage/field/", SURVEYORS_PAGE),
    "coverage:todo": ("get", lambda w: "/coverage/todo/?lat=-3.8&lng=102.3", SURVEYORS_PAGE),
    "coverage:field-sw": ("get", lambda w: "/coverage/field/sw.js", PUBLIC),
    "coverage:field-manifest": ("get", lambda w: "/coverage/field/manifest.webmanifest", PUBLIC),
    "api:survey-list": ("get", lambda w: "/api/v1/surveys/", SURVEY_API),
    "api:survey-detail": (
        "get",
        lambda w: f"/api/v1/surveys/{w['coverage_survey'].client_uuid}/",
        IN_SCOPE_API,
    ),
    "api:survey-geojson": ("get", lambda w: "/api/v1/surveys/geojson/", SURVEY_API),
    "api:survey-review": (
        "post",
        lambda w: f"/api/v1/surveys/{w['pending_survey']().client_uuid}/review/",
        every(403, anonymous=401, admin=200, supervisor=200),
    ),
    "api:survey-photos": (
        # No file: those who may add photos get 400 (officer: the survey is out of scope).
        "post",
        lambda w: f"/api/v1/surveys/{w['coverage_survey'].client_uuid}/photos/",
        every(403, anonymous=401, admin=400, supervisor=400, officer=404),
    ),
    "api:coverage-map": (
        "get",
        lambda w: "/api/v1/coverage/map/?bbox=101,-5.5,104,-2.2&zoom=8",
        API,
    ),
    "api:connectivity-list": ("get", lambda w: "/api/v1/connectivity/?regency=17.05", API),
    "api:connectivity-detail": ("get", lambda w: "/api/v1/connectivity/17.05.01.2002/", API),
    "api:connectivity-geojson": ("get", lambda w: "/api/v1/connectivity/geojson/", API),
}

DATA = {
    "coverage:survey-review": {"status": "verified"},
    "api:survey-review": {"status": "verified"},
}

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00"
    b"\x00IEND\xaeB`\x82"
)


def populate(world: dict) -> None:
    """A Seluma officer's surveys (one with a photo) and fresh pending ones to review."""
    import uuid

    seluma = UserFactory(role=Role.OFFICER, scope__regencies=["17.05"])
    survey = make_survey(seluma, village=OTHER_REGENCY_VILLAGE)
    photo = SurveyPhoto(survey=survey, client_uuid=uuid.uuid4())
    photo.image.save("matrix.png", ContentFile(PNG), save=False)
    photo.save()
    world.update(
        coverage_survey=survey,
        coverage_photo=photo,
        pending_survey=lambda: make_survey(seluma, village=OTHER_REGENCY_VILLAGE),
    )
