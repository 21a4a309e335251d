"""GDPR export and erasure reach the records that name a person without a contact_id
column: merge records (snapshots of both sides) and webhook messages (a double opt-in
request carries the e-mail address), with their delivery log."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadflow.services.definitions import ActiveDefinition
from leadflow.services.gdpr import erase_person, export_person
from leadflow.services.identity import merge_contacts
from leadflow.services.outbox import CONFIRMATION_REQUESTED, STAGE_CHANGED, enqueue_in
from leadflow.store.models import Contact, Merge, OutboxMessage
from leadflow.store.models.api import WebhookDelivery, WebhookSubscription

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _person(session: Session, email: str) -> int:
    contact = Contact(email=email, attributes={}, created_at=NOW, updated_at=NOW)
    session.add(contact)
    session.flush()
    return contact.id


def _deliver(session: Session, hook: WebhookSubscription, message_id: str) -> None:
    session.add(WebhookDelivery(message_id=message_id, subscription_id=hook.id,
                                next_attempt_at=NOW))  # fmt: skip


def _payload_emails(session: Session) -> list[str]:
    payloads = session.scalars(select(OutboxMessage.payload))
    return [str(payload.get("email")) for payload in payloads if payload.get("email")]


def test_merges_and_webhook_messages_are_exported_and_erased(
    session: Session, active: ActiveDefinition
) -> None:
    person = _person(session, "ana.gil@acme.example")
    duplicate = _person(session, "ana.gil+old@acme.example")
    bystander = _person(session, "someone.else@acme.example")
    merge_contacts(session.connection(), person, duplicate, now=NOW, requalify=False)
    asked = {"contact_id": person, "email": "ana.gil@acme.example", "form": "trial"}
    confirmation = enqueue_in(session, CONFIRMATION_REQUESTED, asked, NOW)
    other = enqueue_in(session, STAGE_CHANGED, {"contact_id": bystander, "to": "mql"}, NOW)
    hook = WebhookSubscription(url="https://crm.example/hooks", kinds=[], secret="s",
                               created_at=NOW)  # fmt: skip
    session.add(hook)
    session.flush()
    _deliver(session, hook, confirmation)
    _deliver(session, hook, other)
    session.commit()

    held = export_person(session, person)["data"]
    erased = erase_person(session, person)["erased"]

    assert [m["merged_snapshot"]["email"] for m in held["merges"]] == ["ana.gil+old@acme.example"]
    kinds = sorted(message["kind"] for message in held["outbox_messages"])
    assert kinds == ["contact.merged", CONFIRMATION_REQUESTED]  # not the bystander's
    assert erased["outbox_messages"] == 2
    assert erased["merges"] == 1
    assert _payload_emails(session) == []  # the address is gone from the outbox
    left = session.scalars(select(WebhookDelivery.message_id)).all()
    assert left == [other]  # the person's delivery log went with its message
    assert session.scalar(select(func.count()).select_from(Merge)) == 0
    assert session.get(Contact, bystander) is not None
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
