"""Accounts: login by username or e-mail, lockout, strong passwords, invitations."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError

from portal.auth import _keys
from portal.models import Profile
from portal.roles import Role, user_role
from portal.services import user_invite
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clean_lockout():
    """Lockout counters live in Redis; forget the ones a test makes."""
    keys = []
    yield keys
    cache.delete_many(keys)


def login(client, username, password, address="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_login_with_username_or_email(client, clean_lockout):
    user = UserFactory(username="rina", email="Rina@Kominfo.example", role=Role.OFFICER)
    clean_lockout.extend(_keys("rina", "10.0.0.1") + _keys("rina@kominfo.example", "10.0.0.1"))
    assert login(client, "rina", PASSWORD).status_code == 302
    client.logout()
    response = login(client, "rina@kominfo.example", PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_lockout_per_account(client, settings, clean_lockout):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    UserFactory(username="budi")
    clean_lockout.extend(_keys("budi", "10.0.0.2") + _keys("budi", "10.0.0.3"))
    for _ in range(5):
        assert login(client, "budi", "wrong password", "10.0.0.2").status_code == 200
    # Now even the right password is refused, from any address, with a clear message.
    response = login(client, "budi", PASSWORD, "10.0.0.3")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert any(e.code == "locked_out" for e in response.context["form"].errors.as_data()["__all__"])


def test_lockout_per_address(client, settings, clean_lockout):
    settings.LOGIN_FAILURES_PER_ADDRESS = 4
    UserFactory(username="sari")
    names = [f"nobody{i}" for i in range(4)]
    for name in names:
        clean_lockout.extend(_keys(name, "10.0.0.9"))
        login(client, name, "x", "10.0.0.9")
    clean_lockout.extend(_keys("sari", "10.0.0.9") + _keys("sari", "10.0.0.10"))
    assert "_auth_user_id" not in client.session
    login(client, "sari", PASSWORD, "10.0.0.9")
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    assert login(client, "sari", PASSWORD, "10.0.0.10").status_code == 302


def test_limits_stay_within_100_an_hour(settings):
    assert settings.LOGIN_FAILURES_PER_ACCOUNT <= 100
    assert settings.LOGIN_FAILURES_PER_ADDRESS <= 100


def test_strong_password_validation():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["password123", "12345678901234", "bengkulu"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("kopi-desa-lais-2021-digital")


def test_staff_invites_an_officer_who_sets_a_password(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        "/accounts/invite/",
        {
            "username": "petugas.rl",
            "email": "petugas.rl@example.org",
            "role": Role.OFFICER.value,
            "regencies": ["17.02", "17.07"],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    user = get_user_model().objects.get(username="petugas.rl")
    assert not user.has_usable_password()
    assert user_role(user) == Role.OFFICER
    assert set(Profile.objects.get(user=user).regencies.values_list("code", flat=True)) == {
        "17.02",
        "17.07",
    }
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    client.logout()
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "kopi-desa-lais-2021", "new_password2": "kopi-desa-lais-2021"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("kopi-desa-lais-2021")


def test_partner_invitation_needs_an_organisation(client, staff_user):
    client.force_login(staff_user)
    data = {"username": "mitra1", "email": "m@example.org", "role": Role.PARTNER.value}
    response = client.post("/accounts/invite/", data)
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    data["organisation"] = OrganisationFactory().pk
    assert client.post("/accounts/invite/", data).status_code == 302


def test_only_staff_may_invite(client):
    client.force_login(UserFactory(role=Role.OFFICER))
    assert client.get("/accounts/invite/").status_code == 403


# --- Nobody grants more than they hold ---


def invite_data(**overrides):
    return {"username": "neu", "email": "neu@example.org", **overrides}


def test_staff_cannot_invite_an_administrator(client, staff_user):
    client.force_login(staff_user)
    page = client.get("/accounts/invite/")
    choices = [value for value, _label in page.context["form"].fields["role"].choices]
    assert choices == ["", Role.OFFICER, Role.SUPERVISOR, Role.PARTNER]
    assert page.context["form"]["role"].value() is None  # nothing pre-selected
    assert 'value="Admin"' not in page.content.decode()
    for forged in (Role.ADMIN, Role.PROVINCIAL_STAFF):
        response = client.post("/accounts/invite/", invite_data(role=forged.value))
        assert response.status_code == 200
        assert response.context["form"].errors["role"] == ["You may not grant this role."]
    assert not get_user_model().objects.filter(username="neu").exists()
    assert mail.outbox == []


def test_a_role_must_be_chosen(client, staff_user):
    client.force_login(staff_user)
    response = client.post("/accounts/invite/", invite_data())
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not get_user_model().objects.filter(username="neu").exists()


def test_the_invitation_service_refuses_a_role_above_the_inviter(staff_user):
    with pytest.raises(ValidationError) as refused:
        user_invite(by=staff_user, base_url="http://x/", role=Role.ADMIN, **invite_data())
    assert refused.value.message_dict == {"role": ["You may not grant this role."]}
    officer = UserFactory(role=Role.OFFICER)
    with pytest.raises(ValidationError):  # no invite_user permission: grants nothing
        user_invite(by=officer, base_url="http://x/", role=Role.OFFICER, **invite_data())
    assert not get_user_model().objects.filter(username="neu").exists()
    assert mail.outbox == []


def test_admin_may_grant_any_role(client):
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True))
    response = client.post("/accounts/invite/", invite_data(role=Role.ADMIN.value))
    assert response.status_code == 302, response.context["form"].errors
    user = get_user_model().objects.get(username="neu")
    assert user_role(user) == Role.ADMIN and user.is_staff


def test_a_regional_inviter_grants_no_wider_scope(client):
    """Officers and supervisors cannot invite today; given the permission, a supervisor limited
    to Bengkulu Selatan grants only officers limited to (part of) it."""
    supervisor = UserFactory(role=Role.SUPERVISOR, scope__regencies=["17.01"])
    supervisor.user_permissions.add(Permission.objects.get(codename="invite_user"))
    client.force_login(supervisor)
    form = client.get("/accounts/invite/").context["form"]
    assert [value for value, _label in form.fields["role"].choices] == ["", Role.OFFICER]
    assert list(form.fields["regencies"].queryset.values_list("code", flat=True)) == ["17.01"]
    officer = invite_data(role=Role.OFFICER.value)
    response = client.post("/accounts/invite/", officer)  # empty: the whole province
    assert "regencies" in response.context["form"].errors
    response = client.post("/accounts/invite/", {**officer, "regencies": ["17.02"]})
    assert "regencies" in response.context["form"].errors
    with pytest.raises(ValidationError) as refused:  # a forged call past the form
        user_invite(
            by=supervisor,
            base_url="http://x/",
            role=Role.OFFICER,
            regencies=["17.02"],
            **invite_data(),
        )
    assert "regencies" in refused.value.message_dict
    assert not get_user_model().objects.filter(username="neu").exists()
    response = client.post("/accounts/invite/", {**officer, "regencies": ["17.01"]})
    assert response.status_code == 302
    invited = get_user_model().objects.get(username="neu")
    assert list(invited.profile.regencies.values_list("code", flat=True)) == ["17.01"]
