"""Read one worksheet of an .xlsx workbook as (row number, cells), as ``table`` reads a CSV.

CRMs (HubSpot, Salesforce reports, Pipedrive, Zoho, Odoo) export .xlsx, often by
default. A sheet is read the way ``table`` reads a CSV file, so every layout, mapping
and check after it is the same:

Streaming   the sheet's XML is parsed row by row from the zip archive, in constant
            memory, by openpyxl's own sheet parser (the one its read-only mode uses).
            Only the rows the file holds are read: the sheet's recorded size (its
            ``dimension``) is not trusted, since it is often wrong (``A1:XFD1048576``)
            and read-only mode would then hand out a million empty rows after the data.
Numbers     each row carries the row number Excel shows (title and blank rows above the
            header count), so messages and the error report name the row to look at.
Header      the first row with two non-empty cells, within the first ``_HEADER_SEARCH``
            rows: a Salesforce report writes its title and filters above the header, one
            cell a row. A sheet without such a row (one column) takes its first non-blank
            row. An empty header cell (the rest of a merged one) is no header, as in a CSV.
Cells       typed by Excel, written as the text the layouts read (``cell_text``): a date
            in ISO 8601 (no day/month order to guess), a whole number without ".0",
            TRUE/FALSE for a boolean.
Formulas    read by the value Excel saved with them (``data_only``). A formula without
            one (a file written by a program that does not calculate) or an Excel error
            (``#N/A``) makes its row bad: the row gets one more cell after the header's
            last column, an ``UnreadableCell``, and ``table.overflow``, which every
            importer asks about a row wider than its header, gives its reason. So no
            importer needs to know about workbooks.
Footer      as in a CSV (``table.Footer``): a Salesforce report's copyright line ends the
            rows, and so does its "Grand Total" row (which only its .xlsx export writes).
Sheets      the one ``--sheet`` names, else the first a spreadsheet shows: hidden and
            very hidden sheets (lookup lists, templates) are skipped.
Refused     an .xls (Excel 97-2003), an .ods, a password-protected .xlsx (an encrypted
            OLE2 file, not a zip) and a damaged one, each in one line saying what to do.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator, Set
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import coordinate_to_tuple, get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import WorkSheetParser

from leadflow.ingest.table import Footer, TableDialect, TableError

__all__ = ["SheetTable", "UnreadableCell", "cell_text", "open_sheet", "workbook_kind"]

# How far down a title and filter lines may push the header (Salesforce writes a few).
_HEADER_SEARCH = 30
# Beyond 2**53 a float no longer holds every whole number: such a value is no id.
_EXACT = 2**53
_GRAND_TOTAL = re.compile(r"grand totals?\b", re.IGNORECASE)
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_FORMULA, _INLINE, _TEXT, _RUN = _MAIN + "f", _MAIN + "is", _MAIN + "t", _MAIN + "r"
_ZIP = b"PK\x03\x04"
# A sheet's state in workbook.xml; absent means visible.
_SHOWN = (None, "visible")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A password-protected .xlsx is an OLE2 file holding this stream (its name is UTF-16).
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_CHUNK = 1 << 20
_SAVE = 'save it as .xlsx ("Excel Workbook") or as "CSV UTF-8" and import that'
_DAMAGE = (
    zipfile.BadZipFile, zlib.error, ParseError, KeyError, IndexError, EOFError, InvalidFileException
)  # fmt: skip

Parsed = Iterator[tuple[int, list[dict[str, Any]]]]


class UnreadableCell(str):
    """An empty cell after a row's last column that says why the row cannot be read."""

    reason: str

    def __new__(cls, reason: str) -> UnreadableCell:
        cell = super().__new__(cls, "")
        cell.reason = reason
        return cell

    def __reduce__(self) -> tuple[type[UnreadableCell], tuple[str]]:
        return UnreadableCell, (self.reason,)  # through the validating process's pipe


