"""Request body limits, answered as ``payload_too_large`` problems (413).

A declared ``Content-Length`` over the limit is refused before a byte is read; a body
without one (chunked) is counted as it streams and refused when it passes the limit.
The limit is per path: ``/events/batch`` takes up to 1,000 events, the rest far less.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadflow.api.problems import ProblemKind, problem_response

__all__ = ["BodyLimit"]


class BodyLimit:
    def __init__(self, app: ASGIApp, default: int, larger: Mapping[str, int]) -> None:
        self.app = app
        self.default = default
        self.larger = dict(larger)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope["path"], self.default)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            reply = problem_response(
                ProblemKind.PAYLOAD_TOO_LARGE,
                f"the body has {declared} bytes; this endpoint takes at most {limit}",
                instance=scope["path"],
            )
            await reply(scope, receive, send)
            return
        await self.app(scope, _counting(receive, limit), send)


def _counting(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                # An HTTPException is the one error FastAPI lets through from body
                # reading unchanged; the problem handler turns it into a 413 document.
                raise HTTPException(413, f"the body exceeds {limit} bytes")
        return message

    return counted


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
