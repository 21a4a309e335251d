"""The facts document: one person's facts as JSON, validated into domain ``Facts``.

This is what ``leadflow qualify --facts`` reads, so a team can try a definition on one
person without a database::

    {
      "contact":  {"email": "ann@acme.example", "title": "CTO", ...any attribute},
      "account":  {"industry": "software", "employees": 250, ...},
      "identity": "anonymous" | "known" | "confirmed",
      "source":   {"channel": "linkedin", "purchased": false, "campaign": ...},
      "events":   [{"type": "demo_request", "at": "2026-05-30T10:00:00Z",
                    "properties": {...}, "id": "optional"}],
      "bant":     {"budget": true, "need": {"met": true, "evidence": "form answer"}},
      "sales":    {"conversations": [{"at": ..., "rep": "jo", "outcome": "interested"}],
                   "accepted": null, "opportunity": {"status": "open", "amount": 12000}},
      "consent":  {"email": "granted"},
      "prediction": 0.42
    }

Every key is optional. Unknown keys are refused (a typo must not pass silently), times
must carry a zone (``Z`` or an offset), and every problem is reported with its JSON
path: ``events[3].at: ...``. When ``identity`` is absent it is ``known`` if the contact
has an e-mail address or a phone number, else ``anonymous``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StrictBool,
    ValidationError,
    field_validator,
)
from pydantic_core import ErrorDetails

from leadflow.domain.clock import ensure_utc
from leadflow.domain.facts import (
    BantFact,
    BantFacts,
    Conversation,
    Event,
    Facts,
    Opportunity,
    SalesFacts,
    Source,
)
from leadflow.domain.vocabulary import Identity
from leadflow.ingest.countries import country_code
from leadflow.ingest.normalise import (
    InvalidValueError,
    industry_key,
    parse_amount,
    parse_integer,
)
from leadflow.ingest.values import channel, seniority

__all__ = ["FactsDocument", "FactsDocumentError", "load_facts_document", "parse_facts_document"]

Text = Annotated[str, Field(min_length=1)]
ConsentState = Literal["granted", "confirmed", "withdrawn", "bounced"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventDocument(_Strict):
    type: Text
    at: AwareDatetime
    properties: dict[str, JsonValue] = Field(default_factory=dict)
    id: str | None = None

    def to_event(self) -> Event:
        return Event(self.type, ensure_utc(self.at), self.properties, self.id)


class SourceDocument(_Strict):
    channel: str | None = None
    purchased: StrictBool = False
    campaign: str | None = None
    medium: str | None = None
    vendor: str | None = None

    def to_source(self) -> Source:
        return Source(self.channel, self.purchased, self.campaign, self.medium, self.vendor)


class BantCriterionDocument(_Strict):
    met: StrictBool | None = None
    evidence: str | None = None


class BantDocument(_Strict):
    """Each criterion is ``true``/``false``/``null`` or ``{"met": ..., "evidence": ...}``."""

    budget: BantCriterionDocument = BantCriterionDocument()
    authority: BantCriterionDocument = BantCriterionDocument()
    need: BantCriterionDocument = BantCriterionDocument()
    timing: BantCriterionDocument = BantCriterionDocument()

    @field_validator("budget", "authority", "need", "timing", mode="before")
    @classmethod
    def _short_form(cls, value: object) -> object:
        # The short form is a bare verdict; turning it into the long form here keeps
        # error paths plain ("bant.need.met") instead of naming union branches.
        if value is None or isinstance(value, bool):
            return {"met": value}
        if not isinstance(value, dict):
            raise ValueError('give true, false, null or {"met": ..., "evidence": ...}')
        return value

    def to_bant(self) -> BantFacts:
        def fact(item: BantCriterionDocument) -> BantFact:
            return BantFact(item.met, item.evidence)

        return BantFacts(
            fact(self.budget), fact(self.authority), fact(self.need), fact(self.timing)
        )


class ConversationDocument(_Strict):
    at: AwareDatetime
    rep: str | None = None
    outcome: str | None = None  # interested | not_interested | no_decision (or a team's own)


class OpportunityDocument(_Strict):
    status: Literal["open", "won", "lost"] = "open"
    amount: Annotated[float, Field(ge=0)] | None = None
    currency: str | None = None
    created_at: AwareDatetime | None = None
    closed_at: AwareDatetime | None = None

    def to_opportunity(self) -> Opportunity:
        return Opportunity(
            self.status,
            self.amount,
            self.currency,
            _utc(self.created_at),
            _utc(self.closed_at),
        )


class SalesDocument(_Strict):
    conversations: list[ConversationDocument] = Field(default_factory=list)
    accepted: StrictBool | None = None
    opportunity: OpportunityDocument | None = None

    def to_sales(self) -> SalesFacts:
        talks = tuple(
            Conversation(ensure_utc(talk.at), talk.rep, talk.outcome) for talk in self.conversations
        )
        opportunity = None if self.opportunity is None else self.opportunity.to_opportunity()
        return SalesFacts(talks, self.accepted, opportunity)


class FactsDocument(_Strict):
    contact: dict[str, JsonValue] = Field(default_factory=dict)
    account: dict[str, JsonValue] = Field(default_factory=dict)
    identity: Identity | None = None
    source: SourceDocument = SourceDocument()
    events: list[EventDocument] = Field(default_factory=list)
    bant: BantDocument = BantDocument()
    sales: SalesDocument = SalesDocument()
    consent: dict[str, ConsentState] = Field(default_factory=dict)
    prediction: Annotated[float, Field(ge=0, le=1)] | None = None

    def to_facts(self) -> Facts:
        source = self.source.to_source()
        if source.channel is not None:
            source = replace(source, channel=channel(source.channel))
        return Facts(
            contact=_as_stored(self.contact, _CONTACT_VALUES),
            account=_as_stored(self.account, _ACCOUNT_VALUES),
            identity=self.identity or _identity_of(self.contact),
            source=source,
            events=tuple(event.to_event() for event in self.events),
            bant=self.bant.to_bant(),
            sales=self.sales.to_sales(),
            consent=dict(self.consent),
            prediction=self.prediction,
        )


def _country(text: str) -> str:
    code = country_code(text)
    if code is None:
        raise InvalidValueError(f"{text!r} is no country")
    return code


# The attributes the contact and accounts imports store in their own words (ISO codes,
# head counts, amounts, industry keys, seniority levels): a person written by hand as an
# export has it ("Deutschland", "1.200", "Messe") is the person those imports store, so
# ``qualify --facts`` gives the verdict the workspace would. A value an import could not
# read is kept as written.
_CONTACT_VALUES: dict[str, Callable[[str], object]] = {
    "country": _country,
    "seniority": seniority,
}
_ACCOUNT_VALUES: dict[str, Callable[[str], object]] = {
    "country": _country,
    "employees": parse_integer,
    "revenue": parse_amount,
    "industry": industry_key,
}


def _as_stored(
    values: dict[str, JsonValue], readers: dict[str, Callable[[str], object]]
) -> dict[str, object]:
    stored: dict[str, object] = dict(values)
    for key, read in readers.items():
        given = values.get(key)
        if isinstance(given, str) and given.strip():
            with contextlib.suppress(InvalidValueError):
                stored[key] = read(given)
    return stored


class FactsDocumentError(ValueError):
    """A facts document that cannot be used; ``errors`` reads ``SOURCE: path: message``."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


