"""Reading CSV files: encoding and delimiter detection, streaming, line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadflow.ingest.table import TableError, detect_delimiter, detect_encoding, open_table

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
