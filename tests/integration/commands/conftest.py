"""The database a command uses: PostgreSQL through LEADFLOW_DATABASE_URL, else workspace SQLite."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from leadflow.services.events import EventRecorder


@pytest.fixture
def store_url(backend: str, database_url: str, monkeypatch: pytest.MonkeyPatch) -> str | None:
    if backend == "postgresql":
        monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
        return database_url
    monkeypatch.delenv("LEADFLOW_DATABASE_URL", raising=False)
    return None


@pytest.fixture
def ctrl_c_on_second_batch(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """An import interrupted (Ctrl-C) while its second batch is being recorded; calling
    the fixture's value lets the next import run uninterrupted."""
    real_batch = EventRecorder.record_batch
    batches: list[int] = []

    def interrupted(recorder: EventRecorder, *args: Any, **options: Any) -> Any:
        batches.append(1)
        if len(batches) == 2:
            raise KeyboardInterrupt
        return real_batch(recorder, *args, **options)

    monkeypatch.setattr(EventRecorder, "record_batch", interrupted)
    return lambda: monkeypatch.setattr(EventRecorder, "record_batch", real_batch)
