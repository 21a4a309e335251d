"""The events' visitor index holds only events that have a visitor.

Revision: 0006 (after 0005)

Most events name a known contact and no visitor; the full index still got an entry
for each of them (a NULL key), one more B-tree page written with every recorded event.
Every query that uses the index asks for one visitor (``visitor_id = ...``), which a
partial index ``WHERE visitor_id IS NOT NULL`` answers on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

NAME = "ix_events_visitor_id_at"
HAS_VISITOR = "visitor_id IS NOT NULL"


def upgrade() -> None:
    op.drop_index(NAME, table_name="events")
    op.create_index(
        NAME,
        "events",
        ["visitor_id", "at"],
        sqlite_where=sa.text(HAS_VISITOR),
        postgresql_where=sa.text(HAS_VISITOR),
    )


def downgrade() -> None:
    op.drop_index(NAME, table_name="events")
    op.create_index(NAME, "events", ["visitor_id", "at"])
