"""API keys: named, with a role, shown once, stored as a hash, revocable.

A key is ``lf_`` followed by 43 URL-safe characters from ``secrets`` (256 random bits).
Only its SHA-256 is stored. A fast hash is the right tool here, unlike for passwords:
slow hashes (argon2, bcrypt) exist to make guessing *low-entropy* secrets expensive,
and nobody can guess 256 random bits however fast the hash is. A fast hash also lets
every request find its key with one indexed equality lookup instead of spending tens
of milliseconds on a deliberately slow function.

Roles:
    admin      everything, including the definition, keys and webhooks
    marketing  contacts, accounts, events, qualification, reports
    sales      the sales queue, hand-off answers, attempts, opportunities; reads contacts
    ingest     events and forms only (for websites and tools that only push data)

A sales key may be bound to a rep (``rep``): it then acts as that rep only, on its own
queue and hand-offs (the API checks it, api/routers/handoff.py). An unbound sales key is
a team's integration and acts as whichever rep it names.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadflow.services.refusals import ConflictError, InvalidInputError, NotFoundError
from leadflow.store.models import ApiKey, Rep

__all__ = [
    "KEY_PREFIX",
    "IssuedKey",
    "KeyInfo",
    "Role",
    "authenticate",
    "create_key",
    "hash_secret",
    "list_keys",
    "revoke_key",
]

KEY_PREFIX = "lf_"
_SHOWN = 8  # characters after the prefix kept in clear, to tell keys apart in a list
_NAME_MAX = 100


class Role(StrEnum):
    ADMIN = "admin"
    MARKETING = "marketing"
    SALES = "sales"
    INGEST = "ingest"


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What may be shown of a key: never its secret."""

    id: int
    name: str
    role: Role
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    rep: str | None = None  # the rep key a bound sales key acts as

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key and its secret; the secret exists only in this value, once."""

    info: KeyInfo
    secret: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_key(
    session: Session, name: str, role: Role | str, now: datetime, *, rep: str | None = None
) -> IssuedKey:
    """A new key; ``rep`` binds a sales key to that rep (NotFoundError: no such rep)."""
    clean = _checked_name(name)
    chosen = _checked_role(role)
    bound = _bound_rep(session, chosen, rep)
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(
        name=clean,
        role=chosen.value,
        prefix=secret[: len(KEY_PREFIX) + _SHOWN],
        secret_hash=hash_secret(secret),
        created_at=now,
        revoked_at=None,
        rep_id=None if bound is None else bound.id,
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ConflictError(f"an API key named {clean!r} already exists") from None
    return IssuedKey(_info(row, None if bound is None else bound.key), secret)


def list_keys(session: Session) -> list[KeyInfo]:
    rows = session.execute(
        select(ApiKey, Rep.key).outerjoin(Rep, Rep.id == ApiKey.rep_id).order_by(ApiKey.id)
    ).tuples()
    return [_info(row, rep) for row, rep in rows]


def revoke_key(session: Session, key_id: int, now: datetime) -> KeyInfo:
    """Revoke a key (idempotent: revoking twice keeps the first revocation time)."""
    row = session.get(ApiKey, key_id)
    if row is None:
        raise NotFoundError(f"no API key with id {key_id}")
    if row.revoked_at is None:
        row.revoked_at = now
        session.commit()
    rep = None if row.rep_id is None else session.get_one(Rep, row.rep_id).key
    return _info(row, rep)


def authenticate(session: Session, secret: str) -> KeyInfo | None:
    """The active key whose secret this is, or None (unknown, malformed or revoked)."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    found = session.execute(
        select(ApiKey, Rep.key)
        .outerjoin(Rep, Rep.id == ApiKey.rep_id)
        .where(ApiKey.secret_hash == hash_secret(secret))
    ).one_or_none()
    if found is None or found[0].revoked_at is not None:
        return None
    return _info(found[0], found[1])


def _checked_name(name: str) -> str:
    clean = name.strip()
    if not clean or len(clean) > _NAME_MAX:
        raise InvalidInputError(f"a key name must have 1 to {_NAME_MAX} characters")
    return clean


def _checked_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        choices = ", ".join(member.value for member in Role)
        raise InvalidInputError(f"unknown role {role!r}; choose one of {choices}") from None


def _bound_rep(session: Session, role: Role, rep: str | None) -> Rep | None:
    if rep is None:
        return None
    if role is not Role.SALES:
        raise InvalidInputError("only a sales key is bound to a rep (--rep)", field="rep")
    found = session.scalar(select(Rep).where(Rep.key == rep))
    if found is None:
        raise NotFoundError(f"no rep with key {rep!r}")
    return found


def _info(row: ApiKey, rep: str | None) -> KeyInfo:
    return KeyInfo(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        prefix=row.prefix,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        rep=rep,
    )
