"""Deals imported from a CRM: their CRM id, and deals of a company without a person.

Revision: 0011 (after 0010)

``leadflow import deals`` stores each deal under the CRM's id
(``opportunities.external_id``, unique, namespaced as contact ids are), which makes a
second import of the same export change nothing and a later export update the deal.
A CRM's deal may name only a company (an account-level deal), so
``opportunities.contact_id`` may be NULL; an index on ``account_id`` finds a company's
deals. The downgrade deletes the account-level deals (the older schema cannot hold
them) and drops the column and indexes.

Types are spelled out here, not imported from the models, so this file keeps
describing the schema it made when the models move on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_EXTERNAL = "ix_opportunities_external_id"
_ACCOUNT = "ix_opportunities_account_id"
# The ids of the models (``BIG_ID``): 64 bits, the INTEGER rowid on SQLite.
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("opportunities") as table:
        table.add_column(sa.Column("external_id", sa.String(300), nullable=True))
        table.alter_column("contact_id", existing_type=_ID, nullable=True)
    op.create_index(op.f(_EXTERNAL), "opportunities", ["external_id"], unique=True)
    op.create_index(op.f(_ACCOUNT), "opportunities", ["account_id"])


def downgrade() -> None:
    op.drop_index(op.f(_ACCOUNT), table_name="opportunities")
    op.drop_index(op.f(_EXTERNAL), table_name="opportunities")
    op.execute("DELETE FROM opportunities WHERE contact_id IS NULL")
    with op.batch_alter_table("opportunities") as table:
        table.drop_column("external_id")
        table.alter_column("contact_id", existing_type=_ID, nullable=False)
