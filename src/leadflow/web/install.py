"""``install_web``: mount the web application under ``/ui`` of the API's app.

The pages are a FastAPI application of their own, mounted on the API's: they share
its engine, sessions, clock and limits (``ApiState``) but none of its routes, so the
OpenAPI document and the API's role walk see only the API, and the pages answer
with HTML pages (sign-in redirects, 403 and 404 pages) instead of problem documents.
``/`` redirects to the dashboard, which is where ``make run`` opens.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadflow.api.outage import RETRY_AFTER
from leadflow.api.state import ApiState
from leadflow.services.definitions import NoActiveDefinitionError
from leadflow.services.refusals import RefusedError
from leadflow.store.database import database_unavailable
from leadflow.store.driver import StoreError
from leadflow.web.guard import (
    CsrfRefusedError,
    PageForbiddenError,
    SignInRequiredError,
    gate_of,
    prepare,
)
from leadflow.web.pages import ROUTERS
from leadflow.web.refused_form import status_of
from leadflow.web.rendering import build_environment, render
from leadflow.web.state import UI_PREFIX, WebState

__all__ = ["STATIC_DIR", "build_web", "install_web"]

STATIC_DIR = Path(__file__).resolve().parent / "static"

_HTMX_ERROR_TARGET = {"HX-Retarget": "#main", "HX-Reselect": "#main", "HX-Reswap": "outerHTML"}

# No inline script or style anywhere: a payload that slips past escaping still cannot run.
_SECURITY_HEADERS = (
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


def install_web(app: FastAPI, state: ApiState) -> None:
    """Mount the pages on ``app`` (at /ui) and send ``/`` there."""
    app.mount(UI_PREFIX, build_web(state), name="ui")
    home = f"{state.settings.root_path}{UI_PREFIX}/"  # the browser's address: the proxy's

    async def to_dashboard(request: Request) -> Response:
        return RedirectResponse(home, status_code=307)

    app.add_route("/", to_dashboard, include_in_schema=False)


def build_web(state: ApiState) -> FastAPI:
    web = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    # Links, redirects and cookies name the pages as the browser reaches them: behind a
    # proxy serving leadflow under a prefix (--root-path), with that prefix.
    prefix = state.settings.root_path + UI_PREFIX
    web.state.web = WebState(api=state, templates=build_environment(), prefix=prefix)
    for router in ROUTERS:
        _check_gates(router)
        web.include_router(router)
    web.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _install_error_pages(web)
    return SecurityHeaders.wrap(web)


def _check_gates(router: APIRouter) -> None:
    for route in router.routes:
        if not isinstance(route, APIRoute) or gate_of(route) is None:
            raise RuntimeError(f"page {getattr(route, 'path', route)!r} declares no single gate")


def _install_error_pages(web: FastAPI) -> None:
    web.add_exception_handler(SignInRequiredError, _sign_in)
    web.add_exception_handler(PageForbiddenError, _forbidden)
    web.add_exception_handler(CsrfRefusedError, _csrf_refused)
    web.add_exception_handler(RefusedError, _refused)
    web.add_exception_handler(NoActiveDefinitionError, _no_definition)
    web.add_exception_handler(HTTPException, _http_error)
    web.add_exception_handler(RequestValidationError, _not_understood)
    web.add_exception_handler(SQLAlchemyError, _database_error)
    web.add_exception_handler(StoreError, _database_error)


async def _sign_in(request: Request, error: Exception) -> Response:
    assert isinstance(error, SignInRequiredError)
    web: WebState = request.app.state.web
    query = "&".join(
        part
        for part in (
            f"next={error.back_to}" if error.back_to else "",
            f"ended={error.ended}" if error.ended else "",
        )
        if part
    )
    target = f"{web.prefix}/signin" + (f"?{query}" if query else "")
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _forbidden(request: Request, error: Exception) -> Response:
    return _error_page(request, 403)


async def _csrf_refused(request: Request, error: Exception) -> Response:
    return _error_page(request, 403, csrf=True)


async def _refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, RefusedError)
    return _error_page(request, status_of(error), detail=str(error))


async def _no_definition(request: Request, error: Exception) -> Response:
    return _error_page(request, 409, detail=str(error))


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return _error_page(request, error.status_code if error.status_code >= 400 else 500)


async def _not_understood(request: Request, error: Exception) -> Response:
    return _error_page(request, 404)


async def _database_error(request: Request, error: Exception) -> Response:
    """A database that is down: a page saying so (503), one log line (api/outage.py)."""
    if not database_unavailable(error):
        raise error  # a bug: the server's 500 and its traceback
    web: WebState = request.app.state.web
    web.api.outages.report(error, f"{request.method} {request.url.path}")
    page = _error_page(request, 503)
    page.headers["Retry-After"] = str(RETRY_AFTER)
    return page


def _error_page(request: Request, status: int, *, detail: str = "", csrf: bool = False) -> Response:
    if not hasattr(request.state, "language"):
        prepare(request, getattr(request.state, "viewer", None))
    context = {"status": status, "detail": detail, "csrf_refused": csrf}
    # An htmx request shows the error in place of the page's content, not of the part
    # it meant to replace (which the error page does not have).
    headers = _HTMX_ERROR_TARGET if request.headers.get("HX-Request") == "true" else {}
    return render(request, "error.html", context, status_code=status, headers=headers)


class SecurityHeaders:
    """Adds the security headers to every response of the pages (pure ASGI: no copy)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    @classmethod
    def wrap(cls, web: FastAPI) -> FastAPI:
        web.add_middleware(cls)
        return web

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)
