"""The store: SQLAlchemy 2 models and Alembic migrations, on SQLite or PostgreSQL.

    types       UtcDateTime (aware UTC on every database), JsonDocument
    models      the tables (see its docstring for the map)
    database    make_engine / engine_from_settings / session_factory / writer
    migrate     upgrade / downgrade / current / head (Alembic, run from code)
    migrations  the Alembic scripts, shipped inside the package

Nothing here builds an engine at import time; callers build one from ``Settings``.
"""
