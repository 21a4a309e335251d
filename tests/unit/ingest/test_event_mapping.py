"""Events mapping files: the shorthand and full forms; each mistake named by its key."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from leadflow.ingest.event_mapping import (
    PropertyColumn,
    TypeColumn,
    Unmapped,
    load_event_mapping,
)
from leadflow.ingest.formats.mapping_file import MappingError

FULL = """
source: webinars
at: {column: Join Time, format: "%d/%m/%Y %H:%M", timezone: Europe/Amsterdam}
email: E-mail
contact_id: {column: leadId, namespace: marketo}
visitor_id: Cookie
type:
  column: Activity Type
  values: {"Email Clicked": email_click, 10: email_open, "Email Sent": null}
  unmapped: skip
custom_types: [booth_scan]
id: [Type, Activity ID]
properties:
  url: Page URL
  form: {column: Asset, types: [email_click]}
"""


ROOT = Path(__file__).resolve().parents[3]


def mapping_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "events.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_full_form_compiles_every_key(tmp_path: Path) -> None:
    mapping = load_event_mapping(mapping_file(tmp_path, FULL))

    assert (mapping.at.column, mapping.at.format) == ("Join Time", "%d/%m/%Y %H:%M")
    assert mapping.at.zone == ZoneInfo("Europe/Amsterdam")
    assert (mapping.email, mapping.contact_id, mapping.contact_namespace) == (
        "E-mail",
        "leadId",
        "marketo",
    )
    assert isinstance(mapping.type, TypeColumn)
    # values are looked up trimmed and in any case; YAML's integer keys become text
    assert dict(mapping.type.values) == {
        "email clicked": "email_click",
        "10": "email_open",
        "email sent": None,
    }
    assert mapping.type.unmapped is Unmapped.SKIP
    assert mapping.id == ("Type", "Activity ID")
    assert dict(mapping.properties) == {
        "url": PropertyColumn("Page URL"),
        "form": PropertyColumn("Asset", frozenset({"email_click"})),
    }
    assert mapping.properties["form"].applies_to("email_click")
    assert not mapping.properties["form"].applies_to("email_open")
    assert mapping.properties["url"].applies_to("email_open")
    assert mapping.custom_types == {"booth_scan"}
    assert dict(mapping.columns())["id[1]"] == "Activity ID"
    assert sorted(name for _, name in mapping.event_types()) == ["email_click", "email_open"]


def test_the_shorthand_forms(tmp_path: Path) -> None:
    text = "at: Date\nemail: Email\ntype: form_submit\nid: Submission ID\n"
    mapping = load_event_mapping(mapping_file(tmp_path, text))

    assert (mapping.at.column, mapping.at.format, mapping.at.zone) == ("Date", None, UTC)
    assert mapping.at.day_first is True
    assert mapping.type == "form_submit"
    assert mapping.id == ("Submission ID",)
    assert dict(mapping.columns()) == {"at": "Date", "email": "Email", "id": "Submission ID"}


BASE = "at: Date\nemail: Email\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- at\n", "an events mapping is a YAML mapping"),
        ("at: [unclosed\n", "not valid YAML"),
        ("email: Email\ntype: form_submit\n", "at: Field required"),
        (BASE, "type: Field required"),
        (BASE + "type: form_submit\ncolour: blue\n", "colour: Extra inputs are not permitted"),
        ("at: Date\ntype: form_submit\n", "names nobody: give the column of email"),
        (BASE + "type: Form-Submit\n", "type: 'Form-Submit' is not an event type"),
        (BASE + "type: {column: Kind}\n", "type: a type column needs 'values'"),
        (BASE + "type: {column: Kind, values: {A: page_view}, unmapped: drop}\n",
         "type.unmapped: Input should be 'reject' or 'skip'"),
        (BASE + "type: {column: Kind, values: {Clicked: Email Click}}\n",
         "type.values.Clicked: 'Email Click' is not an event type"),
        (BASE + "type: {column: Kind, values: {Sent: email_open, SENT: email_click}}\n",
         "type.values.SENT: 'Sent' again, with another type"),
        (BASE + "type: {column: Attended, values: {Yes: webinar_attendance, No: null}}\n",
         "type.values: YAML reads an unquoted yes, no, on, off, true or false as a boolean"),
        (BASE + "type: {constant: page_view, column: Kind, values: {A: page_view}}\n",
         "type: give one type or a column with values, not both"),
        ("at: {column: Date, timezone: Europe/Amsterdm}\nemail: E\ntype: page_view\n",
         "at.timezone: unknown time zone 'Europe/Amsterdm'"),
        ("at: {column: Date, format: '%H:%M'}\nemail: E\ntype: page_view\n",
         "at.format: '%H:%M' does not read a whole date"),
        ("at: {column: Date, form: '%d'}\nemail: E\ntype: page_view\n",
         "at.form: Extra inputs are not permitted"),
        (BASE + "type: page_view\ncustom_types: [Booth Scan]\n",
         "custom_types[0]: 'Booth Scan' is not an event type"),
        (BASE + "type: page_view\nproperties: {url: ''}\n",
         "properties.url.column: String should have"),
        (BASE + "type: page_view\nproperties: {form: {column: A, types: []}}\n",
         "properties.form.types: List should have at least 1 item"),
        (BASE + "type: page_view\nproperties: {form: {column: A, types: [Form Fill]}}\n",
         "properties.form.types[0]: 'Form Fill' is not an event type"),
        (BASE + "type: page_view\nproperties: {form: {column: A, types: [form_submit]}}\n",
         "properties.form.types: no row gets type 'form_submit' (the mapping gives page_view)"),
        (BASE + "type: page_view\nid: []\n", "id: Value should have at least 1 item"),
        (BASE + "type: page_view\nproperties: {campaign: 2026}\n",
         "properties.campaign: 2026 is not a column's name: write it as text"),
        ("at:\nemail: E\ntype: page_view\n", "at: empty: give the column's name"),
        (BASE + "type: page_view\ncontact_id: {namespace: marketo}\n",
         "contact_id.column: Field required"),
    ],
)  # fmt: skip
def test_each_mistake_is_one_message_naming_the_file_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = mapping_file(tmp_path, text)
    with pytest.raises(MappingError) as raised:
        load_event_mapping(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_type_that_is_close_to_a_standard_one_is_suggested(tmp_path: Path) -> None:
    path = mapping_file(tmp_path, BASE + "type: Email-Click\n")
    with pytest.raises(MappingError, match="did you mean 'email_click'"):
        load_event_mapping(path)


def test_the_documented_example_is_the_shipped_one_and_compiles() -> None:
    """docs/store.md shows examples/events/webinar-attendance.*; the command tests run it."""
    doc = (ROOT / "docs" / "store.md").read_text(encoding="utf-8")
    section = doc.split("### Importing a CSV export of events")[1].split("\n## ")[0]
    blocks = section.split("```")
    shipped = ROOT / "examples" / "events"
    assert (shipped / "webinar-attendance.csv").read_text(encoding="utf-8") in blocks[1]
    assert blocks[3] == "yaml\n" + (shipped / "webinar-attendance.yaml").read_text(encoding="utf-8")
    mapping = load_event_mapping(shipped / "webinar-attendance.yaml")
    assert mapping.at.format == "%d/%m/%Y %H:%M"


@pytest.mark.parametrize("name", ["marketo-activities", "eloqua-activities", "webinar-attendance"])
def test_every_shipped_example_compiles(name: str) -> None:
    mapping = load_event_mapping(ROOT / "examples" / "events" / f"{name}.yaml")
    assert list(mapping.event_types())
