"""Import a CRM export of contacts: validate every row, then upsert in one transaction.

The file is streamed (``ingest.table``), each row validated and normalised
(``ingest.convert``) and written in batches of ``batch_size`` rows, all inside ONE
transaction. At the end, if any row was rejected, the transaction is rolled back and
nothing is written, unless ``skip_bad_rows``: then the good rows are committed. After
the first rejection of an all-or-nothing import, rows are still validated (so the
error report lists every bad row) but no longer written.

Rows are read, validated, checked against the column lengths, and folded when a batch
repeats a person (same e-mail or record id; each folded row counts as ``merged``) by
``contact_reading``, in a second process for a large file. Then per batch:
1. contacts are found by e-mail, else by record id (a merged contact leads to its
   survivor); a row whose record id names one contact and e-mail another is merged
   into the e-mail's contact when the record-id contact has no e-mail (it identified
   nobody), and rejected otherwise (two identified people are never merged silently);
2. accounts are found by the company id the row gives, in the file's system (HubSpot's
   Associated Company ID, Salesforce's AccountId; an unknown one is counted as a
   warning), else found or created by domain, and only their empty fields filled;
3. new contacts are inserted in one statement, changed ones updated (``ingest.updates``);
4. consent claims are applied under ``ingest.consent_rules``.

A contact created earlier in this same import and met again counts as ``merged``,
not ``updated``: the file held the person twice. At the end, before the commit, every
contact the import created, changed or merged into is qualified (``import_qualification``).
"""

from __future__ import annotations

import itertools
import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import Connection

from leadflow.domain.clock import Clock
from leadflow.ingest.formats.layout import id_system_of
from leadflow.ingest.formats.translations.detect import header_language
from leadflow.ingest.record import RowError
from leadflow.ingest.rejects import RejectReport
from leadflow.ingest.table import RowSource, open_table
from leadflow.services.contact_batches import COLUMN_LIMITS, ContactBatches
from leadflow.services.contact_reading import (
    ConverterRecipe,
    ReadBatch,
    Row,
    fewer_collections,
    read_batches,
)
from leadflow.services.import_qualification import qualify_imported
from leadflow.services.table_import import TableImportOptions
from leadflow.store.database import writer
from leadflow.store.models import Contact

__all__ = ["ContactImport", "ImportOptions", "import_contacts"]

OnProgress = Callable[[int, int], None]  # (bytes read, file size)
_SHOWN_PROBLEMS = 20


@dataclass(frozen=True)
class ImportOptions(TableImportOptions):
    """A contacts import's options: a table import's, and how to run it."""

    batch_size: int = 1000
    # Validate in a second process (contact_reading.py); None: for large files on two
    # cores or more.
    parallel: bool | None = None
    # Qualify the created contacts with the batch engine (import_qualification.py);
    # None: when that costs less than one by one.
    qualify_in_batch: bool | None = None


@dataclass
class ContactImport:
    """What an import did (or would have done, when ``committed`` is False)."""

    path: Path
    format: str
    encoding: str = ""
    delimiter: str = ""
    sheet: str | None = None  # the workbook's sheet read (encoding and delimiter empty)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    rejected: int = 0
    accounts_created: int = 0
    # Rows naming a company id (HubSpot's Associated Company ID, Salesforce's AccountId)
    # that no account holds in the file's system: a warning, the company import missing.
    unknown_company_ids: int = 0
    consents_changed: int = 0
    consents_kept: int = 0  # grants refused because a withdrawal stays
    # Contacts qualified again at the end (created, changed or merged into); None: the
    # store has no active definition, so nothing was qualified.
    qualified: int | None = 0
    committed: bool = False
    # Wall-clock seconds: "write" (reading, validating, writing), "qualify" (and commit).
    seconds: dict[str, float] = field(default_factory=dict)
    problems: list[RowError] = field(default_factory=list)  # the first few, to show
    # Headers no field claims, kept as custom attributes (a wrong --format shows here).
    unknown_columns: list[str] = field(default_factory=list)
    # The language the mapped headers are written in ("German"), when they say one.
    header_language: str | None = None
    # What the import noticed in the header without refusing it (a repeated column it
    # does not read), to tell the user.
    header_notes: list[str] = field(default_factory=list)


def import_contacts(
    engine: Engine,
    path: Path,
    options: ImportOptions,
    *,
    clock: Clock,
    on_progress: OnProgress | None = None,
) -> ContactImport:
    """Import ``path``; file-level problems raise ValueError (TableError, HeaderError)."""
    summary = ContactImport(path, options.layout.name)
    with open_table(path, options.encoding, options.delimiter, options.sheet) as table:
        summary.encoding, summary.delimiter = table.dialect.encoding, table.dialect.delimiter
        summary.sheet = table.dialect.sheet
        recipe = _recipe(options, table.header)
        converter = recipe.build()  # HeaderError: refused now
        summary.unknown_columns = converter.unknown_headers
        summary.header_notes = converter.header_notes
        unknown = set(summary.unknown_columns)
        summary.header_language = header_language(h for h in table.header if h not in unknown)
        report = RejectReport(options.errors, table.header) if options.errors else None
        try:
            with fewer_collections():
                _run(engine, table, recipe, options, summary, report, clock.now(), on_progress)
        finally:
            if report is not None:
                report.close()
    return summary


