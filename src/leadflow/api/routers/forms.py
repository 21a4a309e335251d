"""Web forms: ``POST /forms/{form_id}`` from a browser or a server, and the opt-in link.

A browser's ``application/x-www-form-urlencoded`` (or multipart) post is answered with
``303 See Other`` to the form's thank-you URL (204 when it has none); a JSON post with
``202`` and what happened. The visitor id comes from the ``visitor_id`` field, else the
``lf_visitor`` cookie. These routes are public (a browser has no API key) and limited
per client address; the forms themselves come from ``forms.yaml`` (services/form_config.py).
"""

from __future__ import annotations

import html
import json
import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from leadflow.api.auth import PUBLIC
from leadflow.api.deps import StateDep, active_or_conflict
from leadflow.api.problems import ProblemError, ProblemKind, problem_responses, refusal_kind
from leadflow.api.state import ApiState
from leadflow.services import forms
from leadflow.services.form_config import FormSpec
from leadflow.services.refusals import InvalidInputError, RefusedError

__all__ = ["VISITOR_COOKIE", "router"]

router = APIRouter(prefix="/forms", tags=["forms"], responses=problem_responses(422, 429))

VISITOR_COOKIE = "lf_visitor"
VISITOR_FIELD = "visitor_id"
MAX_FIELDS = 50
MAX_VALUE = 2000
FormId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")]

_FIELDS_SCHEMA = {
    "type": "object",
    "maxProperties": MAX_FIELDS,
    "additionalProperties": {"type": "string", "maxLength": MAX_VALUE},
}
# A page's script may send a number input as a number and a checkbox as true/false.
_JSON_FIELDS_SCHEMA = {
    **_FIELDS_SCHEMA,
    "additionalProperties": {
        "anyOf": [
            {"type": "string", "maxLength": MAX_VALUE},
            {"type": "number"},
            {"type": "boolean"},
            {"type": "null"},
        ]
    },
}


class FormReply(BaseModel):
    accepted: bool
    contact_id: int | None
    stage: str | None
    confirmation_sent: bool


class ConfirmReply(BaseModel):
    confirmed: bool
    contact_id: int


@router.post(
    "/{form_id}",
    dependencies=[PUBLIC],
    response_model=FormReply,
    status_code=202,
    responses={
        303: {"description": "A browser post: go to the thank-you page."},
        204: {"description": "A browser post to a form without a thank-you page."},
        **problem_responses(404, 409, 415),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {"schema": _FIELDS_SCHEMA},
                "application/json": {"schema": _JSON_FIELDS_SCHEMA},
            },
        }
    },
    summary="Submit a web form (browser form post or JSON).",
)
async def submit_form(form_id: FormId, request: Request, state: StateDep) -> Response:
    spec = _spec(state, form_id)
    page = _from_a_page(request)
    try:
        browser, posted = await _posted(request, _read_by(spec))
        visitor = _visitor_id(posted.pop(VISITOR_FIELD, None)) or _visitor_id(
            request.cookies.get(VISITOR_COOKIE)
        )
        confirm_base = _confirm_base(request, state.settings.public_url)
        outcome = await run_in_threadpool(
            _submit, state, form_id, spec, posted, visitor, confirm_base
        )
    except (ProblemError, RefusedError) as refused:  # why: the site's to look at
        state.metrics.forms.labels("rejected").inc()
        if page:
            return _refused_page(spec, refused)
        raise
    state.metrics.forms.labels("spam" if outcome.spam else "accepted").inc()
    if browser:
        if spec.thank_you_url is None:
            return Response(status_code=204)
        return RedirectResponse(str(spec.thank_you_url), status_code=303)
    reply = FormReply(
        accepted=True,
        contact_id=outcome.contact_id,
        stage=outcome.stage,
        confirmation_sent=outcome.confirmation_sent,
    )
    return JSONResponse(reply.model_dump(), status_code=202)


