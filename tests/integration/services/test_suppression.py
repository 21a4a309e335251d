"""The suppression list on both databases: an erased person is not re-created by the
company's own data (contact imports of any format, a purchased list, an event import),
the hash is keyed by a secret that survives a restart, lifting works, and the real-time
path of a known contact never reads the list."""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock
from leadflow.ingest.deal_formats import get_deal_format
from leadflow.ingest.formats import get_format
from leadflow.services import forms
from leadflow.services.contacts import create_contact, upsert_contact
from leadflow.services.definitions import ActiveDefinition
from leadflow.services.event_import import import_events
from leadflow.services.events import EventRecorder, IncomingEvent, Suppressed, record_event
from leadflow.services.form_config import FormSpec
from leadflow.services.forms import submit_form
from leadflow.services.gdpr import erase_person
from leadflow.services.identity import merge_contacts
from leadflow.services.import_contacts import ContactImport, ImportOptions, import_contacts
from leadflow.services.import_deals import DealImportOptions, import_deals
from leadflow.services.suppression import (
    Reason,
    SuppressedError,
    check_suppressed,
    lift,
    list_suppressions,
)
from leadflow.store.database import make_engine
from leadflow.store.models import Contact, Event, OutboxMessage, Suppression, WorkspaceSecret

EXPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "exports"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ANA = "ana.gil@acme.example"


def _erase(engine: Engine, email: str, phone: str | None = None) -> int:
    with Session(engine) as session:
        made = create_contact(session, {"email": email, "phone": phone}, NOW, requalify=False)
        done = erase_person(session, made.contact.id, now=NOW)
    return int(done["suppressed"])


def _import(
    engine: Engine, path: Path, format_name: str = "generic", **options: Any
) -> ContactImport:
    choices = ImportOptions(get_format(format_name), **options)
    return import_contacts(engine, path, choices, clock=FixedClock(NOW))


