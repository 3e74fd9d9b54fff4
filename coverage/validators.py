"""Checks of uploaded files. Photos go through the portal's one image gate (`portal.core.images`):
decoded by Pillow (size declared in the header checked first), and stored re-encoded without
metadata by `coverage.services.survey_photo_add`."""

from portal.core.images import check_image

MAX_PHOTO_BYTES = 8 * 1024 * 1024


def validate_photo(upload) -> None:
    """A JPEG, PNG or WebP image Pillow decodes (by its content, not its name), of at most 8 MB
    and PHOTO_MAX_PIXELS pixels; raises ValidationError saying what is wrong."""
    check_image(upload, max_bytes=MAX_PHOTO_BYTES)
