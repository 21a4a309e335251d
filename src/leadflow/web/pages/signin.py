"""Signing in and out, and the language switch (which works signed in or not)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from leadflow.services.users import authenticate_user, set_language
from leadflow.services.web_sessions import LIFETIME, close_session, open_session
from leadflow.web import i18n
from leadflow.web.deps import NowDep, ViewerDep, WebDep, WritesDep
from leadflow.web.guard import (
    EVERY_ROLE,
    LANGUAGE_COOKIE,
    PUBLIC_PAGE,
    SESSION_COOKIE,
    Viewer,
    clear_cookie,
    page,
    set_cookie,
)
from leadflow.web.rendering import render

__all__ = ["router", "safe_next"]

router = APIRouter()

_YEAR = 365 * 24 * 3600
_FIELD_MAX = 1024


def safe_next(target: str | None, prefix: str) -> str:
    """A local page of the application to go to, never another site (open redirect)."""
    home = f"{prefix}/"
    if not target or not target.startswith(prefix):
        return home
    rest = target[len(prefix) :]
    if rest and not rest.startswith(("/", "?")):
        return home
    if "//" in target or "\\" in target or any(ord(c) < 32 for c in target):
        return home
    return target


@router.get("/signin", dependencies=[PUBLIC_PAGE])
def sign_in_form(
    request: Request,
    web: WebDep,
    next: Annotated[str, Query()] = "",
    ended: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    viewer: Viewer | None = request.state.viewer
    if viewer is not None:
        return RedirectResponse(safe_next(next, web.prefix), status_code=303)
    context = {"next": next[:_FIELD_MAX], "error": None, "ended": ended}
    return render(request, "signin.html", context)


@router.post("/signin", dependencies=[PUBLIC_PAGE])
def sign_in(
    request: Request,
    web: WebDep,
    session: WritesDep,
    now: NowDep,
    email: Annotated[str, Form(max_length=_FIELD_MAX)] = "",
    password: Annotated[str, Form(max_length=_FIELD_MAX)] = "",
    next: Annotated[str, Form(max_length=_FIELD_MAX)] = "",
) -> Response:
    client = request.client.host if request.client else "unknown"
    if web.api.public_limiter.take(("signin", client)) > 0:
        return _refused(request, email, next, "too_many", 429)
    user = authenticate_user(session, email, password, now)
    if user is None:
        return _refused(request, email, next, "wrong", 401)
    token = open_session(session, user, now)
    response = RedirectResponse(safe_next(next, web.prefix), status_code=303)
    set_cookie(response, request, SESSION_COOKIE, token, max_age=int(LIFETIME.total_seconds()))
    return response


def _refused(request: Request, email: str, next: str, error: str, status: int) -> Response:
    context = {"next": next, "error": error, "email": email, "ended": ""}
    return render(request, "signin.html", context, status_code=status)


@router.post("/signout", dependencies=[page(*EVERY_ROLE)])
def sign_out(
    request: Request, web: WebDep, viewer: ViewerDep, session: WritesDep, now: NowDep
) -> Response:
    close_session(session, viewer.token, now)
    response = RedirectResponse(f"{web.prefix}/signin", status_code=303)
    clear_cookie(response, request, SESSION_COOKIE)
    return response


@router.post("/language", dependencies=[PUBLIC_PAGE])
def choose_language(
    request: Request,
    web: WebDep,
    session: WritesDep,
    now: NowDep,
    language: Annotated[str, Form(max_length=10)] = "",
    next: Annotated[str, Form(max_length=_FIELD_MAX)] = "",
) -> Response:
    chosen = language if language in i18n.LANGUAGES else None
    viewer: Viewer | None = request.state.viewer
    if viewer is not None:
        set_language(session, viewer.user.id, chosen, now)
    response = RedirectResponse(safe_next(next, web.prefix), status_code=303)
    if chosen is None:
        clear_cookie(response, request, LANGUAGE_COOKIE)
    else:
        set_cookie(response, request, LANGUAGE_COOKIE, chosen, max_age=_YEAR)
    return response
