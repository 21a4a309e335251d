"""Read and validate a contact export in batches, in this process or in a second one.

Validating a row (CSV parsing, e-mail and phone syntax, countries, dates ...) needs no
database, and costs about as much as writing it. So a large file is read and validated
by a second process while this one writes the batch before: on two cores the halves
overlap, and a million-row import takes about half as long. The batches arrive in file
order with what went wrong in them, so what an import writes and reports (line numbers,
the order of rejections, the summary) does not depend on where the rows were validated;
a test imports one file both ways and compares the stores.

The second process is a fresh interpreter (not a fork of this one, which may hold
database connections and threads); it costs about half a second to start, so it is used
for files of ``PARALLEL_FROM_BYTES`` or more on a machine with two cores or more.
Batches go through a pipe as plain tuples (a pickled dataclass costs four times as much
to load); the pipe's buffer holds less than a batch, so memory stays constant whatever
the file's size. The cells of a row travel only when an error report wants them.

Each record is checked against the lengths of the columns it goes to (a row with a
longer value is rejected, as a cell that is not valid is), and rows about one person
within a batch (same e-mail, or same record id) are folded into one, later values
winning (``ingest.updates.fold_record``).
"""

from __future__ import annotations

import gc
import os
import pickle
import struct
import subprocess
import sys
import tempfile
from collections.abc import Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from pathlib import Path
from typing import IO, Any

import leadflow
from leadflow.ingest.convert import RowConverter
from leadflow.ingest.formats.layout import Layout
from leadflow.ingest.record import ConsentClaim, ContactRecord, RowError
from leadflow.ingest.table import RowSource, TableError, open_table
from leadflow.ingest.updates import fold_record

__all__ = [
    "PARALLEL_FROM_BYTES",
    "ColumnLimits",
    "ConverterRecipe",
    "ReadBatch",
    "Row",
    "fewer_collections",
    "read_batches",
]

# Files this large are validated by a second process (about 20,000 HubSpot rows).
PARALLEL_FROM_BYTES = 4 << 20

Row = tuple[ContactRecord, Sequence[str]]
_NO_CELLS: Sequence[str] = ()


@dataclass(frozen=True)
class ColumnLimits:
    """The longest text each contact and account column takes (``short``: the shortest
    of those limits, below which a value needs no look-up)."""

    contact: Mapping[str, int]
    account: Mapping[str, int]
    short: int

    def check(self, record: ContactRecord, headers: Mapping[str, str] | None = None) -> None:
        """RowError when a value is longer than its column; ``headers`` (field -> the
        file's header) lets the reason name the column as the file writes it."""
        short = self.short
        for value in (*record.contact.values(), *record.account.values()):
            if value.__class__ is str and len(value) > short:
                self._look_up(record, headers or {})  # rare: a long value, maybe too long
                return

    def _look_up(self, record: ContactRecord, headers: Mapping[str, str]) -> None:
        for values, limits, what in (
            (record.contact, self.contact, ""),
            (record.account, self.account, "company "),
        ):
            for name, value in values.items():
                limit = limits.get(name)
                if isinstance(value, str) and limit is not None and len(value) > limit:
                    column = "" if what else _column(name, headers)
                    raise RowError(
                        record.line, f"{what}{name}{column} is longer than {limit} characters"
                    )


def _column(field_name: str, headers: Mapping[str, str]) -> str:
    """`` (column 'Vorname')`` when the file calls the field something else."""
    header = headers.get(field_name)
    if header is None or header.strip().lower() == field_name:  # leadflow's own columns
        return ""
    return f" (column {header!r})"


def headers_by_field(layout: Layout, header: Sequence[str]) -> dict[str, str]:
    """The file's header each field is read from (the first, when several map to one)."""
    found: dict[str, str] = {}
    for name in header:
        target = layout.field_for(name)
        if target:
            found.setdefault(target, name)
    return found


@dataclass(frozen=True)
class ConverterRecipe:
    """What builds a file's RowConverter, here or in the validating process, and the
    column lengths each record is checked against."""

    layout: Layout
    header: tuple[str, ...]
    default_region: str | None = None
    zone: tzinfo = UTC
    limits: ColumnLimits | None = None

    def build(self) -> RowConverter:
        return RowConverter(
            self.layout, self.header, default_region=self.default_region, zone=self.zone
        )


