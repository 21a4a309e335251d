"""A website's page views, sent by leadflow's snippet, and the first touch they tell.

``hit_event``: one hit (a page view, or another event type the workspace allows) becomes
an anonymous event of its visitor, recorded through the real-time path like any other.
What is kept of a page's address is its origin and path: query strings and fragments
carry e-mail addresses, tokens and search terms more often than anyone intends, so only
the campaign parameters (``utm_*``) and the name of an ad click id (``gclid`` ...) are
read from the query, never stored whole. The referrer is kept the same way.

``first_touch``: when a visitor fills a form and becomes a new contact, the landing page
of its first visit says where the contact came from (UTM, an ad click, the referring
site); the form service stores it as the contact's source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import SplitResult, parse_qs, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.ingest.normalise import clean_text, normalise_utm
from leadflow.ingest.values import channel_from_landing
from leadflow.services.events import IncomingEvent
from leadflow.store.models import Event

__all__ = [
    "WEB_SOURCE",
    "FirstTouch",
    "PageHit",
    "first_touch",
    "hit_event",
    "origin_of",
]

WEB_SOURCE = "web"  # the events' source: hit ids are unique within it
UTM_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
AD_CLICK_IDS = ("gclid", "gbraid", "wbraid", "dclid", "msclkid")
MAX_PROPERTY = 300


@dataclass(frozen=True, slots=True)
class PageHit:
    """What the snippet sends for one page view (or another allowed event)."""

    id: str  # random per hit: a retried beacon is stored once
    visitor_id: str
    type: str
    url: str
    referrer: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class FirstTouch:
    channel: str
    medium: str | None
    campaign: str | None


def origin_of(url: str) -> str | None:
    """``https://www.example.com:8443`` for an http(s) URL; None for anything else."""
    parts = _split(url)
    if parts is None:
        return None
    return f"{parts.scheme}://{_host_port(parts)}"


def hit_event(hit: PageHit, at: datetime) -> IncomingEvent:
    """The anonymous event a hit records; ``at`` is the server's time, not the browser's."""
    page = _split(hit.url)
    if page is None:
        raise ValueError(f"not an http(s) address: {hit.url[:100]!r}")
    properties: dict[str, Any] = {"url": _without_query(page), "path": page.path or "/"}
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
    referrer = _split(hit.referrer or "")
    if referrer is not None:
        properties["referrer"] = _without_query(referrer)
    return IncomingEvent(
        type=hit.type,
        at=at,
        key=hit.id,
        source=WEB_SOURCE,
        visitor_id=hit.visitor_id,
        properties=properties,
    )


def first_touch(session: Session, visitor_id: str) -> FirstTouch | None:
    """Where the visitor's first tracked visit came from; None without one."""
    landing = session.scalar(
        select(Event.properties)
        .where(Event.visitor_id == visitor_id, Event.source == WEB_SOURCE)
        .order_by(Event.at, Event.id)
        .limit(1)
    )
    if not landing:
        return None
    page = _split(str(landing.get("url", "")))
    referrer = _split(str(landing.get("referrer", "")))
    channel = channel_from_landing(
        utm_source=landing.get("utm_source"),
        utm_medium=landing.get("utm_medium"),
        ad_click="ad_click" in landing,
        referrer_host=referrer.hostname if referrer else None,
        own_host=(page.hostname or "") if page else "",
    )
    return FirstTouch(channel, landing.get("utm_medium"), landing.get("utm_campaign"))


def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  # raises ValueError on a port that is no number
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _host_port(parts: SplitResult) -> str:
    # As a browser writes an Origin: lower-case host, IPv6 in brackets, no default port.
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port is None or parts.port == _DEFAULT_PORTS[parts.scheme]:
        return host
    return f"{host}:{parts.port}"


def _without_query(parts: SplitResult) -> str:
    # No user:password@, no query, no fragment: see the module's docstring.
    return f"{parts.scheme}://{_host_port(parts)}{parts.path or '/'}"[:2000]
