"""Pilot villages through the pages: the live target on the real registry, proposing and
deciding through the forms (rules enforced by villages.services), permissions and the list."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from villages.models import District, Pilot, PilotStatus, Village, VillageKind
from villages.services import pilot_decide, pilot_propose

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser(
        username="admin-pilots", email="admin-pilots@example.org", password="x-irrelevant-123"
    )


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def plain_client(client, django_user_model):
    """A logged-in user without any permission."""
    user = django_user_model.objects.create_user(username="plain", password="x-irrelevant-123")
    client.force_login(user)
    return client


def propose(client, code, **data):
    data = {
        "proposed_by": "Camat Kedurang",
        "proposal_reason": "Warga siap dan ada sinyal.",
        **data,
    }
    return client.post(reverse("villages:village-propose", args=[code]), data)


def decide(client, code, status, reason="Memenuhi kriteria."):
    return client.post(
        reverse("villages:village-decide", args=[code]),
        {"status": status, "decision_reason": reason},
    )


def select(client, code):
    assert propose(client, code).status_code == 302
    assert decide(client, code, PilotStatus.SELECTED).status_code == 302


# --- The live target on the real registry -----------------------------------------------------


def test_without_pilots_all_129_kecamatan_are_missing(admin_client):
    response = admin_client.get("/")
    target = response.context["target"]
    assert target.district_count == 129
    assert target.districts_with_pilot == 0
    assert len(target.missing) == 129
    html = response.content.decode()
    assert "dari 129 kecamatan" in html
    for district in District.objects.all():
        assert f'href="/registry/districts/{district.code}/"' in html


def test_a_selected_pilot_removes_its_kecamatan_from_the_missing_list(admin_client):
    village = Village.objects.select_related("district__regency").get(code="17.01.01.2001")
    district = village.district
    select(admin_client, village.code)

    response = admin_client.get("/")
    target = response.context["target"]
    assert target.districts_with_pilot == 1
    assert district.code not in [d.code for d in target.missing]
    assert len(target.missing) == 128
    row = next(r for r in target.regencies if r.regency.code == district.regency_id)
    total = District.objects.filter(regency_id=district.regency_id).count()
    assert (row.districts_with_pilot, row.district_count) == (1, total)
    html = response.content.decode()
    assert f"1 dari {total}" in html
    missing_section = html.split('id="pilot-missing"')[1]
    assert f'href="/registry/districts/{district.code}/"' not in missing_section

    regency_page = admin_client.get(f"/registry/regencies/{district.regency_id}/")
    assert regency_page.context["districts_with_pilot"] == 1
    assert f"1 dari {total}" in regency_page.content.decode()


def test_a_proposed_pilot_does_not_count_yet(admin_client):
    propose(admin_client, "17.01.01.2001")
    target = admin_client.get("/").context["target"]
    assert target.districts_with_pilot == 0
    assert len(target.missing) == 129


def test_a_kelurahan_pilot_counts_for_its_kecamatan(admin_client):
    kelurahan = Village.objects.filter(district__regency_id="17.71").order_by("code").first()
    assert kelurahan.kind == VillageKind.KELURAHAN
    select(admin_client, kelurahan.code)

    target = admin_client.get("/").context["target"]
    assert kelurahan.district_id not in [d.code for d in target.missing]
    kota = next(r for r in target.regencies if r.regency.code == "17.71")
    assert kota.districts_with_pilot == 1
    district_page = admin_client.get(f"/registry/districts/{kelurahan.district_id}/")
    assert [p.village_id for p in district_page.context["selected_pilots"]] == [kelurahan.code]


def test_two_pilots_in_one_kecamatan_count_once(admin_client):
    first, second = Village.objects.filter(district_id="17.01.01").order_by("code")[:2]
    select(admin_client, first.code)
    select(admin_client, second.code)
    target = admin_client.get("/").context["target"]
    assert target.districts_with_pilot == 1


# --- Proposing and deciding through the forms -------------------------------------------------


def test_propose_then_select_records_the_history(admin_client, admin_user):
    response = propose(admin_client, "17.01.01.2001", proposed_on="2026-01-05")
    assert response.status_code == 302
    assert response["Location"] == "/registry/villages/17.01.01.2001/"
    pilot = Pilot.objects.get(village_id="17.01.01.2001")
    assert pilot.status == PilotStatus.PROPOSED
    assert pilot.proposed_by == "Camat Kedurang"
    assert pilot.recorded_by == admin_user

    assert decide(admin_client, "17.01.01.2001", "selected", "Layak.").status_code == 302
    pilot.refresh_from_db()
    assert pilot.status == PilotStatus.SELECTED
    assert pilot.decided_by == admin_user

    html = admin_client.get("/registry/villages/17.01.01.2001/").content.decode()
    assert "Camat Kedurang" in html
    assert "Warga siap dan ada sinyal." in html
    assert "Layak." in html
    assert "Terpilih" in html


def test_proposing_twice_is_refused(admin_client):
    assert propose(admin_client, "17.01.01.2001").status_code == 302
    response = propose(admin_client, "17.01.01.2001", proposed_by="Orang lain")
    assert response.status_code == 200
    form = response.context["propose_form"]
    assert form.non_field_errors()
    assert "sudah berstatus diusulkan" in response.content.decode()
    assert Pilot.objects.get(village_id="17.01.01.2001").proposed_by == "Camat Kedurang"


def test_a_rejected_pilot_cannot_be_selected(admin_client):
    propose(admin_client, "17.01.01.2001")
    assert decide(admin_client, "17.01.01.2001", "rejected", "Belum siap.").status_code == 302
    response = decide(admin_client, "17.01.01.2001", "selected")
    assert response.status_code == 200
    assert response.context["decide_form"].non_field_errors()
    assert "tidak dapat menjadi" in response.content.decode()
    assert Pilot.objects.get(village_id="17.01.01.2001").status == PilotStatus.REJECTED


def test_a_rejected_village_can_be_proposed_again(admin_client):
    propose(admin_client, "17.01.01.2001")
    decide(admin_client, "17.01.01.2001", "rejected", "Belum siap.")
    page = admin_client.get("/registry/villages/17.01.01.2001/")
    assert page.context["can_propose"] and not page.context["can_decide"]
    assert propose(admin_client, "17.01.01.2001").status_code == 302
    assert Pilot.objects.get(village_id="17.01.01.2001").status == PilotStatus.PROPOSED


def test_a_selected_pilot_can_be_withdrawn(admin_client):
    select(admin_client, "17.01.01.2001")
    page = admin_client.get("/registry/villages/17.01.01.2001/")
    assert [status for status, _label in page.context["decisions"]] == ["withdrawn"]
    assert decide(admin_client, "17.01.01.2001", "withdrawn", "Kios tutup.").status_code == 302
    target = admin_client.get("/").context["target"]
    assert len(target.missing) == 129


def test_missing_reasons_are_form_errors(admin_client):
    response = propose(admin_client, "17.01.01.2001", proposal_reason="  ", proposed_by="")
    assert response.status_code == 200
    form = response.context["propose_form"]
    assert set(form.errors) == {"proposal_reason", "proposed_by"}
    assert not Pilot.objects.exists()


def test_deciding_a_village_that_was_never_proposed(admin_client):
    response = decide(admin_client, "17.01.01.2001", "selected")
    assert response.status_code == 302
    assert not Pilot.objects.exists()


def test_a_future_date_is_refused(admin_client):
    response = propose(admin_client, "17.01.01.2001", proposed_on="2999-01-01")
    assert response.status_code == 200
    assert "proposed_on" in response.context["propose_form"].errors


# --- Permissions ------------------------------------------------------------------------------


def test_user_without_permission_gets_403(plain_client, admin_user):
    assert propose(plain_client, "17.01.01.2001").status_code == 403
    pilot_propose(
        village=Village.objects.get(code="17.01.01.2001"),
        proposed_by="Camat",
        reason="Siap.",
        by=admin_user,
    )
    assert decide(plain_client, "17.01.01.2001", "selected").status_code == 403
    assert Pilot.objects.get().status == PilotStatus.PROPOSED


def test_user_without_a_role_cannot_read_the_registry(plain_client):
    assert plain_client.get("/registry/villages/17.01.01.2001/").status_code == 403
    assert plain_client.get("/registry/pilots/").status_code == 403
    assert plain_client.get("/").status_code == 403


def test_reader_sees_no_forms(client, django_user_model):
    user = django_user_model.objects.create_user(username="reader", password="x-irr-123")
    user.user_permissions.add(Permission.objects.get(codename="view_village"))
    client.force_login(user)
    response = client.get("/registry/villages/17.01.01.2001/")
    assert response.status_code == 200
    assert not response.context["can_propose"]
    assert "/propose/" not in response.content.decode()


def test_add_permission_allows_proposing_but_not_deciding(client, django_user_model):
    user = django_user_model.objects.create_user(username="camat-desk", password="x-irr-123")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_pilot", "view_village"])
    )
    client.force_login(user)
    assert propose(client, "17.01.01.2001").status_code == 302
    assert decide(client, "17.01.01.2001", "selected").status_code == 403


def test_forms_need_post(admin_client):
    assert admin_client.get("/registry/villages/17.01.01.2001/propose/").status_code == 405


# --- The pilots list --------------------------------------------------------------------------


@pytest.fixture
def some_pilots(admin_user):
    """Selected in 17.01.01, proposed in 17.01.02, rejected in Kota Bengkulu."""
    codes = {
        "17.01.01": PilotStatus.SELECTED,
        "17.01.02": PilotStatus.PROPOSED,
        "17.71.01": PilotStatus.REJECTED,
    }
    pilots = {}
    for district, status in codes.items():
        village = Village.objects.filter(district_id=district).order_by("code").first()
        pilot = pilot_propose(village=village, proposed_by="Camat", reason="Siap.", by=admin_user)
        if status != PilotStatus.PROPOSED:
            pilot = pilot_decide(pilot=pilot, status=status, reason="Ditinjau.", by=admin_user)
        pilots[district] = pilot
    return pilots


def test_pilots_list_filters(staff_client, some_pilots):
    def codes(**params):
        response = staff_client.get("/registry/pilots/", params)
        assert response.status_code == 200
        return sorted(p.village.district_id for p in response.context["page"].object_list)

    assert codes() == ["17.01.01", "17.01.02", "17.71.01"]
    assert codes(status="selected") == ["17.01.01"]
    assert codes(regency="17.01") == ["17.01.01", "17.01.02"]
    assert codes(district="17.71.01") == ["17.71.01"]
    assert codes(regency="17.01", status="rejected") == []


def test_pilots_list_is_in_indonesian(staff_client, some_pilots):
    html = staff_client.get("/registry/pilots/").content.decode()
    assert "Diusulkan" in html
    assert "Ditolak" in html
    assert "Terpilih" in html


def test_dashboard_counts_pilots_by_status(staff_client, some_pilots):
    counts = staff_client.get("/").context["counts"]["pilots"]
    assert counts == {"proposed": 1, "selected": 1, "rejected": 1, "withdrawn": 0}
