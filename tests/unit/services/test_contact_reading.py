"""Validating in a second process gives exactly the batches validating here gives."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from leadflow.ingest.formats import get_format
from leadflow.ingest.table import TableError, open_table
from leadflow.services.contact_reading import ColumnLimits, ConverterRecipe, ReadBatch, read_batches
from tests.unit.ingest.test_workbook import write_workbook

HEADER = ["Record ID", "Email", "First Name", "Phone Number", "Country/Region",
          "Create Date", "Unsubscribed from all email", "Notes"]  # fmt: skip


def _rows(count: int) -> list[list[str]]:
    rows = []
    for n in range(count):
        email = f"person{n % 30}@company{n % 30}.example.com"  # repeats: folded in a batch
        phone = ["020 123 4567", "+49 30 1234567", "12", ""][n % 4]  # "12": a bad row
        country = ["NL", "Deutschland", "Atlantis", "UK"][n % 7 % 4]  # Atlantis: bad
        note = "two\nlines" if n % 11 == 0 else ""  # a record spanning lines
        rows.append([str(n), email, f"Name{n}", phone, country, "2025-03-04 10:00",
                     ["true", "false", ""][n % 3], note])  # fmt: skip
    return rows


def _file(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "contacts.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _read(
    path: Path, *, parallel: bool, keep_cells: bool = True, encoding: str | None = None
) -> list[ReadBatch]:
    with open_table(path, encoding) as table:
        recipe = ConverterRecipe(get_format("hubspot"), tuple(table.header), "NL")
        return list(
            read_batches(table, recipe, batch_size=50, keep_cells=keep_cells, parallel=parallel)
        )


def _plain(batches: list[ReadBatch]) -> list[tuple[object, ...]]:
    """Everything a batch says, as comparable values (RowError compares by identity)."""
    return [
        (batch.rows, batch.folded, batch.bytes_read,
         [(r.line, r.contact, r.attributes, r.account, r.consents, r.changed_at, list(c))
          for r, c in batch.people],
         [(e.line, e.reason, e.column, list(c)) for e, c in batch.rejected])
        for batch in batches
    ]  # fmt: skip


def test_a_second_process_reads_the_same_batches(tmp_path: Path) -> None:
    path = _file(tmp_path, _rows(700))

    here, there = _read(path, parallel=False), _read(path, parallel=True)

    assert _plain(there) == _plain(here)
    assert sum(batch.rows for batch in here) == 700
    assert sum(len(batch.rejected) for batch in here) > 0  # bad rows travelled too
    assert sum(batch.folded for batch in here) > 0  # and folding happened before


def test_cells_travel_only_when_a_report_wants_them(tmp_path: Path) -> None:
    path = _file(tmp_path, _rows(60))

    batches = _read(path, parallel=True, keep_cells=False)

    assert all(cells == () for batch in batches for _, cells in batch.people)
    assert all(cells == () for batch in batches for _, cells in batch.rejected)


def test_a_broken_record_half_way_is_a_table_error_either_way(tmp_path: Path) -> None:
    path = _file(tmp_path, _rows(3000))
    path.write_bytes(path.read_bytes() + b"3001,bo@x.example,B\xf6b\n")  # Latin-1 in UTF-8

    for parallel in (False, True):
        with pytest.raises(TableError, match="not valid utf-8"):
            _read(path, parallel=parallel, encoding="utf-8")


def test_a_value_longer_than_its_column_is_a_rejected_row_either_way(tmp_path: Path) -> None:
    rows = _rows(10)
    rows[4][2] = "N" * 80  # First Name
    path = _file(tmp_path, rows)
    limits = ColumnLimits(contact={"first_name": 50}, account={}, short=50)
    for parallel in (False, True):
        with open_table(path) as table:
            recipe = ConverterRecipe(
                get_format("hubspot"), tuple(table.header), "NL", limits=limits
            )
            batches = list(read_batches(table, recipe, batch_size=50, keep_cells=False,
                                        parallel=parallel))  # fmt: skip
        reasons = [(e.line, e.reason) for batch in batches for e, _ in batch.rejected]
        assert (7, "first_name (column 'First Name') is longer than 50 characters") in reasons


def _validating_children() -> list[int]:
    """Our processes running the validating module (Linux: /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == os.getpid() and b"leadflow.services.contact_reading" in command:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_an_import_that_stops_early_stops_the_validating_process(tmp_path: Path) -> None:
    path = _file(tmp_path, _rows(3000))
    with open_table(path) as table:
        recipe = ConverterRecipe(get_format("hubspot"), tuple(table.header), "NL")
        batches = read_batches(table, recipe, batch_size=50, keep_cells=False, parallel=True)
        next(batches)
        assert len(_validating_children()) == 1
        batches.close()  # what the import does when it fails half-way
    assert _validating_children() == []


def test_a_workbook_sheet_is_read_the_same_by_a_second_process(tmp_path: Path) -> None:
    """The second process opens the same sheet (not the first) and reads the row numbers
    Excel shows, a formula nobody calculated rejecting its row there too."""
    typed: list[list[object]] = [[int(r[0]), *r[1:]] for r in _rows(200)]
    typed[5][5] = "=TODAY()"  # no cached value: the row is rejected
    book = write_workbook(
        tmp_path / "two.xlsx", [["nothing", "here"]], Contacts=[["Export"], [], HEADER, *typed]
    )
    with open_table(book, sheet="Contacts") as table:
        recipe = ConverterRecipe(get_format("hubspot"), tuple(table.header), "NL")
        here = list(read_batches(table, recipe, batch_size=50, keep_cells=True, parallel=False))
    with open_table(book, sheet="Contacts") as table:
        there = list(read_batches(table, recipe, batch_size=50, keep_cells=True, parallel=True))

    assert _plain(there) == _plain(here)
    assert sum(batch.rows for batch in here) == 200
    rejected = {error.line: error.reason for batch in here for error, _ in batch.rejected}
    assert rejected[9].startswith("cell F9 holds a formula with no calculated value")
