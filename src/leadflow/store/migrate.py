"""Run the schema migrations from code: ``leadflow db upgrade|downgrade|current`` call these.

The migrations ship inside the package (``leadflow/store/migrations``) and are the only
way a schema is made; the Alembic configuration is built here, no ``alembic.ini``.
"""

from __future__ import annotations

import io
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine

__all__ = [
    "MIGRATIONS",
    "alembic_config",
    "current",
    "downgrade",
    "head",
    "schema_problem",
    "upgrade",
]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """A configuration that migrates through ``engine`` (env.py reads it from attributes)."""
    config = Config(stdout=io.StringIO())
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Go back to ``revision`` (``base`` removes every table leadflow made)."""
    command.downgrade(alembic_config(engine), revision)


def current(engine: Engine) -> str | None:
    """The revision the database is at; None when it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str:
    """The newest revision this version of leadflow knows."""
    revision = ScriptDirectory.from_config(_offline_config()).get_current_head()
    if revision is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return revision


def schema_problem(engine: Engine) -> str | None:
    """Why this leadflow cannot serve the database's schema; None when it is at ``head``.

    A server started on an older schema answers with errors wherever the code reads a
    column or table a migration adds; one started on a newer schema (migrated by a newer
    leadflow) may write rows that version cannot read. Either is said before serving.
    """
    revision, newest = current(engine), head()
    if revision == newest:
        return None
    if revision is None:
        return "the database has no leadflow tables: run `leadflow db upgrade` (or `leadflow init`)"
    if not _known(revision):
        return (
            f"the database's schema is at revision {revision}, which this leadflow does not "
            f"know (its newest is {newest}): a newer leadflow migrated it; run that version"
        )
    return (
        f"the database's schema is at revision {revision} and this leadflow needs {newest}: "
        "stop every leadflow process on it, back it up and run `leadflow db upgrade`"
    )


def _known(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(_offline_config()).get_revision(revision) is not None
    except CommandError:
        return False


def _offline_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config
