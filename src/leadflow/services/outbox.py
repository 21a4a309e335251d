"""The transactional outbox: announcements written in the same transaction as the change.

A webhook must never announce a change that was rolled back, nor miss one that was
committed. So the code that makes a change does not call anybody: it inserts an
``outbox_messages`` row through the same connection, inside the same transaction.
If the transaction commits, the message exists; if not, neither does the message.
The delivery worker (``webhook_delivery``) reads the outbox afterwards.

Kinds (``KINDS``) and their ``data``:

    stage.changed          contact_id, from, to, at, reason, rule, actor, definition_version
    lead.sales_ready       contact_id, stage, at (the moment it became sales-ready)
    lead.handed_off        contact_id, handoff_id, owner (a rep's key, or null: unassigned),
                           rule, trigger, accept_due_at, first_touch_due_at, at
    handoff.assigned       contact_id, handoff_id, owner, rule, reason, at: the lead has
                           another owner (re-assigned, or claimed from the unassigned queue)
    handoff.sla_breached   contact_id, handoff_id, owner, kind, due_at, at
    handoff.sla_breach_withdrawn  contact_id, handoff_id, owner, kind, due_at, done_at, at:
                           a touch or an answer logged afterwards shows the SLA was met
    contact.merged         survivor_id, merged_id, at (sent by identity resolution)
    contact.erased         contact_ids, at: the person was erased (GDPR art. 17); every
                           receiver of their data erases its copies (art. 19)
    form.confirmation_requested  contact_id, email, form, confirm_url, expires_at: a
                           double opt-in form was sent; a mailer subscribed to this kind
                           e-mails the link (leadflow sends no e-mail itself)

``enqueue`` takes the real-time path's ``Driver`` (plain SQL on the transaction's own
connection); ``enqueue_in`` is the same for code holding a SQLAlchemy Session.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from leadflow.domain.clock import moments_in_utc
from leadflow.domain.lifecycle import Transition
from leadflow.store.driver import Driver, driver_for

__all__ = [
    "CONFIRMATION_REQUESTED",
    "CONTACT_ERASED",
    "CONTACT_MERGED",
    "HANDED_OFF",
    "HANDOFF_ASSIGNED",
    "KINDS",
    "SALES_READY",
    "SLA_BREACHED",
    "SLA_BREACH_WITHDRAWN",
    "STAGE_CHANGED",
    "announce_qualified",
    "enqueue",
    "enqueue_in",
]

STAGE_CHANGED = "stage.changed"
SALES_READY = "lead.sales_ready"
SLA_BREACHED = "handoff.sla_breached"
SLA_BREACH_WITHDRAWN = "handoff.sla_breach_withdrawn"
HANDED_OFF = "lead.handed_off"
HANDOFF_ASSIGNED = "handoff.assigned"
CONTACT_MERGED = "contact.merged"
CONTACT_ERASED = "contact.erased"
CONFIRMATION_REQUESTED = "form.confirmation_requested"
KINDS: tuple[str, ...] = (
    STAGE_CHANGED,
    SALES_READY,
    HANDED_OFF,
    HANDOFF_ASSIGNED,
    SLA_BREACHED,
    SLA_BREACH_WITHDRAWN,
    CONTACT_MERGED,
    CONTACT_ERASED,
    CONFIRMATION_REQUESTED,
)

_INSERT = (
    "INSERT INTO outbox_messages (id, kind, payload, created_at, dispatched_at)"
    " VALUES (:id, :kind, :payload, :created_at, NULL)"
)


def enqueue(driver: Driver, kind: str, data: Mapping[str, Any], now: datetime) -> str:
    """Write one message in the driver's current transaction; returns its id."""
    if kind not in KINDS:
        raise ValueError(f"unknown webhook kind {kind!r}")
    message_id = str(uuid.uuid4())
    driver.execute(
        _INSERT,
        {
            "id": message_id,
            "kind": kind,
            "payload": driver.document(moments_in_utc(dict(data))),
            "created_at": driver.instant(now),
        },
    )
    return message_id


def enqueue_in(session: Session, kind: str, data: Mapping[str, Any], now: datetime) -> str:
    """``enqueue`` inside a Session's transaction (the caller commits)."""
    return enqueue(driver_for(session.connection()), kind, data, now)


def announce_qualified(
    driver: Driver,
    contact_id: int,
    *,
    stage: str | None,
    sales_ready: bool,
    was_sales_ready: bool,
    transition: Transition | None,
    at: datetime,
    now: datetime,
) -> None:
    """What the real-time path calls after re-qualifying a contact, before it commits:
    a stage move is announced, and so is becoming sales-ready (not staying so)."""
    if transition is not None:
        enqueue(driver, STAGE_CHANGED, {"contact_id": contact_id, **transition.to_dict()}, now)
    if sales_ready and not was_sales_ready:
        data = {"contact_id": contact_id, "stage": stage, "at": at.isoformat()}
        enqueue(driver, SALES_READY, data, now)
