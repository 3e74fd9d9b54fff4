"""Registry pages: access, language, search, layout rules and constant query counts."""

import re

import pytest
from django.urls import reverse

from tests.figures import computed
from villages.models import District, Village

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/registry/",
    "/registry/provinces/17/",
    "/registry/regencies/17.01/",
    "/registry/regencies/17.71/",
    "/registry/districts/17.01.01/",
    "/registry/villages/17.01.01.2001/",
    "/registry/villages/17.71.01.1001/",
    "/registry/search/?q=batu",
    "/registry/pilots/",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_for_a_logged_in_user(staff_client, url):
    response = staff_client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_pages_send_anonymous_users_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_login_page_renders(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/registry/provinces/99/",
        "/registry/regencies/17.99/",
        "/registry/districts/17.01.99/",
        "/registry/villages/17.01.01.9999/",
    ],
)
def test_unknown_codes_are_404(staff_client, url):
    assert staff_client.get(url).status_code == 404


@pytest.mark.parametrize("url", PAGES)
def test_pages_need_no_inline_script_or_style(staff_client, url):
    """A Content-Security-Policy forbids inline code: scripts come from files, page data from
    data-* attributes or json_script blocks, and there are no style attributes or handlers."""
    html = staff_client.get(url).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_layout_has_navigation_logout_language_and_attribution(staff_client):
    html = staff_client.get("/registry/").content.decode()
    assert "Tim Percepatan Ekonomi Digital Desa" in html
    assert "Provinsi Bengkulu" in html
    assert f'action="{reverse("logout")}" method="post"' in html
    assert f'action="{reverse("set_language")}" method="post"' in html
    assert 'href="/api/docs/"' in html
    assert (
        "Data wilayah: idn-area-data (Kemendagri), ODbL · Batas wilayah: "
        "cahyadsn/wilayah_boundaries (MIT) · Statistik: cahyadsn/wilayah (MIT)"
    ) in html
    assert 'action="/registry/search/"' in html


def test_admin_link_only_for_staff(staff_client, staff_user):
    assert 'href="/admin/"' not in staff_client.get("/").content.decode()
    staff_user.is_staff = True
    staff_user.save()
    assert 'href="/admin/"' in staff_client.get("/").content.decode()


# --- Language -------------------------------------------------------------------------------------


def test_pages_are_in_indonesian_by_default(staff_client):
    html = staff_client.get("/registry/districts/17.01.01/").content.decode()
    assert '<html lang="id">' in html
    assert "Desa percontohan" in html
    assert "Kepadatan penduduk" in html
    assert "Peta desa/kelurahan" in html


def test_english_through_the_language_switch(staff_client):
    response = staff_client.post(
        reverse("set_language"), {"language": "en", "next": "/registry/districts/17.01.01/"}
    )
    assert response.status_code == 302
    html = staff_client.get("/registry/districts/17.01.01/").content.decode()
    assert '<html lang="en">' in html
    assert "Population density" in html
    assert "Kepadatan penduduk" not in html


def test_pages_stay_indonesian_whatever_the_browser_language(staff_client):
    """Bahasa Indonesia first: a browser set to English still gets Indonesian until the user
    switches (many phones in the province are set to English)."""
    html = staff_client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Target desa percontohan" in html
    assert "Pilot village target" not in html


def test_english_through_the_language_cookie(staff_client):
    staff_client.cookies["django_language"] = "en"
    html = staff_client.get("/registry/").content.decode()
    assert "Regencies and cities" in html


# --- Registry content -----------------------------------------------------------------------------


def test_province_page_lists_the_ten_regencies(staff_client):
    response = staff_client.get("/registry/")
    regencies = response.context["regencies"]
    assert len(regencies) == 10
    assert response.context["totals"]["districts"] == 129
    assert response.context["totals"]["villages"] == Village.objects.count()
    kota = next(r for r in regencies if r.code == "17.71")
    assert kota.kind == "kota"
    assert kota.kelurahan_count == kota.village_count
    html = response.content.decode()
    assert "Kota Bengkulu" in html
    assert "Kabupaten Bengkulu Selatan" in html


