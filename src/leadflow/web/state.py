"""What the web application holds: the API's state (engine, sessions, clock, limits)
and its own long-lived objects. Built by ``install_web``, never at import time."""

from __future__ import annotations

from dataclasses import dataclass, field

from jinja2 import Environment

from leadflow.api.state import ApiState
from leadflow.web.report_cache import ReportCache

__all__ = ["UI_PREFIX", "WebState"]

UI_PREFIX = "/ui"


@dataclass(frozen=True, slots=True)
class WebState:
    api: ApiState
    templates: Environment
    reports: ReportCache = field(default_factory=ReportCache)
    prefix: str = UI_PREFIX
