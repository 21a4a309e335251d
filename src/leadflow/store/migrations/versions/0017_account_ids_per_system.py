"""An account's ids, one per CRM.

Revision: 0017 (after 0016)

An account kept one id, the ``external_id`` attribute, as the accounts import found it:
a company exported from HubSpot (1234) and from Salesforce (0015g00000AbCdEAAV) had its
id overwritten by whichever came last, and HubSpot's 1234 could meet another system's
1234. ``account_ids`` holds one row per (system, id), unique, and one id per account and
system.

The upgrade moves every ``external_id`` attribute into the table: an id with the shape
of a Salesforce account id (``001`` and 15 or 18 letters and digits that check) under
``salesforce``, in its 18-character form, any other under ``generic`` (which system it
came from was never recorded). When two accounts held the same id, the older account
gets it and the other keeps its attribute, to be sorted out by hand. The downgrade puts
one id per account back into the attribute (``generic``'s, else ``salesforce``'s, else
the first system's by name) and drops the table: the other ids are lost.

Types are spelled out here, not imported from the models, so this file keeps
describing the schema it made when the models move on.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from leadflow.ingest.salesforce_ids import salesforce_id

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TABLE = "account_ids"
_SALESFORCE_ACCOUNT = re.compile(r"001[0-9A-Za-z]{12}(?:[0-9A-Za-z]{3})?")
_ACCOUNTS = sa.table(
    "accounts",
    sa.column("id", ID),
    sa.column("attributes", sa.JSON().with_variant(JSONB(), "postgresql")),
)
_IDS = sa.table(
    _TABLE,
    sa.column("system", sa.String(40)),
    sa.column("external_id", sa.String(200)),
    sa.column("account_id", ID),
)


def upgrade() -> None:
    op.create_table(
        _TABLE,
        sa.Column("system", sa.String(40), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column(
            "account_id",
            ID,
            sa.ForeignKey(
                "accounts.id", name=op.f("fk_account_ids_account_id_accounts"), ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("system", "external_id", name=op.f("pk_account_ids")),
        sa.UniqueConstraint("account_id", "system", name=op.f("uq_account_ids_account_id_system")),
    )
    _move_ids_in()


def downgrade() -> None:
    _move_ids_out()
    op.drop_table(_TABLE)


def _move_ids_in() -> None:
    connection = op.get_bind()
    taken: set[tuple[str, str]] = set()
    query = sa.select(_ACCOUNTS.c.id, _ACCOUNTS.c.attributes).order_by(_ACCOUNTS.c.id)
    for account_id, attributes in connection.execute(query).all():
        external = (attributes or {}).get("external_id")
        if not isinstance(external, str) or not external.strip():
            continue
        key = _system_and_id(external.strip())
        if key in taken:
            continue  # another account holds it: this one keeps its attribute
        taken.add(key)
        connection.execute(
            sa.insert(_IDS).values(system=key[0], external_id=key[1], account_id=account_id)
        )
        kept = {name: value for name, value in attributes.items() if name != "external_id"}
        _set_attributes(connection, account_id, kept)


def _system_and_id(external: str) -> tuple[str, str]:
    if _SALESFORCE_ACCOUNT.fullmatch(external):
        try:
            return "salesforce", salesforce_id(external)
        except ValueError:  # does not check: not Salesforce's, or mistyped; kept as written
            pass
    return "generic", external


def _move_ids_out() -> None:
    connection = op.get_bind()
    chosen: dict[int, tuple[int, str, str]] = {}
    for system, external, account_id in connection.execute(
        sa.select(_IDS.c.system, _IDS.c.external_id, _IDS.c.account_id)
    ).all():
        rank = (0 if system == "generic" else 1 if system == "salesforce" else 2, system, external)
        if account_id not in chosen or rank < chosen[account_id]:
            chosen[account_id] = rank
    for account_id, (_, _, external) in chosen.items():
        attributes = connection.execute(
            sa.select(_ACCOUNTS.c.attributes).where(_ACCOUNTS.c.id == account_id)
        ).scalar_one()
        _set_attributes(connection, account_id, {**(attributes or {}), "external_id": external})


def _set_attributes(connection: Any, account_id: int, attributes: dict[str, Any]) -> None:
    connection.execute(
        sa.update(_ACCOUNTS).where(_ACCOUNTS.c.id == account_id).values(attributes=attributes)
    )
