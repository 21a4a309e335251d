"""A sales API key may be bound to one rep.

Revision: 0016 (after 0015)

``api_keys.rep_id``: the rep a ``sales`` key acts as (its queue, its hand-offs only);
empty for every other key and for a team integration's sales key, which acts as any rep
it names, as before. A key goes with its rep (``ON DELETE CASCADE``): emptying the column
instead would turn a rep's own key into a team key. Nothing is filled in by the upgrade:
existing keys stay unbound. The downgrade drops the column (bound keys become unbound:
revoke them first if that matters).

Types are spelled out here, not imported from the models, so this file keeps
describing the schema it made when the models move on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_FK = "fk_api_keys_rep_id_reps"


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as table:
        table.add_column(sa.Column("rep_id", ID, nullable=True))
        table.create_foreign_key(op.f(_FK), "reps", ["rep_id"], ["id"], ondelete="CASCADE")


def downgrade() -> None:
    with op.batch_alter_table("api_keys") as table:
        table.drop_constraint(op.f(_FK), type_="foreignkey")
        table.drop_column("rep_id")
