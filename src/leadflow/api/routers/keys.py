"""API keys over HTTP (admin only): list, create (the secret is in this reply only), revoke."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from leadflow.api.auth import allow
from leadflow.api.deps import NowDep, ReadSessionDep, StateDep, WriteSessionDep
from leadflow.api.problems import problem_responses
from leadflow.api.schemas.common import NoNul
from leadflow.services import api_keys
from leadflow.services.api_keys import KeyInfo, Role

__all__ = ["router"]

router = APIRouter(prefix="/keys", tags=["keys"], responses=problem_responses(401, 403, 429))

KeyId = Annotated[int, Path(ge=1, le=2**62)]


class KeyCreate(BaseModel):
    # No NUL: PostgreSQL's text refuses it, which made such a name a 500 there.
    name: Annotated[str, NoNul] = Field(min_length=1, max_length=100, pattern=r"\S")
    role: Role
    rep: Annotated[str, NoNul] | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="A sales key for this rep (its key): it acts as the rep, on their leads only.",
    )


class KeyPublic(BaseModel):
    id: int
    name: str
    role: Role
    prefix: str = Field(description="The key's first characters, to recognise it.")
    created_at: datetime
    revoked_at: datetime | None
    rep: str | None = Field(description="The rep a bound sales key acts as; null: unbound.")

    @classmethod
    def of(cls, key: KeyInfo) -> KeyPublic:
        return cls(
            id=key.id,
            name=key.name,
            role=key.role,
            prefix=key.prefix,
            created_at=key.created_at,
            revoked_at=key.revoked_at,
            rep=key.rep,
        )


class KeyIssued(KeyPublic):
    secret: str = Field(description="The key itself. Shown once: store it now.")


@router.get("", dependencies=[allow()], summary="List API keys (never their secrets).")
def list_keys(session: ReadSessionDep) -> list[KeyPublic]:
    return [KeyPublic.of(key) for key in api_keys.list_keys(session)]


@router.post(
    "",
    status_code=201,
    dependencies=[allow()],
    responses=problem_responses(404, 409, 422),
    summary="Create a key; its secret is in this reply and nowhere else.",
)
def create_key(body: KeyCreate, session: WriteSessionDep, now: NowDep) -> KeyIssued:
    issued = api_keys.create_key(session, body.name, body.role, now, rep=body.rep)
    return KeyIssued(**KeyPublic.of(issued.info).model_dump(), secret=issued.secret)


@router.delete(
    "/{key_id}",
    dependencies=[allow()],
    responses=problem_responses(404, 422),
    summary="Revoke a key; it stops working at once on this server.",
)
def revoke_key(key_id: KeyId, session: WriteSessionDep, now: NowDep, state: StateDep) -> KeyPublic:
    key = api_keys.revoke_key(session, key_id, now)
    state.keys.forget(key.id)
    return KeyPublic.of(key)
