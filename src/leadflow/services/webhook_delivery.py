"""The webhook worker: outbox → one delivery per subscription → signed POSTs, with retries.

One pass (``deliver_due``):

1. **dispatch**: each new outbox message gets one ``webhook_deliveries`` row per active
   subscription that wants its kind and existed when the message was written (a new
   subscription gets no backlog); the message is marked dispatched (one transaction).
2. **claim**: due deliveries are leased (``next_attempt_at`` moved ``lease`` ahead), so a
   second worker, or this one after a crash, leaves them alone until the lease ends. A
   due delivery of a removed (inactive) subscription is marked ``cancelled`` instead.
3. **send**: POST the JSON body, signed (signatures.py), with a timeout.
4. **settle**: the attempt goes to the delivery log. Only a 2xx marks the delivery
   delivered; anything else (an error status, a refused connection, a timeout) schedules
   the next try after ``first_delay × 2^(attempts-1)`` capped at ``max_delay``, until
   ``max_attempts`` mark it failed.

Several workers may run at once. On PostgreSQL, dispatch and claim read their rows
``FOR UPDATE SKIP LOCKED``: a message or a due delivery another worker is taking is
skipped, not waited for, and one that worker has already taken no longer matches once
its transaction commits, so each message is fanned out once and each due delivery is
leased by one worker. On SQLite the writer's ``BEGIN IMMEDIATE`` (store.database.writer)
runs those transactions one after the other. No transaction stays open during a POST:
claim commits the lease before sending and settle opens a new, short one. A claimed
delivery is sent only while its lease still covers the request's ``timeout``; the rest of
the batch waits for the lease to end, so a slow receiver can never make two workers send
the same delivery at once.

Delivery is at least once, and exactly once for a receiver that deduplicates on the
message id: a retry carries the same id and the same body. The worker never marks a
delivery done before the receiver's 2xx, so a crash between the two means one more
POST of the same message, never a lost one.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from leadflow.domain.clock import Clock, moments_in_utc, utc_text
from leadflow.services.signatures import ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from leadflow.store.database import database_unavailable
from leadflow.store.models import (
    DeliveryAttempt,
    OutboxMessage,
    WebhookDelivery,
    WebhookSubscription,
)

__all__ = [
    "AttemptResult",
    "DueDelivery",
    "PassReport",
    "RetryPolicy",
    "claim",
    "deliver_due",
    "dispatch",
    "run_worker",
    "send",
    "settle",
]

PENDING = "pending"
CANCELLED = "cancelled"
# A database that does not answer is tried again after 1 s, 2 s, 4 s ... at most this.
LONGEST_OUTAGE_WAIT = 30.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    first_delay: float = 10.0  # seconds before the second attempt
    max_delay: float = 3600.0
    max_attempts: int = 12  # about 11 hours of trying with the defaults
    lease: float = 60.0  # a claimed delivery is left alone this long
    timeout: float = 10.0  # per HTTP attempt
    batch: int = 100  # deliveries claimed per pass

    def __post_init__(self) -> None:
        if self.lease <= self.timeout:
            # A delivery is only sent while its lease outlasts the request's timeout.
            raise ValueError(f"the lease ({self.lease} s) must be longer than the timeout")

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.max_delay, self.first_delay * 2 ** (attempts - 1)))


@dataclass(frozen=True, slots=True)
class DueDelivery:
    id: int
    message_id: str
    kind: str
    created_at: datetime
    data: dict[str, Any]
    url: str
    secret: str
    attempts: int
    leased_until: datetime  # no other worker takes it before then

    def body(self) -> bytes:
        """The same bytes on every attempt: only the timestamp and signature change."""
        document = {
            "id": self.message_id,
            "type": self.kind,
            "created_at": utc_text(self.created_at),
            # A message written before moments were stored in Z still reads as the API.
            "data": moments_in_utc(self.data),
        }
        return json.dumps(document, separators=(",", ":"), sort_keys=True).encode("utf-8")


@dataclass(frozen=True, slots=True)
class AttemptResult:
    status_code: int | None
    error: str | None
    duration_ms: float

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(slots=True)
class PassReport:
    dispatched: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0  # due deliveries of removed subscriptions, stopped without a try
    outcomes: list[tuple[int, str]] = field(default_factory=list)


def dispatch(session: Session, now: datetime, *, limit: int = 500) -> int:
    """Fan new outbox messages out to the subscriptions that want them; commits.

    The messages are locked (PostgreSQL; SQLite's writer lock does the same), and ones
    another worker holds are skipped: two workers never insert the same delivery.
    """
    messages = list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.dispatched_at.is_(None))
            .order_by(OutboxMessage.created_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if not messages:
        return 0
    subscriptions = list(
        session.scalars(select(WebhookSubscription).where(WebhookSubscription.active))
    )
    for message in messages:
        for subscription in subscriptions:
            if _wants(subscription, message):
                session.add(
                    WebhookDelivery(
                        message_id=message.id,
                        subscription_id=subscription.id,
                        status=PENDING,
                        attempts=0,
                        next_attempt_at=now,
                    )
                )
        message.dispatched_at = now
    session.commit()
    return len(messages)


def _wants(subscription: WebhookSubscription, message: OutboxMessage) -> bool:
    """Its kind, and written since the subscription was made: a new receiver is not sent
    the backlog an idle worker left in the outbox (changes from before it existed)."""
    return message.kind in subscription.kinds and message.created_at >= subscription.created_at


def claim(session: Session, now: datetime, policy: RetryPolicy) -> tuple[list[DueDelivery], int]:
    """Lease the deliveries that are due; commits, so the lease holds across processes.

    Returns the leased deliveries, and how many were cancelled instead because their
    subscription was removed (deactivate_subscription cancels them too; this catches the
    ones dispatched while it ran, and those left pending by earlier versions).
    """
    rows = list(
        session.execute(
            select(WebhookDelivery, OutboxMessage, WebhookSubscription)
            .join(OutboxMessage, OutboxMessage.id == WebhookDelivery.message_id)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
            .where(WebhookDelivery.status == PENDING, WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(policy.batch)
            .with_for_update(skip_locked=True, of=WebhookDelivery)
        ).tuples()
    )
    if not rows:
        session.rollback()
        return [], 0
    live = [(delivery, message, hook) for delivery, message, hook in rows if hook.active]
    stopped = [delivery.id for delivery, _, hook in rows if not hook.active]
    lease_end = now + timedelta(seconds=policy.lease)
    _set(session, [delivery.id for delivery, _, _ in live], next_attempt_at=lease_end)
    _set(session, stopped, status=CANCELLED)
    session.commit()
    due = [
        DueDelivery(
            id=delivery.id,
            message_id=message.id,
            kind=message.kind,
            created_at=message.created_at,
            data=dict(message.payload),
            url=subscription.url,
            secret=subscription.secret,
            attempts=delivery.attempts,
            leased_until=lease_end,
        )
        for delivery, message, subscription in live
    ]
    return due, len(stopped)


def _set(session: Session, delivery_ids: list[int], **values: object) -> None:
    if delivery_ids:
        session.execute(
            update(WebhookDelivery).where(WebhookDelivery.id.in_(delivery_ids)).values(**values)
        )


def send(client: httpx.Client, due: DueDelivery, now: datetime) -> AttemptResult:
    body = due.body()
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "leadflow-webhooks",
        ID_HEADER: due.message_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(due.secret, timestamp, body),
    }
    started = time.perf_counter()
    try:
        response = client.post(due.url, content=body, headers=headers)
    except httpx.HTTPError as error:
        return AttemptResult(None, f"{type(error).__name__}: {error}"[:500], _ms(started))
    return AttemptResult(response.status_code, None, _ms(started))


def settle(
    session: Session, due: DueDelivery, result: AttemptResult, now: datetime, policy: RetryPolicy
) -> str:
    """Log the attempt and move the delivery on; returns its new status. Commits.

    A delivery cancelled while its POST was under way (its subscription was removed)
    keeps the attempt in its log and stays cancelled, unless the receiver took it: then
    it was delivered, and the log says so.
    """
    row = session.get(WebhookDelivery, due.id, with_for_update=True)
    if row is None:  # its subscription was deleted meanwhile
        session.rollback()
        return "gone"
    row.attempts += 1
    session.add(
        DeliveryAttempt(
            delivery_id=row.id,
            at=now,
            status_code=result.status_code,
            error=result.error,
            duration_ms=result.duration_ms,
        )
    )
    if result.ok:
        row.status, row.delivered_at = "delivered", now
    elif row.status != PENDING:
        pass  # cancelled meanwhile: no further try
    elif row.attempts >= policy.max_attempts:
        row.status = "failed"
    else:
        row.next_attempt_at = now + policy.delay(row.attempts)
    status = row.status
    session.commit()
    return status


def deliver_due(
    sessions: sessionmaker[Session], client: httpx.Client, clock: Clock, policy: RetryPolicy
) -> PassReport:
    """One pass of the worker (``leadflow webhooks deliver --once``)."""
    report = PassReport()
    with sessions() as session:
        report.dispatched = dispatch(session, clock.now())
    with sessions() as session:
        due, report.cancelled = claim(session, clock.now(), policy)
    for delivery in due:
        if not _lease_covers_a_request(delivery, clock.now(), policy):
            break  # the rest waits for its lease to end; then any worker may take it
        result = send(client, delivery, clock.now())
        with sessions() as session:
            status = settle(session, delivery, result, clock.now(), policy)
        report.outcomes.append((delivery.id, status))
        if status == "delivered":
            report.delivered += 1
        elif status == "failed":
            report.failed += 1
        elif status == PENDING:
            report.retrying += 1
    return report


def run_worker(
    sessions: sessionmaker[Session],
    client: httpx.Client,
    clock: Clock,
    policy: RetryPolicy,
    *,
    idle_seconds: float = 1.0,
    keep_going: Callable[[], bool] = lambda: True,
    on_pass: Callable[[PassReport], None] = lambda report: None,
    before_pass: Callable[[], None] = lambda: None,
    on_unavailable: Callable[[Exception, float], None] = lambda error, wait: None,
    on_recovered: Callable[[], None] = lambda: None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Pass after pass; sleeps ``idle_seconds`` when a pass found nothing to do.

    ``before_pass`` is the worker's housekeeping (the command prunes on a schedule). A
    database that does not answer (down, restarting, failing over) does not end the
    worker: ``on_unavailable(error, wait)`` is told, the pass is tried again after
    ``wait`` seconds (doubling up to ``LONGEST_OUTAGE_WAIT``), and ``on_recovered`` once
    a pass gets through. What a pass had claimed and not settled is taken again when
    its lease ends: one more POST, never a lost one.
    """
    outage_wait = 0.0
    while keep_going():
        try:
            before_pass()
            report = deliver_due(sessions, client, clock, policy)
        except Exception as error:
            if not database_unavailable(error):
                raise
            outage_wait = min(LONGEST_OUTAGE_WAIT, outage_wait * 2 or 1.0)
            on_unavailable(error, outage_wait)
            sleep(outage_wait)
            continue
        if outage_wait:
            outage_wait = 0.0
            on_recovered()
        on_pass(report)
        if not (report.outcomes or report.dispatched or report.cancelled):
            sleep(idle_seconds)


def _lease_covers_a_request(due: DueDelivery, now: datetime, policy: RetryPolicy) -> bool:
    """Whether a POST started now ends, or times out, before another worker may take it."""
    return now + timedelta(seconds=policy.timeout) <= due.leased_until


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
