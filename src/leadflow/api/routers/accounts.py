"""Accounts: create, read, update, list by industry or country."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from sqlalchemy.orm import Session

from leadflow.api.auth import allow
from leadflow.api.deps import NowDep, ReadSessionDep, WriteSessionDep
from leadflow.api.problems import ProblemError, ProblemKind, problem_responses
from leadflow.api.schemas.accounts import AccountCreate, AccountPublic, AccountUpdate
from leadflow.api.schemas.common import (
    MAX_ID,
    Cursor,
    Limit,
    Page,
    Str100,
    Str200,
    decode_cursor,
    next_cursor,
)
from leadflow.services import accounts
from leadflow.services.api_keys import Role
from leadflow.services.refusals import TakenError
from leadflow.store.models import Account

__all__ = ["router"]

router = APIRouter(
    prefix="/accounts", tags=["accounts"], responses=problem_responses(401, 403, 422, 429)
)

AccountId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post(
    "",
    status_code=201,
    dependencies=[allow(Role.MARKETING)],
    responses=problem_responses(409),
    summary="Create an account (409 when its domain is taken).",
)
def create_account(
    body: AccountCreate, request: Request, session: WriteSessionDep, now: NowDep
) -> AccountPublic:
    values = body.model_dump(exclude_none=True)
    try:
        return _public(session, [accounts.create_account(session, values, now)])[0]
    except TakenError as error:
        raise _taken(request, error) from None


@router.get(
    "",
    dependencies=[allow(Role.MARKETING, Role.SALES)],
    responses=problem_responses(400),
    summary="List accounts.",
)
def list_accounts(
    session: ReadSessionDep,
    industry: Annotated[Str200 | None, Query()] = None,
    country: Annotated[Str100 | None, Query(description="A name or ISO code.")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[AccountPublic]:
    found = accounts.list_accounts(
        session, industry=industry, country=country, after=decode_cursor(cursor), limit=limit
    )
    return Page(
        items=_public(session, found),
        next_cursor=next_cursor([account.id for account in found], limit),
    )


@router.get(
    "/{account_id}",
    dependencies=[allow(Role.MARKETING, Role.SALES)],
    responses=problem_responses(404),
    summary="Read an account.",
)
def get_account(account_id: AccountId, session: ReadSessionDep) -> AccountPublic:
    return _public(session, [accounts.get_account(session, account_id)])[0]


@router.patch(
    "/{account_id}",
    dependencies=[allow(Role.MARKETING)],
    responses=problem_responses(404, 409),
    summary="Change some of an account's values.",
)
def update_account(
    account_id: AccountId,
    body: AccountUpdate,
    request: Request,
    session: WriteSessionDep,
    now: NowDep,
) -> AccountPublic:
    values = body.model_dump(exclude_none=True)
    try:
        return _public(session, [accounts.update_account(session, account_id, values, now)])[0]
    except TakenError as error:
        raise _taken(request, error) from None


def _taken(request: Request, error: TakenError) -> ProblemError:
    """409 naming the account that has the domain, as a contact's taken address is named:
    ``existing_id`` and ``Location``, where a sync reads or updates it instead."""
    where = str(request.url_for("get_account", account_id=error.holder_id))
    return ProblemError(
        ProblemKind.CONFLICT, str(error), headers={"Location": where}, existing_id=error.holder_id
    )


def _public(session: Session, found: Sequence[Account]) -> list[AccountPublic]:
    """The accounts as the API shows them, with their ids per CRM (one query)."""
    ids = accounts.external_ids(session, [account.id for account in found])
    return [
        AccountPublic.model_validate(account).model_copy(update={"ids": ids.get(account.id, {})})
        for account in found
    ]
