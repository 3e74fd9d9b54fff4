"""Choosing a pilot: the kecamatan and village pages show population, area, density,
connectivity, kiosks and pilot state side by side (villages.pilot_choice, villages.extensions),
sortable, with no "None", in a constant number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.core.roles import Role
from tests.coverage.factories import measurement, verified_survey
from tests.factories import OrganisationFactory, UserFactory
from tests.figures import computed
from tests.warkop.factories import WarkopFactory
from villages.models import District, Village
from villages.services import pilot_decide, pilot_propose
from warkop.models import WarkopStatus

pytestmark = pytest.mark.django_db

KEDURANG = "17.01.01"
BATU_AMPAR = "17.01.01.2001"
RANTAU_SIALANG = "17.01.01.2002"
BUMI_AGUNG = "17.01.01.2003"


@pytest.fixture
def officer(db):
    return UserFactory(username="petugas-choice", role=Role.OFFICER, scope__regencies=["17.01"])


@pytest.fixture
def supervisor(db):
    return UserFactory(username="supervisor-choice", role=Role.SUPERVISOR)


def rows(response):
    return {row.village.code: row for row in response.context["table"].rows}


def cell(row, key):
    return next(c for fact, c in row.items if fact.key == key)


def test_district_page_shows_the_facts_side_by_side(staff_client):
    response = staff_client.get(f"/registry/districts/{KEDURANG}/")
    assert response.status_code == 200
    keys = [fact.key for fact in response.context["table"].facts]
    assert keys == ["population", "area", "density", "connectivity", "signal", "kiosks", "pilot"]
    html = response.content.decode()
    for label in (
        "Jumlah penduduk",
        "Luas",
        "Kepadatan penduduk",
        "Konektivitas",
        "Warkop Digital",
    ):
        assert label in html
    assert len(rows(response)) == Village.objects.filter(district_id=KEDURANG).count()


def test_missing_figures_read_no_data_never_none(staff_client):
    html = staff_client.get(f"/registry/districts/{KEDURANG}/").content.decode()
    text = re.sub(r"<[^>]+>", " ", html)
    assert "belum ada data" in text
    assert not re.search(r"\bNone\b", text)
    html = staff_client.get(f"/registry/villages/{BATU_AMPAR}/").content.decode()
    text = re.sub(r"<[^>]+>", " ", html)
    assert "belum ada data" in text and not re.search(r"\bNone\b", text)


def test_area_from_the_boundary_then_the_official_figure_and_density(staff_client):
    row = rows(staff_client.get(f"/registry/districts/{KEDURANG}/"))[BATU_AMPAR]
    estimated = cell(row, "area")
    assert estimated.text.startswith("≈ ") and estimated.sort > 0
    assert cell(row, "density").sort is None  # no population yet
    Village.objects.filter(code=BATU_AMPAR).update(population=1200, area_km2=12)
    row = rows(staff_client.get(f"/registry/districts/{KEDURANG}/"))[BATU_AMPAR]
    assert cell(row, "area").text == "12,0 km²"
    assert cell(row, "population").text == "1.200"
    assert cell(row, "density").sort == 100
    assert cell(row, "density").text == "100 jiwa/km²"


def test_kecamatan_figures_in_the_header(staff_client):
    District.objects.filter(code=KEDURANG).update(population=15000)
    response = staff_client.get(f"/registry/districts/{KEDURANG}/")
    figures = dict(response.context["district_figures"])
    assert figures["Jumlah penduduk"].text == "15.000"
    assert figures["Luas"].text.startswith("≈ ")
    assert figures["Kepadatan penduduk"].sort > 0


def test_connectivity_and_kiosks_of_each_village(staff_client, officer, supervisor):
    verified_survey(officer, supervisor, village=BATU_AMPAR)
    verified_survey(
        officer, supervisor, village=RANTAU_SIALANG, measurements=[measurement(technology="none")]
    )
    batu = Village.objects.get(code=BATU_AMPAR)
    WarkopFactory(village=batu, name="Satu")
    WarkopFactory(village=batu, name="Dua", status=WarkopStatus.PREPARING)
    WarkopFactory(village=batu, name="Contoh", is_sample=True)
    response = staff_client.get(f"/registry/districts/{KEDURANG}/")
    table = rows(response)
    assert cell(table[BATU_AMPAR], "connectivity").badge.endswith("status-single_operator")
    assert cell(table[BATU_AMPAR], "signal").text == "4G"
    assert cell(table[RANTAU_SIALANG], "connectivity").text == "Blank spot"
    assert cell(table[BUMI_AGUNG], "connectivity").text == "belum ada data"
    kiosks = cell(table[BATU_AMPAR], "kiosks")
    assert kiosks.text == "2 (1 beroperasi) · +1 contoh"  # samples counted apart, labelled
    assert kiosks.url == f"/warkop/?village={BATU_AMPAR}"
    assert cell(table[BUMI_AGUNG], "kiosks").text == "0"
    summaries = {fact.key: c.text for fact, c in response.context["table"].summaries()}
    assert "1 Blank spot" in summaries["connectivity"]
    assert summaries["kiosks"] == "2 (1 beroperasi) · +1 contoh"
    html = response.content.decode()
    assert "/static/coverage/coverage.css" in html  # the badges' styles


@pytest.mark.parametrize(
    ("sort", "first"),
    [("-kiosks", BATU_AMPAR), ("pilot", RANTAU_SIALANG), ("-name", None), ("code", BATU_AMPAR)],
)
def test_the_table_sorts_by_any_column(staff_client, staff_user, sort, first):
    WarkopFactory(village=Village.objects.get(code=BATU_AMPAR), name="Satu")
    pilot_propose(
        village=Village.objects.get(code=RANTAU_SIALANG),
        proposed_by="Camat",
        reason="Siap",
        by=staff_user,
    )
    response = staff_client.get(f"/registry/districts/{KEDURANG}/", {"sort": sort})
    order = [row.village.code for row in response.context["table"].rows]
    if first:
        assert order[0] == first
    else:
        names = [row.village.name for row in response.context["table"].rows]
        assert names == sorted(names, reverse=True)
    assert f'aria-sort="{"descending" if sort[0] == "-" else "ascending"}"' in (
        response.content.decode()
    )


def test_unknown_values_sort_last_both_ways(staff_client):
    Village.objects.filter(code=BUMI_AGUNG).update(population=10)
    Village.objects.filter(code=BATU_AMPAR).update(population=500)
    for sort, expected in (("population", [BUMI_AGUNG, BATU_AMPAR]), ("-population", None)):
        order = [
            r.village.code
            for r in staff_client.get(f"/registry/districts/{KEDURANG}/", {"sort": sort})
            .context["table"]
            .rows
        ]
        assert set(order[:2]) == {BUMI_AGUNG, BATU_AMPAR}
        if expected:
            assert order[:2] == expected


@pytest.mark.parametrize("sort", ["x", "--kiosks", "%00", "name;drop", "-" * 500])
def test_a_bad_sort_falls_back_to_the_code(staff_client, sort):
    response = staff_client.get(f"/registry/districts/{KEDURANG}/", {"sort": sort})
    assert response.status_code == 200
    assert response.context["table"].sort == "code"


def test_partner_sees_its_own_kiosks_only(client):
    mine, theirs = OrganisationFactory(name="Mitra A"), OrganisationFactory(name="Mitra B")
    batu = Village.objects.get(code=BATU_AMPAR)
    WarkopFactory(village=batu, name="Punya A", organisation=mine)
    WarkopFactory(village=batu, name="Punya B", organisation=theirs)
    client.force_login(UserFactory(role=Role.PARTNER, scope__organisation=mine))
    row = rows(client.get(f"/registry/districts/{KEDURANG}/"))[BATU_AMPAR]
    assert cell(row, "kiosks").text == "1 (1 beroperasi)"


def test_village_page_lists_the_same_facts(staff_client, staff_user):
    pilot = pilot_propose(
        village=Village.objects.get(code=BATU_AMPAR),
        proposed_by="Camat",
        reason="Siap",
        by=staff_user,
    )
    pilot_decide(pilot=pilot, status="selected", reason="Layak", by=staff_user)
    response = staff_client.get(f"/registry/villages/{BATU_AMPAR}/")
    facts = {fact.key: c for fact, c in response.context["facts"]}
    assert list(facts) == [
        "population",
        "area",
        "density",
        "connectivity",
        "signal",
        "kiosks",
        "pilot",
    ]
    assert facts["pilot"].text == "Terpilih"
    assert facts["area"].text.startswith("≈ ")
    assert f'href="/registry/districts/{KEDURANG}/"' in response.content.decode()


# --- Query counts --------------------------------------------------------------------------------
# Session, user, the data's version, the user's groups and permissions (3: portal.core.roles.
# user_access), the version again (the page's own entry), the kecamatan, the villages with every
# fact; the village page adds its audit history (staff may read it).
DISTRICT_QUERIES = 9


def test_district_page_queries_do_not_grow_with_kiosks_surveys_and_pilots(
    staff_client, staff_user, officer, supervisor, django_assert_num_queries
):
    with django_assert_num_queries(DISTRICT_QUERIES):
        assert computed(staff_client, f"/registry/districts/{KEDURANG}/").status_code == 200
    villages = list(Village.objects.filter(district_id=KEDURANG).order_by("code")[:4])
    for i, village in enumerate(villages):
        WarkopFactory(village=village, name=f"K{i}")
        verified_survey(officer, supervisor, village=village.code)
        pilot_propose(village=village, proposed_by="Camat", reason="Siap", by=staff_user)
    for sort in ("code", "-kiosks", "connectivity"):
        with django_assert_num_queries(DISTRICT_QUERIES):
            response = computed(staff_client, f"/registry/districts/{KEDURANG}/", {"sort": sort})
            assert response.status_code == 200


def test_village_page_queries_do_not_grow_with_kiosks(staff_client, django_assert_num_queries):
    batu = Village.objects.get(code=BATU_AMPAR)
    with CaptureQueriesContext(connection) as before:
        staff_client.get(f"/registry/villages/{BATU_AMPAR}/")
    count = len(before)
    for i in range(5):
        WarkopFactory(village=batu, name=f"K{i}")
    with django_assert_num_queries(count):
        assert staff_client.get(f"/registry/villages/{BATU_AMPAR}/").status_code == 200
