"""The fast list path (portal/core/drf/fastlist.py) and the orjson renderer answer exactly what
DRF's serializers and renderer answer: the same bytes, for every list that uses them, with
filters, pages and scopes (issue #14)."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

from portal.core.drf.fastlist import plan
from portal.core.drf.renderers import JSONRenderer
from portal.core.roles import Role
from tests.factories import OrganisationFactory, UserFactory
from tests.warkop.factories import WarkopFactory, village
from villages.api.views import DistrictViewSet, ProvinceViewSet, RegencyViewSet, VillageViewSet
from villages.models import Pilot, PilotStatus
from warkop.api.views import KioskViewSet

pytestmark = pytest.mark.django_db

VIEWSETS = [ProvinceViewSet, RegencyViewSet, DistrictViewSet, VillageViewSet, KioskViewSet]
URLS = [
    "/api/v1/provinces/",
    "/api/v1/regencies/",
    "/api/v1/regencies/?kind=kota",
    "/api/v1/districts/",
    "/api/v1/districts/?regency=17.01&page_size=7&page=2",
    "/api/v1/villages/",
    "/api/v1/villages/?page_size=1000",
    "/api/v1/villages/?page_size=100&page=15",
    "/api/v1/villages/?district=17.71.01",
    "/api/v1/villages/?q=batu",
    "/api/v1/kiosks/",
    "/api/v1/kiosks/?status=operational",
    "/api/v1/kiosks/?stale=true",
    "/api/v1/kiosks/?regency=17.71&page_size=2",
]


@pytest.fixture
def varied_data(staff_user):
    """Kiosks with every kind of value (organisation or none, dates, nulls, quotes, U+2028),
    pilots of each status."""
    organisation = OrganisationFactory()
    WarkopFactory(
        name='Warkop "Kopi"\u2028Baris',
        organisation=organisation,
        last_check_in_at=timezone.now() - datetime.timedelta(days=40),
        is_stale=True,
        stale_since=datetime.date(2026, 11, 2),
        status_changed_on=datetime.date(2026, 10, 1),
        learning_room_seats=12,
        has_learning_room=True,
    )
    WarkopFactory(name="Kedai Ü", village=village("17.01.01.2001"), status="preparing")
    WarkopFactory(name="Warkop Kota", last_check_in_at=timezone.now())
    for code, status in (("17.71.01.1001", PilotStatus.SELECTED), ("17.01.01.2001", "proposed")):
        Pilot.objects.create(
            village=village(code),
            status=status,
            proposed_on="2026-01-05",
            proposed_by="Camat",
            proposal_reason="Uji",
            recorded_by=staff_user,
            **(
                {"decided_on": "2026-01-12", "decided_by": staff_user}
                if status == PilotStatus.SELECTED
                else {}
            ),
        )
    return organisation


def answers(client, url, monkeypatch, fast: bool) -> bytes:
    for viewset in VIEWSETS:
        monkeypatch.setattr(viewset, "fast_list", fast)
    cache.clear()
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return response.content


@pytest.mark.parametrize("url", URLS)
def test_fast_lists_answer_the_same_bytes_as_drf(url, varied_data, staff_client, monkeypatch):
    fast = answers(staff_client, url, monkeypatch, True)
    slow = answers(staff_client, url, monkeypatch, False)
    assert fast == slow
    assert json.loads(fast)


@pytest.mark.parametrize(
    "role, scope",
    [(Role.OFFICER, {"regencies": ["17.71"]}), (Role.PARTNER, {}), (Role.ADMIN, {})],
)
def test_fast_lists_keep_the_scopes(role, scope, varied_data, client, monkeypatch):
    if role == Role.PARTNER:
        scope = {"organisation": varied_data}
    user = UserFactory(role=role, **{f"scope__{key}": value for key, value in scope.items()})
    client.force_login(user)
    for url in ("/api/v1/kiosks/", "/api/v1/villages/?district=17.71.01"):
        fast = answers(client, url, monkeypatch, True)
        assert fast == answers(client, url, monkeypatch, False)
    kiosks = json.loads(answers(client, "/api/v1/kiosks/", monkeypatch, True))["results"]
    if role == Role.PARTNER:
        assert [k["name"] for k in kiosks] == ['Warkop "Kopi"\u2028Baris']


def test_every_fast_list_is_planned_and_reads_one_query(staff_client, django_assert_num_queries):
    """Each opted-in serializer is read by values_list (a plan), not silently by DRF."""
    for viewset in VIEWSETS:
        assert plan(viewset.serializer_class()) is not None, viewset
    cache.clear()
    # session, user, the data's version and the user's role and permissions (3: groups, user and
    # group permissions, portal.core.roles.user_access), the version again (the answer, then its
    # count: kept apart, shared by the list's pages), count, the page
    with django_assert_num_queries(10):
        staff_client.get("/api/v1/villages/?page_size=1000")


def test_the_renderer_writes_drfs_bytes():
    data = {
        "a": 'teks \u2028 \u2029 ü "q"',
        "n": [1, 2.5, None, True, 10**12],
        "d": datetime.datetime(2026, 12, 5, 3, 4, 5, 678901, tzinfo=datetime.UTC),
        "day": datetime.date(2026, 12, 5),
        "nested": {"x": [{"y": 1}]},
    }
    assert JSONRenderer().render(data) == DRFJSONRenderer().render(data)
    huge = {"big": 2**70}
    assert JSONRenderer().render(huge) == DRFJSONRenderer().render(huge)


def test_a_list_and_its_kept_count_move_with_a_write(staff_client):
    def kiosks(page_size):
        return staff_client.get(f"/api/v1/kiosks/?page_size={page_size}").json()

    WarkopFactory.create_batch(3)
    assert kiosks(2)["count"] == 3 and kiosks(1)["count"] == 3  # the second reads the kept count
    WarkopFactory()
    assert kiosks(1)["count"] == 4
    assert len(kiosks(10)["results"]) == 4
