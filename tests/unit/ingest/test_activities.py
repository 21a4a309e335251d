"""Reading one row of a CRM's activity export: channel, outcome, done, moment, person;
and docs/importing.md lists every activity field and built-in header."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadflow.domain.attempt_words import said_as
from leadflow.domain.vocabulary import AttemptChannel, AttemptOutcome, ConversationOutcome
from leadflow.ingest.activities import ActivityReader, ActivityRecord
from leadflow.ingest.activity_formats import ACTIVITY_FORMATS, get_activity_format
from leadflow.ingest.activity_formats.european import _DYNAMICS, _ODOO, _ZOHO
from leadflow.ingest.activity_formats.fields import ACTIVITY_FIELDS
from leadflow.ingest.activity_formats.layouts import (
    _HUBSPOT,
    _PIPEDRIVE,
    _SALESFORCE,
)
from leadflow.ingest.convert import HeaderError
from leadflow.ingest.formats.layout import IGNORE
from leadflow.ingest.record import RowError

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
DOC = (Path(__file__).resolve().parents[3] / "docs" / "importing.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("kind", "word", "value"),
    [
        (AttemptChannel, "Phone", "call"),
        (AttemptChannel, "Anruf", "call"),
        (AttemptChannel, "Appel téléphonique", "call"),
        (AttemptChannel, "ListEmail", "email"),
        (AttemptChannel, "Møte", "meeting"),
        (AttemptChannel, "Event", "meeting"),
        (AttemptOutcome, "Left Voicemail", "voicemail"),
        (AttemptOutcome, "Anrufbeantworter", "voicemail"),
        (AttemptOutcome, "Répondeur", "voicemail"),
        (AttemptOutcome, "Geen gehoor", "no_answer"),
        (AttemptOutcome, "Ikke nådd", "no_answer"),
        (AttemptOutcome, "Número equivocado", "wrong_number"),
        (AttemptOutcome, "Raggiunto", "connected"),
        (AttemptOutcome, "Termin vereinbart", "meeting_booked"),
        (ConversationOutcome, "Pas intéressé", "not_interested"),
    ],
)
def test_a_reps_words_are_read_in_the_main_european_languages(
    kind: type[AttemptChannel], word: str, value: str
) -> None:
    assert said_as(kind, word) == value


def test_a_word_none_of_the_tables_has_is_read_as_nothing() -> None:
    assert said_as(AttemptOutcome, "went fishing") is None
    assert said_as(AttemptChannel, "Task") is None


def _read(format_name: str, header: list[str], row: list[str]) -> ActivityRecord:
    reader = ActivityReader(get_activity_format(format_name), header, now=NOW)
    return reader.convert(2, row)


def test_a_hubspot_contact_cell_gives_its_address_and_the_outcome_column_its_channel() -> None:
    record = _read(
        "hubspot",
        ["Record ID", "Activity date", "Call outcome", "Associated Contact"],
        ["123", "2026-03-02 13:00", "No answer", "Ann Smith (Ann@Acme.example)"],
    )
    assert (record.external_id, record.channel, record.outcome) == ("hubspot:123", "call",
                                                                   "no_answer")  # fmt: skip
    assert record.contact_email == "ann@acme.example"
    assert record.at == datetime(2026, 3, 2, 13, 0, tzinfo=UTC)


def test_a_day_without_a_time_is_the_creation_time_that_day_else_its_start() -> None:
    header = ["Id", "WhoId", "TaskSubtype", "ActivityDate", "Status", "CreatedDate"]
    same_day = _read("salesforce", header,
                     ["00T5g00000Tsk01", "00Q5g00000AnnSm", "Call", "2026-03-03", "Completed",
                      "2026-03-03T15:20:00.000+0000"])  # fmt: skip
    other_day = _read("salesforce", header,
                      ["00T5g00000Tsk02", "00Q5g00000AnnSm", "Call", "2026-03-04", "Completed",
                       "2026-03-03T15:20:00.000+0000"])  # fmt: skip
    assert same_day.at == datetime(2026, 3, 3, 15, 20, tzinfo=UTC)
    assert other_day.at == datetime(2026, 3, 4, tzinfo=UTC)
    assert same_day.contact_ref == "salesforce:00Q5g00000AnnSmEAJ"  # the 18-character form
    assert (same_day.outcome, same_day.outcome_given) == ("no_answer", False)


def test_a_scheduled_meeting_is_planned_and_a_done_one_ahead_of_now_is_refused() -> None:
    header = ["Record ID", "Meeting start time", "Meeting outcome", "Contact email"]
    planned = _read("hubspot", header, ["1", "2026-03-20 10:00", "Scheduled", "a@b.example"])
    assert (planned.done, planned.channel) == (False, "meeting")
    with pytest.raises(RowError, match="later than now") as refused:
        _read("hubspot", header, ["2", "2026-03-20 10:00", "Completed", "a@b.example"])
    assert refused.value.column == "Meeting start time"


def test_an_unknown_outcome_or_status_is_a_bad_row_saying_how_to_map_it() -> None:
    header = ["id", "email", "type", "outcome", "status", "date"]
    with pytest.raises(RowError, match=r"outcome 'Gatekeeper' .* mapping file"):
        _read("generic", header, ["1", "a@b.example", "call", "Gatekeeper", "done", "2026-03-02"])
    with pytest.raises(RowError, match="status 'maybe'"):
        _read("generic", header, ["1", "a@b.example", "call", "", "maybe", "2026-03-02"])


def test_a_header_without_an_id_or_a_person_is_refused() -> None:
    with pytest.raises(HeaderError, match="the activity's id"):
        ActivityReader(get_activity_format("generic"), ["email", "type", "date"], now=NOW)
    with pytest.raises(HeaderError, match="the activity's person"):
        ActivityReader(get_activity_format("pipedrive"), ["ID", "Type", "Due date"], now=NOW)


def test_every_activity_field_and_header_is_documented() -> None:
    section = DOC.split("## Activities: `leadflow import activities`")[1].split("\n## ")[0]
    for name in ACTIVITY_FIELDS:
        assert f"| `{name}` |" in section, name
    for headers in (_SALESFORCE, _HUBSPOT, _PIPEDRIVE, _ODOO, _DYNAMICS, _ZOHO):
        for field, names in headers.items():
            label = "(ignored)" if field == IGNORE else f"`{field}`"
            assert f"| {label} | " + ", ".join(f"`{h}`" for h in names) + " |" in section
    formats = ["hubspot", "salesforce", "pipedrive", "odoo", "dynamics", "zoho", "generic"]
    assert f"--format {'|'.join(formats)}" in section
    assert list(ACTIVITY_FORMATS) == formats


def test_a_salesforce_event_is_a_meeting_held_once_its_start_has_passed() -> None:
    header = ["Id", "WhoId", "EventSubtype", "Subject", "StartDateTime", "OwnerId"]
    person, owner = "00Q5g00000AnnSm", "0055g00000EvaDk"
    held = _read(
        "salesforce",
        header,
        ["00U5g00000Evt01", person, "Event", "Demo", "2026-03-05T10:00Z", owner],
    )
    ahead = _read(
        "salesforce",
        header,
        ["00U5g00000Evt02", person, "Event", "Demo", "2026-03-20T10:00Z", owner],
    )
    assert (held.channel, held.outcome, held.done) == ("meeting", "connected", True)
    assert held.note == "Demo"
    assert (ahead.channel, ahead.done) == ("meeting", False)


@pytest.mark.parametrize(("region", "month"), [("PH", 2), ("US", 2), ("DE", 3)])
def test_slashed_dates_follow_the_regions_order_as_contacts_and_deals_read_them(
    region: str, month: int
) -> None:
    header = ["Record ID", "Activity date", "Call outcome", "Contact email"]
    reader = ActivityReader(get_activity_format("hubspot"), header, now=NOW, default_region=region)
    record = reader.convert(2, ["124", "02/03/2026 13:00", "No answer", "ann@acme.example"])
    day = 5 - month  # 02/03: the 3rd of February month first, the 2nd of March day first
    assert record.at == datetime(2026, month, day, 13, 0, tzinfo=UTC)
