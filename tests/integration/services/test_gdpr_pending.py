"""GDPR export and erasure reach a double opt-in confirmation still *pending* (an erased
person's address typed into a form: no contact yet, only ``pending_email``): by the
person's address in any case, by a merged record's address, by an address the request
adds, and for a person who is only pending."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.services.gdpr import erase_person, export_person
from leadflow.services.identity import merge_contacts
from leadflow.services.outbox import CONFIRMATION_REQUESTED, enqueue_in
from leadflow.services.refusals import NotFoundError
from leadflow.store.models import Contact, FormConfirmation, OutboxMessage

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _person(session: Session, email: str) -> int:
    contact = Contact(email=email, attributes={}, created_at=NOW, updated_at=NOW)
    session.add(contact)
    session.flush()
    return contact.id


def _pending(session: Session, email: str, token: str) -> int:
    row = FormConfirmation(token_hash=token * 64, contact_id=None, pending_email=email,
                           form_id="trial", created_at=NOW,
                           expires_at=NOW + timedelta(days=7), confirmed_at=None)  # fmt: skip
    session.add(row)
    asked = {"contact_id": None, "email": email, "form": "trial", "confirm_url": "x"}
    enqueue_in(session, CONFIRMATION_REQUESTED, asked, NOW)
    session.flush()
    return row.id


def _left(session: Session) -> list[str | None]:
    return sorted(str(e) for e in session.scalars(select(FormConfirmation.pending_email)))


def _messages_to(session: Session) -> list[str]:
    payloads = session.scalars(select(OutboxMessage.payload))
    return sorted(str(p["email"]) for p in payloads if p.get("email"))


def test_a_known_persons_pending_confirmations_are_exported_and_erased(session: Session) -> None:
    person = _person(session, "ana.gil@acme.example")
    merged = _person(session, "ana.old@acme.example")
    merge_contacts(session.connection(), person, merged, now=NOW, requalify=False)
    _pending(session, "Ana.Gil@ACME.example", "a")  # typed in another case
    _pending(session, "ana.old@acme.example", "b")  # a merged record's address
    _pending(session, "bo@other.example", "d")  # a stranger's
    session.commit()

    held = export_person(session, person)["data"]
    erased = erase_person(session, person, now=NOW)

    rows = held["form_confirmations"]
    assert sorted(str(row["pending_email"]) for row in rows) == [
        "Ana.Gil@ACME.example", "ana.old@acme.example"
    ]  # fmt: skip
    assert all("token_hash" not in row for row in rows)
    assert len(held["outbox_messages"]) == 2 + 1  # their links, and the merge's message
    assert erased["erased"]["form_confirmations"] == 2
    assert _left(session) == ["bo@other.example"]
    assert _messages_to(session) == ["bo@other.example"]


def test_a_request_may_name_another_address_of_the_person(session: Session) -> None:
    person = _person(session, "ana.gil@acme.example")
    _pending(session, "ana@home.example", "c")
    _pending(session, "bo@other.example", "d")
    session.commit()

    held = export_person(session, person, addresses=["ANA@home.example"])["data"]
    erased = erase_person(session, person, now=NOW, addresses=["ana@home.example"])

    assert [row["pending_email"] for row in held["form_confirmations"]] == ["ana@home.example"]
    assert erased["erased"]["form_confirmations"] == 1
    assert _left(session) == ["bo@other.example"]


def test_a_person_who_is_only_pending_is_reached_by_address(session: Session) -> None:
    _pending(session, "Cy@Acme.example", "e")
    _pending(session, "bo@other.example", "f")
    session.commit()

    held = export_person(session, None, addresses=["cy@acme.EXAMPLE"])
    erased = erase_person(session, None, now=NOW, addresses=["CY@acme.example"])

    assert (held["contact_id"], held["contact_ids"]) == (None, [])
    [row] = held["data"]["form_confirmations"]
    assert (row["pending_email"], row["contact_id"], row["form_id"]) == ("Cy@Acme.example",
                                                                         None, "trial")  # fmt: skip
    assert [m["payload"]["email"] for m in held["data"]["outbox_messages"]] == ["Cy@Acme.example"]
    assert erased["erased"] == {"form_confirmations": 1, "outbox_messages": 1}
    assert _left(session) == ["bo@other.example"]
    with pytest.raises(NotFoundError, match="nothing pending"):
        export_person(session, None, addresses=["cy@acme.example"])
