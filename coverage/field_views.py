"""The offline field form: the page (installable, works without signal), its service worker,
which caches the form's modules and assets, and its web app manifest. The form gets the survey's
fields, operators and labels from the server (coverage/fields.py)."""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from rest_framework import fields as rest_fields

from portal.core.decorators import permission_page
from portal.core.scopes import regency_scope
from villages.models import District, Province, Village

from .api.serializers import MeasurementSerializer, SurveySerializer
from .fields import MEASUREMENT_NUMBERS, SURVEY_FIELDS
from .models import (
    Electricity,
    Fibre,
    Operator,
    PlaceType,
    Technology,
)


def _field_villages(user) -> dict:
    """Kecamatan and villages the user may survey, with centroids, for the offline form."""
    regencies = regency_scope(user)
    districts = District.objects.filter(regency__province_id=settings.PORTAL_PROVINCE)
    villages = Village.objects.filter(district__regency__province_id=settings.PORTAL_PROVINCE)
    if regencies is not None:
        districts = districts.filter(regency_id__in=regencies)
        villages = villages.filter(district__regency_id__in=regencies)
    return {
        "districts": [
            [code, name, regency]
            for code, name, regency in districts.select_related("regency")
            .order_by("code")
            .values_list("code", "name", "regency__name")
        ],
        "villages": [
            [code, name, district, round(c.y, 5) if c else None, round(c.x, 5) if c else None]
            for code, name, district, c in villages.order_by("code").values_list(
                "code", "name", "district_id", "centroid"
            )
        ],
    }


def field_messages() -> dict:
    """Texts of the field form's scripts (coverage/static/coverage/field/), translated here."""
    return {
        "online": _("Online"),
        "offline": _("Offline: surveys are kept on this device"),
        "waiting": _("waiting to be sent"),
        "saved": _("Survey saved in the outbox."),
        "sent": _("Sent and confirmed by the server:"),
        "sending": _("Sending…"),
        "loginAgain": _(
            "Your session has expired. Log in again to send the waiting surveys; they stay on "
            "this device."
        ),
        "conflict": _(
            "The server already has a different survey with this number; it was not sent. Save "
            "the outbox to a file and show it to your supervisor."
        ),
        "invalid": _("The server refused this survey:"),
        "otherOfficer": _("Entered by another officer; log in as them to send it:"),
        "noPosition": _("The position is not available; enter it by hand."),
        "positionFound": _("Position found, accuracy"),
        "nearest": _("Nearest village:"),
        "needVillage": _("Choose the village."),
        "required": _("{field}: enter a value."),
        "notNumber": _("{field}: “{value}” is not a number."),
        "notWhole": _("{field}: “{value}” is not a whole number."),
        "notDate": _("{field}: “{value}” is not a date and time."),
        "needMeasurement": _("Record at least one operator."),
        "fileLoaded": _("Surveys added from the file:"),
        "fileBad": _("This file is not a saved outbox."),
        "empty": _("The outbox is empty."),
        "retry": _("Could not reach the server; will try again."),
        "delete": _("Delete"),
        "logIn": _("Log in again"),
        "photos": _("photos"),
        "confirmDelete": _("Delete this survey from the outbox? It has not been sent."),
    }


def _kind(field) -> str:
    """How the field form reads an API field: a number, a whole number, a date-time, a choice
    or text."""
    if isinstance(field, rest_fields.DateTimeField):
        return "datetime"
    if isinstance(field, rest_fields.IntegerField):
        return "integer"
    if isinstance(field, rest_fields.FloatField | rest_fields.DecimalField):
        return "number"
    if isinstance(field, rest_fields.ChoiceField):
        return "choice"
    return "text"


