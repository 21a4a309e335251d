"""The events fast lane: ``POST /events`` and ``POST /events/batch`` in the common case.

A single event through FastAPI's layers (routing through every router, dependency
solving, the exception and exit-stack middlewares) cost more CPU than recording the
event itself. This ASGI middleware answers the common case directly and hands
everything else to the FastAPI routes, unchanged:

    taken here        a JSON body with a Content-Length, a key already in the key cache
                      whose role the route admits, a body the route's model accepts, no
                      ``Idempotency-Key``
    handed over       anything else: no key or an unknown one (the route looks it up and
                      caches it), a wrong role, a body that does not validate, chunked
                      bodies, ``Idempotency-Key`` (the stored-reply path), a query
                      string (the gate refuses parameters the route does not read) ...

So every refusal is the route's own answer, word for word. What the lane does is what
the route does: the same gate decision (``Gate.admits``), the same rate limit bucket,
the same pydantic models and parsing (``json.loads``, as Starlette's ``Request.json``),
the same group commit (``Recorders.record_async``: answered after the commit), the same
replies and problem documents, and the same metrics (it names the route in the scope,
so ``MetricsMiddleware`` labels the request ``/events``). The body a request handed
over was already read; it is replayed to the route.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadflow.api.auth import Gate, Principal, gate_of, limit, secret_of
from leadflow.api.outage import unavailable_response
from leadflow.api.problems import ProblemError, problem_response
from leadflow.api.routers.events import reply_batch, reply_single
from leadflow.api.schemas.events import EventBatch, EventIn
from leadflow.api.state import ApiState
from leadflow.services.api_keys import KeyInfo, hash_secret
from leadflow.store.database import database_unavailable

__all__ = ["FAST_PATHS", "EventsFastLane"]

FAST_PATHS: Mapping[str, type[BaseModel]] = {"/events": EventIn, "/events/batch": EventBatch}


class EventsFastLane:
    def __init__(self, app: ASGIApp, state: ApiState, routes: Iterable[tuple[str, APIRoute]]):
        self.app = app
        self.state = state
        self.routes: dict[str, tuple[APIRoute, Gate]] = {}
        for path, route in routes:
            gate = gate_of(route)
            if path in FAST_PATHS and "POST" in (route.methods or ()) and gate is not None:
                self.routes[path] = (route, gate)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        taken = self._taken(scope)
        if taken is None:
            await self.app(scope, receive, send)
            return
        route, key = taken
        body = await _body(receive)
        model = _parsed(FAST_PATHS[route.path], body)
        if model is None:  # the route answers with its own validation problem
            await self.app(scope, _replay(body, receive), send)
            return
        scope["route"] = route  # what MetricsMiddleware labels the request with
        client = scope.get("client")
        try:
            limit(self.state, Principal(key, client[0] if client else "unknown"))
            if isinstance(model, EventIn):
                reply = await reply_single(self.state, model)
            else:
                assert isinstance(model, EventBatch)
                reply = await reply_batch(self.state, model)
        except ProblemError as problem:
            reply = problem_response(
                problem.kind,
                problem.detail,
                instance=scope["path"],
                headers=problem.headers,
                errors=problem.errors,
            )
        except Exception as error:  # outside FastAPI's handlers: answer as they would
            if not database_unavailable(error):
                raise
            self.state.outages.report(error, f"POST {scope['path']}")
            reply = unavailable_response(scope["path"])
        await reply(scope, receive, send)

    def _taken(self, scope: Scope) -> tuple[APIRoute, KeyInfo] | None:
        """The route and caller of a request the lane answers; None: hand it over."""
        if scope["type"] != "http" or scope["method"] != "POST" or scope.get("query_string"):
            return None  # a query string: the route refuses what it does not read
        found = self.routes.get(scope["path"])
        if found is None:
            return None
        route, gate = found
        headers = _headers(scope)
        if b"idempotency-key" in headers or b"content-length" not in headers:
            return None
        media = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if media != b"application/json":
            return None
        secret = secret_of(_text(headers.get(b"x-api-key")), _text(headers.get(b"authorization")))
        key = None if secret is None else self.state.keys.get(hash_secret(secret))
        if key is None or not gate.admits(key.role):
            return None
        return route, key


def _headers(scope: Scope) -> dict[bytes, bytes]:
    headers: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        headers.setdefault(name, value)  # the first one, as Starlette's Headers.get
    return headers


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("latin-1")


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away: what came is all there is
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _parsed(model: type[BaseModel], body: bytes) -> BaseModel | None:
    try:
        return model.model_validate(json.loads(body))
    except (ValueError, ValidationError):  # JSONDecodeError and UnicodeDecodeError too
        return None


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
