"""Checks of uploaded files."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_PHOTO_BYTES = 8 * 1024 * 1024
SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def validate_photo(upload) -> None:
    """A JPEG or PNG (by its first bytes, not its name) of at most 8 MB."""
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("A photo may be at most 8 MB."))
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(SIGNATURES):
        raise ValidationError(_("A photo must be a JPEG or PNG image."))
