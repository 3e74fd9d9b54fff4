"""Search that forgives (villages.search, docs/search.md): accents, case, spaces and typos, ranked
across kabupaten/kota, kecamatan and desa/kelurahan, on the trigram indexes, with hostile input
answered 400 or nothing, and a constant number of queries."""

import pytest
from django.db import connection

from tests.figures import computed
from villages.models import District, Regency, Village
from villages.search import Query, normalise, search_rank
from villages.selectors import search_places

pytestmark = pytest.mark.django_db

BATU_AMPAR = {"17.01.01.2001", "17.08.05.2007"}  # two desa Batu Ampar in Bengkulu
KEPAHIANG = "17.08"  # Kabupaten Kepahiang
KEPAHYANG_VILLAGES = {"17.04.10.2010", "17.04.12.2007"}  # desa Kepahyang, Kabupaten Kaur


def codes(places):
    return [place.unit.code for place in places]


def search(client, q, **params):
    response = client.get("/registry/search/", {"q": q, **params})
    assert response.status_code == 200
    return response.context["places"]


# --- Done when: "batu ampr", "Kephiang" and "kepahyang" ------------------------------------------


@pytest.mark.parametrize("q", ["batu ampr", "batuampar", "Batu Ampar", "BATU  AMPAR", "Bàtu Ámpar"])
def test_batu_ampar_first_whatever_the_spelling(staff_client, q):
    places = search(staff_client, q)
    assert set(codes(places[:2])) == BATU_AMPAR
    assert {place.level for place in places[:2]} == {"village"}


@pytest.mark.parametrize("q", ["Kephiang", "kepahyang", "KEPAHIANG", "kabupaten kepahiang"])
def test_kabupaten_kepahiang_first(staff_client, q):
    places = search(staff_client, q)
    assert places[0].level == "regency" and places[0].unit.code == KEPAHIANG


def test_kepahyang_ranks_the_kabupaten_above_the_villages_named_kepahyang(staff_client):
    found = codes(search(staff_client, "kepahyang"))
    assert set(found) >= KEPAHYANG_VILLAGES
    assert all(found.index(KEPAHIANG) < found.index(code) for code in KEPAHYANG_VILLAGES)
    # The exact villages come before those that only contain the query.
    tanjung_kepahyang = "17.09.04.2020"
    assert all(found.index(code) < found.index(tanjung_kepahyang) for code in KEPAHYANG_VILLAGES)


# --- Ranking -------------------------------------------------------------------------------------


def test_rank_exact_then_prefix_then_word_then_similar():
    ranked = list(District.objects.search("kedurang").filter(regency_id="17.01"))
    assert [d.name for d in ranked[:2]] == ["Kedurang", "Kedurang Ilir"]
    assert [d.search_tier for d in ranked[:2]] == [5, 4]
    ranks = [search_rank(d) for d in ranked]
    assert ranks == sorted(ranks, reverse=True)
    villages = list(Village.objects.search("kepahyang"))
    keys = [(v.search_tier, v.search_score) for v in villages]
    assert keys == sorted(keys, reverse=True)
    assert [v.search_tier for v in villages[:3]] == [5, 5, 3]


def test_typo_in_one_word_of_a_longer_name():
    found = [v.code for v in Village.objects.search("tanjung kepahyng")]
    assert found[0] == "17.09.04.2020"  # Tanjung Kepahyang


def test_kind_word_prefers_that_kind(staff_client):
    places = search(staff_client, "kota bengkulu")
    assert places[0].unit.code == "17.71"
    places = search(staff_client, "kecamatan kepahiang")
    assert places[0].level == "district" and places[0].unit.code == "17.08.04"


def test_code_prefix(staff_client):
    places = search(staff_client, "17.71.02")
    assert places[0].level == "district" and places[0].unit.code == "17.71.02"
    assert all(code.startswith("17.71.02") for code in codes(places))


def test_kind_filter(staff_client):
    places = search(staff_client, "kepahiang", kind="regency")
    assert codes(places) == [KEPAHIANG]
    places = search(staff_client, "17.71", kind="desa")
    assert places == []  # Kota Bengkulu has kelurahan only
    places = search(staff_client, "17.71", kind="kelurahan")
    assert places and {p.unit.kind for p in places} == {"kelurahan"}


