"""Helpers that make coverage surveys through the services, as the portal does."""

import datetime
import uuid

from django.utils import timezone

from coverage import services
from coverage.models import Electricity, Fibre, PlaceType, Source, Survey
from villages.models import Village

# A village of Kabupaten Bengkulu Selatan (17.01) and one of Seluma (17.05).
VILLAGE = "17.01.01.2001"
OTHER_REGENCY_VILLAGE = "17.05.01.2002"


def measurement(operator="telkomsel", technology="4g", dbm=-90, down=None, up=None, latency=None):
    return {
        "operator": operator,
        "technology": technology,
        "signal_dbm": dbm if technology != "none" else None,
        "download_mbps": down,
        "upload_mbps": up,
        "latency_ms": latency,
    }


def survey_input(village=VILLAGE, measurements=None, **overrides) -> services.SurveyInput:
    village_obj = Village.objects.defer("boundary").get(code=village)
    point = village_obj.centroid
    data = {
        "client_uuid": uuid.uuid4(),
        "village": village_obj,
        "observed_at": timezone.now() - datetime.timedelta(hours=1),
        "latitude": point.y if point else -4.0,
        "longitude": point.x if point else 102.5,
        "accuracy_m": 10,
        "place_type": PlaceType.VILLAGE_OFFICE,
        "electricity": Electricity.PLN_24H,
        "fibre": Fibre.NONE,
        "measurements": measurements if measurements is not None else [measurement()],
    }
    data.update(overrides)
    return services.SurveyInput(**data)


def make_survey(officer, village=VILLAGE, measurements=None, **overrides) -> Survey:
    survey, created = services.survey_submit(
        data=survey_input(village, measurements, **overrides), by=officer, source=Source.API
    )
    assert created
    return survey


def verified_survey(officer, supervisor, village=VILLAGE, measurements=None, **overrides):
    survey = make_survey(officer, village, measurements, **overrides)
    return services.survey_review(survey=survey, status="verified", reason="", by=supervisor)


def payload(village=VILLAGE, **overrides) -> dict:
    """A POST body of the survey API."""
    village_obj = Village.objects.defer("boundary").get(code=village)
    body = {
        "client_uuid": str(uuid.uuid4()),
        "village": village,
        "observed_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
        "latitude": round(village_obj.centroid.y, 6),
        "longitude": round(village_obj.centroid.x, 6),
        "accuracy_m": 12,
        "place_type": "settlement",
        "fibre": "none",
        "electricity": "pln_part",
        "notes": "Sinyal hilang di belakang balai desa.",
        "measurements": [
            {
                "operator": "telkomsel",
                "technology": "4g",
                "signal_dbm": -97,
                "download_mbps": "8.50",
                "upload_mbps": "2.10",
                "latency_ms": 60,
            },
            {"operator": "indosat", "technology": "none"},
        ],
    }
    body.update(overrides)
    return body
