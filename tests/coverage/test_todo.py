"""The officer's to-do list: selected pilots in scope without a verified survey, nearest first
from the phone's position, linked to the field form with the village chosen."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.core.roles import Role
from tests.coverage.factories import verified_survey
from tests.factories import UserFactory
from tests.figures import computed
from villages.models import Pilot, PilotStatus, Village

pytestmark = pytest.mark.django_db


def select(code: str, user) -> Pilot:
    return Pilot.objects.create(
        village=Village.objects.get(code=code),
        status=PilotStatus.SELECTED,
        proposed_on="2026-11-20",
        proposed_by="Camat",
        proposal_reason="x",
        recorded_by=user,
        decided_on="2026-11-25",
        decided_by=user,
        decision_reason="y",
    )


def test_nearest_first_in_scope_without_a_verified_survey(client, staff_user):
    officer = UserFactory(username="petugas", role=Role.OFFICER, scope__regencies=["17.01"])
    supervisor = UserFactory(username="penyelia", role=Role.SUPERVISOR)
    codes = list(
        Village.objects.filter(district__regency_id="17.01")
        .order_by("code")
        .values_list("code", flat=True)[:40]
    )
    near, far, done = codes[0], codes[-1], codes[5]
    for code in (near, far, done):
        select(code, staff_user)
    select("17.05.01.2002", staff_user)  # outside the officer's kabupaten
    verified_survey(officer, supervisor, village=done)
    here = Village.objects.get(code=far).centroid
    client.force_login(officer)
    page = client.get(f"/coverage/todo/?lat={here.y}&lng={here.x}")
    listed = [pilot.village_id for pilot in page.context["pilots"]]
    assert listed == [far, near]
    html = page.content.decode()
    assert f"/coverage/field/?village={far}" in html and "0,0 km" in html
    # Without a position: by code, and said so.
    page = client.get("/coverage/todo/?lat=abc")
    assert [p.village_id for p in page.context["pilots"]] == [near, far]
    assert "Urut kode" in page.content.decode() or "kode" in page.content.decode()


def test_query_count_does_not_grow_with_pilots(client, staff_user, django_assert_num_queries):
    officer = UserFactory(username="petugas", role=Role.OFFICER, scope__regencies=["17.01"])
    client.force_login(officer)
    codes = Village.objects.filter(district__regency_id="17.01").order_by("code")
    select(codes[0].code, staff_user)
    with CaptureQueriesContext(connection) as first:
        computed(client, "/coverage/todo/?lat=-4&lng=102.9")
    for village in codes[1:30]:
        select(village.code, staff_user)
    with django_assert_num_queries(len(first.captured_queries)):
        page = computed(client, "/coverage/todo/?lat=-4&lng=102.9")
    assert len(page.context["pilots"]) == 30
