"""The first touch of a visitor, from the properties of its earliest events."""

from __future__ import annotations

import pytest

from leadflow.ingest.landing import FirstTouch, landing_touch

SITE = "https://www.example.com"


def test_the_landing_page_is_the_first_event_with_an_address() -> None:
    earliest = [
        {"form": "newsletter"},  # no page: skipped
        {"url": f"{SITE}/", "utm_source": "linkedin", "utm_medium": "paid_social",
         "utm_campaign": "q2"},
        {"url": f"{SITE}/pricing", "referrer": "https://www.google.com/"},
    ]  # fmt: skip

    assert landing_touch(earliest) == FirstTouch("linkedin", "paid_social", "q2")


@pytest.mark.parametrize(
    ("landing", "expected"),
    [
        # Another tracker stored the whole address: its query still tells the campaign.
        ({"url": f"{SITE}/?utm_source=Newsletter&utm_medium=E-Mail&utm_campaign=May%20News"},
         FirstTouch("newsletter", "e-mail", "may news")),
        ({"url": f"{SITE}/?utm_source=partner&utm_medium=blog"},
         FirstTouch("other", "blog", None)),
        ({"url": f"{SITE}/?gclid=abc123"}, FirstTouch("paid_search", None, None)),
        ({"url": f"{SITE}/", "gclid": "abc123"}, FirstTouch("paid_search", None, None)),
        ({"url": f"{SITE}/", "ad_click": "msclkid"}, FirstTouch("paid_search", None, None)),
        ({"url": f"{SITE}/", "referrer": "https://www.ecosia.org/search"},
         FirstTouch("organic_search", None, None)),
        ({"url": f"{SITE}/", "referrer": "https://blog.partner.example/post"},
         FirstTouch("referral", None, None)),
        ({"url": f"{SITE}/", "referrer": "https://example.com/other"},
         FirstTouch("direct", None, None)),
        ({"url": f"{SITE}/", "utm_source": 42}, FirstTouch("other", None, None)),
    ],
)  # fmt: skip
def test_the_first_touch_of_a_landing_page(
    landing: dict[str, object], expected: FirstTouch
) -> None:
    assert landing_touch([landing]) == expected


def test_no_page_no_first_touch() -> None:
    assert landing_touch([]) is None
    assert landing_touch([{"url": "not an address"}, {"form": "demo"}]) is None
