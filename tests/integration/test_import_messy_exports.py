"""Exports as sales-ops people really produce them import end to end, or are refused with
the line and the reason and nothing written: Excel's "CSV (semicolon)" in Windows-1252
with its ``sep=;`` line, Salesforce Data Loader's UTF-16, a quote never closed, shifted
cells, workbooks, and the public X Education leads through a mapping (SQLite;
PostgreSQL too when LEADFLOW_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from leadflow.domain.clock import FixedClock
from leadflow.ingest.convert import HeaderError, RowConverter
from leadflow.ingest.formats import get_format
from leadflow.ingest.formats.mapping_file import load_mapping
from leadflow.ingest.record import RowError
from leadflow.ingest.table import TableError, open_table
from leadflow.services.import_contacts import ContactImport, ImportOptions, import_contacts
from leadflow.store.models import Account, Consent, Contact
from tests.integration.test_import_contacts import EXPORTS, consents, contact, rows, write_csv

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def imported(engine: Engine, path: Path, format_name: str, **options: object) -> ContactImport:
    settings = ImportOptions(get_format(format_name), **options)  # type: ignore[arg-type]
    return import_contacts(engine, path, settings, clock=FixedClock(NOW))


def test_a_german_excel_export_in_windows_1252_with_its_separator_line(engine: Engine) -> None:
    summary = imported(engine, EXPORTS / "hubspot_contacts_de_excel.csv", "hubspot")
    assert (summary.committed, summary.created, summary.rejected) == (True, 4, 0), [
        (p.line, p.reason) for p in summary.problems
    ]
    assert (summary.encoding, summary.delimiter) == ("cp1252", ";")
    assert summary.unknown_columns == ["Adresse"]  # the two empty trailing headers: ignored
    juergen = contact(engine, "juergen.mueller@baeckerei-demo.example.de")
    # "+49 89 1234567 Durchwahl 12": the direct dial is part of the number dialled.
    assert (juergen["first_name"], juergen["phone"], juergen["country"]) == (
        "Jürgen", "+4989123456712", "DE",
    )  # fmt: skip
    assert juergen["created_at"] == datetime(2025, 11, 23, tzinfo=UTC)
    assert juergen["attributes"]["adresse"] == "Hauptstraße 1 80331 München"
    francoise = contact(engine, "f.dupre@conseil-demo.example.fr")
    assert (francoise["phone"], francoise["country"]) == ("+33123456789", "FR")
    assert francoise["created_at"] == datetime(2025, 11, 23, 14, 5, tzinfo=UTC)
    assert consents(engine, francoise["id"])["email"][0] == "withdrawn"  # "Ja": unsubscribed
    zoe = contact(engine, "zoe@handel-demo.example.at")
    assert (zoe["last_name"], zoe["phone"], zoe["country"]) == ("Ångström", "+43662123456", "AT")
    assert zoe["created_at"] == datetime(2025, 11, 26, 12, tzinfo=UTC)  # Excel serial 45987,5
    assert contact(engine, "inaki@fabrica-demo.example.es")["country"] == "ES"  # "España"
    revenue = {a["domain"]: a["revenue"] for a in rows(engine, Account)}
    assert revenue["baeckerei-demo.example.de"] == 1_500_000  # "1,5 Mio. €"
    assert revenue["conseil-demo.example.fr"] == 1234.56  # "EUR 1,234.56"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16"], ids=["no byte-order mark", "with"])
def test_salesforce_data_loader_utf16_tab_separated(
    engine: Engine, tmp_path: Path, codec: str
) -> None:
    text = (
        "Id\tFirstName\tLastName\tEmail\tCompany\tCountry\tCreatedDate\tHasOptedOutOfEmail\r\n"
        '00Q5g00000AbCdEEAV\tAnna\tÖzdemir\tanna@werk-demo.example.de\t"Werk\r\nGmbH"'
        "\tÖsterreich\t2025-11-23T14:05:00.000Z\ttrue\r\n"
        "00Q5g00000AbCdFEAV\tÉmile\tZola\temile@zola-demo.example.fr\tZola SA\tSuisse"
        "\t2025-11-23T14:05:00.000+0000\tfalse\r\n"
    )
    path = tmp_path / "extract.csv"
    path.write_bytes(text.encode(codec))
    summary = imported(engine, path, "salesforce")
    assert (summary.committed, summary.created, summary.rejected) == (True, 2, 0)
    anna = contact(engine, "anna@werk-demo.example.de")
    assert (anna["external_id"], anna["last_name"], anna["company"], anna["country"]) == (
        "salesforce:00Q5g00000AbCdEEAV", "Özdemir", "Werk GmbH", "AT",
    )  # fmt: skip
    assert consents(engine, anna["id"])["email"][0] == "withdrawn"


@pytest.mark.parametrize("parallel", [False, True], ids=["one process", "two processes"])
def test_a_quote_never_closed_writes_nothing_and_names_its_line(
    engine: Engine, tmp_path: Path, parallel: bool
) -> None:
    good = "".join(f"a{n}@acme-demo.example,Ann,fine\n" for n in range(3000))
    path = tmp_path / "notes.csv"
    path.write_text(f'Email,First Name,Notes\n{good}z@acme-demo.example,Zed,"open\n{good}')
    with pytest.raises(TableError, match=r"notes.csv: line 3002: a cell opened with a quote"):
        imported(engine, path, "hubspot", parallel=parallel, batch_size=500)
    assert rows(engine, Contact) == []


def test_shifted_cells_are_a_rejected_row_and_trailing_delimiters_are_not(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "semicolons.csv"
    path.write_text(
        "Email;First Name;Job Title\n"
        "ann@acme-demo.example;Ann;Head of IT;\n"  # a trailing delimiter: harmless
        "bob@acme-demo.example;Bob;Sales; Marketing\n"  # an unquoted ';' in the title
        "cy@acme-demo.example;Cy;CFO;\n"
        "di@acme-demo.example;Di;CTO;\n",
        encoding="utf-8",
    )
    summary = imported(engine, path, "hubspot")
    assert not summary.committed
    assert [(p.line, p.reason) for p in summary.problems] == [
        (3, "4 cells, the header has 3 columns (a delimiter inside a cell that is not quoted?)")
    ]
    assert rows(engine, Contact) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"\xef\xbb\xbf", "the file is empty"),
        (b"sep=;\r\n", "the file is empty"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(64), "the workbook cannot be read"),
    ],
    ids=["empty", "only a byte-order mark", "only the separator line", "xlsx"],
)
def test_files_with_nothing_to_import_are_refused_in_one_line(
    engine: Engine, tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(data)
    with pytest.raises(TableError, match=message):
        imported(engine, path, "hubspot")
    assert rows(engine, Contact) == []


def test_a_header_without_rows_imports_nothing_and_says_so(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(b"\xef\xbb\xbfEmail;First Name\r\n")
    summary = imported(engine, path, "hubspot")
    assert (summary.committed, summary.rows, summary.created) == (True, 0, 0)


X_EDUCATION_MAPPING = """
name: x-education
columns:
  Prospect ID: external_id
  Lead Source: channel
  Lead Origin: source_detail
  Do Not Email: email_opt_out
  Do Not Call: phone_opt_out
  Country: country
  City: city
