"""Every list's CSV/XLSX export goes through `portal.core.exports`: streamed, with the list's
filters and scope, human words, formula-safe cells, and a number of queries that does not grow
with the rows."""

import csv
import io

import pytest
from openpyxl import load_workbook

from portal.core.roles import Role
from portal.programme import services as programme_services
from tests.coverage.factories import make_survey, verified_survey
from tests.factories import MilestoneFactory, ProgrammeFactory, UserFactory
from villages.models import Village

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    assert response.status_code == 200, response
    assert response.streaming
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def xlsx_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


def test_village_connectivity_exports_every_village_of_the_province(staff_client):
    rows = csv_rows(staff_client.get("/coverage/villages/export/csv/"))
    assert rows[0][:5] == [
        "Kode desa",
        "Desa/kelurahan",
        "Kecamatan",
        "Kabupaten/kota",
        "Konektivitas",
    ]
    assert len(rows) - 1 == Village.objects.count() == 1513
    assert {row[4] for row in rows[1:]} == {"Belum ada data"}
    sheet = xlsx_rows(staff_client.get("/coverage/villages/export/xlsx/?regency=17.01"))
    assert len(sheet) - 1 == Village.objects.filter(district__regency_id="17.01").count()
    assert all(row[3] == sheet[1][3] for row in sheet[1:])


def test_export_queries_do_not_grow_with_rows(staff_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        body(staff_client.get("/coverage/villages/export/csv/?regency=17.01"))
    with django_assert_max_num_queries(8):
        body(staff_client.get("/coverage/villages/export/csv/"))


def test_surveys_export_is_scoped_and_refused_to_partners(client):
    officer = UserFactory(username="petugas", role=Role.OFFICER, scope__regencies=["17.01"])
    other = UserFactory(username="petugas2", role=Role.OFFICER, scope__regencies=["17.05"])
    supervisor = UserFactory(username="penyelia", role=Role.SUPERVISOR)
    verified_survey(officer, supervisor, notes="=cmd|' /C calc'!A0")
    make_survey(other, village="17.05.01.2002")
    client.force_login(officer)
    rows = csv_rows(client.get("/coverage/surveys/export/csv/"))
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Petugas"] == "petugas"
    assert row["Catatan"].startswith("'=")  # never run as a formula
    assert row["Pemeriksaan"] == "Terverifikasi"
    client.force_login(UserFactory(username="mitra", role=Role.PARTNER))
    assert client.get("/coverage/surveys/export/csv/").status_code == 403


def test_an_unknown_format_is_not_found(staff_client):
    assert staff_client.get("/coverage/villages/export/pdf/").status_code == 404


def test_milestones_export_the_live_status_in_words(staff_client):
    programme = ProgrammeFactory(name="100 hari (ekspor)")
    programme_services.programme_make_current(programme=programme)
    MilestoneFactory(programme=programme, kind="metric", metric="pilot_districts", due_day=45)
    rows = xlsx_rows(staff_client.get(f"/programme/{programme.pk}/milestones/export/xlsx/"))
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert "Status" in header
    assert row["Target"] == 129
    assert row["Status"] in {"Sesuai jadwal", "Berisiko", "Terlambat", "Selesai"}


def test_blank_spots_export_lists_only_blank_spots(staff_client):
    rows = csv_rows(staff_client.get("/coverage/blank-spots/export/csv/"))
    assert rows[1:] == []  # no verified survey yet: no blank spot, no data


def test_pilot_list_exports_with_its_filters(staff_client, staff_user):
    from villages.models import Pilot

    for code, status in (("17.01.01.2001", "selected"), ("17.01.01.2002", "proposed")):
        Pilot.objects.create(
            village=Village.objects.get(code=code),
            status=status,
            proposed_on="2026-11-20",
            proposed_by="Camat",
            proposal_reason="+62 ada warung",
            recorded_by=staff_user,
            **(
                {"decided_on": "2026-11-25", "decided_by": staff_user, "decision_reason": "Layak"}
                if status == "selected"
                else {}
            ),
        )
    rows = csv_rows(staff_client.get("/registry/pilots/export/csv/?status=selected"))
    assert [row[0] for row in rows[1:]] == ["17.01.01.2001"]
    assert rows[1][4] == "Terpilih"
    sheet = xlsx_rows(staff_client.get("/registry/pilots/export/xlsx/"))
    assert len(sheet) == 3
    assert sheet[2][7] == "'+62 ada warung"