def _csv(path: Path, header: list[str], *records: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(records)
    return path


def _emails(engine: Engine) -> list[str | None]:
    with Session(engine) as session:
        return list(session.scalars(select(Contact.email).order_by(Contact.id)))


def test_the_hash_is_keyed_by_a_secret_that_survives_a_restart(
    engine: Engine, database_url: str
) -> None:
    assert _erase(engine, " Ana.Gil@ACME.example", "+31 20 123 4567") == 2
    with Session(engine) as session:
        [secret] = session.scalars(select(WorkspaceSecret.value)).all()
        digests = dict(session.execute(select(Suppression.kind, Suppression.digest)).tuples().all())
    engine.dispose()

    restarted = make_engine(database_url)
    try:
        with Session(restarted) as session:
            found = check_suppressed(session, email=ANA, phone="+31201234567")
            assert session.scalars(select(WorkspaceSecret.value)).all() == [secret]
    finally:
        restarted.dispose()

    plain = {hashlib.sha256(text.encode()).hexdigest() for text in (ANA, f"email:{ANA}")}
    assert digests["email"] not in plain
    keyed = hmac.new(bytes.fromhex(secret), f"email:{ANA}".encode(), hashlib.sha256).hexdigest()
    assert digests["email"] == keyed
    assert sorted(f.kind for f in found) == ["email", "phone"]


def test_erasing_a_merged_person_suppresses_every_address_they_had(engine: Engine) -> None:
    with Session(engine) as session:
        first = create_contact(session, {"email": ANA}, NOW, requalify=False).contact.id
        second = create_contact(session, {"email": "ana@home.example"}, NOW, requalify=False)
        merge_contacts(session.connection(), first, second.contact.id, now=NOW, requalify=False)
        session.commit()
        done = erase_person(session, second.contact.id, now=NOW, reason=Reason.OBJECTION)
        listed = list_suppressions(session)

    assert done["suppressed"] == 2
    assert (listed.in_force, listed.lifted) == (2, 0)
    assert {row.reason for row in listed.rows} == {"objection"}


def test_the_api_services_refuse_to_create_them_and_lifting_lets_them_back(
    engine: Engine,
) -> None:
    _erase(engine, ANA)
    with Session(engine) as session:
        with pytest.raises(SuppressedError, match="erased on 2026-03-02 \\(erasure\\)"):
            create_contact(session, {"email": ANA.upper()}, NOW)
        with pytest.raises(SuppressedError):
            upsert_contact(session, {"email": ANA}, NOW)
        assert lift(session, email=ANA, by="cli", why="asked to come back", now=NOW) == 1
        session.commit()
        view, created = upsert_contact(session, {"email": ANA}, NOW, requalify=False)
        [row] = list_suppressions(session).rows

    assert created
    assert view.contact.email == ANA
    assert (row.lifted_by, row.lift_reason, row.lifted_at) == ("cli", "asked to come back", NOW)


def test_a_contact_import_refuses_their_rows_with_the_line_and_writes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    _erase(engine, ANA, "+31 20 123 4567")
    path = _csv(
        tmp_path / "contacts.csv",
        ["email", "external_id", "phone", "first_name"],
        ["bo@acme.example", "", "", "Bo"],
        ["ANA.GIL@acme.example", "", "+31201234567", "Ana"],
        ["", "c-7", "+31201234567", "Ana"],  # no address: the phone they had is them
    )

    strict = _import(engine, path)
    assert not strict.committed
    assert [(p.line, p.column) for p in strict.problems] == [(3, "email"), (4, "phone")]
    assert "belongs to a person erased on 2026-03-02 (erasure)" in strict.problems[0].reason
    assert ANA not in strict.problems[0].reason
    assert _emails(engine) == []

    lenient = _import(engine, path, skip_bad_rows=True)
    assert (lenient.committed, lenient.created, lenient.rejected) == (True, 1, 2)
    assert _emails(engine) == ["bo@acme.example"]


SWITCHBOARD = "+49 89 1234 0"


def _phones(engine: Engine) -> dict[str | None, str | None]:
    with Session(engine) as session:
        return dict(session.execute(select(Contact.email, Contact.phone)).tuples().all())


def test_a_colleague_sharing_the_switchboard_is_imported_with_it(
    engine: Engine, tmp_path: Path
) -> None:
    """The e-mail is the person: another, unsuppressed, address on the erased person's
    switchboard number is a colleague, created with the number (the company's line)."""
    _erase(engine, ANA, SWITCHBOARD)
    path = _csv(
        tmp_path / "contacts.csv",
        ["email", "phone", "first_name"],
        ["bo@acme.example", "+49 89 12340", "Bo"],
        ["cy@acme.example", "+49 (0)89 1234-0", "Cy"],
    )

    done = _import(engine, path, default_region="DE")

    assert (done.committed, done.created, done.problems) == (True, 2, [])
    assert _phones(engine) == {"bo@acme.example": "+498912340", "cy@acme.example": "+498912340"}
    with Session(engine) as session:  # still in force for the erased person
        assert [f.kind for f in check_suppressed(session, phone=SWITCHBOARD)] == ["phone"]


def test_the_api_services_take_a_colleague_on_the_switchboard_not_the_erased_address(
    engine: Engine,
) -> None:
    _erase(engine, ANA, SWITCHBOARD)
    with Session(engine) as session:
        made = create_contact(session, {"email": "bo@acme.example", "phone": SWITCHBOARD}, NOW)
        _, created = upsert_contact(session, {"email": "cy@acme.example", "phone": SWITCHBOARD},
                                    NOW)  # fmt: skip
        phone = made.contact.phone
        with pytest.raises(SuppressedError, match="this e-mail address belongs"):
            create_contact(session, {"email": ANA, "phone": "+49 89 9999 1"}, NOW)

    assert created
    assert phone == "+498912340"


def test_a_purchased_list_in_a_crm_format_is_checked_by_address_and_by_phone(
    engine: Engine,
) -> None:
    """Salesforce's leads: Oliver came from a purchased list; Noah has no address, only
    the mobile number an erased contact had."""
    _erase(engine, "oliver.smith@contoso-demo.example.co.uk")
    _erase(engine, "noah@elsewhere.example", "+1 212 555 0100")

    done = _import(engine, EXPORTS / "salesforce_leads.csv", "salesforce",
                   default_region="US", skip_bad_rows=True)  # fmt: skip

    assert sorted((p.line, p.column) for p in done.problems) == [(3, "email"), (5, "phone")]
    assert done.created == 2
    assert "oliver.smith@contoso-demo.example.co.uk" not in _emails(engine)


def test_a_known_person_is_updated_by_an_import_whatever_the_list(
    engine: Engine, tmp_path: Path
) -> None:
    """Only a row that would create a contact is checked: the list suppresses the
    erased, not a person leadflow holds who shares a lifted-then-reused address."""
    _erase(engine, ANA)
    with Session(engine) as session:
        lift(session, email=ANA, by="cli", why="came back", now=NOW)
        session.commit()
    path = _csv(tmp_path / "contacts.csv", ["email", "title"], [ANA, "CTO"])

    assert _import(engine, path).created == 1
    again = _import(engine, path)
    assert (again.committed, again.unchanged) == (True, 1)


def _events_file(path: Path, *emails: str) -> Path:
    lines = [
        {"id": f"e{n}", "type": "demo_request", "at": "2026-03-01T09:00:00Z", "email": email}
        for n, email in enumerate(emails)
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_an_event_import_reports_their_lines_and_stores_nothing_of_them(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    _erase(engine, ANA)
    path = _events_file(tmp_path / "events.jsonl", "bo@acme.example", ANA)

    strict = import_events(path, recorder, strict=True)
    lenient = import_events(path, recorder)

    assert not strict.written
    assert [p.line for p in strict.problems] == [2]
    assert "belongs to a person erased" in strict.problems[0].reason
    assert (lenient.recorded, lenient.rejected) == (1, 1)
    assert [p.line for p in lenient.problems] == [2]
    assert _emails(engine) == ["bo@acme.example"]
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 1


def test_a_deal_import_naming_them_is_a_bad_row_it_creates_nobody(
    engine: Engine, tmp_path: Path
) -> None:
    _erase(engine, ANA)
    path = _csv(tmp_path / "deals.csv", ["external_id", "status", "contact_email"],
                ["d1", "won", ANA])  # fmt: skip

    done = import_deals(engine, path, DealImportOptions(get_deal_format("generic")),
                        clock=FixedClock(NOW))  # fmt: skip

    assert not done.committed
    assert [p.line for p in done.problems] == [2]
    assert _emails(engine) == []


def test_an_event_for_them_is_acknowledged_without_storing_anything(
    session: Session, active: ActiveDefinition
) -> None:
    made = create_contact(session, {"email": ANA}, NOW, requalify=False)
    erase_person(session, made.contact.id, now=NOW)
    incoming = IncomingEvent("demo_request", NOW, key="k1", email=ANA, visitor_id="v1")

    outcome = record_event(session, incoming, clock=FixedClock(NOW), active=active)

    assert isinstance(outcome, Suppressed)
    assert "erased" in outcome.reason
    assert session.scalars(select(Contact)).all() == []
    assert session.scalars(select(Event)).all() == []


def test_a_known_contacts_event_never_reads_the_list(
    session: Session, active: ActiveDefinition, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("statements are traced through SQLite's driver")
    made = create_contact(session, {"email": "gone@acme.example"}, NOW, requalify=False)
    erase_person(session, made.contact.id, now=NOW)  # a list and a secret to read
    clock = FixedClock(NOW)
    record_event(session, IncomingEvent("page_view", NOW, email=ANA), clock=clock, active=active)
    handle = session.connection().connection.driver_connection
    assert handle is not None
    statements: list[str] = []
    handle.set_trace_callback(statements.append)
    try:
        record_event(session, IncomingEvent("page_view", NOW, email=ANA), clock=clock,
                     active=active)  # fmt: skip
        known, statements[:] = list(statements), []
        record_event(session, IncomingEvent("page_view", NOW, email="new@acme.example"),
                     clock=clock, active=active)  # fmt: skip
        new = list(statements)
    finally:
        handle.set_trace_callback(None)

    def list_reads(traced: list[str]) -> list[str]:
        return [s for s in traced if "suppressions" in s or "workspace_secrets" in s]

    assert known  # traced
    assert list_reads(known) == []
    assert len(list_reads(new)) == 2  # the secret, then the digest: only for a new contact


def test_a_confirmation_that_failed_half_way_completes_when_the_link_is_followed_again(
    session: Session, active: ActiveDefinition, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Following a pending link creates the contact (committed) before recording its
    events: a failure in between leaves the link pending, and following it again ends
    the confirmation instead of answering an error for ever."""
    made = create_contact(session, {"email": ANA}, NOW, requalify=False)
    erase_person(session, made.contact.id, now=NOW)
    clock = FixedClock(NOW)
    spec = FormSpec(event="demo_request", double_opt_in=True)
    events = {"trial": "demo_request"}  # forms.yaml's, as the server passes them
    sent = submit_form(session, "trial", spec, {"email": ANA}, visitor_id=None, active=active,
                       clock=clock, confirm_base="https://leads.example/forms/confirm")  # fmt: skip
    requested = OutboxMessage.kind == "form.confirmation_requested"
    link = session.scalars(select(OutboxMessage.payload).where(requested)).one()["confirm_url"]
    token = link.rsplit("/", 1)[1]

    def failing(*args: object, **options: object) -> None:
        raise RuntimeError("the database went away")

    with monkeypatch.context() as patched:
        patched.setattr(forms, "record_events", failing)
        with pytest.raises(RuntimeError):
            forms.confirm(session, token, active=active, clock=clock, form_events=events)
    session.rollback()
    done = forms.confirm(session, token, active=active, clock=clock, form_events=events)

    assert (sent.contact_id, sent.confirmation_sent) == (None, True)
    contact = session.get(Contact, done.contact_id)
    assert contact is not None
    assert (contact.email, contact.identity) == (ANA, "confirmed")
    types = session.scalars(select(Event.type).where(Event.contact_id == contact.id)).all()
    assert sorted(types) == ["demo_request", "email_confirmed"]
