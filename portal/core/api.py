"""API helpers every app shares: the one exception handler that turns the refusals of services
into API errors, and a related field limited to the requesting user's scope.

Views and serializers call services and let their errors through:
- `django.core.exceptions.ValidationError` answers 400 with a field-keyed body
  (`{"fee": ["…"]}`; an error not tied to a field under `non_field_errors`);
- `django.core.exceptions.PermissionDenied` answers 403 with the service's reason as `detail`.
Everything else is DRF's own handling (its exceptions, Http404).
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework import exceptions, serializers
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from portal.core.scopes import scoped


def as_drf_error(error: DjangoValidationError) -> exceptions.ValidationError:
    """A service's refusal as an API error: field errors stay per field, the others go under
    `non_field_errors`."""
    if hasattr(error, "error_dict"):
        detail = {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return exceptions.ValidationError(detail)


def exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: the errors of services as 400/403 answers (the
    request's transaction is rolled back as for any handled API error)."""
    if isinstance(exc, DjangoValidationError):
        exc = as_drf_error(exc)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        # DRF words the wait in English after the translated refusal; say it in one sentence of
        # the reader's language. DRF still sends Retry-After from `wait`.
        seconds = max(1, round(exc.wait))
        exc.detail = exceptions.ErrorDetail(
            ngettext(
                "Too many requests. Try again in %(seconds)d second.",
                "Too many requests. Try again in %(seconds)d seconds.",
                seconds,
            )
            % {"seconds": seconds},
            code="throttled",
        )
    return drf_exception_handler(exc, context)


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object (kiosk, organisation) the requesting user may reach, through
    `portal.core.scopes.scoped`: others do not exist for them. An id out of their scope and an id
    that exists nowhere get the same 400 (no existence oracle), and the browsable API's forms
    (DEBUG only) list only the objects in scope."""

    default_error_messages = {"does_not_exist": _("There is no such object.")}

    def get_queryset(self):
        return scoped(super().get_queryset(), self.context["request"].user)
