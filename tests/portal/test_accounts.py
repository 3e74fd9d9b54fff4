"""Accounts: login by username or e-mail, lockout, strong passwords, invitations."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.accounts.models import Profile
from portal.accounts.services import user_invite
from portal.core.clients import client_address
from portal.core.roles import Role, user_role
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client, settings):
    """Messages in English: the language cookie for pages, and for code called directly."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def login(client, username, password, address="10.0.0.1", **headers):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def refusal(response) -> str | None:
    """The code of the login form's lockout error, if any."""
    errors = response.context["form"].errors.as_data().get("__all__", [])
    return next((e.code for e in errors if e.code.endswith("locked_out")), None)


def test_login_with_username_or_email(client):
    user = UserFactory(username="rina", email="Rina@Kominfo.example", role=Role.OFFICER)
    assert login(client, "rina", PASSWORD).status_code == 302
    client.logout()
    response = login(client, "rina@kominfo.example", PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_an_attacker_cannot_lock_the_owner_out(client, settings, english):
    """Failures lock the attacker's address out of the account; the owner, from another
    address, logs in with the right password."""
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    UserFactory(username="budi")
    for _ in range(5):
        assert login(client, "budi", "wrong password", "198.51.100.7").status_code == 200
    response = login(client, "budi", PASSWORD, "198.51.100.7")  # right password, locked address
    assert "_auth_user_id" not in client.session
    assert refusal(response) == "locked_out"
    assert "a completed reset lifts this lock" in response.content.decode()
    assert login(client, "budi", PASSWORD, "203.0.113.20").status_code == 302  # the owner


def test_username_and_email_share_one_counter(client, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 4
    UserFactory(username="budi", email="budi@kominfo.example")
    for identifier in ("budi", "BUDI", "budi@kominfo.example", "Budi@Kominfo.Example"):
        login(client, identifier, "wrong password", "198.51.100.7")
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"budi"}
    for identifier in ("budi", "budi@kominfo.example"):
        response = login(client, identifier, PASSWORD, "198.51.100.7")
        assert refusal(response) == "locked_out", identifier
    assert "_auth_user_id" not in client.session


def test_a_completed_password_reset_lifts_the_lock(client, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    UserFactory(username="budi", email="budi@kominfo.example")
    for _ in range(3):
        login(client, "budi", "wrong password", "198.51.100.7")
    assert refusal(login(client, "budi", PASSWORD, "198.51.100.7")) == "locked_out"
    client.post("/accounts/password/reset/", {"email": "budi@kominfo.example"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    new_password = "kopi-desa-lais-2021-baru"
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="budi").exists()
    assert login(client, "budi", new_password, "198.51.100.7").status_code == 302


def test_one_address_is_locked_out_of_every_account(client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 4
    UserFactory(username="sari")
    for name in ("nobody0", "nobody1", "sari", "nobody3"):
        login(client, name, "x", "198.51.100.9")
    response = login(client, "sari", PASSWORD, "198.51.100.9")
    assert "_auth_user_id" not in client.session
    assert refusal(response) == "address_locked_out"
    assert refusal(login(client, "anybody", "x", "198.51.100.9")) == "address_locked_out"
    # Another address is not affected.
    assert login(client, "sari", PASSWORD, "198.51.100.10").status_code == 302


def test_client_address_behind_trusted_proxies(rf, settings):
    def address(remote="10.0.0.1", forwarded=None):
        headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
        return client_address(rf.get("/", REMOTE_ADDR=remote, **headers))

    settings.TRUSTED_PROXY_COUNT = 0  # no proxy: X-Forwarded-For is the client's own word
    assert address(forwarded="203.0.113.5") == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1  # one proxy appends the address it received from
    assert address(forwarded="6.6.6.6, 203.0.113.5") == "203.0.113.5"
    assert address(forwarded="203.0.113.5") == "203.0.113.5"
    assert address(forwarded="") == "10.0.0.1"  # not through the proxy
    assert address(forwarded="6.6.6.6, not-an-address") is None
    settings.TRUSTED_PROXY_COUNT = 2
    assert address(forwarded="6.6.6.6, 203.0.113.5, 10.0.0.8") == "203.0.113.5"
    assert address(forwarded="203.0.113.5") == "10.0.0.1"
    assert address(remote="2001:0db8::0001") == "2001:db8::1"


def test_a_spoofed_forwarded_for_is_ignored_without_trusted_proxies(client, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.TRUSTED_PROXY_COUNT = 0
    UserFactory(username="budi")
    for fake in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
        login(client, "budi", "x", "198.51.100.7", HTTP_X_FORWARDED_FOR=fake)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    response = login(client, "budi", PASSWORD, "198.51.100.7", HTTP_X_FORWARDED_FOR="4.4.4.4")
    assert refusal(response) == "locked_out"


def test_behind_the_proxy_each_client_has_its_own_address(client, settings):
    """Behind one TLS proxy every request comes from the proxy: the lock applies to the
    attacker's forwarded address, not to every user of the proxy."""
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="budi")
    proxy = "10.0.0.254"
    for _ in range(3):
        login(client, "budi", "x", proxy, HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.7")
    locked = login(client, "budi", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert refusal(locked) == "address_locked_out"
    owner = login(client, "budi", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.20")
    assert owner.status_code == 302


def test_login_works_while_redis_is_down(client, settings):
    """Failed logins live in the database: with the cache unreachable, logins and the lockout
    still work."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    UserFactory(username="budi")
    UserFactory(username="sari")
    for _ in range(2):
        assert login(client, "budi", "x", "198.51.100.7").status_code == 200
    assert refusal(login(client, "budi", PASSWORD, "198.51.100.7")) == "locked_out"
    assert login(client, "sari", PASSWORD, "198.51.100.7").status_code == 302


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


def test_staff_cannot_invite_an_administrator(client, staff_user, english):
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


def test_the_invitation_service_refuses_a_role_above_the_inviter(staff_user, english):
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


def test_an_invitation_whose_mail_cannot_be_sent_saves_nothing(client, staff_user, settings):
    """The mail server refuses the connection (nothing listens on the port): the page says so and
    no half-invited user is left behind."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    client.force_login(staff_user)
    response = client.post(
        "/accounts/invite/",
        {"username": "baru", "email": "baru@example.org", "role": Role.OFFICER},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not get_user_model().objects.filter(username="baru").exists()
