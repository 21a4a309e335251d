"""Reading CSV files: encoding and delimiter detection, streaming, line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadflow.ingest.table import (
    TableError,
    detect_delimiter,
    detect_encoding,
    duplicate_headers,
    open_table,
)

EXPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "exports"


def write(tmp_path: Path, data: bytes, name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeffemail,name\r\na@x.nl,Bjørn\r\n".encode())
    assert detect_encoding(path) == "utf-8-sig"
    with open_table(path) as table:
        assert table.header == ["email", "name"]  # no BOM glued to the first header
        assert list(table.rows()) == [(2, ["a@x.nl", "Bjørn"])]


def test_plain_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, "email,name\na@x.nl,Müller\n".encode())
    assert detect_encoding(path) == "utf-8"


def test_latin1_with_accents_and_semicolons() -> None:
    path = EXPORTS / "tradeshow_leads_latin1.csv"
    assert detect_encoding(path) == "cp1252"
    with open_table(path) as table:
        assert table.dialect.delimiter == ";"
        rows = list(table.rows())
    assert rows[0][1][2] == "Müller"
    assert rows[1][1][2] == "Ærøskøbing"
    assert rows[1][1][5] == "Ærøskøbing"


def test_latin1_bytes_undefined_in_cp1252(tmp_path: Path) -> None:
    path = write(tmp_path, b"email;name\na@x.nl;M\xfcller\x81\n")
    assert detect_encoding(path) == "latin-1"


def test_a_late_latin1_byte_is_found_beyond_the_first_chunk(tmp_path: Path) -> None:
    body = b"".join(b"a%d@x.nl,Jan\n" % n for n in range(120_000))  # > 1 MiB of ASCII
    path = write(tmp_path, b"email,name\n" + body + b"z@x.nl,M\xfcller\n")
    assert detect_encoding(path) == "cp1252"


MAC_TEXT = "email;name;city\rj@x.de;Jürgen Müller;Köln\rf@x.fr;Françoise Lefèvre;Besançon\r"


def test_mac_roman_from_excel_for_mac(tmp_path: Path) -> None:
    # Excel for Mac's "Comma Separated Values" writes Mac Roman: its accented small
    # letters are the bytes Windows-1252 uses for punctuation (ü is 0x9f, "Ÿ" there).
    path = write(tmp_path, MAC_TEXT.encode("mac_roman"))
    assert detect_encoding(path) == "mac-roman"
    with open_table(path) as table:
        rows = list(table.rows())
    assert rows == [
        (2, ["j@x.de", "Jürgen Müller", "Köln"]),
        (3, ["f@x.fr", "Françoise Lefèvre", "Besançon"]),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "email;name;note\na@x.ie;Zoë O’Brien;“call me” – ok…\nb@x.fr;René;l’été\n",
        "email;name\na@x.ie;Sean O’Brien\nb@x.ie;Mary O’Neill\n",  # no accented letter
        "email;name\na@x.de;Müller\nb@x.ie;O’Brien\n",
    ],
)
def test_windows_1252_punctuation_inside_words_is_not_mac_roman(tmp_path: Path, text: str) -> None:
    assert detect_encoding(write(tmp_path, text.encode("cp1252"))) == "cp1252"


def test_utf8_with_windows_1252_rows_added_in_excel(tmp_path: Path) -> None:
    # A UTF-8 file without a byte-order mark, opened in Excel (as Windows-1252), a row
    # added, saved: both encodings in one file. Each part is read in its own.
    data = "email;name\na@x.de;Jürgen Müller\n".encode() + "b@x.se;Zoë Ångström\n".encode("cp1252")
    path = write(tmp_path, data)
    assert detect_encoding(path) == "utf-8+cp1252"
    with open_table(path) as table:
        assert table.dialect.encoding == "utf-8+cp1252"
        rows = list(table.rows())
    assert rows == [(2, ["a@x.de", "Jürgen Müller"]), (3, ["b@x.se", "Zoë Ångström"])]


def test_a_windows_1252_file_with_no_utf8_sequence_stays_cp1252(tmp_path: Path) -> None:
    path = write(tmp_path, "email;name\na@x.de;Müller – “ok” 5 €\n".encode("cp1252"))
    assert detect_encoding(path) == "cp1252"


def test_mac_roman_quotes_before_a_letter_are_no_utf8(tmp_path: Path) -> None:
    # «é in Mac Roman is the two bytes of a UTF-8 letter ("ǎ"), but not inside a word.
    text = "email;note\rf@x.fr;«école» à Besançon, l’été\r"
    assert detect_encoding(write(tmp_path, text.encode("mac_roman"))) == "mac-roman"


def test_utf16_from_excel_unicode_text(tmp_path: Path) -> None:
    path = write(tmp_path, "email\tname\r\na@x.nl\tÆrø\r\n".encode("utf-16"))
    with open_table(path) as table:
        assert table.dialect == table.dialect.__class__("utf-16", "\t")
        assert list(table.rows()) == [(2, ["a@x.nl", "Ærø"])]


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2,5;3\n", ";"),  # a decimal comma inside a semicolon file
        ("a\tb\n1\t2\n", "\t"),
        ("a|b\n1|2\n", "|"),
        ('name;note\n"Jan";"x, y, z"\n', ";"),
        ("email\na@x.nl\n", ","),
        ("a;b;c\n1;2;3;\n4;5;6;\n", ";"),  # a trailing delimiter on the data rows only
    ],
)
def test_delimiter_detection(sample: str, expected: str) -> None:
    assert detect_delimiter(sample) == expected


def test_line_numbers_survive_multiline_fields_and_blank_lines(tmp_path: Path) -> None:
    data = 'email,note\n\na@x.nl,"one\ntwo\nthree"\nb@x.nl,plain\n\n\nc@x.nl,"x\r\ny"\nd@x.nl,z\n'
    path = write(tmp_path, data.encode())
    with open_table(path) as table:
        lines = [line for line, _ in table.rows()]
    assert lines == [3, 6, 9, 11]
    assert data.splitlines()[5].startswith("b@x.nl")
    assert data.splitlines()[10].startswith("d@x.nl")


def test_header_after_blank_lines(tmp_path: Path) -> None:
    path = write(tmp_path, b"\n\n email , name \na@x.nl,Jan\n")
    with open_table(path) as table:
        assert table.header == ["email", "name"]
        assert list(table.rows()) == [(4, ["a@x.nl", "Jan"])]


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TableError, match="empty"), open_table(write(tmp_path, b"")):
        pass


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TableError, match="cannot read"), open_table(tmp_path / "nope.csv"):
        pass


def test_rows_stream_without_reading_the_whole_file(tmp_path: Path) -> None:
    body = b"".join(b"a%d@x.nl,Jan\n" % n for n in range(300_000))
    path = write(tmp_path, b"email,name\n" + body)
    with open_table(path) as table:
        rows = table.rows()
        next(rows)
        assert table.bytes_read < table.size / 2
        assert sum(1 for _ in rows) == 299_999
        assert table.bytes_read == table.size


@pytest.mark.parametrize(
    ("first_line", "delimiter"), [("sep=;", ";"), ("SEP=,", ","), ("sep=\t", "\t"), ("sep=|", "|")]
)
def test_excels_separator_line_names_the_delimiter_and_is_not_the_header(
    tmp_path: Path, first_line: str, delimiter: str
) -> None:
    # Excel's "sep=" hint: the header is the next line, and line numbers stay the file's.
    data = f"{first_line}\r\nemail{delimiter}name\r\na@x.nl{delimiter}Jan\r\n"
    path = write(tmp_path, data.encode("cp1252"))
    with open_table(path) as table:
        assert table.dialect.delimiter == delimiter
        assert table.header == ["email", "name"]
        assert table.header_line == 2
        assert list(table.rows()) == [(3, ["a@x.nl", "Jan"])]


def test_a_separator_line_after_a_bom_and_before_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbfsep=;\r\n")
    with pytest.raises(TableError, match="empty"), open_table(path):
        pass


def test_the_delimiter_option_wins_over_the_separator_line(tmp_path: Path) -> None:
    path = write(tmp_path, b"sep=,\nemail;name\na@x.nl;Jan\n")
    with open_table(path, delimiter=";") as table:
        assert table.header == ["email", "name"]


@pytest.mark.parametrize(
    ("codec", "expected"), [("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")]
)
def test_utf16_without_a_byte_order_mark(tmp_path: Path, codec: str, expected: str) -> None:
    data = 'Id\tEmail\tCompany\r\n00Q1\ta@x.de\t"Müller\r\nGmbH"\r\n00Q2\tb@x.fr\tSociété\r\n'
    path = write(tmp_path, data.encode(codec))
    assert detect_encoding(path) == expected
    with open_table(path) as table:
        assert table.dialect.delimiter == "\t"
        assert list(table.rows()) == [
            (2, ["00Q1", "a@x.de", "Müller\r\nGmbH"]),
            (4, ["00Q2", "b@x.fr", "Société"]),
        ]


@pytest.mark.parametrize(
    "head",
    [b"PK\x03\x04\x14\x00\x06\x00\x08\x00", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"],
    ids=["xlsx", "xls"],
)
def test_a_workbook_is_refused_with_what_to_do(tmp_path: Path, head: bytes) -> None:
    path = write(tmp_path, head + bytes(range(256)) * 4, "leads.xlsx")
    with pytest.raises(TableError, match=r"leads.xlsx: a spreadsheet workbook.*CSV UTF-8"):
        detect_encoding(path)


def test_binary_data_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 8)
    with pytest.raises(TableError, match="binary data"), open_table(path):
        pass


@pytest.mark.parametrize(
    "data",
    [
        'email,note\na@x.nl,"opened\nb@x.nl,Jan\nc@x.nl,Piet\n',  # the rest would be one cell
        'email,note\na@x.nl,"opened',
        'email,note\na@x.nl,"a ""quoted"" word\nb@x.nl,Jan\n',
    ],
)
def test_a_quote_never_closed_names_its_line_instead_of_swallowing_the_rest(
    tmp_path: Path, data: str
) -> None:
    path = write(tmp_path, data.encode())
    with (
        pytest.raises(TableError, match=r"line 2: a cell opened with a quote"),
        open_table(path) as table,
    ):
        list(table.rows())


def test_a_quote_never_closed_in_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, b'email,"note\na@x.nl,Jan\n')
    with pytest.raises(TableError, match=r"line 1: the header: a cell opened"), open_table(path):
        pass


@pytest.mark.parametrize(
    ("data", "rows"),
    [
        ('email,note\na@x.nl,"multi\nline"', [(2, ["a@x.nl", "multi\nline"])]),
        ('email,note\na@x.nl,"ends with a break\n"\n', [(2, ["a@x.nl", "ends with a break\n"])]),
        ('email,note\na@x.nl,5" disk\n', [(2, ["a@x.nl", '5" disk'])]),
        ("email,note\n", []),
    ],
)
def test_closed_quotes_and_quotes_inside_a_cell_read_as_before(
    tmp_path: Path, data: str, rows: list[tuple[int, list[str]]]
) -> None:
    with open_table(write(tmp_path, data.encode())) as table:
        assert list(table.rows()) == rows


@pytest.mark.parametrize("rows", [1, 30_000], ids=["in the sample", "beyond the text buffer"])
def test_a_byte_the_given_encoding_cannot_decode_names_its_line(tmp_path: Path, rows: int) -> None:
    body = b"".join(b"a%d@x.nl,Jan\n" % n for n in range(rows))
    path = write(tmp_path, b"email,name\n" + body + b"z@x.nl,M\xfcller\n")
    line = rows + 2
    with (
        pytest.raises(TableError, match=rf"file.csv: line {line}: not valid utf-8"),
        open_table(path, encoding="utf-8") as table,
    ):
        list(table.rows())


def test_duplicate_headers_by_the_importers_rule_with_spreadsheet_positions() -> None:
    header = ["Email", "Name", "", "email", "Notes", "", "Notes", *[f"c{n}" for n in range(20)]]
    header.append("Name")

    exact = duplicate_headers(header)
    folded = duplicate_headers(header, str.casefold)

    assert [(d.written, d.positions) for d in exact] == [
        (("Name", "Name"), (1, 27)),
        (("Notes", "Notes"), (4, 6)),
    ]
    assert exact[0].where() == "'Name' in columns 2 (B) and 28 (AB)"
    assert folded[0].where() == (
        "'Email' in column 1 (A) and 'email' in column 4 (D), which are one header to the importer,"
    )
    assert (
        folded[0]
        .refused("email")
        .startswith(
            "the header has 'Email' in column 1 (A) and 'email' in column 4 (D), which are one "
            "header to the importer, and reads it as email"
        )
    )


SALESFORCE_FOOTER = (
    '""\r\n""\r\n"Demo Org Inc."\r\n'
    '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\r\n'
    '"Confidential Information - Do Not Distribute"\r\n'
    '"Generated By:  Jane Doe  11/23/2026 10:15 AM"\r\n"Demo Org Inc."\r\n'
)


def test_a_salesforce_report_footer_is_not_rows(tmp_path: Path) -> None:
    # Classic "Export Details" ends with the org's name, a copyright line and who made it:
    # read as rows, the org's name became a lead whose record id was "Demo Org Inc.".
    path = tmp_path / "report.csv"
    path.write_text(
        '"Lead ID","Email"\r\n"00Q1","a@x.example"\r\n"Solo"\r\n"00Q2","b@x.example"\r\n'
        + SALESFORCE_FOOTER,
        newline="",
    )

    with open_table(path) as table:
        rows = list(table.rows())

    assert rows == [(2, ["00Q1", "a@x.example"]), (3, ["Solo"]), (4, ["00Q2", "b@x.example"])]


def test_rows_after_a_salesforce_footer_are_an_error_not_dropped(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text('"Lead ID","Email"\r\n' + SALESFORCE_FOOTER + '"00Q9","z@x.example"\r\n')

    with open_table(path) as table, pytest.raises(TableError, match=r"line 9: .*footer \(line 4\)"):
        list(table.rows())


def test_a_salesforce_footer_padded_by_a_spreadsheet_is_not_rows(tmp_path: Path) -> None:
    # The report opened in Excel and saved again: every footer line gets the header's
    # width of empty cells.
    padded = "".join(line + ",,\r\n" for line in SALESFORCE_FOOTER.splitlines())
    path = tmp_path / "report.csv"
    path.write_text(
        "Lead ID,Email,Last Name\r\n00Q1,a@x.example,A\r\nSolo,,\r\n00Q2,b@x.example,B\r\n"
        + padded,
        newline="",
    )

    with open_table(path) as table:
        rows = list(table.rows())

    assert rows == [
        (2, ["00Q1", "a@x.example", "A"]),
        (3, ["Solo", "", ""]),
        (4, ["00Q2", "b@x.example", "B"]),
    ]


def test_a_record_of_empty_cells_is_blank_like_an_empty_line(tmp_path: Path) -> None:
    # Spreadsheets write ",,," for rows that were only formatted; they hold nobody.
    path = tmp_path / "people.csv"
    path.write_text("email,last_name\r\n,\r\na@x.example,A\r\n , \r\n,\r\n", newline="")

    with open_table(path) as table:
        rows = list(table.rows())

    assert rows == [(3, ["a@x.example", "A"])]


@pytest.mark.parametrize("newline", ["\r", "\n", "\r\n"], ids=["CR (classic Mac)", "LF", "CRLF"])
def test_a_separator_line_is_read_whatever_ends_the_lines(tmp_path: Path, newline: str) -> None:
    # Excel for Mac and FileMaker end lines with a lone CR: the "sep=;" line is still a
    # hint, not the header.
    lines = ["sep=;", "email;name;note", "a@x.nl;Jan;", "b@x.nl;Zoë;x"]
    path = write(tmp_path, (newline.join(lines) + newline).encode("cp1252"))
    with open_table(path) as table:
        assert (table.dialect.delimiter, table.header, table.header_line) == (
            ";", ["email", "name", "note"], 2,
        )  # fmt: skip
        assert list(table.rows()) == [(3, ["a@x.nl", "Jan", ""]), (4, ["b@x.nl", "Zoë", "x"])]


def test_delimiter_detection_with_lines_ended_by_a_lone_cr() -> None:
    sample = "email;name;city\ra@x.nl;Jan;Gent\rb@x.nl;Pi"  # the sample cut mid-record
    assert detect_delimiter(sample) == ";"


def test_title_lines_above_the_header_are_skipped(tmp_path: Path) -> None:
    # A report saved from a spreadsheet as CSV keeps its title and filter lines (one cell
    # each, padded to the report's width) above the header, as in a workbook.
    data = (
        "Leads mit Quelle;;\r\nGefiltert nach:;;\r\n;;\r\n"
        "Lead-ID;E-Mail;Nachname\r\n00Q1;a@x.example;A\r\n00Q2;b@x.example;B\r\n"
    )
    path = write(tmp_path, data.encode())
    with open_table(path) as table:
        assert (table.dialect.delimiter, table.header, table.header_line) == (
            ";", ["Lead-ID", "E-Mail", "Nachname"], 4,
        )  # fmt: skip
        assert list(table.rows()) == [
            (5, ["00Q1", "a@x.example", "A"]),
            (6, ["00Q2", "b@x.example", "B"]),
        ]


def test_title_lines_without_padding_do_not_hide_the_delimiter(tmp_path: Path) -> None:
    path = write(tmp_path, b"Leads report\nAll leads\nLead ID;Email\n00Q1;a@x.example\n")
    with open_table(path) as table:
        assert (table.dialect.delimiter, table.header) == (";", ["Lead ID", "Email"])
        assert list(table.rows()) == [(4, ["00Q1", "a@x.example"])]


@pytest.mark.parametrize("count", [3, 40])
def test_a_one_column_file_keeps_its_first_line_as_header_and_every_row(
    tmp_path: Path, count: int
) -> None:
    # No record has two cells: the header is the first line, and the records read while
    # looking for another are rows, in order.
    emails = [f"p{n}@x.example" for n in range(count)]
    path = write(tmp_path, ("email\n\n" + "\n".join(emails) + "\n").encode())
    with open_table(path) as table:
        assert (table.header, table.header_line) == (["email"], 1)
        assert list(table.rows()) == [(n + 3, [email]) for n, email in enumerate(emails)]
