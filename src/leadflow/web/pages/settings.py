"""Settings (admin): users, API keys (the secret shown once), webhooks and their
delivery log (the signing secret shown once), the website's forms and the snippet to
paste into its pages (from forms.yaml, read only), the learned models stored in the
workspace and when each was active (read only: they are switched from the command line
or the API)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from leadflow.services.api_keys import Role, create_key, list_keys, revoke_key
from leadflow.services.form_config import FormSpec, TrackingSpec
from leadflow.services.outbox import KINDS
from leadflow.services.prediction import activation_history, stored_models
from leadflow.services.refusals import ConflictError, RefusedError
from leadflow.services.users import UserRole, create_user, list_users, set_active
from leadflow.services.webhooks import (
    create_subscription,
    deactivate_subscription,
    delivery_log,
    get_subscription,
    list_subscriptions,
)
from leadflow.web.deps import NowDep, ReadsDep, ViewerDep, WebDep, WritesDep
from leadflow.web.guard import page
from leadflow.web.refused_form import RefusedForm, status_of
from leadflow.web.rendering import render
from leadflow.web.state import WebState

__all__ = ["router"]

router = APIRouter()

_ADMIN = page()
Id = Annotated[int, Path(ge=1, le=2**62)]
Short = Annotated[str, Form(max_length=320)]


@router.get("/settings", dependencies=[_ADMIN])
def settings(request: Request, session: ReadsDep, done: str = "") -> Response:
    return _settings_page(request, session, done=done)


def _settings_page(
    request: Request,
    session: Session,
    *,
    done: str = "",
    refusal: RefusedForm | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "section": "settings",
        "website": _website(request),
        "users": list_users(session),
        "keys": list_keys(session),
        "hooks": list_subscriptions(session),
        "roles": [role.value for role in UserRole],
        "key_roles": [role.value for role in Role],
        "kinds": KINDS,
        "models": stored_models(session),
        "activations": activation_history(session),
        "done": done,
        "refusal": refusal,
    }
    return render(request, "settings.html", context, status_code=status_code)


@dataclass(frozen=True, slots=True)
class _Website:
    base: str  # leadflow's address as this browser reached it
    forms: list[tuple[str, FormSpec]]
    tracking: TrackingSpec | None

    @property
    def snippet(self) -> str:
        return (
            f'<script src="{self.base}/t.js" defer></script>\n'
            "<script>\n"
            "  window.leadflow = window.leadflow || [];\n"
            "  // from the cookie banner, once the visitor agrees:\n"
            '  // leadflow.push(["consent", true]);\n'
            "</script>"
        )


def _website(request: Request) -> _Website:
    web: WebState = request.app.state.web
    config = web.api.forms
    base = str(request.base_url).rstrip("/")
    return _Website(base, sorted(config.forms.items()), config.tracking)


def _refused(
    request: Request, session: Session, error: RefusedError, refusal: RefusedForm
) -> Response:
    """The settings again, the refusal above its form and the form as sent (no password)."""
    session.rollback()
    return _settings_page(request, session, refusal=refusal, status_code=status_of(error))


@router.post("/settings/users", dependencies=[_ADMIN])
def add_user(
    request: Request,
    web: WebDep,
    session: WritesDep,
    now: NowDep,
    email: Short,
    name: Annotated[str, Form(max_length=200)],
    role: Annotated[str, Form(max_length=20)],
    password: Annotated[str, Form(max_length=1024)],
    rep_key: Annotated[str, Form(max_length=200)] = "",
    language: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    try:
        create_user(
            session,
            email=email,
            name=name,
            role=role,
            password=password,
            now=now,
            language=language or None,
            rep_key=rep_key or None,
        )
    except RefusedError as error:
        typed = {"email": email, "name": name, "role": role, "rep_key": rep_key}
        typed["language"] = language
        return _refused(request, session, error, RefusedForm("user", str(error), typed))
    return _back(web.prefix, "user")


@router.post("/settings/users/{user_id}/active", dependencies=[_ADMIN])
def switch_user(
    user_id: Id,
    web: WebDep,
    session: WritesDep,
    now: NowDep,
    viewer: ViewerDep,
    active: Annotated[str, Form(max_length=5)],
) -> Response:
    if user_id == viewer.user.id and active != "yes":
        raise ConflictError("you cannot disable yourself; ask another administrator")
    set_active(session, user_id, active == "yes", now)
    return _back(web.prefix, "user")


@router.post("/settings/keys", dependencies=[_ADMIN])
def add_key(
    request: Request,
    session: WritesDep,
    now: NowDep,
    name: Annotated[str, Form(max_length=100)],
    role: Annotated[str, Form(max_length=20)],
) -> Response:
    try:
        issued = create_key(session, name, role, now)
    except RefusedError as error:
        typed = {"name": name, "role": role}
        return _refused(request, session, error, RefusedForm("key", str(error), typed))
    context = {"section": "settings", "what": "key", "name": issued.info.name}
    context["secret"] = issued.secret
    return render(request, "settings_secret.html", context, headers={"Cache-Control": "no-store"})


@router.post("/settings/keys/{key_id}/revoke", dependencies=[_ADMIN])
def revoke(key_id: Id, web: WebDep, session: WritesDep, now: NowDep) -> Response:
    revoke_key(session, key_id, now)
    return _back(web.prefix, "key")


@router.post("/settings/webhooks", dependencies=[_ADMIN])
def add_webhook(
    request: Request,
    session: WritesDep,
    now: NowDep,
    url: Annotated[str, Form(max_length=2000)],
    kinds: Annotated[list[str], Form(max_length=len(KINDS))] = [],  # noqa: B006 - FastAPI copies it
    description: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    try:
        hook = create_subscription(session, url, kinds, now, description=description or None)
    except RefusedError as error:
        typed: dict[str, str | list[str]] = {"url": url, "kinds": kinds}
        typed["description"] = description
        return _refused(request, session, error, RefusedForm("webhook", str(error), typed))
    context = {"section": "settings", "what": "webhook", "name": hook.url, "secret": hook.secret}
    return render(request, "settings_secret.html", context, headers={"Cache-Control": "no-store"})


@router.post("/settings/webhooks/{hook_id}/remove", dependencies=[_ADMIN])
def remove_webhook(hook_id: Id, web: WebDep, session: WritesDep) -> Response:
    deactivate_subscription(session, hook_id)
    return _back(web.prefix, "webhook")


@router.get("/settings/webhooks/{hook_id}", dependencies=[_ADMIN])
def webhook_log(
    request: Request,
    hook_id: Id,
    session: ReadsDep,
    before: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> Response:
    hook = get_subscription(session, hook_id)
    log = delivery_log(session, hook_id, after=before, limit=50)
    context = {
        "section": "settings",
        "website": _website(request),
        "hook": hook,
        "log": log,
        "older": log[-1].id if len(log) == 50 else None,
    }
    return render(request, "settings_webhook.html", context)


def _back(prefix: str, done: str) -> Response:
    return RedirectResponse(f"{prefix}/settings?done={done}", status_code=303)
