"""Prometheus metrics of one API process, served at ``/metrics`` in the text format.

    leadflow_http_requests_total{method,route,status}        requests answered
    leadflow_http_request_duration_seconds{method,route}     latency histogram
    leadflow_events_ingested_total{outcome}                  stored|duplicate|rejected|suppressed
    leadflow_form_submissions_total{outcome}                 forms: accepted | spam | rejected

``route`` is the route's template (``/contacts/{contact_id}``), never the raw path, so
the number of series stays bounded whatever clients send. Each app owns its registry
(nothing is registered globally at import time), so several apps can live in one
process, as they do in the tests.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadflow.services.events import Outcome, Recorded, Suppressed

__all__ = ["METRICS_MEDIA_TYPE", "ApiMetrics", "MetricsMiddleware"]

METRICS_MEDIA_TYPE = CONTENT_TYPE_LATEST

# Latency buckets around what the API aims for (single events well under 25 ms).
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "leadflow_http_requests",
            "HTTP requests answered.",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "leadflow_http_request_duration_seconds",
            "Time to answer an HTTP request.",
            ("method", "route"),
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.events = Counter(
            "leadflow_events_ingested",
            "Events received through the API, by outcome.",
            ("outcome",),
            registry=self.registry,
        )
        self.forms = Counter(
            "leadflow_form_submissions",
            "Web form submissions, by outcome.",
            ("outcome",),
            registry=self.registry,
        )

        # Labelled children by their labels: ``labels()`` checks and looks the values up
        # under a lock, about 10 µs a call, several times per request (and per event of
        # a batch) on the hot path. The children are stable, so they are kept.
        self._answered: dict[tuple[str, str, str], Any] = {}
        self._timed: dict[tuple[str, str], Any] = {}
        self._ingested: dict[str, Any] = {}

    def answered(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count and time one answered request."""
        counted = self._answered.get((method, route, str(status)))
        if counted is None:
            counted = self._answered[(method, route, str(status))] = self.requests.labels(
                method, route, str(status)
            )
        timed = self._timed.get((method, route))
        if timed is None:
            timed = self._timed[(method, route)] = self.latency.labels(method, route)
        counted.inc()
        timed.observe(seconds)

    def ingested(self, outcome: str, count: int = 1) -> None:
        """Count ``count`` events received with this outcome (stored, duplicate, rejected)."""
        counted = self._ingested.get(outcome)
        if counted is None:
            counted = self._ingested[outcome] = self.events.labels(outcome)
        counted.inc(count)

    def counted(self, outcomes: Iterable[Outcome]) -> None:
        """Count recorded events by outcome: stored, duplicate (stored before), rejected,
        suppressed (an erased person's: acknowledged, not stored)."""
        counts = dict.fromkeys(("stored", "duplicate", "rejected", "suppressed"), 0)
        for outcome in outcomes:
            if isinstance(outcome, Recorded):
                counts["duplicate" if outcome.duplicate else "stored"] += 1
            elif isinstance(outcome, Suppressed):
                counts["suppressed"] += 1
            else:
                counts["rejected"] += 1
        for label, count in counts.items():
            if count:
                self.ingested(label, count)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class MetricsMiddleware:
    """Counts and times every HTTP request, labelled by route template and status."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client sees if the app fails before answering
        root = scope.get("root_path", "")

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", None)
            # A mounted app (the pages at /ui) adds its prefix to root_path: "/ui/leads",
            # not "/leads" (an API route's template), nor "/" for the dashboard.
            mount = str(scope.get("root_path", ""))[len(root) :]
            template = mount + path if path else _untemplated(scope, root, mount, status)
            method = str(scope.get("method", ""))
            self.metrics.answered(method, template, status, time.perf_counter() - started)


def _untemplated(scope: Scope, root: str, mount: str, status: int) -> str:
    """The label of a request no FastAPI route answered (only those put themselves in
    ``scope["route"]``). A mounted app without routes (the pages' static files): the
    mount and ``{path}``, not one series per file a client asks for. A plain Starlette
    route without parameters (``/``, the redirect to the pages): its path, which is its
    template. Anything else, and every 404: "unmatched"."""
    if status == 404:
        return "unmatched"
    if mount:
        return mount + "/{path}"
    if scope.get("endpoint") is not None and not scope.get("path_params"):
        return str(scope.get("path", ""))[len(root) :] or "unmatched"
    return "unmatched"
