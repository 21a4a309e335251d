"""The suppression list (admin): erased people who are not to be re-added.

A list shows counts, moments and reasons, never an address: the list holds only keyed
hashes. Checking and lifting take the address (or phone) in the body, not the path,
so it reaches no access log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field, model_validator

from leadflow.api.auth import allow
from leadflow.api.deps import NowDep, PrincipalDep, ReadSessionDep, WriteSessionDep
from leadflow.api.problems import problem_responses
from leadflow.api.schemas.common import Cursor, Limit, Str100, Str200, decode_cursor, next_cursor
from leadflow.services import suppression

__all__ = ["router"]

router = APIRouter(
    prefix="/suppressions",
    tags=["gdpr"],
    responses=problem_responses(401, 403, 422, 429),
)


class SuppressionPublic(BaseModel):
    id: int
    kind: str = Field(description="email or phone: what was suppressed (never the value).")
    reason: str = Field(description="erasure (GDPR art. 17) or objection (art. 21).")
    suppressed_at: datetime
    lifted_at: datetime | None
    lifted_by: str | None = Field(description="key:<name>, cli, or form:<id> (their own post).")
    lift_reason: str | None


class SuppressionPage(BaseModel):
    in_force: int = Field(description="Suppressions in force.")
    lifted: int = Field(description="Suppressions lifted since (kept on record).")
    items: list[SuppressionPublic]
    next_cursor: str | None


class Named(BaseModel):
    """An address and/or a phone number (international form, +<country>...)."""

    email: Str200 | None = None
    phone: Str100 | None = None

    @model_validator(mode="after")
    def _names_something(self) -> Named:
        if self.email is None and self.phone is None:
            raise ValueError("give an e-mail address or a phone number")
        return self


class LiftRequest(Named):
    reason: Annotated[Str200, Field(min_length=1, pattern=r"\S")] = Field(
        description="Why it is lifted (on record; do not write the person's name)."
    )


class InForce(BaseModel):
    kind: str
    reason: str
    suppressed_at: datetime


class CheckResult(BaseModel):
    suppressed: bool
    items: list[InForce] = Field(description="The suppressions in force for what was given.")


class LiftResult(BaseModel):
    lifted: int = Field(description="Suppressions lifted (an address and a phone: two).")


@router.get("", dependencies=[allow()], summary="List the suppressions (never an address).")
def list_suppressions(
    session: ReadSessionDep, cursor: Cursor = None, limit: Limit = 50
) -> SuppressionPage:
    found = suppression.list_suppressions(session, after=decode_cursor(cursor), limit=limit)
    items = [
        SuppressionPublic(
            id=row.id,
            kind=row.kind,
            reason=row.reason,
            suppressed_at=row.suppressed_at,
            lifted_at=row.lifted_at,
            lifted_by=row.lifted_by,
            lift_reason=row.lift_reason,
        )
        for row in found.rows
    ]
    return SuppressionPage(
        in_force=found.in_force,
        lifted=found.lifted,
        items=items,
        next_cursor=next_cursor([row.id for row in found.rows], limit),
    )


@router.post(
    "/check",
    dependencies=[allow()],
    summary="Is this e-mail address or phone number suppressed?",
)
def check(body: Named, session: ReadSessionDep) -> CheckResult:
    found = suppression.check_suppressed(session, email=body.email, phone=body.phone)
    items = [InForce(kind=f.kind, reason=f.reason, suppressed_at=f.suppressed_at) for f in found]
    return CheckResult(suppressed=bool(items), items=items)


@router.post(
    "/lift",
    dependencies=[allow()],
    responses=problem_responses(404),
    summary="Lift the suppression of an address or phone (recorded; 404 when none).",
)
def lift(
    body: LiftRequest, session: WriteSessionDep, now: NowDep, principal: PrincipalDep
) -> LiftResult:
    by = f"key:{principal.key.name}" if principal.key is not None else "admin"
    lifted = suppression.lift(
        session, email=body.email, phone=body.phone, by=by, why=body.reason, now=now
    )
    session.commit()
    return LiftResult(lifted=lifted)
