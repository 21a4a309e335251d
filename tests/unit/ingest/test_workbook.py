"""Reading .xlsx workbooks as CRMs export them: typed cells, a header below a title,
Excel's row numbers, sheets, footers, formulas, and the workbooks that are refused.
Every workbook is made here with openpyxl (no binary fixtures)."""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from leadflow.ingest.table import TableError, open_table, overflow
from leadflow.ingest.workbook import UnreadableCell, cell_text

Rows = Sequence[Sequence[object]]


def excel_time(*parts: int) -> datetime:
    """A date cell's value as openpyxl gives it: Excel stores no time zone."""
    return datetime(*parts)  # noqa: DTZ001 - naive is what Excel stores


def write_workbook(path: Path, rows: Rows, *, sheet: str = "Sheet1", **more: Rows) -> Path:
    """A workbook whose first sheet holds ``rows`` (None: an empty cell); ``more`` adds
    sheets by name."""
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.title = sheet
    for row in rows:
        first.append(list(row))
    for name, other in more.items():
        added = workbook.create_sheet(name)
        for row in other:
            added.append(list(row))
    workbook.save(path)
    return path


def rewrite_sheet(
    path: Path, change: dict[str, str], member: str = "xl/worksheets/sheet1.xml"
) -> None:
    """Edit the sheet's XML as another program would have written it (regex -> text)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts[member].decode()
    for pattern, text in change.items():
        xml = re.sub(pattern, text, xml)
    parts[member] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def read(
    path: Path, sheet: str | None = None
) -> tuple[list[str], int, list[tuple[int, list[str]]]]:
    with open_table(path, sheet=sheet) as table:
        return table.header, table.header_line, list(table.rows())


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("Ann", "Ann"),
        (True, "TRUE"),
        (False, "FALSE"),
        (4989123456, "4989123456"),  # a phone typed as a number: never 4.98912e+09
        (4989123456.0, "4989123456"),  # ... nor "4989123456.0"
        (1234.0, "1234"),  # a zip code or an id typed as a number
        (1234.5, "1234.5"),
        (0.1 + 0.2, "0.3"),  # as Excel shows it, not 0.30000000000000004
        (excel_time(2025, 3, 4, 14, 22, 11), "2025-03-04 14:22:11"),
        (excel_time(2025, 3, 4), "2025-03-04"),  # a date cell: ISO, no day/month order
        (date(2025, 3, 4), "2025-03-04"),
    ],
)
def test_typed_cells_become_the_text_the_layouts_read(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_a_header_below_a_title_and_excel_row_numbers(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "report.xlsx",
        [
            ["Contacts with e-mail"],  # Salesforce's report title
            [],
            ["Filtered By: Lead Source equals Web"],
            [None, "Email", "First Name", "Zip"],  # the report starts at column B
            [None, "ann@acme.example", "Ann", 1012],
            [],
            [None, "bob@acme.example", "Bob", "01067"],
        ],
    )
    header, line, rows = read(path)
    assert (header, line) == (["", "Email", "First Name", "Zip"], 4)
    assert rows == [(5, ["", "ann@acme.example", "Ann", "1012"]),
                    (7, ["", "bob@acme.example", "Bob", "01067"])]  # fmt: skip


def test_empty_and_merged_header_cells_and_trailing_columns(tmp_path: Path) -> None:
    path = tmp_path / "merged.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Email", "Name", None, "Country", None, None])
    sheet.merge_cells("B1:C1")  # a header over two columns: the second cell is empty
    sheet.append(["ann@acme.example", "Ann", "Smith", "NL", None, None])
    sheet["F2"].number_format = "0.00"  # a formatted, empty cell: no value
    workbook.save(path)
    header, _, rows = read(path)
    assert header == ["Email", "Name", "", "Country"]
    assert rows == [(2, ["ann@acme.example", "Ann", "Smith", "NL"])]


def test_a_wrong_sheet_size_does_not_make_a_million_empty_rows(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "big.xlsx", [["Email", "Name"], ["ann@acme.example", "Ann"]])
    # Read-only openpyxl trusts this and would hand out rows up to 1,048,576.
    rewrite_sheet(path, {r'<dimension ref="[^"]*"\s*/>': '<dimension ref="A1:XFD1048576"/>'})
    started = time.perf_counter()
    assert read(path)[2] == [(2, ["ann@acme.example", "Ann"])]
    assert time.perf_counter() - started < 2


def test_a_salesforce_grand_total_and_footer_end_the_rows(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "report.xlsx",
        [
            ["Email", "Amount"],
            ["ann@acme.example", 100],
            ["Grand Total (1 record)", 100],
            [],
            ["Confidential Information - Do Not Distribute"],
            ["Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."],
        ],
    )
    assert read(path)[2] == [(2, ["ann@acme.example", "100"])]


def test_a_row_after_the_grand_total_is_an_error_not_dropped(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "report.xlsx",
        [["Email", "Amount"], ["Grand Total", 100], ["bob@acme.example", 5]],
    )
    with pytest.raises(TableError, match=r"line 3: a row after the Salesforce report's footer"):
        read(path)


def test_the_first_sheet_by_default_another_by_name(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "two.xlsx",
        [["Email", "Name"], ["ann@acme.example", "Ann"]],
        sheet="Contacts",
        Accounts=[["Domain", "Name"], ["acme.example", "Acme"]],
    )
    assert read(path)[2] == [(2, ["ann@acme.example", "Ann"])]
    assert read(path, "Accounts")[2] == [(2, ["acme.example", "Acme"])]
    with open_table(path, sheet="Accounts") as table:
        assert table.dialect.sheet == "Accounts"


def hide(path: Path, states: dict[str, str]) -> Path:
    """The workbook at ``path`` with the named sheets hidden ("hidden", "veryHidden")."""
    workbook = openpyxl.load_workbook(path)
    for name, state in states.items():
        workbook[name].sheet_state = state
    if workbook.active is not None and workbook.active.sheet_state != "visible":
        # Excel refuses to open a workbook whose active sheet is hidden.
        workbook.active = next(
            i for i, s in enumerate(workbook.worksheets) if s.sheet_state == "visible"
        )
    workbook.save(path)
    return path


def test_the_first_visible_sheet_by_default(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "export.xlsx",
        [["lookup", "values"], ["nl", "Netherlands"]],
        sheet="Lists",
        Macros=[["x", "y"], ["1", "2"]],
        Contacts=[["Email", "Name"], ["ann@acme.example", "Ann"]],
        Deals=[["Deal", "Amount"], ["Big", "10"]],
    )
    hide(path, {"Lists": "hidden", "Macros": "veryHidden"})
    with open_table(path) as table:
        assert table.dialect.sheet == "Contacts"
        assert list(table.rows()) == [(2, ["ann@acme.example", "Ann"])]
    with open_table(path, sheet="Lists") as table:  # named: read, hidden or not
        assert list(table.rows()) == [(2, ["nl", "Netherlands"])]


def test_a_workbook_with_only_hidden_sheets_asks_for_one_by_name(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "hidden.xlsx", [["a", "b"]], sheet="Data")
    # openpyxl refuses to write it; a workbook's XML may say so all the same.
    rewrite_sheet(path, {r'state="visible"': 'state="hidden"'}, "xl/workbook.xml")
    with pytest.raises(
        TableError, match=r"every sheet is hidden \('Data'\): name one with --sheet"
    ):
        read(path)
    assert read(path, "Data")[0] == ["a", "b"]


def test_an_unknown_sheet_is_refused_naming_the_sheets(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "two.xlsx", [["a", "b"]], sheet="Contacts", Deals=[])
    message = r"no sheet 'Leads'; its sheets: 'Contacts', 'Deals'"
    with pytest.raises(TableError, match=message):
        read(path, "Leads")


def test_csv_options_on_a_workbook_and_a_sheet_of_a_csv_are_refused(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "a.xlsx", [["a", "b"]])
    with pytest.raises(TableError, match="--encoding and --delimiter are for CSV"):
        open_table(book, delimiter=";").__enter__()
    text = tmp_path / "a.csv"
    text.write_text("a,b\n1,2\n")
    with pytest.raises(TableError, match="--sheet is for workbooks"):
        open_table(text, sheet="Sheet1").__enter__()


def test_a_formula_is_read_by_its_saved_value(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "f.xlsx", [["Email", "Score"], ["ann@acme.example", "=40+2"]])
    rewrite_sheet(path, {r"<f>40\+2</f>(<v>\s*</v>|<v\s*/>)?": "<f>40+2</f><v>42</v>"})
    assert read(path)[2] == [(2, ["ann@acme.example", "42"])]


def test_a_formula_never_calculated_makes_its_row_bad(tmp_path: Path) -> None:
    # openpyxl writes a formula without its value, as any program that does not calculate.
    path = write_workbook(
        tmp_path / "f.xlsx", [["Email", "Score", "Name"], ["ann@acme.example", "=40+2", "Ann"]]
    )
    [(line, cells)] = read(path)[2]
    assert line == 2
    assert cells[:3] == ["ann@acme.example", "", "Ann"]
    assert isinstance(cells[3], UnreadableCell)
    assert overflow(cells, 3) == (
        "cell B2 holds a formula with no calculated value (the program that wrote the file "
        "does not calculate): open the file in Excel or LibreOffice and save it again"
    )


def test_an_excel_error_makes_its_row_bad(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "e.xlsx", [["Email", "Owner"], ["ann@acme.example", "x"]])
    rewrite_sheet(path, {r'<c r="B2" t="inlineStr"><is><t>x</t></is></c>':
                         '<c r="B2" t="e"><v>#N/A</v></c>'})  # fmt: skip
    [(_, cells)] = read(path)[2]
    assert overflow(cells, 2) == "cell B2 holds Excel's error #N/A"


def test_an_empty_sheet_is_refused(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "empty.xlsx", [])
    with pytest.raises(TableError, match=r"sheet 'Sheet1' is empty \(no header row\)"):
        read(path)


def test_a_one_column_sheet(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "one.xlsx", [["Email"], ["ann@acme.example"], ["b@x.nl"]])
    assert read(path) == (["Email"], 1, [(2, ["ann@acme.example"]), (3, ["b@x.nl"])])


def test_a_workbook_is_read_whatever_its_name(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "export.csv", [["Email", "Name"], ["a@b.nl", "A"]])
    assert read(path)[2] == [(2, ["a@b.nl", "A"])]


def _ole2(tail: bytes) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600) + tail + bytes(100)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_ole2(b"Workbook".join([b"", b""])), r"an Excel 97-2003 workbook \(\.xls\).*save it as "
         r"\.xlsx"),
        (_ole2("EncryptedPackage".encode("utf-16-le")), "a password-protected workbook.*remove "
         "the password"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(64), r"the workbook cannot be read .*save it as "
         r"\.xlsx"),
    ],
    ids=["xls", "password-protected xlsx", "damaged xlsx"],
)  # fmt: skip
def test_workbooks_leadflow_cannot_read_are_refused_saying_what_to_do(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "leads.xlsx"
    path.write_bytes(data)
    with pytest.raises(TableError, match=f"leads.xlsx: {message}"):
        read(path)


def test_an_opendocument_spreadsheet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "leads.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(TableError, match=r"an OpenDocument spreadsheet \(\.ods\).*CSV UTF-8"):
        read(path)


def test_a_truncated_workbook_is_refused(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "cut.xlsx", [["Email", "Name"], ["ann@acme.example", "Ann"]])
    path.write_bytes(path.read_bytes()[:-200])  # the archive's directory is at its end
    with pytest.raises(TableError, match="the workbook cannot be read"):
        read(path)


def test_inline_rich_text_is_read_as_its_plain_text(tmp_path: Path) -> None:
    """Runs of differently formatted text are one value; a phonetic guide is not text."""
    path = write_workbook(tmp_path / "rich.xlsx", [["Email", "Name"], ["ann@acme.example", "x"]])
    rich = (
        '<c r="B2" t="inlineStr"><is><r><t>Yam</t></r><r><rPr><b/></rPr><t>ada</t></r>'
        '<rPh sb="0" eb="3"><t>ヤマダ</t></rPh></is></c>'
    )
    rewrite_sheet(path, {r'<c r="B2" t="inlineStr"><is><t>x</t></is></c>': rich})
    assert read(path)[2] == [(2, ["ann@acme.example", "Yamada"])]


def share_strings(path: Path) -> None:
    """Move the sheet's text into a shared string table, as Excel writes it (openpyxl
    writes text inline)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    table: list[str] = []

    def shared(match: re.Match[str]) -> str:
        table.append(match.group(2))
        return f'<c r="{match.group(1)}" t="s"><v>{len(table) - 1}</v></c>'

    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(
        r'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>([^<]*)</t></is></c>', shared,
        parts[sheet].decode(),
    ).encode()  # fmt: skip
    items = "".join(f"<si><t>{text}</t></si>" for text in table)
    parts["xl/sharedStrings.xml"] = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(table)}" uniqueCount="{len(table)}">{items}</sst>'
    ).encode()
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/></Types>'.encode(),
    )
    relation = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdS" Type="{relation}" Target="sharedStrings.xml"/>'.encode()
        + b"</Relationships>",
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_text_in_a_shared_string_table_as_excel_writes_it(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "excel.xlsx",
        [
            ["Report"],
            ["Email", "Name", "Since"],
            ["ann@acme.example", "Ann", excel_time(2025, 3, 4)],
        ],
    )
    share_strings(path)
    with zipfile.ZipFile(path) as archive:
        assert b't="inlineStr"' not in archive.read("xl/worksheets/sheet1.xml")
    assert read(path) == (
        ["Email", "Name", "Since"],
        2,
        [(3, ["ann@acme.example", "Ann", "2025-03-04"])],
    )


def test_a_value_in_a_column_without_a_header_names_its_cell(tmp_path: Path) -> None:
    """Not the CSV's guess about an unquoted delimiter: a workbook has none."""
    path = write_workbook(
        tmp_path / "wide.xlsx",
        [["Email", "Name"], ["ann@acme.example", "Ann", None, "call back"], ["b@x.nl", "B", " "]],
    )
    (_, first), (_, second) = read(path)[2]
    assert overflow(first, 2) == "cell D2 holds 'call back' in a column without a header"
    assert overflow(second, 2) is None  # blank there is nothing, as in a CSV


def test_a_damaged_sheet_half_way_is_refused(tmp_path: Path) -> None:
    """A shared string the table does not hold, met on row 3: the file, not the row."""
    path = write_workbook(
        tmp_path / "bad.xlsx", [["Email", "Name"], ["a@b.nl", "A"], ["c@d.nl", "C"]]
    )
    share_strings(path)
    rewrite_sheet(path, {r'<c r="B3" t="s"><v>\d+</v></c>': '<c r="B3" t="s"><v>99</v></c>'})
    with pytest.raises(TableError, match="the workbook cannot be read"):
        read(path)
