"""A sales key bound to a rep acts as that rep only (``leadflow keys create --rep``).

Routes where a rep acts take ``BoundRep``, the rep the calling key is bound to (None: an
unbound key, a team's integration, acting as whichever rep it names), and refuse a bound
key naming or touching another rep with ``not_yours`` (403, ``not_your_lead``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from leadflow.api.auth import principal_of
from leadflow.api.problems import ProblemError, ProblemKind

__all__ = ["BoundRep", "as_bound", "not_yours"]


def _bound_rep(request: Request) -> str | None:
    """The rep the calling key is bound to (its gate admitted it first), or None."""
    key = principal_of(request).key
    return None if key is None else key.rep


BoundRep = Annotated[str | None, Depends(_bound_rep)]


def not_yours(bound: str, whose: str) -> ProblemError:
    return ProblemError(
        ProblemKind.NOT_YOUR_LEAD, f"this key acts as rep {bound!r} only; this is {whose}"
    )


def as_bound(bound: str | None, named: str | None) -> str | None:
    """The rep acting: the one named, or the key's rep (who may name only themselves)."""
    if bound is None:
        return named
    if named is not None and named != bound:
        raise not_yours(bound, f"rep {named!r}")
    return bound
