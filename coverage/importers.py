"""Import of surveys exported from field tools (KoboToolbox, ODK Collect) as CSV or XLSX.

The columns are documented in docs/coverage-import.md and offered as a template on the import
page (`TEMPLATE_COLUMNS`). Headers are matched without case, and a group prefix such as
`group_telkomsel/` or `meta/` is ignored, so a KoboToolbox export with "XML values and headers"
imports as it is. Every row is checked first; one bad row stops the import and nothing is
written (the error names its line: the header is line 1). A row whose UUID is already stored with
the same content is skipped; with other content it is an error.

The same page takes the outbox file the field form saves (`import_outbox`, a .json file): the
surveys an officer could not send, with their photos, imported by that officer on any computer.
"""

import base64
import binascii
import csv
import datetime
import decimal
import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from portal.core.tables import TableError, read_table
from portal.core.tables import number as grouped
from portal.core.uploads import JSONTooDeep, check_json
from villages.models import Village

from . import services
from .api.serializers import SurveySerializer  # the survey as the field form sends it
from .fields import MEASUREMENT_FIELDS, OPERATORS, SURVEY_FIELDS, import_columns
from .models import Electricity, Fibre, PlaceType, Source, Technology
from .validators import validate_photo

#: JSON values (objects, arrays, strings) an outbox file may hold per survey it may hold.
OUTBOX_VALUES_PER_SURVEY = 100

#: The template's columns, from the survey's fields (coverage/fields.py).
TEMPLATE_COLUMNS = import_columns()
#: The column of each survey field, and the end of each operator's measurement columns.
COLUMN = SURVEY_FIELDS
OPERATOR_COLUMN = MEASUREMENT_FIELDS

#: The columns the import reads; others are not kept.
KNOWN_COLUMNS = frozenset(TEMPLATE_COLUMNS)

#: Other names field tools use for the same columns (the API's field names among them).
ALIASES = {
    **{name: column for name, column in SURVEY_FIELDS.items() if name != column},
    "uuid": "_uuid",
    "instanceid": "_uuid",
    "client_uuid": "_uuid",
    "kode_desa": "village_code",
    "village": "village_code",
    "start": "observed_at",
    "_submission_time": "observed_at",
    "lat": "_gps_latitude",
    "lng": "_gps_longitude",
    "lon": "_gps_longitude",
    "accuracy": "_gps_precision",
}


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


