"""Writes with business rules: storing a survey once (client UUID), reviewing it, and keeping the
derived tables (village connectivity, the map grid) in step with the verified surveys."""

import datetime
import decimal
import hashlib
import json
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.images import sanitise_image
from portal.core.scopes import regency_scope
from villages.models import Village

from . import selectors
from .fields import MEASUREMENT_FIELDS, MEASUREMENT_NUMBERS, SURVEY_FIELDS
from .models import (
    COUNTS_SQL,
    TECHNOLOGY_RANK,
    Fibre,
    MapCell,
    Measurement,
    ReviewStatus,
    Survey,
    SurveyPhoto,
    Technology,
    VillageConnectivity,
)
from .validators import MAX_PHOTO_BYTES


class SurveyConflict(Exception):
    """The client UUID is already stored with different content (HTTP 409)."""

    def __init__(self, survey: Survey):
        super().__init__(f"client_uuid {survey.client_uuid} is already stored")
        self.survey = survey


@dataclass
class SurveyInput:
    """A survey as the API, the field form and the importer hand it over (already typed)."""

    client_uuid: uuid.UUID
    village: Village
    observed_at: datetime.datetime
    latitude: float
    longitude: float
    place_type: str
    electricity: str
    measurements: list[dict]
    accuracy_m: int | None = None
    fibre: str = Fibre.NONE
    fibre_distance_m: int | None = None
    fibre_provider: str = ""
    notes: str = ""


def _canonical(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(microsecond=0).isoformat()
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, decimal.Decimal):
        return str(value.quantize(decimal.Decimal("0.01")))
    if isinstance(value, str):
        return value.strip().replace("\r\n", "\n")
    return value


