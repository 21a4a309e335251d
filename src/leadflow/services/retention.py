"""Retention: delete from the operational tables what has served its purpose.

    table               a row goes when                                       window
    idempotent_replies  it was stored longer ago than the window              replies (24h)
    outbox_messages     it was dispatched longer ago than the window and       messages (30d)
                        none of its deliveries is still pending
      webhook_deliveries  with their message: the delivery log names the message's kind,
      delivery_attempts   so a delivery without its message could not be shown
    web_sessions        it has expired (its lifetime, or idle): it signs nobody in
    form_confirmations  it was used, or expired unused, longer ago than the    confirmations (7d)
                        window; never the newest row (below)

Nothing else is ever deleted: no undispatched message, no pending delivery, no event.
Pruning replies cannot make an event be stored twice, because the events keep their
keys (``events.idempotency_key``; the Idempotency-Key header becomes the key of each
event without one), and ``(source, key)`` is unique there for ever.

Rows go in chunks of ``chunk`` (a message counts with its deliveries and attempts), one
transaction each, so a SQLite writer waits at most one chunk for the lock.

SQLite gives a new row the largest id plus one, so deleting the newest row would hand
its id out again. A confirmation's id names its ``email_confirmed`` event
(``confirmation:<id>``): a reused id would make the next confirmation's event look like
a duplicate of an old one, so the newest confirmation always stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, exists, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased, sessionmaker

from leadflow.domain.clock import Clock
from leadflow.services.web_sessions import IDLE
from leadflow.store.models import (
    DeliveryAttempt,
    FormConfirmation,
    IdempotentReply,
    OutboxMessage,
    WebhookDelivery,
    WebSession,
)

__all__ = ["CHUNK", "TABLES", "PruneSchedule", "Windows", "prune"]

CHUNK = 10_000
TABLES: tuple[str, ...] = (
    "idempotent_replies",
    "outbox_messages",
    "webhook_deliveries",
    "delivery_attempts",
    "web_sessions",
    "form_confirmations",
)


@dataclass(frozen=True, slots=True)
class Windows:
    """How long each kind of row is kept at least (the settings ``LEADFLOW_RETENTION_*``)."""

    replies: timedelta
    messages: timedelta
    confirmations: timedelta


def prune(
    sessions: sessionmaker[Session],
    windows: Windows,
    now: datetime,
    *,
    dry_run: bool = False,
    chunk: int = CHUNK,
) -> dict[str, int]:
    """Delete (``dry_run``: count) what has served its purpose; rows per table.

    ``sessions`` should be writer sessions (``store.database.writer``) on SQLite.
    """
    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    rows = _message_rows(sessions, now - windows.messages, dry_run=dry_run, chunk=chunk)
    targets: tuple[tuple[str, Any, ColumnElement[bool]], ...] = (
        ("idempotent_replies", IdempotentReply, _old_replies(now - windows.replies)),
        ("web_sessions", WebSession, _dead_sessions(now)),
        ("form_confirmations", FormConfirmation, _spent_confirmations(now, windows)),
    )
    for table, model, condition in targets:
        if dry_run:
            rows[table] = _count(sessions, select(model.id).where(condition))
        else:
            rows[table] = _delete_in_chunks(sessions, model.id, condition, chunk)
    return {table: rows[table] for table in TABLES}


class PruneSchedule:
    """``prune`` at most once per ``every``, for a long-running process (the webhook worker).

    The first call prunes; later calls prune again once ``every`` has passed on ``clock``.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        windows: Windows,
        every: timedelta,
        clock: Clock,
        *,
        chunk: int = CHUNK,
    ) -> None:
        self._sessions = sessions
        self._windows = windows
        self._every = every
        self._clock = clock
        self._chunk = chunk
        self._last: datetime | None = None

    def run_if_due(self) -> dict[str, int] | None:
        """Rows pruned per table, or None when the last run is more recent than ``every``."""
        now = self._clock.now()
        if self._last is not None and now - self._last < self._every:
            return None
        self._last = now
        return prune(self._sessions, self._windows, now, chunk=self._chunk)


def _old_replies(cutoff: datetime) -> ColumnElement[bool]:
    return IdempotentReply.created_at < cutoff


