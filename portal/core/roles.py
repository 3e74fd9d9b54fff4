"""The roles of the portal, as Django groups with permissions.

The groups are created and kept in step by migrations (`portal/accounts/migrations/*roles*`), which
call `sync_roles()`. Each capability that adds models adds its permissions to ROLE_PERMISSIONS and a
migration that calls `sync_roles()` again.
"""

from django.contrib.auth.backends import ModelBackend
from django.db import models
from django.utils.translation import gettext_lazy as _

from .datacache import cached


class Role(models.TextChoices):
    """A role is a Django group of the same name."""

    ADMIN = "Admin", _("Administrator")
    PROVINCIAL_STAFF = "Provincial staff", _("Provincial staff (Tim Percepatan)")
    OFFICER = "Kominfotik officer", _("Kominfotik officer")
    SUPERVISOR = "Kominfotik supervisor", _("Kominfotik supervisor")
    PARTNER = "Partner member", _("Partner member")


REGISTRY_READ = [
    "villages.view_province",
    "villages.view_regency",
    "villages.view_district",
    "villages.view_village",
    "villages.view_pilot",
]

# Warkop Digital kiosks and the payment services they offer (warkop, payments).
KIOSK_READ = [
    "warkop.view_warkop",
    "warkop.view_warkopstatuschange",
    "warkop.view_warkopphoto",
    "warkop.view_checkin",
    "warkop.view_monthlyreport",
    "warkop.view_monthlyreportline",
    "payments.view_servicecategory",
    "payments.view_provider",
    "payments.view_serviceoffering",
]
# Managing kiosks, their offerings and reports: staff everywhere, partners their organisation's.
KIOSK_MANAGE = [
    "warkop.add_warkop",
    "warkop.change_warkop",
    "warkop.add_warkopphoto",
    "warkop.add_checkin",
    "warkop.add_monthlyreport",
    "warkop.change_monthlyreport",
    "payments.add_serviceoffering",
    "payments.change_serviceoffering",
]

# The 100-day programme (portal): reading its milestones and daily figures; managing it.
PROGRAMME_READ = [
    "programme.view_programme",
    "programme.view_milestone",
    "programme.view_programmesnapshot",
    "programme.view_nonworkingday",
]
PROGRAMME_MANAGE = [
    "programme.add_programme",
    "programme.change_programme",
    "programme.add_milestone",
    "programme.change_milestone",
    "programme.record_milestone",
    "programme.add_nonworkingday",
    "programme.delete_nonworkingday",
]

# Reports (portal.reports): the weekly and 100-day reports; staff generate and sign them off.
REPORTS = ["reports.view_report", "reports.add_report", "reports.sign_report"]
# Coverage (coverage): village connectivity and the aggregated map grid are read by every role,
# partners included. The surveys themselves (the officer, free-text notes, the exact point,
# photos, unreviewed surveys) are personal data: staff, officers and supervisors only
# (docs/data-protection.md). Officers and supervisors enter and import surveys, supervisors verify
# or reject them.
CONNECTIVITY_READ = ["coverage.view_villageconnectivity", "coverage.view_mapcell"]
COVERAGE_READ = [
    "coverage.view_survey",
    "coverage.view_measurement",
    "coverage.view_surveyphoto",
    *CONNECTIVITY_READ,
]
COVERAGE_ENTER = ["coverage.add_survey", "coverage.import_survey"]

# `app_label.codename` per role; ALL means every permission the portal defines.
ALL = "__all__"
ROLE_PERMISSIONS: dict[str, list[str] | str] = {
    Role.ADMIN: ALL,
    Role.PROVINCIAL_STAFF: [
        *REGISTRY_READ,
        "villages.add_pilot",
        "villages.change_pilot",
        "portal.view_organisation",
        "portal.add_organisation",
        "portal.change_organisation",
        "portal.view_profile",
        "portal.invite_user",
        "portal.view_audit",
        *KIOSK_READ,
        *KIOSK_MANAGE,
        "warkop.change_status_warkop",
        "warkop.view_coverage_gap",
        "payments.delete_serviceoffering",
        "payments.add_servicecategory",
        "payments.change_servicecategory",
        "payments.add_provider",
        "payments.change_provider",
        *PROGRAMME_READ,
        *PROGRAMME_MANAGE,
        *REPORTS,
        *COVERAGE_READ,
    ],
    # Officers visit kiosks in their kabupaten and record check-ins.
    Role.OFFICER: [
        *REGISTRY_READ,
        *KIOSK_READ,
        "warkop.add_checkin",
        *PROGRAMME_READ,
        *COVERAGE_READ,
        *COVERAGE_ENTER,
    ],
    Role.SUPERVISOR: [
        *REGISTRY_READ,
        *KIOSK_READ,
        "warkop.add_checkin",
        "warkop.view_coverage_gap",
        *PROGRAMME_READ,
        *COVERAGE_READ,
        *COVERAGE_ENTER,
        "coverage.review_survey",
    ],
    Role.PARTNER: [
        *REGISTRY_READ,
        "portal.view_organisation",
        "portal.change_organisation",
        *KIOSK_READ,
        *KIOSK_MANAGE,
        # Connectivity per village and map cells; never single surveys (data-protection.md).
        *CONNECTIVITY_READ,
    ],
}

