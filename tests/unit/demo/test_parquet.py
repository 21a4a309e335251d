"""--format parquet: typed columns, events clustered by contact, still deterministic."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from leadflow.demo import generate_world
from leadflow.domain.vocabulary import STANDARD_EVENT_TYPES

CONTACTS = 300


@pytest.fixture(scope="module")
def parquet_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("parquet-world")
    generate_world(folder, CONTACTS, seed=11, fmt="parquet")
    return folder


def test_parquet_worlds_are_byte_identical(parquet_world: Path, tmp_path: Path) -> None:
    generate_world(tmp_path, CONTACTS, seed=11, fmt="parquet")
    names = sorted(path.name for path in parquet_world.iterdir())
    assert names == sorted(path.name for path in tmp_path.iterdir())
    assert "events.parquet" in names
    assert "events.jsonl" not in names
    assert "contacts.csv" not in names
    for name in names:
        assert (tmp_path / name).read_bytes() == (parquet_world / name).read_bytes(), name


def test_events_are_clustered_by_contact_with_typed_columns(parquet_world: Path) -> None:
    events = pq.read_table(parquet_world / "events.parquet")
    assert events.schema.field("at").type == pa.timestamp("us", tz="UTC")
    assert pa.types.is_dictionary(events.schema.field("type").type)
    for column in ("asset", "url", "form", "campaign"):
        assert column in events.schema.names
    contact = events.column("contact").to_numpy(zero_copy_only=False)
    known = ~pc.is_null(events.column("contact")).to_numpy(zero_copy_only=False)
    first_unknown = int(known.argmin()) if not known.all() else len(known)
    assert known[:first_unknown].all()
    assert not known[first_unknown:].any()
    numbers = contact[:first_unknown].astype(int)
    assert (numbers[1:] >= numbers[:-1]).all()
    assert set(events.column("type").to_pylist()) == set(STANDARD_EVENT_TYPES)
    assert events.column("seq").to_pylist() == list(range(events.num_rows))


def test_contacts_and_accounts_are_parquet_too(parquet_world: Path) -> None:
    contacts = pq.read_table(parquet_world / "contacts.parquet")
    assert contacts.num_rows == CONTACTS
    assert contacts.schema.field("purchased").type == pa.bool_()
    assert contacts.column("contact").to_pylist() == list(range(1, CONTACTS + 1))
    accounts = pq.read_table(parquet_world / "accounts.parquet")
    assert accounts.num_rows > 0
    assert "employees" in accounts.schema.names
