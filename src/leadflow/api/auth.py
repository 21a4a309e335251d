"""Who may call what: every route declares a ``Gate``, and the gate checks the API key.

A key travels in ``X-API-Key: lf_...`` or ``Authorization: Bearer lf_...`` (Prometheus
and most HTTP clients can send the latter). Declaring a route:

    @router.get("/contacts", dependencies=[allow(Role.MARKETING, Role.SALES)])
    @router.post("/forms/{form_id}", dependencies=[PUBLIC])

``admin`` may use every route; ``allow`` adds it. The roles are data on the route (the
gate is the dependency's callable), so ``create_app`` refuses a route without exactly
one gate, copies each route's roles into the OpenAPI document (``x-roles``), and a
test walks the whole route table checking 401 without a key and 403 for each role
outside the list.

The gate also applies the per-key rate limit (per client address on public routes),
because only after authentication is it known whose bucket a request drains, and on
keyed routes refuses query parameters the route does not read (api/query.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from fastapi import Depends, FastAPI, Request, params
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.concurrency import run_in_threadpool

from leadflow.api.problems import ProblemError, ProblemKind
from leadflow.api.query import refuse_unknown_query
from leadflow.api.state import ApiState
from leadflow.services.api_keys import KeyInfo, Role, authenticate, hash_secret

__all__ = [
    "PUBLIC",
    "SECURITY_REQUIREMENT",
    "SECURITY_SCHEMES",
    "Gate",
    "Principal",
    "allow",
    "api_routes",
    "gate_of",
    "limit",
    "principal_of",
    "secret_of",
]


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller of a request: a key, or nobody on a public route."""

    key: KeyInfo | None
    client: str

    @property
    def bucket(self) -> tuple[str, object]:
        return ("key", self.key.id) if self.key else ("client", self.client)

    @property
    def actor(self) -> str:
        """Who did it, as records that name a person say it: the API key's name."""
        name = self.key.name if self.key is not None else "unknown"
        return f"API key {name}"[:200]


class Gate:
    """A route's access rule: the roles it admits, or public. The callable checks it."""

    def __init__(self, roles: Iterable[Role], *, public: bool = False) -> None:
        self.roles: frozenset[Role] = frozenset(roles) | (frozenset() if public else {Role.ADMIN})
        self.public = public

    def admits(self, role: Role) -> bool:
        return self.public or role in self.roles

    async def __call__(self, request: Request) -> Principal:
        # Headers are read here rather than through FastAPI's security classes: each
        # sub-dependency costs time on every request (SECURITY_SCHEMES documents them).
        state: ApiState = request.app.state.leadflow
        secret = _secret(request)
        client = request.client.host if request.client else "unknown"
        key = await _key_for(state, secret) if secret else None
        if not self.public:
            _check(key, self.roles)
        principal = Principal(key, client)
        limit(state, principal)
        if not self.public:
            refuse_unknown_query(request)
        request.state.principal = principal
        return principal


def allow(*roles: Role) -> params.Depends:
    """The dependency that admits ``roles`` (and admin) to a route."""
    dependency: params.Depends = Depends(Gate(roles))
    return dependency


PUBLIC: params.Depends = Depends(Gate((), public=True))

# How the OpenAPI document describes the two ways to send a key.
SECURITY_SCHEMES: dict[str, dict[str, str]] = {
    "ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "Bearer": {"type": "http", "scheme": "bearer", "description": "The API key as a token."},
}
SECURITY_REQUIREMENT: list[dict[str, list[str]]] = [{"ApiKey": []}, {"Bearer": []}]


def _secret(request: Request) -> str | None:
    return secret_of(request.headers.get("x-api-key"), request.headers.get("authorization"))


def secret_of(x_api_key: str | None, authorization: str | None) -> str | None:
    """The key a request sends, from its ``X-API-Key`` or ``Authorization`` header."""
    if x_api_key:
        return x_api_key
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def gate_of(route: APIRoute) -> Gate | None:
    """The gate a route declared (None: it declared none, which ``create_app`` refuses)."""
    gates = [dep.call for dep in _walk(route.dependant) if isinstance(dep.call, Gate)]
    if len(gates) != 1:
        return None
    return gates[0]


def api_routes(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    """Every API route of ``app`` with its full path (prefixes included)."""
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.path is not None:
            yield context.path, route


def principal_of(request: Request) -> Principal:
    principal: Principal = request.state.principal
    return principal


def _walk(dependant: Dependant) -> Iterable[Dependant]:
    for child in dependant.dependencies:
        yield child
        yield from _walk(child)


async def _key_for(state: ApiState, secret: str) -> KeyInfo | None:
    digest = hash_secret(secret)
    cached = state.keys.get(digest)
    if cached is not None:
        return cached
    key = await run_in_threadpool(_lookup, state, secret)
    if key is not None:
        state.keys.put(digest, key)
    return key


def _lookup(state: ApiState, secret: str) -> KeyInfo | None:
    with state.reads() as session:
        return authenticate(session, secret)


def _check(key: KeyInfo | None, roles: frozenset[Role]) -> None:
    if key is None:
        raise ProblemError(
            ProblemKind.UNAUTHORIZED,
            "send a valid, unrevoked API key in X-API-Key or Authorization: Bearer",
            headers={"WWW-Authenticate": 'Bearer realm="leadflow"'},
        )
    if key.role not in roles:
        allowed = ", ".join(sorted(role.value for role in roles))
        raise ProblemError(
            ProblemKind.FORBIDDEN, f"role {key.role.value} may not do this; allowed: {allowed}"
        )


def limit(state: ApiState, principal: Principal) -> None:
    """Take a token from the caller's bucket; ProblemError (429) when it is empty."""
    limiter = state.limiter if principal.key else state.public_limiter
    wait = limiter.take(principal.bucket)
    if wait > 0:
        raise ProblemError(
            ProblemKind.RATE_LIMITED,
            f"rate limit reached; retry in {wait:.2f} s",
            headers={"Retry-After": limiter.retry_after(wait)},
        )
