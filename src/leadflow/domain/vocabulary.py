"""The shared vocabulary (../shared/domain.md): event types, sales actions, channels, outcomes.

Definitions may use any event type; these names are what presets, importers, the demo
world and the API agree on.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ACQUISITION_CHANNELS",
    "SALES_ACTION_EVENTS",
    "STANDARD_EVENT_TYPES",
    "AttemptChannel",
    "AttemptOutcome",
    "ConversationOutcome",
    "Identity",
]


class Identity(StrEnum):
    """How well we know who a person is; ordered from least to most."""

    ANONYMOUS = "anonymous"  # known only by a browser or device id
    KNOWN = "known"  # gave contact details
    CONFIRMED = "confirmed"  # confirmed those details (double opt-in)

    @property
    def rank(self) -> int:
        return _IDENTITY_RANK[self]


_IDENTITY_RANK = {Identity.ANONYMOUS: 0, Identity.KNOWN: 1, Identity.CONFIRMED: 2}


class AttemptChannel(StrEnum):
    CALL = "call"
    EMAIL = "email"
    LINKEDIN = "linkedin"
    MEETING = "meeting"


class AttemptOutcome(StrEnum):
    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"
    WRONG_NUMBER = "wrong_number"
    CONNECTED = "connected"
    MEETING_BOOKED = "meeting_booked"


class ConversationOutcome(StrEnum):
    INTERESTED = "interested"
    NOT_INTERESTED = "not_interested"
    NO_DECISION = "no_decision"


STANDARD_EVENT_TYPES: tuple[str, ...] = (
    "page_view",
    "email_open",
    "email_click",
    "email_bounce",
    "unsubscribe",
    "newsletter_signup",
    "form_submit",
    "content_download",
    "webinar_registration",
    "webinar_attendance",
    "event_attendance",
    "chat_started",
    "call_inbound",
    "demo_request",
    "trial_start",
    "quote_request",
    "call_request",
    "meeting_booked",
)

# The sales-specific actions: a person asking to talk to sales, not for more content.
SALES_ACTION_EVENTS: tuple[str, ...] = (
    "demo_request",
    "trial_start",
    "quote_request",
    "call_request",
    "meeting_booked",
)

# Acquisition channels as leadflow names them (HubSpot's "original source" values map here).
ACQUISITION_CHANNELS: tuple[str, ...] = (
    "organic_search",
    "paid_search",
    "linkedin",
    "paid_social",
    "events",
    "webinar",
    "newsletter",
    "referral",
    "direct",
    "outbound_list",
    "purchased",
    "other",
)
