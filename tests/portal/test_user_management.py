"""Staff user management: list and filter, change role and scope within one's grant, deactivate
(no login, no token, at once), reactivate, send the invitation again; every change audited."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from portal.accounts import services
from portal.accounts.services import api_token_create
from portal.core.roles import Role, user_role
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_list_and_filter_users(staff_client):
    UserFactory(username="petugas-a", role=Role.OFFICER)
    UserFactory(username="mitra-a", role=Role.PARTNER, scope__organisation=OrganisationFactory())
    page = staff_client.get("/accounts/users/?role=Kominfotik officer")
    assert [u.username for u in page.context["page"].object_list] == ["petugas-a"]
    page = staff_client.get("/accounts/users/?q=mitra")
    assert [u.username for u in page.context["page"].object_list] == ["mitra-a"]


def test_change_role_within_the_grant(staff_user):
    officer = UserFactory(username="petugas", role=Role.OFFICER, scope__regencies=["17.01"])
    services.user_change_role(
        user=officer, role=Role.SUPERVISOR, by=staff_user, regencies=["17.02"]
    )
    officer = type(officer).objects.get(pk=officer.pk)
    assert user_role(officer) == Role.SUPERVISOR
    assert list(officer.profile.regencies.values_list("code", flat=True)) == ["17.02"]
    with pytest.raises(ValidationError):  # staff grant no admin, whatever the form says
        services.user_change_role(user=officer, role=Role.ADMIN, by=staff_user)
    admin = UserFactory(username="adm", role=Role.ADMIN)
    with pytest.raises(PermissionDenied):  # nor manage one
        services.user_set_active(user=admin, active=False, by=staff_user)


def test_a_forged_post_for_a_higher_role_is_refused(staff_client):
    officer = UserFactory(username="petugas", role=Role.OFFICER)
    response = staff_client.post(
        f"/accounts/users/{officer.pk}/", {"action": "role", "role": Role.ADMIN.value}
    )
    assert response.status_code == 200
    officer = type(officer).objects.get(pk=officer.pk)
    assert user_role(officer) == Role.OFFICER


def test_deactivated_user_cannot_log_in_nor_use_a_token(staff_client):
    from django.test import Client

    client = Client()
    officer = UserFactory(username="petugas", role=Role.OFFICER, password="kata sandi panjang")
    _, secret = api_token_create(user=officer, name="hp", access="read", valid_days=9)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/provinces/").status_code == 200
    response = staff_client.post(f"/accounts/users/{officer.pk}/", {"action": "deactivate"})
    assert response.status_code == 302
    assert api.get("/api/v1/provinces/").status_code == 401
    login = client.post(
        "/accounts/login/", {"username": "petugas", "password": "kata sandi panjang"}
    )
    assert login.status_code == 200 and "_auth_user_id" not in client.session
    history = staff_client.get(f"/accounts/users/{officer.pk}/").content.decode()
    assert "akun dinonaktifkan" in history and "staff" in history
    staff_client.post(f"/accounts/users/{officer.pk}/", {"action": "activate"})
    assert api.get("/api/v1/provinces/").status_code == 200


def test_invitation_is_sent_again_only_before_a_password(staff_user, settings):
    invited = UserFactory(username="baru", role=Role.OFFICER, email="baru@example.id")
    invited.set_unusable_password()
    invited.save()
    services.user_resend_invitation(user=invited, by=staff_user, base_url="https://portal.test/")
    assert mail.outbox[-1].to == ["baru@example.id"]
    invited.set_password("sudah punya kata sandi")
    invited.save()
    with pytest.raises(ValidationError):
        services.user_resend_invitation(user=invited, by=staff_user, base_url="https://p/")


def test_nobody_manages_themselves(staff_user):
    with pytest.raises(ValidationError):
        services.user_set_active(user=staff_user, active=False, by=staff_user)
