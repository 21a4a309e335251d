"""Every error the API returns is an RFC 9457 problem document (``application/problem+json``).

Each kind of error has a stable ``type`` URI that clients may branch on; the ``title``
is the same for every occurrence of a kind and ``detail`` says what happened this time:

    validation          422  the request body, query or path did not validate
    bad_request         400  the request is well-formed but cannot be used (bad cursor ...)
    unauthorized        401  no API key, or an unknown or revoked one
    forbidden           403  the key's role may not use this endpoint
    not_found           404  no such resource, or no such route
    method_not_allowed  405  the route exists, the method does not
    conflict            409  the request clashes with the current state
    suppressed          409  the contact would re-create an erased person (suppression list)
    idempotency_key_reused 422  an Idempotency-Key sent again with a different request
    payload_too_large   413  the body exceeds the endpoint's limit
    unsupported_media   415  the body is not in a content type the endpoint reads (a
                             JSON body sent as a form, or with no content type)
    rate_limited        429  the key used up its requests; see ``Retry-After``
    unavailable         503  a dependency (the database) is not answering
    internal            500  a bug; the detail never leaks internals

Services raise a ``RefusedError`` (services/refusals.py) when they decline: not found,
conflict and invalid input become not_found, conflict and validation problems.

Handlers for FastAPI's and Starlette's own errors are installed too, so even an
unknown route or a malformed JSON body answers with a problem document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from leadflow.services.refusals import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    NotYoursError,
    RefusedError,
)
from leadflow.services.suppression import SuppressedError

__all__ = [
    "PROBLEM_BASE",
    "PROBLEM_MEDIA_TYPE",
    "Problem",
    "ProblemError",
    "ProblemKind",
    "install_problem_handlers",
    "problem_response",
    "problem_responses",
    "refusal_kind",
]

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://leadflow.dev/problems/"


class ProblemKind(Enum):
    """A kind of error: its slug (the end of the ``type`` URI), status and title."""

    VALIDATION = ("validation", 422, "The request did not validate")
    BAD_REQUEST = ("bad_request", 400, "The request cannot be used")
    UNAUTHORIZED = ("unauthorized", 401, "A valid API key is required")
    FORBIDDEN = ("forbidden", 403, "This key's role may not do this")
    ORIGIN_NOT_ALLOWED = ("origin_not_allowed", 403, "This site may not send here")
    NOT_YOUR_LEAD = ("not_your_lead", 403, "This key acts as another rep")
    NOT_FOUND = ("not_found", 404, "Not found")
    METHOD_NOT_ALLOWED = ("method_not_allowed", 405, "Method not allowed")
    CONFLICT = ("conflict", 409, "The request conflicts with the current state")
    # After CONFLICT: ``for_status(409)`` answers the general kind.
    SUPPRESSED = ("suppressed", 409, "The person was erased and is not to be re-added")
    IDEMPOTENCY_PENDING = (
        "idempotency_pending",
        409,
        "The request with this Idempotency-Key took effect; its reply is not stored",
    )
    IDEMPOTENCY_KEY_REUSED = (
        "idempotency_key_reused",
        422,
        "The Idempotency-Key was used for another request",
    )
    PAYLOAD_TOO_LARGE = ("payload_too_large", 413, "The request body is too large")
    UNSUPPORTED_MEDIA = ("unsupported_media", 415, "Unsupported content type")
    RATE_LIMITED = ("rate_limited", 429, "Too many requests")
    UNAVAILABLE = ("unavailable", 503, "The service is unavailable")
    INTERNAL = ("internal", 500, "Internal error")

    def __init__(self, slug: str, status: int, title: str) -> None:
        self.slug = slug
        self.status = status
        self.title = title

    @property
    def type_uri(self) -> str:
        return PROBLEM_BASE + self.slug

    @classmethod
    def for_status(cls, status: int) -> ProblemKind:
        for kind in cls:
            if kind.status == status:
                return kind
        return cls.BAD_REQUEST if status < 500 else cls.INTERNAL


class Problem(BaseModel):
    """An RFC 9457 problem document; ``errors`` lists field errors for validation."""

    type: str = Field(description="A URI naming the kind of error; stable, branch on it.")
    title: str = Field(description="A short summary of the kind of error.")
    status: int = Field(description="The HTTP status code.")
    detail: str | None = Field(default=None, description="What happened in this case.")
    instance: str | None = Field(default=None, description="The request path.")
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="Per-field errors (validation only): loc, msg, type."
    )
    existing_id: int | None = Field(
        default=None,
        description="A conflict over a value only one record may have (a contact's e-mail "
        "address or CRM id): the id of the record that has it, also in the Location header.",
    )


class ProblemError(Exception):
    """Raise from a route or dependency to answer with a problem document."""

    def __init__(
        self,
        kind: ProblemKind,
        detail: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        errors: Sequence[Mapping[str, Any]] | None = None,
        existing_id: int | None = None,
    ) -> None:
        super().__init__(detail or kind.title)
        self.kind = kind
        self.detail = detail
        self.headers = dict(headers or {})
        self.errors = [dict(error) for error in errors] if errors is not None else None
        self.existing_id = existing_id


def problem_response(
    kind: ProblemKind,
    detail: str | None = None,
    *,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    errors: Sequence[Mapping[str, Any]] | None = None,
    existing_id: int | None = None,
) -> JSONResponse:
    problem = Problem(
        type=kind.type_uri,
        title=kind.title,
        status=kind.status,
        detail=detail,
        instance=instance,
        errors=[dict(error) for error in errors] if errors is not None else None,
        existing_id=existing_id,
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=kind.status,
        headers=dict(headers or {}),
        media_type=PROBLEM_MEDIA_TYPE,
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: each listed status documented as a problem document."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(RefusedError, _on_refusal)
    app.add_exception_handler(Exception, _on_bug)


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        exc.kind,
        exc.detail,
        instance=request.url.path,
        headers=exc.headers,
        errors=exc.errors,
        existing_id=exc.existing_id,
    )


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_field_error(error) for error in exc.errors()]
    said = _not_json(request.headers.get("content-type"))
    if said is not None and any(_body_unread(error) for error in errors):
        return problem_response(
            ProblemKind.UNSUPPORTED_MEDIA,
            "the body is read as JSON: send it with Content-Type: application/json "
            f"(this request's content type: {said})",
            instance=request.url.path,
        )
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(str(part) for part in first["loc"])
    return problem_response(
        ProblemKind.VALIDATION,
        f"{where}: {first['msg']}" if where else str(first["msg"]),
        instance=request.url.path,
        errors=errors,
    )


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    kind = ProblemKind.for_status(exc.status_code)
    detail: str | None = exc.detail if isinstance(exc.detail, str) else None
    if detail is not None and detail.casefold() in (kind.title.casefold(), "not found"):
        # Starlette's own text repeats the title; say what was asked for instead.
        detail = None
        allowed = (exc.headers or {}).get("Allow")
        if kind.status == 405 and allowed:
            # The route is there: "no such route" would send a client looking for it.
            detail = f"{request.method} is not allowed on {request.url.path}; it takes {allowed}"
        elif kind.status in (404, 405):
            detail = f"no such route: {request.method} {request.url.path}"
    return problem_response(
        kind, detail, instance=request.url.path, headers=dict(exc.headers or {})
    )


_REFUSALS: tuple[tuple[type[RefusedError], ProblemKind], ...] = (
    (NotFoundError, ProblemKind.NOT_FOUND),
    (NotYoursError, ProblemKind.NOT_YOUR_LEAD),
    (SuppressedError, ProblemKind.SUPPRESSED),  # a ConflictError: asked first
    (ConflictError, ProblemKind.CONFLICT),
    (InvalidInputError, ProblemKind.VALIDATION),
)


def refusal_kind(exc: RefusedError) -> ProblemKind:
    """The problem a service's refusal is answered with."""
    return next((kind for cls, kind in _REFUSALS if isinstance(exc, cls)), ProblemKind.BAD_REQUEST)


