"""What a website hit records, and which origins forms.yaml's tracking section accepts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from leadflow.services.form_config import FormsConfig, TrackingSpec
from leadflow.services.tracking import PageHit, hit_event, origin_of

AT = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def test_a_hit_keeps_the_page_and_the_campaign_never_the_whole_query() -> None:
    hit = PageHit(
        id="h" * 16,
        visitor_id="v" * 16,
        type="page_view",
        url="https://user:pw@www.example.com:443/pricing?utm_source=LinkedIn&utm_medium=Paid%20Social"
        "&utm_campaign=Q2+Launch&email=ann%40acme.example&gclid=abc#plans",
        referrer="https://www.google.com/search?q=lead+scoring",
        title="  Pricing \n | Example ",
    )

    event = hit_event(hit, AT)

    assert (event.type, event.at, event.key, event.source, event.visitor_id) == (
        "page_view", AT, "h" * 16, "web", "v" * 16
    )  # fmt: skip
    assert (event.email, event.contact_id) == (None, None)
    assert dict(event.properties) == {
        "url": "https://www.example.com/pricing",
        "path": "/pricing",
        "utm_source": "linkedin",
        "utm_medium": "paid social",
        "utm_campaign": "q2 launch",
        "ad_click": "gclid",
        "title": "Pricing | Example",
        "referrer": "https://www.google.com/search",
    }


def test_a_hit_without_a_web_address_is_refused() -> None:
    hit = PageHit(id="h" * 16, visitor_id="v" * 16, type="page_view", url="file:///etc/passwd")

    with pytest.raises(ValueError, match="not an http"):
        hit_event(hit, AT)


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://WWW.Example.com/a?b", "https://www.example.com"),
        ("https://www.example.com:443/", "https://www.example.com"),
        ("http://localhost:8080/x", "http://localhost:8080"),
        ("http://[::1]:8000/", "http://[::1]:8000"),
        ("javascript:alert(1)", None),
        ("https://www.example.com:99999/", None),
        ("not a url", None),
    ],
)  # fmt: skip
def test_the_origin_of_an_address(url: str, origin: str | None) -> None:
    assert origin_of(url) == origin


def test_tracking_origins_are_read_as_a_browser_writes_them() -> None:
    spec = TrackingSpec(origins=("https://WWW.Example.com/", "https://example.com:443"))

    assert spec.origins == ("https://www.example.com", "https://example.com")
    assert (spec.events, spec.require_consent, spec.cookie_days) == (("page_view",), True, 395)


@pytest.mark.parametrize(
    "origin",
    ["www.example.com", "https://www.example.com/shop", "ftp://example.com", "https://a@b.com"],
)
def test_a_tracking_origin_with_a_path_or_without_a_scheme_is_refused(origin: str) -> None:
    with pytest.raises(ValidationError, match="write scheme and host"):
        FormsConfig.model_validate({"tracking": {"origins": [origin]}})


def test_tracking_needs_an_origin_and_a_cookie_of_at_most_13_months() -> None:
    with pytest.raises(ValidationError):
        TrackingSpec(origins=())
    with pytest.raises(ValidationError):
        TrackingSpec(origins=("https://example.com",), cookie_days=400)
