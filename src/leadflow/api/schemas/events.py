"""Event bodies: ``EventIn`` (one event), ``EventBatch`` (up to 1,000), per-item results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from leadflow.api.schemas.common import MAX_ID, Document, Str100, Str200
from leadflow.services.events import IncomingEvent, Outcome, Recorded, Suppressed

__all__ = [
    "MAX_BATCH",
    "BatchResult",
    "EventBatch",
    "EventIn",
    "EventResult",
    "MalformedEvent",
    "TransitionOut",
]

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

    @model_validator(mode="before")
    @classmethod
    def _not_a_batch(cls, data: Any) -> Any:
        # The likeliest mistake of a first integration: the batch's body sent to /events.
        if isinstance(data, dict) and "events" in data and "type" not in data:
            raise ValueError("this is a batch's body: send it to POST /events/batch")
        return data

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


@dataclass(frozen=True, slots=True)
class MalformedEvent:
    """An item of a batch that is not an event by the schema, and why: it is answered
    ``rejected`` in its place while the batch's other events are recorded."""

    reason: str


class EventBatch(BaseModel):
    # A tracking tool that sends one bad item must not lose the other 999 (their sender
    # would drop or retry the whole batch): only the envelope's faults refuse the batch.
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    events: list[EventIn | SkipJsonSchema[MalformedEvent]] = Field(
        min_length=1, max_length=MAX_BATCH
    )

    @field_validator("events", mode="wrap")
    @classmethod
    def _each_event_alone(
        cls, items: Any, handler: ValidatorFunctionWrapHandler
    ) -> list[EventIn | MalformedEvent]:
        try:
            return handler(items)  # type: ignore[no-any-return]
        except ValidationError as error:
            if not isinstance(items, list) or not all(_in_an_item(e) for e in error.errors()):
                raise
        return [_one_event(item) for item in items]


def _in_an_item(error: Any) -> bool:
    location = error["loc"]
    return bool(location) and isinstance(location[0], int)


def _one_event(item: Any) -> EventIn | MalformedEvent:
    if not isinstance(item, dict):
        return MalformedEvent(f"an event is a JSON object, not {_json_kind(item)}")
    try:
        return EventIn.model_validate(item)
    except ValidationError as error:
        return MalformedEvent(_reason(error))


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    kinds = {str: "a string", int: "a number", float: "a number", list: "an array"}
    return kinds.get(type(value), type(value).__name__)


def _reason(error: ValidationError) -> str:
    """``at: Input should be ...; type: ...``: where in the event, then what is wrong."""
    parts = []
    for each in error.errors(include_url=False):
        where = ".".join(str(part) for part in each["loc"])
        parts.append(f"{where}: {each['msg']}" if where else str(each["msg"]))
    return "; ".join(parts)


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