async def _on_refusal(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RefusedError)
    kind = refusal_kind(exc)
    errors = None
    if isinstance(exc, InvalidInputError) and exc.field is not None:
        # As a schema error's: where the value was sent, then its name, dotted apart.
        where = "query" if request.method in _NO_BODY else "body"
        loc = [where, *exc.field.split(".")]
        errors = [{"loc": loc, "msg": str(exc), "type": "value_error"}]
    return problem_response(kind, str(exc), instance=request.url.path, errors=errors)


_NO_BODY = frozenset({"GET", "HEAD", "DELETE"})


async def _on_bug(request: Request, exc: Exception) -> JSONResponse:
    # The traceback goes to the server log (uvicorn prints it); the client gets no internals.
    del exc
    return problem_response(ProblemKind.INTERNAL, instance=request.url.path)


def _not_json(content_type: str | None) -> str | None:
    """The media type a request said, when FastAPI does not read such a body as JSON.

    It reads ``application/json`` and ``application/*+json``; anything else, and a body
    with no content type at all, reaches the model as bytes and fails as "not an object".
    """
    if not content_type:
        return "none"
    media = content_type.split(";")[0].strip().lower()
    main, _, sub = media.partition("/")
    if main == "application" and (sub == "json" or sub.endswith("+json")):
        return None
    return media


def _body_unread(error: Mapping[str, Any]) -> bool:
    """A body that came but was not read as JSON (a missing one is the client's other error)."""
    return bool(error["loc"] == ["body"] and error["type"] != "missing")


def _field_error(error: Mapping[str, Any]) -> dict[str, Any]:
    """Keep what a client can act on; pydantic's ``input`` and ``ctx`` may not be JSON."""
    return {
        "loc": [str(part) for part in error.get("loc", ())],
        "msg": str(error.get("msg", "")),
        "type": str(error.get("type", "")),
    }