def cell_text(value: object) -> str:
    """A typed cell as text, in the forms the layouts read."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # A zip code, an id or a phone typed as a number is whole: never "4989123456.0".
        if value.is_integer() and abs(value) < _EXACT:
            return str(int(value))
        return f"{value:.15g}"  # the 15 digits Excel shows: 0.1 + 0.2 is "0.3"
    if isinstance(value, datetime):
        # No offset: the layout's time zone applies, as to a CSV's text.
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time | timedelta):
        return str(value)
    return str(value)


def workbook_kind(path: Path) -> bool:
    """True for an .xlsx workbook, False for any other file (a CSV, or binary the CSV
    reader refuses); TableError for a workbook leadflow cannot read, saying what to do."""
    with path.open("rb") as stream:
        head = stream.read(len(_OLE2))
        if head.startswith(_ZIP):
            return _zip_kind(path)
        if head == _OLE2:
            stream.seek(0)
            raise TableError(f"{path}: {_ole2_kind(stream)}")
    return False


def _zip_kind(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return True
            if "mimetype" in names and b"spreadsheet" in archive.read("mimetype"):
                raise TableError(
                    f"{path}: an OpenDocument spreadsheet (.ods), which leadflow does not "
                    f"read; {_SAVE}"
                )
    except _DAMAGE as error:
        raise _damaged(path, error) from None
    raise TableError(f"{path}: a zip archive, not an .xlsx workbook or a CSV file")


def _ole2_kind(stream: IO[bytes]) -> str:
    """Why an OLE2 compound file is refused: an encrypted .xlsx, or an .xls."""
    tail = b""
    while chunk := stream.read(_CHUNK):
        if _ENCRYPTED in tail + chunk:
            return (
                "a password-protected workbook, which leadflow cannot open; remove the "
                f"password in Excel (File > Info > Protect Workbook) and {_SAVE}"
            )
        tail = chunk[-len(_ENCRYPTED) :]
    return f"an Excel 97-2003 workbook (.xls), which leadflow does not read; {_SAVE}"


def _damaged(path: Path, error: BaseException) -> TableError:
    detail = str(error) or type(error).__name__
    return TableError(f"{path}: the workbook cannot be read ({detail}); open it in the "
                      f"spreadsheet and {_SAVE}")  # fmt: skip


class _Counting:
    """The sheet's XML stream, counting the bytes the parser took (for progress)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.consumed = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self.consumed += len(data)
        return data


@dataclass
class SheetTable:
    """An open worksheet with the face of ``table.Table``: header, rows, progress."""

    path: Path
    sheet: str
    header: list[str]
    header_line: int
    size: int  # the file's, as for a CSV (progress bars, the second process's threshold)
    _xml_size: int  # the sheet's XML, uncompressed: what the parser reads
    _parsed: Parsed
    _counter: _Counting
    _early: list[tuple[int, list[str]]]  # rows read while looking for the header

    @property
    def bytes_read(self) -> int:
        """The share of the sheet read, in bytes of the file (which is compressed)."""
        return self._counter.consumed * self.size // max(self._xml_size, 1)

    @property
    def dialect(self) -> TableDialect:
        return TableDialect("", "", self.sheet)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) for every non-blank row after the header, up to a footer."""
        footer = Footer(self.path, _GRAND_TOTAL)
        width = len(self.header)
        for number, early in self._early:
            yield from footer.read(number, early)
        try:
            for number, parsed in self._parsed:
                cells = _row_cells(parsed, width)
                if cells is not None:
                    yield from footer.read(number, cells)
        except _DAMAGE as error:
            raise _damaged(self.path, error) from None
        yield from footer.held


def _row_cells(parsed: list[dict[str, Any]], width: int) -> list[str] | None:
    """A row's cells as text from column A to its last value; None when all are empty.
    When a cell holds no readable value, an ``UnreadableCell`` follows column ``width``."""
    cells: list[str] = []
    problem = None
    for cell in parsed:
        value, kind = cell["value"], cell["data_type"]
        if value is None and kind != "f":
            continue
        column = cell["column"]
        if len(cells) < column - 1:
            cells.extend([""] * (column - 1 - len(cells)))
        if kind == "f":  # marked by _Parser: a formula nothing calculated
            cells.append("")
            problem = problem or _uncalculated(cell)
        elif kind == "e":
            cells.append(str(value))
            problem = problem or f"cell {_where(cell)} holds Excel's error {value}"
        else:
            cells.append(cell_text(value))
    if problem is None and 0 < width < len(cells):
        problem = _headerless(parsed, width)
    if problem is not None:
        cells.extend([""] * (width - len(cells)))
        cells.append(UnreadableCell(problem))
        return cells
    return cells if any(text.strip() for text in cells) else None


def _headerless(parsed: list[dict[str, Any]], width: int) -> str | None:
    """Why a value beyond the header's last column is bad (``overflow``'s CSV reason
    guesses at a delimiter, which a workbook has none of); blank there is nothing."""
    for cell in parsed:
        text = cell_text(cell["value"])
        if cell["column"] > width and text.strip():
            return f"cell {_where(cell)} holds {text!r} in a column without a header"
    return None


def _where(cell: dict[str, Any]) -> str:
    return f"{get_column_letter(cell['column'])}{cell['row']}"


def _uncalculated(cell: dict[str, Any]) -> str:
    return (
        f"cell {_where(cell)} holds a formula with no calculated value (the program that "
        "wrote the file does not calculate): open the file in Excel or LibreOffice and "
        "save it again"
    )


class _Parser(WorkSheetParser):
    """openpyxl's parser, telling a formula with no cached value from an empty cell (with
    ``data_only`` it gives both as None), and reading inline text itself: exporters that
    stream (Apache POI's, openpyxl's) write every text cell inline, and openpyxl builds a
    rich-text object for each, which made reading such a sheet four times slower."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        if element.get("t") == "inlineStr":
            return self._inline(element)
        cell = super().parse_cell(element)
        if cell["value"] is None and element.find(_FORMULA) is not None:
            cell["data_type"] = "f"
        return cell

    def _inline(self, element: Any) -> dict[str, Any]:
        """The cell's text: its plain text and its runs', as openpyxl's ``Text.content``."""
        coordinate = element.get("r")
        if coordinate:
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        box = element.find(_INLINE)
        value = None
        if box is not None:
            parts = [box.findtext(_TEXT), *(run.findtext(_TEXT) for run in box.iterfind(_RUN))]
            value = "".join(part for part in parts if part)
        style = int(element.get("s", 0))
        return {"row": row, "column": column, "value": value, "data_type": "s", "style_id": style}


