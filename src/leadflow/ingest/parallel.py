"""Validate rows in worker processes while the caller writes the previous batch.

Validation (``RowConverter.convert``) is pure CPU work, half the cost of an import; the
other half is writing. With ``workers`` > 1, chunks of rows go to a process pool and
come back in file order, so the caller writes batch N while the workers validate
batches N+1 ... At most ``2 x workers`` chunks are in flight: memory stays bounded
however long the file is.

Workers are forked (they inherit the converter already built, which holds compiled
mapping tables that cannot be pickled); where fork is unavailable, or with one
worker, rows are converted in the calling process.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

from leadflow.ingest.convert import RowConverter
from leadflow.ingest.record import ContactRecord, RowError

__all__ = ["Converted", "convert_rows"]

# One converted row: the record or why it was rejected, and the row's own cells.
Converted = tuple[ContactRecord | RowError, Sequence[str]]

_converter: RowConverter | None = None  # the worker's, inherited through fork


def convert_rows(
    rows: Iterable[tuple[int, list[str]]],
    converter: RowConverter,
    *,
    chunk: int = 1000,
    workers: int = 1,
) -> Iterator[list[Converted]]:
    """Chunks of converted rows, in file order."""
    chunks = _chunks(rows, chunk)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for part in chunks:
            yield _convert(converter, part)
        return
    yield from _in_pool(chunks, converter, workers)


def _in_pool(
    chunks: Iterator[list[tuple[int, list[str]]]], converter: RowConverter, workers: int
) -> Iterator[list[Converted]]:
    global _converter
    _converter = converter
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        pending: deque[Future[list[Converted]]] = deque()
        for part in chunks:
            pending.append(pool.submit(_convert_in_worker, part))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _convert_in_worker(part: list[tuple[int, list[str]]]) -> list[Converted]:
    if _converter is None:
        raise RuntimeError("worker started without a converter")
    return _convert(_converter, part)


def _convert(converter: RowConverter, part: list[tuple[int, list[str]]]) -> list[Converted]:
    converted: list[Converted] = []
    for line, cells in part:
        try:
            converted.append((converter.convert(line, cells), cells))
        except RowError as error:
            converted.append((error, cells))
    return converted


def _chunks(
    rows: Iterable[tuple[int, list[str]]], size: int
) -> Iterator[list[tuple[int, list[str]]]]:
    iterator = iter(rows)
    while part := list(islice(iterator, size)):
        yield part
