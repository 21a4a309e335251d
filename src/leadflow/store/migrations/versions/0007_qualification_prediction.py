"""The active learned model's probability, stored with each qualification.

Revision: 0007 (after 0006)

The real-time path, ``leadflow rescore`` and imports write the probability they qualified
with (``Facts.prediction``); NULL when no model was active. The API returns it with the
contact's qualification.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("qualifications") as table:
        table.add_column(sa.Column("prediction", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("qualifications") as table:
        table.drop_column("prediction")
