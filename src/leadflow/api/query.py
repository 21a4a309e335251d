"""Query parameters a keyed route does not read are refused (422), not ignored.

An integrator who looks a contact up with ``GET /contacts?email=ann@acme.example``, or
misspells a filter (``?temprature=hot``), would otherwise get the unfiltered first page
and take its first item for the one asked about: a wrong answer that looks right. The
gate calls ``refuse_unknown_query`` on every keyed route; public routes (forms, the
snippet, ``/healthz``) keep ignoring what they do not read, because websites and
probes add their own (``?v=3`` cache busters, UTM tags on a form's address).
"""

from __future__ import annotations

from fastapi import params
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute
from starlette.requests import Request

from leadflow.api.problems import ProblemError, ProblemKind

__all__ = ["query_parameters", "refuse_unknown_query"]


def refuse_unknown_query(request: Request) -> None:
    """ProblemError (422, validation) naming each query parameter the route does not read."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    known = query_parameters(route)
    unknown = sorted({name for name in request.query_params if name not in known})
    if unknown:
        raise ProblemError(
            ProblemKind.VALIDATION, _detail(unknown, known), errors=[_error(n) for n in unknown]
        )


def query_parameters(route: APIRoute) -> frozenset[str]:
    """The names a route reads from the query string (aliases: ``from``, ``format``).

    Worked out per request that has a query string (a walk of a few dependencies):
    routes compare by value, so they make poor cache keys.
    """
    fields = get_flat_params(route.dependant)
    return frozenset(field.alias for field in fields if isinstance(field.field_info, params.Query))


def _detail(unknown: list[str], known: frozenset[str]) -> str:
    named = ", ".join(repr(name) for name in unknown)
    takes = ", ".join(sorted(known)) if known else "none"
    return f"unknown query parameter {named}; this route takes: {takes}"


def _error(name: str) -> dict[str, object]:
    return {
        "loc": ["query", name],
        "msg": "not a parameter of this route",
        "type": "extra_forbidden",
    }