# When a user is in several groups, the first role here wins.
PRECEDENCE = [Role.ADMIN, Role.PROVINCIAL_STAFF, Role.SUPERVISOR, Role.OFFICER, Role.PARTNER]
# Roles whose scope is the whole programme, whatever their profile says.
PROVINCE_WIDE = {Role.ADMIN, Role.PROVINCIAL_STAFF}

# The roles each role may grant (invite a user with): nobody grants more than they hold. Admins
# grant any role; staff invite officers, supervisors and partner members (never admins, and a new
# staff member is made by an admin); a supervisor could grant officers. Officers and partner
# members grant none. Only users with `portal.invite_user` grant anything (see grantable_roles),
# and the scope granted is checked by `portal.core.scopes.grant_scope_errors`.
GRANTS: dict[Role, frozenset[Role]] = {
    Role.ADMIN: frozenset(Role),
    Role.PROVINCIAL_STAFF: frozenset({Role.OFFICER, Role.SUPERVISOR, Role.PARTNER}),
    Role.SUPERVISOR: frozenset({Role.OFFICER}),
}


def user_role(user) -> Role | None:
    """The role of `user` (superusers are Admin); None for anonymous users and users without one."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMIN
    cache = getattr(user, "_portal_role", False)
    if cache is not False:
        return cache
    names = user_access(user)[0]
    role = next((role for role in PRECEDENCE if role.value in names), None)
    user._portal_role = role
    return role


def user_access(user) -> tuple[frozenset[str], frozenset[str]]:
    """The names of `user`'s groups and their permissions ("app.codename", as Django's
    ModelBackend gives them), read from the figures cache (portal/core/datacache.py): they cost
    three queries on every request otherwise. Group and permission changes are writes to tracked
    tables (auth_user_groups, auth_group_permissions, …), so they apply at once; whether the
    user is active or a superuser comes from this request's user row."""

    def build():
        groups = frozenset(user.groups.values_list("name", flat=True))
        permissions = frozenset(ModelBackend().get_all_permissions(user))
        return groups, permissions

    if not user.is_active:
        return frozenset(), frozenset()
    access = getattr(user, "_portal_access", None)
    if access is None:
        access = user._portal_access = cached(f"access:{user.pk}:{user.is_superuser}", build)
    return access


def grantable_roles(user) -> list[Role]:
    """The roles `user` may grant, in the order of `Role`: the one rule that the invitation form
    offers and the invitation service (`portal.accounts.services.user_invite`) enforces."""
    role = user_role(user)
    if role is None or not user.has_perm("portal.invite_user"):
        return []
    allowed = GRANTS.get(role, frozenset())
    return [candidate for candidate in Role if candidate in allowed]


def sync_roles(group_model, permission_model) -> None:
    """Create the role groups and set exactly the permissions ROLE_PERMISSIONS gives them.

    Takes the models as arguments so that data migrations can pass their historical models.
    """
    own_apps = [
        "villages",
        "warkop",
        "payments",
        "coverage",
        "portal",
        "programme",
        "reports",
        "auth",
    ]
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=role.value)
        if perms == ALL:
            wanted = permission_model.objects.filter(content_type__app_label__in=own_apps)
        else:
            wanted = []
            for perm in perms:
                app_label, codename = perm.split(".")
                found = permission_model.objects.filter(
                    content_type__app_label=app_label, codename=codename
                ).first()
                # A permission of models not migrated yet is skipped: the roles migration of
                # the capability that adds them runs sync_roles again.
                if found is not None:
                    wanted.append(found)
        group.permissions.set(wanted)
