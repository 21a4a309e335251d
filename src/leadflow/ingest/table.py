"""Read a CSV file of any common dialect as (line number, cells), in constant memory.

Encoding   a UTF-8 or UTF-16 byte-order mark decides; UTF-16 without one (Salesforce
           Data Loader, some "Unicode text" writers) is told by its zero bytes, one in
           two; otherwise the file is UTF-8 if every byte of it decodes as UTF-8
           (checked in 1 MiB chunks, never loaded whole), else UTF-8 with Windows-1252
           bytes (``MIXED``) when it holds UTF-8 letters too, else Mac Roman when its
           letters explain the file better (see ``_mac_roman``), else Windows-1252, else
           Latin-1 (which decodes anything). Excel on Windows writes cp1252, Excel for
           Mac's "Comma Separated Values" Mac Roman; cp1252 and Latin-1 agree on every
           letter (é, ü, ø). An .xlsx workbook is read by
           ``workbook`` (its first visible sheet, or the one named), with the same face
           (``RowSource``); an .xls, an .ods or other binary file is refused with what
           to do instead.
Delimiter  a first line ``sep=;`` (Excel's own hint, which some exports write) names
           it and is not a record; otherwise comma, semicolon, tab or pipe: the one that
           splits the first records of the file into the same number (more than one)
           of columns; European Excel writes ';' because ',' is the decimal mark there.
           Lines may end in CRLF, LF or a lone CR (Excel for Mac, FileMaker).
Header     the first record with two filled cells among the first ``_HEADER_SEARCH``:
           the one-cell title and filter lines a report keeps above it when it is saved
           from a spreadsheet as CSV are skipped, as in a workbook. A file whose records
           all have one cell takes its first as the header.
Lines      each record carries the line number of its first physical line, so a
           quoted field with line breaks does not shift the numbers that follow.
Quotes     a quote opened and never closed would swallow the rest of the file into one
           cell (the csv module reads to the end without a word, and the rows after it
           were silently lost): the reader gets one more line after the file's, a
           marker, and a record whose last cell ends with it names the line where the
           quote was opened (TableError).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

if TYPE_CHECKING:
    from _csv import Reader as CsvReader

__all__ = [
    "MIXED",
    "DuplicateHeader",
    "Footer",
    "RowSource",
    "Table",
    "TableDialect",
    "TableError",
    "detect_delimiter",
    "detect_encoding",
    "duplicate_headers",
    "excel_separator",
    "open_table",
    "overflow",
]

_CHUNK = 1 << 20
_SAMPLE_CHARS = 1 << 16
_DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
# Bytes Windows-1252 leaves undefined: a file holding one is Latin-1, not cp1252.
_CP1252_HOLES = re.compile(b"[\x81\x8d\x8f\x90\x9d]")
# A byte between two ASCII letters is a letter of the word. Mac Roman's small accented
# letters (ä 0x8a, é 0x8e, ö 0x9a, ü 0x9f, ç 0x8d) are bytes 0x80-0x9f, where cp1252
# has punctuation (0x92 is left out: cp1252's apostrophe in O’Brien, Mac Roman's í);
# cp1252's and Latin-1's accented letters are 0xc0-0xff, where Mac Roman has symbols
# and capitals.
_MAC_IN_WORD = re.compile(b"(?<=[A-Za-z])[\x80-\x91\x93-\x9f](?=[A-Za-z])")
_LATIN_IN_WORD = re.compile(b"(?<=[A-Za-z])[\xc0-\xff](?=[A-Za-z])")
# How much of a file that is not UTF-8 is read to tell its 8-bit encoding.
_MAC_SAMPLE = 8 * _CHUNK
# UTF-8 with Windows-1252 bytes: Excel opened a UTF-8 export that had no byte-order mark
# as cp1252, someone added or changed rows and saved it; the old accents are still UTF-8
# (two bytes, "Ã¼" read as cp1252), the new ones cp1252. Read as UTF-8, with each byte
# that is not UTF-8 read as cp1252 (Latin-1 for the five bytes cp1252 leaves undefined).
MIXED = "utf-8+cp1252"
_MIXED_ERRORS = "leadflow.cp1252"
# A UTF-8 Latin letter (U+00C0-U+027F: two bytes) between two ASCII letters: "Müller".
# Inside a word, as in ``_MAC_IN_WORD``: Mac Roman's "«" before "é" ("«école») or
# cp1252's "Ã" before a symbol make the same two bytes, but not between two letters.
_UTF8_IN_WORD = re.compile(b"(?<=[A-Za-z])[\xc3-\xc9][\x80-\xbf](?=[A-Za-z])")
# A notes field may be long; the csv module's default limit is 128 KiB.
_FIELD_LIMIT = 1 << 24
# Enough of the start of a file to tell UTF-16 without a byte-order mark from binary.
_HEAD = 4096
# Text never holds a zero byte; UTF-16 holds one in (nearly) every other byte for the
# Latin letters, digits and punctuation a CSV is made of.
_UTF16_SHARE = 0.3
# Workbooks people pass instead of a CSV: a zip archive (.xlsx, .ods) or an OLE2
# compound file (.xls).
_WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
# How far down title and filter lines may push the header (as in a workbook).
_HEADER_SEARCH = 30
# The line read after the file's last: text no export holds (Unicode noncharacters).
_END = "\ufdd0leadflow:end-of-file\ufdd0"
_END_LINE = _END + "\n"
_UNCLOSED = (
    'a cell opened with a quote (") is never closed, so the rest of the file would be one '
    "cell: close the quote, or double a quote that is part of the text"
)
_SAVE_AS_CSV = 'save it from the spreadsheet as "CSV UTF-8" (File > Save As) and import that'


class TableError(ValueError):
    """A file that cannot be read as a table; the message names the file and the line."""


@dataclass(frozen=True, slots=True)
class TableDialect:
    """How a CSV file was read; for a workbook, the sheet (encoding and delimiter empty)."""

    encoding: str
    delimiter: str
    sheet: str | None = None


def detect_encoding(path: Path) -> str:
    """``utf-8-sig``, ``utf-16``, ``utf-16-le``, ``utf-16-be``, ``utf-8``, ``mac-roman``,
    ``cp1252`` or ``latin-1`` (see module doc); TableError for a workbook or other binary
    file."""
    with path.open("rb") as stream:
        head = stream.read(_HEAD)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        if head.startswith(_WORKBOOKS):
            raise TableError(f"{path}: a spreadsheet workbook, not a CSV file; {_SAVE_AS_CSV}")
        if b"\x00" in head:
            return _utf16_without_mark(path, head)
        stream.seek(0)
        encoding = _scan(stream)
        if encoding != "utf-8":
            stream.seek(0)
            encoding = _eight_bit(stream.read(_MAC_SAMPLE), encoding)
        return encoding


def _eight_bit(head: bytes, scanned: str) -> str:
    """The encoding of a file that is not wholly UTF-8: UTF-8 with cp1252 bytes when it
    holds UTF-8 letters, else Mac Roman or what the scan said (cp1252, Latin-1)."""
    if any(match.group().decode().isalpha() for match in _UTF8_IN_WORD.finditer(head)):
        return MIXED
    return "mac-roman" if _mac_roman(head) else scanned


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    """The decoding error handler of ``MIXED``: the bytes UTF-8 refused, as cp1252."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    text = "".join(bytes((byte,)).decode("cp1252", "replace") for byte in bad)
    # The bytes cp1252 leaves undefined are Latin-1's (control characters).
    text = "".join(chr(byte) if ch == "\ufffd" else ch for byte, ch in zip(bad, text, strict=True))
    return text, error.end


