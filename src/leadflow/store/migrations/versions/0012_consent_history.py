"""The history of consent decisions, beside the current consent.

Revision: 0012 (after 0011)

``consents`` keeps one row per contact and channel, the decision in force, which every
new decision overwrote: leadflow could not show when and how a person consented before
they withdrew (GDPR art. 7(1)), nor read consent as it stood at a past moment.
``consent_history`` keeps every decision, append-only. The upgrade starts it with the
decisions in force (``recorded_at`` left empty: when leadflow learned them is not
known); what they overwrote before is lost. The downgrade drops the table.

Types are spelled out here, not imported from the models, so this file keeps
describing the schema it made when the models move on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AT = sa.DateTime(timezone=True)
_TABLE = "consent_history"


def _fk(column: str, table: str, on_delete: str, *, nullable: bool) -> sa.Column[int]:
    name = op.f(f"fk_{_TABLE}_{column}_{table}")
    return sa.Column(
        column, ID, sa.ForeignKey(f"{table}.id", name=name, ondelete=on_delete), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        _TABLE,
        sa.Column("id", ID, nullable=False),
        _fk("contact_id", "contacts", "CASCADE", nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("at", AT, nullable=False),
        sa.Column("recorded_at", AT, nullable=True),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("evidence", sa.String(500), nullable=True),
        _fk("event_id", "events", "SET NULL", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{_TABLE}")),
    )
    op.create_index(
        op.f(f"ix_{_TABLE}_contact_id_channel_at"), _TABLE, ["contact_id", "channel", "at"]
    )
    op.execute(
        f"INSERT INTO {_TABLE} (contact_id, channel, status, at, source, event_id)"
        " SELECT contact_id, channel, status, at, source, event_id FROM consents"
        " ORDER BY contact_id, channel"
    )


def downgrade() -> None:
    op.drop_index(op.f(f"ix_{_TABLE}_contact_id_channel_at"), table_name=_TABLE)
    op.drop_table(_TABLE)