@contextmanager
def open_sheet(path: Path, sheet: str | None) -> Iterator[SheetTable]:
    """The chosen sheet (the first visible worksheet by default) of the .xlsx at ``path``."""
    with path.open("rb") as stream:
        book = _Book.read(path, stream)
        try:
            chosen = _chosen(path, list(book.sheets), sheet, book.hidden)
            member = book.sheets[chosen]
            with book.archive.open(member) as xml:
                counter = _Counting(xml)
                parsed: Parsed = book.parser(counter).parse()
                header, line, early = _header(path, chosen, parsed)
                xml_size = book.archive.getinfo(member).file_size
                size = path.stat().st_size
                yield SheetTable(path, chosen, header, line, size, xml_size, parsed, counter, early)
        finally:
            book.archive.close()


def _chosen(path: Path, names: list[str], sheet: str | None, hidden: Set[str]) -> str:
    """The sheet named, else the first one a spreadsheet shows: a hidden sheet (lookup
    lists, a template's macros, last year's data) is nobody's export."""
    if not names:
        raise TableError(f"{path}: the workbook has no worksheet")
    if sheet is None:
        shown = [name for name in names if name not in hidden]
        if not shown:
            listed = ", ".join(repr(name) for name in names)
            raise TableError(f"{path}: every sheet is hidden ({listed}): name one with --sheet")
        return shown[0]
    if sheet not in names:
        listed = ", ".join(repr(name) for name in names)
        raise TableError(f"{path}: the workbook has no sheet {sheet!r}; its sheets: {listed}")
    return sheet


@dataclass
class _Book:
    """What reading a sheet needs of its workbook: the archive, the worksheets' parts by
    name, the shared strings, the date system (1900 or 1904) and the styles that make a
    number a date or a duration.

    Read with openpyxl's own steps, not ``load_workbook``: in read-only mode that opens
    every sheet to find its size, and a sheet whose writer recorded none (streaming
    writers) is parsed whole for it, every sheet of the file, before a row is read."""

    archive: zipfile.ZipFile
    sheets: dict[str, str]
    hidden: frozenset[str]  # the sheets a spreadsheet does not show (hidden, very hidden)
    strings: list[str]
    epoch: datetime
    date_formats: Any  # openpyxl's private sets of style ids
    timedelta_formats: Any

    @classmethod
    def read(cls, path: Path, stream: IO[bytes]) -> _Book:
        try:
            # A stream, not the path: openpyxl refuses a path not named .xlsx.
            reader = ExcelReader(stream, read_only=True, data_only=True)
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            found = [
                (sheet, rel)
                for sheet, rel in reader.parser.find_sheets()
                if "chartsheet" not in rel.Type and rel.target in reader.valid_files
            ]
            sheets = {sheet.name: rel.target for sheet, rel in found}
            hidden = frozenset(sheet.name for sheet, _ in found if sheet.state not in _SHOWN)
        except (*_DAMAGE, ValueError, TypeError, AttributeError) as error:
            raise _damaged(path, error) from None
        book: Any = reader.wb  # the formats are private attributes, not in the type stubs
        return cls(reader.archive, sheets, hidden, reader.shared_strings, book.epoch,
                   book._date_formats, book._timedelta_formats)  # fmt: skip

    def parser(self, xml: _Counting) -> _Parser:
        return _Parser(
            xml,
            self.strings,
            data_only=True,
            epoch=self.epoch,
            date_formats=self.date_formats,
            timedelta_formats=self.timedelta_formats,
        )


def _header(
    path: Path, sheet: str, parsed: Parsed
) -> tuple[list[str], int, list[tuple[int, list[str]]]]:
    """The header, its row number, and the rows after it read while looking (the rest of
    a one-column sheet's first rows)."""
    seen: list[tuple[int, list[str]]] = []
    try:
        for number, row in parsed:
            found = _row_cells(row, 0)
            if found is None:
                continue
            if sum(1 for cell in found if cell.strip()) >= 2:
                return _trimmed(found), number, []
            seen.append((number, found))
            if len(seen) == _HEADER_SEARCH:
                break
    except _DAMAGE as error:
        raise _damaged(path, error) from None
    if not seen:
        raise TableError(f"{path}: sheet {sheet!r} is empty (no header row)")
    (line, header), *after = seen
    return _trimmed(header), line, after


def _trimmed(cells: list[str]) -> list[str]:
    header = [cell.strip() for cell in cells if not isinstance(cell, UnreadableCell)]
    while header and not header[-1]:
        header.pop()
    return header
