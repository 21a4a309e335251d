"""The leads list: qualified contacts, filtered, sorted, paged by key (never by offset).

A page is the next ``limit`` rows after a *cursor*: the sort value and contact id of the
last row shown. ``WHERE (sort, id) < (:value, :id) ORDER BY sort DESC, id DESC LIMIT n``
reads one index range, so page 20,000 costs what page 1 costs, over a million contacts;
an ``OFFSET`` would read and throw away every row before the page. The indexes the
sorts and filters use are declared with the web's tables (``store.models.web``).

On SQLite, which has no statistics unless someone runs ANALYZE, each filter is probed
first (``_plan``): the list is read through the sort's index when every filter is
broad, through a filter's index when one is narrow. PostgreSQL plans on its own.

Only contacts with a qualification are listed (a contact gets one with its first event
or import); merged contacts are left out. The owner is ``contacts.owner``: the rep the
hand-off (or its re-assignment) gave the lead to, else the owner an import brought; a
rep's name comes with it (one look-up by the unique rep key per row shown). ``search``
matches an e-mail by prefix, a company domain or a contact number exactly, all through
indexes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import partial
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal, or_, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from leadflow.services.refusals import InvalidInputError
from leadflow.store.models import Contact, Qualification, Rep

__all__ = [
    "PAGE_SIZE",
    "LeadFilter",
    "LeadPage",
    "LeadRow",
    "LeadSort",
    "lead_conditions",
    "list_leads",
    "owner_key",
    "owners",
]

PAGE_SIZE = 50
_MAX_SEARCH = 320
_BROAD = 2000  # a criterion matching this many rows is tested, not looked up

_Column = ColumnElement[Any] | InstrumentedAttribute[Any]
_Test = Callable[[_Column], ColumnElement[bool]]


class LeadSort(StrEnum):
    """The orders a list can take; each is backed by an index ending in contact id."""

    ACTIVITY = "activity"  # last activity: the latest event or sales activity
    ENGAGEMENT = "engagement"
    FIT = "fit"
    CONTACT = "contact"  # contact number: the order contacts arrived in


_SORT_COLUMNS: dict[LeadSort, InstrumentedAttribute[Any]] = {
    LeadSort.ACTIVITY: Qualification.last_activity_at,
    LeadSort.ENGAGEMENT: Qualification.engagement_score,
    LeadSort.FIT: Qualification.fit_score,
    LeadSort.CONTACT: Qualification.contact_id,
}


@dataclass(frozen=True, slots=True)
class LeadFilter:
    """Every criterion is optional; those given must all hold."""

    stage: str | None = None
    temperature: str | None = None
    grade: str | None = None
    lead_type: str | None = None
    owner: str | None = None
    source: str | None = None  # the acquisition channel
    active_from: datetime | None = None  # last activity at or after
    active_to: datetime | None = None  # last activity before
    search: str | None = None


@dataclass(frozen=True, slots=True)
class LeadRow:
    contact_id: int
    first_name: str | None
    last_name: str | None
    email: str | None
    company: str | None
    owner: str | None  # the rep's key (or an imported CRM owner)
    owner_name: str | None  # the rep's name, when the owner is one of the reps
    source: str | None
    stage: str | None
    fit_score: float
    fit_grade: str
    engagement_score: float
    temperature: str
    lead_type: str
    sales_ready: bool
    last_activity: datetime


@dataclass(frozen=True, slots=True)
class LeadPage:
    rows: tuple[LeadRow, ...]
    next_cursor: str | None  # None: this is the last page


def list_leads(
    session: Session,
    where: LeadFilter,
    *,
    sort: LeadSort = LeadSort.ACTIVITY,
    descending: bool = True,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> LeadPage:
    """One page of leads; InvalidInputError for a cursor this sort did not make."""
    plan = _plan(session, where)
    column = _SORT_COLUMNS[sort]
    keys = (
        (_unindexed(column), Qualification.contact_id)
        if plan.filter_led
        else (
            column,
            Qualification.contact_id,
        )
    )
    query = _filtered(_base(), where, plan)
    if cursor is not None:
        query = query.where(_after(keys, sort, descending, cursor))
    order = [key.desc() if descending else key.asc() for key in keys]
    rows = [_row(found) for found in session.execute(query.order_by(*order).limit(limit + 1))]
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _cursor(sort, rows[-1]) if more and rows else None
    return LeadPage(tuple(rows), next_cursor)


def lead_conditions(where: LeadFilter) -> list[ColumnElement[bool]]:
    """The filter's criteria on their own columns, for a query that reads every matching
    lead in contact order (an export) rather than one page by the sort's index."""
    found = [test(column) for column, test in _tests(where)]
    if where.search:
        found.append(_matching(where.search))
    return found


def owner_key(session: Session, text: str | None) -> str | None:
    """The owner to filter by for what the reader typed: the list shows a rep by name, so
    a rep's name (when only one rep has it) finds the rep's key, as the key itself does;
    anything else (an imported CRM owner) is matched as written."""
    if not text:
        return None
    wanted = text.casefold()
    keys = {key for key, name in owners(session) if wanted in (key.casefold(), name.casefold())}
    return keys.pop() if len(keys) == 1 else text


def owners(session: Session) -> list[tuple[str, str]]:
    """Every rep as (key, name), by name: the owners the filter suggests."""
    return [
        (key, name) for key, name in session.execute(select(Rep.key, Rep.name).order_by(Rep.name))
    ]


@dataclass(frozen=True, slots=True)
class _Plan:
    """Which way into the rows (SQLite): by a narrow criterion's index, or by the sort's.

    ``broad`` says, per criterion of ``_tests``, whether its index is to be left alone.
    ``filter_led``: a criterion (or the search) matches few rows, so its index finds them
    and they are sorted; the sort's index is then kept out of the way, or SQLite would
    walk it and test every row.
    """

    broad: tuple[bool, ...]
    filter_led: bool


