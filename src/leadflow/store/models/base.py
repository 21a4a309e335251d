"""The declarative base every table shares, with deterministic constraint names.

Named constraints matter twice: Alembic can drop exactly what it created on downgrade,
and SQLite's batch mode (which rebuilds a table to alter it) can find them again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import BigInteger, Integer, MetaData, TextClause, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from leadflow.store.types import JsonDocument, UtcDateTime

__all__ = ["BIG_ID", "Base", "Timestamped", "is_set"]

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A 64-bit key on PostgreSQL; on SQLite only INTEGER PRIMARY KEY is the fast rowid alias.
BIG_ID = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime(),
        dict[str, Any]: JsonDocument,
    }


class Timestamped:
    """Creation and last-change instants, set by the code that writes (time is injected)."""

    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


def is_set(column: str) -> TextClause:
    """A partial index's condition: only the rows where ``column`` is set. For a pointer
    that is mostly NULL and looked up only by a value (``column = :id``), which such an
    index answers, while the NULL rows cost it nothing."""
    return text(f"{column} IS NOT NULL")
