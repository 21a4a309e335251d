"""The leads list's owner and last activity.

Revision: 0009 (after 0008)

Owner: a hand-off now makes the rep it names the contact's owner (``contacts.owner``),
so the upgrade gives each contact the owner of its latest hand-off, when that names a
rep (an unassigned one leaves the owner as it was). The downgrade keeps the owners: they
are what the hand-offs said, and the older code reads the column as it is.

Last activity: ``qualifications.last_activity_at``, the lead's latest event or sales
activity (attempt, conversation, deal opened or closed), or when it became known (its
creation) without any. The list sorted and filtered by ``qualified_at``, which a rescore
sets to one moment for everyone. The upgrade fills it from the store, one source at a
time (each through its ``contact_id`` index), and moves the list's sort index to it;
the downgrade drops it and puts the old index back.

Types are spelled out here, not imported from the models, so this file keeps
describing the schema it made when the models move on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)

_LATEST_OWNER = (
    "(SELECT h.owner FROM handoffs h WHERE h.contact_id = contacts.id"
    " ORDER BY h.at DESC, h.id DESC LIMIT 1)"
)
# (table, column): the moments that are a lead's activity.
_ACTIVITY = (
    ("events", "at"),
    ("conversations", "at"),
    ("sales_attempts", "at"),
    ("opportunities", "created_at"),
    ("opportunities", "closed_at"),
)
_OLD_INDEX = ("qualified_at", "contact_id")
_NEW_INDEX = ("last_activity_at", "contact_id")


def _index(columns: tuple[str, ...]) -> str:
    return op.f(f"ix_qualifications_{'_'.join(columns)}")


def upgrade() -> None:
    op.execute(f"UPDATE contacts SET owner = {_LATEST_OWNER} WHERE {_LATEST_OWNER} IS NOT NULL")
    with op.batch_alter_table("qualifications") as table:
        table.add_column(sa.Column("last_activity_at", AT, nullable=True))
    for source, column in _ACTIVITY:
        latest = (
            f"(SELECT MAX(s.{column}) FROM {source} s"
            " WHERE s.contact_id = qualifications.contact_id)"
        )
        op.execute(
            f"UPDATE qualifications SET last_activity_at = {latest} WHERE {latest} IS NOT NULL"
            f" AND (last_activity_at IS NULL OR {latest} > last_activity_at)"
        )
    op.execute(
        "UPDATE qualifications SET last_activity_at = COALESCE((SELECT c.created_at"
        " FROM contacts c WHERE c.id = qualifications.contact_id), qualified_at)"
        " WHERE last_activity_at IS NULL"
    )
    op.drop_index(_index(_OLD_INDEX), table_name="qualifications")
    with op.batch_alter_table("qualifications") as table:
        table.alter_column("last_activity_at", existing_type=AT, nullable=False)
    op.create_index(_index(_NEW_INDEX), "qualifications", list(_NEW_INDEX))


def downgrade() -> None:
    """The owners stay (see above); the last activity goes, the old sort index returns."""
    op.drop_index(_index(_NEW_INDEX), table_name="qualifications")
    with op.batch_alter_table("qualifications") as table:
        table.drop_column("last_activity_at")
    op.create_index(_index(_OLD_INDEX), "qualifications", list(_OLD_INDEX))
