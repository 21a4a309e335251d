"""What the HTTP API keeps: keys, idempotent replies, webhooks and their outbox, form tokens.

ApiKey             a machine's key: name, role, the sha256 of its secret, revoked or not
IdempotentReply    the reply to a POST sent with an ``Idempotency-Key``, replayed on retry
WebhookSubscription  where to send which event kinds, and the secret that signs them
OutboxMessage      a change to announce, written in the transaction that made the change
WebhookDelivery    one message for one subscription: pending until a 2xx, then delivered
                   (or failed; cancelled when the subscription is removed first)
DeliveryAttempt    the delivery log: every try, its status code or error
FormConfirmation   a double opt-in token (stored hashed) and when it was confirmed
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.store.models.base import BIG_ID, Base
from leadflow.store.types import JsonDocument

__all__ = [
    "ApiKey",
    "DeliveryAttempt",
    "FormConfirmation",
    "IdempotentReply",
    "OutboxMessage",
    "WebhookDelivery",
    "WebhookSubscription",
]


class ApiKey(Base):
    """A key shown once at creation; only the SHA-256 of its secret is kept.

    ``prefix`` (the key's first characters) lets a person tell keys apart in a list
    without the secret being readable anywhere. ``rep_id``: the rep a sales key acts
    as, only (none: a team's key, acting as any rep it names).
    """

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    prefix: Mapped[str] = mapped_column(String(20))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"))


class IdempotentReply(Base):
    """The stored reply to ``(key, Idempotency-Key)``; ``fingerprint`` is the request's hash.

    A retry with the same fingerprint gets the same reply; a different request reusing
    the same Idempotency-Key is refused rather than silently answered with the old reply.
    """

    __tablename__ = "idempotent_replies"
    # created_at: retention deletes the replies older than its window (services.retention).
    __table_args__ = (UniqueConstraint("api_key_id", "idempotency_key"), Index(None, "created_at"))

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column()
    body: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column()


class WebhookSubscription(Base):
    """An endpoint that wants some event kinds. The secret is kept to sign each payload."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    kinds: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    secret: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column()


class OutboxMessage(Base):
    """A change to announce. ``id`` is the message id receivers deduplicate on.

    ``dispatched_at`` is set once the worker has made one delivery per subscription
    that wanted the kind at that moment.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (Index(None, "dispatched_at", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(50))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column()
    dispatched_at: Mapped[datetime | None] = mapped_column()


class WebhookDelivery(Base):
    """One message to one subscription: retried with backoff until a 2xx or it gives up.

    status: pending | delivered | failed | cancelled (its subscription was removed while it
    waited; never retried). ``next_attempt_at`` is when the worker may try
    again; it also works as a lease while an attempt is under way.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("message_id", "subscription_id"),
        Index(None, "status", "next_attempt_at"),
        Index(None, "subscription_id", "id"),
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    message_id: Mapped[str] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True
    )
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column()
    delivered_at: Mapped[datetime | None] = mapped_column()


class DeliveryAttempt(Base):
    """The delivery log: one row per HTTP try, kept whatever its outcome."""

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column()
    status_code: Mapped[int | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[float] = mapped_column(default=0.0)


class FormConfirmation(Base):
    """A double opt-in token sent to an e-mail; only its hash is kept.

    A pending one (an erased person's address: nobody is created before the link is
    followed) names no contact, only ``pending_email``, the address to create."""

    __tablename__ = "form_confirmations"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    pending_email: Mapped[str | None] = mapped_column(String(320))
    form_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    confirmed_at: Mapped[datetime | None] = mapped_column()