def _dead_sessions(now: datetime) -> ColumnElement[bool]:
    # The two ends of a session that find_session applies: its lifetime, its idle time.
    return or_(WebSession.expires_at <= now, WebSession.last_seen_at <= now - IDLE)


def _spent_confirmations(now: datetime, windows: Windows) -> ColumnElement[bool]:
    cutoff = now - windows.confirmations
    newest = aliased(FormConfirmation)
    used = and_(FormConfirmation.confirmed_at.is_not(None), FormConfirmation.confirmed_at < cutoff)
    expired = and_(FormConfirmation.confirmed_at.is_(None), FormConfirmation.expires_at < cutoff)
    keep_newest = FormConfirmation.id < select(func.max(newest.id)).scalar_subquery()
    return and_(or_(used, expired), keep_newest)


def _settled_messages(cutoff: datetime) -> ColumnElement[bool]:
    """Dispatched before ``cutoff``, and no delivery of it waits for another attempt.

    A dispatched message never gets a new delivery and a delivery never goes back to
    pending, so what this selects stays selected until it is deleted.
    """
    # Correlated to the message only: counting deliveries selects from webhook_deliveries
    # around this, and those must not stand in for the deliveries looked at here.
    pending = (
        exists()
        .where(WebhookDelivery.message_id == OutboxMessage.id, WebhookDelivery.status == "pending")
        .correlate(OutboxMessage)
    )
    return and_(
        OutboxMessage.dispatched_at.is_not(None), OutboxMessage.dispatched_at < cutoff, ~pending
    )


def _message_rows(
    sessions: sessionmaker[Session], cutoff: datetime, *, dry_run: bool, chunk: int
) -> dict[str, int]:
    settled = _settled_messages(cutoff)
    if dry_run:
        return _count_messages(sessions, settled)
    rows = dict.fromkeys(("outbox_messages", "webhook_deliveries", "delivery_attempts"), 0)
    while True:
        with sessions() as session:
            connection = session.connection()
            ids = list(connection.scalars(select(OutboxMessage.id).where(settled).limit(chunk)))
            if ids:
                for table, count in _delete_messages(connection, ids).items():
                    rows[table] += count
            session.commit()
        if len(ids) < chunk:
            return rows


def _delete_messages(connection: Connection, ids: list[str]) -> dict[str, int]:
    """The messages ``ids``, their deliveries and the deliveries' attempts (the caller commits)."""
    deliveries = select(WebhookDelivery.id).where(WebhookDelivery.message_id.in_(ids))
    attempts = connection.execute(
        delete(DeliveryAttempt).where(DeliveryAttempt.delivery_id.in_(deliveries))
    )
    delivered = connection.execute(
        delete(WebhookDelivery).where(WebhookDelivery.message_id.in_(ids))
    )
    messages = connection.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))
    return {
        "outbox_messages": messages.rowcount,
        "webhook_deliveries": delivered.rowcount,
        "delivery_attempts": attempts.rowcount,
    }


def _count_messages(
    sessions: sessionmaker[Session], settled: ColumnElement[bool]
) -> dict[str, int]:
    messages = select(OutboxMessage.id).where(settled)
    deliveries = select(WebhookDelivery.id).where(WebhookDelivery.message_id.in_(messages))
    attempts = select(DeliveryAttempt.id).where(DeliveryAttempt.delivery_id.in_(deliveries))
    return {
        "outbox_messages": _count(sessions, messages),
        "webhook_deliveries": _count(sessions, deliveries),
        "delivery_attempts": _count(sessions, attempts),
    }


def _count(sessions: sessionmaker[Session], rows: Select[Any]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(rows.subquery())) or 0


def _delete_in_chunks(
    sessions: sessionmaker[Session],
    key: InstrumentedAttribute[Any],
    condition: ColumnElement[bool],
    chunk: int,
) -> int:
    """Delete the rows of ``key``'s table that meet ``condition``, ``chunk`` per transaction."""
    table = key.class_
    total = 0
    while True:
        with sessions() as session:
            doomed = select(key).where(condition).limit(chunk)
            gone = session.connection().execute(delete(table).where(key.in_(doomed))).rowcount
            session.commit()
        total += gone
        if gone < chunk:
            return total
