"""The audit trail records who changed what, when, through what, with the values before and after:
through a page, the API, QuerySet.update() and a management command alike."""

import pytest
from django.core.management import call_command
from pghistory.models import Events
from rest_framework.test import APIClient

from portal.accounts.services import api_token_create
from portal.core.roles import Role
from tests.factories import OrganisationFactory, UserFactory
from villages.models import Pilot, Village

pytestmark = pytest.mark.django_db


def events_of(obj, label=None):
    events = Events.objects.tracks(obj).order_by("pgh_created_at", "pgh_id")
    return list(events.filter(pgh_label=label) if label else events)


def test_change_through_a_page_records_user_and_url(client, staff_user):
    client.force_login(staff_user)
    village = Village.objects.get(code="17.01.01.2001")
    response = client.post(
        f"/registry/villages/{village.code}/propose/",
        {"proposed_by": "Camat Kedurang", "proposal_reason": "Simpang tiga, ada warung"},
    )
    assert response.status_code == 302
    pilot = Pilot.objects.get(village=village)
    [event] = events_of(pilot, "insert")
    assert event.pgh_context["user"] == staff_user.pk
    assert event.pgh_context["url"] == f"/registry/villages/{village.code}/propose/"
    assert event.pgh_data["proposed_by"] == "Camat Kedurang"
    assert event.pgh_data["status"] == "proposed"


def test_change_through_the_api_records_the_token_user_and_diff():
    organisation = OrganisationFactory(contact_phone="0736-1")
    member = UserFactory(role=Role.PARTNER, scope__organisation=organisation)
    _, secret = api_token_create(user=member, name="rw", access="read_write", valid_days=9)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = client.patch(
        f"/api/v1/organisations/{organisation.pk}/", {"contact_phone": "0736-2"}, format="json"
    )
    assert response.status_code == 200
    [event] = events_of(organisation, "update")
    assert event.pgh_context["user"] == member.pk
    assert event.pgh_context["url"] == f"/api/v1/organisations/{organisation.pk}/"
    assert event.pgh_diff == {"contact_phone": ["0736-1", "0736-2"]}


def test_queryset_update_is_recorded():
    village = Village.objects.get(code="17.01.01.2002")
    old_name = village.name
    before = len(events_of(village, "update"))  # the session's imports set centroids and codes
    Village.objects.filter(code=village.code).update(name="Rantau Sialang Baru")
    events = events_of(village, "update")
    assert len(events) == before + 1
    event = events[-1]
    assert event.pgh_diff == {"name": [old_name, "Rantau Sialang Baru"]}


def test_management_command_is_recorded_with_its_name(tmp_path):
    """A renamed village in a newer registry file: the import records the rename, attributed to
    the command."""
    source = __import__("pathlib").Path(__file__).resolve().parents[2] / "villages/data/bengkulu"
    for name in ("provinces.csv", "regencies.csv", "districts.csv"):
        (tmp_path / name).write_bytes((source / name).read_bytes())
    villages = (source / "villages.csv").read_text(encoding="utf-8")
    village = Village.objects.get(code="17.01.01.2003")
    renamed = villages.replace(
        f"{village.code},17.01.01,{village.name}\n", f"{village.code},17.01.01,Bumi Agung Jaya\n"
    )
    assert renamed != villages
    (tmp_path / "villages.csv").write_text(renamed, encoding="utf-8")
    before = len(events_of(village, "update"))

    call_command("import_regions", str(tmp_path), verbosity=0)

    events = events_of(village, "update")
    assert len(events) == before + 1
    event = events[-1]
    assert event.pgh_context["command"] == "import_regions"
    assert event.pgh_diff == {"name": [village.name, "Bumi Agung Jaya"]}


def test_staff_see_history_and_the_audit_list(client, staff_user):
    Village.objects.filter(code="17.01.01.2004").update(name="Palak Siring Indah")
    client.force_login(staff_user)
    response = client.get("/accounts/audit/", {"model": "villages.Village", "label": "update"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Palak Siring Indah" in page and "17.01.01.2004" in page
    # Officers do not see the audit list.
    client.force_login(UserFactory(role=Role.OFFICER))
    assert client.get("/accounts/audit/").status_code == 403


def test_village_page_shows_its_creation_by_the_registry_import(client, staff_user, tmp_path):
    """An imported, never-changed village: its history is its import (who, when, which import,
    its values). After a change, the import's values become its "created" event and the change
    shows before and after."""
    from tests.villages.test_import_regions import write_files
    from villages.models import RegistryImport

    call_command("import_regions", str(write_files(tmp_path)), verbosity=0)
    village = Village.objects.get(code="99.01.01.2002")
    record = RegistryImport.objects.get(pk=village.imported_by_id)
    assert events_of(village) == []
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"
    page = client.get(village.get_absolute_url()).content.decode()
    history = page[page.index('id="history-title"') :]
    assert f"manage.py import_regions (registry import #{record.pk})" in history
    assert (
        "<ins>Desa Dua</ins>" in history
        and "<strong>District (kecamatan)</strong>: <ins>99.01.01</ins>" in history
    )

    Village.objects.filter(pk=village.pk).update(name="Desa Dua Baru")
    events = events_of(village)
    assert [event.pgh_label for event in events] == ["insert", "update"]
    assert events[0].pgh_created_at == record.created_at
    assert events[0].pgh_context["command"] == "import_regions"
    assert events[1].pgh_diff == {"name": ["Desa Dua", "Desa Dua Baru"]}
    page = client.get(village.get_absolute_url()).content.decode()
    history = page[page.index('id="history-title"') :]
    assert "<del>Desa Dua</del> → <ins>Desa Dua Baru</ins>" in history
