"""The leads list's owner and last activity.

Revision: 0009 (after 0008)

Owner: a hand-off now makes the rep it names the contact's owner (``contacts.owner``),
so the upgrade gives each contact the owner of its latest hand-off, when that names a
rep (an unassigned one leaves the owner as it was). The downgrade keeps the owners: they
are what the hand-offs said, and the older code reads the column as it is.

Types are spelled out here, not imported from the models, so this file keeps
describing the schema it made when the models move on.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_LATEST_OWNER = (
    "(SELECT h.owner FROM handoffs h WHERE h.contact_id = contacts.id"
    " ORDER BY h.at DESC, h.id DESC LIMIT 1)"
)


def upgrade() -> None:
    op.execute(f"UPDATE contacts SET owner = {_LATEST_OWNER} WHERE {_LATEST_OWNER} IS NOT NULL")


def downgrade() -> None:
    """Nothing to undo in the schema; the owners stay (see above)."""
