"""Permission-matrix entries of the portal app: health, language, accounts, API schema."""

from tests.permissions import LOGIN, PAGE, PUBLIC, STAFF_PAGE, every

ENTRIES = {
    "portal:dashboard": ("get", lambda w: "/", PAGE),
    "healthz": ("get", lambda w: "/healthz/", PUBLIC),
    "set_language": ("post", lambda w: "/i18n/setlang/", every(302)),
    "login": ("get", lambda w: "/accounts/login/", PUBLIC),
    "logout": ("post", lambda w: "/accounts/logout/", every(LOGIN)),  # back to the login page
    "password_reset": ("get", lambda w: "/accounts/password/reset/", PUBLIC),
    "password_reset_done": ("get", lambda w: "/accounts/password/reset/sent/", PUBLIC),
    "password_reset_confirm": (
        "get",
        lambda w: "/accounts/password/reset/MQ/not-a-valid-token/",
        PUBLIC,
    ),
    "password_reset_complete": ("get", lambda w: "/accounts/password/reset/done/", PUBLIC),
    "account:tokens": ("get", lambda w: "/accounts/tokens/", every(200, anonymous=LOGIN)),
    "account:token-revoke": (
        "post",
        lambda w: f"/accounts/tokens/{w['own_token']}/revoke/",
        every(302, anonymous=LOGIN),
    ),
    "account:invite": ("get", lambda w: "/accounts/invite/", STAFF_PAGE),
    "account:organisations": (
        "get",
        lambda w: "/accounts/organisations/",
        every(403, anonymous=LOGIN, admin=200, staff=200, partner=200),
    ),
    "account:organisation-add": ("get", lambda w: "/accounts/organisations/new/", STAFF_PAGE),
    "account:organisation": (
        "get",
        lambda w: f"/accounts/organisations/{w['other_org'].pk}/",
        every(403, anonymous=LOGIN, admin=200, staff=200, partner=404),
    ),
    "account:audit": ("get", lambda w: "/accounts/audit/", STAFF_PAGE),
    "api-schema": ("get", lambda w: "/api/schema/", PUBLIC),
    "api-docs": ("get", lambda w: "/api/docs/", PUBLIC),
    "api-redoc": ("get", lambda w: "/api/redoc/", PUBLIC),
    "api:organisation-list": (
        "get",
        lambda w: "/api/v1/organisations/",
        every(403, anonymous=401, admin=200, staff=200, partner=200),
    ),
    "api:organisation-detail": (
        "get",
        lambda w: f"/api/v1/organisations/{w['other_org'].pk}/",
        every(403, anonymous=401, admin=200, staff=200, partner=404),
    ),
}

DATA = {"set_language": {"language": "en", "next": "/"}}


def populate(world: dict) -> None:
    """The portal's entries need only the shared users and organisations."""
