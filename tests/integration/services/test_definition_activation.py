"""Activating definition versions: one active at a time, even when two activations race."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadflow.definition.builtin import preset_text
from leadflow.services.definitions import activate_definition
from leadflow.store.models import DefinitionVersion
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
    first = Session(engine)
    activate_definition(first, preset_text("fit-first"), source_name="a.yaml", now=START)
    failures: list[BaseException] = []

    def activate_the_other() -> None:
        try:
            with Session(engine) as second:
                text = preset_text("hubspot")
                later = START + timedelta(minutes=1)
                activate_definition(second, text, source_name="b.yaml", now=later)
                second.commit()
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    thread = threading.Thread(target=activate_the_other)
    thread.start()
    thread.join(timeout=1)
    assert thread.is_alive()  # waiting for the first activation to commit
    first.commit()
    first.close()
    thread.join(timeout=60)

    assert failures == []
    assert _versions(engine) == [("fit-first", False), ("hubspot", True), ("waterfall", False)]
