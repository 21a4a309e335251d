"""Several webhook workers at once, and subscriptions removed while deliveries wait.

Against a real loopback receiver, as test_webhook_delivery.py: what is asserted is what
the receiver got, not only what the database says.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from leadflow.domain.clock import FixedClock
from leadflow.services import outbox, webhooks
from leadflow.services.webhook_delivery import RetryPolicy, deliver_due
from leadflow.store.database import session_factory, writer
from leadflow.store.models import OutboxMessage, WebhookDelivery, WebhookSubscription
from tests.integration.api.receiver import Receiver

POLICY = RetryPolicy(first_delay=30, max_delay=600, max_attempts=3, timeout=5, batch=7)
WORKERS = 2
ROUNDS = 4
MESSAGES_PER_ROUND = 25


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(writer(engine))


@pytest.fixture
def receivers() -> Iterator[list[Receiver]]:
    started = [Receiver().start() for _ in range(2)]
    yield started
    for receiver in started:
        receiver.stop()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=POLICY.timeout) as opened:
        yield opened


def _announce(sessions: sessionmaker[Session], kind: str, count: int, now: datetime) -> list[str]:
    with sessions() as session:
        ids = [outbox.enqueue_in(session, kind, {"contact_id": n}, now) for n in range(count)]
        session.commit()
    return ids


def _workers_until_idle(sessions: sessionmaker[Session], clock: FixedClock) -> list[BaseException]:
    """``WORKERS`` threads, released together, each passing until nothing is left to do."""
    start = threading.Barrier(WORKERS)
    failures: list[BaseException] = []

    def work() -> None:
        try:
            with httpx.Client(timeout=POLICY.timeout) as client:
                start.wait()
                while not _all_settled(sessions):  # not only this worker's share
                    deliver_due(sessions, client, clock, POLICY)
        except BaseException as error:  # reported by the test's thread
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return failures


def _all_settled(sessions: sessionmaker[Session]) -> bool:
    with sessions() as session:
        undispatched = session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dispatched_at.is_(None)).limit(1)
        )
        pending = session.scalar(
            select(WebhookDelivery.id).where(WebhookDelivery.status == "pending").limit(1)
        )
    return undispatched is None and pending is None


def test_two_workers_on_postgresql_deliver_each_message_once_per_subscription(
    backend: str, sessions: sessionmaker[Session], receivers: list[Receiver], now: datetime
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite runs one writer at a time already")
    with sessions() as session:
        for receiver in receivers:
            webhooks.create_subscription(session, receiver.url, [outbox.STAGE_CHANGED], now)
    clock = FixedClock(now)
    announced: list[str] = []
    failures: list[BaseException] = []
    for _ in range(ROUNDS):  # each round races the dispatch of fresh messages again
        announced += _announce(sessions, outbox.STAGE_CHANGED, MESSAGES_PER_ROUND, now)
        failures += _workers_until_idle(sessions, clock)

    assert failures == []
    for receiver in receivers:
        got = Counter(json.loads(request.body)["id"] for request in receiver.received)
        assert sorted(got) == sorted(announced)
        assert set(got.values()) == {1}
    with sessions() as session:
        statuses = Counter(session.scalars(select(WebhookDelivery.status)))
    assert statuses == {"delivered": len(announced) * len(receivers)}


def test_removing_a_subscription_cancels_its_pending_deliveries(
    sessions: sessionmaker[Session], client: httpx.Client, now: datetime
) -> None:
    clock = FixedClock(now)
    down = Receiver(status=503).start()
    up = Receiver().start()
    try:
        with sessions() as session:
            removed = webhooks.create_subscription(session, down.url, [outbox.SALES_READY], now)
            kept = webhooks.create_subscription(session, up.url, [outbox.SALES_READY], now)
        [message] = _announce(sessions, outbox.SALES_READY, 1, now)
        first = deliver_due(sessions, client, clock, POLICY)
        with sessions() as session:
            webhooks.deactivate_subscription(session, removed.id)
        clock.current = now + timedelta(hours=1)  # the retry would be due by now
        later = deliver_due(sessions, client, clock, POLICY)
        with sessions() as session:
            [cancelled] = webhooks.delivery_log(session, removed.id)
            [delivered] = webhooks.delivery_log(session, kept.id)
    finally:
        down.stop()
        up.stop()

    assert (first.delivered, first.retrying) == (1, 1)
    assert later.outcomes == []
    assert len(down.received) == 1  # the first try only, no retry after the removal
    assert (cancelled.message_id, cancelled.status, cancelled.attempts) == (message, "cancelled", 1)
    assert [attempt.status_code for attempt in cancelled.tries] == [503]
    assert delivered.status == "delivered"


def test_a_pending_delivery_of_an_inactive_subscription_is_cancelled_without_a_post(
    sessions: sessionmaker[Session], client: httpx.Client, now: datetime
) -> None:
    """As an earlier version left them: the subscription stopped, its deliveries pending."""
    receiver = Receiver(status=500).start()
    try:
        with sessions() as session:
            hook = webhooks.create_subscription(session, receiver.url, [outbox.SALES_READY], now)
        _announce(sessions, outbox.SALES_READY, 2, now)
        deliver_due(sessions, client, FixedClock(now), POLICY)
        with sessions() as session:
            stop = update(WebhookSubscription).where(WebhookSubscription.id == hook.id)
            session.execute(stop.values(active=False))
            session.commit()
        later = deliver_due(sessions, client, FixedClock(now + timedelta(hours=1)), POLICY)
        with sessions() as session:
            log = webhooks.delivery_log(session, hook.id)
    finally:
        receiver.stop()

    assert (later.cancelled, later.outcomes) == (2, [])
    assert len(receiver.received) == 2
    assert [(entry.status, entry.attempts) for entry in log] == [("cancelled", 1)] * 2


class _Ticking:
    """A clock that moves ``step`` on every reading: a pass during which time runs out."""

    def __init__(self, start: datetime, step: timedelta) -> None:
        self.current, self.step = start, step

    def now(self) -> datetime:
        self.current += self.step
        return self.current


def test_a_claimed_delivery_is_not_sent_once_its_lease_cannot_cover_the_request(
    sessions: sessionmaker[Session], client: httpx.Client, receivers: list[Receiver], now: datetime
) -> None:
    policy = RetryPolicy(lease=20, timeout=5, batch=10)
    with sessions() as session:
        webhooks.create_subscription(session, receivers[0].url, [outbox.STAGE_CHANGED], now)
    _announce(sessions, outbox.STAGE_CHANGED, 4, now)
    clock = _Ticking(now, timedelta(seconds=2))

    first = deliver_due(sessions, client, clock, policy)
    clock.current = now + timedelta(seconds=10)
    second = deliver_due(sessions, client, clock, policy)  # the fourth is still leased
    clock.current = now + timedelta(seconds=60)
    third = deliver_due(sessions, client, clock, policy)

    # Claimed at +4 s, leased to +24 s; each delivery reads the clock three times (lease
    # check, signature, settle): POSTs starting at +6, +12 and +18 s end by +23 s, the
    # fourth would start at +24 s, after the lease: it waits for the lease to end.
    assert (first.delivered, second.outcomes, third.delivered) == (3, [], 1)
    assert len(receivers[0].received) == 4
