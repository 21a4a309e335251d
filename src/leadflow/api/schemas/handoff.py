"""Hand-off bodies: the sales team, the queue, sales' answers, attempts and deals."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from leadflow.api.schemas.common import NoNul, Str100, Str200, Str500
from leadflow.api.schemas.events import Instant
from leadflow.domain.vocabulary import AttemptChannel, AttemptOutcome, ConversationOutcome
from leadflow.services.bant import EVIDENCE_MAX
from leadflow.services.queue import QueueItem
from leadflow.services.reps import RepView

__all__ = [
    "AbsenceCreate",
    "AcceptBody",
    "AnswerPublic",
    "AttemptBody",
    "BantBody",
    "BantPublic",
    "CloseBody",
    "ConversationBody",
    "DealCreate",
    "DealPublic",
    "HolidaysBody",
    "LoseBody",
    "OwnBody",
    "PublicHolidaysBody",
    "QueueItemPublic",
    "RejectBody",
    "RepCreate",
    "RepPublic",
    "RepReportPublic",
    "RepUpdate",
    "StageBody",
    "SweepPublic",
    "TeamCreate",
    "TeamPublic",
    "WinBody",
    "WorkPublic",
]

Key = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$"), NoNul]
Note = Annotated[str, StringConstraints(max_length=2000), NoNul]
Evidence = Annotated[str, StringConstraints(max_length=EVIDENCE_MAX), NoNul]
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2100, 12, 31))]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TeamCreate(_Body):
    key: Key = Field(description="What routing rules name, e.g. `benelux`.")
    name: Str200 | None = None
    time_zone: Str100 = Field(description="IANA time zone, e.g. `Europe/Amsterdam`.")
    working_hours: Str500 = Field(
        default="mon-fri 09:00-17:00", description="e.g. `mon-fri 08:30-12:00,13:00-17:30`."
    )
    holidays: list[Day] = Field(default_factory=list, max_length=366)


class HolidaysBody(_Body):
    days: list[Day] = Field(min_length=1, max_length=366)
    name: Str200 | None = None


class PublicHolidaysBody(_Body):
    country: Str100 = Field(description="ISO code or English name, e.g. `NO`, `Germany`.")
    subdivision: Str100 | None = Field(
        default=None, description="A region with its own holidays too, e.g. `BY` (Bavaria)."
    )
    years: list[int] = Field(min_length=1, max_length=5, description="e.g. `[2027]`.")


class TeamPublic(BaseModel):
    key: str
    name: str
    time_zone: str
    working_hours: str
    holidays: list[date]


class RepCreate(_Body):
    key: Key = Field(description="The rep's key: what hand-offs name as owner.")
    team: Key
    capacity: int = Field(ge=0, le=10_000, description="Leads worked at once; round-robin weight.")
    name: Str200 | None = None
    email: Str200 | None = None


class RepUpdate(_Body):
    capacity: int | None = Field(default=None, ge=0, le=10_000)
    active: bool | None = None


class RepPublic(BaseModel):
    key: str
    name: str
    email: str | None
    team: str
    capacity: int
    active: bool
    load: int = Field(description="Leads held and not closed.")
    absent: bool = Field(description="Away right now.")

    @classmethod
    def of(cls, view: RepView) -> RepPublic:
        rep = view.rep
        return cls(
            key=rep.key,
            name=rep.name,
            email=rep.email,
            team=view.team.key,
            capacity=rep.capacity,
            active=rep.active,
            load=view.load,
            absent=view.absent,
        )


class AbsenceCreate(_Body):
    first_day: Day
    last_day: Day
    reason: Str200 | None = None


class OwnBody(_Body):
    account: Str200 = Field(description="The account's id or domain.")


class QueueItemPublic(BaseModel):
    contact_id: int
    handoff_id: int
    rep: str | None
    email: str | None
    name: str
    company: str | None
    status: str
    handed_off_at: datetime
    rule: str | None = Field(description="The routing rule that chose the owner.")
    trigger: str | None = Field(description="The sales action that made the lead sales-ready.")
    why: list[str] = Field(description="Marketing's explanation of the qualification.")
    attempts: int
    next_action: str
    due_at: datetime | None
    overdue: bool
    customer: bool = Field(
        description="The contact is a customer now (a deal won meanwhile): reject or close"
        " the lead, which records that they stay one, rather than work it."
    )
    phone: str | None = Field(
        default=None,
        description="The number to call (E.164); null when there is none or the person"
        " withdrew phone consent (or the number bounced).",
    )

    @classmethod
    def of(cls, item: QueueItem) -> QueueItemPublic:
        return cls.model_validate({**asdict(item), "why": list(item.why)})


class AcceptBody(_Body):
    rep: Key | None = Field(default=None, description="The acting rep; default the owner.")


class RejectBody(AcceptBody):
    reason: Str100 = Field(description="A reject reason code of the definition.")
    note: Note | None = None


class AnswerPublic(BaseModel):
    contact_id: int
    handoff_id: int
    rep: str
    stage: str | None
    late: bool = Field(description="The answer came after the accept SLA (a breach).")


_WHEN = (
    "When it happened, with a time zone (a CRM's activity logged after the fact); default:"
    " now. Not before the lead was handed off, nor more than a day ahead."
)


class AttemptBody(AcceptBody):
    channel: AttemptChannel
    outcome: AttemptOutcome
    note: Note | None = None
    at: Instant | None = Field(default=None, description=_WHEN)


class ConversationBody(AcceptBody):
    outcome: ConversationOutcome
    note: Note | None = None
    at: Instant | None = Field(default=None, description=_WHEN)


class BantBody(AcceptBody):
    criterion: Literal["budget", "authority", "need", "timing"]
    met: bool | None = Field(
        description="true: met; false: not met; null: unknown again (the latest statement"
        " counts, and a statement wins over the definition's BANT rules)."
    )
    evidence: Evidence | None = Field(default=None, description="What was said, by whom.")


class BantPublic(BaseModel):
    contact_id: int
    criterion: str
    met: bool | None
    stage: str | None = Field(description="Where the lead stands after re-qualification.")


class CloseBody(AcceptBody):
    reason: Str500 = Field(min_length=1, description="e.g. unresponsive, not_interested.")
    disqualify: bool = False


class WorkPublic(BaseModel):
    contact_id: int
    handoff_id: int
    rep: str
    attempts: int
    connected: bool
    next_attempt_due_at: datetime | None
    next_channel: str | None
    closed: bool
    outcome: str | None
    under_worked: bool
    late: bool


class DealCreate(AcceptBody):
    amount: float | None = Field(default=None, ge=0, le=1e15, allow_inf_nan=False)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")] | None = None
    expected_close: Day | None = None
    products: list[Str100] = Field(default_factory=list, max_length=50)
    name: Str200 | None = None


class StageBody(AcceptBody):
    stage: Str100


class WinBody(AcceptBody):
    reason: Str500 | None = None


class LoseBody(AcceptBody):
    reason: Str100 = Field(description="A lost reason code of the definition.")
    note: Note | None = None


class DealPublic(BaseModel):
    id: int
    contact_id: int | None = Field(
        description="The deal's person; none for a company's deal imported from a CRM."
    )
    account_id: int | None = None
    external_id: str | None = Field(
        default=None, description="The deal's id in the CRM it was imported from."
    )
    owner: str | None
    status: str
    stage: str
    amount: float | None
    currency: str | None
    expected_close: date | None
    products: list[str]
    created_at: datetime
    closed_at: datetime | None
    lost_reason: str | None
    won_reason: str | None
    contact_stage: str | None = Field(default=None, description="The contact's funnel stage.")


class SweepPublic(BaseModel):
    breaches: int
    reassigned: int
    cadences_ended: int


class RepReportPublic(BaseModel):
    rep: str
    handed_off: int
    accepted: int
    rejected: int
    rejected_by_reason: dict[str, int]
    breaches: dict[str, int] = Field(description="SLA breaches by kind: accept, first_touch.")
    closed_unreached: int
    attempts_before_giving_up: float | None = Field(
        description="Mean attempts on leads closed without ever reaching the person."
    )
    under_worked: int
    won: int
    lost: int
