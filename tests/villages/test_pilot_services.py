"""Pilot proposals and decisions (villages.services) on the real registry."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from villages.models import District, Pilot, PilotStatus, Village, VillageKind
from villages.services import pilot_decide, pilot_propose

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the interface defaults to Bahasa Indonesia)."""
    with translation.override("en"):
        yield


def first_desa(district_code: str) -> Village:
    return Village.objects.filter(district_id=district_code, kind=VillageKind.DESA).first()


def test_propose_then_select_records_who_and_why(staff_user):
    village = first_desa("17.01.01")
    pilot = pilot_propose(
        village=village, proposed_by="Camat Kedurang", reason="Di simpang jalan", by=staff_user
    )
    assert pilot.status == PilotStatus.PROPOSED
    assert pilot.recorded_by == staff_user
    pilot = pilot_decide(pilot=pilot, status=PilotStatus.SELECTED, reason="SK Tim", by=staff_user)
    pilot.refresh_from_db()
    assert pilot.status == PilotStatus.SELECTED
    assert pilot.decided_by == staff_user
    assert pilot.decided_on is not None
    assert pilot.decision_reason == "SK Tim"


def test_a_village_cannot_be_proposed_twice(staff_user):
    village = first_desa("17.01.01")
    pilot_propose(village=village, proposed_by="Camat", reason="r", by=staff_user)
    with pytest.raises(ValidationError, match="already"):
        pilot_propose(village=village, proposed_by="Camat", reason="r", by=staff_user)
    assert Pilot.objects.filter(village=village).count() == 1


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (PilotStatus.REJECTED, PilotStatus.SELECTED),
        (PilotStatus.SELECTED, PilotStatus.REJECTED),
        (PilotStatus.SELECTED, PilotStatus.SELECTED),
    ],
)
def test_only_allowed_decisions(staff_user, first, then):
    pilot = pilot_propose(
        village=first_desa("17.01.02"), proposed_by="Camat", reason="r", by=staff_user
    )
    pilot_decide(pilot=pilot, status=first, reason="r", by=staff_user)
    with pytest.raises(ValidationError, match="cannot become"):
        pilot_decide(pilot=pilot, status=then, reason="r", by=staff_user)
    pilot.refresh_from_db()
    assert pilot.status == first


def test_decision_needs_a_reason(staff_user):
    pilot = pilot_propose(
        village=first_desa("17.01.02"), proposed_by="Camat", reason="r", by=staff_user
    )
    with pytest.raises(ValidationError):
        pilot_decide(pilot=pilot, status=PilotStatus.SELECTED, reason="  ", by=staff_user)
    pilot.refresh_from_db()
    assert pilot.status == PilotStatus.PROPOSED


def test_rejected_village_can_be_proposed_again(staff_user):
    village = first_desa("17.01.03")
    pilot = pilot_propose(village=village, proposed_by="Camat", reason="r", by=staff_user)
    pilot_decide(pilot=pilot, status=PilotStatus.REJECTED, reason="no", by=staff_user)
    again = pilot_propose(village=village, proposed_by="Camat baru", reason="r2", by=staff_user)
    assert again.pk == pilot.pk
    assert again.status == PilotStatus.PROPOSED
    assert again.decided_by is None and again.decision_reason == ""


def test_target_on_real_data_lists_kecamatan_without_pilot(staff_user):
    target = District.objects.pilot_target()
    assert target.district_count == 129
    assert target.districts_with_pilot == 0
    assert len(target.missing) == 129
    assert len(target.regencies) == 10

    village = first_desa("17.01.01")
    pilot = pilot_propose(village=village, proposed_by="Camat", reason="r", by=staff_user)
    # A proposal alone does not count.
    assert District.objects.pilot_target().districts_with_pilot == 0
    pilot_decide(pilot=pilot, status=PilotStatus.SELECTED, reason="r", by=staff_user)

    target = District.objects.pilot_target()
    assert target.districts_with_pilot == 1
    assert "17.01.01" not in [d.code for d in target.missing]
    assert "17.01.02" in [d.code for d in target.missing]
    regency = next(r for r in target.regencies if r.regency.code == "17.01")
    assert regency.districts_with_pilot == 1
    assert regency.district_count == District.objects.filter(regency_id="17.01").count()


def test_kelurahan_pilot_counts_for_its_kecamatan(staff_user):
    # Kota Bengkulu (17.71) has only kelurahan.
    district = District.objects.filter(regency_id="17.71").order_by("code").first()
    assert not district.villages.filter(kind=VillageKind.DESA).exists()
    kelurahan = district.villages.first()
    assert kelurahan.kind == VillageKind.KELURAHAN
    pilot = pilot_propose(village=kelurahan, proposed_by="Camat", reason="r", by=staff_user)
    pilot_decide(pilot=pilot, status=PilotStatus.SELECTED, reason="r", by=staff_user)
    target = District.objects.pilot_target()
    assert district.code not in [d.code for d in target.missing]
    kota = next(r for r in target.regencies if r.regency.code == "17.71")
    assert kota.districts_with_pilot == 1
