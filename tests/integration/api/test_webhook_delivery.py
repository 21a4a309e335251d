"""Webhooks against a real HTTP receiver on loopback: signed, retried, exactly once per id."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import cast

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from leadflow.domain.clock import FixedClock
from leadflow.services import outbox, webhooks
from leadflow.services.signatures import ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from leadflow.services.webhook_delivery import RetryPolicy, deliver_due, run_worker
from leadflow.store.database import make_engine, session_factory, writer
from leadflow.store.models import DeliveryAttempt, WebhookDelivery
from tests.integration.api.receiver import Receiver

POLICY = RetryPolicy(first_delay=30, max_delay=600, max_attempts=3, timeout=2)


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(writer(engine))


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=POLICY.timeout) as opened:
        yield opened


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _announce(sessions: sessionmaker[Session], kind: str, now: datetime, **data: object) -> str:
    with sessions() as session:
        message_id = outbox.enqueue_in(session, kind, data, now)
        session.commit()
    return message_id


def test_a_delivery_is_signed_and_verifies(
    sessions: sessionmaker[Session], client: httpx.Client, now: datetime
) -> None:
    receiver = Receiver().start()
    try:
        with sessions() as session:
            hook = webhooks.create_subscription(session, receiver.url, [outbox.STAGE_CHANGED], now)
        message_id = _announce(sessions, outbox.STAGE_CHANGED, now, contact_id=7, to="mql")

        report = deliver_due(sessions, client, FixedClock(now), POLICY)
    finally:
        receiver.stop()

    assert report.delivered == 1
    [got] = receiver.received
    body = json.loads(got.body)
    assert body["id"] == message_id == got.headers[ID_HEADER]
    assert body["type"] == "stage.changed"
    assert body["data"] == {"contact_id": 7, "to": "mql"}
    stamp, signature = got.headers[TIMESTAMP_HEADER], got.headers[SIGNATURE_HEADER]
    assert verify(hook.secret, stamp, got.body, signature, now=now.timestamp())
    assert not verify("whsec_wrong", stamp, got.body, signature, now=now.timestamp())
    assert not verify(hook.secret, stamp, got.body + b" ", signature, now=now.timestamp())


def test_receiver_down_is_retried_later_and_delivered_once_per_message(
    sessions: sessionmaker[Session], client: httpx.Client, now: datetime
) -> None:
    clock = FixedClock(now)
    receiver = Receiver(port=_free_port())  # not started yet: connections are refused
    with sessions() as session:
        webhooks.create_subscription(
            session, receiver.url, [outbox.STAGE_CHANGED, outbox.SALES_READY], now
        )
    first = _announce(sessions, outbox.STAGE_CHANGED, now, contact_id=1)
    second = _announce(sessions, outbox.SALES_READY, now, contact_id=1)

    down = deliver_due(sessions, client, clock, POLICY)
    assert (down.delivered, down.retrying) == (0, 2)

    receiver.start()
    try:
        clock.current = now + timedelta(seconds=10)  # before the backoff: nothing is due
        assert deliver_due(sessions, client, clock, POLICY).outcomes == []
        clock.current = now + timedelta(seconds=31)
        up = deliver_due(sessions, client, clock, POLICY)
        clock.current = now + timedelta(hours=5)
        later = deliver_due(sessions, client, clock, POLICY)
    finally:
        receiver.stop()

    assert up.delivered == 2
    assert later.outcomes == []
    ids = sorted(json.loads(got.body)["id"] for got in receiver.received)
    assert ids == sorted([first, second])
    with sessions() as session:
        statuses = session.scalars(select(WebhookDelivery.status)).all()
        log = session.execute(select(DeliveryAttempt.status_code, DeliveryAttempt.error)).all()
    assert statuses == ["delivered", "delivered"]
    assert sorted(code or 0 for code, _ in log) == [0, 0, 204, 204]
    assert all(error for code, error in log if code is None)


def test_an_error_status_is_not_delivered_and_gives_up_after_max_attempts(
    sessions: sessionmaker[Session], client: httpx.Client, now: datetime
) -> None:
    clock = FixedClock(now)
    receiver = Receiver(status=500).start()
    try:
        with sessions() as session:
            webhooks.create_subscription(session, receiver.url, [outbox.CONTACT_MERGED], now)
        _announce(sessions, outbox.CONTACT_MERGED, now, survivor_id=1, merged_id=2)
        statuses = []
        for _ in range(POLICY.max_attempts + 1):
            report = deliver_due(sessions, client, clock, POLICY)
            statuses += [status for _, status in report.outcomes]
            clock.current += timedelta(seconds=POLICY.max_delay)
    finally:
        receiver.stop()

    assert statuses == ["pending", "pending", "failed"]
    assert len(receiver.received) == POLICY.max_attempts
    assert len({json.loads(got.body)["id"] for got in receiver.received}) == 1


def test_a_kind_nobody_subscribed_to_is_dispatched_without_deliveries(
    sessions: sessionmaker[Session], client: httpx.Client, now: datetime
) -> None:
    with sessions() as session:
        webhooks.create_subscription(session, "http://127.0.0.1:9/x", [outbox.SALES_READY], now)
    _announce(sessions, outbox.STAGE_CHANGED, now, contact_id=3)

    report = deliver_due(sessions, client, FixedClock(now), POLICY)

    assert (report.dispatched, report.outcomes) == (1, [])
    assert deliver_due(sessions, client, FixedClock(now), POLICY).dispatched == 0


def test_a_new_subscription_gets_only_messages_written_after_it(
    sessions: sessionmaker[Session], client: httpx.Client, now: datetime
) -> None:
    # The worker was not running: a backlog waits in the outbox when the new hook is made.
    earlier, later = now - timedelta(hours=2), now + timedelta(minutes=1)
    old_receiver, new_receiver = Receiver().start(), Receiver().start()
    try:
        with sessions() as session:
            webhooks.create_subscription(
                session, old_receiver.url, [outbox.STAGE_CHANGED], earlier - timedelta(days=1)
            )
        backlog = _announce(sessions, outbox.STAGE_CHANGED, earlier, contact_id=1)
        with sessions() as session:
            webhooks.create_subscription(session, new_receiver.url, [outbox.STAGE_CHANGED], now)
        same_instant = _announce(sessions, outbox.STAGE_CHANGED, now, contact_id=2)
        fresh = _announce(sessions, outbox.STAGE_CHANGED, later, contact_id=3)

        report = deliver_due(sessions, client, FixedClock(later), POLICY)
    finally:
        old_receiver.stop()
        new_receiver.stop()

    assert report.dispatched == 3
    new_ids = sorted(json.loads(got.body)["id"] for got in new_receiver.received)
    assert new_ids == sorted([same_instant, fresh])
    old_ids = sorted(json.loads(got.body)["id"] for got in old_receiver.received)
    assert old_ids == sorted([backlog, same_instant, fresh])


def test_the_worker_waits_out_a_database_that_does_not_answer_then_delivers(
    sessions: sessionmaker[Session], client: httpx.Client, now: datetime
) -> None:
    # A restart or fail-over of PostgreSQL under a running worker. It stopped with
    # "cannot use the database" before, and delivered nothing until someone restarted it.
    receiver = Receiver().start()
    with sessions() as session:
        webhooks.create_subscription(session, receiver.url, [outbox.STAGE_CHANGED], now)
    message_id = _announce(sessions, outbox.STAGE_CHANGED, now, contact_id=3)
    unreachable = session_factory(make_engine("postgresql://postgres@127.0.0.1:9/leadflow"))
    down_for = iter(range(3))  # the first three sessions asked for find the database down

    def flaky() -> Session:
        return unreachable() if next(down_for, None) is not None else sessions()

    waits: list[float] = []
    reasons: list[str] = []
    recovered: list[bool] = []
    passes = iter(range(5))
    try:
        run_worker(
            cast(sessionmaker[Session], flaky), client, FixedClock(now), POLICY,
            idle_seconds=0.001, keep_going=lambda: next(passes, None) is not None,
            on_unavailable=lambda error, wait: (waits.append(wait), reasons.append(str(error))),
            on_recovered=lambda: recovered.append(True), sleep=lambda seconds: None,
        )  # fmt: skip
    finally:
        receiver.stop()

    assert waits == [1.0, 2.0, 4.0]  # doubling, up to a limit
    assert all("Connection refused" in reason for reason in reasons)
    assert recovered == [True]
    assert [json.loads(got.body)["id"] for got in receiver.received] == [message_id]


def test_a_worker_that_keeps_finding_the_database_down_tries_every_half_minute(
    client: httpx.Client, now: datetime
) -> None:
    unreachable = session_factory(make_engine("postgresql://postgres@127.0.0.1:9/leadflow"))
    waits: list[float] = []
    passes = iter(range(9))

    run_worker(
        unreachable, client, FixedClock(now), POLICY, idle_seconds=0.001,
        keep_going=lambda: next(passes, None) is not None,
        on_unavailable=lambda error, wait: waits.append(wait), sleep=lambda seconds: None,
    )  # fmt: skip

    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0, 30.0]
