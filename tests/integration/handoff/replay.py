"""Replay a demo world through leadflow's hand-off, with a clock that moves forward.

The set-up and the replay are the demo workspace's own (``services.demo_workspace``
``load_demo_world``, ``services.demo_sales.replay_world``): the world's accounts and
contacts are imported, its sales team staffed (named accounts included), then its
events and sales work are replayed in time order. Here the world is loaded as of its
first day, and replayed to its end. What leadflow refused is counted per contact in
``Replayed``, not hidden.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from leadflow.domain.clock import FixedClock
from leadflow.services.demo_sales import Replayed, replay_world
from leadflow.services.demo_workspace import load_demo_world

__all__ = ["demo_handoffs", "replay", "truth_under_worked"]


def replay(world: Path, engine: Engine, start: datetime, end: datetime) -> Replayed:
    """Load ``world`` as of ``start`` and replay it up to ``end``."""
    load_demo_world(engine, world, FixedClock(start))
    return replay_world(engine, world, until=end)


def truth_under_worked(world: Path) -> set[str]:
    with (world / "truth_contacts.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["contact_id"] for row in csv.DictReader(handle) if row["under_worked"] == "true"
        }


def demo_handoffs(world: Path) -> dict[str, list[dict[str, Any]]]:
    """Demo contact id -> its hand_off activities, in time order."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with (world / "activities.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            raw = json.loads(line)
            if raw["kind"] == "hand_off":
                found[raw["contact_id"]].append(raw)
    return found
