"""Attempts and conversations keep the id of the CRM activity they were imported from.

Revision: 0018 (after 0017)

``sales_attempts.external_id`` and ``conversations.external_id``: the CRM's activity id
(``salesforce:00T...``, ``hubspot:...``) of a row ``leadflow import activities`` wrote,
unique, so importing a file again records nothing twice. Empty for what reps log in
leadflow. The downgrade drops the columns (imported rows stay, without their ids: a
second import would then record them again).

Types are spelled out here, not imported from the models, so this file keeps
describing the schema it made when the models move on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_TABLES = ("sales_attempts", "conversations")


def upgrade() -> None:
    for name in _TABLES:
        with op.batch_alter_table(name) as table:
            table.add_column(sa.Column("external_id", sa.String(300), nullable=True))
            table.create_index(op.f(f"ix_{name}_external_id"), ["external_id"], unique=True)


def downgrade() -> None:
    for name in _TABLES:
        with op.batch_alter_table(name) as table:
            table.drop_index(op.f(f"ix_{name}_external_id"))
            table.drop_column("external_id")