@router.get(
    "/confirm/{token}",
    name="confirm_form",
    dependencies=[PUBLIC],
    response_model=ConfirmReply,
    responses={303: {"description": "Go to the form's confirmed page."}, **problem_responses(404)},
    summary="The double opt-in link: confirms the e-mail address.",
)
async def confirm_form(
    token: Annotated[str, Path(min_length=20, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")],
    state: StateDep,
) -> Response:
    done = await run_in_threadpool(_confirm, state, token)
    spec = state.forms.forms.get(done.form_id)
    if spec is not None and spec.confirmed_url is not None:
        return RedirectResponse(str(spec.confirmed_url), status_code=303)
    return JSONResponse(ConfirmReply(confirmed=True, contact_id=done.contact_id).model_dump())


def _confirm_base(request: Request, public_url: str | None) -> str:
    """Where double opt-in links point. From ``LEADFLOW_PUBLIC_URL`` when it is set: the
    request's own address comes from its Host header, which whoever posts the form
    chooses, and a link to their host in an e-mail sent in the company's name would hand
    them the token (and the reader). Without it, the request's address (a server on its
    own, the demo)."""
    path = str(request.app.url_path_for("confirm_form", token="x")).removesuffix("/x")
    if public_url is not None:
        return public_url + path
    return str(request.url_for("confirm_form", token="x")).removesuffix("/x")


def _from_a_page(request: Request) -> bool:
    """A browser sending the form's page itself (it asks for HTML back), not a script:
    a refusal shown to it as JSON would be the page the visitor sees."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    wants = request.headers.get("accept", "").lower()
    return kind in _BROWSER_KINDS and "text/html" in wants


_BROWSER_KINDS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def _refused_page(spec: FormSpec, refused: ProblemError | RefusedError) -> Response:
    """The form's error page (303, with the reason and the field as the page named it),
    else a short page of leadflow's own saying why, with the way back to the form."""
    if isinstance(refused, ProblemError):
        kind, field = refused.kind, _first_field(refused.errors)
    else:
        kind = refusal_kind(refused)
        field = refused.field if isinstance(refused, InvalidInputError) else None
    if spec.error_url is not None:
        said = {"reason": kind.slug, **({"field": field} if field else {})}
        url = str(spec.error_url)
        return RedirectResponse(f"{url}{'&' if '?' in url else '?'}{urlencode(said)}", 303)
    detail = html.escape(str(refused))
    body = _REFUSED_PAGE.format(detail=detail)
    return HTMLResponse(body, status_code=kind.status)


def _first_field(errors: list[dict[str, Any]] | None) -> str | None:
    loc = errors[0].get("loc") if errors else None
    return str(loc[-1]) if loc else None


_REFUSED_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>The form could not be sent</title></head>
<body><h1>The form could not be sent</h1><p>{detail}</p>
<p><a href="javascript:history.back()">Back to the form</a></p></body></html>
"""


def _spec(state: ApiState, form_id: str) -> FormSpec:
    spec = state.forms.forms.get(form_id)
    if spec is None:
        raise ProblemError(ProblemKind.NOT_FOUND, f"no form {form_id!r} in forms.yaml")
    return spec


def _read_by(spec: FormSpec) -> frozenset[str]:
    """The posted fields a form reads: its mapped ones, the honeypot and the visitor id."""
    return frozenset({*spec.fields, VISITOR_FIELD, *([spec.honeypot] if spec.honeypot else [])})


async def _posted(request: Request, read: frozenset[str]) -> tuple[bool, dict[str, str]]:
    """(from a browser?, the fields the form reads as text); what it does not read is
    dropped, whatever it is, and a value it reads that is not short text is refused."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        async with request.form(max_files=0, max_fields=MAX_FIELDS) as form:
            return True, _strings(form, read)
    if kind == "application/json":
        try:
            document: Any = await request.json()
        except (ValueError, RecursionError):  # RecursionError: nested too deep
            raise ProblemError(ProblemKind.VALIDATION, "the body is not valid JSON") from None
        if not isinstance(document, dict) or len(document) > MAX_FIELDS:
            raise ProblemError(ProblemKind.VALIDATION, "send an object of at most 50 fields")
        return False, _strings(document, read)
    raise ProblemError(
        ProblemKind.UNSUPPORTED_MEDIA,
        "post application/x-www-form-urlencoded, multipart/form-data or application/json",
    )


# A visitor id as the snippet (32 hex digits) or another tracker (a UUID, GA's
# "GA1.2.123.456") writes it: no spaces, at most 200 characters (the column). A page's
# "null" or "undefined" before consent (or a value cut to fit) would make one visitor of
# everyone who sends it, so the form records its lead without one.
_VISITOR_ID = re.compile(r"[^\s\x00-\x1f\x7f]{1,200}")
_NO_ID = frozenset({"undefined", "null", "none", "nan"})


def _visitor_id(value: str | None) -> str | None:
    if value is None or not _VISITOR_ID.fullmatch(value) or value.lower() in _NO_ID:
        return None
    return value


def _strings(fields: FormData | dict[str, Any], read: frozenset[str]) -> dict[str, str]:
    posted: dict[str, str] = {}
    for name, value in fields.items():
        if value is None or name not in read:
            continue  # JSON's null: a field not given (visitor_id before consent)
        text = _as_text(value)
        if text is None or len(text) > MAX_VALUE or "\x00" in text:
            raise ProblemError(
                ProblemKind.VALIDATION,
                f"field {name[:50]!r}: expected text, a number or true/false"
                " (at most 2,000 characters)",
            )
        posted[name] = text
    return posted


def _as_text(value: object) -> str | None:
    """A value as a browser would have posted it: a page's script that sends its form as
    JSON writes a number input as a number and a checkbox as true (None: a list, an
    object or a file, which a field of text cannot hold)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):  # before int: True is an int too
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)  # 40, 2.5, 1e+100: JSON's own spelling
    return None


def _submit(
    state: ApiState,
    form_id: str,
    spec: FormSpec,
    posted: dict[str, str],
    visitor: str | None,
    confirm_base: str,
) -> forms.FormOutcome:
    with state.writes() as session:
        active = active_or_conflict(session)
        return forms.submit_form(
            session,
            form_id,
            spec,
            posted,
            visitor_id=visitor,
            active=active,
            clock=state.clock,
            confirm_base=confirm_base,
        )


def _confirm(state: ApiState, token: str) -> forms.Confirmed:
    with state.writes() as session:
        events = {form_id: spec.event for form_id, spec in state.forms.forms.items()}
        return forms.confirm(
            session,
            token,
            active=active_or_conflict(session),
            clock=state.clock,
            form_events=events,
        )
