"""When each learned model was the active one (models/learning.py).

Revision: 0008 (after 0007)

Until now only the current activation was kept (``prediction_models.activated_at`` and
``activated_by``), so the upgrade opens a period for the model active now, from its
activation; earlier periods were never recorded and stay unknown. The downgrade drops
the periods; the ``active`` flag it leaves behind still names the active model.

Types are spelled out here, not imported from the models, so this file keeps
describing the schema it made when the models move on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "prediction_model_activations",
        sa.Column("id", ID, nullable=False),
        sa.Column("model_id", ID, nullable=False),
        sa.Column("activated_at", AT, nullable=False),
        sa.Column("deactivated_at", AT, nullable=True),
        sa.Column("activated_by", sa.String(200), nullable=True),
        sa.Column("deactivated_by", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["prediction_models.id"],
            name=op.f("fk_prediction_model_activations_model_id_prediction_models"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prediction_model_activations")),
    )
    op.create_index(
        op.f("ix_prediction_model_activations_model_id"),
        "prediction_model_activations",
        ["model_id"],
    )
    # A model activated before activations were kept: its period starts at its
    # activation (its storing, should that be missing).
    op.execute(
        "INSERT INTO prediction_model_activations (model_id, activated_at, activated_by)"
        " SELECT id, COALESCE(activated_at, created_at), activated_by"
        " FROM prediction_models WHERE active"
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_prediction_model_activations_model_id"),
        table_name="prediction_model_activations",
    )
    op.drop_table("prediction_model_activations")
