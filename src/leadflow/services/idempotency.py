"""``Idempotency-Key`` for POSTs: a retried request gets the first reply, not a second effect.

The reply to ``(API key, Idempotency-Key)`` is stored with a fingerprint of the request
(method, path and the canonical JSON of the parsed body). A retry with the same
fingerprint gets the stored reply; the same key on a different request is refused
(the IETF draft's 422), because answering it with the old reply would hide a bug.

Event recording is idempotent in the store as well (the header becomes each event's
idempotency key), so a crash between recording and storing the reply costs nothing:
the retry finds every event already stored and answers as the first time did.

A lead action (accept, attempt, close, a deal ...) has no such key of its own, so its
reply is *reserved* in the action's own transaction (``reserve_on_commit``): the row
commits with the action or not at all, and its unique index refuses a concurrent twin's
action whole (nothing recorded twice). ``complete_reply`` then stores the answer in the
reserved row. A reservation without its answer (``PENDING``) means the action took
effect and its answer is not kept (yet): the first request still runs, or was cut off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadflow.store.models import IdempotentReply

__all__ = [
    "PENDING",
    "StoredReply",
    "complete_reply",
    "find_reply",
    "fingerprint",
    "reserve_on_commit",
    "save_reply",
]

PENDING = 0  # the status of a reserved reply whose answer is not stored yet


@dataclass(frozen=True, slots=True)
class StoredReply:
    fingerprint: str
    status_code: int
    body: dict[str, Any]


def fingerprint(method: str, path: str, canonical_body: str) -> str:
    return hashlib.sha256(f"{method} {path}\n{canonical_body}".encode()).hexdigest()


# How much of the header a derived key keeps readable: the rest of the key is bounded, so
# it fits the events' 200-character key column whatever the header's length.
_READABLE = 120


def derived_event_key(header: str, request_fingerprint: str) -> str:
    """The key of an event sent under ``Idempotency-Key: header`` without a key of its own
    (in a batch, followed by ``:<index>``). Bound to the request as well as the header: a retry
    of the same request finds its events stored even after its reply was pruned
    (``LEADFLOW_RETENTION_REPLIES``), while another request reusing the header then records
    its own events instead of being answered with the first one's."""
    digest = hashlib.sha256(f"{header}\n{request_fingerprint}".encode()).hexdigest()[:16]
    return f"{header[:_READABLE]}~{digest}"


def find_reply(session: Session, api_key_id: int, key: str) -> StoredReply | None:
    row = session.scalar(
        select(IdempotentReply).where(
            IdempotentReply.api_key_id == api_key_id, IdempotentReply.idempotency_key == key
        )
    )
    if row is None:
        return None
    return StoredReply(row.fingerprint, row.status_code, dict(row.body))


def save_reply(
    session: Session,
    api_key_id: int,
    key: str,
    reply: StoredReply,
    now: datetime,
) -> None:
    """Keep the reply; when a concurrent twin stored one first, theirs stands. Commits."""
    session.add(
        IdempotentReply(
            api_key_id=api_key_id,
            idempotency_key=key,
            fingerprint=reply.fingerprint,
            status_code=reply.status_code,
            body=reply.body,
            created_at=now,
        )
    )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()


def reserve_on_commit(
    session: Session, api_key_id: int, key: str, request_fingerprint: str, now: datetime
) -> Callable[[], None]:
    """Reserve the reply to ``key`` in the first transaction the caller's service commits:
    the reservation and the action commit together, or neither does. A twin that reserved
    the key first makes this commit fail (IntegrityError) and roll back whole. Returns
    what to call once the service is done, committed or refused: it stops reserving."""
    reserved = False

    def reserve(committing: Session) -> None:
        nonlocal reserved
        if reserved:  # a service that commits twice: the first commit holds the action
            return
        reserved = True
        committing.add(
            IdempotentReply(
                api_key_id=api_key_id,
                idempotency_key=key,
                fingerprint=request_fingerprint,
                status_code=PENDING,
                body={},
                created_at=now,
            )
        )

    event.listen(session, "before_commit", reserve)
    return lambda: event.remove(session, "before_commit", reserve)


def complete_reply(session: Session, api_key_id: int, key: str, reply: StoredReply) -> None:
    """Store the answer in the row ``reserve_on_commit`` made. Commits."""
    session.execute(
        update(IdempotentReply)
        .where(IdempotentReply.api_key_id == api_key_id, IdempotentReply.idempotency_key == key)
        .values(status_code=reply.status_code, body=reply.body)
    )
    session.commit()
