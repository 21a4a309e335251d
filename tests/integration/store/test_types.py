"""Instants come back timezone-aware UTC on every database; naive ones are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from leadflow.store.models import Account


def _account(created: datetime) -> Account:
    return Account(name="Acme", created_at=created, updated_at=created, attributes={"a": [1]})


def test_an_instant_with_an_offset_is_read_back_as_the_same_instant_in_utc(
    session: Session,
) -> None:
    paris = timezone(timedelta(hours=2))
    written = datetime(2026, 5, 1, 14, 30, 15, 123456, tzinfo=paris)
    session.add(_account(written))
    session.commit()
    session.expunge_all()

    read = session.scalars(select(Account.created_at)).one()

    assert read == written
    assert read.tzinfo is UTC
    assert read.hour == 12


def test_a_naive_datetime_is_refused(session: Session) -> None:
    session.add(_account(datetime(2026, 5, 1, 12, 0)))  # noqa: DTZ001 - the case under test

    with pytest.raises(StatementError, match="naive datetime"):
        session.flush()


def test_json_attributes_round_trip(session: Session) -> None:
    session.add(_account(datetime(2026, 5, 1, tzinfo=UTC)))
    session.commit()
    session.expunge_all()

    assert session.scalars(select(Account.attributes)).one() == {"a": [1]}
