"""Hypothesis strategies for the engine's property tests: events a person might cause."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import strategies as st

from leadflow.domain.facts import Event

__all__ = ["EVENT_TYPES", "events"]

EVENT_TYPES = (
    "page_view",
    "email_open",
    "email_click",
    "email_bounce",
    "unsubscribe",
    "newsletter_signup",
    "content_download",
    "webinar_attendance",
    "demo_request",
    "quote_request",
    "trial_start",
    "form_submit",
)

# Page views and clicks dominate real histories; weighting them makes repeated-event
# rules (caps, windows with a minimum count) bite in generated examples.
_WEIGHTED = EVENT_TYPES + ("page_view",) * 6 + ("email_click",) * 3

_PROPERTIES = st.fixed_dictionaries(
    {},
    optional={
        "url": st.sampled_from(
            ["https://a.example/pricing", "https://a.example/blog/x", "/Pricing"]
        ),
        "asset": st.sampled_from(["Model X spec sheet", "marketing e-book", "whitepaper-2026"]),
    },
)


@st.composite
def _event(draw: st.DrawFn, now: datetime, max_days: float) -> Event:
    kind = draw(st.sampled_from(_WEIGHTED))
    days = draw(st.floats(min_value=0, max_value=max_days, allow_nan=False))
    return Event(kind, now - timedelta(days=days), draw(_PROPERTIES))


def events(
    now: datetime, max_size: int = 40, max_days: float = 400.0
) -> st.SearchStrategy[list[Event]]:
    """Events at or before ``now`` (up to ``max_days`` old)."""
    return st.lists(_event(now, max_days), max_size=max_size)
