"""Retention deletes what has served its purpose and nothing else, in chunks, on both stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from leadflow.domain.clock import FixedClock
from leadflow.services import webhooks
from leadflow.services.retention import PruneSchedule, Windows, prune
from leadflow.services.webhook_delivery import RetryPolicy, run_worker
from leadflow.store.database import session_factory, writer
from leadflow.store.models import FormConfirmation, IdempotentReply, OutboxMessage, WebSession
from tests.integration.services import retention_rows as rows

WINDOWS = Windows(
    replies=timedelta(hours=24), messages=timedelta(days=30), confirmations=timedelta(days=7)
)
NOTHING = dict.fromkeys(
    (
        "idempotent_replies",
        "outbox_messages",
        "webhook_deliveries",
        "delivery_attempts",
        "web_sessions",
        "form_confirmations",
    ),
    0,
)


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(writer(engine))


@dataclass
class World:
    """Ids of the rows that must stay; the others must go."""

    subscriptions: tuple[int, int]
    messages: set[str]
    sessions: set[int]
    confirmations: set[int]


@pytest.fixture
def world(sessions: sessionmaker[Session], now: datetime) -> World:
    day = timedelta(days=1)
    with sessions() as session:
        key = rows.api_key(session, now)
        rows.reply(session, key, "old", now - timedelta(hours=25))
        rows.reply(session, key, "fresh", now - timedelta(hours=23))

        a, b = rows.subscription(session, now), rows.subscription(session, now)
        long_ago = now - 40 * day
        rows.message(
            session, long_ago, dispatched=long_ago, deliveries={a: "delivered", b: "failed"}
        )
        rows.message(session, long_ago, dispatched=long_ago)  # nobody subscribed
        kept_messages = {
            rows.message(session, long_ago, dispatched=long_ago,
                         deliveries={a: "delivered", b: "pending"}),
            rows.message(session, now - 400 * day, dispatched=None),
            rows.message(session, now - 29 * day, dispatched=now - 29 * day,
                         deliveries={a: "delivered"}),
        }  # fmt: skip

        user = rows.web_user(session, now)
        rows.web_session(session, user, created=now - 8 * day, seen=now - day, expires=now)
        rows.web_session(session, user, created=now - day, seen=now - timedelta(hours=12),
                         expires=now + 6 * day)  # fmt: skip
        live = rows.web_session(session, user, created=now - day, seen=now - timedelta(hours=1),
                                expires=now + 6 * day)  # fmt: skip

        person = rows.contact(session, now)
        rows.confirmation(session, person, created=now - 9 * day, expires=now - 2 * day,
                          confirmed=now - 8 * day)  # fmt: skip
        rows.confirmation(session, person, created=now - 15 * day, expires=now - 8 * day)
        kept_confirmations = {
            rows.confirmation(session, person, created=now - 7 * day, expires=now,
                              confirmed=now - 6 * day),
            rows.confirmation(session, person, created=now - 8 * day, expires=now - day),
            rows.confirmation(session, person, created=now - day, expires=now + 3 * day),
        }  # fmt: skip
    return World((a, b), kept_messages, {live}, kept_confirmations)


EXPECTED = {
    "idempotent_replies": 1,
    "outbox_messages": 2,
    "webhook_deliveries": 2,
    "delivery_attempts": 2,
    "web_sessions": 2,
    "form_confirmations": 2,
}


def test_only_what_has_served_its_purpose_is_deleted(
    sessions: sessionmaker[Session], world: World, now: datetime
) -> None:
    counted = prune(sessions, WINDOWS, now, dry_run=True)
    counted_again = prune(sessions, WINDOWS, now, dry_run=True)  # a dry run deletes nothing
    deleted = prune(sessions, WINDOWS, now)
    again = prune(sessions, WINDOWS, now)

    assert counted == counted_again == deleted == EXPECTED
    assert again == NOTHING
    with sessions() as session:
        assert rows.replies(session) == ["fresh"]
        assert set(session.scalars(select(OutboxMessage.id))) == world.messages
        assert set(session.scalars(select(WebSession.id))) == world.sessions
        assert set(session.scalars(select(FormConfirmation.id))) == world.confirmations


def test_undispatched_messages_and_pending_deliveries_stay_with_their_log(
    sessions: sessionmaker[Session], world: World, now: datetime
) -> None:
    a, b = world.subscriptions

    prune(sessions, WINDOWS, now)
    much_later = prune(sessions, WINDOWS, now + timedelta(days=3650))

    with sessions() as session:
        undispatched = session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.dispatched_at.is_(None))
        ).all()
        log_a = webhooks.delivery_log(session, a)
        log_b = webhooks.delivery_log(session, b)
    # Ten years on, the message dispatched 29 days before goes; the undispatched one and
    # the one whose delivery to b is still pending stay, deliveries and attempts included.
    assert much_later["outbox_messages"] == 1
    assert len(undispatched) == 1
    assert [(entry.status, len(entry.tries)) for entry in log_b] == [("pending", 1)]
    assert [(entry.status, len(entry.tries)) for entry in log_a] == [("delivered", 1)]
    assert log_a[0].message_id == log_b[0].message_id


def test_rows_go_in_chunks_until_none_is_left(
    sessions: sessionmaker[Session], now: datetime
) -> None:
    old = now - timedelta(days=60)
    with sessions() as session:
        key = rows.api_key(session, now)
        hook = rows.subscription(session, now)
        for number in range(5):
            rows.reply(session, key, f"r{number}", old)
            rows.message(session, old, dispatched=old, deliveries={hook: "delivered"})

    deleted = prune(sessions, WINDOWS, now, chunk=2)

    assert deleted == NOTHING | {
        "idempotent_replies": 5,
        "outbox_messages": 5,
        "webhook_deliveries": 5,
        "delivery_attempts": 5,
    }
    with sessions() as session:
        assert rows.count(session, IdempotentReply) == rows.count(session, OutboxMessage) == 0


def test_the_newest_confirmation_stays_so_its_id_is_never_handed_out_again(
    sessions: sessionmaker[Session], now: datetime
) -> None:
    """A confirmation's id names its event (``confirmation:<id>``); SQLite would reuse the
    largest id if its row were deleted."""
    long_ago = now - timedelta(days=30)
    with sessions() as session:
        person = rows.contact(session, now)
        first, newest = (
            rows.confirmation(session, person, created=long_ago, expires=long_ago) for _ in range(2)
        )

    deleted = prune(sessions, WINDOWS, now)
    with sessions() as session:
        later = rows.confirmation(session, person, created=now, expires=now + timedelta(days=7))
        left = set(session.scalars(select(FormConfirmation.id)))

    assert deleted["form_confirmations"] == 1
    assert left == {newest, later}
    assert later > newest > first


def test_a_schedule_prunes_at_once_then_once_per_period(
    sessions: sessionmaker[Session], now: datetime
) -> None:
    clock = FixedClock(now)
    schedule = PruneSchedule(sessions, WINDOWS, timedelta(hours=1), clock)
    with sessions() as session:
        key = rows.api_key(session, now)
        rows.reply(session, key, "a", now - timedelta(hours=25))
        rows.reply(session, key, "b", now - timedelta(hours=23, minutes=30))

    first = schedule.run_if_due()
    clock.current = now + timedelta(minutes=59)  # "b" is old by now, but no run is due
    early = schedule.run_if_due()
    clock.current = now + timedelta(hours=1)
    due = schedule.run_if_due()

    assert early is None
    assert [run["idempotent_replies"] if run else None for run in (first, due)] == [1, 1]


def test_the_webhook_worker_prunes_before_its_passes_when_due(
    sessions: sessionmaker[Session], now: datetime
) -> None:
    clock = FixedClock(now)
    schedule = PruneSchedule(sessions, WINDOWS, timedelta(hours=1), clock)
    with sessions() as session:
        key = rows.api_key(session, now)
        for hours in (25, 23.5, 21):  # old now; old after 30 minutes; old after 3 hours
            rows.reply(session, key, f"{hours}h", now - timedelta(hours=hours))
    left: list[list[str]] = []
    passes = iter(range(4))

    def after(report: object) -> None:
        del report
        with sessions() as session:
            left.append(rows.replies(session))
        clock.current += timedelta(minutes=45)

    def housekeeping() -> None:
        schedule.run_if_due()

    with httpx.Client() as client:
        run_worker(
            sessions, client, clock, RetryPolicy(), idle_seconds=0.001,
            keep_going=lambda: next(passes, None) is not None, on_pass=after,
            before_pass=housekeeping,
        )  # fmt: skip

    # Passes at +0, +45, +90 and +135 minutes; prunes before those at +0 and +90 only.
    assert left == [["21h", "23.5h"], ["21h", "23.5h"], ["21h"], ["21h"]]
