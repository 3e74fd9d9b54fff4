"""XLSX uploads: the zip directory checked before any XML is parsed, then the first sheet
parsed as a stream (expat, no DTD), its declared dimension ignored."""

import contextlib
import datetime
import io
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.parsers import expat

from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from .limits import (
    _TOO_LONG,
    CHUNK,
    MAX_CELL_FORMATS,
    MAX_COMPRESSION_RATIO,
    MAX_ZIP_MEMBERS,
    SHARED_STRINGS_PER_ROW,
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


def _zip_member_count(file) -> int:
    """The number of parts the zip's end record announces, read before zipfile builds its list
    of them (a 10 MB directory would be ~200,000 entries)."""
    end = file.seek(0, io.SEEK_END)
    tail_start = max(0, end - (65535 + 22))
    file.seek(tail_start)
    tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise TableError(_("The XLSX file cannot be read: it is not a zip archive."))
    count = struct.unpack("<H", tail[at + 10 : at + 12])[0]
    if count == 0xFFFF and at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07":
        offset = struct.unpack("<Q", tail[at - 12 : at - 4])[0]
        file.seek(offset)
        record = file.read(56)
        if record[:4] != b"PK\x06\x06" or len(record) < 56:
            raise TableError(_("The XLSX file cannot be read: it is not a zip archive."))
        count = struct.unpack("<Q", record[32:40])[0]
    file.seek(0)
    return count


def _open_zip(file, limits: TableLimits) -> zipfile.ZipFile:
    """The zip, once its directory shows nothing a spreadsheet export would not have."""
    if _zip_member_count(file) > MAX_ZIP_MEMBERS:
        raise TableError(
            _("The XLSX file has more than %(limit)s parts: it is not a spreadsheet export.")
            % {"limit": MAX_ZIP_MEMBERS}
        )
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise TableError(_("The XLSX file cannot be read: it is not a zip archive.")) from None
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise TableError(
            _("The XLSX file has more than %(limit)s parts: it is not a spreadsheet export.")
            % {"limit": MAX_ZIP_MEMBERS}
        )
    total = 0
    limit_mb = _mb(limits.max_unpacked_bytes)
    for member in members:
        if member.flag_bits & 0x1:
            raise TableError(_("The XLSX file is encrypted: save it without a password."))
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise TableError(
                _("%(part)s in the XLSX file uses a compression spreadsheets do not use.")
                % {"part": member.filename[:100]}
            )
        if member.file_size > limits.max_unpacked_bytes:
            raise TableError(
                _("%(part)s in the XLSX file unpacks to more than %(limit)s MB.")
                % {"part": member.filename[:100], "limit": limit_mb}
            )
        if member.file_size > 1024 * 1024 and member.file_size > MAX_COMPRESSION_RATIO * max(
            member.compress_size, 1
        ):
            raise TableError(
                _(
                    "%(part)s in the XLSX file is compressed %(ratio)s times: "
                    "it is not a spreadsheet export."
                )
                % {
                    "part": member.filename[:100],
                    "ratio": number(member.file_size // max(member.compress_size, 1)),
                }
            )
        total += member.file_size
        if total > limits.max_unpacked_bytes:
            raise TableError(
                _("The XLSX file unpacks to more than %(limit)s MB.") % {"limit": limit_mb}
            )
    return archive


def _parse_part(archive: zipfile.ZipFile, name: str, start, end=None, text=None) -> None:
    """Stream one XML part of the archive through expat with the given handlers (local element
    names, without namespace). No DTD, hence no entities."""
    try:
        source = archive.open(name)
    except KeyError:
        raise TableError(
            _("The XLSX file cannot be read: %(part)s is missing.") % {"part": name[:100]}
        ) from None
    parser = expat.ParserCreate(namespace_separator=" ")

    def refuse_dtd(*_args):
        raise TableError(
            _("The XLSX file cannot be read: %(part)s declares a DTD.") % {"part": name[:100]}
        )

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = lambda tag, attrs: start(tag.rpartition(" ")[2], attrs)
    if end is not None:
        parser.EndElementHandler = lambda tag: end(tag.rpartition(" ")[2])
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        with source:
            while chunk := source.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise TableError(
            _("The XLSX file cannot be read: %(part)s is damaged (%(error)s).")
            % {"part": name[:100], "error": error}
        ) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise TableError(
            _("The XLSX file cannot be read: %(part)s is damaged (%(error)s).")
            % {"part": name[:100], "error": error}
        ) from None


def _attr(attrs: dict, local: str):
    """An attribute by its local name, whatever its namespace (r:id, x:r ...)."""
    if local in attrs:
        return attrs[local]
    for key, value in attrs.items():
        if key.rpartition(" ")[2] == local:
            return value
    return None


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """{id: (type, target part)} of a part's relationships (missing file: none)."""
    folder, _slash, filename = part.rpartition("/")
    rels_name = f"{folder}/_rels/{filename}.rels" if folder else f"_rels/{filename}.rels"
    if rels_name not in archive.NameToInfo:
        return {}
    found: dict[str, tuple[str, str]] = {}

    def start(tag, attrs):
        if tag == "Relationship" and len(found) < MAX_ZIP_MEMBERS:
            target = attrs.get("Target", "")
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                parts = [p for p in folder.split("/") if p]
                for piece in target.split("/"):
                    if piece == "..":
                        if parts:
                            parts.pop()
                    elif piece not in ("", "."):
                        parts.append(piece)
                path = "/".join(parts)
            found[attrs.get("Id", "")] = (attrs.get("Type", ""), path)

    _parse_part(archive, rels_name, start)
    return found


@dataclass
class _Workbook:
    sheet: str
    shared_strings: str | None
    styles: str | None
    epoch: datetime.datetime


def _workbook(archive: zipfile.ZipFile) -> _Workbook:
    """Where the first worksheet, the shared strings and the styles are, and the date system."""
    workbook = next(
        (
            target
            for kind, target in _relationships(archive, "").values()
            if kind.endswith("/officeDocument")
        ),
        "xl/workbook.xml",
    )
    rels = _relationships(archive, workbook)
    state = {"epoch": CALENDAR_WINDOWS_1900, "sheet": None}

    def start(tag, attrs):
        if tag == "workbookPr" and attrs.get("date1904") in ("1", "true"):
            state["epoch"] = CALENDAR_MAC_1904
        elif tag == "sheet" and state["sheet"] is None:
            kind, target = rels.get(_attr(attrs, "id") or "", ("", ""))
            if kind.endswith("/worksheet"):  # a chart sheet first: the first worksheet counts
                state["sheet"] = target

    _parse_part(archive, workbook, start)
    if state["sheet"] is None:
        raise TableError(_("The XLSX file has no worksheet."))

    def related(suffix):
        return next((t for kind, t in rels.values() if kind.endswith(suffix)), None)

    return _Workbook(
        sheet=state["sheet"],
        shared_strings=related("/sharedStrings"),
        styles=related("/styles"),
        epoch=state["epoch"],
    )


def _date_styles(archive: zipfile.ZipFile, part: str | None) -> set[int]:
    """Indexes of the cell formats that show a number as a date or time."""
    if part is None or part not in archive.NameToInfo:
        return set()
    custom: dict[int, str] = {}
    formats: list[int] = []
    where = {"cellXfs": False}

    def start(tag, attrs):
        if tag == "numFmt" and len(custom) < MAX_CELL_FORMATS:
            with contextlib.suppress(ValueError):
                custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")[:255]
        elif tag == "cellXfs":
            where["cellXfs"] = True
        elif tag == "xf" and where["cellXfs"]:
            if len(formats) >= MAX_CELL_FORMATS:
                raise TableError(
                    _("The XLSX file has more than %(limit)s cell formats.")
                    % {"limit": number(MAX_CELL_FORMATS)}
                )
            try:
                formats.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                formats.append(0)

    def end(tag):
        if tag == "cellXfs":
            where["cellXfs"] = False

    _parse_part(archive, part, start, end)
    dates = set()
    for index, format_id in enumerate(formats):
        code = custom.get(format_id) or BUILTIN_FORMATS.get(format_id)
        if code and is_date_format(code):
            dates.add(index)
    return dates


def _shared_strings(archive, part: str | None, limits: TableLimits) -> list:
    """The shared texts; one longer than max_cell_chars is kept as a marker, refused where a
    cell uses it (so the error names its row and column)."""
    if part is None or part not in archive.NameToInfo:
        return []
    strings: list = []
    limit = limits.max_rows * SHARED_STRINGS_PER_ROW
    state = {"depth": 0, "in_t": False, "phonetic": 0, "size": 0, "pieces": []}

    def start(tag, attrs):
        if tag == "si":
            if len(strings) >= limit:
                raise TableError(
                    _("The XLSX file holds more than %(limit)s different texts.")
                    % {"limit": number(limit)}
                )
            state.update(depth=1, size=0, pieces=[], phonetic=0)
        elif tag == "rPh":
            state["phonetic"] += 1
        elif tag == "t" and state["depth"] and not state["phonetic"]:
            state["in_t"] = True

    def end(tag):
        if tag == "si":
            size = state["size"]
            strings.append(_TOO_LONG if size > limits.max_cell_chars else "".join(state["pieces"]))
            state.update(depth=0, pieces=[])
        elif tag == "rPh":
            state["phonetic"] -= 1
        elif tag == "t":
            state["in_t"] = False

    def text(data):
        if state["in_t"]:
            state["size"] += len(data)
            if state["size"] <= limits.max_cell_chars:
                state["pieces"].append(data)

    _parse_part(archive, part, start, end, text)
    return strings


class _SheetReader:
    """Turns the expat events of a worksheet into rows; complete rows wait in `ready`."""

    def __init__(self, limits, strings, date_styles, epoch):
        self.limits, self.strings = limits, strings
        self.date_styles, self.epoch = date_styles, epoch
        self.ready: list[tuple[int, list]] = []
        self.header: list | None = None
        self.row_number = 0
        self.cells: dict[int, object] = {}
        self.column = -1
        self.cell = None  # (type, style) of the open cell
        self.text_size = 0
        self.pieces: list[str] = []
        self.collect = False
        self.phonetic = 0

    def start(self, tag, attrs):
        if tag == "c":
            reference = attrs.get("r")
            self.column = _column_index(reference) if reference else self.column + 1
            if self.column is None:
                raise TableError(
                    _("The XLSX file cannot be read: “%(reference)s” is not a cell.")
                    % {"reference": reference[:20]},
                    line=self.row_number,
                )
            self.cell = (attrs.get("t", "n"), attrs.get("s"))
            self.text_size, self.pieces, self.phonetic = 0, [], 0
        elif tag == "row":
            try:
                self.row_number = int(attrs["r"]) if "r" in attrs else self.row_number + 1
            except ValueError:
                raise TableError(
                    _("The XLSX file cannot be read: a row has no valid number.")
                ) from None
            self.cells, self.column = {}, -1
        elif tag in ("v", "t") and self.cell is not None and not self.phonetic:
            self.collect = True
        elif tag == "rPh":
            self.phonetic += 1

    def text(self, data):
        if self.collect:
            self.text_size += len(data)
            if self.text_size > self.limits.max_cell_chars:
                raise _too_long(
                    self.limits, self.row_number, _column_name(self.header, self.column)
                )
            self.pieces.append(data)

    def end(self, tag):
        if tag in ("v", "t"):
            self.collect = False
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "c" and self.cell is not None:
            value = self._value("".join(self.pieces))
            self.cell = None
            if value is None or value == "":
                return
            if self.row_number > self.limits.max_rows:
                raise _too_many_rows(self.limits, self.row_number)
            if self.column >= self.limits.max_columns:
                raise _too_wide(self.limits, self.row_number)
            if self.header is None or self.column < len(self.header):
                self.cells[self.column] = value  # cells right of the header are not read
        elif tag == "row":
            self._row_done()

    def _value(self, raw: str):
        kind, style = self.cell
        if kind == "s":
            try:
                value = self.strings[int(raw)]
            except (ValueError, IndexError):
                raise TableError(
                    _("The XLSX file cannot be read: %(column)s refers to a missing text.")
                    % {"column": _column_name(self.header, self.column)},
                    line=self.row_number,
                ) from None
            if value is _TOO_LONG:
                raise _too_long(
                    self.limits, self.row_number, _column_name(self.header, self.column)
                )
            return value
        if kind in ("inlineStr", "str", "e"):
            return raw
        if not raw:
            return None
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            try:
                return datetime.datetime.fromisoformat(raw.strip())
            except ValueError:
                return raw
        try:
            number = float(raw) if any(c in raw for c in ".eE") else int(raw)
        except ValueError:
            return raw
        if style is not None and style.isdigit() and int(style) in self.date_styles:
            try:
                return from_excel(number, self.epoch)
            except (ValueError, OverflowError, TypeError):
                return number
        return number

    def _row_done(self):
        cells, self.cells = self.cells, {}
        if _is_blank(cells.values()):
            return
        if self.row_number > self.limits.max_rows:
            raise _too_many_rows(self.limits, self.row_number)
        values = [None] * (max(cells) + 1)
        for index, value in cells.items():
            values[index] = value
        if self.header is None:
            self.header = values
        self.ready.append((self.row_number, values))


_CELL_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?\d+")


def _column_index(reference: str) -> int | None:
    """Index from 0 of the column of a cell reference ("AB12" → 27)."""
    match = _CELL_REFERENCE.fullmatch(reference)
    if match is None:
        return None
    index = 0
    for letter in match.group(1).upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def _read_xlsx(file, limits: TableLimits) -> Iterator[tuple[int, list]]:
    archive = _open_zip(file, limits)
    return _xlsx_rows(archive, limits)


def _xlsx_rows(archive: zipfile.ZipFile, limits: TableLimits) -> Iterator[tuple[int, list]]:
    with archive:
        book = _workbook(archive)
        reader = _SheetReader(
            limits,
            _shared_strings(archive, book.shared_strings, limits),
            _date_styles(archive, book.styles),
            book.epoch,
        )
        try:
            source = archive.open(book.sheet)
        except KeyError:
            raise TableError(
                _("The XLSX file cannot be read: %(part)s is missing.") % {"part": book.sheet}
            ) from None
        parser = expat.ParserCreate(namespace_separator=" ")

        def refuse_dtd(*_args):
            raise TableError(_("The XLSX file cannot be read: the sheet declares a DTD."))

        parser.StartDoctypeDeclHandler = refuse_dtd
        parser.EntityDeclHandler = refuse_dtd
        parser.StartElementHandler = lambda tag, attrs: reader.start(tag.rpartition(" ")[2], attrs)
        parser.EndElementHandler = lambda tag: reader.end(tag.rpartition(" ")[2])
        parser.CharacterDataHandler = reader.text
        with source:
            final = False
            while not final:
                try:
                    chunk = source.read(CHUNK)
                    final = not chunk
                    parser.Parse(chunk, final)
                except expat.ExpatError as error:
                    raise TableError(
                        _("The XLSX file cannot be read: the sheet is damaged (%(error)s).")
                        % {"error": error},
                        line=reader.row_number,
                    ) from None
                except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
                    raise TableError(
                        _("The XLSX file cannot be read: the sheet is damaged (%(error)s).")
                        % {"error": error}
                    ) from None
                rows, reader.ready = reader.ready, []
                yield from rows
