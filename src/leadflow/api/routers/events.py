"""Events in: one at a time, or batches of up to 1,000 with a result per event.

Both go through the store's real-time path (``services.events``): stored once per
``(source, key)``, attributed, re-qualified, moves written to the ledger, all in one
transaction per event (single) or per batch (group commit). ``Idempotency-Key`` makes a
retried POST take effect once; in a batch, events without their own ``key`` get
a key derived from the header and the request's content (``<Idempotency-Key>~<digest>:<index>``,
``services.idempotency.derived_event_key``), so even the store sees a retry as the same
events, and another request reusing the header (once its reply is pruned) as other ones.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from leadflow.api.auth import allow, principal_of
from leadflow.api.idempotent import IdempotencyKey, replay_or_run
from leadflow.api.problems import ProblemError, ProblemKind, problem_responses
from leadflow.api.schemas.events import (
    BatchResult,
    EventBatch,
    EventIn,
    EventResult,
    MalformedEvent,
)
from leadflow.api.state import ApiState
from leadflow.services.api_keys import Role
from leadflow.services.definitions import NoActiveDefinitionError
from leadflow.services.events import IncomingEvent, Outcome, Rejected
from leadflow.services.idempotency import derived_event_key

__all__ = ["reply_batch", "reply_single", "router"]

router = APIRouter(
    prefix="/events", tags=["events"], responses=problem_responses(401, 403, 409, 422, 429)
)
WRITERS = (Role.MARKETING, Role.INGEST)


@router.post(
    "",
    status_code=201,
    response_model=EventResult,
    dependencies=[allow(*WRITERS)],
    responses={
        200: {"description": "Already stored (a duplicate)", "model": EventResult},
        202: {"description": "Acknowledged, not stored: an erased person", "model": EventResult},
    },
    summary="Record one event: 201 stored, 200 a duplicate, 202 suppressed, 422 refused.",
)
async def post_event(
    body: EventIn, request: Request, idempotency_key: IdempotencyKey = None
) -> Response:
    # The hot path: state and caller are read off the request, not through dependencies.
    state: ApiState = request.app.state.leadflow
    principal = principal_of(request)
    if idempotency_key is None or principal.key is None:
        return await reply_single(state, body)

    def run(request_print: str | None) -> tuple[int, EventResult]:
        return _single(_record_one(state, body, _event_key(idempotency_key, request_print)))

    return await run_in_threadpool(
        replay_or_run, state, principal, request, body, idempotency_key, run
    )


@router.post(
    "/batch",
    response_model=BatchResult,
    dependencies=[allow(*WRITERS)],
    summary="Record up to 1,000 events in one transaction, with a result for each.",
)
async def post_batch(
    body: EventBatch, request: Request, idempotency_key: IdempotencyKey = None
) -> Response:
    state: ApiState = request.app.state.leadflow
    principal = principal_of(request)
    if idempotency_key is None or principal.key is None:
        return await reply_batch(state, body)

    def run(request_print: str | None) -> tuple[int, BatchResult]:
        return _batch(_record_batch(state, body, idempotency_key, request_print))

    return await run_in_threadpool(
        replay_or_run, state, principal, request, body, idempotency_key, run
    )


async def reply_single(state: ApiState, body: EventIn) -> Response:
    """Record one event with no reply to store (also the fast lane's, fastlane.py): wait
    for the group commit on the event loop, no thread hop."""
    [outcome] = await _recorded_async(state, [body.incoming(state.clock.now(), None)])
    status, result = _single(outcome)
    return _json(result, status)


async def reply_batch(state: ApiState, body: EventBatch) -> Response:
    """Record a batch with no reply to store, as ``reply_single``."""
    now = state.clock.now()
    events = _events_of(body)
    outcomes = await _recorded_async(state, [event.incoming(now, None) for event in events])
    return _json(_batch(_in_place(body, outcomes))[1])


def _single(outcome: Outcome) -> tuple[int, EventResult]:
    result = EventResult.of(0, outcome)
    if result.status == "rejected":
        field = outcome.field if isinstance(outcome, Rejected) else None
        errors = None  # the field at fault, as a schema error names it
        if field is not None:
            errors = [{"loc": ["body", field], "msg": result.reason, "type": "value_error"}]
        raise ProblemError(ProblemKind.VALIDATION, result.reason, errors=errors)
    status = {"stored": 201, "suppressed": 202}.get(result.status, 200)
    return status, result


def _batch(outcomes: list[Outcome]) -> tuple[int, BatchResult]:
    results = [EventResult.of(index, outcome) for index, outcome in enumerate(outcomes)]
    counts = dict.fromkeys(("stored", "duplicate", "rejected", "suppressed"), 0)
    for result in results:
        counts[result.status] += 1
    return 200, BatchResult(**counts, results=results)


def _json(model: BaseModel, status: int = 200) -> Response:
    # pydantic writes the JSON itself: no dict of the reply in between, as JSONResponse needs.
    return Response(model.model_dump_json(), status_code=status, media_type="application/json")


def _record_one(state: ApiState, body: EventIn, key: str | None) -> Outcome:
    [outcome] = _recorded(state, [body.incoming(state.clock.now(), key)])
    return outcome


def _record_batch(
    state: ApiState, body: EventBatch, key: str | None, request_print: str | None
) -> list[Outcome]:
    now = state.clock.now()
    base = _event_key(key, request_print)  # the request's part, hashed once per batch
    incoming = [
        event.incoming(now, None if base is None else f"{base}:{index}")
        for index, event in enumerate(body.events)
        if isinstance(event, EventIn)
    ]
    return _in_place(body, _recorded(state, incoming))


def _events_of(body: EventBatch) -> list[EventIn]:
    return [event for event in body.events if isinstance(event, EventIn)]


def _in_place(body: EventBatch, outcomes: list[Outcome]) -> list[Outcome]:
    """The outcomes of the batch's events, with its malformed items rejected where they
    stood (``outcomes`` are those of its events, in order)."""
    recorded = iter(outcomes)
    return [
        Rejected(item.reason) if isinstance(item, MalformedEvent) else next(recorded)
        for item in body.events
    ]


def _event_key(key: str | None, request_print: str | None) -> str | None:
    """The key of an event without its own sent under ``Idempotency-Key: key`` (in a
    batch, followed by ``:<index>``)."""
    if key is None or request_print is None:
        return None
    return derived_event_key(key, request_print)


def _recorded(state: ApiState, incoming: list[IncomingEvent]) -> list[Outcome]:
    if not incoming:  # a batch of malformed items only
        return []
    try:
        outcomes = state.recorders.record(incoming)
    except NoActiveDefinitionError as error:
        raise ProblemError(ProblemKind.CONFLICT, str(error)) from None
    state.metrics.counted(outcomes)
    return outcomes


async def _recorded_async(state: ApiState, incoming: list[IncomingEvent]) -> list[Outcome]:
    if not incoming:
        return []
    try:
        outcomes = await state.recorders.record_async(incoming)
    except NoActiveDefinitionError as error:
        raise ProblemError(ProblemKind.CONFLICT, str(error)) from None
    state.metrics.counted(outcomes)
    return outcomes
