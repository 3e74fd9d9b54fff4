"""Every list's CSV and XLSX export, streamed: one mechanism for all of them.

An app declares its export as a list of `Column`s (header and how to read a cell from a row) and
a queryset of plain rows (`.values()`): no model instance, no GEOS object and no `gettext` call
per row (headers, choice labels and yes/no are translated once per export). `export_response`
reads the rows with a server-side cursor (`QuerySet.iterator(chunk_size=...)`) and writes them as
they come:

- CSV: UTF-8 with a BOM (Excel), a chunk of rows at a time;
- XLSX: one worksheet written row by row as inline strings into a zip streamed by `stream-zip`
  (the workbook is never in memory or on disk, so memory stays flat and the first bytes leave
  at once, whatever the number of rows).

Text starting with = + - @ (or a tab/carriage return) is prefixed with a quote, so a spreadsheet
never runs it as a formula. The views that call this go through the same scope and permission as
their list (`portal.core.scopes`), and the columns leave out what docs/data-protection.md keeps
from the reader's role.
"""

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from django.db.models import F, FloatField, Func
from django.db.models.functions import Round
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from stream_zip import ZIP_32, stream_zip

CHUNK_ROWS = 2000
FORMATS = ("csv", "xlsx")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Column:
    """One column of an export: its header and the cell of a row (a dict from `.values()`).
    `value` is a key of the row or a function of the row; `choices` turns a stored value into
    its label (translated once per export)."""

    header: str
    value: str | Callable[[dict], object]
    choices: object = None  # a TextChoices class, or a {value: label} dict

    def reader(self) -> Callable[[dict], object]:
        get = self.value if callable(self.value) else _getter(self.value)
        if self.choices is None:
            return get
        labels = {
            key: str(label)
            for key, label in (
                self.choices.choices if hasattr(self.choices, "choices") else self.choices.items()
            )
        }
        return lambda row: labels.get(get(row), get(row))


def latitude(field: str):
    """A point's latitude read in SQL (no GEOS object per row), 6 decimals (about 0.1 m)."""
    return Round(
        Func(F(field), template="ST_Y(%(expressions)s::geometry)", output_field=FloatField()), 6
    )


def longitude(field: str):
    return Round(
        Func(F(field), template="ST_X(%(expressions)s::geometry)", output_field=FloatField()), 6
    )


def _getter(key: str) -> Callable[[dict], object]:
    return lambda row: row[key]


def cells(rows: Iterable[dict], columns: list[Column]) -> Iterator[list]:
    """Each row's cells as spreadsheet values: text, numbers, local dates; None as empty."""
    readers = [column.reader() for column in columns]
    yes, no = gettext("yes"), gettext("no")
    for row in rows:
        out = []
        for read in readers:
            value = read(row)
            if value is None:
                value = ""
            elif value is True:
                value = yes
            elif value is False:
                value = no
            elif isinstance(value, datetime.datetime):
                value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, str) and value.startswith(_FORMULA_START):
                value = "'" + value
            out.append(value)
        yield out


def export_response(
    *, fmt: str, filename: str, sheet: str, columns: list[Column], queryset
) -> StreamingHttpResponse:
    """The rows of `queryset` (a `.values()` queryset, already scoped and filtered; or a short
    list of dicts computed in Python, such as the live milestones) as a streamed CSV or XLSX
    download named `filename`.<fmt>."""
    if fmt not in FORMATS:
        raise Http404
    headers = [str(column.header) for column in columns]
    source = queryset.iterator(chunk_size=CHUNK_ROWS) if hasattr(queryset, "iterator") else queryset
    rows = cells(source, columns)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = StreamingHttpResponse(
            _csv(headers, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(_xlsx(headers, rows, sheet), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Accel-Buffering"] = "no"  # a proxy passes the stream on as it comes
    return response


def _csv(headers: list[str], rows: Iterator[list]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # Excel reads UTF-8 with a BOM
    writer.writerow(headers)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % 500 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


# --- XLSX, written as it goes ---------------------------------------------------------------------


def _column_letters(n: int) -> list[str]:
    letters = []
    for index in range(1, n + 1):
        name = ""
        while index:
            index, rest = divmod(index - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _cell(ref: str, value) -> str:
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float | Decimal):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = escape(_XML_ILLEGAL.sub("", str(value)))[:32767]
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _sheet(headers: list[str], rows: Iterator[list]) -> Iterator[bytes]:
    letters = _column_letters(len(headers))
    yield (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        b'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>'
    )
    chunk = []
    for number, row in enumerate(_with_header(headers, rows), start=1):
        chunk.append(
            f'<row r="{number}">'
            + "".join(
                _cell(f"{letter}{number}", v) for letter, v in zip(letters, row, strict=False)
            )
            + "</row>"
        )
        if len(chunk) == 500:
            yield "".join(chunk).encode()
            chunk = []
    yield ("".join(chunk) + "</sheetData></worksheet>").encode()


def _with_header(headers, rows):
    yield headers
    yield from rows


def _xlsx(headers: list[str], rows: Iterator[list], sheet: str) -> Iterator[bytes]:
    title = escape(re.sub(r"[\[\]:*?/\\]", " ", sheet)[:31] or "Data", {'"': "&quot;"})
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
    }
    now = datetime.datetime.now()
    members = [(name, now, 0o600, ZIP_32, (text.encode(),)) for name, text in parts.items()]
    members.append(("xl/worksheets/sheet1.xml", now, 0o600, ZIP_32, _sheet(headers, rows)))
    yield from stream_zip(members)
