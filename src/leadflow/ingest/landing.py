"""Where a website visit came from: the address of its landing page, read as a browser
and a marketer would read it (pure; the tracking service and the real-time path use it).

``origin_of`` gives an address's origin as a browser writes its ``Origin`` header;
``without_query`` keeps an address's origin and path only (query strings and fragments
carry e-mail addresses, tokens and search terms more often than anyone intends);
``landing_touch`` tells the channel, medium and campaign of a visitor's first visit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, parse_qs, urlsplit

import idna

from leadflow.ingest.normalise import normalise_utm
from leadflow.ingest.values import channel_from_landing

__all__ = [
    "AD_CLICK_IDS",
    "MAX_PROPERTY",
    "UTM_PARAMETERS",
    "FirstTouch",
    "landing_touch",
    "origin_of",
    "split_web_address",
    "without_query",
]

UTM_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
AD_CLICK_IDS = ("gclid", "gbraid", "wbraid", "dclid", "msclkid")
MAX_PROPERTY = 300


@dataclass(frozen=True, slots=True)
class FirstTouch:
    channel: str
    medium: str | None
    campaign: str | None


def origin_of(url: str) -> str | None:
    """``https://www.example.com:8443`` for an http(s) URL; None for anything else."""
    parts = split_web_address(url)
    if parts is None:
        return None
    return f"{parts.scheme}://{_host_port(parts)}"


def landing_touch(earliest: Sequence[Mapping[str, Any]]) -> FirstTouch | None:
    """The first touch told by a visitor's earliest events' properties (oldest first).

    The landing page is the first event with a ``url``: the snippet's page views, or
    page views another tracker sent through the API or an import. Campaign parameters
    and ad click ids are read from the properties, else from the address's query (an
    event recorded with its whole address).
    """
    found = next(
        (
            (landing, page)
            for landing in earliest
            if (page := split_web_address(str(landing.get("url", "")))) is not None
        ),
        None,
    )
    if found is None:
        return None
    landing, page = found
    query = parse_qs(page.query)

    def tagged(name: str) -> str | None:
        given = landing.get(name)
        written = str(given) if isinstance(given, str | int | float) else ""
        text = normalise_utm(written or query.get(name, [""])[0])[:MAX_PROPERTY]
        return text or None

    referrer = split_web_address(str(landing.get("referrer", "")))
    clicked = "ad_click" in landing or any(
        landing.get(name) or query.get(name) for name in AD_CLICK_IDS
    )
    channel = channel_from_landing(
        utm_source=tagged("utm_source"),
        utm_medium=tagged("utm_medium"),
        ad_click=clicked,
        referrer_host=referrer.hostname if referrer else None,
        own_host=page.hostname or "",
    )
    return FirstTouch(channel, tagged("utm_medium"), tagged("utm_campaign"))


def split_web_address(url: str) -> SplitResult | None:
    """The parts of an http(s) address with a host; None for anything else."""
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
    host = _ascii_host(parts.hostname or "")
    if ":" in host:
        host = f"[{host}]"
    if parts.port is None or parts.port == _DEFAULT_PORTS[parts.scheme]:
        return host
    return f"{host}:{parts.port}"


def _ascii_host(host: str) -> str:
    # A browser writes an internationalised domain (bücher.example) in punycode, in its
    # Origin header and in location.href, as UTS 46 maps it (ß kept, not made ss).
    if host.isascii():
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        return host  # no browser can be on it: it matches nothing


def without_query(parts: SplitResult) -> str:
    # No user:password@, no query, no fragment: see the module's docstring.
    return f"{parts.scheme}://{_host_port(parts)}{parts.path or '/'}"[:2000]
