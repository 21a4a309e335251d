"""Facts about one person: the only input qualification needs.

The shape mirrors the facts document of ``leadflow qualify --facts`` (docs/definition.md):
contact and account attributes, identity level, source, events, BANT, sales contact,
consent and an optional model prediction. Everything is immutable; times are UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from leadflow.domain.vocabulary import Identity

__all__ = [
    "BANT_KEYS",
    "BantFact",
    "BantFacts",
    "Conversation",
    "Event",
    "Facts",
    "Opportunity",
    "SalesFacts",
    "Source",
]

_EMPTY: Mapping[str, object] = MappingProxyType({})


def _empty() -> Mapping[str, object]:
    # Python 3.11 dataclasses refuse an unhashable default (a mappingproxy) outright.
    return _EMPTY


BANT_KEYS: tuple[str, ...] = ("budget", "authority", "need", "timing")


@dataclass(frozen=True, slots=True)
class Event:
    """Something the person did (a marketing event), at a moment, with properties."""

    type: str
    at: datetime
    properties: Mapping[str, object] = field(default_factory=_empty)
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """Where the person came from. A purchased origin is kept forever (MSRL)."""

    channel: str | None = None
    purchased: bool = False
    campaign: str | None = None
    medium: str | None = None
    vendor: str | None = None


@dataclass(frozen=True, slots=True)
class BantFact:
    """One BANT criterion: met (True), not met (False) or unknown (None), with its evidence."""

    met: bool | None = None
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class BantFacts:
    budget: BantFact = BantFact()
    authority: BantFact = BantFact()
    need: BantFact = BantFact()
    timing: BantFact = BantFact()

    def get(self, key: str) -> BantFact:
        if key not in BANT_KEYS:
            raise KeyError(key)
        fact: BantFact = getattr(self, key)
        return fact


@dataclass(frozen=True, slots=True)
class Conversation:
    """A logged two-way conversation between the person and a named rep."""

    at: datetime
    rep: str | None = None
    outcome: str | None = None  # interested | not_interested | no_decision


@dataclass(frozen=True, slots=True)
class Opportunity:
    status: str = "open"  # open | won | lost
    amount: float | None = None
    currency: str | None = None
    created_at: datetime | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SalesFacts:
    conversations: tuple[Conversation, ...] = ()
    accepted: bool | None = None  # None: sales has not answered the hand-off yet
    opportunity: Opportunity | None = None


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything known about one person that a definition's rules may look at."""

    contact: Mapping[str, object] = field(default_factory=_empty)
    account: Mapping[str, object] = field(default_factory=_empty)
    identity: Identity = Identity.KNOWN
    source: Source = Source()
    events: tuple[Event, ...] = ()
    bant: BantFacts = BantFacts()
    sales: SalesFacts = SalesFacts()
    # Per channel ("email", "phone"): granted | confirmed | withdrawn | bounced.
    consent: Mapping[str, str] = field(default_factory=dict)
    # A calibrated win probability from a learned model, when one is active.
    prediction: float | None = None
