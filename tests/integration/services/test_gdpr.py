"""GDPR export and erasure reach the records that name a person without a contact_id
column: merge records (snapshots of both sides) and webhook messages (a double opt-in
request carries the e-mail address), with their delivery log."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from leadflow.domain.clock import utc_text
from leadflow.services.definitions import ActiveDefinition
from leadflow.services.gdpr import erase_person, export_person
from leadflow.services.identity import merge_contacts
from leadflow.services.outbox import (
    CONFIRMATION_REQUESTED,
    CONTACT_ERASED,
    STAGE_CHANGED,
    enqueue_in,
)
from leadflow.store.models import (
    ApiKey,
    Contact,
    DeliveryAttempt,
    IdempotentReply,
    Merge,
    Opportunity,
    OpportunityDetail,
    OpportunityStageChange,
    OutboxMessage,
)
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
    erased = erase_person(session, person, now=NOW)["erased"]

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
    kinds_left = sorted(session.scalars(select(OutboxMessage.kind)))
    assert kinds_left == [CONTACT_ERASED, STAGE_CHANGED]  # the bystander's, and the notice


def _deal(session: Session, contact_id: int) -> int:
    deal = Opportunity(contact_id=contact_id, name="Ana Gil's renewal", created_at=NOW)
    session.add(deal)
    session.flush()
    session.add(OpportunityDetail(opportunity_id=deal.id, stage="proposal", products=["crm"],
                                  won_reason=None, updated_at=NOW))  # fmt: skip
    session.add(OpportunityStageChange(opportunity_id=deal.id, from_stage=None,
                                       to_stage="proposal", at=NOW, actor="r1"))  # fmt: skip
    return deal.id


def test_rows_reached_through_the_persons_rows_are_exported_and_counted(
    session: Session, active: ActiveDefinition
) -> None:
    # A deal's details and stage history hang off the deal, not the contact; the delivery
    # log of a message about them says to whom their data went (art. 15(1)(c)).
    person = _person(session, "ana.gil@acme.example")
    deal = _deal(session, person)
    asked = {"contact_id": person, "email": "ana.gil@acme.example", "form": "trial"}
    message = enqueue_in(session, CONFIRMATION_REQUESTED, asked, NOW)
    hook = WebhookSubscription(url="https://crm.example/hooks", kinds=[], secret="s",
                               created_at=NOW)  # fmt: skip
    session.add(hook)
    session.flush()
    _deliver(session, hook, message)
    session.flush()
    delivery = session.scalars(select(WebhookDelivery)).one()
    session.add(DeliveryAttempt(delivery_id=delivery.id, at=NOW, status_code=500, error="x"))
    session.commit()

    held = export_person(session, person)["data"]
    erased = erase_person(session, person, now=NOW)["erased"]

    assert [d["opportunity_id"] for d in held["opportunity_details"]] == [deal]
    assert [c["to_stage"] for c in held["opportunity_stage_changes"]] == ["proposal"]
    assert [d["subscription_id"] for d in held["webhook_deliveries"]] == [hook.id]
    assert [a["status_code"] for a in held["delivery_attempts"]] == [500]
    assert "secret" not in str(held)  # the subscription's signing secret is not theirs
    for table in ("opportunity_details", "opportunity_stage_changes", "webhook_deliveries",
                  "delivery_attempts"):  # fmt: skip
        assert erased[table] == 1, table
    assert session.scalars(select(OpportunityStageChange)).all() == []


def test_cached_api_replies_that_name_the_person_are_exported_and_erased(
    session: Session, active: ActiveDefinition
) -> None:
    person = _person(session, "ana.gil@acme.example")
    bystander = _person(session, "someone.else@acme.example")
    key = ApiKey(name="crm", role="ingest", prefix="lf_x", secret_hash="h" * 64, created_at=NOW)
    session.add(key)
    session.flush()
    replies = {
        "signup:ana.gil@acme.example": {"stored": 1, "results": [{"contact_id": person}]},
        "k-2": {"event_id": 7, "contact_id": person, "stage": "lead"},
        "k-3": {"event_id": 8, "contact_id": bystander, "stage": "lead"},
        "k-4": {"event_id": 9, "contact_id": person * 10 + 1},  # another id, same digits
    }
    for idempotency_key, body in replies.items():
        session.add(IdempotentReply(api_key_id=key.id, idempotency_key=idempotency_key,
                                    fingerprint="f", status_code=201, body=body,
                                    created_at=NOW))  # fmt: skip
    session.commit()

    held = export_person(session, person)["data"]
    erased = erase_person(session, person, now=NOW)["erased"]

    cached = sorted(r["idempotency_key"] for r in held["idempotent_replies"])
    assert cached == ["k-2", "signup:ana.gil@acme.example"]
    assert erased["idempotent_replies"] == 2
    left = sorted(session.scalars(select(IdempotentReply.idempotency_key)))
    assert left == ["k-3", "k-4"]


def test_erasure_leaves_nothing_of_the_person_in_the_sqlite_files(
    engine: Engine, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL's dead rows are vacuumed by the server (docs/api.md)")
    marker = "ERASE-ME-" * 30
    with Session(engine) as session:
        for number in range(30):  # other people on the same pages
            _person(session, f"p{number}@acme.example")
        person = Contact(email="gone@acme.example", attributes={"note": marker},
                         created_at=NOW, updated_at=NOW)  # fmt: skip
        session.add(person)
        session.commit()
        erase_person(session, person.id, now=NOW)
    database = Path(str(engine.url.database))
    files = [database, database.with_name(database.name + "-wal")]

    left = {f.name: f.read_bytes().count(b"ERASE-ME") for f in files if f.exists()}

    assert set(left.values()) <= {0}, left


def test_an_erased_persons_contact_id_is_never_given_to_someone_else(
    session: Session, active: ActiveDefinition
) -> None:
    # Their id is in the webhook messages receivers got and in API clients' records:
    # handed to the next new contact, it would tie a stranger to the erased person.
    _person(session, "stays@acme.example")
    erased = _person(session, "gone@acme.example")  # the newest contact
    session.commit()
    erase_person(session, erased, now=NOW)

    newcomer = _person(session, "new@acme.example")

    assert newcomer > erased


def test_erasure_tells_the_webhook_receivers_which_records_to_erase(
    session: Session, active: ActiveDefinition
) -> None:
    # Art. 19: recipients of the person's data are told of the erasure. The message
    # carries the ids alone: receivers find their copies by them.
    person = _person(session, "ana.gil@acme.example")
    duplicate = _person(session, "ana.gil+old@acme.example")
    merge_contacts(session.connection(), person, duplicate, now=NOW, requalify=False)
    session.commit()

    erase_person(session, duplicate, now=NOW)

    [message] = session.scalars(select(OutboxMessage)).all()
    assert message.kind == CONTACT_ERASED
    assert message.payload == {"contact_ids": sorted([person, duplicate]),
                               "at": utc_text(NOW)}  # fmt: skip
