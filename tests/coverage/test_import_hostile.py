"""Hostile import files: each is refused with a 400 that says what and where, quickly and in
bounded memory, and nothing is written. The files are generated (tests/hostile_files.py)."""

import datetime
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from openpyxl import Workbook

from coverage.importers import TEMPLATE_COLUMNS, SurveyImportError, import_outbox, import_surveys
from coverage.models import Survey
from portal.core.tables import TableError, TableLimits, read_table
from tests import hostile_files

from .test_import import ROW, csv_bytes, outbox_bytes

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]

#: file → (line of the error, what the message says)
EXPECTED = {
    "declared-A1-XFD1048576.xlsx": (1048576, "more than 20,000 rows"),
    "blank-lines-10MB.csv": (20001, "more than 20,000 rows"),
    "shared-string-300MB.xlsx": (0, "xl/sharedStrings.xml in the XLSX file unpacks to more than"),
    "million-rows.xlsx": (0, "xl/worksheets/sheet1.xml in the XLSX file unpacks to more than"),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile files, generated once (a few seconds)."""
    folder = tmp_path_factory.mktemp("hostile")
    return {name: make(folder / name) for name, make in hostile_files.HOSTILE.items()}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_hostile_file_is_refused_quickly_naming_what_and_where(hostile, officer, name):
    line, words = EXPECTED[name]
    started = time.perf_counter()
    with (
        open(hostile[name], "rb") as file,
        pytest.raises(SurveyImportError) as caught,
        translation.override("en"),
    ):
        import_surveys(name=name, content=file, by=officer)
    assert time.perf_counter() - started < 3
    assert len(caught.value.errors) == 1
    assert caught.value.errors[0][0] == line
    assert words in caught.value.errors[0][1]
    assert Survey.objects.count() == 0


@pytest.mark.parametrize("name", list(EXPECTED))
def test_hostile_file_on_the_import_page_is_a_400_with_the_reason(hostile, officer, client, name):
    client.force_login(officer)
    with open(hostile[name], "rb") as file:
        response = client.post("/coverage/import/", {"file": SimpleUploadedFile(name, file.read())})
    assert response.status_code == 400
    page = response.content.decode()
    line, _words = EXPECTED[name]
    assert 'id="import-errors"' in page
    assert (str(line) if line else "xl/") in page
    assert Survey.objects.count() == 0


def test_half_a_million_rows_stop_at_the_row_limit_without_reading_the_rest(tmp_path, officer):
    """Within the unpacked-size limit: the sheet is streamed and stops at row 20,001."""
    path = hostile_files.xlsx_million_rows(tmp_path / "rows.xlsx", rows=500_000)
    started = time.perf_counter()
    with open(path, "rb") as file, pytest.raises(SurveyImportError) as caught:
        import_surveys(name="rows.xlsx", content=file, by=officer)
    assert time.perf_counter() - started < 3
    # 5,000 surveys per file: the 5,001st row stops the import (line 5,002), long before
    # the 20,000-row limit of the reader.
    assert caught.value.errors[0][0] == 5002
    limits = TableLimits.from_settings()
    with open(path, "rb") as file, pytest.raises(TableError) as reader_error:
        for _row in read_table("rows.xlsx", file, limits=limits):
            pass
    assert reader_error.value.line == 20001


@pytest.mark.slow
def test_peak_memory_and_time_of_hostile_imports_in_a_worker_process(hostile):
    """Each hostile file imported in a fresh Django process (as a gunicorn worker would): the
    refusal takes under 3 s and the process's peak RSS (VmHWM) stays under 300 MB."""
    script = REPO / "bench" / "hostile_uploads.py"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "1"}
    baseline = _child(script, None, env)
    assert baseline["error"] is None
    for path in hostile.values():
        figures = _child(script, path, env)
        assert figures["error"], figures
        assert figures["seconds"] < 3, figures
        assert figures["peak_rss_mb"] < 300, figures
        # the import itself adds little to what Django and the apps take
        assert figures["peak_rss_mb"] - baseline["peak_rss_mb"] < 100, (figures, baseline)


