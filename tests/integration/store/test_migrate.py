"""The schema is made by the migrations alone, agrees with the models, and goes both ways."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from leadflow.store.migrate import current, downgrade, head, upgrade
from leadflow.store.models import Base


def _schema_diff(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def _tables(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    assert current(engine) == head()
    assert _schema_diff(engine) == []


def test_downgrade_to_base_removes_every_table_and_upgrade_restores_them(engine: Engine) -> None:
    downgrade(engine, "base")

    assert current(engine) is None
    assert _tables(engine) <= {"alembic_version"}

    upgrade(engine)

    assert current(engine) == head()
    assert _tables(engine) >= set(Base.metadata.tables)
    assert _schema_diff(engine) == []


def test_an_unmigrated_schema_differs_from_the_models(engine: Engine) -> None:
    # The comparison above must be able to fail: without the tables it reports them all.
    downgrade(engine, "base")

    assert len(_schema_diff(engine)) >= len(Base.metadata.tables)