def _plan(session: Session, where: LeadFilter) -> _Plan:
    tests = _tests(where)
    if session.get_bind().dialect.name != "sqlite":  # PostgreSQL keeps statistics
        return _Plan(tuple(False for _ in tests), False)
    broad = tuple(_is_broad(session, column, test) for column, test in tests)
    return _Plan(broad, bool(where.search) or not all(broad))


_COLUMNS = (
    Qualification.contact_id,
    Contact.first_name,
    Contact.last_name,
    Contact.email,
    Contact.company,
    Contact.owner,
    Rep.name,
    Contact.source_channel,
    Qualification.stage,
    Qualification.fit_score,
    Qualification.fit_grade,
    Qualification.engagement_score,
    Qualification.temperature,
    Qualification.lead_type,
    Qualification.sales_ready,
    Qualification.last_activity_at,
)


def _base() -> Select[Any]:
    return (
        select(*_COLUMNS)
        .join(Contact, Contact.id == Qualification.contact_id)
        .outerjoin(Rep, Rep.key == Contact.owner)
        .where(Contact.merged_into_id.is_(None))
    )


def _filtered(query: Select[Any], where: LeadFilter, plan: _Plan) -> Select[Any]:
    for (column, test), broad in zip(_tests(where), plan.broad, strict=True):
        query = query.where(test(_unindexed(column) if broad else column))
    if where.search:
        query = query.where(_matching(where.search))
    return query


def _tests(where: LeadFilter) -> list[tuple[_Column, _Test]]:
    equal: Sequence[tuple[InstrumentedAttribute[Any], str | None]] = (
        (Qualification.stage, where.stage),
        (Qualification.temperature, where.temperature),
        (Qualification.fit_grade, where.grade),
        (Qualification.lead_type, where.lead_type),
        (Contact.owner, where.owner),
        (Contact.source_channel, where.source),
    )
    tests: list[tuple[_Column, _Test]] = [
        (column, partial(_equals, value=value)) for column, value in equal if value
    ]
    if where.active_from is not None or where.active_to is not None:
        tests.append((Qualification.last_activity_at, partial(_between, where=where)))
    return tests


def _equals(column: _Column, *, value: str) -> ColumnElement[bool]:
    return column == value


def _between(column: _Column, *, where: LeadFilter) -> ColumnElement[bool]:
    bounds = []
    if where.active_from is not None:
        bounds.append(column >= where.active_from)
    if where.active_to is not None:
        bounds.append(column < where.active_to)
    return and_(*bounds)


def _is_broad(session: Session, column: _Column, test: _Test) -> bool:
    """Does this criterion match too many rows for its index to be the way in?

    Without table statistics SQLite picks an index by guesswork: it may take an
    equality index and sort 300,000 MQLs to show 50, or walk the sort's index testing
    every row for a criterion that matches twelve. A probe capped at ``_BROAD`` rows
    (one short index range) tells the two cases apart: a broad criterion is tested
    while the sort's index is walked (a page turns up within a few thousand rows), a
    narrow one is looked up and its few rows sorted.
    """
    probe = select(literal(1)).where(test(column)).limit(_BROAD).subquery()
    return (session.scalar(select(func.count()).select_from(probe)) or 0) >= _BROAD


def _unindexed(column: _Column) -> ColumnElement[Any]:
    # SQLite's documented way to keep a term from using an index: a unary plus.
    element = column.expression if isinstance(column, InstrumentedAttribute) else column
    return UnaryExpression(element, operator=custom_op("+"), type_=element.type)


def _matching(text: str) -> ColumnElement[bool]:
    """An e-mail prefix, a domain or a contact number: each is one index lookup."""
    needle = text.strip().casefold()[:_MAX_SEARCH]
    if needle.isdigit():
        return Contact.id == int(needle[:18])
    # A range instead of LIKE: an index serves it whatever the collation settings.
    prefix = and_(Contact.email >= needle, Contact.email < needle + "\uffff")
    return or_(prefix, Contact.domain == needle)


def _row(found: Any) -> LeadRow:
    return LeadRow(*found)


def _sort_value(sort: LeadSort, row: LeadRow) -> str:
    if sort is LeadSort.ACTIVITY:
        return row.last_activity.isoformat()
    if sort is LeadSort.ENGAGEMENT:
        return repr(row.engagement_score)
    if sort is LeadSort.FIT:
        return repr(row.fit_score)
    return str(row.contact_id)


def _cursor(sort: LeadSort, row: LeadRow) -> str:
    text = f"{sort.value}|{_sort_value(sort, row)}|{row.contact_id}"
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def _after(
    keys: tuple[_Column, _Column], sort: LeadSort, descending: bool, cursor: str
) -> ColumnElement[bool]:
    value, contact_id = _decoded(sort, cursor)
    key = tuple_(*keys)
    # A plain tuple: each value is bound with its column's type (UTC instants on SQLite).
    return key < (value, contact_id) if descending else key > (value, contact_id)


def _decoded(sort: LeadSort, cursor: str) -> tuple[object, int]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8")
        kind, value, contact_id = text.split("|")
        if kind != sort.value:
            raise ValueError(kind)
        return _parsed(sort, value), int(contact_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInputError("this page link is not valid for this list; start again") from None


def _parsed(sort: LeadSort, value: str) -> object:
    if sort is LeadSort.ACTIVITY:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError(value)
        return moment
    if sort is LeadSort.CONTACT:
        return int(value)
    return float(value)