def content_hash(data: SurveyInput, *, officer_id: int) -> str:
    """A digest of everything the officer entered (coverage/fields.py): equal digests mean the
    same survey."""
    body = {
        "uuid": str(data.client_uuid),
        "officer": officer_id,
        "village": data.village.pk,
        **{name: _canonical(getattr(data, name)) for name in SURVEY_FIELDS},
        "measurements": sorted(
            (
                [m["operator"], *[_canonical(m.get(name)) for name in MEASUREMENT_FIELDS]]
                for m in data.measurements
            ),
            key=lambda row: row[0],
        ),
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def validate_survey(data: SurveyInput, *, by) -> None:
    """The rules a survey must follow, whoever sends it (API, field form, file import, outbox
    file); raises ValidationError. A village of another province than PORTAL_PROVINCE, or a
    point outside that province, is refused; a point outside the village itself is accepted and
    flagged by `survey_submit` (`outside_village`)."""
    errors: dict[str, list[str]] = {}
    regencies = regency_scope(by)
    if regencies is not None and data.village.pk[:5] not in regencies:
        errors.setdefault("village", []).append(
            _("%(village)s is outside the kabupaten/kota you work in.")
            % {"village": data.village.name}
        )
    province = settings.PORTAL_PROVINCE
    if data.village.pk[:2] != province:
        errors.setdefault("village", []).append(
            _("%(village)s is not in the province this portal serves.")
            % {"village": data.village.name}
        )
    if not (-90 <= data.latitude <= 90 and -180 <= data.longitude <= 180):
        errors.setdefault("location", []).append(_("The position is not a valid coordinate."))
    elif not selectors.in_province(province, data.latitude, data.longitude):
        errors.setdefault("location", []).append(
            _(
                "The position %(lat).5f, %(lng).5f lies outside the province of %(village)s: "
                "check the latitude and longitude."
            )
            % {"lat": data.latitude, "lng": data.longitude, "village": data.village.name}
        )
    if data.observed_at > timezone.now() + datetime.timedelta(minutes=10):
        errors.setdefault("observed_at", []).append(_("The survey time is in the future."))
    if data.fibre == Fibre.NONE and (data.fibre_distance_m is not None or data.fibre_provider):
        errors.setdefault("fibre", []).append(
            _("No fibre was seen: leave its distance and provider empty.")
        )
    if not data.measurements:
        errors.setdefault("measurements", []).append(
            _("Record at least one operator (choose “no signal” where the phone shows none).")
        )
    seen = set()
    for m in data.measurements:
        if m["operator"] in seen:
            errors.setdefault("measurements", []).append(
                _("%(operator)s is recorded twice.") % {"operator": m["operator"]}
            )
        seen.add(m["operator"])
        if m["technology"] == Technology.NONE and any(
            m.get(name) is not None for name in MEASUREMENT_NUMBERS
        ):
            errors.setdefault("measurements", []).append(
                _("%(operator)s has no signal: leave its strength and speeds empty.")
                % {"operator": m["operator"]}
            )
    if errors:
        raise ValidationError(errors)


def outside_village(data: SurveyInput) -> int | None:
    """Metres the point lies outside the village's boundary (or, without a boundary in the
    registry, from its centroid) when that exceeds SURVEY_LOCATION_TOLERANCE_M; None otherwise
    (and when the registry has neither)."""
    metres = selectors.distance_to_village_m(data.village.pk, data.latitude, data.longitude)
    if metres is None or metres <= settings.SURVEY_LOCATION_TOLERANCE_M:
        return None
    return round(metres)


def _derive(measurements: list[dict]) -> tuple[str, int]:
    best, operators = Technology.NONE, 0
    for m in measurements:
        if selectors.is_usable(m["technology"], m.get("signal_dbm")):
            operators += 1
            if TECHNOLOGY_RANK.index(m["technology"]) > TECHNOLOGY_RANK.index(best):
                best = m["technology"]
    return best, operators


def _existing(client_uuid, digest: str) -> Survey | None:
    survey = Survey.objects.filter(client_uuid=client_uuid).first()
    if survey is None:
        return None
    if survey.content_hash != digest:
        raise SurveyConflict(survey)
    return survey


def survey_submit(*, data: SurveyInput, by, source: str) -> tuple[Survey, bool]:
    """Store a survey once per client UUID: returns (survey, created).

    The same UUID again with the same content returns the stored survey (created False); with
    other content it raises SurveyConflict. Concurrent sends of one UUID store it once (the
    unique constraint decides, and the loser reads the winner's row).
    """
    digest = content_hash(data, officer_id=by.pk)
    existing = _existing(data.client_uuid, digest)
    if existing is not None:
        return existing, False
    validate_survey(data, by=by)
    best, operators = _derive(data.measurements)
    outside_m = outside_village(data)
    try:
        with transaction.atomic():
            survey = Survey.objects.create(
                client_uuid=data.client_uuid,
                officer=by,
                village=data.village,
                observed_at=data.observed_at,
                location=Point(data.longitude, data.latitude, srid=4326),
                accuracy_m=data.accuracy_m,
                place_type=data.place_type,
                fibre=data.fibre,
                fibre_distance_m=data.fibre_distance_m,
                fibre_provider=data.fibre_provider.strip(),
                electricity=data.electricity,
                notes=data.notes.strip(),
                best_technology=best,
                operators_with_signal=operators,
                outside_village_m=outside_m,
                content_hash=digest,
                source=source,
            )
            Measurement.objects.bulk_create(
                Measurement(
                    survey=survey,
                    operator=m["operator"],
                    technology=m["technology"],
                    **{name: m.get(name) for name in MEASUREMENT_NUMBERS},
                )
                for m in data.measurements
            )
    except IntegrityError:
        existing = _existing(data.client_uuid, digest)
        if existing is None:
            raise
        return existing, False
    return survey, True


@transaction.atomic
def survey_photo_add(*, survey: Survey, client_uuid: uuid.UUID, image, caption: str, by):
    """Attach a photo once per client UUID, re-encoded without metadata; returns (photo,
    created)."""
    if survey.officer_id != by.pk:
        raise ValidationError(_("Only the officer who took the survey can add its photos."))
    photo = SurveyPhoto.objects.filter(client_uuid=client_uuid).first()
    if photo is not None:
        if photo.survey_id != survey.pk:
            raise ValidationError(_("This photo belongs to another survey."))
        return photo, False
    # Stored re-encoded without metadata (the EXIF GPS of the phone, its model, the time): the
    # stored file is what Pillow decoded, so a file that only starts like an image is refused.
    try:
        clean = sanitise_image(image, max_bytes=MAX_PHOTO_BYTES)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from None
    photo = SurveyPhoto(survey=survey, client_uuid=client_uuid, caption=caption.strip())
    photo.image.save(
        f"{client_uuid}.{clean.extension}", clean.as_file(str(client_uuid)), save=False
    )
    photo.save()
    return photo, True


# --- Review --------------------------------------------------------------------------------------

ALLOWED_REVIEWS = {
    ReviewStatus.PENDING: {ReviewStatus.VERIFIED, ReviewStatus.REJECTED},
    ReviewStatus.VERIFIED: {ReviewStatus.REJECTED},
    ReviewStatus.REJECTED: {ReviewStatus.VERIFIED},
}


@transaction.atomic
def survey_review(
    *, survey: Survey, status: str, reason: str, by, confirm_location: bool = False
) -> Survey:
    """Verify or reject a survey. A rejection needs a reason; nobody reviews their own survey.

    A verified survey can later be rejected (and a rejected one verified) with a reason: the
    village's connectivity and the map grid follow. A survey whose point lies outside its village
    (`outside_village_m`) counts only once a supervisor confirms its location: `confirm_location`
    when verifying it, or later on the verified survey (status "verified" again); who and when
    are recorded.
    """
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    status = ReviewStatus(status)
    current = ReviewStatus(survey.review_status)
    counted = survey.counts
    confirming = confirm_location and survey.location_needs_confirmation
    if survey.officer_id == by.pk:
        raise ValidationError(_("Another supervisor must review your own survey."))
    if confirm_location and survey.outside_village_m is None:
        raise ValidationError(
            {"confirm_location": _("This survey lies in its village: nothing to confirm.")}
        )
    if confirm_location and status != ReviewStatus.VERIFIED:
        raise ValidationError(
            {"confirm_location": _("A location is confirmed when verifying, not when rejecting.")}
        )
    if current == status == ReviewStatus.VERIFIED:
        # Only the location of a verified survey may still be confirmed.
        if not survey.location_needs_confirmation:
            raise ValidationError(_("This survey is already verified."))
        if not confirming:
            raise ValidationError(
                {
                    "confirm_location": _(
                        "Tick the confirmation of the location to let this survey count."
                    )
                }
            )
    elif status not in ALLOWED_REVIEWS[current]:
        raise ValidationError(
            _("A survey that is %(current)s cannot become %(new)s.")
            % {"current": current.label.lower(), "new": status.label.lower()}
        )
    reason = reason.strip()
    if status == ReviewStatus.REJECTED and not reason:
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    if current != ReviewStatus.PENDING and current != status and not reason:
        raise ValidationError({"reason": _("Give the reason for changing the review.")})
    fields = []
    if current != status or current == ReviewStatus.PENDING:
        survey.review_status = status
        survey.reviewed_by = by
        survey.reviewed_at = timezone.now()
        survey.review_reason = reason
        fields += ["review_status", "reviewed_by", "reviewed_at", "review_reason"]
    if confirming:
        survey.location_confirmed_by = by
        survey.location_confirmed_at = timezone.now()
        fields += ["location_confirmed_by", "location_confirmed_at"]
    survey.save(update_fields=fields)
    if counted != survey.counts:
        _grid_apply(survey, +1 if survey.counts else -1)
        refresh_village_connectivity(survey.village_id)
    return survey


def refresh_village_connectivity(village_code: str) -> VillageConnectivity | None:
    """Recompute one village's row of VillageConnectivity from its surveys that count."""
    facts = selectors.village_facts(village_code)
    if facts.survey_count == 0:
        VillageConnectivity.objects.filter(village_id=village_code).delete()
        return None
    row, _created = VillageConnectivity.objects.update_or_create(
        village_id=village_code,
        defaults={
            "status": facts.status,
            "survey_count": facts.survey_count,
            "latest_survey_at": facts.latest_survey_at,
            "operator_count": len(facts.operators),
            "operators": ",".join(sorted(facts.operators)),
            "best_technology": facts.best_technology,
            "fibre_ready": facts.fibre_ready,
        },
    )
    return row


def _grid_apply(survey: Survey, sign: int) -> None:
    """Add (+1) or remove (-1) one survey from every level of the map grid."""
    rows = []
    lng, lat = survey.location.x, survey.location.y
    counts = [sign if survey.best_technology == tech else 0 for tech in TECHNOLOGY_RANK]
    for level in range(selectors.MIN_LEVEL, selectors.MAX_LEVEL + 1):
        x, y = selectors.lng_to_x(lng, level), selectors.lat_to_y(lat, level)
        rows.append((level, x, y, survey.village_id[:5], sign, *counts, sign * lng, sign * lat))
    with connection.cursor() as cursor:
        # One statement (not executemany: pghistory's context wrapper expects single statements).
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
        cursor.execute(
            f"""
            INSERT INTO {MapCell._meta.db_table}
                (level, x, y, regency_id, count, count_none, count_2g, count_3g, count_4g,
                 count_5g, sum_lng, sum_lat)
            VALUES {values}
            ON CONFLICT (level, x, y, regency_id) DO UPDATE SET
                count = {MapCell._meta.db_table}.count + EXCLUDED.count,
                count_none = {MapCell._meta.db_table}.count_none + EXCLUDED.count_none,
                count_2g = {MapCell._meta.db_table}.count_2g + EXCLUDED.count_2g,
                count_3g = {MapCell._meta.db_table}.count_3g + EXCLUDED.count_3g,
                count_4g = {MapCell._meta.db_table}.count_4g + EXCLUDED.count_4g,
                count_5g = {MapCell._meta.db_table}.count_5g + EXCLUDED.count_5g,
                sum_lng = {MapCell._meta.db_table}.sum_lng + EXCLUDED.sum_lng,
                sum_lat = {MapCell._meta.db_table}.sum_lat + EXCLUDED.sum_lat
            """,
            [value for row in rows for value in row],
        )
        cursor.execute(f"DELETE FROM {MapCell._meta.db_table} WHERE count <= 0")


def survey_locations_refresh() -> int:
    """Flag again, with today's SURVEY_LOCATION_TOLERANCE_M and village boundaries, every survey
    whose location no supervisor confirmed (a confirmed one keeps its confirmation). Returns the
    number of surveys whose flag changed."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH measured AS (
                SELECT s.id,
                       CASE WHEN v.boundary IS NOT NULL
                            THEN ST_Distance(v.boundary::geography, s.location::geography)
                            WHEN v.centroid IS NOT NULL
                            THEN ST_Distance(v.centroid::geography, s.location::geography)
                       END AS metres
                FROM coverage_survey s JOIN villages_village v ON v.code = s.village_id
                WHERE s.location_confirmed_at IS NULL
            ), flagged AS (
                SELECT id, CASE WHEN metres > %s THEN round(metres)::int END AS outside
                FROM measured
            )
            UPDATE coverage_survey s SET outside_village_m = f.outside
            FROM flagged f
            WHERE f.id = s.id AND s.outside_village_m IS DISTINCT FROM f.outside
            """,
            [settings.SURVEY_LOCATION_TOLERANCE_M],
        )
        return cursor.rowcount


