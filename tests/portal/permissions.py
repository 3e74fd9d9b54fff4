"""Permission-matrix entries of the portal app: health, language, accounts, API schema."""

from tests.permissions import LOGIN, PUBLIC, STAFF_ACTION, STAFF_PAGE, every

ENTRIES = {
    # Partners start on their kiosks (payments:partner-home).
    "portal:dashboard": (
        "get",
        lambda w: "/",
        every(200, anonymous=LOGIN, no_role=403, partner=302),
    ),
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
    "account:users": ("get", lambda w: "/accounts/users/", STAFF_PAGE),
    "account:user": (
        "get",
        lambda w: f"/accounts/users/{w['users']['officer'].pk}/",
        STAFF_PAGE,
    ),
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


# --- The 100-day programme (portal/programme/urls.py, portal/programme/api/urls.py) ---
# Staff and admins manage it; officers and supervisors read it; partners do not see it.
PROGRAMME_READ = every(200, anonymous=LOGIN, partner=403, no_role=403)
PROGRAMME_API_READ = every(200, anonymous=401, partner=403, no_role=403)
STAFF_API_ACTION = every(403, anonymous=401, admin=200, staff=200)

ENTRIES.update(
    {
        "programme:overview": ("get", lambda w: "/programme/", PROGRAMME_READ),
        "programme:list": ("get", lambda w: "/programme/all/", PROGRAMME_READ),
        "programme:add": ("get", lambda w: "/programme/new/", STAFF_PAGE),
        "programme:detail": (
            "get",
            lambda w: f"/programme/{w['programme'].pk}/",
            PROGRAMME_READ,
        ),
        "programme:milestones-export": (
            "get",
            lambda w: f"/programme/{w['programme'].pk}/milestones/export/csv/",
            PROGRAMME_READ,
        ),
        "programme:edit": ("get", lambda w: f"/programme/{w['programme'].pk}/edit/", STAFF_PAGE),
        "programme:make-current": (
            "post",
            lambda w: f"/programme/{w['programme'].pk}/make-current/",
            STAFF_ACTION,
        ),
        "programme:evaluate": (
            "post",
            lambda w: f"/programme/{w['programme'].pk}/evaluate/",
            STAFF_ACTION,
        ),
        "programme:milestone-add": (
            "get",
            lambda w: f"/programme/{w['programme'].pk}/milestones/new/",
            STAFF_PAGE,
        ),
        "programme:milestone": (
            "get",
            lambda w: f"/programme/milestones/{w['manual_milestone'].pk}/",
            PROGRAMME_READ,
        ),
        "programme:milestone-edit": (
            "get",
            lambda w: f"/programme/milestones/{w['manual_milestone'].pk}/edit/",
            STAFF_PAGE,
        ),
        "programme:milestone-record": (
            "get",
            lambda w: f"/programme/milestones/{w['manual_milestone'].pk}/record/",
            STAFF_PAGE,
        ),
        # The milestone has no document: readers get 404 (the download is tested on its own).
        "programme:milestone-evidence": (
            "get",
            lambda w: f"/programme/milestones/{w['manual_milestone'].pk}/evidence/",
            every(404, anonymous=LOGIN, partner=403, no_role=403),
        ),
        "programme:non-working-days": (
            "get",
            lambda w: "/programme/non-working-days/",
            PROGRAMME_READ,
        ),
        "programme:non-working-day-delete": (
            "post",
            lambda w: f"/programme/non-working-days/{w['non_working_day'].pk}/delete/",
            STAFF_ACTION,
        ),
        "programme:notifications": (
            "get",
            lambda w: "/programme/notifications/",
            every(200, anonymous=LOGIN),
        ),
        "programme:notifications-read": (
            "post",
            lambda w: "/programme/notifications/read/",
            every(302, anonymous=LOGIN),
        ),
        "programme:status": (
            "get",
            lambda w: "/programme/status.json",
            every(200, anonymous=LOGIN),
        ),
        "api:programme-list": ("get", lambda w: "/api/v1/programmes/", PROGRAMME_API_READ),
        "api:programme-current": (
            "get",
            lambda w: "/api/v1/programmes/current/",
            PROGRAMME_API_READ,
        ),
        "api:programme-detail": (
            "get",
            lambda w: f"/api/v1/programmes/{w['programme'].pk}/",
            PROGRAMME_API_READ,
        ),
        "api:milestone-list": ("get", lambda w: "/api/v1/milestones/", PROGRAMME_API_READ),
        "api:milestone-detail": (
            "get",
            lambda w: f"/api/v1/milestones/{w['manual_milestone'].pk}/",
            PROGRAMME_API_READ,
        ),
        "api:milestone-record": (
            "post",
            lambda w: f"/api/v1/milestones/{w['manual_milestone'].pk}/record/",
            STAFF_API_ACTION,
        ),
        "api:snapshot-list": ("get", lambda w: "/api/v1/snapshots/", PROGRAMME_API_READ),
        "api:snapshot-detail": (
            "get",
            lambda w: f"/api/v1/snapshots/{w['snapshot'].pk}/",
            PROGRAMME_API_READ,
        ),
    }
)

DATA.update(
    {
        "api:milestone-record": {
            "done_on": "2026-11-02",
            "evidence_url": "https://jdih.bengkuluprov.go.id/sk-tim-percepatan.pdf",
        },
    }
)

_populate_accounts = populate


def populate(world: dict) -> None:  # noqa: F811 - extends the accounts' populate above
    """A current programme with a manual milestone, a staff-added day off and a snapshot."""
    import datetime

    from portal.programme import services
    from tests.factories import MilestoneFactory, ProgrammeFactory

    _populate_accounts(world)
    programme = ProgrammeFactory(start_date=datetime.date(2026, 11, 2))
    services.programme_make_current(programme=programme)
    world["programme"] = programme
    world["manual_milestone"] = MilestoneFactory(programme=programme)
    world["non_working_day"] = services.non_working_day_add(
        date=datetime.date(2026, 12, 28), name="Cuti daerah", kind="regional"
    )
    world["snapshot"] = services.programme_evaluate(
        programme=programme, on=datetime.date(2026, 11, 20)
    )[-1]


# --- Invitations: the roles each role's invite page offers (portal.core.roles.GRANTS) ---
# Roles not listed get 403 on the page (see "account:invite" above). Nobody grants more than
# they hold: test_permission_matrix.test_invite_page_offers_only_grantable_roles also posts each
# role the page does not offer and expects it refused.
INVITE_ROLE_CHOICES = {
    "admin": {
        "Admin",
        "Provincial staff",
        "Kominfotik officer",
        "Kominfotik supervisor",
        "Partner member",
    },
    "staff": {"Kominfotik officer", "Kominfotik supervisor", "Partner member"},
}
