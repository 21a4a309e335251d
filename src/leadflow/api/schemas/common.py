"""Field types every body shares, bounded so that no input can reach the database unusable.

StrN         a string of at most N characters (the column's length) without NUL,
             which PostgreSQL refuses in text
Document     a JSON object for ``attributes`` / ``properties``: string keys, at most
             ``MAX_DEPTH`` deep, no NUL anywhere (JSONB refuses ``\\u0000`` too)
Id           a database id: 1 .. 2^62, so a 64-bit column never overflows
Page[T]      a page of a list and the cursor of the next one (None: the last page)
QueryMoment  a moment in a query string, its offset's ``+`` back where the URL turned
             it into a space (``?since=2026-03-02T09:00:00+01:00`` typed as written)
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import AfterValidator, BaseModel, Field, JsonValue, StringConstraints

from leadflow.api.problems import ProblemError, ProblemKind
from leadflow.domain.clock import parse_instant
from leadflow.services.refusals import InvalidInputError

__all__ = [
    "MAX_DEPTH",
    "Cursor",
    "Document",
    "Id",
    "Limit",
    "NoNul",
    "Page",
    "QueryMoment",
    "Str20",
    "Str100",
    "Str200",
    "Str300",
    "Str500",
    "decode_cursor",
    "encode_cursor",
    "next_cursor",
]

MAX_DEPTH = 8
MAX_ID = 2**62

T = TypeVar("T")


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text may not contain the NUL character")
    return value


def _clean_document(value: dict[str, Any]) -> dict[str, Any]:
    _check(value, 0)
    return value


def _check(value: object, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ValueError(f"documents may nest at most {MAX_DEPTH} levels")
    if isinstance(value, str):
        _no_nul(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key)
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)


NoNul = AfterValidator(_no_nul)
# Strings bounded by the length of the column they land in.
Str20 = Annotated[str, StringConstraints(max_length=20), NoNul]
Str100 = Annotated[str, StringConstraints(max_length=100), NoNul]
Str200 = Annotated[str, StringConstraints(max_length=200), NoNul]
Str300 = Annotated[str, StringConstraints(max_length=300), NoNul]
Str500 = Annotated[str, StringConstraints(max_length=500), NoNul]


Document = Annotated[dict[str, JsonValue], AfterValidator(_clean_document)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Cursor = Annotated[
    str | None,
    Query(max_length=100, description="`next_cursor` of the previous page; omit for the first."),
]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]

# A date and a time, then a space and an offset's digits: in a query string ``+`` means
# a space, so that space can only be the ``+`` of an offset sent unencoded. A minus
# survives the URL, and a date or a time alone is left as it came.
_PLUS_LOST = re.compile(
    r"(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?) (\d{2}(?::?\d{2})?)"
)


def _plus_restored(value: str) -> str:
    found = _PLUS_LOST.fullmatch(value.strip())
    return f"{found[1]}+{found[2]}" if found else value


QueryMoment = Annotated[str, AfterValidator(_plus_restored)]


def query_instant(name: str, text: str | None) -> datetime | None:
    """A ``QueryMoment`` parameter as an instant in UTC (None when not given); a value that
    is not one is refused naming the parameter."""
    if not text:
        return None
    try:
        return parse_instant(text)
    except ValueError as error:
        raise InvalidInputError(f"{name}: {error}", field=name) from None


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"after:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    """The id a cursor continues after; a cursor leadflow did not make is a bad request."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, number = text.partition(":")
        last = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        last = -1
        prefix = ""
    if prefix != "after" or not 0 <= last <= MAX_ID:
        raise ProblemError(ProblemKind.BAD_REQUEST, "cursor is not one this API returned")
    return last


def next_cursor(ids: list[int], limit: int) -> str | None:
    """A cursor after the last id when the page is full (there may be more)."""
    return encode_cursor(ids[-1]) if len(ids) == limit and ids else None