def _child(script, path, env) -> dict:
    command = [sys.executable, str(script), "--child"]
    if path is not None:
        command.append(str(path))
    done = subprocess.run(
        command, env=env, cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- What the streaming reader still reads right ----------------------------------------------


def _xlsx(rows, dimension=None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    # rewrite the sheet's declared dimension
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index("<dimension ref=")
                end = text.index("/>", start) + 2
                data = (text[:start] + f'<dimension ref="{dimension}"/>' + text[end:]).encode()
            target.writestr(item, data)
    return out.getvalue()


def test_xlsx_dates_numbers_and_a_lying_dimension_import(officer):
    """A date typed in Excel is a number in a date format; the declared dimension is ignored."""
    typed = datetime.datetime(2026, 1, 15, 9, 30)
    values = dict(ROW, observed_at=typed, _gps_latitude=-4.37, _gps_longitude=103.03)
    values["_gps_precision"] = 8
    row = [values.get(column) for column in TEMPLATE_COLUMNS]
    content = _xlsx([TEMPLATE_COLUMNS, row, [None] * 3], dimension="A1:XFD1048576")
    result = import_surveys(name="typed.xlsx", content=content, by=officer)
    assert result.created == 1
    survey = Survey.objects.get()
    assert survey.observed_at == timezone.make_aware(typed)
    assert survey.accuracy_m == 8 and survey.fibre_distance_m == 300


def test_xlsx_inline_strings_and_the_first_worksheet(tmp_path, officer):
    """Inline strings (as some tools write them) read like shared ones."""
    rows = [
        "<row r='1'>"
        + "".join(
            f'<c r="{_letter(i)}1" t="inlineStr"><is><t>{c}</t></is></c>'
            for i, c in enumerate(TEMPLATE_COLUMNS)
        )
        + "</row>",
        "<row r='2'>"
        + "".join(
            f'<c r="{_letter(i)}2" t="inlineStr"><is><t>{ROW.get(c, "")}</t></is></c>'
            for i, c in enumerate(TEMPLATE_COLUMNS)
            if ROW.get(c)
        )
        + "</row>",
    ]
    path = hostile_files._xlsx(
        tmp_path / "inline.xlsx",
        [hostile_files._sheet_start(), *rows, hostile_files.SHEET_END],
    )
    result = import_surveys(name="inline.xlsx", content=path.read_bytes(), by=officer)
    assert result.created == 1


def _letter(index):
    from openpyxl.utils.cell import get_column_letter

    return get_column_letter(index + 1)


def test_a_cell_longer_than_the_limit_is_named_by_line_and_column(officer):
    rows = [ROW, dict(ROW, observed_at="2026-01-15 10:00", notes="x" * 1001)]
    with pytest.raises(SurveyImportError) as caught, translation.override("en"):
        import_surveys(name="a.csv", content=csv_bytes(rows), by=officer)
    (line, message), *_rest = caught.value.errors
    assert line == 3
    assert message == "notes (column L): the cell holds more than 1,000 characters."
    values = dict(ROW, notes="y" * 1001)
    content = _xlsx([TEMPLATE_COLUMNS, [values.get(c) for c in TEMPLATE_COLUMNS]])
    with pytest.raises(SurveyImportError) as caught, translation.override("en"):
        import_surveys(name="a.xlsx", content=content, by=officer)
    assert caught.value.errors == [
        (2, "notes (column L): the cell holds more than 1,000 characters.")
    ]
    assert Survey.objects.count() == 0


def test_csv_limits_name_their_line(officer):
    with translation.override("en"):
        not_utf8 = csv_bytes([ROW, ROW]).replace(b"Telkom", b"Telk\xf6m", 2)
        with pytest.raises(SurveyImportError) as caught:
            import_surveys(name="a.csv", content=not_utf8, by=officer)
        assert caught.value.errors == [(2, "The CSV file is not UTF-8 text.")]
        wide = (",".join(f"c{i}" for i in range(501)) + "\n").encode()
        with pytest.raises(SurveyImportError) as caught:
            import_surveys(name="a.csv", content=wide, by=officer)
        assert caught.value.errors == [(1, "The row has more than 500 columns.")]
        too_many = csv_bytes([ROW] * 5001)
        with pytest.raises(SurveyImportError) as caught:
            import_surveys(name="a.csv", content=too_many, by=officer)
        assert caught.value.errors == [(5002, "At most 5,000 rows per file; split the file.")]
    assert Survey.objects.count() == 0


def _zip(members: dict, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"not a zip at all", "it is not a zip archive"),
        (_zip({f"x{i}.xml": b"" for i in range(1001)}), "more than 1000 parts"),
        (_zip({"xl/a.xml": b"a" * (20 << 20)}), "is compressed 1,"),
        (_zip({"xl/a.xml": b"<a/>"}, zipfile.ZIP_BZIP2), "uses a compression"),
        (_zip({"[Content_Types].xml": b"<a/>"}), "xl/workbook.xml is missing"),
    ],
)
def test_damaged_or_suspicious_xlsx_is_refused(officer, content, words):
    with pytest.raises(SurveyImportError) as caught, translation.override("en"):
        import_surveys(name="a.xlsx", content=content, by=officer)
    assert words in caught.value.errors[0][1], caught.value.errors


