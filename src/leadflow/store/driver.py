"""SQL run straight on the database driver, for the real-time path only.

Recording an event takes a handful of indexed statements. Through SQLAlchemy each costs
about 40 µs of Python here, through the driver 3–10 µs: at 10,000 events a second that
is the whole budget. So the few statements of ``realtime.py`` are plain SQL executed
on the DBAPI connection, and everything else in leadflow uses SQLAlchemy.

A ``Driver`` hides what differs between SQLite (sqlite3) and PostgreSQL (psycopg 3):

    placeholders   statements are written with ``:name``; psycopg gets ``%(name)s``
    instants       SQLite stores UTC text in SQLAlchemy's layout ("YYYY-MM-DD HH:MM:SS.ffffff",
                   so ORM reads agree), PostgreSQL an aware ``timestamptz``
    documents      JSON text on SQLite, JSONB on PostgreSQL; encoded and decoded with orjson
                   (``json_text``, ``json_value``), several times faster than the standard
                   library, which matters for the summary written with every event
    transactions   SQLite needs an explicit ``BEGIN IMMEDIATE`` (the engine's connections
                   are in driver autocommit, see database.py); psycopg begins implicitly
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any

import orjson
import psycopg
from psycopg.types.json import Jsonb
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from leadflow.domain.clock import utc_text

__all__ = [
    "LOCK_WAIT",
    "Driver",
    "Params",
    "PostgresDriver",
    "Row",
    "StoreError",
    "dedicated_driver",
    "driver_for",
    "json_state",
    "json_text",
    "json_value",
]

# The longest a PostgreSQL event transaction waits for a lock (see begin_write).
LOCK_WAIT = "5s"

Params = Mapping[str, object]
Row = tuple[Any, ...]

_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
# An integer orjson would read as a float (beyond 64 bits) has at least 19 digits.
_DIGITS_AS_ZEROS = bytes(48 if 48 <= code <= 57 else 46 for code in range(256))
_DIGIT_RUN = b"0" * 19


def json_text(value: Any) -> str:
    """Compact JSON text of plain data (no spaces, keys in their order).

    orjson refuses a few values the standard library takes (integers beyond 64 bits,
    keys that are not text); those are encoded by the standard library, as before.
    """
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(value, separators=(",", ":"))


def json_value(text: str | bytes | memoryview) -> Any:
    """The value of JSON text. ValueError when it is not JSON at all.

    orjson refuses NaN, and reads an integer beyond 64 bits as an approximate float;
    the standard library reads both exactly, so it reads any text holding 19 digits
    in a row (no float orjson or Python writes has more than 17). psycopg hands its
    JSON loader a memoryview.
    """
    if isinstance(text, memoryview):
        text = bytes(text)
    if _long_digits(text):
        return json.loads(text)
    return json_state(text)


def json_state(text: str | bytes) -> Any:
    """JSON leadflow wrote itself (the engine's activity summaries), read without
    ``json_value``'s scan for long integers, which costs more than the decoding (20 µs
    for a summary of 14 slots). Its integers are instants in microseconds (16 digits)
    and counts; a value orjson could not read exactly would fail the summary's own
    checks, and the summary would be rebuilt from the events."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _long_digits(text: str | bytes) -> bool:
    # Digits become "0", all else ".", then a plain substring search: 2 µs for a 600-byte
    # document, where a regular expression for 19 digits takes 20 (it retries at every
    # digit of the many 16-digit instants).
    data = text.encode() if isinstance(text, str) else text
    return _DIGIT_RUN in data.translate(_DIGITS_AS_ZEROS)


class StoreError(RuntimeError):
    """The database refused a statement or a commit (locked, gone, a constraint ...).

    Raised in place of the driver's own exception types, so callers need not know
    which driver runs; the driver's exception is the ``__cause__``.
    """


