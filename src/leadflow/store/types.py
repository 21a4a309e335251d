"""Column types that mean the same thing on SQLite and PostgreSQL.

UtcDateTime   an instant, always timezone-aware UTC when read back. PostgreSQL keeps it
              as ``timestamptz``; SQLite has no time type, so the value is normalised to
              UTC before it is written and UTC is re-attached when it is read.
JsonDocument  a JSON document: ``JSONB`` on PostgreSQL (indexable, compact), JSON text
              elsewhere.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = ["JsonDocument", "UtcDateTime"]


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant; naive datetimes are refused, never guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"naive datetime {value.isoformat()} cannot be stored; give a UTC time"
            )
        moment = value.astimezone(UTC)
        # SQLite would store the offset-less text of whatever zone it got; write UTC only.
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _json_document() -> TypeEngine[Any]:
    return JSON().with_variant(JSONB(), "postgresql")


JsonDocument: TypeEngine[Any] = _json_document()
