"""Signed-in browsers: open, find, touch and close sessions; their CSRF tokens.

A session is a random token (256 bits) the browser keeps in an HTTP-only cookie; the
store keeps only its SHA-256, like API keys, so neither a database copy nor a log line
signs anybody in. A session ends ``IDLE`` after its last use, ``LIFETIME`` after it
began, at sign-out, or when its user is disabled.

The CSRF token of a session is an HMAC of a fixed label keyed by the session's token:
a page can print it, only the cookie's holder can compute it, and nothing more has to
be stored. Every state-changing request must send it back (a form field or the
``X-CSRF-Token`` header htmx adds); a page of another site can make the browser send
the cookie but cannot read the token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from leadflow.services.users import User, user_of
from leadflow.store.models import WebSession, WebUser

__all__ = [
    "IDLE",
    "LIFETIME",
    "SignedIn",
    "close_session",
    "csrf_matches",
    "csrf_token",
    "find_session",
    "open_session",
    "touch_session",
]

IDLE = timedelta(hours=12)
LIFETIME = timedelta(days=7)
_TOUCH_EVERY = timedelta(minutes=1)
_TOKEN_MAX = 100  # a real token is 43 characters; anything far longer is not one
_CSRF_LABEL = b"leadflow csrf v1"


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The user behind a session cookie, and whether its idle clock should move."""

    session_id: int
    user: User
    needs_touch: bool


def open_session(session: Session, user: User, now: datetime) -> str:
    """Start a session for ``user``; returns the token for the cookie (shown once)."""
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=_hashed(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + LIFETIME,
        )
    )
    session.commit()
    return token


def find_session(session: Session, token: str, now: datetime) -> SignedIn | None:
    """The live session of this token, or None (unknown, expired, or user disabled)."""
    if not token or len(token) > _TOKEN_MAX:
        return None
    found = session.execute(
        select(WebSession, WebUser)
        .join(WebUser, WebUser.id == WebSession.user_id)
        .where(WebSession.token_hash == _hashed(token))
    ).one_or_none()
    if found is None:
        return None
    row, user = found
    if not user.active or now >= row.expires_at or now >= row.last_seen_at + IDLE:
        return None
    return SignedIn(row.id, user_of(user), now - row.last_seen_at >= _TOUCH_EVERY)


def touch_session(session: Session, session_id: int, now: datetime) -> None:
    row = session.get(WebSession, session_id)
    if row is not None:
        row.last_seen_at = now
        session.commit()


def close_session(session: Session, token: str, now: datetime) -> None:
    """Sign out: forget this session, and any of the store's sessions long expired."""
    session.execute(delete(WebSession).where(WebSession.token_hash == _hashed(token)))
    session.execute(delete(WebSession).where(WebSession.expires_at <= now))
    session.commit()


def csrf_token(token: str) -> str:
    return hmac.new(token.encode("utf-8"), _CSRF_LABEL, hashlib.sha256).hexdigest()


def csrf_matches(token: str, submitted: str | None) -> bool:
    if not submitted:
        return False
    return hmac.compare_digest(csrf_token(token), submitted)


def _hashed(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
