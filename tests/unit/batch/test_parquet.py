"""A demo world's Parquet files as frames: whole, or row group by row group, same verdicts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from leadflow.batch.from_facts import facts_of_row
from leadflow.batch.parquet import ParquetWorld
from leadflow.batch.qualify import (
    properties_read,
    qualify_frames,
    qualify_partitions,
    types_read,
)
from leadflow.definition.loader import load_definition
from leadflow.demo import WorldConfig, generate_world
from leadflow.engine import qualify
from tests.unit.batch.test_properties import assert_same

CONTACTS = 120
WATERFALL = load_definition("waterfall")
NOW = WorldConfig(CONTACTS, 7).window_end


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> ParquetWorld:
    folder = tmp_path_factory.mktemp("parquet-world")
    generate_world(folder, CONTACTS, 7, fmt="parquet")
    return ParquetWorld(folder)


def test_contacts_and_events_are_read_as_the_store_would_hold_them(world: ParquetWorld) -> None:
    contacts = world.contacts()
    events = world.events()
    assert contacts.ids.tolist() == list(range(1, CONTACTS + 1))
    known = pq.read_table(world.folder / "events.parquet", columns=["contact"])
    assert events.size == known["contact"].drop_null().length()
    assert bool(np.all(np.diff(events.row) >= 0))  # clustered by contact
    phone = contacts.attribute("contact.phone")
    raw = pq.read_table(world.folder / "contacts.parquet", columns=["phone"])["phone"]
    blanks = [value == "" for value in raw.to_pylist()]
    assert (phone.codes < 0).tolist() == blanks  # empty text is a missing value
    assert set(contacts.attribute("account.industry").python_values()) <= {
        "software", "logistics", "manufacturing", "financial_services", "professional_services",
        "retail", "healthcare", "energy", "media", "education", "public_sector", "construction",
    }  # fmt: skip


def test_every_contact_qualifies_as_the_engine_qualifies_it(world: ParquetWorld) -> None:
    contacts = world.contacts()
    events = world.events(properties_read(WATERFALL))
    result = qualify_frames(WATERFALL, contacts, events, NOW, partition_events=500)
    for row in range(contacts.size):
        expected = qualify(facts_of_row(contacts, events, row), WATERFALL, NOW, explain=False)
        assert_same(result.qualification(row), expected)
    assert result.sales_ready.any()


def test_row_groups_streamed_give_the_same_result_as_the_whole_file(world: ParquetWorld) -> None:
    contacts = world.contacts()
    whole = qualify_frames(WATERFALL, contacts, world.events(), NOW)
    blocks = list(world.blocks())
    assert blocks[0][0] == 0
    assert blocks[-1][1] == contacts.size
    streamed = qualify_partitions(WATERFALL, contacts, iter(blocks), NOW)
    assert whole.to_arrow().equals(streamed.to_arrow())


def test_reading_only_the_types_the_definition_reads_changes_no_verdict(
    world: ParquetWorld,
) -> None:
    contacts = world.contacts()
    wanted = types_read(WATERFALL)
    assert "email_open" not in wanted  # the demo world's most common type after page views
    every = world.events(properties_read(WATERFALL))
    read = world.events(properties_read(WATERFALL), wanted)
    assert 0 < read.size < every.size
    assert {read.types[code] for code in np.unique(read.type_code).tolist()} <= wanted
    whole = qualify_frames(WATERFALL, contacts, every, NOW)
    streamed = qualify_partitions(WATERFALL, contacts, world.blocks(types=wanted), NOW)
    for result in (qualify_frames(WATERFALL, contacts, read, NOW), streamed):
        for row in range(contacts.size):  # decayed sums added in another order: 1e-9
            assert_same(result.qualification(row), whole.qualification(row))


def test_a_folder_without_the_tables_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"contacts\.parquet"):
        ParquetWorld(tmp_path)
