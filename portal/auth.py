"""Login by username or e-mail, with a lockout after too many failed attempts.

Failures are counted in the cache (Redis) per account and per client address over a fixed
one-hour window; at the limit (settings LOGIN_FAILURES_PER_ACCOUNT / _PER_ADDRESS) further attempts
are refused for the rest of the hour, whether the password is right or not.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.dispatch import receiver

WINDOW_SECONDS = 3600


def client_address(request) -> str:
    """The client's address. REMOTE_ADDR only: a proxy in front must set it (X-Forwarded-For is
    spoofable and is not trusted here)."""
    return (request.META.get("REMOTE_ADDR") if request else None) or "unknown"


def _keys(username: str, address: str) -> tuple[str, str]:
    return (f"login-fail:acct:{(username or '').strip().lower()}", f"login-fail:addr:{address}")


def is_locked_out(username: str, request) -> bool:
    account_key, address_key = _keys(username, client_address(request))
    counts = cache.get_many([account_key, address_key])
    return (
        counts.get(account_key, 0) >= settings.LOGIN_FAILURES_PER_ACCOUNT
        or counts.get(address_key, 0) >= settings.LOGIN_FAILURES_PER_ADDRESS
    )


def record_failure(username: str, request) -> None:
    for key in _keys(username, client_address(request)):
        if cache.add(key, 1, WINDOW_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, WINDOW_SECONDS)


def reset_failures(username: str, request) -> None:
    cache.delete(_keys(username, client_address(request))[0])


@receiver(user_login_failed)
def _count_failed_login(sender, credentials, request=None, **kwargs):
    record_failure(credentials.get("username", ""), request)


class UsernameOrEmailBackend(ModelBackend):
    """Authenticate with a username or an e-mail address (case-insensitive); refuse while the
    account or the address is locked out."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        if is_locked_out(username, request):
            raise PermissionDenied("locked out")
        users = get_user_model()._default_manager.filter(
            Q(username__iexact=username) | Q(email__iexact=username)
        )
        matches = list(users[:2])
        if len(matches) != 1:
            # Unknown, or an e-mail shared by two accounts: run the hasher anyway (timing).
            get_user_model()().set_password(password)
            return None
        user = matches[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            reset_failures(username, request)
            return user
        return None
