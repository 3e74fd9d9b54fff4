"""Partner API tokens: `Authorization: Bearer bkl_<prefix>_<secret>` (or `Token …`); invalid
tokens are throttled per address (API_INVALID_TOKENS_PER_ADDRESS an hour, portal.core.ratelimit)."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from portal.accounts.models import ApiToken
from portal.core import ratelimit
from portal.core.clients import client_address

# Writing last_used_at on every request would turn reads into writes; once a minute is enough.
LAST_USED_RESOLUTION_SECONDS = 60


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Authenticates a request by a named, hashed, expiring and revocable API token."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        try:
            keyword = header[0].lower().decode() if header else ""
        except UnicodeError:
            return None  # not this scheme
        if keyword not in self.keywords:
            return None
        # An address that sent API_INVALID_TOKENS_PER_ADDRESS invalid tokens this hour gets 429
        # before any token is looked up: tokens cannot be guessed at speed.
        address_key = f"api-invalid-token:{client_address(request)}"
        limit = settings.API_INVALID_TOKENS_PER_ADDRESS
        wait = ratelimit.exceeded(address_key, limit=limit, window=ratelimit.HOUR)
        if wait:
            raise exceptions.Throttled(
                wait=wait, detail=str(_("Too many invalid tokens from your address."))
            )
        try:
            return self._authenticate_token(header)
        except exceptions.AuthenticationFailed:
            ratelimit.hit(address_key, limit=limit, window=ratelimit.HOUR)
            raise

    def _authenticate_token(self, header):
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            secret = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from exc
        token = (
            ApiToken.objects.select_related("user", "user__profile")
            .filter(digest=ApiToken.hash(secret))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token has been revoked."))
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(_("This token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This user is inactive."))
        now = timezone.now()
        if (
            token.last_used_at is None
            or (now - token.last_used_at).total_seconds() >= LAST_USED_RESOLUTION_SECONDS
        ):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token scheme in the OpenAPI document."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A partner API token bkl_<prefix>_<secret> (see /accounts/tokens/).",
        }
