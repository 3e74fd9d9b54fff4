"""The API's JSON parser: a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE answers 413 and one
nested deeper than JSON_MAX_DEPTH answers 400, before `json.loads` sees it (deep nesting would
exhaust Python's recursion limit there: a 500)."""

import io

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import APIException, ParseError

from portal.core.uploads import JSONTooDeep, check_json


class RequestTooLarge(APIException):
    status_code = 413
    default_detail = "The request is too large."
    default_code = "request_too_large"


class JSONParser(parsers.JSONParser):
    """rest_framework's JSONParser, with the body's size and nesting checked first."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        data = stream.read(limit + 1) if stream is not None else b""
        if len(data) > limit:
            raise RequestTooLarge(
                _("The request is larger than %(limit)s MB.")
                % {"limit": f"{limit / (1024 * 1024):.1f}"}
            )
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            check_json(data.decode(encoding))  # scanned as the parser will read it
        except (LookupError, UnicodeDecodeError) as error:
            raise ParseError(f"JSON parse error - {error}") from None
        except JSONTooDeep as error:
            raise ParseError(str(error)) from None
        return super().parse(io.BytesIO(data), media_type, parser_context)
