"""CSV uploads read as a stream: decoded as read, bytes, lines and cells counted."""

import csv
import io
import re
from collections.abc import Iterator

from django.utils.translation import gettext as _

from .limits import (
    CHUNK,
    TableError,
    TableLimits,
    _column_name,
    _is_blank,
    _mb,
    _too_long,
    _too_many_rows,
    _too_wide,
    number,
)


class _CountingReader(io.RawIOBase):
    """A binary stream that refuses to yield more than `limit` bytes."""

    def __init__(self, file, limit: int):
        self.file, self.limit, self.count = file, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.file.read(min(len(buffer), CHUNK))
        self.count += len(data)
        if self.count > self.limit:
            raise TableError(
                _("The file is larger than %(limit)s MB.") % {"limit": _mb(self.limit)}
            )
        buffer[: len(data)] = data
        return len(data)


def _read_csv(file, limits: TableLimits) -> Iterator[tuple[int, list]]:
    file.seek(0)
    text = io.TextIOWrapper(
        io.BufferedReader(_CountingReader(file, limits.max_bytes), CHUNK),
        encoding="utf-8-sig",
        errors="surrogateescape",  # bytes that are not UTF-8: refused below, with their line
        newline="",
    )
    max_line = limits.max_columns * (limits.max_cell_chars + 3) + 2
    state = {"line": 0, "given": 0}  # lines read; lines handed to the csv reader

    def lines() -> Iterator[str]:
        while True:
            line_number = state["line"] + 1
            line = text.readline(max_line + 1)
            if not line:
                return
            state["line"] = line_number
            if line_number > limits.max_rows:
                raise _too_many_rows(limits, line_number)
            if len(line) > max_line:
                raise TableError(
                    _("The line is longer than %(limit)s characters.")
                    % {"limit": number(max_line)},
                    line=line_number,
                )
            if _NOT_UTF8.search(line):
                raise TableError(_("The CSV file is not UTF-8 text."), line=line_number)
            yield line

    source = lines()
    first = next(source, "")
    delimiter = ";" if first.count(";") > first.count(",") else ","

    def given() -> Iterator[str]:
        for line in _chain(first, source):
            state["given"] += 1
            yield line

    reader = csv.reader(given(), delimiter=delimiter)
    header = None
    while True:
        start = state["given"] + 1  # a quoted cell may span lines: report where the row starts
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise TableError(
                _("The CSV file cannot be read: %(error)s.") % {"error": error}, line=start
            ) from None
        if len(row) > limits.max_columns:
            raise _too_wide(limits, start)
        for index, cell in enumerate(row):
            if len(cell) > limits.max_cell_chars:
                raise _too_long(limits, start, _column_name(header, index))
        if _is_blank(row):
            continue
        if header is None:
            header = row
        yield start, row


_NOT_UTF8 = re.compile("[\udc80-\udcff]")


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest
