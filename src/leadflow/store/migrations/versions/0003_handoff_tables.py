"""The sales hand-off's tables: teams, reps, routing state, assignments, the work on each
hand-off, SLA breaches, rejections and deal details.

Revision: 0003 (after 0002)

Types are spelled out here, not imported from the models, so this file keeps
describing the schema it made when the models move on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AT = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

# Created in this order (foreign keys point backwards); dropped in the reverse order.
TABLES = (
    "teams",
    "team_holidays",
    "reps",
    "rep_absences",
    "account_owners",
    "round_robin_state",
    "assignments",
    "handoff_work",
    "sla_breaches",
    "rejections",
    "opportunity_details",
    "opportunity_stage_changes",
)


def _id() -> sa.Column[int]:
    return sa.Column("id", ID, nullable=False)


def _fk(
    owner: str, column: str, table: str, on_delete: str, *, nullable: bool = True
) -> sa.Column[Any]:
    """A column of ``owner`` referring to ``table.id``, its constraint named as the models do."""
    name = op.f(f"fk_{owner}_{column}_{table}")
    return sa.Column(
        column, ID, sa.ForeignKey(f"{table}.id", name=name, ondelete=on_delete), nullable=nullable
    )


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*(columns or ("id",)), name=op.f(f"pk_{table}"))


def _text(name: str, length: int | None = None, *, nullable: bool = True) -> sa.Column[str]:
    kind = sa.String(length) if length else sa.Text()
    return sa.Column(name, kind, nullable=nullable)


def _at(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, AT, nullable=nullable)


def _flag(name: str) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean(), nullable=False)


def _number(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=False)


def _unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=op.f(f"uq_{table}_{'_'.join(columns)}"))


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns))


def upgrade() -> None:
    _create_team()
    _create_work()
    _create_deals()


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_table(name)


def _create_team() -> None:
    op.create_table(
        "teams",
        _id(),
        _text("key", 100, nullable=False),
        _text("name", 200, nullable=False),
        _text("time_zone", 64, nullable=False),
        _text("working_hours", 500, nullable=False),
        _at("created_at"),
        _at("updated_at"),
        _pk("teams"),
        _unique("teams", "key"),
    )
    op.create_table(
        "team_holidays",
        _id(),
        _fk("team_holidays", "team_id", "teams", "CASCADE", nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        _text("name", 200),
        _pk("team_holidays"),
        _unique("team_holidays", "team_id", "day"),
    )
    op.create_table(
        "reps",
        _id(),
        _text("key", 200, nullable=False),
        _text("name", 200, nullable=False),
        _text("email", 320),
        _fk("reps", "team_id", "teams", "RESTRICT", nullable=False),
        _number("capacity"),
        _flag("active"),
        _at("created_at"),
        _at("updated_at"),
        _pk("reps"),
        _unique("reps", "key"),
    )
    _index("reps", "team_id")
    op.create_table(
        "rep_absences",
        _id(),
        _fk("rep_absences", "rep_id", "reps", "CASCADE", nullable=False),
        _at("starts_at"),
        _at("ends_at"),
        _text("reason", 200),
        _pk("rep_absences"),
    )
    _index("rep_absences", "rep_id", "ends_at")
    op.create_table(
        "account_owners",
        _fk("account_owners", "account_id", "accounts", "CASCADE", nullable=False),
        _fk("account_owners", "rep_id", "reps", "CASCADE", nullable=False),
        _at("at"),
        _pk("account_owners", "account_id"),
    )
    _index("account_owners", "rep_id")
    op.create_table(
        "round_robin_state",
        _text("pool", 110, nullable=False),
        _fk("round_robin_state", "rep_id", "reps", "CASCADE", nullable=False),
        _number("current"),
        _pk("round_robin_state", "pool", "rep_id"),
    )


def _create_work() -> None:
    op.create_table(
        "assignments",
        _id(),
        _fk("assignments", "handoff_id", "handoffs", "CASCADE", nullable=False),
        _fk("assignments", "contact_id", "contacts", "CASCADE", nullable=False),
        _fk("assignments", "rep_id", "reps", "SET NULL"),
        _text("rule", 200, nullable=False),
        _text("reason", 500, nullable=False),
        _at("at"),
        _at("accept_due_at", nullable=True),
        _at("touch_due_at", nullable=True),
        _pk("assignments"),
    )
    _index("assignments", "handoff_id", "at")
    _index("assignments", "rep_id", "at")
    op.create_table(
        "handoff_work",
        _fk("handoff_work", "handoff_id", "handoffs", "CASCADE", nullable=False),
        _fk("handoff_work", "contact_id", "contacts", "CASCADE", nullable=False),
        _fk("handoff_work", "assignment_id", "assignments", "SET NULL"),
        _fk("handoff_work", "rep_id", "reps", "SET NULL"),
        sa.Column("why", JSON, nullable=False),
        _text("trigger", 100),
        _at("accepted_at", nullable=True),
        _at("first_touch_at", nullable=True),
        _number("attempts"),
        _flag("connected"),
        _at("next_attempt_due_at", nullable=True),
        _text("next_channel", 20),
        _at("cadence_ends_at", nullable=True),
        _at("closed_at", nullable=True),
        _text("outcome", 20),
        _text("close_reason", 500),
        _text("closed_by", 200),
        _flag("under_worked"),
        _pk("handoff_work", "handoff_id"),
    )
    _index("handoff_work", "rep_id", "closed_at")
    _index("handoff_work", "contact_id")
    op.create_table(
        "sla_breaches",
        _id(),
        _fk("sla_breaches", "handoff_id", "handoffs", "CASCADE", nullable=False),
        _fk("sla_breaches", "assignment_id", "assignments", "CASCADE", nullable=False),
        _fk("sla_breaches", "contact_id", "contacts", "CASCADE", nullable=False),
        _fk("sla_breaches", "rep_id", "reps", "SET NULL"),
        _text("kind", 20, nullable=False),
        _at("due_at"),
        _at("at"),
        _flag("reassigned"),
        _pk("sla_breaches"),
        _unique("sla_breaches", "assignment_id", "kind"),
    )
    _index("sla_breaches", "rep_id", "at")
    op.create_table(
        "rejections",
        _id(),
        _fk("rejections", "handoff_id", "handoffs", "CASCADE", nullable=False),
        _fk("rejections", "contact_id", "contacts", "CASCADE", nullable=False),
        _fk("rejections", "rep_id", "reps", "SET NULL"),
        _text("code", 100, nullable=False),
        _text("action", 20, nullable=False),
        _text("note"),
        _at("at"),
        _fk("rejections", "definition_version_id", "definition_versions", "SET NULL"),
        _pk("rejections"),
    )
    _index("rejections", "code", "at")
    _index("rejections", "contact_id")


def _create_deals() -> None:
    op.create_table(
        "opportunity_details",
        _fk("opportunity_details", "opportunity_id", "opportunities", "CASCADE", nullable=False),
        _fk("opportunity_details", "handoff_id", "handoffs", "SET NULL"),
        _text("stage", 100, nullable=False),
        sa.Column("expected_close", sa.Date(), nullable=True),
        sa.Column("products", JSON, nullable=False),
        _text("won_reason", 500),
        _at("updated_at"),
        _pk("opportunity_details", "opportunity_id"),
    )
    op.create_table(
        "opportunity_stage_changes",
        _id(),
        _fk(
            "opportunity_stage_changes",
            "opportunity_id",
            "opportunities",
            "CASCADE",
            nullable=False,
        ),
        _text("from_stage", 100),
        _text("to_stage", 100, nullable=False),
        _at("at"),
        _text("actor", 200),
        _pk("opportunity_stage_changes"),
    )
    _index("opportunity_stage_changes", "opportunity_id", "at")
