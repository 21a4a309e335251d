"""Row-ordered output files: CSV tables, and the Parquet tables of ``--format parquet``.

Columns are named once here (docs/demo.md documents each). CSV uses ``\\n`` line ends
and minimal quoting; Parquet files are written one row group per chunk with fixed
options, so both are byte-identical for the same world.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from leadflow.demo.events import Events
from leadflow.demo.properties import COLUMNS, PropertyTable
from leadflow.demo.spool import visitor_number
from leadflow.domain.vocabulary import STANDARD_EVENT_TYPES

__all__ = [
    "ACCOUNT_COLUMNS",
    "CONTACT_COLUMNS",
    "OPPORTUNITY_COLUMNS",
    "REP_COLUMNS",
    "TRUTH_CONTACT_COLUMNS",
    "CsvTable",
    "ParquetEvents",
    "ParquetTable",
]

CONTACT_COLUMNS = (
    "contact_id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "title",
    "seniority",
    "department",
    "country",
    "account_id",
    "company",
    "channel",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "purchased",
    "vendor",
    "created_at",
    "email_consent",
    "phone_consent",
)
ACCOUNT_COLUMNS = (
    "account_id",
    "name",
    "domain",
    "industry",
    "employees",
    "annual_revenue_eur",
    "country",
    "owner_rep_id",
)
REP_COLUMNS = ("rep_id", "name", "email", "team", "territory", "capacity")
OPPORTUNITY_COLUMNS = (
    "opportunity_id",
    "contact_id",
    "account_id",
    "rep_id",
    "product",
    "created_at",
    "expected_close",
    "closed_at",
    "stage",
    "status",
    "amount",
    "currency",
    "lost_reason",
)
TRUTH_CONTACT_COLUMNS = (
    "contact_id",
    "visitor_id",
    "duplicate_of",
    "fit_logit",
    "intent",
    "handed_off_at",
    "rep_id",
    "p_close",
    "win_probability",
    "under_worked",
    "outcome",
)
_OPTIONS = {"compression": "zstd", "write_statistics": True, "use_dictionary": True}


class CsvTable:
    """A CSV file with a header, written row by row."""

    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self.path = path
        self.rows = 0
        self._handle: IO[str] = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle, lineterminator="\n")
        self._writer.writerow(columns)

    def write(self, rows: Sequence[Sequence[object]]) -> None:
        self._writer.writerows(rows)
        self.rows += len(rows)

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


class ParquetTable:
    """A Parquet file of string/number columns, one row group per ``write``."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self.rows = 0
        self.schema = schema
        self._writer = pq.ParquetWriter(path, schema, **_OPTIONS)

    def write(self, columns: dict[str, pa.Array | list[object] | npt.NDArray[np.generic]]) -> None:
        table = pa.table({name: columns[name] for name in self.schema.names}, schema=self.schema)
        self._writer.write_table(table)
        self.rows += table.num_rows

    def close(self) -> None:
        self._writer.close()


class ParquetEvents:
    """events.parquet, clustered by contact: chunks arrive in contact order, each sorted."""

    def __init__(self, path: Path, table: PropertyTable) -> None:
        self.rows = 0
        self._types = pa.array(STANDARD_EVENT_TYPES)
        self._codes: dict[str, npt.NDArray[np.int32]] = {}
        self._dictionaries: dict[str, pa.Array] = {}
        for column in COLUMNS:
            values = sorted({value for value in table.columns[column] if value is not None})
            position = {value: code for code, value in enumerate(values)}
            codes = [position[v] if v is not None else -1 for v in table.columns[column]]
            self._codes[column] = np.array(codes, dtype=np.int32)
            self._dictionaries[column] = pa.array(values, type=pa.string())
        fields = [
            pa.field("seq", pa.int64(), nullable=False),
            pa.field("contact", pa.int32()),
            pa.field("visitor", pa.int64()),
            pa.field("anonymous", pa.bool_(), nullable=False),
            pa.field("type", pa.dictionary(pa.int8(), pa.string()), nullable=False),
            pa.field("at", pa.timestamp("us", tz="UTC"), nullable=False),
            *(pa.field(column, pa.dictionary(pa.int32(), pa.string())) for column in COLUMNS),
        ]
        self.schema = pa.schema(fields)
        self._writer = pq.ParquetWriter(path, self.schema, **_OPTIONS)

    def write(self, events: Events, first_seq: int) -> None:
        columns: dict[str, pa.Array] = {
            "seq": pa.array(first_seq + np.arange(events.size, dtype=np.int64)),
            "contact": pa.array(events.contact.astype(np.int32), mask=events.contact == 0),
            "visitor": pa.array(visitor_number(events.visitor), mask=events.visitor == 0),
            "anonymous": pa.array(events.anonymous),
            "type": pa.DictionaryArray.from_arrays(
                pa.array(events.type.astype(np.int8)), self._types
            ),
            "at": pa.array(events.at * 1_000_000, type=pa.timestamp("us", tz="UTC")),
        }
        for column in COLUMNS:
            codes = self._codes[column][events.variant]
            indices = pa.array(codes, mask=codes < 0)
            columns[column] = pa.DictionaryArray.from_arrays(indices, self._dictionaries[column])
        self._writer.write_table(pa.table(columns, schema=self.schema))
        self.rows += events.size

    def close(self) -> None:
        self._writer.close()
