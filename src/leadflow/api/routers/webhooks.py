"""Webhook subscriptions (admin): create, list, read, deactivate, and the delivery log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from leadflow.api.auth import allow
from leadflow.api.deps import NowDep, ReadSessionDep, WriteSessionDep
from leadflow.api.problems import problem_responses
from leadflow.api.schemas.common import (
    MAX_ID,
    Cursor,
    Limit,
    Page,
    Str500,
    decode_cursor,
    next_cursor,
)
from leadflow.services import webhooks
from leadflow.services.webhooks import DeliveryLog, Subscription

__all__ = ["router"]

router = APIRouter(
    prefix="/webhooks", tags=["webhooks"], responses=problem_responses(401, 403, 422, 429)
)
SubscriptionId = Annotated[int, Path(ge=1, le=MAX_ID)]
# Written out for the OpenAPI document's enum; a test holds it equal to outbox.KINDS.
Kind = Literal[
    "stage.changed",
    "lead.sales_ready",
    "lead.handed_off",
    "handoff.assigned",
    "handoff.sla_breached",
    "handoff.sla_breach_withdrawn",
    "contact.merged",
    "contact.erased",
    "form.confirmation_requested",
]


class SubscriptionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=8, max_length=2000, pattern=r"^https?://[^\s\x00]+$")
    kinds: list[Kind] = Field(min_length=1, max_length=len(get_args(Kind)))
    description: Str500 | None = None


class SubscriptionPublic(BaseModel):
    id: int
    url: str
    kinds: list[str]
    description: str | None
    active: bool
    created_at: datetime

    @classmethod
    def of(cls, found: Subscription) -> SubscriptionPublic:
        return cls(
            id=found.id,
            url=found.url,
            kinds=list(found.kinds),
            description=found.description,
            active=found.active,
            created_at=found.created_at,
        )


class SubscriptionCreated(SubscriptionPublic):
    secret: str = Field(description="Signs every payload (HMAC-SHA256). Shown once.")


class AttemptOut(BaseModel):
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: float


class DeliveryOut(BaseModel):
    id: int
    message_id: str
    kind: str
    status: str
    attempts: int
    next_attempt_at: datetime | None = Field(
        description="When the worker tries again: pending deliveries only (null once"
        " delivered, failed or cancelled)."
    )
    delivered_at: datetime | None
    tries: list[AttemptOut]

    @classmethod
    def of(cls, log: DeliveryLog) -> DeliveryOut:
        return cls(
            id=log.id,
            message_id=log.message_id,
            kind=log.kind,
            status=log.status,
            attempts=log.attempts,
            # The column also holds a settled delivery's last lease, which no attempt
            # follows: a client reading it would wait for a retry that never comes.
            next_attempt_at=log.next_attempt_at if log.status == "pending" else None,
            delivered_at=log.delivered_at,
            tries=[_attempt(try_) for try_ in log.tries],
        )


def _attempt(try_: webhooks.AttemptLog) -> AttemptOut:
    return AttemptOut(
        at=try_.at, status_code=try_.status_code, error=try_.error, duration_ms=try_.duration_ms
    )


@router.post("", status_code=201, dependencies=[allow()], summary="Subscribe a URL to kinds.")
def create_subscription(
    body: SubscriptionCreate, session: WriteSessionDep, now: NowDep
) -> SubscriptionCreated:
    found = webhooks.create_subscription(
        session, body.url, body.kinds, now, description=body.description
    )
    return SubscriptionCreated(**SubscriptionPublic.of(found).model_dump(), secret=found.secret)


@router.get("", dependencies=[allow()], summary="List subscriptions (without secrets).")
def list_subscriptions(session: ReadSessionDep) -> list[SubscriptionPublic]:
    return [SubscriptionPublic.of(found) for found in webhooks.list_subscriptions(session)]


@router.get(
    "/{subscription_id}",
    dependencies=[allow()],
    responses=problem_responses(404),
    summary="Read a subscription.",
)
def get_subscription(
    subscription_id: SubscriptionId, session: ReadSessionDep
) -> SubscriptionPublic:
    return SubscriptionPublic.of(webhooks.get_subscription(session, subscription_id))


@router.delete(
    "/{subscription_id}",
    dependencies=[allow()],
    responses=problem_responses(404),
    summary="Stop a subscription: pending deliveries are cancelled; the log stays readable.",
)
def deactivate_subscription(
    subscription_id: SubscriptionId, session: WriteSessionDep
) -> SubscriptionPublic:
    return SubscriptionPublic.of(webhooks.deactivate_subscription(session, subscription_id))


@router.get(
    "/{subscription_id}/deliveries",
    dependencies=[allow()],
    responses=problem_responses(400, 404),
    summary="The delivery log, newest first: every message, its status and each attempt.",
)
def list_deliveries(
    subscription_id: SubscriptionId,
    session: ReadSessionDep,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[DeliveryOut]:
    found = webhooks.delivery_log(
        session, subscription_id, after=decode_cursor(cursor), limit=limit
    )
    return Page(
        items=[DeliveryOut.of(log) for log in found],
        next_cursor=next_cursor([log.id for log in found], limit),
    )
