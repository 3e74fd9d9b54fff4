"""Hostile uploads, generated in seconds (the tests and bench/hostile_uploads.py use them).

Each writes a file to `path` and returns it. The XLSX files are zips written part by part with
zipfile, streaming, so a 300 MB string or a million rows never sit in this process's memory.
"""

import zipfile
from pathlib import Path

SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

_OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_OFFICE}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_OFFICE}.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_REL_NS}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{SPREADSHEET_NS}" '
    f'xmlns:r="{REL_NS}"><sheets><sheet name="survei" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_REL_NS}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
HEADER = ["village_code", "observed_at", "_gps_latitude", "_gps_longitude", "place_type"]


def _header_row() -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for i, name in enumerate(HEADER)
    )
    return f'<row r="1">{cells}</row>'


def _sheet_start(dimension: str = "A1:E2") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{SPREADSHEET_NS}">'
        f'<dimension ref="{dimension}"/><sheetData>'
    )


SHEET_END = "</sheetData></worksheet>"


def _xlsx(path: Path, sheet_parts, shared_strings_parts=None) -> Path:
    """An XLSX file whose sheet (and shared strings) are written from iterables of text pieces,
    compressed as they are produced."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, parts in (
            ("xl/worksheets/sheet1.xml", sheet_parts),
            ("xl/sharedStrings.xml", shared_strings_parts),
        ):
            if parts is None:
                continue
            with archive.open(name, "w", force_zip64=True) as member:
                buffer = []
                size = 0
                for piece in parts:
                    buffer.append(piece)
                    size += len(piece)
                    if size > 1 << 20:
                        member.write("".join(buffer).encode())
                        buffer, size = [], 0
                member.write("".join(buffer).encode())
    return path


def xlsx_declared_huge(path: Path) -> Path:
    """~5 kB, written by openpyxl (as Excel would read it): a header, and one cell at XFD1048576,
    so the sheet declares the dimension A1:XFD1048576."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet["XFD1048576"] = "x"
    book.save(path)
    return path


def xlsx_huge_string(path: Path, megabytes: int = 300) -> Path:
    """~300 kB: one shared string of `megabytes` MB, used by the cell below the header."""

    def strings():
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{SPREADSHEET_NS}" count="1" '
        yield 'uniqueCount="1"><si><t>'
        chunk = "a" * (1 << 20)
        for _ in range(megabytes):
            yield chunk
        yield "</t></si></sst>"

    return _xlsx(
        path,
        [_sheet_start(), _header_row(), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>', SHEET_END],
        strings(),
    )


def xlsx_million_rows(path: Path, rows: int = 1_000_000) -> Path:
    """~7 MB (~40 MB unpacked): a header and `rows` rows, each one cell with a shared text."""

    def sheet():
        yield _sheet_start(f"A1:E{rows + 1}")
        yield _header_row()
        for number in range(2, rows + 2):
            yield f'<row r="{number}"><c r="A{number}" t="s"><v>0</v></c></row>'
        yield SHEET_END

    strings = [
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{SPREADSHEET_NS}">',
        "<si><t>17.01.01.2001</t></si></sst>",
    ]
    return _xlsx(path, sheet(), strings)


def csv_blank_lines(path: Path, megabytes: int = 10) -> Path:
    """A header and blank lines: one byte short of `megabytes` MB (the largest file allowed)."""
    header = (",".join(HEADER) + "\n").encode()
    with open(path, "wb") as file:
        file.write(header)
        left = megabytes * (1 << 20) - 1 - len(header)
        while left > 0:
            file.write(b"\n" * min(left, 1 << 20))
            left -= 1 << 20
    return path


HOSTILE = {
    "declared-A1-XFD1048576.xlsx": xlsx_declared_huge,
    "blank-lines-10MB.csv": csv_blank_lines,
    "shared-string-300MB.xlsx": xlsx_huge_string,
    "million-rows.xlsx": xlsx_million_rows,
}


# --- The largest files the limits accept (for the memory figures of bench/hostile_uploads.py) ---

_WORDS = [
    "sinyal",
    "desa",
    "balai",
    "menara",
    "kantor",
    "jalan",
    "warung",
    "kopi",
    "pasar",
    "sekolah",
    "masjid",
    "sawah",
    "kebun",
    "sungai",
    "bukit",
    "pantai",
]


def _column(index: int) -> str:
    from openpyxl.utils.cell import get_column_letter

    return get_column_letter(index + 1)


def _text(random, row: int, column: int, chars: int) -> str:
    words = " ".join(random.choice(_WORDS) for _ in range(chars // 5))
    return f"r{row}c{column} {words}"[:chars]


def xlsx_largest_inline(path: Path, columns, rows: int = 5000, chars: int = 210) -> Path:
    """A header of `columns` and `rows` rows whose every cell is a distinct inline text of
    `chars` characters: ~48 MB unpacked (under the 50 MB limit), ~7 MB packed (under 10 MB)."""
    import random as _random

    random = _random.Random(1)

    def sheet():
        yield _sheet_start()
        yield (
            "<row r='1'>"
            + "".join(
                f'<c r="{_column(i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
                for i, name in enumerate(columns)
            )
            + "</row>"
        )
        for row in range(2, rows + 2):
            yield (
                f"<row r='{row}'>"
                + "".join(
                    f'<c r="{_column(i)}{row}" t="inlineStr"><is><t>'
                    f"{_text(random, row, i, chars)}</t></is></c>"
                    for i in range(len(columns))
                )
                + "</row>"
            )
        yield SHEET_END

    return _xlsx(path, sheet())


def xlsx_most_shared_strings(path: Path, columns, strings: int = 200_000, chars: int = 200):
    """`strings` distinct shared texts of `chars` characters (the most the limits accept for
    20,000 rows), 5,000 rows using them."""
    import random as _random

    random = _random.Random(2)

    def table():
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{SPREADSHEET_NS}">'
        for number in range(strings):
            yield f"<si><t>{_text(random, number, 0, chars)}</t></si>"
        yield "</sst>"

    def sheet():
        yield _sheet_start()
        yield (
            "<row r='1'>"
            + "".join(
                f'<c r="{_column(i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
                for i, name in enumerate(columns)
            )
            + "</row>"
        )
        for row in range(2, 5002):
            yield (
                f"<row r='{row}'>"
                + "".join(
                    f'<c r="{_column(i)}{row}" t="s"><v>{(row * 37 + i) % strings}</v></c>'
                    for i in range(len(columns))
                )
                + "</row>"
            )
        yield SHEET_END

    return _xlsx(path, sheet(), table())
