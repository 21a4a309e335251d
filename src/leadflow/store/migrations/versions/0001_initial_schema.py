"""The initial schema: people, events, qualification, the stage ledger and sales contact.

Revision: 0001 (the first)

The types are spelled out here rather than imported from the models, so this file
keeps describing the schema it made even when the models move on.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AT = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

# Created in this order (foreign keys point backwards); dropped in the reverse order.
TABLES = (
    "accounts",
    "definition_versions",
    "contacts",
    "visitors",
    "events",
    "qualifications",
    "stage_transitions",
    "bant_facts",
    "consents",
    "merges",
    "handoffs",
    "sales_attempts",
    "conversations",
    "opportunities",
)


def _id() -> sa.Column[int]:
    return sa.Column("id", ID, nullable=False)


def _fk(
    owner: str, column: str, table: str, on_delete: str, *, nullable: bool = True
) -> sa.Column[int]:
    """A column of ``owner`` referring to ``table.id``, its constraint named as the models do."""
    name = op.f(f"fk_{owner}_{column}_{table}")
    return sa.Column(
        column, ID, sa.ForeignKey(f"{table}.id", name=name, ondelete=on_delete), nullable=nullable
    )


def _contact(owner: str) -> sa.Column[int]:
    return _fk(owner, "contact_id", "contacts", "CASCADE", nullable=False)


def _pk(table: str, column: str = "id") -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(column, name=op.f(f"pk_{table}"))


def _text(name: str, length: int | None = None, *, nullable: bool = True) -> sa.Column[str]:
    kind = sa.String(length) if length else sa.Text()
    return sa.Column(name, kind, nullable=nullable)


def _at(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, AT, nullable=nullable)


def _json(name: str) -> sa.Column[object]:
    return sa.Column(name, JSON, nullable=False)


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns))


def upgrade() -> None:
    _create_people()
    _create_funnel()
    _create_sales()


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_table(name)


def _create_people() -> None:
    op.create_table(
        "accounts",
        _id(),
        _text("name", 300),
        _text("domain", 255),
        _text("industry", 200),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("revenue", sa.Float(), nullable=True),
        _text("country", 2),
        _json("attributes"),
        _at("created_at"),
        _at("updated_at"),
        _pk("accounts"),
        sa.UniqueConstraint("domain", name=op.f("uq_accounts_domain")),
    )
    op.create_table(
        "definition_versions",
        _id(),
        _text("name", 200, nullable=False),
        _text("version", 100, nullable=False),
        _text("yaml", nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _at("created_at"),
        _at("activated_at", nullable=True),
        _pk("definition_versions"),
        sa.UniqueConstraint("name", "version", name=op.f("uq_definition_versions_name_version")),
    )
    op.create_index(
        "uq_definition_versions_one_active",
        "definition_versions",
        ["active"],
        unique=True,
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    )
    op.create_table(
        "contacts",
        _id(),
        _text("external_id", 200),
        _text("email", 320),
        _text("first_name", 200),
        _text("last_name", 200),
        _text("phone", 32),
        _text("title", 300),
        _text("seniority", 100),
        _text("department", 100),
        _text("country", 2),
        _text("company", 300),
        _text("domain", 255),
        _fk("contacts", "account_id", "accounts", "SET NULL"),
        _text("source_channel", 100),
        _text("source_medium", 100),
        _text("source_campaign", 300),
        sa.Column("purchased", sa.Boolean(), nullable=False),
        _text("vendor", 200),
        _text("identity", 20, nullable=False),
        _text("owner", 200),
        _json("attributes"),
        _fk("contacts", "merged_into_id", "contacts", "SET NULL"),
        _at("created_at"),
        _at("updated_at"),
        _pk("contacts"),
        sa.UniqueConstraint("email", name=op.f("uq_contacts_email")),
        sa.UniqueConstraint("external_id", name=op.f("uq_contacts_external_id")),
    )
    for column in ("account_id", "domain", "owner"):
        _index("contacts", column)
    op.create_table(
        "visitors",
        _text("id", 200, nullable=False),
        _fk("visitors", "contact_id", "contacts", "SET NULL"),
        _at("first_seen_at"),
        _at("last_seen_at"),
        _at("identified_at", nullable=True),
        _pk("visitors"),
    )
    _index("visitors", "contact_id")


def _create_funnel() -> None:
    op.create_table(
        "events",
        _id(),
        _text("source", 100, nullable=False),
        _text("idempotency_key", 200),
        _fk("events", "contact_id", "contacts", "CASCADE"),
        sa.Column(
            "visitor_id",
            sa.String(200),
            sa.ForeignKey(
                "visitors.id", name=op.f("fk_events_visitor_id_visitors"), ondelete="SET NULL"
            ),
            nullable=True,
        ),
        _text("type", 100, nullable=False),
        _at("at"),
        _json("properties"),
        _at("received_at"),
        _pk("events"),
        sa.UniqueConstraint(
            "source", "idempotency_key", name=op.f("uq_events_source_idempotency_key")
        ),
    )
    _index("events", "contact_id", "at")
    _index("events", "visitor_id", "at")
    op.create_table(
        "qualifications",
        _contact("qualifications"),
        _text("stage", 100),
        sa.Column("fit_score", sa.Float(), nullable=False),
        _text("fit_grade", 1, nullable=False),
        sa.Column("engagement_score", sa.Float(), nullable=False),
        _text("temperature", 20, nullable=False),
        _text("lead_type", 20, nullable=False),
        sa.Column("sales_ready", sa.Boolean(), nullable=False),
        _fk("qualifications", "definition_version_id", "definition_versions", "SET NULL"),
        _json("state"),
        _at("qualified_at"),
        _at("stage_entered_at", nullable=True),
        _text("stage_version", 100),
        _text("funnel_stage", 100),
        _at("recycled_at", nullable=True),
        _text("recycled_reason", 500),
        _at("disqualified_at", nullable=True),
        _text("disqualified_reason", 500),
        _at("updated_at"),
        _pk("qualifications", "contact_id"),
    )
    _index("qualifications", "stage")
    op.create_table(
        "stage_transitions",
        _id(),
        _contact("stage_transitions"),
        _text("from_stage", 100),
        _text("to_stage", 100, nullable=False),
        _at("at"),
        _text("rule", 200),
        _text("actor", 200),
        _text("reason", 500),
        _fk("stage_transitions", "definition_version_id", "definition_versions", "SET NULL"),
        _fk("stage_transitions", "event_id", "events", "SET NULL"),
        _pk("stage_transitions"),
    )
    _index("stage_transitions", "contact_id", "at")
    _index("stage_transitions", "at")
    _index("stage_transitions", "event_id")
    op.create_table(
        "bant_facts",
        _id(),
        _contact("bant_facts"),
        _text("criterion", 20, nullable=False),
        sa.Column("met", sa.Boolean(), nullable=True),
        _text("evidence"),
        _text("source", 100),
        _text("actor", 200),
        _at("at"),
        _pk("bant_facts"),
    )
    _index("bant_facts", "contact_id", "criterion", "at")
    op.create_table(
        "consents",
        _id(),
        _contact("consents"),
        _text("channel", 20, nullable=False),
        _text("status", 20, nullable=False),
        _text("source", 200),
        _at("at"),
        _fk("consents", "event_id", "events", "SET NULL"),
        _pk("consents"),
        sa.UniqueConstraint("contact_id", "channel", name=op.f("uq_consents_contact_id_channel")),
    )
    op.create_table(
        "merges",
        _id(),
        _fk("merges", "survivor_id", "contacts", "CASCADE", nullable=False),
        _fk("merges", "merged_id", "contacts", "CASCADE", nullable=False),
        _at("at"),
        _text("actor", 200),
        _text("reason", 500),
        _json("survivor_before"),
        _json("merged_snapshot"),
        _json("repointed"),
        _at("undone_at", nullable=True),
        _pk("merges"),
    )
    _index("merges", "survivor_id")
    _index("merges", "merged_id")


def _create_sales() -> None:
    op.create_table(
        "handoffs",
        _id(),
        _contact("handoffs"),
        _text("owner", 200),
        _at("at"),
        _at("due_at", nullable=True),
        _text("status", 20, nullable=False),
        _at("answered_at", nullable=True),
        _text("reason", 500),
        _fk("handoffs", "definition_version_id", "definition_versions", "SET NULL"),
        _pk("handoffs"),
    )
    _index("handoffs", "contact_id", "at")
    _index("handoffs", "owner", "status")
    op.create_table(
        "sales_attempts",
        _id(),
        _contact("sales_attempts"),
        _fk("sales_attempts", "handoff_id", "handoffs", "SET NULL"),
        _text("rep", 200),
        _text("channel", 20, nullable=False),
        _text("outcome", 20, nullable=False),
        _at("at"),
        _text("note"),
        _pk("sales_attempts"),
    )
    _index("sales_attempts", "contact_id", "at")
    op.create_table(
        "conversations",
        _id(),
        _contact("conversations"),
        _text("rep", 200),
        _text("outcome", 20),
        _at("at"),
        _text("note"),
        _pk("conversations"),
    )
    _index("conversations", "contact_id", "at")
    op.create_table(
        "opportunities",
        _id(),
        _contact("opportunities"),
        _fk("opportunities", "account_id", "accounts", "SET NULL"),
        _text("name", 300),
        _text("owner", 200),
        _text("status", 10, nullable=False),
        sa.Column("amount", sa.Numeric(18, 2, asdecimal=False), nullable=True),
        _text("currency", 3),
        _at("created_at"),
        _at("closed_at", nullable=True),
        _text("lost_reason", 500),
        _pk("opportunities"),
    )
    _index("opportunities", "contact_id")
    _index("opportunities", "status")
