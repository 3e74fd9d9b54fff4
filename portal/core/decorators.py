"""The one decorator of pages that need a permission."""

from django.contrib.auth.decorators import login_required, permission_required


def permission_page(*permissions: str):
    """Anonymous visitors go to the login page; a user without every one of `permissions` gets
    403 (never a login loop)."""

    def decorator(view):
        return login_required(permission_required(permissions, raise_exception=True)(view))

    return decorator
