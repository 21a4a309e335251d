"""``Idempotency-Key`` for POSTs: a retried request gets the first reply, not a second effect.

The reply to ``(API key, Idempotency-Key)`` is stored with a fingerprint of the request
(method, path and the canonical JSON of the parsed body). A retry with the same
fingerprint gets the stored reply; the same key on a different request is refused
(the IETF draft's 422), because answering it with the old reply would hide a bug.

Event recording is idempotent in the store as well (the header becomes each event's
idempotency key), so a crash between recording and storing the reply costs nothing:
the retry finds every event already stored and answers as the first time did.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadflow.store.models import IdempotentReply

__all__ = ["StoredReply", "find_reply", "fingerprint", "save_reply"]


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
