"""A demo world shared by the analytics tests: generated once, loaded per database."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadflow.demo import generate_world

# Large enough that the channels' won rates keep the hidden quality order (seed 1).
WORLD_CONTACTS = 2_000


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-world")
    generate_world(folder, WORLD_CONTACTS, 1, fmt="parquet")
    return folder


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 150 contacts and 7,000 events: enough history to replay quickly."""
    folder = tmp_path_factory.mktemp("small-world")
    generate_world(folder, 150, 3, fmt="parquet")
    return folder
