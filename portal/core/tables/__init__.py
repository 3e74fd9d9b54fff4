"""Uploaded tables (CSV and XLSX) read in bounded memory and time, whatever the file says.

`read_table(name, file, limits=...)` yields `(row number, [cell values])` for every non-blank
row, the header first, while it streams the file: it never holds more than one row of it (and,
for an XLSX file, its shared strings, each at most `max_cell_chars` long). Bytes, rows, columns
and characters per cell are counted as they are read, and nothing a file declares about itself
is trusted:

- CSV (UTF-8, comma or semicolon): decoded as it is read; at most `max_bytes`; at most
  `max_rows` lines, blank lines included; a line or a cell longer than the limits stops it.
- XLSX: before any XML is parsed, the zip directory is checked (at most `MAX_ZIP_MEMBERS`
  parts, only "stored" or "deflate" compression, no encryption, each part and all of them at
  most `max_unpacked_bytes` unpacked, no part compressed more than `MAX_COMPRESSION_RATIO`
  times). Then the first worksheet is parsed as a stream (expat, no DTD): its `dimension` is
  ignored and missing rows are never materialised, a value in a row beyond `max_rows` stops it
  at once (a sheet with one cell at row 1,048,576 is refused after one row, not a million).

Every refusal is a `TableError` whose message says what and where (row, column, part of the
file); the caller turns it into a 400 with nothing written.
"""

import io
from collections.abc import Iterator

from django.utils.translation import gettext as _

from .csvfile import _read_csv
from .limits import TableError, TableLimits, _mb, _size, number
from .xlsxfile import _read_xlsx

__all__ = ["TableError", "TableLimits", "number", "read_table"]


def read_table(name: str, file, *, limits: TableLimits | None = None) -> Iterator[tuple[int, list]]:
    """(row number, cell values) of each non-blank row of a .csv or .xlsx upload, header first.

    `file` is a binary file object (an UploadedFile, an open file, BytesIO) or bytes. CSV cells
    are text; XLSX cells are what the sheet stores: text, int, float, bool or datetime (a number
    in a date format), None when empty.
    """
    limits = limits or TableLimits.from_settings()
    if isinstance(file, bytes | bytearray):
        file = io.BytesIO(file)
    size = _size(file)
    if size > limits.max_bytes:
        raise TableError(
            _("The file is larger than %(limit)s MB.") % {"limit": _mb(limits.max_bytes)}
        )
    lower = name.lower()
    if lower.endswith(".xlsx"):
        return _read_xlsx(file, limits)
    if lower.endswith(".csv"):
        return _read_csv(file, limits)
    raise TableError(_("Upload a .csv or .xlsx file."))
