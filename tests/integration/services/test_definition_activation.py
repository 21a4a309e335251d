"""Activating definition versions: one active at a time, even when two activations race."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadflow.definition.builtin import preset_text
from leadflow.services.definitions import activate_definition
from leadflow.store.models import DefinitionVersion
from tests.integration.concurrency import second_waits_for_first
from tests.integration.services.conftest import START, activate


def _versions(engine: Engine) -> list[tuple[str, bool]]:
    with Session(engine) as session:
        rows = session.execute(select(DefinitionVersion.name, DefinitionVersion.active))
        return sorted((name, bool(active)) for name, active in rows)


def test_two_activations_at_once_on_postgresql_wait_for_each_other(
    engine: Engine, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite runs one writer at a time already")
    with Session(engine) as session:
        activate(session, "waterfall")
    later = START + timedelta(minutes=1)
    second_waits_for_first(
        engine,
        lambda one: activate_definition(
            one, preset_text("fit-first"), source_name="a.yaml", now=START
        ),
        lambda two: activate_definition(
            two, preset_text("hubspot"), source_name="b.yaml", now=later
        ),
    )

    assert _versions(engine) == [("fit-first", False), ("hubspot", True), ("waterfall", False)]
