"""A contact's qualification, recomputed now over its whole history, and why.

``/qualification`` is the verdict (``Qualification.to_dict()``, the shape the CLI shares);
``/qualification/explanation`` adds every point with its rule, event, age and decay.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field, JsonValue

from leadflow.api.auth import allow
from leadflow.api.deps import NowDep, ReadSessionDep
from leadflow.api.problems import problem_responses
from leadflow.api.schemas.common import MAX_ID
from leadflow.domain.clock import moments_in_utc
from leadflow.services.api_keys import Role
from leadflow.services.contact_qualification import qualify_contact

__all__ = ["router"]

router = APIRouter(
    prefix="/contacts/{contact_id}/qualification",
    tags=["qualification"],
    responses=problem_responses(401, 403, 404, 409, 422, 429),
)
ContactId = Annotated[int, Path(ge=1, le=MAX_ID)]
READERS = (Role.MARKETING, Role.SALES)


class QualificationOut(BaseModel):
    contact_id: int
    lifecycle_stage: str | None = Field(
        description="Where the lead is: moves are forward-only, so it may differ from `stage`."
    )
    stage: str | None = Field(description="The furthest stage whose rule holds now.")
    sales_ready: bool
    sales_ready_reason: str
    temperature: str
    lead_type: str
    identity: str
    purchased: bool
    fit: dict[str, JsonValue]
    engagement: dict[str, JsonValue]
    bant: dict[str, JsonValue]
    last_sales_action: dict[str, JsonValue] | None
    definition: dict[str, JsonValue]
    at: str
    explanation: list[str]


@router.get("", dependencies=[allow(*READERS)], summary="The contact's qualification now.")
def get_qualification(
    contact_id: ContactId, session: ReadSessionDep, now: NowDep
) -> QualificationOut:
    return _out(contact_id, session, now, explain=False)


@router.get(
    "/explanation",
    dependencies=[allow(*READERS)],
    summary="The same verdict with every point explained (rule, event, age, decay).",
)
def get_explanation(
    contact_id: ContactId, session: ReadSessionDep, now: NowDep
) -> QualificationOut:
    return _out(contact_id, session, now, explain=True)


def _out(
    contact_id: int, session: ReadSessionDep, now: NowDep, *, explain: bool
) -> QualificationOut:
    found = qualify_contact(session, contact_id, now, explain=explain)
    # The CLI's shape, with its moments written as every API reply writes them.
    document: dict[str, Any] = moments_in_utc(found.qualification.to_dict())
    return QualificationOut(
        contact_id=contact_id, lifecycle_stage=found.lifecycle_stage, **document
    )