class Driver:
    """Statements, values and transactions on one DBAPI connection (SQLite flavour)."""

    dialect = "sqlite"
    errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __init__(self, dbapi_connection: Any) -> None:
        self.connection = dbapi_connection
        self._cursor = dbapi_connection.cursor()
        self._statements: dict[str, str] = {}

    # Statements -------------------------------------------------------------------

    def translate(self, sql: str) -> str:
        return sql

    def execute(self, sql: str, params: Params | None = None) -> Any:
        text = self._statements.get(sql)
        if text is None:
            text = self._statements[sql] = self.translate(sql)
        try:
            self._cursor.execute(text, params or {})
        except self.errors as error:
            raise _store_error(error) from error
        return self._cursor

    def one(self, sql: str, params: Params | None = None) -> Row | None:
        cursor = self.execute(sql, params)
        try:  # in a pipeline (PostgreSQL) a statement's error arrives with a result
            row: Row | None = cursor.fetchone()
        except self.errors as error:
            raise _store_error(error) from error
        return row

    def all(self, sql: str, params: Params | None = None) -> list[Row]:
        cursor = self.execute(sql, params)
        try:
            rows: list[Row] = cursor.fetchall()
        except self.errors as error:
            raise _store_error(error) from error
        return rows

    def changed(self, sql: str, params: Params | None = None) -> int:
        """Run a write and answer how many rows it changed."""
        return int(self.execute(sql, params).rowcount)

    def scalar(self, sql: str, params: Params | None = None) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    # Values -----------------------------------------------------------------------

    def instant(self, moment: datetime) -> object:
        # Formatting costs 1-3 µs and one event writes four or five instants, most of them
        # seen a moment ago (the batch's "now", the contact's latest event): remembered.
        # Equal aware datetimes are the same instant, so a hit is right whatever the zone.
        text = _INSTANT_TEXTS.get(moment)
        if text is None:
            text = _instant_text(moment)
            if len(_INSTANT_TEXTS) >= _INSTANT_MEMORY:
                _INSTANT_TEXTS.clear()
            _INSTANT_TEXTS[moment] = text
        return text

    def read_instant(self, value: Any) -> datetime:
        if isinstance(value, datetime):
            return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        if len(value) == _INSTANT_LENGTH:  # the layout ``instant`` writes: parse it as UTC
            return datetime.fromisoformat(value + "+00:00")
        return datetime.fromisoformat(value).replace(tzinfo=UTC)

    def stored_instant(self, value: Any) -> object:
        """An instant as read from the store, in the form ``instant`` writes (comparable
        with it). SQLite's text is that form already: kept, no datetime built."""
        if isinstance(value, str) and len(value) == _INSTANT_LENGTH:
            return value
        return self.instant(self.read_instant(value))

    def iso_text(self, stored: Any) -> str:
        """An instant in the form ``stored_instant`` gives, as ``clock.utc_text`` writes
        it (the form of a webhook message's times and the API's: UTC, ending in ``Z``)."""
        if isinstance(stored, str) and len(stored) == _INSTANT_LENGTH:
            fraction = "" if stored.endswith(".000000") else stored[19:]  # as isoformat omits it
            return f"{stored[:10]}T{stored[11:19]}{fraction}Z"
        return utc_text(self.read_instant(stored))

    def document(self, value: Mapping[str, Any]) -> object:
        return json_text(value)

    def document_text(self, text: str) -> object:
        """A document already serialised to JSON text."""
        return text

    def read_document(self, value: Any) -> dict[str, Any]:
        if value is None:
            return {}
        if isinstance(value, str | bytes):
            loaded: dict[str, Any] = json_value(value)
            return loaded
        return dict(value)

    def read_document_text(self, value: Any) -> str | None:
        """The document as JSON text. PostgreSQL hands JSONB over decoded; it is written
        back compactly, as the engine writes its summaries, so that an unchanged summary
        reads back as the very text it was stored from."""
        if value is None or isinstance(value, str):
            return value
        return json_text(value)

    # Transactions -----------------------------------------------------------------

    def begin_write(self) -> None:
        self.execute("BEGIN IMMEDIATE")

    def limit_lock_wait(self) -> None:
        """SQLite waits for the write lock as ``busy_timeout`` says (database.py)."""

    def pipelined(self) -> AbstractContextManager[object]:
        """A span of statements whose writes need not wait for their answers (see
        ``PostgresDriver``). SQLite runs in the process: nothing to wait for."""
        return nullcontext()

    def lock_row(self, table: str, row_id: int) -> None:
        """Hold ``table``'s row until commit. SQLite's writer already holds the database."""

    def auto_checkpoint(self, pages: int) -> None:
        """Let a commit of this connection checkpoint the WAL past ``pages`` (checkpoint.py)."""
        self.execute(f"PRAGMA wal_autocheckpoint={int(pages)}")

    def commit(self) -> None:
        try:
            self.connection.commit()
        except self.errors as error:
            raise _store_error(error) from error

    def rollback(self) -> None:
        try:
            self.connection.rollback()
        except self.errors as error:
            raise _store_error(error) from error


