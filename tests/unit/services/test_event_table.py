"""CSV rows to events through a mapping: local times to UTC, value maps, keys, columns."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadflow.ingest.event_mapping import EventMapping, load_event_mapping
from leadflow.ingest.formats.mapping_file import MappingError
from leadflow.services.event_table import DERIVED_KEY_PREFIX, RowReader
from leadflow.services.events import IncomingEvent

HEADER = ["E-mail", "Activity", "When", "Page URL", "Form"]
WEBINAR = """
at: {column: When, format: "%d/%m/%Y %H:%M", timezone: Europe/Amsterdam}
email: E-mail
type:
  column: Activity
  values: {"Email Clicked": email_click, "Form Filled Out": form_submit, "Email Sent": null}
properties: {url: Page URL, form: Form}
"""


def mapping(tmp_path: Path, text: str = WEBINAR) -> EventMapping:
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    return load_event_mapping(path)


def reader(tmp_path: Path, text: str = WEBINAR, header: list[str] = HEADER) -> RowReader:
    return RowReader(mapping(tmp_path, text), header, tmp_path / "export.csv", "import")


def event(rows: RowReader, cells: list[str]) -> IncomingEvent:
    read = rows.read(cells)
    assert isinstance(read, IncomingEvent), read
    return read


def row(when: str = "05/03/2026 14:02", activity: str = "Email Clicked", **cells: str) -> list[str]:
    return [cells.get("email", "ann@acme.example"), activity, when, cells.get("url", "/pricing"),
            cells.get("form", "")]  # fmt: skip


@pytest.mark.parametrize(
    ("written", "utc"),
    [
        ("05/03/2026 14:02", datetime(2026, 3, 5, 13, 2, tzinfo=UTC)),  # CET, UTC+1
        ("31/03/2026 09:15", datetime(2026, 3, 31, 7, 15, tzinfo=UTC)),  # CEST, UTC+2
        ("12/01/2026 00:30", datetime(2026, 1, 11, 23, 30, tzinfo=UTC)),  # the day before in UTC
    ],
)
def test_day_first_local_times_are_converted_to_utc(
    tmp_path: Path, written: str, utc: datetime
) -> None:
    at = event(reader(tmp_path), row(written)).at
    assert at == utc
    assert at.tzinfo is UTC


def test_without_a_format_the_date_reader_takes_the_zone_and_day_first(tmp_path: Path) -> None:
    text = WEBINAR.replace('format: "%d/%m/%Y %H:%M", ', "")
    rows = reader(tmp_path, text)

    assert event(rows, row("05.03.2026 14:02")).at == datetime(2026, 3, 5, 13, 2, tzinfo=UTC)
    assert event(rows, row("03/04/2026 10:00")).at == datetime(2026, 4, 3, 8, 0, tzinfo=UTC)
    # a time with its own offset keeps it: the zone is for times written without one
    assert event(rows, row("2026-03-05T14:02:00Z")).at == datetime(2026, 3, 5, 14, 2, tzinfo=UTC)
    month_first = reader(tmp_path, text.replace("Europe/Amsterdam", "UTC, day_first: false"))
    assert event(month_first, row("03/04/2026 10:00")).at == datetime(2026, 3, 4, 10, tzinfo=UTC)


def test_a_time_not_in_the_format_is_a_bad_row_naming_the_column(tmp_path: Path) -> None:
    rows = reader(tmp_path)
    assert rows.read(row("2026-03-05 14:02")) == (
        "When: '2026-03-05 14:02' does not match the format '%d/%m/%Y %H:%M'"
    )
    assert rows.read(row("31/02/2026 10:00")) == (
        "When: '31/02/2026 10:00' does not match the format '%d/%m/%Y %H:%M'"
    )
    assert rows.read(row("")) == "When: empty: every event needs its time"


def test_the_value_map_gives_types_and_leaves_out_what_maps_to_null(tmp_path: Path) -> None:
    rows = reader(tmp_path)

    assert event(rows, row(activity="Email Clicked")).type == "email_click"
    assert event(rows, row(activity="  form filled OUT ")).type == "form_submit"  # any case
    assert rows.read(row(activity="Email Sent")) is None


def test_an_unmapped_value_is_a_bad_row_unless_the_mapping_skips_it(tmp_path: Path) -> None:
    rejecting = reader(tmp_path)
    skipping = reader(tmp_path, WEBINAR.replace("properties:", "  unmapped: skip\nproperties:"))

    reason = rejecting.read(row(activity="Webinar Registered"))
    assert reason == (
        "Activity: 'Webinar Registered' is not in the mapping's type.values (add it, with "
        "null to leave such rows out, or set type.unmapped: skip)"
    )
    assert rejecting.read(row(activity="")) == "Activity: empty, so the row has no event type"
    assert skipping.read(row(activity="Webinar Registered")) is None
    assert skipping.read(row(activity="")) is None
    assert event(skipping, row()).type == "email_click"


def test_properties_are_the_mapped_non_empty_cells(tmp_path: Path) -> None:
    read = event(reader(tmp_path), row(url=" /pricing ", form=""))
    assert dict(read.properties) == {"url": "/pricing"}
    assert (read.email, read.source, read.visitor_id, read.contact_id) == (
        "ann@acme.example",
        "import",
        None,
        None,
    )


def test_derived_keys_are_stable_across_runs_and_differ_between_rows(tmp_path: Path) -> None:
    first, second = reader(tmp_path), reader(tmp_path)  # two runs, two readers
    key = event(first, row()).key

    assert key == event(second, row()).key
    # pinned: a change to the derivation would store every re-imported row again
    assert key == "row-0844896fbe671df338efcd77bfb15dd8458f558d"
    assert key == event(first, row(email="ANN@acme.example")).key  # the same address
    others = {
        event(first, row(when="05/03/2026 14:03")).key,
        event(first, row(email="bo@beta.example")).key,
        event(first, row(activity="Form Filled Out")).key,
        event(first, row(url="/product/")).key,
        event(first, row(form="contact-sales")).key,
    }
    assert len(others) == 5
    assert key not in others
    assert all(other is not None and other.startswith(DERIVED_KEY_PREFIX) for other in others)


def test_a_derived_key_is_of_the_instant_not_of_how_it_was_written(tmp_path: Path) -> None:
    local = event(reader(tmp_path), row("05/03/2026 14:02"))
    iso_text = WEBINAR.replace('format: "%d/%m/%Y %H:%M", timezone: Europe/Amsterdam', "")
    iso = event(reader(tmp_path, iso_text), row("2026-03-05T13:02:00Z"))
    assert local.key == iso.key


def test_an_id_column_is_the_key_and_several_are_joined(tmp_path: Path) -> None:
    one = reader(tmp_path, WEBINAR + "id: Form\n")
    two = reader(tmp_path, WEBINAR + "id: [Activity, Form]\n")

    assert event(one, row(form="f-17")).key == "f-17"
    assert event(two, row(form="17")).key == "Email Clicked:17"
    assert one.read(row(form="")) == "Form: empty: every row needs its id (the event's key)"


def test_a_contact_id_takes_the_namespace_of_the_contact_import(tmp_path: Path) -> None:
    text = "at: When\ncontact_id: {column: E-mail, namespace: marketo}\ntype: page_view\n"
    plain = "at: When\ncontact_id: E-mail\ntype: page_view\n"
    cells = ["5414087", "", "2026-03-05T13:02:00Z", "", ""]

    assert event(reader(tmp_path, text), cells).contact_id == "marketo:5414087"
    assert event(reader(tmp_path, plain), cells).contact_id == "5414087"


def test_a_salesforce_id_gets_one_key_in_its_15_and_18_character_forms(tmp_path: Path) -> None:
    # A report writes the 15-character id, Data Loader the 18: the same activity exported
    # both ways must derive one key, or re-importing it stores it twice.
    text = "at: When\ncontact_id: {column: E-mail, namespace: salesforce}\ntype: page_view\n"
    rows = reader(tmp_path, text)
    short, long, lower = (
        event(rows, [written, "", "2026-03-05T13:02:00Z", "", ""])
        for written in ("00Q5g00000AbCdE", "00Q5g00000AbCdEEAV", "00q5g00000abcdeeav")
    )

    assert short.contact_id == long.contact_id == lower.contact_id
    assert short.contact_id == "salesforce:00Q5g00000AbCdEEAV"
    assert short.key == long.key == lower.key
    assert rows.read(["00Q5g00000AbCdEAAV", "", "2026-03-05T13:02:00Z", "", ""]) == (
        "E-mail: Salesforce id '00Q5g00000AbCdEAAV' does not check: the id 00Q5g00000AbCdE"
        " ends in EAV, not AAV (a mistyped or cut id?)"
    )


def test_a_cell_too_long_is_reported_in_the_files_words(tmp_path: Path) -> None:
    reason = reader(tmp_path).read(row(email="a" * 320 + "@x.example"))
    assert reason == "E-mail: String should have at most 320 characters"


def test_columns_are_found_in_any_case_and_a_missing_one_is_named(tmp_path: Path) -> None:
    lower = [name.lower() for name in HEADER]
    assert event(reader(tmp_path, header=lower), row()).type == "email_click"

    with pytest.raises(MappingError) as raised:
        reader(tmp_path, header=["E-mail", "Activity", "When", "Page-URL", "Form"])
    message = str(raised.value)
    assert message.startswith(f"{tmp_path / 'export.csv'}: no column 'Page URL' (named by ")
    assert "map.yaml: properties.url); did you mean 'Page-URL'?" in message
    assert message.endswith("the file's columns: E-mail, Activity, When, Page-URL, Form")


def test_a_short_record_reads_its_missing_cells_as_empty(tmp_path: Path) -> None:
    read = event(reader(tmp_path), ["ann@acme.example", "Email Clicked", "05/03/2026 14:02"])
    assert dict(read.properties) == {}


def test_characters_no_spreadsheet_shows_are_dropped_from_cells(tmp_path: Path) -> None:
    """Pasted from a web page or a chat into the CRM: a zero-width space in the address,
    a soft hyphen in the activity, a word joiner in the time, as the contacts import
    drops them."""
    read = event(
        reader(tmp_path),
        row(
            "05/03/2026\u2060 14:02",
            activity="Email\u00ad Clicked\u200b",
            email="\u200bann@acme.example\ufeff",
            url="/pricing\u200b",
        ),
    )

    assert (read.email, read.type) == ("ann@acme.example", "email_click")
    assert read.at == datetime(2026, 3, 5, 13, 2, tzinfo=UTC)
    assert read.properties["url"] == "/pricing"