@transaction.atomic
def rebuild_derived(*, refresh_locations: bool = True) -> dict:
    """Recompute the map grid and every village's connectivity from the surveys that count,
    after flagging the unconfirmed survey locations again (`survey_locations_refresh`)."""
    flags = survey_locations_refresh() if refresh_locations else 0
    table = MapCell._meta.db_table
    x = selectors.SQL_X.format(lng="ST_X(s.location)", level="l")
    y = selectors.SQL_Y.format(lat="ST_Y(s.location)", level="l")
    classes = ", ".join(
        f"count(*) FILTER (WHERE s.best_technology = '{tech}')" for tech in TECHNOLOGY_RANK
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            f"""
            INSERT INTO {table}
                (level, x, y, regency_id, count, count_none, count_2g, count_3g, count_4g,
                 count_5g, sum_lng, sum_lat)
            SELECT l, {x}, {y}, left(s.village_id, 5), count(*), {classes},
                   sum(ST_X(s.location)), sum(ST_Y(s.location))
            FROM coverage_survey s
            CROSS JOIN generate_series(%s, %s) AS l
            WHERE {COUNTS_SQL}
            GROUP BY 1, 2, 3, 4
            """,
            [selectors.MIN_LEVEL, selectors.MAX_LEVEL],
        )
        cells = cursor.rowcount
    codes = set(
        Survey.objects.counting().order_by().values_list("village_id", flat=True).distinct()
    )
    VillageConnectivity.objects.exclude(village_id__in=codes).delete()
    for code in sorted(codes):
        refresh_village_connectivity(code)
    return {"cells": cells, "villages": len(codes), "location_flags_changed": flags}
