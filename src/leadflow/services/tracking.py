"""A website's page views, sent by leadflow's snippet, and the first touch they tell.

``hit_event``: one hit (a page view, or another event type the workspace allows) becomes
an anonymous event of its visitor, recorded through the real-time path like any other.
What is kept of a page's address is its origin and path: query strings and fragments
carry e-mail addresses, tokens and search terms more often than anyone intends, so only
the campaign parameters (``utm_*``) and the name of an ad click id (``gclid`` ...) are
read from the query, never stored whole. The referrer is kept the same way.

When a visitor becomes a new contact (a form, or an event naming the visitor and a new
e-mail address), the landing page of its first visit says where the contact came from:
``services.events.source_from_first_visit`` (with ingest/landing.py) fills its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from leadflow.ingest.landing import (
    AD_CLICK_IDS,
    MAX_PROPERTY,
    UTM_PARAMETERS,
    origin_of,
    split_web_address,
    without_query,
)
from leadflow.ingest.normalise import clean_text, normalise_utm
from leadflow.services.events import IncomingEvent

__all__ = ["WEB_SOURCE", "PageHit", "hit_event", "origin_of"]

WEB_SOURCE = "web"  # the events' source: hit ids are unique within it


@dataclass(frozen=True, slots=True)
class PageHit:
    """What the snippet sends for one page view (or another allowed event)."""

    id: str  # random per hit: a retried beacon is stored once
    visitor_id: str
    type: str
    url: str
    referrer: str | None = None
    title: str | None = None


def hit_event(hit: PageHit, at: datetime) -> IncomingEvent:
    """The anonymous event a hit records; ``at`` is the server's time, not the browser's."""
    page = split_web_address(hit.url)
    if page is None:
        raise ValueError(f"not an http(s) address: {hit.url[:100]!r}")
    path = (page.path or "/")[:2000]  # as without_query cuts the url
    properties: dict[str, Any] = {"url": without_query(page), "path": path}
    query = parse_qs(page.query)
    for name in UTM_PARAMETERS:
        value = normalise_utm(query.get(name, [""])[0])[:MAX_PROPERTY]
        if value:
            properties[name] = value
    clicked = next((name for name in AD_CLICK_IDS if query.get(name)), None)
    if clicked is not None:
        properties["ad_click"] = clicked
    title = clean_text(hit.title or "")[:MAX_PROPERTY]
    if title:
        properties["title"] = title
    referrer = split_web_address(hit.referrer or "")
    if referrer is not None:
        properties["referrer"] = without_query(referrer)
    return IncomingEvent(
        type=hit.type,
        at=at,
        key=hit.id,
        source=WEB_SOURCE,
        visitor_id=hit.visitor_id,
        properties=properties,
    )
