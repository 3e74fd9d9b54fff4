"""Checks of uploaded photos: the real content must be a JPEG, PNG or WebP image of a sane size,
whatever the file name says. The check and the re-encoding without metadata are shared with the
coverage app (`portal.core.images`); the services store the re-encoded file."""

from django.conf import settings

from portal.core.images import check_image


def max_photo_bytes() -> int:
    return settings.WARKOP_PHOTO_MAX_MB * 1024 * 1024


def validate_photo(file) -> None:
    """Refuse files over WARKOP_PHOTO_MAX_MB, files Pillow cannot decode as a JPEG/PNG/WebP
    image, and images declaring more than PHOTO_MAX_PIXELS pixels (checked before decoding)."""
    check_image(file, max_bytes=max_photo_bytes())