empty_words: ["Select", "unknown"]   # the form's default, and an unknown country
"""


def test_the_x_education_leads_through_a_mapping(shared_data: Path, tmp_path: Path) -> None:
    """9,240 real leads: CRLF, a trailing comma on every line (an empty last header),
    the form default "Select". Every row converts except the two whose country is a
    region ("Asia/Pacific Region"), each named with its line."""
    mapping = tmp_path / "x_education.yaml"
    mapping.write_text(X_EDUCATION_MAPPING, encoding="utf-8")
    layout = load_mapping(mapping)
    problems: list[tuple[int, str]] = []
    converted = 0
    with open_table(shared_data / "x_education" / "Leads.csv") as table:
        converter = RowConverter(layout, table.header)
        for line, cells in table.rows():
            try:
                record = converter.convert(line, cells)
            except RowError as error:
                problems.append((error.line, error.reason))
                continue
            converted += 1
            assert record.contact["external_id"].startswith("x-education:")
    assert converted + len(problems) == 9240
    assert [reason for _, reason in problems] == [
        "Country: 'Asia/Pacific Region' is not a country we know (a name or ISO code)"
    ] * 2
    assert all(line > 1 for line, _ in problems)


def test_only_a_yes_withdraws_consent_in_the_excel_export(engine: Engine) -> None:
    imported(engine, EXPORTS / "hubspot_contacts_de_excel.csv", "hubspot")
    statuses = sorted(row["status"] for row in rows(engine, Consent))
    assert statuses == ["withdrawn"]  # only "Ja" withdraws; "Nein", "FALSCH", "0" say nothing


@pytest.mark.parametrize(
    ("header", "named"),
    [
        (["Email", "First Name", "Email"], "'Email' in columns 1 (A) and 3 (C)"),
        (
            ["Email", "First Name", " EMAIL "],
            "'Email' in column 1 (A) and 'EMAIL' in column 3 (C), which are one header",
        ),
    ],
    ids=["same text", "same once folded"],
)
def test_a_repeated_header_the_format_reads_is_refused_naming_both_columns(
    engine: Engine, tmp_path: Path, header: list[str], named: str
) -> None:
    # Which one is the address? Before, the first column was read and the second ignored.
    path = write_csv(tmp_path / "export.csv", header, ["", "Ann", "ann@acme.example"])

    with pytest.raises(HeaderError) as refused:
        imported(engine, path, "hubspot")

    assert named in str(refused.value)
    assert "reads it as the field 'email'" in str(refused.value)
    assert rows(engine, Contact) == []


def test_a_repeated_header_the_format_does_not_read_is_kept_twice_and_noted(
    engine: Engine, tmp_path: Path
) -> None:
    header = ["Email", "Notes", "Internal", "Notes", "Internal"]
    path = write_csv(tmp_path / "export.csv", header, ["ann@acme.example", "a", "", "b", ""])

    summary = imported(engine, path, "hubspot")

    assert summary.committed
    assert contact(engine, "ann@acme.example")["attributes"] == {
        "notes": "a",
        "notes_2": "b",
        "source_system": "hubspot",
    }
    assert summary.header_notes == [
        "the header has 'Notes' in columns 2 (B) and 4 (D); format 'hubspot' does not read "
        "it: kept as attributes notes, notes_2",
        "the header has 'Internal' in columns 3 (C) and 5 (E); format 'hubspot' does not read "
        "it: kept as attributes internal, internal_2",
    ]


def test_a_hubspot_list_view_export_names_the_company_as_associated(
    engine: Engine, tmp_path: Path
) -> None:
    # A list view's export has no "Company Name" property column, but the associated
    # company record's name; the contacts export (older: "Contact ID") has both.
    header = ["Record ID", "Email", "Associated Company", "Associated Company IDs"]
    path = write_csv(tmp_path / "list.csv", header, ["5101", "ann@acme.example", "Acme BV", "9"])
    older = ["Contact ID", "Email", "Company Name", "Associated Company"]
    both = write_csv(tmp_path / "all.csv", older, ["5102", "bo@beta.example", "Beta", "Beta BV"])

    imported(engine, path, "hubspot")
    imported(engine, both, "hubspot")

    ann, bo = contact(engine, "ann@acme.example"), contact(engine, "bo@beta.example")
    assert (ann["external_id"], ann["company"]) == ("hubspot:5101", "Acme BV")
    assert ann["attributes"]["associated_company_ids"] == "9"
    assert (bo["external_id"], bo["company"]) == ("hubspot:5102", "Beta")


def test_a_mac_export_with_lone_cr_line_ends_and_a_separator_line(engine: Engine) -> None:
    # Lines ended by a lone CR (Excel for Mac's "CSV (Macintosh)", FileMaker) under
    # Excel's "sep=;" line: the hint is read, not taken for the header.
    summary = imported(engine, EXPORTS / "hubspot_contacts_mac.csv", "hubspot")
    assert (summary.committed, summary.created, summary.rejected) == (True, 2, 0)
    assert (summary.encoding, summary.delimiter) == ("cp1252", ";")
    juergen = contact(engine, "juergen@kaffee-demo.example.de")
    assert (juergen["external_id"], juergen["first_name"], juergen["phone"]) == (
        "hubspot:901", "Jürgen", "+49891234567",
    )  # fmt: skip
    assert juergen["created_at"] == datetime(2025, 11, 24, tzinfo=UTC)
    zoe = contact(engine, "zoe@atelier-demo.example.fr")
    assert (zoe["last_name"], zoe["phone"], zoe["country"]) == ("Lefèvre", "+33142685300", "FR")
    assert consents(engine, zoe["id"])["email"][0] == "withdrawn"


def test_a_report_saved_as_csv_with_its_title_lines_above_the_header(engine: Engine) -> None:
    # A German Salesforce report opened in Excel and saved as CSV keeps the report's
    # title and filter lines above the header, as its .xlsx does.
    path = EXPORTS / "salesforce_leads_report_de_titled.csv"
    summary = imported(engine, path, "salesforce")
    assert (summary.committed, summary.created, summary.rejected) == (True, 2, 0)
    katrin = contact(engine, "k.schroeder@bau-demo.example.de")
    assert (katrin["external_id"], katrin["last_name"], katrin["country"]) == (
        "salesforce:00Q5g00000AbCdEEAV", "Schröder", "DE",
    )  # fmt: skip
    assert katrin["attributes"]["lead_status"] == "new"
    lukas = contact(engine, "l.gruber@holz-demo.example.at")
    assert (lukas["country"], lukas["attributes"]["lead_status"]) == ("AT", "working")


def test_excel_for_mac_csv_in_mac_roman(engine: Engine) -> None:
    # Excel for Mac's "Comma Separated Values" writes Mac Roman with lone-CR line ends;
    # read as Windows-1252 its accents became other letters and control characters
    # ("MŸller", "Fran\x8doise"), stored without a word.
    summary = imported(engine, EXPORTS / "hubspot_contacts_mac_roman.csv", "hubspot")
    assert (summary.committed, summary.created, summary.rejected) == (True, 3, 0)
    assert (summary.encoding, summary.delimiter) == ("mac-roman", ";")
    francoise = contact(engine, "f.lefevre@atelier-demo.example.fr")
    assert (francoise["first_name"], francoise["last_name"], francoise["title"]) == (
        "Françoise", "Lefèvre", "Gérante",
    )  # fmt: skip
    assert francoise["attributes"]["city"] == "Besançon"
    juergen = contact(engine, "j.mueller@kueche-demo.example.de")
    assert (juergen["last_name"], juergen["company"], juergen["country"]) == (
        "Müller-Lüdenscheidt", "Küchenbau Müller GmbH", "DE",
    )  # fmt: skip
    inigo = contact(engine, "inigo@taller-demo.example.es")
    assert (inigo["first_name"], inigo["last_name"], inigo["country"]) == ("Íñigo", "Ibáñez", "ES")


def test_invisible_characters_pasted_into_cells_are_dropped(engine: Engine) -> None:
    # A zero-width space after an address pasted from a web page, a word joiner, a
    # byte-order mark, a soft hyphen: nobody sees them in a spreadsheet, and the
    # addresses and dates holding them rejected the whole file.
    summary = imported(engine, EXPORTS / "hubspot_contacts_pasted.csv", "hubspot")
    assert (summary.committed, summary.created, summary.rejected) == (True, 3, 0), [
        (p.line, p.reason) for p in summary.problems
    ]
    jan = contact(engine, "jan.jansen@zaagmolen-demo.example.nl")
    assert (jan["first_name"], jan["created_at"]) == ("Jan", datetime(2025, 11, 24, tzinfo=UTC))
    anna = contact(engine, "anna@kanzlei-demo.example.de")
    assert (anna["last_name"], anna["company"]) == ("Schmidt-Müller", "Kanzlei Schmidt")
    assert anna["created_at"] == datetime(2025, 11, 23, tzinfo=UTC)
    luca = contact(engine, "luca@studio-demo.example.it")
    assert (luca["country"], luca["attributes"]["notes"]) == ("IT", "Rückruf erbeten")


def test_a_utf8_export_with_rows_added_in_excel_as_windows_1252(engine: Engine) -> None:
    # Excel read a UTF-8 export without a byte-order mark as Windows-1252, a row was
    # added and the file saved: read whole as cp1252 the old rows became "JÃ¼rgen
    # MÃ¼ller", stored without a word.
    summary = imported(engine, EXPORTS / "hubspot_contacts_excel_edited.csv", "hubspot")
    assert (summary.committed, summary.created, summary.rejected) == (True, 3, 0), [
        (p.line, p.reason) for p in summary.problems
    ]
    assert summary.encoding == "utf-8+cp1252"
    juergen = contact(engine, "juergen@kaffee-demo.example.de")
    assert (juergen["first_name"], juergen["company"], juergen["country"]) == (
        "Jürgen", "Kaffeerösterei Müller", "AT",
    )  # fmt: skip
    assert contact(engine, "celine@atelier-demo.example.fr")["first_name"] == "Céline"
    zoe = contact(engine, "zoe@handel-demo.example.se")
    assert (zoe["last_name"], zoe["company"], zoe["country"]) == (
        "Ångström", "Handel Ångström AB", "SE",
    )  # fmt: skip


def test_record_ids_excel_grouped_by_thousands_are_the_crms_ids(
    engine: Engine, tmp_path: Path
) -> None:
    # The id columns formatted as numbers with separators in German Excel: stored as
    # "hubspot:1.234.567" they were a second id beside the CRM's 1234567, matching
    # nothing when the leads were sent back.
    summary = imported(engine, EXPORTS / "hubspot_contacts_grouped_ids.csv", "hubspot")
    assert (summary.committed, summary.created, summary.rejected) == (True, 2, 0)
    henrik = contact(engine, "h.vogt@werft-demo.example.de")
    assert (henrik["external_id"], henrik["attributes"]["account_ref"]) == (
        "hubspot:1234567", "9876543",
    )  # fmt: skip
    assert contact(engine, "i.brandt@muehle-demo.example.de")["external_id"] == "hubspot:12345678"
    clean = write_csv(
        tmp_path / "clean.csv",
        ["Record ID", "First Name", "Last Name", "Email", "Associated Company ID"],
        ["1234567", "Henrik", "Vogt", "h.vogt@werft-demo.example.de", "9876543"],
    )
    again = imported(engine, clean, "hubspot")
    assert (again.created, again.merged, again.unchanged) == (0, 0, 1)
