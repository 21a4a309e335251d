"""Fixtures for service tests: an active definition, and a recorder on a fresh database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.services.definitions import ActiveDefinition, activate_definition, active_definition
from leadflow.services.events import EventRecorder

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def activate(session: Session, preset: str = "waterfall") -> ActiveDefinition:
    activate_definition(session, preset_text(preset), source_name=f"{preset}.yaml", now=START)
    session.commit()
    return active_definition(session)


@pytest.fixture
def active(session: Session) -> ActiveDefinition:
    return activate(session)


@pytest.fixture
def recorder(engine: Engine) -> Iterator[EventRecorder]:
    with Session(engine) as session:
        definition = activate(session)
    with EventRecorder(engine, definition, FixedClock(START)) as opened:
        yield opened
