"""Every distinct ``properties`` object an event can carry, numbered once per world.

Events are simulated as integer arrays; an event's properties are one *variant* number
into this table. That keeps 50 million events cheap to draw and to sort, and lets the
writers render JSON or Parquet columns by lookup instead of per-event Python.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from leadflow.demo.calendar import Calendar
from leadflow.demo.catalog import (
    CHANNEL_CAMPAIGNS,
    FORMS,
    GENERAL_ASSETS,
    LISTS,
    PRODUCT_ASSETS,
    PRODUCTS,
    SELLER_DOMAIN,
    WEB_PAGES,
)
from leadflow.demo.truth import CHANNEL_VALUES
from leadflow.domain.vocabulary import SALES_ACTION_EVENTS, STANDARD_EVENT_TYPES

__all__ = ["CLICK_PAGES", "COLUMNS", "PropertyTable", "page_url"]

Ints = npt.NDArray[np.int64]

SITE = f"https://www.{SELLER_DOMAIN}"
# The property columns the Parquet events file carries (None where an event has none).
COLUMNS: tuple[str, ...] = ("url", "asset", "form", "campaign", "product", "event")
# Pages that marketing e-mails link to.
CLICK_PAGES: tuple[int, ...] = tuple(
    WEB_PAGES.index(p)
    for p in ("/pricing", "/product/insights", "/blog/lead-scoring-models", "/resources/webinars")
)
_REFERRERS = {
    "google": "https://www.google.com/",
    "bing": "https://www.bing.com/",
    "linkedin": "https://www.linkedin.com/",
    "partner": "https://partners.example/",
    "customer": "https://partners.example/",
}


def page_url(page: int) -> str:
    return SITE + WEB_PAGES[page]


class PropertyTable:
    """Variant numbers by event type; ``base[type]`` is where a type's block starts."""

    def __init__(self, calendar: Calendar) -> None:
        self.json: list[str] = []
        self.columns: dict[str, list[str | None]] = {column: [] for column in COLUMNS}
        self.base: dict[str, int] = {}
        self.sources = self._sources()
        self._source_offset = np.cumsum([0, *(len(CHANNEL_CAMPAIGNS[c]) for c in CHANNEL_VALUES)])
        self._build(calendar)

    def __len__(self) -> int:
        return len(self.json)

    # -- lookups used by behaviour (all vectorised) -------------------------------------

    def page_view(self, page: Ints, source: Ints) -> Ints:
        """``source``: 0 navigation inside the site, 1 direct, 2+ a landing from a campaign."""
        return self.base["page_view"] + page * len(self.sources) + source

    def landing_source(self, channel: Ints, campaign: Ints) -> Ints:
        return 2 + self._source_offset[channel] + campaign

    def email(self, kind: str, send: Ints, click: Ints | None = None) -> Ints:
        if kind == "email_click":
            assert click is not None
            return self.base[kind] + send * len(CLICK_PAGES) + click
        return self.base[kind] + send

    def of(self, kind: str, index: Ints | int) -> Ints:
        """Types whose properties are one choice (form, list, webinar, product, ...)."""
        return np.asarray(self.base[kind] + np.asarray(index), dtype=np.int64)

    def download(self, specific: npt.NDArray[np.bool_], asset: Ints, product: Ints) -> Ints:
        """``asset`` indexes PRODUCT_ASSETS when ``specific``, else GENERAL_ASSETS; a
        product-specific asset names its product too."""
        general = len(GENERAL_ASSETS)
        offset = np.where(specific, general + asset * len(PRODUCTS) + product, asset)
        return np.asarray(self.base["content_download"] + offset, dtype=np.int64)

    def is_product_download(self, variant: Ints) -> npt.NDArray[np.bool_]:
        """True for variants of product-specific downloads (what makes an IQL)."""
        first = self.base["content_download"] + len(GENERAL_ASSETS)
        return np.asarray(
            (variant >= first) & (variant < first + len(PRODUCT_ASSETS) * len(PRODUCTS))
        )

    # -- construction --------------------------------------------------------------------

    def _add(self, kind: str, variants: Iterable[dict[str, str]]) -> None:
        self.base[kind] = len(self.json)
        for props in variants:
            self.json.append(json.dumps(props, ensure_ascii=False))
            for column in COLUMNS:
                value = props.get("utm_campaign") if column == "campaign" else props.get(column)
                self.columns[column].append(value or None)

    @staticmethod
    def _sources() -> list[dict[str, str]]:
        sources: list[dict[str, str]] = [{"referrer": SITE + "/"}, {}]
        for channel in CHANNEL_VALUES:
            for source, medium, campaign in CHANNEL_CAMPAIGNS[channel]:
                landing = {"referrer": _REFERRERS[source]} if source in _REFERRERS else {}
                if medium != "organic":
                    landing |= {
                        "utm_source": source,
                        "utm_medium": medium,
                        "utm_campaign": campaign,
                    }
                sources.append(landing)
        return sources

    def _build(self, calendar: Calendar) -> None:
        sends, webinars = calendar.sends.names, calendar.webinars.names
        pages = [page_url(page) for page in range(len(WEB_PAGES))]
        self._add("page_view", ({"url": url} | source for url in pages for source in self.sources))
        self._add("email_open", ({"campaign": send} for send in sends))
        clicks = [pages[page] for page in CLICK_PAGES]
        self._add(
            "email_click", ({"campaign": send, "url": url} for send in sends for url in clicks)
        )
        for kind in ("email_bounce", "unsubscribe"):
            self._add(kind, ({"campaign": send, "channel": "email"} for send in sends))
        self._add("newsletter_signup", ({"list": name} for name in LISTS))
        self._add("form_submit", ({"form": form, "url": f"{SITE}/forms/{form}"} for form in FORMS))
        self._add(
            "content_download",
            [{"asset": asset} for asset in GENERAL_ASSETS]
            + [
                {"asset": asset, "product": product}
                for asset in PRODUCT_ASSETS
                for product in PRODUCTS
            ],
        )
        self._add("webinar_registration", ({"event": name} for name in webinars))
        self._add("webinar_attendance", ({"event": name} for name in webinars))
        self._add("event_attendance", ({"event": name} for name in calendar.conferences.names))
        self._add("chat_started", ({"url": url} for url in pages))
        self._add("call_inbound", [{}])
        for action in SALES_ACTION_EVENTS:
            self._add(action, ({"product": product} for product in PRODUCTS))
        missing = set(STANDARD_EVENT_TYPES) - set(self.base)
        if missing:  # a new standard type must get properties here before worlds can use it
            raise RuntimeError(f"no properties defined for event types {sorted(missing)}")
