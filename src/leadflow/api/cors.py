"""CORS for the website's routes only: forms, the snippet's hits.

A page's JavaScript posting JSON to ``/forms/{id}`` needs a CORS preflight answered; the
rest of the API is for servers holding keys and answers no browser from another site.
Starlette's ``CORSMiddleware`` does the protocol; this wrapper only keeps it off every
other path. The origins are forms.yaml's ``tracking.origins``.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["WEBSITE_PATHS", "WebsiteCors"]

WEBSITE_PATHS = ("/forms/", "/collect")


class WebsiteCors:
    def __init__(self, app: ASGIApp, *, origins: Sequence[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=list(origins),
            allow_methods=["POST"],
            allow_headers=["Content-Type"],
            max_age=86_400,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(WEBSITE_PATHS):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
