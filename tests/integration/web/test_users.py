"""Users and their sessions in the store: argon2 hashes, expiry, disabling, CSRF tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.services.refusals import ConflictError, InvalidInputError, NotFoundError
from leadflow.services.users import (
    authenticate_user,
    create_user,
    find_user,
    list_users,
    set_active,
    set_language,
)
from leadflow.services.web_sessions import (
    IDLE,
    LIFETIME,
    close_session,
    csrf_matches,
    csrf_token,
    find_session,
    open_session,
    touch_session,
)
from leadflow.store.models import WebSession, WebUser

PASSWORD = "a-long-enough-password"


def _user(session: Session, now: datetime, email: str = "Ann@Example.COM", **extra: str):
    return create_user(
        session, email=email, name=" Ann ", role="sales", password=PASSWORD, now=now, **extra
    )


def test_a_user_is_stored_with_an_argon2_hash_never_the_password(
    session: Session, now: datetime
) -> None:
    user = _user(session, now, rep_key="r7", language="nb")
    row = session.scalars(select(WebUser)).one()

    assert (user.email, user.name, user.role.value, user.rep_key) == (
        "ann@example.com",
        "Ann",
        "sales",
        "r7",
    )
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash
    assert [u.email for u in list_users(session)] == ["ann@example.com"]
    assert find_user(session, "ANN@example.com").id == find_user(session, str(user.id)).id


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not an address", "not valid"),
        ("role", "boss", "unknown role"),
        ("password", "short", "10 to 1024"),
        ("name", "   ", "1 to 200"),
        ("language", "sv", "unknown language"),
    ],
)
def test_bad_input_is_refused_with_a_reason(
    session: Session, now: datetime, field: str, value: str, message: str
) -> None:
    values = {"email": "b@example.com", "name": "B", "role": "admin", "password": PASSWORD}
    values[field] = value
    with pytest.raises(InvalidInputError, match=message):
        create_user(session, now=now, **values)  # type: ignore[arg-type]


def test_an_address_is_one_user(session: Session, now: datetime) -> None:
    _user(session, now)
    with pytest.raises(ConflictError, match="already exists"):
        _user(session, now, email="ann@example.com")


def test_authentication_needs_the_password_and_an_active_user(
    session: Session, now: datetime
) -> None:
    user = _user(session, now)

    assert authenticate_user(session, "ann@example.com", "wrong-password", now) is None
    assert authenticate_user(session, "nobody@example.com", PASSWORD, now) is None
    signed = authenticate_user(session, " ANN@example.com ", PASSWORD, now)
    assert signed is not None
    assert signed.last_signed_in_at == now
    set_active(session, user.id, False, now)
    assert authenticate_user(session, "ann@example.com", PASSWORD, now) is None
    with pytest.raises(NotFoundError):
        set_active(session, "nobody@example.com", True, now)


def test_a_session_lives_until_idle_lifetime_sign_out_or_disabling(
    session: Session, now: datetime
) -> None:
    user = _user(session, now)
    token = open_session(session, user, now)

    assert find_session(session, token, now + IDLE - timedelta(seconds=1)) is not None
    assert find_session(session, token, now + IDLE) is None  # idle too long
    assert find_session(session, "made-up", now) is None
    assert session.scalar(select(WebSession.token_hash)) != token  # only its hash is kept

    found = find_session(session, token, now + timedelta(minutes=5))
    assert found is not None
    assert found.needs_touch
    touch_session(session, found.session_id, now + timedelta(hours=11))
    assert find_session(session, token, now + timedelta(hours=22)) is not None
    assert find_session(session, token, now + LIFETIME) is None  # however active

    set_active(session, user.id, False, now)
    assert find_session(session, token, now) is None
    assert session.scalars(select(WebSession)).all() == []


def test_sign_out_forgets_the_session_and_expired_ones(session: Session, now: datetime) -> None:
    user = _user(session, now)
    old = open_session(session, user, now - LIFETIME - timedelta(days=1))
    token = open_session(session, user, now)

    close_session(session, token, now)

    assert find_session(session, token, now) is None
    assert find_session(session, old, now) is None
    assert session.scalars(select(WebSession)).all() == []


def test_language_choice_is_kept_or_cleared(session: Session, now: datetime) -> None:
    user = _user(session, now)

    assert set_language(session, user.id, "de", now).language == "de"
    assert set_language(session, user.id, None, now).language is None


def test_the_csrf_token_belongs_to_its_session() -> None:
    token = csrf_token("session-a")

    assert csrf_matches("session-a", token)
    assert not csrf_matches("session-b", token)
    assert not csrf_matches("session-a", None)
    assert not csrf_matches("session-a", token[:-1] + "0")