def _codec(encoding: str) -> tuple[str, str]:
    """(codec, errors) for ``open``: ``MIXED`` is UTF-8 whose errors are cp1252 bytes."""
    if encoding.lower() != MIXED:
        return encoding, "strict"
    try:
        codecs.lookup_error(_MIXED_ERRORS)
    except LookupError:  # registered on first use, not at import
        codecs.register_error(_MIXED_ERRORS, _cp1252_bytes)
    return "utf-8", _MIXED_ERRORS


def _utf16_without_mark(path: Path, head: bytes) -> str:
    """UTF-16 told by where its zero bytes fall (the high byte of ASCII characters),
    else a binary file, refused."""
    pairs = len(head) // 2
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if pairs and odd >= _UTF16_SHARE * pairs and even == 0:
        return "utf-16-le"
    if pairs and even >= _UTF16_SHARE * pairs and odd == 0:
        return "utf-16-be"
    raise TableError(f"{path}: the file holds binary data, not text; is it a CSV file?")


def _scan(stream: BinaryIO) -> str:
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, cp1252 = True, True
    while (utf8 or cp1252) and (chunk := stream.read(_CHUNK)):
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
        if cp1252 and _CP1252_HOLES.search(chunk):
            cp1252 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:  # the file ends inside a multi-byte character
            utf8 = False
    return "utf-8" if utf8 else "cp1252" if cp1252 else "latin-1"


