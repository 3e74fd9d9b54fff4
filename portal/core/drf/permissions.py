"""API permissions: role permissions (Django model permissions, including `view`) and the
access level of the API token used."""

from rest_framework import permissions


class RolePermission(permissions.DjangoModelPermissions):
    """The user's role must grant the model permission for the method (GET needs `view`), and a
    read-only token may only read."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        # An API token (portal.accounts) says whether it may write; a session has no token.
        may_write = getattr(request.auth, "can_write", True)
        if not may_write and request.method not in permissions.SAFE_METHODS:
            return False
        return super().has_permission(request, view)
