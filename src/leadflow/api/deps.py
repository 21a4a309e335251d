"""Typed dependencies the routes declare (``SessionDep``, ``ClockDep`` ...).

Sessions come in two kinds: ``ReadSession`` for queries and ``WriteSession`` whose
SQLite transactions take the write lock up front (``store.database.writer``), so a
read-then-write use case never fails half way. Services commit; a session left with
uncommitted work (an error on the way) is rolled back when the request ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from leadflow.api.auth import Principal, principal_of
from leadflow.api.metrics import ApiMetrics
from leadflow.api.problems import ProblemError, ProblemKind
from leadflow.api.state import ApiState
from leadflow.domain.clock import Clock
from leadflow.services.definitions import (
    ActiveDefinition,
    NoActiveDefinitionError,
    active_definition,
)

__all__ = [
    "ClockDep",
    "MetricsDep",
    "NowDep",
    "PrincipalDep",
    "ReadSessionDep",
    "StateDep",
    "WriteSessionDep",
]


# Cheap dependencies are ``async def``: FastAPI runs a plain ``def`` dependency in the
# thread pool, a hop that costs more than the dependency itself.


async def _state(request: Request) -> ApiState:
    state: ApiState = request.app.state.leadflow
    return state


StateDep = Annotated[ApiState, Depends(_state)]


def _read_session(state: StateDep) -> Iterator[Session]:
    with state.reads() as session:
        yield session


def _write_session(state: StateDep) -> Iterator[Session]:
    with state.writes() as session:
        yield session


async def _clock(state: StateDep) -> Clock:
    return state.clock


async def _now(state: StateDep) -> datetime:
    return state.clock.now()


async def _metrics(state: StateDep) -> ApiMetrics:
    return state.metrics


ReadSessionDep = Annotated[Session, Depends(_read_session)]
WriteSessionDep = Annotated[Session, Depends(_write_session)]
ClockDep = Annotated[Clock, Depends(_clock)]
NowDep = Annotated[datetime, Depends(_now)]
MetricsDep = Annotated[ApiMetrics, Depends(_metrics)]


async def _principal(request: Request) -> Principal:
    return principal_of(request)


PrincipalDep = Annotated[Principal, Depends(_principal)]


def active_or_conflict(session: Session) -> ActiveDefinition:
    """The active definition; a workspace without one is a 409 problem, not a crash."""
    try:
        return active_definition(session)
    except NoActiveDefinitionError as error:
        raise ProblemError(ProblemKind.CONFLICT, str(error)) from None