def _mac_roman(head: bytes) -> bool:
    """More letters inside words read as Mac Roman's than as cp1252's: a file from Excel
    for Mac, which read as cp1252 would hold "MŸller", and a control character for the
    ç of "Françoise" (a byte cp1252 leaves undefined), without a word."""
    return len(_MAC_IN_WORD.findall(head)) > len(_LATIN_IN_WORD.findall(head))


def detect_delimiter(sample: str) -> str:
    """The delimiter that gives the first records one consistent width above one; failing
    that, the records after one-cell title lines (a report's, not padded)."""
    # Whole records only: lines end in LF, CRLF or (Excel for Mac) a lone CR.
    complete = sample[: max(sample.rfind("\n"), sample.rfind("\r")) + 1] or sample
    return _widest(complete, titled=False) or _widest(complete, titled=True) or ","


def _widest(sample: str, *, titled: bool) -> str | None:
    """The delimiter giving the first records (after one-cell title lines, when
    ``titled``) the widest consistent width above one, or None."""
    best, best_width = None, 1
    for delimiter in _DELIMITERS:
        records = _first_records(sample, delimiter)
        if titled:
            records = _without_titles(records)
        width = len(records[0]) if records else 0
        if width <= best_width:
            continue
        if sum(_fits(cells, width) for cells in records) >= 0.8 * len(records):
            best, best_width = delimiter, width
    return best


def _without_titles(records: list[list[str]]) -> list[list[str]]:
    """The records from the first of several cells on: one-cell title lines a report
    keeps above its header (see ``_header``) say nothing about the delimiter."""
    for index, cells in enumerate(records):
        if len(cells) > 1:
            return records[index:]
    return records


def _fits(cells: list[str], width: int) -> bool:
    """The header's width, or wider by empty cells only (a trailing delimiter some
    exports write after every data row and not after the header)."""
    return len(cells) == width or (
        len(cells) > width and not any(cell.strip() for cell in cells[width:])
    )


def _first_records(sample: str, delimiter: str, limit: int = 25) -> list[list[str]]:
    records: list[list[str]] = []
    try:
        for cells in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if cells:
                records.append(cells)
            if len(records) == limit:
                break
    except csv.Error:
        return []
    return records


