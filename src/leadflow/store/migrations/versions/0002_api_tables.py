"""The HTTP API's tables: keys, idempotent replies, webhooks with their outbox, form tokens.

Revision: 0002 (after 0001)

Types are spelled out here, not imported from the models, so this file keeps
describing the schema it made when the models move on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AT = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

# Created in this order (foreign keys point backwards); dropped in the reverse order.
TABLES = (
    "api_keys",
    "idempotent_replies",
    "webhook_subscriptions",
    "outbox_messages",
    "webhook_deliveries",
    "delivery_attempts",
    "form_confirmations",
)


def _id() -> sa.Column[int]:
    return sa.Column("id", ID, nullable=False)


def _fk(owner: str, column: str, table: str, kind: sa.types.TypeEngine[Any] = ID) -> sa.Column[Any]:
    """A required reference to ``table.id``; rows go when what they belong to goes."""
    name = op.f(f"fk_{owner}_{column}_{table}")
    return sa.Column(
        column, kind, sa.ForeignKey(f"{table}.id", name=name, ondelete="CASCADE"), nullable=False
    )


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _text(name: str, length: int | None = None, *, nullable: bool = False) -> sa.Column[str]:
    kind = sa.String(length) if length else sa.Text()
    return sa.Column(name, kind, nullable=nullable)


def _at(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, AT, nullable=nullable)


def _unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=op.f(f"uq_{table}_{'_'.join(columns)}"))


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns))


def upgrade() -> None:
    _create_keys()
    _create_webhooks()
    _create_forms()


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_table(name)


def _create_keys() -> None:
    op.create_table(
        "api_keys",
        _id(),
        _text("name", 100),
        _text("role", 20),
        _text("prefix", 20),
        _text("secret_hash", 64),
        _at("created_at"),
        _at("revoked_at", nullable=True),
        _pk("api_keys"),
        _unique("api_keys", "name"),
        _unique("api_keys", "secret_hash"),
    )
    op.create_table(
        "idempotent_replies",
        _id(),
        _fk("idempotent_replies", "api_key_id", "api_keys"),
        _text("idempotency_key", 200),
        _text("fingerprint", 64),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("body", JSON, nullable=False),
        _at("created_at"),
        _pk("idempotent_replies"),
        _unique("idempotent_replies", "api_key_id", "idempotency_key"),
    )


def _create_webhooks() -> None:
    op.create_table(
        "webhook_subscriptions",
        _id(),
        _text("url", 2000),
        sa.Column("kinds", JSON, nullable=False),
        _text("secret", 200),
        _text("description", 500, nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _at("created_at"),
        _pk("webhook_subscriptions"),
    )
    op.create_table(
        "outbox_messages",
        _text("id", 36),
        _text("kind", 50),
        sa.Column("payload", JSON, nullable=False),
        _at("created_at"),
        _at("dispatched_at", nullable=True),
        _pk("outbox_messages"),
    )
    _index("outbox_messages", "dispatched_at", "created_at")
    op.create_table(
        "webhook_deliveries",
        _id(),
        _fk("webhook_deliveries", "message_id", "outbox_messages", sa.String(36)),
        _fk("webhook_deliveries", "subscription_id", "webhook_subscriptions"),
        _text("status", 20),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _at("next_attempt_at"),
        _at("delivered_at", nullable=True),
        _pk("webhook_deliveries"),
        _unique("webhook_deliveries", "message_id", "subscription_id"),
    )
    _index("webhook_deliveries", "message_id")
    _index("webhook_deliveries", "status", "next_attempt_at")
    _index("webhook_deliveries", "subscription_id", "id")
    op.create_table(
        "delivery_attempts",
        _id(),
        _fk("delivery_attempts", "delivery_id", "webhook_deliveries"),
        _at("at"),
        sa.Column("status_code", sa.Integer(), nullable=True),
        _text("error", nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        _pk("delivery_attempts"),
    )
    _index("delivery_attempts", "delivery_id")


def _create_forms() -> None:
    op.create_table(
        "form_confirmations",
        _id(),
        _text("token_hash", 64),
        _fk("form_confirmations", "contact_id", "contacts"),
        _text("form_id", 100),
        _at("created_at"),
        _at("expires_at"),
        _at("confirmed_at", nullable=True),
        _pk("form_confirmations"),
        _unique("form_confirmations", "token_hash"),
    )
    _index("form_confirmations", "contact_id")
