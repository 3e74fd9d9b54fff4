"""The one gate every uploaded photo passes (kiosk photos, check-in photos, survey photos, the
photos of the field form's outbox file): decoded by Pillow and stored re-encoded, without metadata.

Why: a phone photo carries EXIF (the GPS position where it was taken, the device, the time), and
a file that only *starts* like an image (an HTML page behind a JPEG signature) must not be stored
and served as one. So a photo is

1. read in bounded memory (at most `max_bytes`), its declared size checked **before** any pixel
   is decoded (`PHOTO_MAX_PIXELS`, default 40 megapixels; Pillow's own decompression-bomb check
   is caught too), then verified and fully decoded: anything Pillow cannot decode is refused;
2. turned upright by its EXIF orientation (`ImageOps.exif_transpose`);
3. re-encoded without any metadata (no EXIF, GPS, XMP, comments or ICC profile): as JPEG
   (quality `JPEG_QUALITY`), or as PNG when the image has transparency (a JPEG cannot keep it).

The stored file is the re-encoded one. Refusals are `ValidationError`s with a message that says
what is wrong (the API and pages answer 400 with it). Policy: docs/data-protection.md.
"""

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

#: Formats accepted on upload (by their content, read by Pillow; never by the file name).
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
JPEG_QUALITY = 85
#: What Pillow raises on a damaged, truncated or hostile file.
DECODE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
    MemoryError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)


@dataclass
class CleanImage:
    """A photo re-encoded without metadata: its bytes and what they are."""

    content: bytes
    format: str  # "JPEG" or "PNG"
    width: int
    height: int

    @property
    def extension(self) -> str:
        return "png" if self.format == "PNG" else "jpg"

    @property
    def content_type(self) -> str:
        return "image/png" if self.format == "PNG" else "image/jpeg"

    def as_file(self, name: str) -> ContentFile:
        """The bytes as a file named `name` with the extension of the format."""
        stem = PurePath(name or "photo").stem or "photo"
        return ContentFile(self.content, name=f"{stem}.{self.extension}")


def max_pixels() -> int:
    return settings.PHOTO_MAX_PIXELS


def _read(upload, max_bytes: int) -> bytes:
    """The whole upload, never more than max_bytes + 1 bytes in memory."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise _too_large(max_bytes)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes + 1)
    if hasattr(upload, "seek"):
        upload.seek(0)
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    if not data:
        raise ValidationError(_("The photo is empty."), code="empty")
    return data


def _too_large(max_bytes: int) -> ValidationError:
    megabytes = max_bytes / (1024 * 1024)
    return ValidationError(
        _("The photo is larger than %(max)s MB.") % {"max": f"{megabytes:g}"}, code="too_large"
    )


def _not_an_image() -> ValidationError:
    return ValidationError(
        _("The file is not a photo Pillow can read: upload a JPEG, PNG or WebP image."),
        code="invalid_image",
    )


def _too_many_pixels(width: int | None = None, height: int | None = None) -> ValidationError:
    limit = f"{max_pixels() / 1_000_000:g}"
    if width and height:
        message = _(
            "The photo declares %(width)d × %(height)d pixels; at most %(limit)s megapixels are "
            "accepted."
        ) % {"width": width, "height": height, "limit": limit}
    else:
        message = _("The photo has more than %(limit)s megapixels.") % {"limit": limit}
    return ValidationError(message, code="too_many_pixels")


def _decode(data: bytes) -> Image.Image:
    """The decoded image, after the header checks (size before pixels) and Pillow's verify()."""
    limit = max_pixels()
    with warnings.catch_warnings():
        # Pillow warns (DecompressionBombWarning) between its limit and twice it: refuse instead.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format
                width, height = probe.size
                if image_format not in ACCEPTED_FORMATS:
                    raise _not_an_image()
                if width < 1 or height < 1:
                    raise _not_an_image()
                if width * height > limit:
                    raise _too_many_pixels(width, height)
                probe.verify()
            image = Image.open(io.BytesIO(data))
            if image.size != (width, height) or image.format != image_format:
                raise _not_an_image()
            image.seek(0)  # an animated image: its first frame
            image.load()
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except DECODE_ERRORS:
            raise _not_an_image() from None
    return image


def _upright(image: Image.Image) -> Image.Image:
    """The image turned by its EXIF orientation; a damaged EXIF block leaves it as it is."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # noqa: BLE001 - any EXIF parsing error: the pixels are still good
        return image


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )


def sanitise_image(upload, *, max_bytes: int) -> CleanImage:
    """Check and re-encode an uploaded photo (see the module docstring); raises ValidationError.

    `upload` is any file object (an UploadedFile, a ContentFile, a file opened from storage)."""
    data = _read(upload, max_bytes)
    image = _decode(data)
    try:
        image = _upright(image)
        if _has_alpha(image):
            image = image.convert("RGBA")
            target = "PNG"
        else:
            image = image.convert("L" if image.mode in ("1", "L") else "RGB")
            target = "JPEG"
        image.info = {}  # nothing of the original travels: no EXIF, XMP, comment or profile
        buffer = io.BytesIO()
        if target == "PNG":
            image.save(buffer, "PNG", optimize=False)
        else:
            image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    except DECODE_ERRORS:
        raise _not_an_image() from None
    return CleanImage(
        content=buffer.getvalue(), format=target, width=image.width, height=image.height
    )


def check_image(upload, *, max_bytes: int) -> None:
    """Refuse what `sanitise_image` would refuse, without re-encoding (a check before writes)."""
    data = _read(upload, max_bytes)
    _decode(data).close()


def resanitise_stored(field_file, *, max_bytes: int) -> str:
    """Re-encode a photo already in the storage (stored before this gate existed) under its own
    name (the extension follows the format: .jpg or .png). Returns the new name; raises
    ValidationError, leaving the file as it is, when it is no photo.

    The clean copy is written first under a temporary name, so a failure never loses the photo;
    names do not grow with each run."""
    storage, old_name = field_file.storage, field_file.name
    max_length = getattr(getattr(field_file, "field", None), "max_length", None)
    with storage.open(old_name, "rb") as handle:
        clean = sanitise_image(handle, max_bytes=max_bytes)
    target = str(PurePath(old_name).with_suffix(f".{clean.extension}"))
    spare = storage.save(
        str(PurePath(old_name).with_suffix(f".clean.{clean.extension}")),
        ContentFile(clean.content),
        max_length=max_length,
    )
    storage.delete(old_name)
    if storage.exists(target):  # a .png beside the .jpg being replaced: keep both apart
        target = spare
    else:
        target = storage.save(target, ContentFile(clean.content), max_length=max_length)
        storage.delete(spare)
    return target
