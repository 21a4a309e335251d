"""Apply ``Idempotency-Key`` to a POST route: replay the stored reply or run and store.

    reply = replay_or_run(state, principal, request, body, key, run)       # events
    reply = run_once(session, principal, request, body, key, run, status)  # lead actions

``run`` returns ``(status, model)`` (or the model, for ``run_once``); the JSON of the
model is what is stored and what a retry gets back, with the header
``Idempotent-Replayed: true``. Events carry keys of their own in the store; a lead
action does not, so ``run_once`` reserves the reply in the action's own transaction
(services/idempotency.py): a retry running while the first request is still at work is
refused whole, and answered from the first one's reply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from leadflow.api.auth import Principal
from leadflow.api.deps import ClockDep, PrincipalDep, WriteSessionDep
from leadflow.api.problems import ProblemError, ProblemKind
from leadflow.api.schemas.common import Str200
from leadflow.api.state import ApiState
from leadflow.services.idempotency import (
    PENDING,
    StoredReply,
    complete_reply,
    find_reply,
    fingerprint,
    reserve_on_commit,
    save_reply,
)

__all__ = ["IdempotencyKey", "Once", "OnceDep", "replay_or_run", "run_once"]

IdempotencyKey = Annotated[
    Str200 | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        description="Send the same value when retrying: the request takes effect once.",
    ),
]


def replay_or_run(
    state: ApiState,
    principal: Principal,
    request: Request,
    body: BaseModel,
    key: str | None,
    run: Callable[[str | None], tuple[int, BaseModel]],
) -> JSONResponse:
    """The stored reply to ``key``, or ``run`` given the request's fingerprint (None
    without a key) and its reply stored."""
    if key is None or principal.key is None:
        status, result = run(None)
        return JSONResponse(result.model_dump(mode="json"), status_code=status)
    print_ = fingerprint(request.method, request.url.path, body.model_dump_json())
    with state.reads() as session:
        stored = find_reply(session, principal.key.id, key)
    if stored is not None:
        return _replayed(stored, print_)
    status, result = run(print_)
    reply = StoredReply(print_, status, result.model_dump(mode="json"))
    with state.writes() as session:
        save_reply(session, principal.key.id, key, reply, state.clock.now())
    return JSONResponse(reply.body, status_code=status)


def run_once(
    session: Session,
    principal: Principal,
    request: Request,
    body: BaseModel,
    key: str | None,
    run: Callable[[], BaseModel],
    status_code: int,
    now: datetime,
) -> JSONResponse:
    """Run a service that commits its own change (``session`` is the one it uses) at
    most once per ``key``: the stored reply, else ``run`` with the reply reserved in its
    commit and then stored. A refusal is answered, not stored (the events' rule too)."""
    if key is None or principal.key is None:
        return JSONResponse(run().model_dump(mode="json"), status_code=status_code)
    api_key_id = principal.key.id
    print_ = fingerprint(request.method, request.url.path, body.model_dump_json())
    stored = find_reply(session, api_key_id, key)
    if stored is not None:
        return _replayed(stored, print_)
    stop_reserving = reserve_on_commit(session, api_key_id, key, print_, now)
    try:
        result = run()
    except Exception:
        # A twin with this key may have acted meanwhile: our commit failed on its
        # reservation (nothing of ours stayed), or the lead's state refused us because of
        # what it did (answered already). Its reply is the answer; else ours stands.
        session.rollback()
        stored = find_reply(session, api_key_id, key)
        if stored is None:
            raise
        return _replayed(stored, print_)
    finally:
        stop_reserving()
    reply = StoredReply(print_, status_code, result.model_dump(mode="json"))
    complete_reply(session, api_key_id, key, reply)
    return JSONResponse(reply.body, status_code=status_code)


def _replayed(stored: StoredReply, request_fingerprint: str) -> JSONResponse:
    if stored.fingerprint != request_fingerprint:
        raise ProblemError(
            ProblemKind.IDEMPOTENCY_KEY_REUSED,
            "this Idempotency-Key was used for a different request; use a new key",
        )
    if stored.status_code == PENDING:
        raise ProblemError(
            ProblemKind.IDEMPOTENCY_PENDING,
            "the request with this Idempotency-Key took effect and its reply is not stored"
            " (it is still running, or was cut off): read the lead instead of retrying",
        )
    headers = {"Idempotent-Replayed": "true"}
    return JSONResponse(stored.body, status_code=stored.status_code, headers=headers)


@dataclass(frozen=True, slots=True)
class Once:
    """What a lead action's route needs to run its service once per Idempotency-Key:
    ``once(body, run, status_code)``. ``session`` is the request's write session, the one
    the service is given."""

    session: Session
    principal: Principal
    request: Request
    key: str | None
    clock_now: datetime

    def __call__(
        self, body: BaseModel, run: Callable[[], BaseModel], status_code: int = 200
    ) -> JSONResponse:
        return run_once(
            self.session,
            self.principal,
            self.request,
            body,
            self.key,
            run,
            status_code,
            self.clock_now,
        )


async def _once(
    request: Request,
    session: WriteSessionDep,
    principal: PrincipalDep,
    clock: ClockDep,
    idempotency_key: IdempotencyKey = None,
) -> Once:
    return Once(session, principal, request, idempotency_key, clock.now())


OnceDep = Annotated[Once, Depends(_once)]
