"""The database a command uses: PostgreSQL through LEADFLOW_DATABASE_URL, else workspace SQLite."""

from __future__ import annotations

import pytest


@pytest.fixture
def store_url(backend: str, database_url: str, monkeypatch: pytest.MonkeyPatch) -> str | None:
    if backend == "postgresql":
        monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
        return database_url
    monkeypatch.delenv("LEADFLOW_DATABASE_URL", raising=False)
    return None