class SurveyImportError(Exception):
    """The file cannot be imported; `errors` lists (line, message)."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__("; ".join(f"line {line}: {message}" for line, message in errors))
        self.errors = errors


def max_surveys() -> int:
    """Surveys (rows) per imported file: COVERAGE_IMPORT_MAX_SURVEYS."""
    return settings.COVERAGE_IMPORT_MAX_SURVEYS


def _surveys_limit() -> dict:
    return {"n": grouped(max_surveys())}


def normalise_header(name) -> str:
    name = str(name or "").strip().lower().rsplit("/", 1)[-1].replace(" ", "_").replace("-", "_")
    return ALIASES.get(name, name)


def read_rows(name: str, content) -> Iterator[tuple[int, dict]]:
    """(line number, {column: value}) of each non-blank row of a .csv (UTF-8, comma or semicolon)
    or .xlsx file, read as a stream within the IMPORT_* limits (portal/core/tables/); columns
    the import does not know are not kept. `content` is bytes or a binary file."""
    try:
        rows = read_table(name, content)
        header_line, header = next(rows, (1, None))
        if header is None:
            raise SurveyImportError([(1, _("The file is empty."))])
        known = [
            (index, column)
            for index, column in enumerate(normalise_header(h) for h in header)
            if column in KNOWN_COLUMNS
        ]
        for line, values in rows:
            yield (
                line,
                {
                    column: "" if index >= len(values) or values[index] is None else values[index]
                    for index, column in known
                },
            )
    except TableError as error:
        raise SurveyImportError([(error.line, error.message)]) from None


def _text(row, name) -> str:
    value = row.get(name, "")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() if value is not None else ""


def _choice(row, name, choices, errors, *, required=True, default=""):
    text = _text(row, name)
    if not text:
        if required and not default:
            errors.append(_("%(column)s is empty.") % {"column": name})
        return default
    for value, label in choices.choices:
        with translation.override("en"):
            english = str(label).lower()
        if text.lower() in (value.lower(), str(label).lower(), english):
            return value
    errors.append(
        _("%(column)s: “%(value)s” is not one of %(choices)s.")
        % {"column": name, "value": text, "choices": ", ".join(choices.values)}
    )
    return default


def _number(row, name, errors, kind=int, low=None, high=None):
    """The cell as `kind`, checked against low…high while it is still a Decimal: "NaN",
    "Infinity" and "1e999999999" (an integer of a billion digits) never become numbers."""
    text = _text(row, name).replace(",", ".")
    if not text:
        return None
    try:
        number = decimal.Decimal(text)
    except (ValueError, decimal.InvalidOperation):
        number = None
    if number is None or not number.is_finite():
        errors.append(
            _("%(column)s: “%(value)s” is not a number.") % {"column": name, "value": text}
        )
        return None
    if (low is not None and number < low) or (high is not None and number > high):
        errors.append(
            _("%(column)s: %(value)s is outside %(low)s…%(high)s.")
            % {"column": name, "value": text, "low": low, "high": high}
        )
        return None
    return number if kind is decimal.Decimal else kind(number)


def _when(row, errors):
    value = row.get(COLUMN["observed_at"], "")
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        text = _text(row, COLUMN["observed_at"])
        if not text:
            errors.append(_("observed_at is empty."))
            return None
        moment = parse_datetime(text.replace(" ", "T", 1) if "T" not in text else text)
        if moment is None:
            errors.append(
                _("observed_at: “%(value)s” is not a date and time (YYYY-MM-DD HH:MM).")
                % {"value": text}
            )
            return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # field tools export local (WIB) time
    return moment


def parse_row(row: dict, villages: dict, *, officer_id: int) -> tuple[services.SurveyInput, list]:
    """One row as a SurveyInput, and the problems found (messages without the line)."""
    errors: list[str] = []
    code = _text(row, "village_code")
    village = villages.get(code)
    if village is None:
        errors.append(
            _("village_code: “%(value)s” is not a village of the registry.") % {"value": code}
        )
    raw_uuid = _text(row, "_uuid").removeprefix("uuid:")
    measurements = []
    for operator in OPERATORS:
        column = {name: f"{operator}_{end}" for name, end in OPERATOR_COLUMN.items()}
        technology = _choice(
            row, column["technology"], Technology, errors, required=False, default=""
        )
        if not technology:
            continue
        measurements.append(
            {
                "operator": operator,
                "technology": technology,
                "signal_dbm": _number(row, column["signal_dbm"], errors, int, -150, -20),
                "download_mbps": _number(
                    row, column["download_mbps"], errors, decimal.Decimal, 0, 10000
                ),
                "upload_mbps": _number(
                    row, column["upload_mbps"], errors, decimal.Decimal, 0, 10000
                ),
                "latency_ms": _number(row, column["latency_ms"], errors, int, 0, 60000),
            }
        )
    for m in measurements:
        for name in ("download_mbps", "upload_mbps"):
            if m[name] is not None:
                m[name] = m[name].quantize(decimal.Decimal("0.01"))
    data = services.SurveyInput(
        client_uuid=uuid.uuid4(),
        village=village,
        observed_at=_when(row, errors),
        latitude=_number(row, COLUMN["latitude"], errors, float, -90, 90),
        longitude=_number(row, COLUMN["longitude"], errors, float, -180, 180),
        accuracy_m=_number(row, COLUMN["accuracy_m"], errors, int, 0, 100000),
        place_type=_choice(row, COLUMN["place_type"], PlaceType, errors),
        fibre=_choice(row, COLUMN["fibre"], Fibre, errors, default=Fibre.NONE),
        fibre_distance_m=_number(row, COLUMN["fibre_distance_m"], errors, int, 0, 1000000),
        fibre_provider=_text(row, COLUMN["fibre_provider"]),
        electricity=_choice(row, COLUMN["electricity"], Electricity, errors),
        notes=_text(row, COLUMN["notes"]),
        measurements=measurements,
    )
    if data.latitude is None or data.longitude is None:
        errors.append(_("_gps_latitude and _gps_longitude are required."))
    if raw_uuid:
        try:
            data.client_uuid = uuid.UUID(raw_uuid)
        except ValueError:
            errors.append(_("_uuid: “%(value)s” is not a UUID.") % {"value": raw_uuid})
    elif not errors:
        # No UUID in the file: derive one from the content, so importing the file twice
        # stores each survey once.
        data.client_uuid = uuid.UUID(int=0)
        digest = services.content_hash(data, officer_id=officer_id)
        data.client_uuid = uuid.uuid5(uuid.NAMESPACE_URL, f"coverage-import:{digest}")
    return data, errors


def import_surveys(*, name: str, content, by) -> ImportResult:
    """Import every row or none: raises SurveyImportError listing each bad row with its line.
    `content` is the file (bytes or a binary file object), read as a stream."""
    rows = []
    for line, row in read_rows(name, content):
        if len(rows) >= max_surveys():
            raise SurveyImportError(
                [(line, _("At most %(n)s rows per file; split the file.") % _surveys_limit())]
            )
        rows.append((line, row))
    if not rows:
        raise SurveyImportError([(1, _("The file has no survey rows."))])
    codes = {_text(row, "village_code") for _line, row in rows}
    villages = {v.code: v for v in Village.objects.filter(code__in=codes).defer("boundary")}
    parsed, errors = [], []
    seen_uuids: dict = {}
    for line, row in rows:
        data, row_errors = parse_row(row, villages, officer_id=by.pk)
        if not row_errors:
            if data.client_uuid in seen_uuids:
                row_errors.append(
                    _("_uuid repeats line %(line)d.") % {"line": seen_uuids[data.client_uuid]}
                )
            seen_uuids[data.client_uuid] = line
        if not row_errors:
            try:
                services.validate_survey(data, by=by)
            except ValidationError as error:
                row_errors.extend(message for message in error.messages)
        errors.extend((line, message) for message in row_errors)
        parsed.append((line, data))
    if errors:
        raise SurveyImportError(errors)
    result = ImportResult()
    with transaction.atomic():
        for line, data in parsed:
            try:
                _survey, created = services.survey_submit(data=data, by=by, source=Source.IMPORT)
            except services.SurveyConflict:
                errors.append(
                    (line, _("_uuid is already stored with different content; nothing imported."))
                )
                continue
            if created:
                result.created += 1
            else:
                result.unchanged += 1
        if errors:
            transaction.set_rollback(True)
            raise SurveyImportError(errors)
    return result


def template_csv() -> str:
    """The template: the header and one sample row (labelled as a sample in its notes)."""
    sample = {
        "_uuid": "",
        "village_code": "17.01.01.2001",
        "observed_at": "2026-01-15 09:30",
        "_gps_latitude": "-4.3700",
        "_gps_longitude": "103.0300",
        "_gps_precision": "8",
        "place_type": "village_office",
        "fibre": "none",
        "electricity": "pln_24h",
        "notes": "SAMPLE ROW - delete before importing",
        "telkomsel_technology": "4g",
        "telkomsel_dbm": "-95",
        "telkomsel_download_mbps": "12.5",
        "telkomsel_upload_mbps": "3.2",
        "telkomsel_latency_ms": "45",
        "indosat_technology": "none",
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerow([sample.get(column, "") for column in TEMPLATE_COLUMNS])
    return buffer.getvalue()


# --- The field form's outbox file ----------------------------------------------------------------

#: The `format` of the file the field form saves (FILE_FORMAT of
#: coverage/static/coverage/field/outbox-file.mjs).
OUTBOX_FORMAT = "bengkulu-coverage-outbox"


@dataclass
class _OutboxSurvey:
    data: services.SurveyInput
    photos: list[tuple[uuid.UUID, ContentFile]]


def import_outbox(*, content: bytes, by) -> ImportResult:
    """Import the surveys of an outbox file saved by the field form, with their photos: all of
    them, or none (each problem names the survey by its place in the file and its UUID).

    A survey is its officer's: items saved by another officer are refused (they log in and send
    them), as the field form itself does. A survey already stored with the same content (sent
    before the file was saved) is counted as unchanged; with other content it is an error.
    """
    try:
        # Nesting and size checked first: json.loads recurses (a RecursionError is a 500).
        check_json(content, max_items=max_surveys() * OUTBOX_VALUES_PER_SURVEY)
    except JSONTooDeep as error:
        raise SurveyImportError([(0, str(error))]) from None
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        data = None
    if (
        not isinstance(data, dict)
        or data.get("format") != OUTBOX_FORMAT
        or data.get("version") != 1
        or not isinstance(data.get("items"), list)
    ):
        raise SurveyImportError(
            [(0, _("This .json file is not an outbox saved by the field form."))]
        )
    items = data["items"]
    if not items:
        raise SurveyImportError([(0, _("The outbox holds no survey."))])
    if len(items) > max_surveys():
        raise SurveyImportError(
            [(0, _("At most %(n)s surveys per file; split the file.") % _surveys_limit())]
        )
    username = by.get_username()
    parsed: list[_OutboxSurvey] = []
    errors: list[tuple[int, str]] = []
    for number, item in enumerate(items, 1):
        problems: list[str] = []
        survey = item.get("survey") if isinstance(item, dict) else None
        where = _("Survey %(number)d") % {"number": number}
        if isinstance(survey, dict) and survey.get("client_uuid"):
            where += f" ({survey['client_uuid']})"
        if not isinstance(survey, dict):
            problems.append(_("not a saved survey."))
        elif item.get("officer") != username:
            problems.append(
                _("entered by %(officer)s: only they can send it (they log in and import it).")
                % {"officer": item.get("officer") or "?"}
            )
        else:
            photos = []
            for photo in item.get("photos") or []:
                try:
                    photos.append(_outbox_photo(photo))
                except ValidationError as error:
                    problems += error.messages
            serializer = SurveySerializer(data=survey)
            if not serializer.is_valid():
                problems += _serializer_messages(serializer.errors)
            else:
                entry = _OutboxSurvey(data=serializer.to_input(), photos=photos)
                try:
                    services.validate_survey(entry.data, by=by)
                except ValidationError as error:
                    problems += error.messages
                parsed.append(entry)
        errors.extend((0, f"{where}: {problem}") for problem in problems)
    if errors:
        raise SurveyImportError(errors)
    result = ImportResult()
    with transaction.atomic():
        stored = []
        for entry in parsed:
            try:
                survey, created = services.survey_submit(
                    data=entry.data, by=by, source=Source.IMPORT
                )
            except services.SurveyConflict:
                message = _(
                    "Survey %(uuid)s is already stored with different content; nothing imported."
                ) % {"uuid": entry.data.client_uuid}
                raise SurveyImportError([(0, message)]) from None
            stored.append((survey, entry.photos))
            if created:
                result.created += 1
            else:
                result.unchanged += 1
        # Files last: a refused survey above leaves no photo behind in the storage.
        for survey, photos in stored:
            for client_uuid, image in photos:
                try:
                    services.survey_photo_add(
                        survey=survey, client_uuid=client_uuid, image=image, caption="", by=by
                    )
                except ValidationError as error:
                    where = _("Survey %(uuid)s") % {"uuid": survey.client_uuid}
                    raise SurveyImportError(
                        [(0, f"{where}: {message}") for message in error.messages]
                    ) from None
    return result


def _outbox_photo(photo) -> tuple[uuid.UUID, ContentFile]:
    """(client UUID, image) of a photo of the outbox file (a data: URL), checked like an
    upload."""
    try:
        client_uuid = uuid.UUID(str(photo["client_uuid"]))
        header, encoded = str(photo["data"]).split(",", 1)
        if not header.startswith("data:") or not header.endswith(";base64"):
            raise ValueError(header)
        image = ContentFile(base64.b64decode(encoded, validate=True), name=f"{client_uuid}.jpg")
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise ValidationError(_("a photo of the file is damaged.")) from None
    validate_photo(image)
    return client_uuid, image


def _serializer_messages(errors, path: str = "") -> list[str]:
    """The API serializer's errors as "field: message" lines (measurements[2].signal_dbm: ...)."""
    if isinstance(errors, dict):  # fields, or the items of a list by index (from 0)
        return [
            message
            for name, value in errors.items()
            for message in _serializer_messages(
                value,
                f"{path}[{name + 1}]" if isinstance(name, int) else f"{path}.{name}".lstrip("."),
            )
        ]
    if any(isinstance(value, dict | list) for value in errors):
        return [
            message
            for number, value in enumerate(errors, 1)
            for message in _serializer_messages(value, f"{path}[{number}]")
        ]
    return [f"{path}: {message}" for message in errors]