def test_results_are_limited(staff_client):
    places = search(staff_client, "air")
    assert len(places) == staff_client.get("/registry/search/", {"q": "air"}).context["limit"]


def test_search_stays_in_the_portal_province():
    assert all(code.startswith("17.") for code in codes(search_places("batu", province="17")))


def test_python_and_sql_normal_forms_agree():
    names = ["Bàtu  Ámpar", "Air Ba'us II", "Muara-Aman", "Ulu Mana'", "Sumber\x00Bening"]
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute("SELECT villages_search_name(%s)", [name.replace("\x00", " ")])
            assert cursor.fetchone()[0] == normalise(name)


# --- Hostile input -------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["%", "_", "%%%", "%_%", "'", "\\", "--", "a", "   "])
def test_wildcards_and_signs_find_nothing_rather_than_everything(staff_client, q):
    assert staff_client.get("/registry/search/", {"q": q}).context.get("places", []) == []


def test_percent_inside_a_name_is_a_space():
    assert Query.parse("batu%ampar").text == "batu ampar"


@pytest.mark.parametrize("q", ["x" * 101, "batu\x00ampar", "é" * 5000])
def test_too_long_or_nul_is_a_400_with_a_message(staff_client, q):
    response = staff_client.get("/registry/search/", {"q": q})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_unknown_kind_is_a_400(staff_client):
    assert staff_client.get("/registry/search/", {"q": "air", "kind": "x"}).status_code == 400


def test_service_takes_any_input_without_error():
    for q in ["\x00", "x" * 100_000, "%" * 50, "🙂", None, ""]:
        assert isinstance(search_places(q, province="17"), list)


# --- Indexes and query counts --------------------------------------------------------------------


def explain(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test registry is small
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("model", [Regency, District, Village])
def test_search_reads_the_trigram_indexes(model):
    plan = explain(model.objects.search("batu ampr"))
    prefix = model._meta.model_name
    assert f"{prefix}_search_name_trgm" in plan
    assert f"{prefix}_search_compact_trgm" in plan


def test_trigram_operators_cost_what_they_do_after_migrate():
    """pg_trgm's operator functions get TRIGRAM_COST after every migrate (villages.search): with
    their default cost the planner scans Bengkulu's 1,513 villages computing similarities instead
    of reading the trigram indexes, ~10× slower (BENCHMARKS.md, "Search and the finder")."""
    from villages.search import TRIGRAM_COST, tune_trigram_costs

    def costs():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT procost FROM pg_proc WHERE proname IN "
                "('similarity_op', 'word_similarity_op')"
            )
            return [row[0] for row in cursor.fetchall()]

    assert costs() == [TRIGRAM_COST, TRIGRAM_COST]
    with connection.cursor() as cursor:  # as a restored dump has them
        cursor.execute("ALTER FUNCTION similarity_op(text, text) COST 1")
    tune_trigram_costs(using="default")
    assert costs() == [TRIGRAM_COST, TRIGRAM_COST]


# session, user, the data's version, groups and permissions (2: portal.core.roles.user_access);
# the example; one per level
SEARCH_QUERIES = 6 + 1 + 3


@pytest.mark.parametrize("q", ["kepahyang", "air", "17.03", "batu ampr"])
def test_search_page_query_count_is_constant(staff_client, django_assert_num_queries, q):
    with django_assert_num_queries(SEARCH_QUERIES):
        assert computed(staff_client, "/registry/search/", {"q": q}).status_code == 200


# --- The lists' and the API's `q` filter: forgiving, but a filter (no typos, order kept) ---------


def api_codes(client, q):
    response = client.get("/api/v1/villages/", {"q": q})
    assert response.status_code == 200
    return {row["code"] for row in response.json()["results"]}


def test_the_q_filter_forgives_accents_case_and_spaces_but_not_typos(staff_client):
    for q in ("batu ampar", "BÀTU AMPAR", "batuampar", "Batu-Ampar"):
        assert api_codes(staff_client, q) == BATU_AMPAR
    assert api_codes(staff_client, "batu ampr") == set()
    assert api_codes(staff_client, "%") == set()
    assert api_codes(staff_client, "17.01.01.200") >= {"17.01.01.2001"}


def test_the_q_filter_finds_a_kota_by_its_whole_name(staff_client):
    response = staff_client.get("/api/v1/regencies/", {"q": "kota"})
    assert {row["code"] for row in response.json()["results"]} == {"17.71"}
