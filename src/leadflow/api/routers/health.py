"""Liveness and metrics: ``/healthz`` for load balancers, ``/metrics`` for Prometheus."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from leadflow.api.auth import PUBLIC, allow
from leadflow.api.deps import ReadSessionDep, StateDep
from leadflow.api.metrics import METRICS_MEDIA_TYPE
from leadflow.api.outage import RETRY_AFTER
from leadflow.api.problems import ProblemError, ProblemKind, problem_responses

__all__ = ["router"]

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    database: str


@router.get(
    "/healthz",
    dependencies=[PUBLIC],
    responses=problem_responses(429, 503),
    summary="Is the server up and its database reachable?",
)
@router.head(
    "/healthz",
    dependencies=[PUBLIC],
    responses=problem_responses(429, 503),
    summary="The same check for uptime monitors that send HEAD (no body).",
)
def healthz(session: ReadSessionDep) -> Health:
    """GET and HEAD (uptime monitors send HEAD by default; the server sends no body)."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        raise ProblemError(
            ProblemKind.UNAVAILABLE,
            "the database does not answer",
            headers={"Retry-After": str(RETRY_AFTER)},
        ) from None
    return Health(status="ok", database="ok")


@router.get(
    "/metrics",
    dependencies=[allow()],
    response_class=Response,
    responses={
        200: {"content": {METRICS_MEDIA_TYPE: {"schema": {"type": "string"}}}},
        **problem_responses(401, 403, 429),
    },
    summary="Prometheus metrics of this process (text exposition format).",
)
def metrics(state: StateDep) -> Response:
    return Response(state.metrics.render(), media_type=METRICS_MEDIA_TYPE)
