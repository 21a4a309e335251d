"""Partitions: never split a contact, cover every row in order, change nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import numpy as np
import pytest

from leadflow.batch.frames import EventFrame
from leadflow.batch.from_facts import frames_of
from leadflow.batch.qualify import partition_bounds, qualify_frames, qualify_partitions
from leadflow.definition.loader import load_definition
from leadflow.domain.facts import Event, Facts

NOW = datetime(2026, 6, 1, tzinfo=UTC)
WATERFALL = load_definition("waterfall")


def _people() -> list[Facts]:
    return [
        Facts(
            contact={"email": f"p{n}@acme.example", "seniority": "director"},
            account={"industry": "software", "employees": 200 + n, "country": "DE"},
            events=tuple(
                Event(kind, NOW - timedelta(days=days))
                for days, kind in enumerate(["page_view", "demo_request", "email_click"][: n % 4])
            ),
        )
        for n in range(30)
    ]


def test_partitions_cover_every_row_and_keep_a_contacts_events_together() -> None:
    rows = np.array([0, 0, 0, 1, 3, 3, 3, 3, 7], dtype=np.int32)
    bounds = partition_bounds(rows, 9, 2)
    assert bounds[0][0] == 0
    assert bounds[-1][1] == 9
    assert all(a[1] == b[0] for a, b in pairwise(bounds))
    for first, stop in bounds:  # no contact's events straddle a boundary
        inside = rows[(rows >= first) & (rows < stop)]
        assert set(inside.tolist()) <= set(range(first, stop))
    assert partition_bounds(rows, 0, 2) == []


def test_the_partition_size_changes_nothing() -> None:
    contacts, events = frames_of(_people())
    tables = [
        qualify_frames(WATERFALL, contacts, events, NOW, partition_events=size).to_arrow()
        for size in (1, 3, 1 << 20)
    ]
    assert tables[0].equals(tables[1])
    assert tables[0].equals(tables[2])
    assert tables[0]["stage"].to_pylist().count("sql") > 0


def test_partitions_out_of_order_or_short_are_refused() -> None:
    contacts, events = frames_of(_people())
    with pytest.raises(ValueError, match="in order"):
        qualify_partitions(WATERFALL, contacts, [(5, 30, EventFrame.empty())], NOW)
    with pytest.raises(ValueError, match="covered 10 of 30"):
        qualify_partitions(WATERFALL, contacts, [(0, 10, events.rows_slice(0, 10))], NOW)


def test_events_must_be_clustered_by_contact() -> None:
    with pytest.raises(ValueError, match="clustered"):
        EventFrame(np.array([1, 0]), np.array([0, 0]), ("page_view",), np.array([0, 0]), {})
