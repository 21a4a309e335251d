"""`make run`'s workspace: built once from a generated world, then reused as it is."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock
from leadflow.services.demo_workspace import build_demo_workspace, demo_marker
from leadflow.store.database import make_engine
from leadflow.store.models import Account, Contact, Qualification

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.mark.slow
def test_the_demo_workspace_is_built_once_with_every_contact_qualified(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'leadflow.db'}"
    built = build_demo_workspace(
        tmp_path, database_url=url, clock=FixedClock(NOW), contacts=60, seed=3
    )
    assert built.built_now
    assert demo_marker(tmp_path).exists()
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            contacts = session.scalar(select(func.count()).select_from(Contact))
            qualified = session.scalar(select(func.count()).select_from(Qualification))
            ready = session.scalar(
                select(func.count()).select_from(Qualification).where(Qualification.sales_ready)
            )
            with_industry = session.scalar(
                select(func.count()).select_from(Account).where(Account.industry.is_not(None))
            )
    finally:
        engine.dispose()
    assert contacts == qualified == built.contacts == 60
    assert ready == built.sales_ready
    assert (with_industry or 0) > 0  # the world's accounts were imported
    again = build_demo_workspace(
        tmp_path, database_url=url, clock=FixedClock(NOW), contacts=60, seed=3
    )
    assert not again.built_now
    assert (again.events_recorded, again.sales_ready) == (built.events_recorded, ready)
