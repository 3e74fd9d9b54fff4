"""Reading input files: UTF-8 text (BOM dropped) and CSV rows with their line numbers."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

from .problems import Problems


def without_bom(raw: bytes) -> bytes:
    """The bytes of a file without the UTF-8 byte order mark Excel and Notepad write first."""
    return raw[len(codecs.BOM_UTF8) :] if raw.startswith(codecs.BOM_UTF8) else raw


def decode(raw: bytes, *, path: Path, problems: Problems) -> str:
    """The text of a file's bytes as UTF-8, a leading BOM dropped.

    Bytes that are not UTF-8 are reported with the line they are on (decoding the whole file at
    once only tells a byte offset, so the bad lines are then found one by one) and replaced, so
    that reading can go on and report further problems.
    """
    raw = without_bom(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.add(
                path=path,
                line=number,
                message=(
                    f"bytes that are not UTF-8 (byte 0x{line[exc.start]:02X} at column "
                    f"{exc.start + 1}); save the file as UTF-8"
                ),
            )
    return raw.decode("utf-8", "replace")


def read_csv(
    path: Path, *, columns: Sequence[str], problems: Problems
) -> Iterator[tuple[int, list[str]]]:
    """Yield `(line, values)` for each data row of the CSV file `path`.

    `values` holds the cells of `columns`, in that order, whatever the file's column order; extra
    columns are ignored. `line` is the row's first line as a human counts it (the header is line
    1). Files saved by Excel (UTF-8 with a BOM, CRLF line ends) read like any other; blank lines
    are skipped. A missing file or column, a row with the wrong number of cells or bytes that are
    not UTF-8 are recorded in `problems`.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.add(path=path, message=f"file not found ({path})")
        return
    except OSError as exc:
        problems.add(path=path, message=f"cannot read the file ({exc.strerror})")
        return
    reader = csv.reader(io.StringIO(decode(raw, path=path, problems=problems), newline=""))
    del raw
    try:
        header = next(reader)
    except StopIteration:
        problems.add(path=path, line=1, message="the file is empty (no header line)")
        return
    except csv.Error as exc:
        problems.add(path=path, line=1, message=f"unreadable CSV ({exc})")
        return
    header = [cell.strip() for cell in header]
    missing = [column for column in columns if column not in header]
    if missing:
        for column in missing:
            problems.add(
                path=path,
                line=1,
                message=f"missing column '{column}' (the header has: {', '.join(header)})",
            )
        return
    indexes = [header.index(column) for column in columns]
    as_is = indexes == list(range(len(header)))
    width = len(header)
    line = reader.line_num + 1
    try:
        for row in reader:
            if len(row) == width:
                yield line, (row if as_is else [row[index] for index in indexes])
            elif row and (len(row) > 1 or row[0].strip()):  # blank lines are skipped
                problems.add(
                    path=path,
                    line=line,
                    message=(
                        f"expected {width} values ({', '.join(header)}), found {len(row)}"
                        + (" (quote a name that contains a comma)" if len(row) > width else "")
                    ),
                )
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.add(path=path, line=line, message=f"unreadable CSV ({exc})")
