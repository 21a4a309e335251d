"""People who sign in to the web application: create, list, disable, authenticate.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's low-memory
profile). Unlike an API key, a password is a *low-entropy* secret a person chose, so a
deliberately slow, memory-hard hash is what makes a stolen table expensive to guess.

Roles:
    admin      everything: the definition, users, API keys, webhooks
    marketing  dashboard, leads, lead pages, reports; reads the definition
    sales      the same reads, plus their queue and the BANT of a lead

Disabling a user ends every session they hold; the row stays, so what they did keeps
its author.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadflow.ingest.normalise import normalise_email
from leadflow.services.refusals import ConflictError, InvalidInputError, NotFoundError
from leadflow.store.models import WebSession, WebUser

__all__ = [
    "LANGUAGES",
    "MIN_PASSWORD",
    "User",
    "UserRole",
    "authenticate_user",
    "create_user",
    "find_user",
    "list_users",
    "set_active",
    "set_language",
    "user_of",
]

MIN_PASSWORD = 10
_MAX_PASSWORD = 1024  # argon2 takes any length; a bound keeps one request cheap
_NAME_MAX = 200
# The languages of the user interface (web/locale); None follows the browser.
LANGUAGES: tuple[str, ...] = ("en", "nl", "de", "fr", "nb")

_hasher = PasswordHasher()


class UserRole(StrEnum):
    ADMIN = "admin"
    MARKETING = "marketing"
    SALES = "sales"


@dataclass(frozen=True, slots=True)
class User:
    """What the application needs to know about a signed-in person (never the hash)."""

    id: int
    email: str
    name: str
    role: UserRole
    language: str | None
    rep_key: str | None
    active: bool
    created_at: datetime
    last_signed_in_at: datetime | None


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: UserRole | str,
    password: str,
    now: datetime,
    language: str | None = None,
    rep_key: str | None = None,
) -> User:
    row = WebUser(
        email=_checked_email(email),
        name=_checked_name(name),
        role=_checked_role(role).value,
        password_hash=_hasher.hash(_checked_password(password)),
        language=_checked_language(language),
        rep_key=(rep_key or "").strip() or None,
        active=True,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ConflictError(f"a user with e-mail {row.email} already exists") from None
    return user_of(row)


def list_users(session: Session) -> list[User]:
    return [user_of(row) for row in session.scalars(select(WebUser).order_by(WebUser.id))]


def find_user(session: Session, email_or_id: str | int) -> User:
    return user_of(_row(session, email_or_id))


def set_active(session: Session, email_or_id: str | int, active: bool, now: datetime) -> User:
    """Enable or disable a user; disabling signs them out everywhere."""
    row = _row(session, email_or_id)
    row.active = active
    row.updated_at = now
    if not active:
        session.execute(delete(WebSession).where(WebSession.user_id == row.id))
    session.commit()
    return user_of(row)


def set_language(session: Session, user_id: int, language: str | None, now: datetime) -> User:
    row = _row(session, user_id)
    row.language = _checked_language(language)
    row.updated_at = now
    session.commit()
    return user_of(row)


def authenticate_user(session: Session, email: str, password: str, now: datetime) -> User | None:
    """The active user with this e-mail and password, or None; commits on success.

    An unknown e-mail costs one hash too, so timing does not tell which addresses exist.
    """
    row = _by_email(session, email)
    if row is None or len(password) > _MAX_PASSWORD:
        _hasher.hash("timing: no such user")
        return None
    try:
        _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if not row.active:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)  # the cost parameters were raised
    row.last_signed_in_at = now
    session.commit()
    return user_of(row)


def user_of(row: WebUser) -> User:
    return User(
        id=row.id,
        email=row.email,
        name=row.name,
        role=UserRole(row.role),
        language=row.language,
        rep_key=row.rep_key,
        active=row.active,
        created_at=row.created_at,
        last_signed_in_at=row.last_signed_in_at,
    )


def _by_email(session: Session, email: str) -> WebUser | None:
    try:
        clean = normalise_email(email)
    except ValueError:
        return None
    return session.scalar(select(WebUser).where(WebUser.email == clean))


def _row(session: Session, email_or_id: str | int) -> WebUser:
    if isinstance(email_or_id, int) or email_or_id.isdigit():
        row = session.get(WebUser, int(email_or_id))
    else:
        row = _by_email(session, email_or_id)
    if row is None:
        raise NotFoundError(f"no user {email_or_id}")
    return row


def _checked_email(email: str) -> str:
    try:
        return normalise_email(email)
    except ValueError as error:
        raise InvalidInputError(str(error)) from None


def _checked_name(name: str) -> str:
    clean = name.strip()
    if not clean or len(clean) > _NAME_MAX:
        raise InvalidInputError(f"a name must have 1 to {_NAME_MAX} characters")
    return clean


def _checked_role(role: UserRole | str) -> UserRole:
    try:
        return UserRole(role)
    except ValueError:
        choices = ", ".join(member.value for member in UserRole)
        raise InvalidInputError(f"unknown role {role!r}; choose one of {choices}") from None


def _checked_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= _MAX_PASSWORD:
        raise InvalidInputError(
            f"a password must have {MIN_PASSWORD} to {_MAX_PASSWORD} characters"
        )
    return password


def _checked_language(language: str | None) -> str | None:
    if not language:
        return None
    if language not in LANGUAGES:
        raise InvalidInputError(
            f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}"
        )
    return language
