"""A sales key bound to a rep acts as that rep only (``leadflow keys create --rep``).

Routes where a rep acts take ``BoundScope``: the reach of the calling key, bound to its
rep or unbound (a team's integration, acting as whichever rep it names). What a bound
key may see and act on is decided in services/rep_scope.py, the rule the web's
salespeople follow too; its refusals (``NotYoursError``) are 403 ``not_your_lead``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from leadflow.api.auth import principal_of
from leadflow.services.rep_scope import RepScope

__all__ = ["BoundScope"]


def _bound_scope(request: Request) -> RepScope:
    """The calling key's reach (its gate admitted it first): bound to its rep, or not."""
    key = principal_of(request).key
    return RepScope(None if key is None else key.rep)


BoundScope = Annotated[RepScope, Depends(_bound_scope)]
