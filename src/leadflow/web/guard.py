"""Who may see which page: every page route declares a ``PageGate``, and the gate checks
the session cookie, the role and, on a state-changing request, the CSRF token.

    @router.get("/leads", dependencies=[page(UserRole.MARKETING, UserRole.SALES)])
    @router.post("/signin", dependencies=[PUBLIC_PAGE])

``admin`` passes every gate. As in the API (``api.auth``), the roles are data on the
route, so ``build_web`` refuses a route without exactly one gate and a test walks
every page: a request without a session is sent to sign-in, a role outside the list
gets 403, and a POST without the CSRF token is refused.

Without a session (the sign-in form, the language switch) the CSRF token is a random
value in its own cookie that the form must repeat ("double submit"): a page of another
site can make the browser send the cookie, but cannot read it to repeat it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.params import Depends as Dependency
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from leadflow.services.users import User, UserRole
from leadflow.services.web_sessions import (
    SignedIn,
    csrf_matches,
    csrf_token,
    find_session,
    touch_session,
)
from leadflow.web import i18n
from leadflow.web.state import WebState
from leadflow.web.zones import reader_zone

__all__ = [
    "ANONYMOUS_CSRF_COOKIE",
    "EVERY_ROLE",
    "LANGUAGE_COOKIE",
    "PUBLIC_PAGE",
    "SESSION_COOKIE",
    "CsrfRefusedError",
    "PageForbiddenError",
    "PageGate",
    "SignInRequiredError",
    "Viewer",
    "clear_cookie",
    "gate_of",
    "page",
    "page_routes",
    "prepare",
    "set_cookie",
    "viewer_of",
]

SESSION_COOKIE = "leadflow_session"
ANONYMOUS_CSRF_COOKIE = "leadflow_csrf"
LANGUAGE_COOKIE = "leadflow_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EVERY_ROLE: tuple[UserRole, ...] = tuple(UserRole)


class SignInRequiredError(Exception):
    """No live session: the page answers with a redirect to sign-in.

    ``back_to`` is where signing in returns to (quoted for a query string); ``ended``
    says why the sign-in page should explain itself: ``session`` when the browser sent a
    session that is over (expired, signed out elsewhere), ``action`` when what it sent
    was a change, which was not saved; empty on a first visit."""

    def __init__(self, back_to: str, ended: str = "") -> None:
        super().__init__(back_to)
        self.back_to = back_to
        self.ended = ended


class PageForbiddenError(Exception):
    """Signed in, but the role may not use this page."""


class CsrfRefusedError(Exception):
    """A state-changing request without the right CSRF token."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in person looking at a page."""

    user: User
    token: str  # the session cookie's token (its CSRF token derives from it)

    def can(self, *roles: UserRole) -> bool:
        return self.user.role is UserRole.ADMIN or self.user.role in roles


class PageGate:
    """A page's access rule: the roles it admits (admin always), or public."""

    def __init__(self, roles: Iterable[UserRole], *, public: bool = False) -> None:
        self.roles: frozenset[UserRole] = frozenset(roles) | (
            frozenset() if public else {UserRole.ADMIN}
        )
        self.public = public

    def admits(self, role: UserRole) -> bool:
        return self.public or role in self.roles

    async def __call__(self, request: Request) -> Viewer | None:
        viewer = await _viewer(request)
        prepare(request, viewer)
        if viewer is None and not self.public:
            raise SignInRequiredError(_back_to(request), _ended(request))
        if viewer is not None and not self.admits(viewer.user.role):
            raise PageForbiddenError()
        if request.method not in _SAFE_METHODS:
            await _check_csrf(request)
        return viewer


def page(*roles: UserRole) -> Dependency:
    """The dependency that admits ``roles`` (and admin) to a page."""
    dependency: Dependency = Depends(PageGate(roles))
    return dependency


PUBLIC_PAGE: Dependency = Depends(PageGate((), public=True))


