"""Limits on what a request may bring: the size of a request carrying files, and the nesting of
JSON (request bodies and uploaded .json files), checked before anything is parsed.

- `RequestSizeLimitHandler` (first of FILE_UPLOAD_HANDLERS) refuses a multipart request larger
  than UPLOAD_MAX_MB from its Content-Length, before reading it, and counts what it reads in
  case the length lies. Django itself refuses other bodies above DATA_UPLOAD_MAX_MEMORY_SIZE.
  Both raise RequestDataTooBig; `portal.core.error_views.bad_request` answers 413 with a message
  (JSON under /api/).
- `check_json(data, max_depth=..)` scans JSON bytes without recursion (strings skipped) and
  refuses nesting deeper than JSON_MAX_DEPTH, which would otherwise reach Python's recursion
  limit in `json.loads` (a 500). The API's JSON parser and the outbox import use it.
"""

import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.formats import number_format
from django.utils.translation import gettext as _


class UploadTooLarge(RequestDataTooBig):
    """A request carrying files is larger than UPLOAD_MAX_MB."""

    def __init__(self, limit_mb: int):
        super().__init__(f"The upload is larger than {limit_mb} MB.")
        self.limit_mb = limit_mb


class RequestSizeLimitHandler(FileUploadHandler):
    """Refuse a multipart request larger than UPLOAD_MAX_MB; pass every chunk on otherwise."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit_mb = settings.UPLOAD_MAX_MB
        self.received = 0
        if content_length and content_length > self.limit_mb * 1024 * 1024:
            raise UploadTooLarge(self.limit_mb)
        return None  # the next handlers parse the request

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit_mb * 1024 * 1024:
            raise UploadTooLarge(self.limit_mb)
        return raw_data

    def file_complete(self, file_size):
        return None


class JSONTooDeep(ValueError):
    """JSON nested deeper than allowed, or with more values than allowed."""


# A complete string (possessive: no backtracking), a bracket, or a quote opening a string that
# never ends (the JSON is invalid from there on: the parser stops at it, so does the scan).
_JSON_TOKEN = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"|[\[\]{}]|"')
_JSON_TOKEN_TEXT = re.compile(_JSON_TOKEN.pattern.decode())


def check_json(
    data: bytes | str, *, max_depth: int | None = None, max_items: int | None = None
) -> None:
    """Refuse JSON nested deeper than `max_depth` (default JSON_MAX_DEPTH) levels, or holding
    more than `max_items` objects, arrays and strings, in one linear pass over the bytes (or
    text) that skips strings (brackets inside them do not count). Other errors are left to the
    parser."""
    max_depth = settings.JSON_MAX_DEPTH if max_depth is None else max_depth
    depth = 0
    if isinstance(data, str):
        tokens, quote, opening, closing = _JSON_TOKEN_TEXT, '"', ("[", "{"), ("]", "}")
    else:
        tokens, quote, opening, closing = _JSON_TOKEN, b'"', (b"[", b"{"), (b"]", b"}")
    for items, match in enumerate(tokens.finditer(data), 1):
        token = match.group()
        if token == quote:  # a string that never ends: the parser stops there too
            break
        if max_items is not None and items > max_items:
            raise JSONTooDeep(
                _("The JSON holds more than %(limit)s values.")
                % {"limit": number_format(max_items, force_grouping=True)}
            )
        if token in opening:
            depth += 1
            if depth > max_depth:
                raise JSONTooDeep(
                    _("JSON nested deeper than %(limit)d levels.") % {"limit": max_depth}
                )
        elif token in closing:
            depth = max(depth - 1, 0)


def refusal(exception) -> tuple[int, str]:
    """(status, message) of a request Django refused before the view: too large, too many
    fields or files, or otherwise malformed."""
    from django.core.exceptions import TooManyFieldsSent, TooManyFilesSent

    if isinstance(exception, UploadTooLarge):
        return 413, _("The upload is larger than %(limit)s MB.") % {"limit": exception.limit_mb}
    if isinstance(exception, RequestDataTooBig):
        return 413, _("The request is larger than %(limit)s MB.") % {
            "limit": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024):.1f}"
        }
    if isinstance(exception, TooManyFieldsSent):
        return 400, _("The request has more than %(limit)s fields.") % {
            "limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
    if isinstance(exception, TooManyFilesSent):
        return 400, _("The request has more than %(limit)s files.") % {
            "limit": settings.DATA_UPLOAD_MAX_NUMBER_FILES
        }
    return 400, _("The request cannot be read.")
