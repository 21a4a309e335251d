"""``create_app``: the one way to build the HTTP API, from ``Settings`` or ready parts.

    create_app(Settings())                          what ``leadflow serve`` does
    create_app(settings, engine=engine, clock=c)    tests: an engine and a clock of theirs

Nothing is built at import time. The routers are listed in ``ROUTERS`` in the order
the OpenAPI document shows them; the sales queue / hand-off (issue 5) and reports
(issue 8) routers plug in there when they land.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import Engine

from leadflow import __version__
from leadflow.api.auth import SECURITY_REQUIREMENT, SECURITY_SCHEMES, api_routes, gate_of
from leadflow.api.bodylimit import BodyLimit
from leadflow.api.cors import WebsiteCors
from leadflow.api.fastlane import EventsFastLane
from leadflow.api.metrics import MetricsMiddleware
from leadflow.api.outage import install_outage_handlers
from leadflow.api.problems import install_problem_handlers, problem_responses
from leadflow.api.routers import (
    accounts,
    contacts,
    definition,
    events,
    exports,
    forms,
    gdpr,
    handoff,
    health,
    keys,
    models,
    qualification,
    reports,
    sales_team,
    suppressions,
    tracking,
    webhooks,
)
from leadflow.api.state import ApiLimits, ApiState
from leadflow.domain.clock import Clock, SystemClock
from leadflow.services.form_config import FormsConfig, load_forms
from leadflow.settings import Settings
from leadflow.store.database import (
    engine_from_settings,
    impatient_writes,
    session_factory,
    writer,
)
from leadflow.web import install_web

__all__ = ["ROUTERS", "create_app"]

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    contacts.router,
    qualification.router,
    accounts.router,
    events.router,
    forms.router,
    tracking.router,  # the website snippet and the page views it sends
    definition.router,
    webhooks.router,
    keys.router,
    sales_team.router,  # teams, reps, absences, named accounts (issue 5)
    handoff.router,  # the queue, answers, attempts, deals, nurture list, SLA sweep (issue 5)
    models.router,  # learned models: stored, their activation periods, switching (admin)
    reports.router,  # the analytics reports' figures as JSON (issue 8)
    exports.router,  # leads as CSV for a CRM import or a spreadsheet
    suppressions.router,  # GDPR: erased people not to be re-added (admin)
    gdpr.router,  # GDPR requests by address (a person who may be no contact)
)

_DESCRIPTION = """\
leadflow's HTTP API: contacts, accounts, events, web forms, qualification and the
shared definition. Authenticate with an API key (`leadflow keys create`) in
`X-API-Key` or `Authorization: Bearer`. Every error is an RFC 9457 problem document.
Each operation lists the roles that may call it in `x-roles`.
"""


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
    limits: ApiLimits | None = None,
    forms: FormsConfig | None = None,
    routers: Sequence[APIRouter] = ROUTERS,
) -> FastAPI:
    settings = settings or Settings()
    limits = limits or ApiLimits()
    engine = engine or engine_from_settings(settings)
    state = ApiState(
        settings=settings,
        engine=engine,
        reads=session_factory(engine),
        writes=impatient_writes(session_factory(writer(engine))),
        clock=clock or SystemClock(),
        limits=limits,
        forms=forms if forms is not None else load_forms(settings.workspace),
    )
    app = FastAPI(
        lifespan=_lifespan,
        title="leadflow",
        version=__version__,
        description=_DESCRIPTION,
        # Any route may meet a body it cannot parse or one over the size limit.
        responses=problem_responses(400, 413),
    )
    app.state.leadflow = state
    install_problem_handlers(app)
    install_outage_handlers(app, state.outages)  # a database that is down: 503, not 500
    for router in routers:
        _declare_roles(router)
        app.include_router(router)
    _document_keys(app)
    install_web(app, state)  # the pages for people (leadflow.web), under /ui; not API routes
    # Innermost first: the events fast lane runs inside the metrics and the body limit.
    app.add_middleware(EventsFastLane, state=state, routes=list(api_routes(app)))
    app.add_middleware(MetricsMiddleware, metrics=state.metrics)
    app.add_middleware(BodyLimit, default=limits.max_body_bytes, larger=_larger_bodies(limits))
    if state.forms.tracking is not None:  # outermost: refusals carry CORS headers too
        app.add_middleware(WebsiteCors, origins=state.forms.tracking.origins)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    state: ApiState = app.state.leadflow
    state.recorders.close()  # the pooled recorders hold database connections


def _larger_bodies(limits: ApiLimits) -> dict[str, int]:
    return {"/events/batch": limits.max_batch_body_bytes}


def _declare_roles(router: APIRouter) -> None:
    """Refuse a route without exactly one gate; publish each route's roles in OpenAPI.

    Done on the routers before they are included: FastAPI composes included routes
    lazily and copies ``openapi_extra`` when it does.
    """
    for route in router.routes:
        if not isinstance(route, APIRoute):
            raise RuntimeError(f"{route!r}: only API routes belong in leadflow's routers")
        gate = gate_of(route)
        if gate is None:
            raise RuntimeError(f"route {route.path} declares no single access gate")
        roles = ["public"] if gate.public else sorted(role.value for role in gate.roles)
        extra: dict[str, object] = {"x-roles": roles}
        if not gate.public:
            extra["security"] = SECURITY_REQUIREMENT
        route.openapi_extra = {**(route.openapi_extra or {}), **extra}


def _document_keys(app: FastAPI) -> None:
    """Add the key schemes to the OpenAPI document (the gate reads the headers itself)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        document = build()  # FastAPI caches it: the schemes are added once
        document.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        return document

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override