def test_regency_page_lists_its_kecamatan(staff_client):
    response = staff_client.get("/registry/regencies/17.01/")
    districts = response.context["districts"]
    assert [d.code for d in districts] == list(
        District.objects.filter(regency_id="17.01").order_by("code").values_list("code", flat=True)
    )
    kedurang = districts[0]
    assert kedurang.village_count == Village.objects.filter(district_id="17.01.01").count()
    html = response.content.decode()
    assert 'data-geojson-url="/api/v1/districts/geojson/?regency=17.01"' in html
    assert 'href="/registry/districts/17.01.01/"' in html


def test_district_page_lists_all_its_villages(staff_client):
    response = staff_client.get("/registry/districts/17.05.05/")
    villages = Village.objects.filter(district_id="17.05.05")
    html = response.content.decode()
    for village in villages:
        assert f'href="/registry/villages/{village.code}/"' in html
    assert 'data-geojson-url="/api/v1/villages/geojson/?district=17.05.05"' in html


def test_breadcrumbs_lead_from_the_province_to_the_village(staff_client):
    html = staff_client.get("/registry/villages/17.01.01.2001/").content.decode()
    crumbs = html.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert 'href="/registry/provinces/17/"' in crumbs
    assert 'href="/registry/regencies/17.01/"' in crumbs
    assert 'href="/registry/districts/17.01.01/"' in crumbs
    assert "Batu Ampar" in crumbs


def test_village_page_shows_registry_facts(staff_client):
    village = Village.objects.select_related("district__regency").get(code="17.01.01.2001")
    html = staff_client.get(village.get_absolute_url()).content.decode()
    assert village.code in html
    assert village.district.name in html
    assert village.district.regency.name in html
    if village.postal_code:
        assert village.postal_code in html
    assert f'data-highlight="{village.code}"' in html


# --- Search: tests/villages/test_search.py --------------------------------------------------------


def test_empty_search_shows_the_form(staff_client):
    response = staff_client.get("/registry/search/")
    assert response.status_code == 200
    assert "places" not in response.context


# --- Query counts ---------------------------------------------------------------------------------
# Every page reads a constant number of queries whatever its size, counted as computed afresh
# (tests/figures.py). The first five are the session, the user, the data's version, the user's
# groups and their permissions (two: user's and role's; portal.core.roles.user_access).

# those five, kecamatan (+ kabupaten, province), villages (+ pilot, connectivity, kiosk counts:
# tests/villages/test_pilot_choice.py), and the data's version again, under which the page is
# kept (portal/core/datacache.py)
DISTRICT_QUERIES = 9
# session, user, the data's version, groups and permissions (2), kabupaten (+ province),
# kecamatan with counts
REGENCY_QUERIES = 8


def test_district_page_query_count_is_constant(staff_client, django_assert_num_queries):
    small, large = "17.02.20", "17.05.05"
    sizes = [Village.objects.filter(district_id=code).count() for code in (small, large)]
    assert sizes[1] >= 4 * sizes[0]
    for code in (small, large):
        with django_assert_num_queries(DISTRICT_QUERIES):
            assert computed(staff_client, f"/registry/districts/{code}/").status_code == 200


def test_district_page_query_count_does_not_grow_with_pilots(
    staff_client, superuser, django_assert_num_queries
):
    from villages.services import pilot_decide, pilot_propose

    for village in Village.objects.filter(district_id="17.05.05")[:3]:
        pilot = pilot_propose(village=village, proposed_by="Camat", reason="Siap", by=superuser)
        pilot_decide(pilot=pilot, status="selected", reason="Layak", by=superuser)
    with django_assert_num_queries(DISTRICT_QUERIES):
        assert computed(staff_client, "/registry/districts/17.05.05/").status_code == 200


def test_regency_page_query_count_is_constant(staff_client, django_assert_num_queries):
    small, large = "17.08", "17.03"
    sizes = [District.objects.filter(regency_id=code).count() for code in (small, large)]
    assert sizes[1] > 2 * sizes[0]
    for code in (small, large):
        with django_assert_num_queries(REGENCY_QUERIES):
            assert computed(staff_client, f"/registry/regencies/{code}/").status_code == 200


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        username="admin-pages", email="admin-pages@example.org", password="x-irrelevant-123"
    )
