"""Demo worlds shared by the demo tests: generated once per session, read as plain files."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

from leadflow.demo import generate_world

SMALL = 400  # contacts: enough for every event type, channel and sales story
MODERATE = 6000  # contacts: enough closed leads for win rates to be compared


@dataclass
class WorldFiles:
    """A generated world, read back the way any consumer would: from its files."""

    folder: Path

    def csv(self, name: str) -> list[dict[str, str]]:
        with (self.folder / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def jsonl(self, name: str) -> list[dict[str, Any]]:
        with (self.folder / name).open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle]

    @cached_property
    def contacts(self) -> list[dict[str, str]]:
        return self.csv("contacts.csv")

    @cached_property
    def accounts(self) -> list[dict[str, str]]:
        return self.csv("accounts.csv")

    @cached_property
    def events(self) -> list[dict[str, Any]]:
        return self.jsonl("events.jsonl")

    @cached_property
    def activities(self) -> list[dict[str, Any]]:
        return self.jsonl("activities.jsonl")

    @cached_property
    def opportunities(self) -> list[dict[str, str]]:
        return self.csv("opportunities.csv")

    @cached_property
    def truth_contacts(self) -> list[dict[str, str]]:
        return self.csv("truth_contacts.csv")

    @cached_property
    def truth(self) -> dict[str, Any]:
        return dict(json.loads((self.folder / "truth.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> WorldFiles:
    folder = tmp_path_factory.mktemp("small-world")
    generate_world(folder, SMALL, seed=7)
    return WorldFiles(folder)


@pytest.fixture(scope="session")
def moderate_world(tmp_path_factory: pytest.TempPathFactory) -> WorldFiles:
    folder = tmp_path_factory.mktemp("moderate-world")
    generate_world(folder, MODERATE, seed=3)
    return WorldFiles(folder)
