"""What every import of a table file (CSV or workbook) is told: the layout its columns
follow, how to read its dates, whether a bad row stops it, and how to open the file.
Contacts, deals and activities imports take these; contacts add their own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from leadflow.ingest.formats.layout import Layout

__all__ = ["TableImportOptions"]


@dataclass(frozen=True)
class TableImportOptions:
    layout: Layout
    default_region: str | None = None  # the day/month order of slashed dates
    skip_bad_rows: bool = False
    errors: Path | None = None  # where to write the error report
    encoding: str | None = None  # detected when None
    delimiter: str | None = None  # detected when None
    sheet: str | None = None  # of a workbook; None: the first
