"""The shared vocabulary (../shared/domain.md): event types, sales actions, channels, outcomes.

Definitions may use any event type; these names are what presets, importers, the demo
world and the API agree on.
"""

from __future__ import annotations

import re
from enum import StrEnum

__all__ = [
    "ACQUISITION_CHANNELS",
    "EVENT_TYPE_PATTERN",
    "SALES_ACTION_EVENTS",
    "STANDARD_EVENT_TYPES",
    "AttemptChannel",
    "AttemptOutcome",
    "ConversationOutcome",
    "Grade",
    "Identity",
    "LeadType",
    "Temperature",
    "event_type_problem",
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


# How every event type is written: the API, forms and imports take only these, so a
# definition naming another spelling ("Demo-Request") could never match an event.
EVENT_TYPE_PATTERN = r"^[a-z][a-z0-9_]{0,99}$"
_EVENT_TYPE = re.compile(EVENT_TYPE_PATTERN)


def event_type_problem(text: str) -> str | None:
    """Why ``text`` is no event type (None when it is one), suggesting the snake_case form."""
    if _EVENT_TYPE.match(text):
        return None
    # ``WorkspaceCreated`` (an app's own event, named as its code names it) splits at
    # each capital that follows a small letter or digit.
    split = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text.strip())
    words = re.sub(r"[^a-z0-9]+", "_", split.casefold()).strip("_")
    suggestion = f"; did you mean {words!r}?" if _EVENT_TYPE.match(words) else ""
    return (
        f"{text!r} is not an event type: event types are snake_case (lower-case letters, "
        f"digits and _, starting with a letter, at most 100){suggestion}"
    )


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


class Grade(StrEnum):
    """Persona fit grade; A is the best match."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"

    @property
    def rank(self) -> int:
        """Higher is better: A=3 … D=0, so ``at_least`` compares ranks."""
        return 3 - "ABCD".index(self.value)


class Temperature(StrEnum):
    """BANT temperature: hot = 3–4 criteria met, warm = 2, cold = 1, unknown = 0."""

    UNKNOWN = "unknown"
    COLD = "cold"
    WARM = "warm"
    HOT = "hot"

    @property
    def rank(self) -> int:
        return ("unknown", "cold", "warm", "hot").index(self.value)


class LeadType(StrEnum):
    """The kind of exchange that made someone a lead (domain.md, German article)."""

    SQL = "sql"  # interested after a logged sales conversation
    SRL = "srl"  # asked for a sales conversation (a sales-specific action)
    IQL = "iql"  # product-specific information asset
    MQL = "mql"  # general marketing asset
    MSRL = "msrl"  # purchased source, no own action yet
    NONE = "none"  # none of the above yet

    @property
    def rank(self) -> int:
        """Precedence: SQL > SRL > IQL > MQL > MSRL > none."""
        return ("none", "msrl", "mql", "iql", "srl", "sql").index(self.value)
