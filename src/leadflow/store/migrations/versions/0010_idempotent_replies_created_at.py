"""An index on ``idempotent_replies.created_at``, for retention.

Revision: 0010 (after 0009)

``leadflow db prune`` deletes the replies older than the retention window, a chunk at a
time; without this index every chunk would read the whole table to find its rows. The
downgrade drops it.
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_INDEX = "ix_idempotent_replies_created_at"


def upgrade() -> None:
    op.create_index(op.f(_INDEX), "idempotent_replies", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f(_INDEX), table_name="idempotent_replies")
