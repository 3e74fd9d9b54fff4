"""The roles of the portal, as Django groups with permissions.

The groups are created and kept in step by migrations (`portal/migrations/*roles*`), which call
`sync_roles()`. Each capability that adds models adds its permissions to ROLE_PERMISSIONS and a
migration that calls `sync_roles()` again.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
    ],
    Role.OFFICER: [*REGISTRY_READ],
    Role.SUPERVISOR: [*REGISTRY_READ],
    Role.PARTNER: [*REGISTRY_READ, "portal.view_organisation", "portal.change_organisation"],
}

# When a user is in several groups, the first role here wins.
PRECEDENCE = [Role.ADMIN, Role.PROVINCIAL_STAFF, Role.SUPERVISOR, Role.OFFICER, Role.PARTNER]
# Roles whose scope is the whole programme, whatever their profile says.
PROVINCE_WIDE = {Role.ADMIN, Role.PROVINCIAL_STAFF}


def user_role(user) -> Role | None:
    """The role of `user` (superusers are Admin); None for anonymous users and users without one."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMIN
    cache = getattr(user, "_portal_role", False)
    if cache is not False:
        return cache
    names = set(user.groups.values_list("name", flat=True))
    role = next((role for role in PRECEDENCE if role.value in names), None)
    user._portal_role = role
    return role


def sync_roles(group_model, permission_model) -> None:
    """Create the role groups and set exactly the permissions ROLE_PERMISSIONS gives them.

    Takes the models as arguments so that data migrations can pass their historical models.
    """
    own_apps = ["villages", "warkop", "payments", "coverage", "portal", "auth"]
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=role.value)
        if perms == ALL:
            wanted = permission_model.objects.filter(content_type__app_label__in=own_apps)
        else:
            wanted = []
            for perm in perms:
                app_label, codename = perm.split(".")
                wanted.append(
                    permission_model.objects.get(
                        content_type__app_label=app_label, codename=codename
                    )
                )
        group.permissions.set(wanted)
