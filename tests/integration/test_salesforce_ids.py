"""One Salesforce lead is one contact whether its id has 15 characters (a report) or 18
(Data Loader, the API): imports and events store and match the 18-character form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock
from leadflow.ingest.formats import get_format
from leadflow.services.events import IncomingEvent, Recorded, Rejected, record_event
from leadflow.services.import_contacts import ContactImport, ImportOptions, import_contacts
from leadflow.store.models import Contact, Event
from tests.integration.services.conftest import START, activate
from tests.integration.test_import_contacts import rows, write_csv

SHORT = "00Q5g00000AbCdE"  # as a report and the lead's page address write it
LONG = "00Q5g00000AbCdEEAV"  # as Data Loader and the API write it
NOW = datetime(2025, 6, 1, tzinfo=UTC)
JANA = "jana.wolf@wolf-technik.example.de"


def _import(engine: Engine, path: Path, at: datetime = NOW) -> ContactImport:
    options = ImportOptions(get_format("salesforce"), default_region="DE")
    return import_contacts(engine, path, options, clock=FixedClock(at))


def _report(tmp_path: Path) -> Path:
    """A lead report: labels as headers, the 15-character id."""
    return write_csv(
        tmp_path / "report.csv",
        ["Lead ID", "First Name", "Last Name", "Title", "Company / Account", "Email"],
        [SHORT, "Jana", "Wolf", "Einkauf", "Wolf Technik GmbH", JANA],
    )  # fmt: skip


def _data_loader(tmp_path: Path, lead_id: str = LONG) -> Path:
    """A Data Loader export of the same lead a month later: API names, 18 characters,
    no e-mail column (the id alone must find the contact)."""
    return write_csv(
        tmp_path / "extract.csv", ["Id", "FirstName", "LastName", "Title"],
        [lead_id, "Jana", "Wolf", "Head of Purchasing"],
    )  # fmt: skip


def test_a_lead_imported_by_its_15_character_id_is_updated_by_its_18_character_id(
    engine: Engine, tmp_path: Path
) -> None:
    first = _import(engine, _report(tmp_path))
    assert (first.created, first.rejected) == (1, 0)
    later = _import(engine, _data_loader(tmp_path), NOW + timedelta(days=30))
    assert (later.created, later.updated, later.rejected) == (0, 1, 0)
    [jana] = rows(engine, Contact)
    assert jana["external_id"] == f"salesforce:{LONG}"
    assert (jana["email"], jana["title"]) == (JANA, "Head of Purchasing")


def test_an_id_whose_case_was_lost_is_the_same_lead(engine: Engine, tmp_path: Path) -> None:
    _import(engine, _report(tmp_path))
    later = _import(engine, _data_loader(tmp_path, LONG.lower()), NOW + timedelta(days=30))
    assert (later.created, later.updated) == (0, 1)
    assert [row["external_id"] for row in rows(engine, Contact)] == [f"salesforce:{LONG}"]


def test_an_18_character_id_whose_checksum_disagrees_is_a_row_error(
    engine: Engine, tmp_path: Path
) -> None:
    summary = _import(engine, _data_loader(tmp_path, SHORT + "AAV"))
    assert (summary.committed, summary.created, summary.rejected) == (False, 0, 1)
    [error] = summary.problems
    assert error.column == "Id"
    assert "ends in EAV, not AAV" in error.reason
    assert rows(engine, Contact) == []


def test_an_event_naming_the_lead_by_either_id_is_attributed_to_it(
    engine: Engine, tmp_path: Path
) -> None:
    _import(engine, _report(tmp_path))
    [jana] = rows(engine, Contact)
    with Session(engine) as session:
        active = activate(session)
        clock = FixedClock(START + timedelta(days=365))
        for key, named in (("e1", f"salesforce:{LONG}"), ("e2", f"salesforce:{SHORT}")):
            event = IncomingEvent("email_open", START, key=key, contact_id=named)
            outcome = record_event(session, event, clock=clock, active=active)
            assert isinstance(outcome, Recorded), outcome
            assert outcome.contact_id == jana["id"]
        bad = IncomingEvent("email_open", START, key="e3", contact_id=f"salesforce:{SHORT}AAV")
        refused = record_event(session, bad, clock=clock, active=active)
        assert isinstance(refused, Rejected)
        assert "ends in EAV, not AAV" in refused.reason
    assert [row["contact_id"] for row in rows(engine, Event)] == [jana["id"], jana["id"]]
    assert len(rows(engine, Contact)) == 1


def test_an_event_seen_first_remembers_the_18_character_id(engine: Engine, tmp_path: Path) -> None:
    """The CRM id an event brings beside an e-mail is stored as an import would store it,
    so the Data Loader export that follows finds the contact."""
    with Session(engine) as session:
        active = activate(session)
        event = IncomingEvent(
            "demo_request", START, key="e1", email=JANA, contact_id=f"salesforce:{SHORT}"
        )
        outcome = record_event(session, event, clock=FixedClock(START), active=active)
        assert isinstance(outcome, Recorded), outcome
    later = _import(engine, _data_loader(tmp_path), NOW)
    assert (later.created, later.updated) == (0, 1)
    [jana] = rows(engine, Contact)
    assert jana["external_id"] == f"salesforce:{LONG}"
