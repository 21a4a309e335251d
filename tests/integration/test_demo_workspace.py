"""`make run`'s workspace: built once from a generated world, then reused as it is."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from leadflow.demo import generate_world
from leadflow.domain.clock import FixedClock, parse_instant
from leadflow.services.demo_workspace import build_demo_workspace, demo_marker, load_demo_world
from leadflow.services.form_config import load_forms
from leadflow.store.database import make_engine
from leadflow.store.migrate import current, downgrade, head, upgrade
from leadflow.store.models import Account, Contact, DefinitionVersion, Qualification
from tests.integration.services.conftest import activate

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
            active = session.scalar(select(DefinitionVersion.name).where(DefinitionVersion.active))
    finally:
        engine.dispose()
    assert contacts == qualified == built.contacts == 60
    assert ready == built.sales_ready
    assert (with_industry or 0) > 0  # the world's accounts were imported
    assert active == "kestrel"  # the demo company's definition, not the bare preset
    site = load_forms(tmp_path)  # the demo website's form and tracking (examples/website)
    assert site.forms["demo-request"].event == "demo_request"
    assert site.tracking is not None
    assert site.tracking.origins == ("http://localhost:8080",)
    again = build_demo_workspace(
        tmp_path, database_url=url, clock=FixedClock(NOW), contacts=60, seed=3
    )
    assert not again.built_now
    assert again == replace(built, built_now=False)


def test_a_workspace_built_before_the_sales_side_is_still_reused(tmp_path: Path) -> None:
    figures = {"contacts": 60, "events_recorded": 10, "events_rejected": 0, "sales_ready": 2}
    demo_marker(tmp_path).write_text(json.dumps(figures), encoding="utf-8")

    again = build_demo_workspace(
        tmp_path, database_url="sqlite://", clock=FixedClock(NOW), contacts=60, seed=3
    )

    assert not again.built_now
    assert (again.contacts, again.sales_ready, again.handed_off, again.won) == (60, 2, 0, 0)


def test_only_the_contacts_known_by_the_builds_moment_are_imported(
    engine: Engine, tmp_path: Path
) -> None:
    # The world runs to midnight after its last day: a build at noon must not hold the
    # people who become known in the afternoon (they were in the funnel before existing).
    with Session(engine) as session:
        activate(session)
    world = generate_world(tmp_path / "world", 60, 3).out_dir
    with (world / "contacts.csv").open(encoding="utf-8", newline="") as handle:
        created = sorted(parse_instant(row["created_at"]) for row in csv.DictReader(handle))
    moment = created[30] + timedelta(seconds=1)

    load_demo_world(engine, world, FixedClock(moment), known_by=moment)

    with Session(engine) as session:
        stored = session.scalars(select(Contact.created_at)).all()
    assert len(stored) == sum(1 for at in created if at <= moment)
    assert max(stored) <= moment


def test_a_reused_workspace_is_brought_to_the_newest_schema(tmp_path: Path) -> None:
    # `make run` after pulling a new migration: `leadflow serve` refuses a schema behind
    # its own, so the demo it reuses is migrated first (a demo holds no one's real data).
    url = f"sqlite:///{tmp_path / 'leadflow.db'}"
    engine = make_engine(url)
    upgrade(engine)
    downgrade(engine, "-1")
    figures = {"contacts": 60, "events_recorded": 10, "events_rejected": 0, "sales_ready": 2}
    demo_marker(tmp_path).write_text(json.dumps(figures), encoding="utf-8")

    build_demo_workspace(tmp_path, database_url=url, clock=FixedClock(NOW), contacts=60, seed=3)

    assert current(engine) == head()
    engine.dispose()