class PostgresDriver(Driver):
    dialect = "postgresql"
    errors = (psycopg.Error,)

    def translate(self, sql: str) -> str:
        return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))

    def instant(self, moment: datetime) -> object:
        return moment.astimezone(UTC)

    def document(self, value: Mapping[str, Any]) -> object:
        return Jsonb(dict(value), dumps=json_text)

    def document_text(self, text: str) -> object:
        return Jsonb(text, dumps=_as_is)

    def begin_write(self) -> None:
        """psycopg opens a transaction with the first statement."""

    def limit_lock_wait(self) -> None:
        """Bound how long this transaction waits for a lock. A row another event holds is
        let go within milliseconds, but ``leadflow rescore`` holds the qualifications for
        its whole run (minutes with 200,000 contacts): the caller gets an
        OperationalError after ``LOCK_WAIT`` (the API's 503 with Retry-After) instead of
        hanging past every client's timeout. In a pipeline it travels with the next
        statement: no round trip of its own."""
        self.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")

    def changed(self, sql: str, params: Params | None = None) -> int:
        # In a pipeline the count arrives with the statement's answer: a nested pipeline
        # waits for it when it closes (and outside one, costs one round trip as before).
        try:
            with self.connection.pipeline():
                cursor = self.execute(sql, params)
        except self.errors as error:
            raise _store_error(error) from error
        return int(cursor.rowcount)

    @contextmanager
    def pipelined(self) -> Iterator[None]:
        """psycopg's pipeline mode: a statement whose answer nobody reads (the
        qualification's UPDATE, the ledger's INSERT ...) is sent without waiting, and goes
        with the next statement that is waited for (the next event's lock). A batch of
        events waits on two round trips an event instead of three. An error comes back
        with a later answer, or when the span closes, as a StoreError: the caller rolls
        the whole transaction back either way, as it does for an error at once."""
        try:
            with self.connection.pipeline():
                yield
        except self.errors as error:
            raise _store_error(error) from error

    def lock_row(self, table: str, row_id: int) -> None:
        self.execute(f"SELECT id FROM {table} WHERE id = :id FOR UPDATE", {"id": row_id})

    def auto_checkpoint(self, pages: int) -> None:
        """PostgreSQL checkpoints by itself."""


# SQLite's instants: "YYYY-MM-DD HH:MM:SS.ffffff" in UTC (SQLAlchemy's layout).
_INSTANT_LENGTH = 26
_INSTANT_MEMORY = 4096
_INSTANT_TEXTS: dict[datetime, str] = {}


def _instant_text(moment: datetime) -> str:
    if moment.tzinfo is not UTC:  # instants are mostly UTC already (ensure_utc)
        moment = moment.astimezone(UTC)
    return moment.isoformat(" ", "microseconds")[:_INSTANT_LENGTH]  # less its "+00:00"


def _store_error(error: Exception) -> StoreError:
    lines = str(error).strip().splitlines()
    return StoreError(lines[0] if lines else type(error).__name__)


def _as_is(text: Any) -> str:
    return str(text)


def driver_for(connection: Connection) -> Driver:
    """The driver of a SQLAlchemy connection, sharing its transaction."""
    dbapi = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        return PostgresDriver(dbapi)
    return Driver(dbapi)


def dedicated_driver(engine: Engine) -> tuple[Driver, Any]:
    """A driver on a pooled connection of its own; close the returned handle when done."""
    handle = engine.raw_connection()
    dbapi = handle.driver_connection
    driver = PostgresDriver(dbapi) if engine.dialect.name == "postgresql" else Driver(dbapi)
    return driver, handle
