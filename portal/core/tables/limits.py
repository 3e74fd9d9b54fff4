"""The limits of an uploaded table, its refusals and the helpers that word them."""

import io
from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl.utils.cell import get_column_letter

#: Parts of an XLSX file: a spreadsheet export has a dozen or two.
MAX_ZIP_MEMBERS = 1000
#: A part larger than 1 MB unpacked and compressed more than this many times is a zip bomb, not a
#: spreadsheet (sheet XML compresses 5 to 30 times).
MAX_COMPRESSION_RATIO = 100
#: Cell formats (Excel itself stops at 64,000).
MAX_CELL_FORMATS = 65_000
#: Distinct texts of an XLSX file, per row allowed.
SHARED_STRINGS_PER_ROW = 10

CHUNK = 64 * 1024
_TOO_LONG = object()  # a shared string longer than max_cell_chars (refused where it is used)


@dataclass(frozen=True)
class TableLimits:
    """What an uploaded table may hold. `from_settings()` gives the portal's IMPORT_* limits."""

    max_bytes: int
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_unpacked_bytes: int

    @classmethod
    def from_settings(cls) -> "TableLimits":
        return cls(
            max_bytes=settings.IMPORT_MAX_MB * 1024 * 1024,
            max_rows=settings.IMPORT_MAX_ROWS,
            max_columns=settings.IMPORT_MAX_COLUMNS,
            max_cell_chars=settings.IMPORT_MAX_CELL_CHARS,
            max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_MB * 1024 * 1024,
        )


class TableError(Exception):
    """The file cannot be read as a table: `message` says why, `line` where (0: the file)."""

    def __init__(self, message: str, *, line: int = 0):
        super().__init__(f"line {line}: {message}" if line else message)
        self.message, self.line = message, line


def _size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        size = file.seek(0, io.SEEK_END)
        file.seek(position)
    return size


def number(value: int) -> str:
    """A count for a message, grouped the way the active language writes it (20.000, 20,000)."""
    return number_format(value, force_grouping=True)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _too_many_rows(limits: TableLimits, line: int) -> TableError:
    return TableError(
        _("The file has more than %(limit)s rows (blank rows count): split it.")
        % {"limit": number(limits.max_rows)},
        line=line,
    )


def _too_long(limits: TableLimits, line: int, column: str) -> TableError:
    return TableError(
        _("%(column)s: the cell holds more than %(limit)s characters.")
        % {"column": column, "limit": number(limits.max_cell_chars)},
        line=line,
    )


def _too_wide(limits: TableLimits, line: int) -> TableError:
    return TableError(
        _("The row has more than %(limit)s columns.") % {"limit": number(limits.max_columns)},
        line=line,
    )


def _column_name(header: list | None, index: int) -> str:
    """'notes (column L)', or 'column L' before the header is known (index from 0)."""
    letter = get_column_letter(index + 1) if index < 16384 else str(index + 1)
    label = _("column %(letter)s") % {"letter": letter}
    if header and index < len(header) and str(header[index] or "").strip():
        return f"{str(header[index]).strip()[:60]} ({label})"
    return label


def _is_blank(values) -> bool:
    return not any(v is not None and str(v).strip() for v in values)