def test_a_dtd_in_the_sheet_is_refused(tmp_path, officer):
    """No DTD, so no entity expansion ("billion laughs")."""
    path = hostile_files._xlsx(
        tmp_path / "dtd.xlsx",
        [
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>',
            hostile_files._sheet_start().split("?>", 1)[1],
            hostile_files._header_row(),
            hostile_files.SHEET_END,
        ],
    )
    with pytest.raises(SurveyImportError) as caught, translation.override("en"):
        import_surveys(name="dtd.xlsx", content=path.read_bytes(), by=officer)
    assert "declares a DTD" in caught.value.errors[0][1]


# --- The outbox file -----------------------------------------------------------------------------


def test_deeply_nested_outbox_file_is_a_400_not_a_500(officer, client):
    nested = b'{"format": "bengkulu-coverage-outbox", "version": 1, "items": ' + b"[" * 100_000
    with pytest.raises(SurveyImportError) as caught, translation.override("en"):
        import_outbox(content=nested, by=officer)
    assert caught.value.errors == [(0, "JSON nested deeper than 20 levels.")]
    client.force_login(officer)
    response = client.post("/coverage/import/", {"file": SimpleUploadedFile("outbox.json", nested)})
    assert response.status_code == 400
    assert "20" in response.content.decode()
    many = b'{"items": [' + b",".join([b"{}"] * 600_000) + b"]}"
    with pytest.raises(SurveyImportError) as caught, translation.override("en"):
        import_outbox(content=many, by=officer)
    assert caught.value.errors == [(0, "The JSON holds more than 500,000 values.")]
    assert Survey.objects.count() == 0


def test_an_outbox_file_still_imports(officer):
    from .factories import payload

    result = import_outbox(content=outbox_bytes((payload(), "petugas", [])), by=officer)
    assert result.created == 1


def test_numbers_that_are_not_finite_or_absurdly_large_are_refused_at_once(officer):
    """ "1e999999999" would be an integer of a billion digits (minutes of work, gigabytes);
    NaN would pass every range check. Both are refused as the cell's problem."""
    rows = [
        dict(ROW, _gps_precision="1e999999999"),
        dict(ROW, _gps_latitude="NaN"),
        dict(ROW, telkomsel_dbm="-Infinity"),
        dict(ROW, fibre_distance_m="inf"),
    ]
    started = time.perf_counter()
    with pytest.raises(SurveyImportError) as caught, translation.override("en"):
        import_surveys(name="a.csv", content=csv_bytes(rows), by=officer)
    assert time.perf_counter() - started < 3
    errors = caught.value.errors
    assert (2, "_gps_precision: 1e999999999 is outside 0…100000.") in errors
    assert (3, "_gps_latitude: “NaN” is not a number.") in errors
    assert (4, "telkomsel_dbm: “-Infinity” is not a number.") in errors
    assert (5, "fibre_distance_m: “inf” is not a number.") in errors
    assert Survey.objects.count() == 0
