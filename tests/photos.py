"""Photos for the upload tests: a phone photo with EXIF GPS, and two hostile files (a PNG that
declares 50000 × 50000 pixels, an HTML page behind a JPEG signature). Built here with Pillow and
zlib, so each test shows what it sends."""

import io
import struct
import zlib

from PIL import Image

#: Where the test photo says it was taken: 3°47'30"S 102°15'10"E (Kota Bengkulu).
GPS = {1: "S", 2: (3.0, 47.0, 30.0), 3: "E", 4: (102.0, 15.0, 10.0)}
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_gps(size=(64, 48), orientation=6) -> bytes:
    """A JPEG with EXIF: GPS position, camera model, and an orientation (6: turn 90° right)."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x0110] = "Phone X1"  # Model
    exif[GPS_IFD] = GPS
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(buffer, "JPEG", exif=exif.tobytes())
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the GPS is really there
    return data


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_declaring(width=50000, height=50000) -> bytes:
    """A tiny PNG file whose header declares `width` × `height` RGB pixels (a decompression
    bomb: 7.5 GB once decoded)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + _chunk(b"IEND", b"")
    )


def html_with_jpeg_signature() -> bytes:
    """An HTML page that starts with the bytes of a JPEG (what a first-bytes check accepts)."""
    return b"\xff\xd8\xff\xe0<html><body><script>alert(document.cookie)</script></body></html>"


def metadata_of(data: bytes) -> dict:
    """What a stored file still says about itself: format, size, EXIF tags, GPS, info keys."""
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    return {
        "format": image.format,
        "size": image.size,
        "exif": dict(exif),
        "gps": dict(exif.get_ifd(GPS_IFD)),
        "info": set(image.info) - {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi"},
        "has_exif_marker": b"Exif\x00\x00" in data,
    }
