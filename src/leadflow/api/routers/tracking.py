"""Website tracking: the snippet (``GET /t.js``) and what it sends (``POST /collect``).

Both are public (a browser has no API key) and limited per client address like forms.
They answer only when ``forms.yaml`` has a ``tracking`` section, and ``/collect`` only
for pages of its ``origins``: the browser's ``Origin`` header and the page's address
must both be one of them. A hit records an anonymous event of its visitor through the
real-time path (services/tracking.py says what is kept of the addresses). A hit never
names a person: only a form does, which is where the visitor's history joins a contact.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from leadflow.api.auth import PUBLIC
from leadflow.api.deps import StateDep, active_or_conflict
from leadflow.api.problems import ProblemError, ProblemKind, problem_responses
from leadflow.api.schemas.common import NoNul
from leadflow.api.state import ApiState
from leadflow.services.events import Rejected, record_event
from leadflow.services.form_config import TrackingSpec
from leadflow.services.tracking import PageHit, hit_event, origin_of

__all__ = ["router"]

router = APIRouter(tags=["tracking"], responses=problem_responses(404, 429))

_ID = r"^[A-Za-z0-9_-]{8,64}$"
MAX_ADDRESS = 16_384


class Hit(BaseModel):
    """One page view (or another allowed event) of an anonymous visitor."""

    # Fields a newer snippet may add are ignored rather than refused.
    model_config = ConfigDict(extra="ignore")

    id: str = Field(pattern=_ID, description="Random per hit: a retried hit is stored once.")
    visitor_id: str = Field(pattern=_ID, description="The lf_visitor cookie's value.")
    type: str = Field(default="page_view", pattern=r"^[a-z][a-z0-9_]{0,99}$")
    # No NUL: PostgreSQL's JSONB refuses \u0000, which made such a hit a 500 there.
    # Long, as a browser's addresses may be: only their origin and path (cut at 2,000
    # characters) and campaign parameters are kept, so a long query must not cost the hit.
    url: Annotated[str, NoNul] = Field(max_length=MAX_ADDRESS, description="The page's address.")
    referrer: Annotated[str, NoNul] | None = Field(default=None, max_length=MAX_ADDRESS)
    title: Annotated[str, NoNul] | None = Field(default=None, max_length=1000)


@router.get(
    "/t.js",
    dependencies=[PUBLIC],
    response_class=Response,
    responses={200: {"content": {"text/javascript": {}}, "description": "The snippet."}},
    summary="The website snippet: page views and the visitor id of forms.",
)
async def snippet(state: StateDep) -> Response:
    tracking = _tracking(state)
    config = {
        "events": list(tracking.events),
        "requireConsent": tracking.require_consent,
        "cookieDays": tracking.cookie_days,
    }
    body = _template().replace("__CONFIG__", json.dumps(config), 1)
    return Response(
        body,
        media_type="text/javascript; charset=utf-8",
        # Short: a change to forms.yaml reaches the site's visitors within minutes.
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.post(
    "/collect",
    dependencies=[PUBLIC],
    status_code=204,
    response_class=Response,
    responses={204: {"description": "Recorded (or a duplicate)."}, **problem_responses(403, 422)},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": Hit.model_json_schema()}},
        }
    },
    summary="A page view from the snippet (JSON, also sent as text/plain).",
)
async def collect(request: Request, state: StateDep) -> Response:
    tracking = _tracking(state)
    origin = request.headers.get("origin", "")
    if origin.lower() not in tracking.origins:
        raise ProblemError(
            ProblemKind.ORIGIN_NOT_ALLOWED,
            f"origin {origin[:100]!r} is not in forms.yaml's tracking origins",
        )
    hit = _hit(await request.body())
    if hit.type not in tracking.events:
        raise ProblemError(
            ProblemKind.VALIDATION,
            f"event type {hit.type!r} is not in forms.yaml's tracking events",
        )
    if origin_of(hit.url) not in tracking.origins:
        raise ProblemError(
            ProblemKind.ORIGIN_NOT_ALLOWED, "the page's address is not on a tracked site"
        )
    await run_in_threadpool(_record, state, hit)
    return Response(status_code=204)


@cache
def _template() -> str:
    return files("leadflow.api").joinpath("snippet/t.js").read_text(encoding="utf-8")


def _tracking(state: ApiState) -> TrackingSpec:
    if state.forms.tracking is None:
        raise ProblemError(
            ProblemKind.NOT_FOUND, "website tracking is off: forms.yaml has no tracking section"
        )
    return state.forms.tracking


def _hit(body: bytes) -> Hit:
    # sendBeacon posts a string as text/plain (no CORS preflight), so the body is read
    # as JSON whatever the content type says.
    try:
        document: Any = json.loads(body)
        return Hit.model_validate(document)
    except (ValueError, RecursionError) as error:  # RecursionError: nested too deep
        detail = "the body is not a JSON object of a hit"
        if isinstance(error, ValidationError):
            first = error.errors()[0]
            detail = f"{'.'.join(str(p) for p in first['loc']) or 'body'}: {first['msg']}"
        raise ProblemError(ProblemKind.VALIDATION, detail) from None


def _record(state: ApiState, hit: Hit) -> None:
    page_hit = PageHit(hit.id, hit.visitor_id, hit.type, hit.url, hit.referrer, hit.title)
    with state.writes() as session:
        active = active_or_conflict(session)
        incoming = hit_event(page_hit, state.clock.now())
        outcome = record_event(session, incoming, clock=state.clock, active=active)
    state.metrics.counted((outcome,))
    if isinstance(outcome, Rejected):
        raise ProblemError(ProblemKind.VALIDATION, outcome.reason)
