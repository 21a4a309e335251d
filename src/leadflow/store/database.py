"""Engines and sessions, built by factories from a URL or from ``Settings``; never at import.

SQLite is the embedded default and is tuned on every new connection:

    journal_mode=WAL      readers never block the writer, nor the writer the readers
    synchronous=NORMAL    in WAL mode a commit survives a process crash (SIGKILL); only
                          a power loss can drop the last commits (documented trade-off)
    foreign_keys=ON       SQLite ignores foreign keys unless asked
    busy_timeout=5000     a second writer waits for the lock instead of failing at once

pysqlite opens transactions lazily and only before DML, so a SELECT followed by an
INSERT is not one snapshot; leadflow takes over: every transaction starts with an
explicit ``BEGIN``. Writers (``writer(engine)``) start with ``BEGIN IMMEDIATE``, which
takes the write lock up front: a read-then-write transaction can then never fail half
way because another writer committed in between.

PostgreSQL URLs (``postgresql://`` or ``postgres://``) are served by psycopg 3, with a
connect timeout (``CONNECT_TIMEOUT_SECONDS``) unless the URL sets ``connect_timeout``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import psycopg
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from leadflow.settings import Settings
from leadflow.store.driver import LOCK_WAIT, StoreError, json_value

__all__ = [
    "CONNECT_TIMEOUT_SECONDS",
    "connect_arguments",
    "database_unavailable",
    "engine_from_settings",
    "impatient_writes",
    "make_engine",
    "normalise_url",
    "serialise_writers",
    "session_factory",
    "writer",
]

_SQLITE_PRAGMAS: tuple[str, ...] = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    # Deleted content is overwritten, not left in free pages (GDPR erasure); many builds
    # do so by default, not all.
    "PRAGMA secure_delete=ON",
    "PRAGMA busy_timeout=5000",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA cache_size=-65536",  # 64 MiB page cache per connection
)

_BEGIN_OPTION = "leadflow_sqlite_begin"

# libpq waits for ever for a server that takes the connection and never answers (a stuck
# host, a fail-over whose old address swallows packets): each request would hang.
CONNECT_TIMEOUT_SECONDS = 10


def normalise_url(url: str | URL) -> URL:
    """Parse a database URL; plain PostgreSQL URLs get the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL, **options: Any) -> Engine:
    """An engine for ``url``: SQLite tuned as above, PostgreSQL with a checked pool."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, **options)
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    options.setdefault("pool_pre_ping", True)
    options["connect_args"] = {**connect_arguments(parsed), **options.get("connect_args", {})}
    # JSON and JSONB arrive decoded by orjson, several times faster than the standard
    # library (the real-time path reads a contact's activity summary with every event).
    options.setdefault("json_deserializer", json_value)
    return create_engine(parsed, **options)


def connect_arguments(url: URL) -> dict[str, Any]:
    """What leadflow adds to a PostgreSQL URL's connection: a timeout, unless it has one."""
    if "connect_timeout" in url.query:
        return {}
    return {"connect_timeout": CONNECT_TIMEOUT_SECONDS}


def engine_from_settings(settings: Settings, **options: Any) -> Engine:
    return make_engine(settings.resolved_database_url, **options)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (services return them)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def writer(engine: Engine) -> Engine:
    """The same engine and pool, but SQLite transactions take the write lock up front."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(**{_BEGIN_OPTION: "BEGIN IMMEDIATE"})


def impatient_writes(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """``factory``'s PostgreSQL transactions give up waiting for a lock after
    ``LOCK_WAIT`` (an OperationalError: the API answers 503 with Retry-After).

    For a server's requests: ``leadflow rescore`` holds the qualifications for its whole
    run (minutes at 200,000 contacts), and a request creating or changing a contact
    meanwhile hung until it ended, past any client's and load balancer's timeout. A row
    another request holds is let go within milliseconds, well within the wait. SQLite
    writers give up after its busy timeout (5 s) already. Commands run by a person (a
    merge, an import) keep waiting: they would rather finish late than fail.
    """

    def limit_lock_wait(_session: Session, _transaction: object, connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")

    event.listen(factory, "after_begin", limit_lock_wait)
    return factory


def serialise_writers(target: Session | Connection, table: str) -> None:
    """Make other transactions that call this for ``table`` wait until this one ends.

    For a read-then-switch (which version or model is active, then another): two at
    once would both read the same state and the second would break a unique index. On
    PostgreSQL this takes ``table``'s SHARE ROW EXCLUSIVE lock, which conflicts with
    itself and with row writes but not with reads. SQLite writers (``writer``) hold the
    database's write lock from BEGIN already.
    """
    bind = target.get_bind() if isinstance(target, Session) else target
    if bind.dialect.name == "postgresql":
        quoted = bind.dialect.identifier_preparer.quote(table)
        target.execute(text(f"LOCK TABLE {quoted} IN SHARE ROW EXCLUSIVE MODE"))


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the database cannot be used *now* (try again later), rather
    than that leadflow asked for something wrong.

    The drivers' operational errors: no connection (down, restarting, refused, failed
    over), a connection lost, a lock or statement timeout, SQLite busy; and the pool's
    timeout, every connection taken. A constraint or a syntax error is not one of them.
    """
    if isinstance(error, OperationalError | PoolTimeoutError):
        return True
    if isinstance(error, DBAPIError):
        return bool(error.connection_invalidated)
    if isinstance(error, StoreError):  # the real-time path's own driver calls
        return isinstance(error.__cause__, psycopg.OperationalError | sqlite3.OperationalError)
    return isinstance(error, psycopg.OperationalError)


def _tune_sqlite(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    del record
    # Autocommit at the driver level: transactions are begun explicitly in _begin_sqlite.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    statement = connection.get_execution_options().get(_BEGIN_OPTION, "BEGIN")
    connection.exec_driver_sql(statement)