class RowSource(Protocol):
    """What an import reads: an open CSV file (``Table``) or worksheet (``SheetTable``)."""

    path: Path
    header: list[str]
    header_line: int
    size: int  # bytes, for progress (of the sheet's XML, for a workbook)

    @property
    def bytes_read(self) -> int: ...

    @property
    def dialect(self) -> TableDialect: ...

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(number of the first line or row, cells) for every record after the header."""
        ...


@dataclass
class Table:
    """An open CSV file: its dialect, header and rows; ``bytes_read`` tells progress."""

    path: Path
    dialect: TableDialect
    header: list[str]
    header_line: int
    size: int
    _reader: CsvReader
    _counter: _CountingReader
    # Records read while looking for the header that are rows (a one-column file's),
    # and the line the last record read ends on.
    _early: list[tuple[int, list[str]]]
    _resume: int

    @property
    def bytes_read(self) -> int:
        return self._counter.consumed

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(first line number, cells) for every non-blank record after the header, up to
        a Salesforce report's footer (see ``Footer``)."""
        reader = self._reader
        previous = self._resume
        footer = Footer(self.path)
        for start, cells in self._early:
            yield from footer.read(start, cells)
        try:
            for cells in reader:
                start, previous = previous + 1, reader.line_num
                if cells and cells[-1].endswith(_END_LINE):
                    raise TableError(f"{self.path}: line {start}: {_UNCLOSED}")
                # A record of empty cells (",,," a spreadsheet wrote for a formatted
                # row) is blank like an empty line: it holds nobody.
                if cells and (cells[0].strip() or any(cell.strip() for cell in cells)):
                    if cells[0] == _END:
                        break  # the marker's own record: the file ended outside quotes
                    if not footer.pending and len(cells) > 1 and (cells[1] or any(cells[2:])):
                        yield start, cells  # nearly every record: no detour
                    else:
                        yield from footer.read(start, cells)
        except csv.Error as error:
            raise TableError(f"{self.path}: line {previous + 1}: {error}") from None
        yield from footer.held


# Salesforce Classic's report export ("Export Details", CSV) ends with one-cell lines:
# the org's name, this copyright line, "Confidential Information - Do Not Distribute",
# "Generated By: <user> <time>", the org's name again.
_SALESFORCE_COPYRIGHT = re.compile(r"copyright \(c\) [\d -]+ salesforce\.com", re.IGNORECASE)
# One-cell records held back in case the footer follows: the org's name (and the empty
# lines before it, which are skipped anyway). Bounded: a one-column file streams on.
_FOOTER_LEAD = 4


class Footer:
    """Tells a report's footer from rows. One-cell records are held back (at most a few)
    until the next record: the copyright line makes them and what follows the footer,
    not rows (read as rows, the org's name became a lead whose record id was the name);
    any other record releases them. A record of several cells after the footer is an
    error, not dropped in silence. ``total`` also starts the footer, at a record whose
    first filled cell it matches (a workbook's "Grand Total" row)."""

    def __init__(self, path: Path, total: re.Pattern[str] | None = None) -> None:
        self._path = path
        self._total = total
        self.held: list[tuple[int, list[str]]] = []
        self._since: int | None = None  # the line the footer starts on, once seen

    @property
    def pending(self) -> bool:
        """Records are held, or the footer has begun: every record must come through here."""
        return bool(self.held) or self._since is not None

    def read(self, start: int, cells: list[str]) -> Iterator[tuple[int, list[str]]]:
        # One cell, or one and empty ones: a spreadsheet saving the report again pads
        # every footer line to the header's width (and a worksheet may start at B).
        filled = [cell.strip() for cell in cells if cell.strip()]
        lone = len(filled) <= 1
        if self._since is not None:
            if not lone:
                raise TableError(
                    f"{self._path}: line {start}: a row after the Salesforce report's footer "
                    f"(line {self._since}); remove the footer, or export the report again"
                )
            return
        if lone and filled and _SALESFORCE_COPYRIGHT.match(filled[0]):
            self._since = self.held[0][0] if self.held else start
            self.held.clear()
            return
        if self._total is not None and filled and self._total.match(filled[0]):
            yield from self.held  # a total ends the rows: what came before were rows
            self.held.clear()
            self._since = start
            return
        if lone and len(self.held) < _FOOTER_LEAD:
            self.held.append((start, cells))
            return
        yield from self.held
        self.held.clear()
        yield start, cells


