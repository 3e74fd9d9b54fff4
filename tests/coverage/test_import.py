"""CSV/XLSX import: the template's columns, Kobo-style headers, line numbers, all or nothing."""

import csv
import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from coverage.importers import TEMPLATE_COLUMNS, SurveyImportError, import_surveys
from coverage.models import Measurement, Source, Survey

pytestmark = pytest.mark.django_db

ROW = {
    "_uuid": "",
    "village_code": "17.01.01.2001",
    "observed_at": "2026-01-15 09:30",
    "_gps_latitude": "-4.37",
    "_gps_longitude": "103.03",
    "_gps_precision": "8",
    "place_type": "village_office",
    "fibre": "access_point",
    "fibre_distance_m": "300",
    "fibre_provider": "Telkom",
    "electricity": "pln_24h",
    "notes": "",
    "telkomsel_technology": "4g",
    "telkomsel_dbm": "-95",
    "telkomsel_download_mbps": "12,5",
    "indosat_technology": "No signal",
}


def csv_bytes(rows, header=TEMPLATE_COLUMNS, delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return buffer.getvalue().encode("utf-8-sig")


def test_csv_import_creates_pending_surveys(officer):
    rows = [ROW, dict(ROW, observed_at="2026-01-15 10:00", place_type="Road")]
    result = import_surveys(name="kobo.csv", content=csv_bytes(rows), by=officer)
    assert (result.created, result.unchanged) == (2, 0)
    survey = Survey.objects.order_by("observed_at").first()
    assert survey.source == Source.IMPORT
    assert survey.review_status == "pending"
    assert survey.fibre_distance_m == 300
    assert survey.best_technology == "4g"
    assert (
        str(Measurement.objects.get(survey=survey, operator="telkomsel").download_mbps) == "12.50"
    )
    assert Measurement.objects.get(survey=survey, operator="indosat").technology == "none"
    # The same file again: the UUIDs derived from the content match, nothing is duplicated.
    again = import_surveys(name="kobo.csv", content=csv_bytes(rows), by=officer)
    assert (again.created, again.unchanged) == (0, 2)
    assert Survey.objects.count() == 2


def test_one_broken_row_imports_nothing_and_names_its_line(officer):
    rows = [
        ROW,
        dict(ROW, observed_at="2026-01-15 11:00"),
        dict(ROW, village_code="17.99.99.9999", telkomsel_technology="6g"),
        dict(ROW, observed_at="kemarin"),
    ]
    with pytest.raises(SurveyImportError) as caught:
        import_surveys(name="kobo.csv", content=csv_bytes(rows), by=officer)
    lines = {line for line, _message in caught.value.errors}
    assert lines == {4, 5}
    messages = " ".join(message for _line, message in caught.value.errors)
    assert "17.99.99.9999" in messages and "6g" in messages and "kemarin" in messages
    assert Survey.objects.count() == 0
    assert Measurement.objects.count() == 0


def test_a_stored_uuid_with_other_content_fails_the_whole_file(officer):
    first = dict(ROW, _uuid="6f1f1d8e-0b0e-4d0e-9a55-7c0f0b1b2c01")
    import_surveys(name="a.csv", content=csv_bytes([first]), by=officer)
    rows = [dict(ROW, observed_at="2026-01-16 08:00"), dict(first, notes="berubah")]
    with pytest.raises(SurveyImportError) as caught:
        import_surveys(name="b.csv", content=csv_bytes(rows), by=officer)
    assert [line for line, _m in caught.value.errors] == [3]
    assert Survey.objects.count() == 1


def test_kobo_headers_semicolons_and_xlsx(officer):
    header = [
        "meta/instanceID",
        "village_code",
        "start",
        "group_gps/_gps_latitude",
        "group_gps/_gps_longitude",
        "place_type",
        "electricity",
        "group_xl/xl_technology",
        "group_xl/xl_dbm",
    ]
    row = {
        "meta/instanceID": "uuid:0d6c5c0e-2c7f-4b59-9d8c-8ad0a5c1f001",
        "village_code": "17.01.01.2001",
        "start": "2026-01-20T08:15:00+07:00",
        "group_gps/_gps_latitude": "-4.37",
        "group_gps/_gps_longitude": "103.03",
        "place_type": "settlement",
        "electricity": "off_grid",
        "group_xl/xl_technology": "3g",
        "group_xl/xl_dbm": "-112",
    }
    result = import_surveys(
        name="kobo.csv", content=csv_bytes([row], header=header, delimiter=";"), by=officer
    )
    assert result.created == 1
    survey = Survey.objects.get(client_uuid="0d6c5c0e-2c7f-4b59-9d8c-8ad0a5c1f001")
    assert survey.operators_with_signal == 0  # 3G at -112 dBm is below the usable threshold

    book = Workbook()
    sheet = book.active
    sheet.append(TEMPLATE_COLUMNS)
    values = dict(ROW, _gps_latitude=-4.38, _gps_longitude=103.04, _gps_precision=5)
    sheet.append([values.get(column) for column in TEMPLATE_COLUMNS])
    sheet.append([dict(ROW, electricity="")[c] if c in ROW else None for c in TEMPLATE_COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(SurveyImportError) as caught:
        import_surveys(name="export.xlsx", content=buffer.getvalue(), by=officer)
    assert [line for line, _m in caught.value.errors] == [3]
    assert Survey.objects.count() == 1


def test_rows_outside_the_officers_kabupaten_are_refused(officer):
    rows = [dict(ROW, village_code="17.05.01.2002")]
    with pytest.raises(SurveyImportError) as caught:
        import_surveys(name="a.csv", content=csv_bytes(rows), by=officer)
    assert caught.value.errors[0][0] == 2


def test_import_page(officer, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(officer)
    assert client.get("/coverage/import/").status_code == 200
    template = client.get("/coverage/import/template.csv")
    assert template.status_code == 200
    assert template.content.decode().splitlines()[0].split(",") == TEMPLATE_COLUMNS
    assert "SAMPLE" in template.content.decode()
    xlsx = client.get("/coverage/import/template.xlsx")
    assert xlsx.content[:2] == b"PK"
    bad = SimpleUploadedFile("s.csv", csv_bytes([ROW, dict(ROW, place_type="pasar")]))
    response = client.post("/coverage/import/", {"file": bad})
    assert response.status_code == 400
    assert "Baris 3" in response.content.decode()
    assert Survey.objects.count() == 0
    good = SimpleUploadedFile("s.csv", csv_bytes([ROW]))
    response = client.post("/coverage/import/", {"file": good})
    assert response.status_code == 302
    assert Survey.objects.count() == 1


# --- The field form's outbox file ----------------------------------------------------------------


def outbox_bytes(*items, officer="petugas") -> bytes:
    """An outbox file as the field form saves it (coverage/static/coverage/field/outbox-file.mjs,
    outboxFile)."""
    import json

    return json.dumps(
        {
            "format": "bengkulu-coverage-outbox",
            "version": 1,
            "exported_at": "2026-11-29T08:00:00.000Z",
            "officer": officer,
            "items": [
                {
                    "client_uuid": survey["client_uuid"],
                    "officer": item_officer,
                    "saved_at": "2026-11-29T07:00:00.000Z",
                    "sent": False,
                    "survey": survey,
                    "photos": photos,
                }
                for survey, item_officer, photos in items
            ],
        },
        indent=1,
    ).encode()


def _png_with_alpha() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (6, 4), (200, 30, 30, 128)).save(buffer, "PNG")
    return buffer.getvalue()


# A real PNG with transparency: stored re-encoded, and still as a PNG (portal/core/images.py).
PNG_DATA_URL = "data:image/png;base64," + __import__("base64").b64encode(_png_with_alpha()).decode(
    "ascii"
)


def test_outbox_file_imports_its_surveys_and_photos_once(officer, settings, tmp_path):
    import uuid

    from coverage.importers import import_outbox
    from coverage.models import SurveyPhoto

    from .factories import payload

    settings.MEDIA_ROOT = tmp_path
    photo_uuid = str(uuid.uuid4())
    first, second = payload(), payload(village="17.01.01.2002")
    content = outbox_bytes(
        (
            first,
            "petugas",
            [
                {
                    "client_uuid": photo_uuid,
                    "name": "a.png",
                    "type": "image/png",
                    "data": PNG_DATA_URL,
                }
            ],
        ),
        (second, "petugas", []),
    )
    result = import_outbox(content=content, by=officer)
    assert (result.created, result.unchanged) == (2, 0)
    survey = Survey.objects.get(client_uuid=first["client_uuid"])
    assert survey.officer == officer and survey.source == Source.IMPORT
    assert survey.measurements.count() == 2
    photo = SurveyPhoto.objects.get(survey=survey)
    assert str(photo.client_uuid) == photo_uuid
    assert photo.image.read().startswith(b"\x89PNG")
    # Saved again later (the first survey had been sent meanwhile): nothing new, no error.
    result = import_outbox(content=content, by=officer)
    assert (result.created, result.unchanged) == (0, 2)
    assert SurveyPhoto.objects.count() == 1


def test_outbox_with_one_bad_survey_imports_nothing_and_names_it(officer):
    from coverage.importers import import_outbox

    from .factories import payload

    good = payload()
    bad = payload()
    bad["measurements"][0]["signal_dbm"] = 50
    other = payload()
    content = outbox_bytes(
        (good, "petugas", []),
        (bad, "petugas", [{"client_uuid": "x", "data": "data:image/png;base64,###"}]),
        (other, "petugas-lain", []),
    )
    with pytest.raises(SurveyImportError) as caught, translation.override("en"):
        import_outbox(content=content, by=officer)
    messages = [message for _line, message in caught.value.errors]
    assert any(
        message.startswith(f"Survey 2 ({bad['client_uuid']}): measurements[1].signal_dbm:")
        for message in messages
    ), messages
    assert f"Survey 2 ({bad['client_uuid']}): a photo of the file is damaged." in messages
    assert any(
        message.startswith(f"Survey 3 ({other['client_uuid']}): entered by petugas-lain")
        for message in messages
    ), messages
    assert Survey.objects.count() == 0


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b'{"format": "other", "version": 1, "items": []}',
        b"[]",
        "\u00ff".encode("latin-1"),
    ],
)
def test_a_json_file_that_is_not_an_outbox_is_refused(officer, content):
    from coverage.importers import import_outbox

    with pytest.raises(SurveyImportError) as caught, translation.override("en"):
        import_outbox(content=content, by=officer)
    assert caught.value.errors == [(0, "This .json file is not an outbox saved by the field form.")]


def test_import_page_takes_the_outbox_file(officer, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .factories import payload

    client.force_login(officer)
    page = client.get("/coverage/import/").content.decode()
    assert 'accept=".csv,.xlsx,.json"' in page
    upload = SimpleUploadedFile(
        "outbox-survei-petugas.json", outbox_bytes((payload(), "petugas", []))
    )
    response = client.post("/coverage/import/", {"file": upload})
    assert response.status_code == 302
    assert Survey.objects.filter(officer=officer, source=Source.IMPORT).count() == 1
    stranger = SimpleUploadedFile("o.json", outbox_bytes((payload(), "someone", [])))
    response = client.post("/coverage/import/", {"file": stranger})
    assert response.status_code == 400
    assert "someone" in response.content.decode()


def test_outbox_photo_of_another_survey_imports_nothing(officer, settings, tmp_path):
    """A photo UUID already stored with another survey: the whole file is refused, and the
    survey it came with is not stored either."""
    import uuid

    from coverage.importers import import_outbox

    from .factories import payload

    settings.MEDIA_ROOT = tmp_path
    photo = {"client_uuid": str(uuid.uuid4()), "data": PNG_DATA_URL}
    import_outbox(content=outbox_bytes((payload(), "petugas", [photo])), by=officer)
    again = payload()
    with pytest.raises(SurveyImportError, match="another survey"), translation.override("en"):
        import_outbox(content=outbox_bytes((again, "petugas", [photo])), by=officer)
    assert not Survey.objects.filter(client_uuid=again["client_uuid"]).exists()
