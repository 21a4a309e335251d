"""A double opt-in for an erased person's address waits without a contact.

Revision: 0015 (after 0014)

A form post with double opt-in for an address on the suppression list creates nobody
until the link is followed: its confirmation row names no contact yet
(``form_confirmations.contact_id`` becomes nullable) and holds the address the link was
sent to (``pending_email``), the only thing confirming needs. Following the link creates
the contact, fills ``contact_id`` and empties ``pending_email``. Nothing is filled in by
the upgrade. The downgrade deletes the rows still pending (their links stop working: the
older code could not create their contact) and restores the old columns.

Types are spelled out here, not imported from the models, so this file keeps
describing the schema it made when the models move on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("form_confirmations") as table:
        table.add_column(sa.Column("pending_email", sa.String(320), nullable=True))
        table.alter_column("contact_id", existing_type=ID, nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM form_confirmations WHERE contact_id IS NULL")
    with op.batch_alter_table("form_confirmations") as table:
        table.alter_column("contact_id", existing_type=ID, nullable=False)
        table.drop_column("pending_email")
