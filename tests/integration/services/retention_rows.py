"""Rows of the operational tables at chosen moments, for the retention tests.

Each helper adds one row (or a message with its deliveries and attempts) through a
Session and commits; times are whatever the test says, so an "old" row is old.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadflow.services.api_keys import Role, create_key
from leadflow.services.idempotency import StoredReply, save_reply
from leadflow.store.models import (
    Contact,
    DeliveryAttempt,
    FormConfirmation,
    IdempotentReply,
    OutboxMessage,
    WebhookDelivery,
    WebhookSubscription,
    WebSession,
    WebUser,
)

__all__ = [
    "api_key",
    "confirmation",
    "contact",
    "count",
    "message",
    "replies",
    "reply",
    "subscription",
    "web_session",
    "web_user",
]


def api_key(session: Session, now: datetime) -> int:
    return create_key(session, f"k{uuid.uuid4().hex[:8]}", Role.INGEST, now).info.id


def reply(session: Session, key_id: int, idempotency_key: str, at: datetime) -> None:
    save_reply(session, key_id, idempotency_key, StoredReply("f" * 64, 200, {"ok": 1}), at)


def subscription(session: Session, now: datetime) -> int:
    row = WebhookSubscription(
        url="https://crm.example/hook", kinds=["stage.changed"], secret="whsec_x", created_at=now
    )
    session.add(row)
    session.commit()
    return row.id


def message(
    session: Session,
    created: datetime,
    *,
    dispatched: datetime | None,
    deliveries: dict[int, str] | None = None,
) -> str:
    """A message with a delivery per ``{subscription_id: status}``, each with one attempt."""
    row = OutboxMessage(
        id=str(uuid.uuid4()), kind="stage.changed", payload={}, created_at=created,
        dispatched_at=dispatched,
    )  # fmt: skip
    session.add(row)
    session.flush()
    for subscription_id, status in (deliveries or {}).items():
        delivery = WebhookDelivery(
            message_id=row.id, subscription_id=subscription_id, status=status, attempts=1,
            next_attempt_at=created + timedelta(hours=1),
            delivered_at=created if status == "delivered" else None,
        )  # fmt: skip
        session.add(delivery)
        session.flush()
        session.add(DeliveryAttempt(delivery_id=delivery.id, at=created, status_code=500))
    session.commit()
    return row.id


def web_user(session: Session, now: datetime) -> int:
    row = WebUser(
        email=f"u{uuid.uuid4().hex[:8]}@leadflow.example", name="U", role="admin",
        password_hash="x", created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(row)
    session.commit()
    return row.id


def web_session(
    session: Session, user_id: int, *, created: datetime, seen: datetime, expires: datetime
) -> int:
    token = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
    row = WebSession(
        token_hash=token, user_id=user_id, created_at=created, last_seen_at=seen,
        expires_at=expires,
    )  # fmt: skip
    session.add(row)
    session.commit()
    return row.id


def contact(session: Session, now: datetime) -> int:
    row = Contact(email=f"c{uuid.uuid4().hex[:8]}@acme.example", created_at=now, updated_at=now)
    session.add(row)
    session.commit()
    return row.id


def confirmation(
    session: Session,
    contact_id: int,
    *,
    created: datetime,
    expires: datetime,
    confirmed: datetime | None = None,
) -> int:
    token = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
    row = FormConfirmation(
        token_hash=token, contact_id=contact_id, form_id="demo", created_at=created,
        expires_at=expires, confirmed_at=confirmed,
    )  # fmt: skip
    session.add(row)
    session.commit()
    return row.id


def count(session: Session, model: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def replies(session: Session) -> list[str]:
    return sorted(session.scalars(select(IdempotentReply.idempotency_key)))
