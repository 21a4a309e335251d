"""The base tables the reports read, as columns, as the store held them at a moment.

``read_tables(connection, as_of)`` runs one query per table and keeps only what was
known just before ``as_of``, the end of a report's period and not part of it (a period
is [from, to): a contact created or a deal closed at midnight on 1 April belongs to
April, never to the March report that ends then). Transitions, hand-offs, attempts and
opportunities dated at ``as_of`` or later are left out, an opportunity closed then or
later reads as still open, a hand-off answered then or later as not answered yet.
Reports computed from these columns are therefore the reports the store would have
given at ``as_of`` (tests/integration/analytics/test_as_of.py).

Only ``qualifications`` (the current scores) has no history; the scoring and channel
reports say so where they use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from sqlalchemy import Connection

from leadflow.batch.frames import MISSING_TIME, micros

__all__ = ["Tables", "deal_currencies", "int_column", "read_tables"]

Ints = npt.NDArray[np.int64]
_CHUNK = 50_000


@dataclass(frozen=True, slots=True, eq=False)
class Tables:
    as_of_us: int
    contacts: pa.Table  # id, created_us, channel, medium, campaign, owner, purchased, vendor
    qualifications: pa.Table  # contact_id, fit_score, fit_grade, engagement_score, sales_ready
    transitions: pa.Table  # contact_id, from_stage, to_stage, at_us, actor (by contact, time)
    # contact_id, status (as of), amount, created_us, closed_us, currency; a lead's deals only (a
    # company's deal imported from a CRM belongs to no lead, channel or cohort)
    opportunities: pa.Table
    handoffs: pa.Table  # id, contact_id, owner, at_us, due_us, status (as of), answered_us, reason
    attempts: pa.Table  # contact_id, handoff_id, at_us, channel, outcome
    work: pa.Table  # handoff_id, outcome, connected, under_worked, closed_us (closed by as_of)
    rejections: pa.Table  # handoff_id, code


def read_tables(connection: Connection, as_of: datetime) -> Tables:
    query = _Query(connection, as_of)
    t = query.time
    contacts = query.table(
        f"SELECT id, {t('created_at')}, source_channel, source_medium, source_campaign, owner,"
        " purchased, vendor FROM contacts WHERE merged_into_id IS NULL AND created_at < :as_of"
        " ORDER BY id",
        ("id", "created_us", "channel", "medium", "campaign", "owner", "purchased", "vendor"),
    )
    qualifications = query.table(
        "SELECT contact_id, fit_score, fit_grade, engagement_score, sales_ready FROM qualifications"
        " ORDER BY contact_id",
        ("contact_id", "fit_score", "fit_grade", "engagement_score", "sales_ready"),
    )
    transitions = query.table(
        f"SELECT contact_id, from_stage, to_stage, {t('at')}, actor FROM stage_transitions"
        " WHERE at < :as_of ORDER BY contact_id, at, id",
        ("contact_id", "from_stage", "to_stage", "at_us", "actor"),
    )
    opportunities = query.table(
        f"SELECT contact_id, status, amount, {t('created_at')}, {t('closed_at')}, currency"
        " FROM opportunities WHERE contact_id IS NOT NULL AND created_at < :as_of"
        " ORDER BY contact_id, created_at, id",
        ("contact_id", "status", "amount", "created_us", "closed_us", "currency"),
    )
    handoffs = query.table(
        f"SELECT id, contact_id, owner, {t('at')}, {t('due_at')}, status, {t('answered_at')},"
        " reason FROM handoffs WHERE at < :as_of ORDER BY contact_id, at, id",
        ("id", "contact_id", "owner", "at_us", "due_us", "status", "answered_us", "reason"),
    )
    attempts = query.table(
        f"SELECT contact_id, handoff_id, {t('at')}, channel, outcome FROM sales_attempts"
        " WHERE at < :as_of ORDER BY contact_id, at, id",
        ("contact_id", "handoff_id", "at_us", "channel", "outcome"),
    )
    # The hand-off work items and coded rejections (the hand-off tables): how the work
    # on a hand-off ended, when it ended by as_of.
    work = query.table(
        f"SELECT handoff_id, outcome, connected, under_worked, {t('closed_at')} FROM handoff_work"
        " WHERE closed_at < :as_of ORDER BY handoff_id",
        ("handoff_id", "outcome", "connected", "under_worked", "closed_us"),
    )
    rejections = query.table(
        "SELECT handoff_id, code FROM rejections WHERE at < :as_of ORDER BY at, id",
        ("handoff_id", "code"),
    )
    limit = micros(as_of)
    return Tables(
        limit,
        contacts,
        qualifications,
        transitions,
        _deals_as_of(opportunities, limit),
        _answers_as_of(handoffs, limit),
        attempts,
        work,
        rejections,
    )


def deal_currencies(connection: Connection) -> dict[str | None, int]:
    """How many of the workspace's lead deals are in each currency, whenever they were
    made: the default report currency is the same for every period (a report of March
    and one of April in two currencies would not add up)."""
    rows = connection.exec_driver_sql(
        "SELECT currency, count(*) FROM opportunities WHERE contact_id IS NOT NULL"
        " GROUP BY currency"
    ).all()
    return {code: int(count) for code, count in rows}


class _Query:
    def __init__(self, connection: Connection, as_of: datetime) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.as_of = as_of

    def time(self, column: str) -> str:
        if self.postgres:
            return f"(extract(epoch from {column}) * 1000000)::bigint"
        return column

    def table(self, sql: str, names: Sequence[str]) -> pa.Table:
        bound: object = self.as_of
        if self.postgres:
            sql = sql.replace(":as_of", "%(as_of)s")
        else:
            bound = self.as_of.replace(tzinfo=None).isoformat(" ", "microseconds")
        result = self.connection.exec_driver_sql(sql, {"as_of": bound})
        columns: list[list[Any]] = [[] for _ in names]
        while rows := result.fetchmany(_CHUNK):
            for index, values in enumerate(zip(*rows, strict=True)):
                columns[index].extend(values)
        arrays = {}
        for name, listed in zip(names, columns, strict=True):
            array = pa.array(listed)
            if name.endswith("_us"):
                array = _micros(array)
            arrays[name] = array
        return pa.table(arrays)


def _micros(array: pa.Array) -> pa.Array:
    """SQLite's stored text or PostgreSQL's integer microseconds, as int64 (null: none)."""
    if pa.types.is_string(array.type) or pa.types.is_null(array.type):
        array = array.cast(pa.string()).cast(pa.timestamp("us")).cast(pa.int64())
    return array.cast(pa.int64())


def int_column(table: pa.Table, name: str, missing: int = MISSING_TIME) -> Ints:
    """An integer column as numpy, nulls as ``missing``."""
    values = table[name]
    if pa.types.is_null(values.type):  # an empty result: pyarrow could not tell the type
        values = values.cast(pa.int64())
    return np.asarray(values.fill_null(missing).to_numpy(), dtype=np.int64)


def _deals_as_of(table: pa.Table, limit: int) -> pa.Table:
    """An opportunity closed at ``limit`` or later was still open before it."""
    closed = int_column(table, "closed_us")
    later = closed >= limit
    status = [
        "open" if late else value
        for value, late in zip(table["status"].to_pylist(), later.tolist(), strict=True)
    ]
    closed = np.where(later, MISSING_TIME, closed)
    return table.set_column(1, "status", pa.array(status, pa.string())).set_column(
        4, "closed_us", pa.array(closed)
    )


def _answers_as_of(table: pa.Table, limit: int) -> pa.Table:
    """A hand-off answered at ``limit`` or later was not answered yet before it."""
    answered = int_column(table, "answered_us")
    later = answered >= limit
    status = [
        "open" if late and value in ("accepted", "rejected") else value
        for value, late in zip(table["status"].to_pylist(), later.tolist(), strict=True)
    ]
    answered = np.where(later, MISSING_TIME, answered)
    reasons = [
        None if late else reason
        for reason, late in zip(table["reason"].to_pylist(), later.tolist(), strict=True)
    ]
    return (
        table.set_column(5, "status", pa.array(status, pa.string()))
        .set_column(6, "answered_us", pa.array(answered))
        .set_column(7, "reason", pa.array(reasons, pa.string()))
    )
