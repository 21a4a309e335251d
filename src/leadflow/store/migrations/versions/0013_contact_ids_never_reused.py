"""Contact ids are never given out twice on SQLite (``AUTOINCREMENT``).

Revision: 0013 (after 0012)

SQLite gives a new row the largest id plus one, so erasing the newest contacts (GDPR)
handed their ids to the next people created. Those ids live on outside the database:
in the webhook messages receivers were sent, in an API client's records, in a CRM
synced by id. A stranger would inherit the erased person's place there. With
``AUTOINCREMENT`` SQLite remembers the largest id ever used (``sqlite_sequence``).
PostgreSQL's sequences never hand a number out twice: nothing changes there.

SQLite cannot add ``AUTOINCREMENT`` to a table; the table is rebuilt (copied into a new
one with the same columns, constraints and indexes). That is SQLite's own procedure
for such changes, with foreign keys off while it runs: dropping the old ``contacts``
with them on would delete every row that refers to it. It runs in a transaction of
its own, committed before the migration's; the foreign keys are checked before it
commits. Ids erased before this upgrade may have been given out again already. The
downgrade rebuilds the table without ``AUTOINCREMENT``.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import Connection

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _rebuild(autoincrement=True)


def downgrade() -> None:
    _rebuild(autoincrement=False)


def _rebuild(*, autoincrement: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    # PRAGMA foreign_keys is ignored inside a transaction: leave the migration's.
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    bind.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        with op.batch_alter_table(
            "contacts", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass
        if not autoincrement:
            bind.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = 'contacts'")
        _check_foreign_keys(bind)
    except BaseException:
        bind.exec_driver_sql("ROLLBACK")
        raise
    else:
        bind.exec_driver_sql("COMMIT")
    finally:
        bind.exec_driver_sql("PRAGMA foreign_keys=ON")
        bind.exec_driver_sql("BEGIN")  # the migration's transaction goes on


def _check_foreign_keys(bind: Connection) -> None:
    broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"rebuilding contacts broke {len(broken)} foreign keys: {broken[:5]}")