def viewer_of(request: Request) -> Viewer:
    """The signed-in viewer of a gated page (the gate has checked there is one)."""
    viewer: Viewer = request.state.viewer
    return viewer


def prepare(request: Request, viewer: Viewer | None) -> None:
    """Set what every response needs: the viewer, the language, the CSRF token."""
    request.state.viewer = viewer
    request.state.language = _language(request, viewer)
    request.state.zone = reader_zone(request)
    if viewer is not None:
        request.state.csrf = csrf_token(viewer.token)
        request.state.new_anonymous_csrf = None
        return
    existing = request.cookies.get(ANONYMOUS_CSRF_COOKIE, "")
    fresh = existing if 20 <= len(existing) <= 100 else secrets.token_urlsafe(32)
    request.state.csrf = fresh
    request.state.new_anonymous_csrf = None if fresh == existing else fresh


def set_cookie(
    response: Response, request: Request, name: str, value: str, *, max_age: int | None = None
) -> None:
    """A cookie for the pages only: HTTP-only, SameSite=Lax, Secure when served over https."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=_cookie_path(request),
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )


def clear_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(name, path=_cookie_path(request), httponly=True, samesite="lax")


def _cookie_path(request: Request) -> str:
    web: WebState = request.app.state.web
    return web.prefix


def gate_of(route: APIRoute) -> PageGate | None:
    gates = [dep.call for dep in _walk(route.dependant) if isinstance(dep.call, PageGate)]
    return gates[0] if len(gates) == 1 else None


def page_routes(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    """Every page route of the web application, with its path (without the /ui prefix)."""
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.path is not None:
            yield context.path, route


def _walk(dependant: Dependant) -> Iterable[Dependant]:
    for child in dependant.dependencies:
        yield child
        yield from _walk(child)


async def _viewer(request: Request) -> Viewer | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    web: WebState = request.app.state.web
    found = await run_in_threadpool(_find, web, token)
    return None if found is None else Viewer(found.user, token)


def _find(web: WebState, token: str) -> SignedIn | None:
    now = web.api.clock.now()
    with web.api.reads() as session:
        found = find_session(session, token, now)
    if found is not None and found.needs_touch:
        with web.api.writes() as session:
            touch_session(session, found.session_id, now)
    return found


def _language(request: Request, viewer: Viewer | None) -> str:
    if viewer is not None and viewer.user.language in i18n.LANGUAGES:
        return viewer.user.language
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in i18n.LANGUAGES:
        return chosen
    return i18n.negotiate(request.headers.get("Accept-Language")) or i18n.DEFAULT_LANGUAGE


async def _check_csrf(request: Request) -> None:
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None and _is_form(request):
        value = (await request.form()).get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    viewer: Viewer | None = request.state.viewer
    if viewer is not None:
        if not csrf_matches(viewer.token, submitted):
            raise CsrfRefusedError()
        return
    cookie = request.cookies.get(ANONYMOUS_CSRF_COOKIE)
    if not cookie or not submitted or not secrets.compare_digest(cookie, submitted):
        raise CsrfRefusedError()


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


def _back_to(request: Request) -> str:
    """Where sign-in should return to, quoted whole (its own ``&`` included): this page
    on a page view; for a form sent after the session ended, the page it was sent from
    (htmx names it, a plain form's browser sends it as the referrer), if it is one of
    this site's."""
    if request.method == "GET":
        path = request.url.path  # the full path: a mounted app's URL keeps its prefix
        query = f"?{request.url.query}" if request.url.query else ""
        return quote(path + query, safe="/?=")
    sent_from = request.headers.get("HX-Current-URL") or request.headers.get("Referer") or ""
    page = urlsplit(sent_from)
    if page.netloc != request.url.netloc or not page.path:
        return ""
    return quote(page.path + (f"?{page.query}" if page.query else ""), safe="/?=")


def _ended(request: Request) -> str:
    if request.method not in _SAFE_METHODS:
        return "action"
    return "session" if request.cookies.get(SESSION_COOKIE) else ""