def field_form_fields() -> dict:
    """What the field form's scripts know of a survey: its fields (coverage/fields.py) as
    [name, kind, required] from the API's serializers, the operators and choice labels from the
    model's choices."""
    survey = SurveySerializer().fields
    measurement = MeasurementSerializer().fields
    return {
        "survey": [[name, _kind(survey[name]), survey[name].required] for name in SURVEY_FIELDS],
        "measurement": [[name, _kind(measurement[name]), False] for name in MEASUREMENT_NUMBERS],
        "operators": [[value, str(label)] for value, label in Operator.choices],
        "technologies": {value: str(label) for value, label in Technology.choices},
        "noSignal": Technology.NONE,
        "noFibre": Fibre.NONE,
        # Left empty when no fibre was seen (coverage.services.validate_survey).
        "fibreDetails": ["fibre_distance_m", "fibre_provider"],
    }


@permission_page("coverage.add_survey")
def field(request):
    """The field form: install it, open it once online, then survey with or without signal."""
    context = {
        "field_data": {
            **_field_villages(request.user),
            "fields": field_form_fields(),
            "messages": field_messages(),
            "officer": request.user.get_username(),
            "apiUrl": reverse("api:survey-list"),
            "loginUrl": f"{reverse('login')}?next={reverse('coverage:field')}",
            "swUrl": reverse("coverage:field-sw"),
            "scope": reverse("coverage:field"),
        },
        "operators": Operator.choices,
        "technologies": Technology.choices,
        "place_types": PlaceType.choices,
        "electricity_choices": Electricity.choices,
        "fibre_choices": Fibre.choices,
    }
    response = render(request, "coverage/field.html", context)
    response["Cache-Control"] = "no-cache"
    return response


#: The field form's ES modules (coverage/static/coverage/field/): every one is cached by the
#: service worker, so that the form opens without a connection.
FIELD_MODULES = sorted(
    f"coverage/field/{path.name}"
    for path in (Path(__file__).parent / "static" / "coverage" / "field").glob("*.mjs")
)
#: What the form page loads: the base layout's styles and scripts, and the form's own.
FIELD_ASSETS = [
    "css/portal.css",
    "css/programme.css",
    "coverage/coverage.css",
    "js/portal.js",
    "js/programme.js",
    *FIELD_MODULES,
    "coverage/icons/icon-192.png",
    "coverage/icons/icon-512.png",
]


def field_assets_version(urls: list[str]) -> str:
    """A digest of the assets' URLs (hashed in production) and contents (development serves
    changed files under the same URL), the same in every worker process."""
    digest = hashlib.sha256("\n".join(urls).encode())
    for path in FIELD_ASSETS:
        found = finders.find(path)
        if found:
            digest.update(Path(found).read_bytes())
    return digest.hexdigest()[:12]


@never_cache
@require_GET
def field_service_worker(request):
    """The service worker of the field form, at the form's own path so that its scope is the
    form. Its version changes with the assets, so a new version replaces the cached ones."""
    assets = [static(path) for path in FIELD_ASSETS]
    version = field_assets_version(assets)
    body = render_to_string(
        "coverage/sw.js",
        {
            "config": json.dumps(
                {
                    "version": version,
                    "page": reverse("coverage:field"),
                    "manifest": reverse("coverage:field-manifest"),
                    "assets": assets,
                }
            )
        },
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("coverage:field")
    return response


@require_GET
def field_manifest(request):
    """The web app manifest: installable, starting at the field form."""
    start = reverse("coverage:field")
    province = Province.objects.filter(code=settings.PORTAL_PROVINCE).values_list("name").first()
    manifest = {
        "name": _("Coverage survey — %(province)s")
        % {"province": province[0] if province else settings.PORTAL_PROVINCE},
        "short_name": _("Coverage survey"),
        "description": _("Network coverage surveys, with or without signal."),
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#1d3557",
        "lang": request.LANGUAGE_CODE,
        "icons": [
            {"src": static("coverage/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("coverage/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("coverage/icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return HttpResponse(
        json.dumps(manifest, ensure_ascii=False), content_type="application/manifest+json"
    )
