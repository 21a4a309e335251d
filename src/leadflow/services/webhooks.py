"""Webhook subscriptions and their delivery log.

A subscription names a URL and the kinds it wants (``outbox.KINDS``). Its signing
secret (``whsec_`` + 32 random bytes) is generated here and shown when the
subscription is created; unlike an API key it is kept as is, because leadflow needs it
to sign every payload. Removing a subscription deactivates it: its log stays readable,
and its deliveries still waiting for a try are marked ``cancelled`` (never deleted), so
the log shows which messages it will not get.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from leadflow.services.outbox import KINDS
from leadflow.services.refusals import InvalidInputError, NotFoundError
from leadflow.store.models import (
    DeliveryAttempt,
    OutboxMessage,
    WebhookDelivery,
    WebhookSubscription,
)

__all__ = [
    "AttemptLog",
    "DeliveryLog",
    "Subscription",
    "create_subscription",
    "deactivate_subscription",
    "delivery_log",
    "get_subscription",
    "list_subscriptions",
]


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    url: str
    kinds: tuple[str, ...]
    description: str | None
    active: bool
    created_at: datetime
    secret: str  # callers decide whether to show it (only at creation)


@dataclass(frozen=True, slots=True)
class AttemptLog:
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: float


@dataclass(frozen=True, slots=True)
class DeliveryLog:
    id: int
    message_id: str
    kind: str
    status: str
    attempts: int
    next_attempt_at: datetime
    delivered_at: datetime | None
    tries: tuple[AttemptLog, ...]


def create_subscription(
    session: Session,
    url: str,
    kinds: Sequence[str],
    now: datetime,
    *,
    description: str | None = None,
) -> Subscription:
    row = WebhookSubscription(
        url=_checked_url(url),
        kinds=_checked_kinds(kinds),
        secret="whsec_" + secrets.token_urlsafe(32),
        description=description,
        active=True,
        created_at=now,
    )
    session.add(row)
    session.commit()
    return _subscription(row)


def list_subscriptions(session: Session) -> list[Subscription]:
    rows = session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id))
    return [_subscription(row) for row in rows]


def get_subscription(session: Session, subscription_id: int) -> Subscription:
    return _subscription(_row(session, subscription_id))


def deactivate_subscription(session: Session, subscription_id: int) -> Subscription:
    """Stop the subscription and cancel its pending deliveries, in one transaction.

    A delivery whose POST is under way right now is settled by its worker: it stays
    cancelled, or becomes delivered if the receiver answered 2xx.
    """
    row = _row(session, subscription_id)
    row.active = False
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription_id)
        .where(WebhookDelivery.status == "pending")
        .values(status="cancelled")
    )
    session.commit()
    return _subscription(row)


def delivery_log(
    session: Session, subscription_id: int, *, after: int | None = None, limit: int = 50
) -> list[DeliveryLog]:
    """Deliveries of one subscription, newest first, each with every attempt made."""
    _row(session, subscription_id)
    query = (
        select(WebhookDelivery, OutboxMessage.kind)
        .join(OutboxMessage, OutboxMessage.id == WebhookDelivery.message_id)
        .where(WebhookDelivery.subscription_id == subscription_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    if after is not None:
        query = query.where(WebhookDelivery.id < after)
    found = list(session.execute(query).tuples())
    tries = _attempts(session, [delivery.id for delivery, _ in found])
    return [
        DeliveryLog(
            id=delivery.id,
            message_id=delivery.message_id,
            kind=kind,
            status=delivery.status,
            attempts=delivery.attempts,
            next_attempt_at=delivery.next_attempt_at,
            delivered_at=delivery.delivered_at,
            tries=tuple(tries.get(delivery.id, ())),
        )
        for delivery, kind in found
    ]


def _attempts(session: Session, delivery_ids: list[int]) -> dict[int, list[AttemptLog]]:
    tries: dict[int, list[AttemptLog]] = {}
    if not delivery_ids:
        return tries
    rows = session.scalars(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id.in_(delivery_ids))
        .order_by(DeliveryAttempt.id)
    )
    for row in rows:
        tries.setdefault(row.delivery_id, []).append(
            AttemptLog(row.at, row.status_code, row.error, row.duration_ms)
        )
    return tries


def _row(session: Session, subscription_id: int) -> WebhookSubscription:
    row = session.get(WebhookSubscription, subscription_id)
    if row is None:
        raise NotFoundError(f"no webhook subscription with id {subscription_id}")
    return row


def _checked_url(url: str) -> str:
    """An address the worker can POST to; one it could not parse would fail every
    delivery, and ``urlsplit`` raises on some (``http://[``), which is no server error."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port  # raises on a port that is no number from 0 to 65535
    except ValueError:  # an unclosed IPv6 bracket, a bad port
        parts, port = None, 0
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or port == 0:
        raise InvalidInputError(f"webhook URL {url!r} must be an absolute http(s) URL", field="url")
    if len(url) > 2000:
        raise InvalidInputError("a webhook URL may have at most 2,000 characters", field="url")
    return url.strip()


def _checked_kinds(kinds: Sequence[str]) -> list[str]:
    chosen = sorted(set(kinds))
    unknown = [kind for kind in chosen if kind not in KINDS]
    if unknown or not chosen:
        got = ", ".join(kinds) or "none"
        raise InvalidInputError(f"choose kinds among {', '.join(KINDS)}; got {got}", field="kinds")
    return chosen


def _subscription(row: WebhookSubscription) -> Subscription:
    return Subscription(
        id=row.id,
        url=row.url,
        kinds=tuple(row.kinds),
        description=row.description,
        active=row.active,
        created_at=row.created_at,
        secret=row.secret,
    )
