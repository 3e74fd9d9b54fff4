"""Logins: by username or e-mail, the client's address, and the lockout after failed logins.

Failed logins are recorded by django-axes with its database handler, so logging in keeps
working while Redis is down. They count per (account, address) pair and per address:

- LOGIN_FAILURES_PER_ACCOUNT failures for one account from one address lock that address out of
  that account; the owner, from any other address, still logs in: nobody can lock them out;
- LOGIN_FAILURES_PER_ADDRESS failures from one address, whatever the accounts tried, lock that
  address out of every account.

A lock ends an hour (AXES_COOLOFF_TIME) after the last counted failure (attempts refused while
locked are not counted). The login identifier is first reduced to the account's username
(`login_identity`), so an account's username and its e-mail share one counter; a completed
password reset clears the account's failures (`portal.accounts.services.login_failures_clear`).
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q, Sum
from django.http import HttpResponse

from portal.core.roles import user_access


def login_identity(request, credentials) -> str:
    """The name failures are counted under (AXES_USERNAME_CALLABLE): the account's username when
    the identifier is the username or the e-mail of exactly one account (case-insensitive),
    else the identifier itself, lower-cased."""
    identifier = (credentials or {}).get("username")
    if identifier is None and request is not None:
        identifier = getattr(request, "POST", {}).get("username")
    identifier = str(identifier or "").strip()
    known = getattr(request, "_login_identities", None)
    if known is None:
        known = {}
        if request is not None:
            request._login_identities = known
    if identifier not in known:
        matches = list(
            get_user_model()
            ._default_manager.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier))
            .values_list("username", flat=True)[:2]
        )
        known[identifier] = (matches[0] if len(matches) == 1 else identifier.lower())[:255]
    return known[identifier]


def failure_limit(request, credentials) -> int:
    """AXES_FAILURE_LIMIT: compared with LockoutHandler.get_failures."""
    return settings.LOGIN_FAILURES_PER_ACCOUNT


def keep_response(request, original_response, credentials):
    """AXES_LOCKOUT_CALLABLE: keep the page's own answer (the login form says why it refuses)."""
    if original_response is not None:
        return original_response
    return HttpResponse(status=429)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit for each lockout parameter.

    AXES_LOCKOUT_PARAMETERS are [["username", "ip_address"], "ip_address"]; axes compares one
    number, get_failures(), with one limit, LOGIN_FAILURES_PER_ACCOUNT. get_failures() is the
    pair's count, raised to that limit once the address reached LOGIN_FAILURES_PER_ADDRESS.
    """

    def failure_counts(self, request, credentials) -> tuple[int, int]:
        """Failures within the window: of this account from this address, and from this address."""
        pair, address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return pair, address

    def get_failures(self, request, credentials=None) -> int:
        pair, address = self.failure_counts(request, credentials)
        if address >= settings.LOGIN_FAILURES_PER_ADDRESS:
            return max(pair, settings.LOGIN_FAILURES_PER_ACCOUNT)
        return pair


def lockout_reason(request, username: str) -> str | None:
    """Why a login for `username` from this request's address is refused: "address" (too many
    failures from the address), "account" (too many for this account from the address), or
    None when it is not."""
    if not settings.AXES_ENABLED:
        return None
    AxesProxyHandler.update_request(request)
    handler = AxesProxyHandler.get_implementation()
    pair, address = handler.failure_counts(request, {"username": username})
    if address >= settings.LOGIN_FAILURES_PER_ADDRESS:
        return "address"
    if pair >= settings.LOGIN_FAILURES_PER_ACCOUNT:
        return "account"
    return None


class UsernameOrEmailBackend(ModelBackend):
    """Authenticate with a username or an e-mail address (case-insensitive). Locked-out logins
    never get here: axes' backend comes first in AUTHENTICATION_BACKENDS."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
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
            return user
        return None

    def get_all_permissions(self, user_obj, obj=None):
        """ModelBackend's, read from the figures cache with the user's groups
        (portal.core.roles.user_access): changes of role or permission apply at once."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = set(user_access(user_obj)[1])
        return user_obj._perm_cache
