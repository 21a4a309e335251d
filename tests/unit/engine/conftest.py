"""Engine fixtures: the test waterfall definition (builders.py) and a helper to qualify."""

from __future__ import annotations

import pytest

from leadflow.definition.model import Definition
from tests.unit.engine.builders import waterfall


@pytest.fixture
def definition() -> Definition:
    return waterfall()
