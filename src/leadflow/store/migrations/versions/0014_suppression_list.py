"""The suppression list: an erased person's keyed hashes, and the workspace's secret.

Revision: 0014 (after 0013)

After a GDPR erasure the next import, API call or event naming the person's address
created them again. ``suppressions`` keeps, per erased address or phone number, only
its HMAC-SHA256 under a secret of the workspace (``workspace_secrets``, generated at the
first erasure), with when and why, and when, by whom and why it was lifted. Nothing is
filled in by the upgrade: people erased before it left no trace to suppress. The
downgrade drops both tables (the list is lost with them).

Types are spelled out here, not imported from the models, so this file keeps
describing the schema it made when the models move on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "suppressions",
        sa.Column("id", ID, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("suppressed_at", AT, nullable=False),
        sa.Column("lifted_at", AT, nullable=True),
        sa.Column("lifted_by", sa.String(200), nullable=True),
        sa.Column("lift_reason", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppressions")),
    )
    op.create_index("ix_suppressions_digest", "suppressions", ["digest"])
    op.create_table(
        "workspace_secrets",
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("value", sa.String(128), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_workspace_secrets")),
    )


def downgrade() -> None:
    op.drop_table("workspace_secrets")
    op.drop_index("ix_suppressions_digest", table_name="suppressions")
    op.drop_table("suppressions")