def parse_facts_document(text: str | bytes, source: str = "facts") -> Facts:
    """Validate a JSON facts document; FactsDocumentError lists every problem."""
    try:
        return FactsDocument.model_validate_json(text).to_facts()
    except ValidationError as error:
        raise FactsDocumentError(
            [f"{source}: {_path(item['loc'])}{_message(item)}" for item in error.errors()]
        ) from None


def load_facts_document(path: Path) -> Facts:
    try:
        text = path.read_bytes()
    except OSError as error:
        raise FactsDocumentError([f"{path}: cannot read the file: {error.strerror}"]) from None
    return parse_facts_document(text, str(path))


def _path(loc: tuple[int | str, ...]) -> str:
    """``("events", 3, "at")`` → ``"events[3].at: "``; the document itself → ``""``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return f"{text}: " if text else ""


def _message(item: ErrorDetails) -> str:
    if item["type"] == "value_error":  # our own message, without pydantic's prefix
        return str(item.get("ctx", {}).get("error", item["msg"]))
    return str(item["msg"])


def _identity_of(contact: dict[str, JsonValue]) -> Identity:
    has_details = any(contact.get(key) for key in ("email", "phone"))
    return Identity.KNOWN if has_details else Identity.ANONYMOUS


def _utc(moment: AwareDatetime | None) -> AwareDatetime | None:
    return None if moment is None else ensure_utc(moment)
