"""Each connectivity rule of docs/connectivity.md, from verified surveys; blank spots per
kabupaten; a blank-spot pilot flagged on the dashboard."""

import pytest

from coverage import services
from coverage.models import ConnectivityStatus, MapCell, VillageConnectivity
from coverage.selectors import classify, connectivity_by_regency, with_connectivity
from villages.models import Village
from villages.services import pilot_decide, pilot_propose

from .factories import VILLAGE, make_survey, measurement, verified_survey

pytestmark = pytest.mark.django_db


def status_of(code=VILLAGE):
    return with_connectivity(Village.objects.filter(code=code)).get().connectivity


@pytest.mark.parametrize(
    "facts, expected",
    [
        (
            {"survey_count": 0, "operator_count": 0, "has_good_4g": False, "fibre_ready": True},
            "no_data",
        ),
        (
            {"survey_count": 2, "operator_count": 0, "has_good_4g": False, "fibre_ready": True},
            "blank_spot",
        ),
        (
            {"survey_count": 1, "operator_count": 1, "has_good_4g": True, "fibre_ready": True},
            "fibre_ready",
        ),
        (
            {"survey_count": 1, "operator_count": 1, "has_good_4g": True, "fibre_ready": False},
            "single_operator",
        ),
        (
            {"survey_count": 1, "operator_count": 3, "has_good_4g": False, "fibre_ready": False},
            "weak",
        ),
        (
            {"survey_count": 1, "operator_count": 2, "has_good_4g": True, "fibre_ready": False},
            "good_4g",
        ),
    ],
)
def test_classify_rules_in_order(facts, expected):
    assert classify(**facts) == expected


def test_no_data_is_not_a_blank_spot(officer):
    assert status_of() == ConnectivityStatus.NO_DATA
    make_survey(officer, measurements=[measurement("telkomsel", "none")])  # pending: no data yet
    assert status_of() == ConnectivityStatus.NO_DATA


def test_blank_spot_no_operator_with_a_usable_signal(officer, supervisor):
    verified_survey(
        officer,
        supervisor,
        measurements=[
            measurement("telkomsel", "none"),
            measurement("indosat", "2g", dbm=-118),  # too weak to count as a signal
        ],
    )
    assert status_of() == ConnectivityStatus.BLANK_SPOT
    row = with_connectivity(Village.objects.filter(code=VILLAGE)).get()
    assert (row.survey_count, row.operator_count) == (1, 0)


def test_a_blank_spot_with_fibre_nearby_stays_a_blank_spot(officer, supervisor):
    verified_survey(
        officer,
        supervisor,
        measurements=[measurement("telkomsel", "none")],
        fibre="access_point",
        fibre_distance_m=100,
    )
    row = with_connectivity(Village.objects.filter(code=VILLAGE)).get()
    assert row.connectivity == ConnectivityStatus.BLANK_SPOT
    assert row.fibre_ready is True


def test_fibre_ready(officer, supervisor):
    verified_survey(officer, supervisor, fibre="access_point", fibre_distance_m=800)
    assert status_of() == ConnectivityStatus.FIBRE_READY


def test_fibre_too_far_or_only_a_backbone_is_not_fibre_ready(officer, supervisor):
    verified_survey(officer, supervisor, fibre="access_point", fibre_distance_m=1500)
    verified_survey(officer, supervisor, fibre="backbone", fibre_distance_m=10)
    assert status_of() == ConnectivityStatus.SINGLE_OPERATOR


def test_one_operator_only(officer, supervisor):
    verified_survey(
        officer,
        supervisor,
        measurements=[measurement("telkomsel", "4g", dbm=-85), measurement("xl", "none")],
    )
    assert status_of() == ConnectivityStatus.SINGLE_OPERATOR


def test_weak_two_operators_without_good_4g(officer, supervisor):
    verified_survey(
        officer,
        supervisor,
        measurements=[measurement("telkomsel", "3g", dbm=-90), measurement("xl", "4g", dbm=-105)],
    )
    assert status_of() == ConnectivityStatus.WEAK


def test_good_4g_and_surveys_add_up(officer, supervisor):
    verified_survey(officer, supervisor, measurements=[measurement("telkomsel", "4g", dbm=-105)])
    assert status_of() == ConnectivityStatus.SINGLE_OPERATOR
    latest = verified_survey(
        officer,
        supervisor,
        measurements=[measurement("indosat", "4g", dbm=-95), measurement("smartfren", "none")],
    )
    row = with_connectivity(Village.objects.filter(code=VILLAGE)).get()
    assert row.connectivity == ConnectivityStatus.GOOD_4G
    assert row.survey_count == 2
    assert row.operator_count == 2
    assert row.latest_survey_at == latest.observed_at
    assert row.best_technology == "4g"


def test_blank_spots_per_kabupaten_and_the_flagged_pilot(officer, supervisor, staff_user, client):
    verified_survey(officer, supervisor, measurements=[measurement("telkomsel", "none")])
    rows = {r.regency.code: r for r in connectivity_by_regency("17")}
    assert rows["17.01"].counts == {"blank_spot": 1, "no_data": rows["17.01"].total - 1}
    client.force_login(staff_user)
    page = client.get("/coverage/blank-spots/").content.decode()
    assert "Batu Ampar" in page or Village.objects.get(code=VILLAGE).name in page
    dashboard = client.get("/").content.decode()
    assert 'id="blank-spot-pilots"' not in dashboard
    village = Village.objects.get(code=VILLAGE)
    pilot = pilot_propose(village=village, proposed_by="Camat", reason="r", by=staff_user)
    pilot_decide(pilot=pilot, status="selected", reason="SK", by=staff_user)
    dashboard = client.get("/").content.decode()
    assert 'id="blank-spot-pilots"' in dashboard
    assert village.name in dashboard


def test_rebuild_matches_the_incremental_tables(officer, supervisor):
    verified_survey(officer, supervisor)
    verified_survey(
        officer, supervisor, village="17.01.01.2002", measurements=[measurement("xl", "none")]
    )
    before_cells = sorted(MapCell.objects.values_list("level", "x", "y", "regency_id", "count"))
    before_rows = sorted(VillageConnectivity.objects.values_list("village_id", "status"))
    MapCell.objects.all().delete()
    VillageConnectivity.objects.all().delete()
    services.rebuild_derived()
    assert (
        sorted(MapCell.objects.values_list("level", "x", "y", "regency_id", "count"))
        == before_cells
    )
    assert sorted(VillageConnectivity.objects.values_list("village_id", "status")) == before_rows
