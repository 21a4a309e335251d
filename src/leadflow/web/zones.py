"""The reader's time zone: times on the pages are shown in it.

A rep in Oslo reads "due 14:00" as Oslo's 14:00, and a marketer in Amsterdam expects a
form sent at 09:12 their time to say 09:12. The browser knows its zone
(``Intl.DateTimeFormat().resolvedOptions().timeZone``): ``static/zone.js`` writes it to
the ``leadflow_tz`` cookie on every page, the sign-in page first, and the server reads
it here. No cookie (a browser without JavaScript, a script blocked), or a value that
is no IANA zone, gives UTC, as the store keeps time. Reports keep whole days in UTC:
they are the same figures for every reader.
"""

from __future__ import annotations

import re
from datetime import UTC, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.requests import Request

__all__ = ["ZONE_COOKIE", "reader_zone", "zone_named"]

ZONE_COOKIE = "leadflow_tz"
# IANA names: Europe/Oslo, America/Argentina/Buenos_Aires, Etc/GMT+1. No dots, so no
# path outside the zone database can be named.
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]{0,30}(?:/[A-Za-z0-9_+\-]{1,30}){0,2}")


def reader_zone(request: Request) -> tzinfo:
    """The zone the request's browser said it is in, else UTC."""
    return zone_named(request.cookies.get(ZONE_COOKIE, ""))


@lru_cache(maxsize=256)  # a cookie is any text: the cache must not grow with it
def zone_named(name: str) -> tzinfo:
    if not _ZONE_NAME.fullmatch(name) or name in {"UTC", "Etc/UTC"}:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC
