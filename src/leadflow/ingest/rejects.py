"""The error report of an import: one line per rejected row, with the row itself.

Columns: ``line`` (the row's first line in the imported file), ``column`` (the
header of the offending cell, empty when the row as a whole is wrong), ``reason``,
then the row's own cells under the imported file's header, so the report can be
fixed in a spreadsheet and imported again. Written as UTF-8 with a byte-order mark,
which Excel needs to show accents; leadflow reads it back either way.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from leadflow.ingest.record import RowError

__all__ = ["RejectReport"]


class RejectReport:
    """Append rejected rows to ``path`` (created or replaced); use as a context manager."""

    def __init__(self, path: Path, header: Sequence[str]) -> None:
        self.path = path
        self.count = 0
        self._stream = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._stream)
        self._writer.writerow(["line", "column", "reason", *header])

    def add(self, error: RowError, cells: Sequence[str]) -> None:
        self._writer.writerow([error.line, error.column or "", error.reason, *cells])
        self.count += 1

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> RejectReport:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
