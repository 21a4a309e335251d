"""Event bodies: ``EventIn`` (one event), ``EventBatch`` (up to 1,000), per-item results."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from leadflow.api.schemas.common import MAX_ID, Document, Str100, Str200
from leadflow.services.events import IncomingEvent, Outcome, Recorded, Suppressed

__all__ = ["MAX_BATCH", "BatchResult", "EventBatch", "EventIn", "EventResult", "TransitionOut"]

MAX_BATCH = 1000


def _utc(moment: datetime) -> datetime:
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("the instant is out of range once converted to UTC") from None


def _external_id(value: str) -> str:
    # The store reads a string of digits as a leadflow id: keep it an ASCII id in range.
    if value.isdigit() and not (value.isascii() and 1 <= int(value) <= MAX_ID):
        raise ValueError(f"a numeric contact_id must be between 1 and {MAX_ID}")
    return value


Instant = Annotated[AwareDatetime, AfterValidator(_utc)]
ContactRef = (
    Annotated[int, Field(ge=1, le=MAX_ID)] | Annotated[Str200, AfterValidator(_external_id)]
)


class EventIn(BaseModel):
    """Something a person did. Name who with ``contact_id``, ``email`` or ``visitor_id``."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(
        pattern=r"^[a-z][a-z0-9_]{0,99}$", description="snake_case, e.g. demo_request."
    )
    at: Instant | None = Field(default=None, description="With a time zone; default: now.")
    key: Str200 | None = Field(
        default=None, min_length=1, description="Idempotency key, unique within `source`."
    )
    source: Str100 = Field(default="api", min_length=1, description="Who sends the event.")
    contact_id: ContactRef | None = Field(
        default=None, description="A leadflow id, or the contact's id in its source CRM."
    )
    email: Str200 | None = None
    visitor_id: Str200 | None = Field(default=None, min_length=1)
    properties: Document = Field(default_factory=dict)

    def incoming(self, now: datetime, key: str | None) -> IncomingEvent:
        return IncomingEvent(
            type=self.type,
            at=self.at or now,
            key=self.key or key,
            source=self.source,
            email=self.email,
            visitor_id=self.visitor_id,
            contact_id=self.contact_id,
            properties=self.properties,
        )


class EventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[EventIn] = Field(min_length=1, max_length=MAX_BATCH)


class TransitionOut(BaseModel):
    from_stage: str | None
    to_stage: str
    at: datetime
    reason: str
    rule: str | None
    actor: str | None
    definition_version: str | None


class EventResult(BaseModel):
    index: int = Field(description="Position in the batch (0 for a single event).")
    status: Literal["stored", "duplicate", "rejected", "suppressed"] = Field(
        description="suppressed: acknowledged, nothing stored (an erased person's e-mail)."
    )
    event_id: int | None = None
    contact_id: int | None = None
    stage: str | None = None
    sales_ready: bool = False
    contact_created: bool = False
    transitions: list[TransitionOut] = Field(default_factory=list)
    reason: str | None = Field(
        default=None, description="Why a rejected event was refused, or not stored."
    )

    @classmethod
    def of(cls, index: int, outcome: Outcome) -> EventResult:
        if isinstance(outcome, Suppressed):
            return cls(index=index, status="suppressed", reason=outcome.reason)
        if not isinstance(outcome, Recorded):
            return cls(index=index, status="rejected", reason=outcome.reason)
        return cls(
            index=index,
            status="duplicate" if outcome.duplicate else "stored",
            event_id=outcome.event_id,
            contact_id=outcome.contact_id,
            stage=outcome.stage,
            sales_ready=outcome.sales_ready,
            contact_created=outcome.contact_created,
            transitions=[
                TransitionOut(
                    from_stage=move.from_stage,
                    to_stage=move.to_stage,
                    at=move.at,
                    reason=move.reason,
                    rule=move.rule,
                    actor=move.actor,
                    definition_version=move.definition_version,
                )
                for move in outcome.transitions
            ],
        )


class BatchResult(BaseModel):
    stored: int
    duplicate: int
    rejected: int
    suppressed: int = Field(description="Acknowledged, nothing stored (erased people).")
    results: list[EventResult]