def _recipe(options: ImportOptions, header: Sequence[str]) -> ConverterRecipe:
    layout = options.layout
    zone = ZoneInfo(layout.time_zone) if layout.time_zone else UTC
    return ConverterRecipe(layout, tuple(header), options.default_region, zone, COLUMN_LIMITS)


def _run(
    engine: Engine,
    table: RowSource,
    recipe: ConverterRecipe,
    options: ImportOptions,
    summary: ContactImport,
    report: RejectReport | None,
    now: datetime,
    on_progress: OnProgress | None,
) -> None:
    def reject(error: RowError, cells: Sequence[str]) -> None:
        summary.rejected += 1
        if len(summary.problems) < _SHOWN_PROBLEMS:
            summary.problems.append(error)
        if report is not None:
            report.add(error, cells)

    batches = read_batches(
        table, recipe, batch_size=options.batch_size, keep_cells=report is not None,
        parallel=options.parallel,
    )  # fmt: skip
    with closing(batches):  # a validating process stops with the import, whatever happens
        _write_all(engine, batches, options, summary, reject, now, on_progress, table.size)


def _write_all(
    engine: Engine,
    batches: Iterator[ReadBatch],
    options: ImportOptions,
    summary: ContactImport,
    reject: Callable[[RowError, Sequence[str]], None],
    now: datetime,
    on_progress: OnProgress | None,
    size: int,
) -> None:
    started = time.perf_counter()
    # The validating process (if any) starts before the database is opened.
    first = next(batches)
    with (
        writer(engine).connect() as connection,
        _large_cache(connection),
        connection.begin() as transaction,
    ):
        store = ContactBatches(
            connection, now, options.layout.name, summary.path.name, id_system_of(options.layout)
        )
        store.first_new_id = _highest_id(connection)
        changed = _Changed()
        for batch in itertools.chain((first,), batches):
            summary.rows += batch.rows
            for error, cells in batch.rejected:
                reject(error, cells)
            if summary.rejected == 0 or options.skip_bad_rows:
                summary.merged += batch.folded
                for error, cells in _write(store, batch.people, summary, changed):
                    reject(error, cells)
            if on_progress is not None:
                on_progress(batch.bytes_read, size)
        if summary.rejected and not options.skip_bad_rows:
            transaction.rollback()
            return
        summary.seconds["write"] = time.perf_counter() - started
        started = time.perf_counter()
        summary.qualified = qualify_imported(
            connection, changed.touched, changed.created, changed.merged_into, now,
            in_batch=options.qualify_in_batch,
        )  # fmt: skip
        transaction.commit()
        summary.seconds["qualify"] = time.perf_counter() - started
        summary.committed = True


@contextmanager
def _large_cache(connection: Connection) -> Iterator[None]:
    """A larger SQLite page cache while the import runs (then the usual one again).

    The whole import is one transaction: when the dirty pages outgrow the cache, SQLite
    writes them to the WAL and writes them again when a later row changes them, and the
    indexes of a million contacts (e-mail, record id, domain ...) take several hundred MB.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    # On the driver's connection: a pragma through SQLAlchemy would begin a transaction.
    sqlite = connection.connection.driver_connection
    assert sqlite is not None
    (usual,) = sqlite.execute("PRAGMA cache_size").fetchone()
    sqlite.execute(f"PRAGMA cache_size=-{_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        sqlite.execute(f"PRAGMA cache_size={int(usual)}")


_IMPORT_CACHE_KIB = 512 * 1024  # 512 MiB, an upper bound: pages are allocated as needed


@dataclass
class _Changed:
    """The contacts the import changed so far (see ``BatchOutcome``): 8 bytes a contact,
    repeats allowed (``qualify_imported`` takes each once)."""

    touched: array[int] = field(default_factory=lambda: array("q"))
    created: array[int] = field(default_factory=lambda: array("q"))
    merged_into: set[int] = field(default_factory=set)


def _highest_id(connection: Connection) -> int:
    return int(connection.execute(select(func.coalesce(func.max(Contact.id), 0))).scalar_one())


def _write(
    store: ContactBatches, people: list[Row], summary: ContactImport, changed: _Changed
) -> list[tuple[RowError, Sequence[str]]]:
    """Write one batch; the rows the store refused come back as errors."""
    outcome = store.upsert([record for record, _ in people])
    summary.created += outcome.created
    summary.updated += outcome.updated
    summary.unchanged += outcome.unchanged
    summary.merged += outcome.merged
    summary.accounts_created += outcome.accounts_created
    summary.unknown_company_ids += outcome.unknown_company_ids
    summary.consents_changed += outcome.consents_changed
    summary.consents_kept += outcome.consents_kept
    changed.touched.extend(outcome.touched)
    changed.created.extend(outcome.created_ids)
    changed.merged_into |= outcome.merged_into
    cells_of = {id(record): cells for record, cells in people}
    return [(error, cells_of[id(record)]) for record, error in outcome.refused]
