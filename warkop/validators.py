"""Checks of uploaded photos: the real content must be a JPEG, PNG or WebP image of a sane size,
whatever the file name says."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PIXELS = 40_000_000  # 40 megapixels: larger is a decompression bomb, not a phone photo


def validate_photo(file) -> None:
    """Refuse files over WARKOP_PHOTO_MAX_MB, files that are not a JPEG/PNG/WebP image (by their
    content, read by Pillow) and images with absurd dimensions."""
    max_bytes = settings.WARKOP_PHOTO_MAX_MB * 1024 * 1024
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            _("The photo is larger than %(max)s MB.") % {"max": settings.WARKOP_PHOTO_MAX_MB},
            code="too_large",
        )
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(_("The photo has too many pixels."), code="too_many_pixels")
            image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("Upload a photo in JPEG, PNG or WebP format."), code="invalid_image"
        ) from None
    finally:
        if position is not None:
            file.seek(position)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(_("Upload a photo in JPEG, PNG or WebP format."), code="bad_format")
