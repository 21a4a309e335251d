"""Typed dependencies of the pages (``ReadsDep``, ``WritesDep``, ``ViewerDep`` ...).

The same two kinds of database session as the API (``api.deps``): ``ReadsDep`` for
pages, ``WritesDep`` for forms, whose SQLite transaction takes the write lock first.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from leadflow.domain.clock import Clock
from leadflow.web.guard import Viewer, viewer_of
from leadflow.web.state import WebState

__all__ = ["ClockDep", "NowDep", "ReadsDep", "ViewerDep", "WebDep", "WritesDep"]


async def _web(request: Request) -> WebState:
    web: WebState = request.app.state.web
    return web


WebDep = Annotated[WebState, Depends(_web)]


def _reads(web: WebDep) -> Iterator[Session]:
    with web.api.reads() as session:
        yield session


def _writes(web: WebDep) -> Iterator[Session]:
    with web.api.writes() as session:
        yield session


async def _clock(web: WebDep) -> Clock:
    return web.api.clock


async def _now(web: WebDep) -> datetime:
    return web.api.clock.now()


async def _viewer(request: Request) -> Viewer:
    return viewer_of(request)


ReadsDep = Annotated[Session, Depends(_reads)]
WritesDep = Annotated[Session, Depends(_writes)]
ClockDep = Annotated[Clock, Depends(_clock)]
NowDep = Annotated[datetime, Depends(_now)]
ViewerDep = Annotated[Viewer, Depends(_viewer)]
