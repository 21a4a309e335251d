"""The web application's tables (users, sessions) and the leads list's indexes.

Revision: 0004 (after 0003)

Types are spelled out here, not imported from the models, so this file keeps
describing the schema it made when the models move on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AT = sa.DateTime(timezone=True)

# (table, columns): what the leads list sorts by and filters on (models/web.py).
LEAD_LIST_INDEXES = (
    ("qualifications", ("qualified_at", "contact_id")),
    ("qualifications", ("engagement_score", "contact_id")),
    ("qualifications", ("fit_score", "contact_id")),
    ("qualifications", ("temperature",)),
    ("qualifications", ("fit_grade",)),
    ("qualifications", ("lead_type",)),
    ("contacts", ("source_channel",)),
)


def _name(table: str, columns: tuple[str, ...]) -> str:
    return op.f(f"ix_{table}_{'_'.join(columns)}")


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("id", ID, nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("language", sa.String(10), nullable=True),
        sa.Column("rep_key", sa.String(200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_signed_in_at", AT, nullable=True),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("updated_at", AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_users")),
        sa.UniqueConstraint("email", name=op.f("uq_web_users_email")),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", ID, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column(
            "user_id",
            ID,
            sa.ForeignKey(
                "web_users.id", name=op.f("fk_web_sessions_user_id_web_users"), ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("last_seen_at", AT, nullable=False),
        sa.Column("expires_at", AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sessions_token_hash")),
    )
    op.create_index(op.f("ix_web_sessions_user_id"), "web_sessions", ["user_id"])
    for table, columns in LEAD_LIST_INDEXES:
        op.create_index(_name(table, columns), table, list(columns))


def downgrade() -> None:
    for table, columns in reversed(LEAD_LIST_INDEXES):
        op.drop_index(_name(table, columns), table_name=table)
    op.drop_table("web_sessions")
    op.drop_table("web_users")
