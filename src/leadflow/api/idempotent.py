"""Apply ``Idempotency-Key`` to a POST route: replay the stored reply or run and store.

    reply = replay_or_run(state, principal, request, body, key, run)

``run`` returns ``(status, model)``; the JSON of the model is what is stored and what a
retry gets back, with the header ``Idempotent-Replayed: true``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from leadflow.api.auth import Principal
from leadflow.api.problems import ProblemError, ProblemKind
from leadflow.api.schemas.common import Str200
from leadflow.api.state import ApiState
from leadflow.services.idempotency import StoredReply, find_reply, fingerprint, save_reply

__all__ = ["IdempotencyKey", "replay_or_run"]

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
        if stored.fingerprint != print_:
            raise ProblemError(
                ProblemKind.IDEMPOTENCY_KEY_REUSED,
                "this Idempotency-Key was used for a different request; use a new key",
            )
        headers = {"Idempotent-Replayed": "true"}
        return JSONResponse(stored.body, status_code=stored.status_code, headers=headers)
    status, result = run(print_)
    reply = StoredReply(print_, status, result.model_dump(mode="json"))
    with state.writes() as session:
        save_reply(session, principal.key.id, key, reply, state.clock.now())
    return JSONResponse(reply.body, status_code=status)
