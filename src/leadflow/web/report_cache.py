"""Reports kept for a minute (``WebState.reports``).

A report reads the store as a whole (journeys rebuilt from the ledger), which is too
much to repeat for every dashboard view; the figures of a minute ago are what a person
glancing at a dashboard wants anyway.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from leadflow.analytics.report import Report

__all__ = ["TTL_SECONDS", "ReportCache"]

TTL_SECONDS = 60.0
_MAX_ENTRIES = 64  # a handful of reports and periods are in use at a time


@dataclass
class ReportCache:
    ttl: float = TTL_SECONDS
    _entries: dict[tuple[object, ...], tuple[float, Report]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: tuple[object, ...]) -> Report | None:
        with self._lock:
            found = self._entries.get(key)
        if found is None or time.monotonic() - found[0] > self.ttl:
            return None
        return found[1]

    def put(self, key: tuple[object, ...], report: Report) -> None:
        with self._lock:
            if len(self._entries) > _MAX_ENTRIES:
                self._entries.clear()
            self._entries[key] = (time.monotonic(), report)