class _CountingReader(io.RawIOBase):
    """Counts the bytes handed to the decoder, so progress needs no tell()."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        count = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        self.consumed += count or 0
        return int(count or 0)


@contextmanager
def open_table(
    path: Path,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> Iterator[RowSource]:
    """Open ``path`` as a table, detecting what is not given; TableError if unreadable.
    An .xlsx workbook is read by ``workbook``: its first sheet, or ``sheet``."""
    if _is_workbook(path):
        from leadflow.ingest.workbook import open_sheet  # openpyxl only when needed

        if encoding is not None or delimiter is not None:
            raise TableError(
                f"{path}: an .xlsx workbook: --encoding and --delimiter are for CSV files"
            )
        with open_sheet(path, sheet) as table:
            yield table
        return
    if sheet is not None:
        raise TableError(f"{path}: not an .xlsx workbook: --sheet is for workbooks")
    with _open_csv(path, encoding, delimiter) as table:
        yield table


def _is_workbook(path: Path) -> bool:
    """True for an .xlsx; TableError for a workbook that cannot be read (``workbook``)."""
    try:
        with path.open("rb") as stream:
            head = stream.read(len(_WORKBOOKS[1]))
    except OSError as error:
        raise TableError(f"{path}: cannot read the file ({error.strerror})") from None
    if not head.startswith(_WORKBOOKS):
        return False  # text: no need to load openpyxl
    from leadflow.ingest.workbook import workbook_kind

    return workbook_kind(path)


@contextmanager
def _open_csv(path: Path, encoding: str | None, delimiter: str | None) -> Iterator[Table]:
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    try:
        size = path.stat().st_size
        encoding = encoding or detect_encoding(path)
        sample = _sample(path, encoding)
        hint = excel_separator(sample)
        delimiter = delimiter or hint or detect_delimiter(sample)
        raw = path.open("rb")
    except OSError as error:
        raise TableError(f"{path}: cannot read the file ({error.strerror})") from None
    except UnicodeDecodeError as error:
        raise _undecodable(path, str(encoding), error) from None
    except (UnicodeError, LookupError) as error:
        raise TableError(f"{path}: cannot decode the file as {encoding} ({error})") from None
    counter = _CountingReader(raw)
    codec, errors = _codec(encoding)
    buffered = io.BufferedReader(counter, _CHUNK)
    text = io.TextIOWrapper(buffered, encoding=codec, errors=errors, newline="")
    try:
        reader = csv.reader(itertools.chain(text, (_END_LINE,)), delimiter=delimiter)
        if hint is not None:
            next(reader)  # the "sep=;" line: one physical line, not a record
        head = _header(path, reader)
        dialect = TableDialect(encoding, delimiter)
        yield Table(
            path, dialect, head.cells, head.line, size, reader, counter, head.early, head.resume
        )
    except UnicodeDecodeError as error:
        raise _undecodable(path, encoding, error) from None
    finally:
        text.close()


def _undecodable(path: Path, encoding: str, error: UnicodeDecodeError) -> TableError:
    """The error naming the line of the first byte ``encoding`` cannot decode. The text
    layer decodes ahead of the csv reader, so the line is found again from the bytes
    (only now, when the import stops anyway)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            try:
                decoder.decode(raw)
            except UnicodeDecodeError:
                where = f"line {number}: "
                break
        else:
            where = ""
    return TableError(
        f"{path}: {where}not valid {encoding} ({error.reason}); give the file's encoding "
        "with --encoding, or leave it out to detect it"
    )


def overflow(cells: Sequence[str], width: int) -> str | None:
    """Why a record with values beyond the header's last column is bad, or None: a
    delimiter in an unquoted cell (a ';' in a title, a decimal comma) shifted its values
    into the wrong columns. Empty cells there are the trailing delimiters some exports
    write: harmless. A worksheet's row with a cell it cannot read (a formula never
    calculated) ends with a cell that says why (``workbook.UnreadableCell``)."""
    if len(cells) <= width:
        return None
    reason = getattr(cells[-1], "reason", None)
    if reason is not None:
        return str(reason)
    if not any(cell.strip() for cell in cells[width:]):
        return None
    return (
        f"{len(cells)} cells, the header has {width} columns "
        "(a delimiter inside a cell that is not quoted?)"
    )


