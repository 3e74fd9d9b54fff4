"""The role groups hold exactly the permissions portal.core.roles gives them."""

import pytest
from django.contrib.auth.models import Group, Permission

from portal.core.roles import ALL, ROLE_PERMISSIONS, Role

pytestmark = pytest.mark.django_db


def test_every_listed_permission_exists():
    """sync_roles skips permissions of models not migrated yet; after all migrations none may be
    missing (a misspelt codename would otherwise be granted to nobody, silently)."""
    existing = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    listed = {perm for perms in ROLE_PERMISSIONS.values() if perms != ALL for perm in perms}
    assert listed - existing == set()


@pytest.mark.parametrize("role", [role for role in Role if ROLE_PERMISSIONS[role] != ALL])
def test_groups_hold_exactly_their_permissions(role):
    group = Group.objects.get(name=role.value)
    held = {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }
    assert held == set(ROLE_PERMISSIONS[role])