@dataclass(slots=True)
class ReadBatch:
    """Up to ``batch_size`` records of the file, validated, in file order."""

    rows: int = 0  # records read (good and rejected)
    people: list[Row] = field(default_factory=list)  # valid rows, one per person
    folded: int = 0  # valid rows folded into an earlier row of the batch (same person)
    rejected: list[tuple[RowError, Sequence[str]]] = field(default_factory=list)
    bytes_read: int = 0  # of the file, for progress


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the garbage collector's youngest generation every 50,000 new objects, not 700.

    An import allocates a dozen dictionaries and strings per row, nearly all freed by
    reference counting within the batch; the collector only walks them (about a tenth of
    the CPU of a large import). Cycles (an exception's traceback) are still collected.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(_YOUNG_OBJECTS, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


_YOUNG_OBJECTS = 50_000


def read_batches(
    table: RowSource,
    recipe: ConverterRecipe,
    *,
    batch_size: int,
    keep_cells: bool,
    parallel: bool | None = None,
) -> Generator[ReadBatch, None, None]:
    """The batches of ``table``; ``parallel`` None decides by the file's size and the
    machine's cores. File-level problems met half-way raise TableError."""
    if parallel is None:
        parallel = table.size >= PARALLEL_FROM_BYTES and (os.cpu_count() or 1) > 1
    if not parallel:
        yield from _batches(table, recipe, batch_size, keep_cells)
        return
    yield from _from_second_process(table, recipe, batch_size, keep_cells)


def _batches(
    table: RowSource, recipe: ConverterRecipe, batch_size: int, keep_cells: bool
) -> Iterator[ReadBatch]:
    converter, limits = recipe.build(), recipe.limits
    headers = headers_by_field(recipe.layout, recipe.header)
    batch = ReadBatch()
    good: list[Row] = []
    for line, cells in table.rows():
        batch.rows += 1
        kept = cells if keep_cells else _NO_CELLS
        try:
            record = converter.convert(line, cells)
            if limits is not None:
                limits.check(record, headers)
            good.append((record, kept))
        except RowError as error:
            batch.rejected.append((error, kept))
            continue
        if len(good) >= batch_size:
            yield _finished(batch, good, table)
            batch, good = ReadBatch(), []
    yield _finished(batch, good, table)


def _finished(batch: ReadBatch, good: list[Row], table: RowSource) -> ReadBatch:
    batch.people, batch.folded = _fold(good)
    batch.bytes_read = table.bytes_read
    return batch


def _fold(batch: list[Row]) -> tuple[list[Row], int]:
    """Rows about one person (same e-mail or record id) become one; count the folded."""
    kept: list[Row] = []
    by_key: dict[tuple[str, object], ContactRecord] = {}
    folded = 0
    for record, cells in batch:
        email, external = record.contact.get("email"), record.contact.get("external_id")
        keys = [("e", email)] if email else []
        if external:
            keys.append(("x", external))
        into = next((by_key[key] for key in keys if key in by_key), None)
        if into is None:
            kept.append((record, cells))
            into = record
        else:
            fold_record(into, record)
            folded += 1
        for key in keys:
            by_key.setdefault(key, into)
    return kept, folded


# The second process ----------------------------------------------------------------------
#
# Started as ``python -m leadflow.services.contact_reading`` with the job pickled on its
# standard input; it answers on its standard output with length-prefixed pickles. Not
# multiprocessing: its "spawn" re-imports the caller's main module, which breaks any
# script that calls the import without an ``if __name__ == "__main__"`` guard.

_LENGTH = struct.Struct("!I")


def _from_second_process(
    table: RowSource, recipe: ConverterRecipe, batch_size: int, keep_cells: bool
) -> Iterator[ReadBatch]:
    dialect = table.dialect
    job = (table.path, dialect, recipe, batch_size, keep_cells)
    package_root = str(Path(leadflow.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([package_root, *sys.path])}
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, env=env,
        )  # fmt: skip
        assert child.stdin is not None
        assert child.stdout is not None
        try:
            child.stdin.write(pickle.dumps(job, pickle.HIGHEST_PROTOCOL))
            child.stdin.close()
            while (message := _receive(child.stdout)) is not None:
                yield _decoded(message)
            if child.wait() != 0:
                raise RuntimeError(f"the validating process failed: {_last_line(errors)}")
        finally:
            if child.poll() is None:
                child.kill()  # the import stopped early (an error, an interrupt)
            child.wait()
            child.stdout.close()


def _receive(stream: IO[bytes]) -> tuple[Any, ...] | None:
    """The next message, or None at the end (an empty frame, or a closed pipe)."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    size = _LENGTH.unpack(head)[0]
    if size == 0:
        return None
    message: tuple[Any, ...] = pickle.loads(stream.read(size))
    return message


def _send(stream: IO[bytes], message: tuple[Any, ...] | None) -> None:
    data = b"" if message is None else pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)


def _last_line(errors: IO[bytes]) -> str:
    errors.seek(0)
    lines = errors.read().decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else "no message"


def _validate(job: tuple[Any, ...], out: IO[bytes]) -> None:
    """The second process: validate the file and send its batches, then the end mark."""
    path, dialect, recipe, batch_size, keep_cells = job
    # A workbook's dialect has no encoding and delimiter (None: not given), only a sheet.
    again = (dialect.encoding or None, dialect.delimiter or None, dialect.sheet)
    try:
        with fewer_collections(), open_table(path, *again) as table:
            for batch in _batches(table, recipe, batch_size, keep_cells):
                _send(out, _encoded(batch))
    except TableError as error:  # a broken record half-way: the parent raises it
        _send(out, ("error", str(error)))
    _send(out, None)
    out.flush()


def _encoded(batch: ReadBatch) -> tuple[Any, ...]:
    people = [
        (r.line, r.contact, r.attributes, r.account,
         [(c.channel, c.status, c.at) for c in r.consents], r.changed_at, cells)
        for r, cells in batch.people
    ]  # fmt: skip
    rejected = [(e.line, e.reason, e.column, cells) for e, cells in batch.rejected]
    return ("batch", batch.rows, people, batch.folded, rejected, batch.bytes_read)


def _decoded(message: tuple[Any, ...]) -> ReadBatch:
    if message[0] == "error":
        raise TableError(message[1])
    _, rows, people, folded, rejected, bytes_read = message
    batch = ReadBatch(rows=rows, folded=folded, bytes_read=bytes_read)
    for line, contact, attributes, account, claims, changed_at, cells in people:
        consents = [ConsentClaim(*claim) for claim in claims]
        record = ContactRecord(line, contact, attributes, account, consents, changed_at)
        batch.people.append((record, cells))
    for line, reason, column, cells in rejected:
        batch.rejected.append((RowError(line, reason, column), cells))
    return batch


if __name__ == "__main__":
    _validate(pickle.load(sys.stdin.buffer), sys.stdout.buffer)