@dataclass(frozen=True, slots=True)
class DuplicateHeader:
    """Header cells that are one header to the importer (the same text, or the same
    once its matching rule is applied), by position (0-based)."""

    written: tuple[str, ...]
    positions: tuple[int, ...]

    def where(self) -> str:
        """'Email' in columns 2 (B) and 5 (E); each spelling named when they differ."""
        if len(set(self.written)) == 1:
            places = [_column_number(index) for index in self.positions]
            return f"{self.written[0]!r} in columns {_and(places)}"
        named = [
            f"{text!r} in column {_column_number(index)}"
            for text, index in zip(self.written, self.positions, strict=True)
        ]
        return f"{_and(named)}, which are one header to the importer,"

    def refused(self, read_as: str) -> str:
        """The error when the importer would read the header: it cannot tell which is meant."""
        return (
            f"the header has {self.where()} and reads it as {read_as}: which column is "
            "meant cannot be told (the first was taken silently before); rename or remove "
            "the other one"
        )

    def noted(self, fate: str) -> str:
        """The warning when the importer does not read the header: nothing is lost."""
        return f"the header has {self.where()}; {fate}"


def duplicate_headers(
    header: Sequence[str], key: Callable[[str], str] = lambda text: text
) -> list[DuplicateHeader]:
    """Header cells equal under ``key`` (the importer's own matching rule), in file order;
    empty cells (pandas writes one for its index) are not headers and never repeat."""
    groups: dict[str, list[int]] = {}
    for index, text in enumerate(header):
        if text.strip():
            groups.setdefault(key(text), []).append(index)
    return [
        DuplicateHeader(tuple(header[i] for i in places), tuple(places))
        for places in groups.values()
        if len(places) > 1
    ]


def _column_number(index: int) -> str:
    """1-based, with the letters a spreadsheet shows: 2 (B), 28 (AB)."""
    number, letters = index + 1, ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{index + 1} ({letters})"


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def excel_separator(sample: str) -> str | None:
    """The delimiter a first line ``sep=;`` names (Excel's hint), or None without one."""
    first = _FIRST_LINE.match(sample.lstrip("\ufeff"))[0]  # type: ignore[index]
    if len(first) == len("sep=;") and first[:4].lower() == "sep=" and first[4] not in "\"'":
        return first[4]
    return None


# A line ends at LF, CRLF or a lone CR (Excel for Mac).
_FIRST_LINE = re.compile(r"[^\r\n]*")


def _sample(path: Path, encoding: str) -> str:
    codec, errors = _codec(encoding)
    with path.open("r", encoding=codec, errors=errors, newline="") as stream:
        return stream.read(_SAMPLE_CHARS)


@dataclass(frozen=True, slots=True)
class _Head:
    """The header found, the line it ends on, the records read after it while looking
    (rows of a one-column file) and the line the last record read ends on."""

    cells: list[str]
    line: int
    early: list[tuple[int, list[str]]]
    resume: int


def _header(path: Path, reader: CsvReader) -> _Head:
    """The first record with two filled cells among the first ``_HEADER_SEARCH`` that
    hold anything: the one-cell records above it are a report's title and filter lines.
    Without one (a one-column file), the first record, and the others read are rows."""
    previous = reader.line_num  # 1 after a "sep=" line
    seen: list[tuple[int, int, list[str]]] = []  # (first line, last line, cells)
    try:
        for cells in reader:
            start, previous = previous + 1, reader.line_num
            if cells and cells[-1].endswith(_END_LINE):
                raise TableError(f"{path}: line {start}: the header: {_UNCLOSED}")
            if cells == [_END]:
                break
            filled = sum(1 for cell in cells if cell.strip())
            if filled > 1:
                return _Head([cell.strip() for cell in cells], previous, [], previous)
            if filled:
                seen.append((start, previous, cells))
                if len(seen) == _HEADER_SEARCH:
                    break
    except csv.Error as error:
        raise TableError(f"{path}: the header cannot be read ({error})") from None
    if not seen:
        raise TableError(f"{path}: the file is empty (no header row)")
    (_, line, first), *after = seen
    early = [(start, cells) for start, _, cells in after]
    return _Head([cell.strip() for cell in first], line, early, previous)
