"""The error report: line, column, reason, then the row as it was."""

from __future__ import annotations

import csv
import pickle
from pathlib import Path

from leadflow.ingest.record import RowError
from leadflow.ingest.rejects import RejectReport


def test_report_rows_can_be_read_back(tmp_path: Path) -> None:
    path = tmp_path / "errors.csv"
    with RejectReport(path, ["Email", "Name"]) as report:
        report.add(RowError(3, "Email: e-mail 'x@' is not valid", "Email"), ["x@", "Müller"])
        report.add(RowError(9, "no e-mail address and no record id"), ["", "Ærø"])
    assert report.count == 2
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows == [
        ["line", "column", "reason", "Email", "Name"],
        ["3", "Email", "Email: e-mail 'x@' is not valid", "x@", "Müller"],
        ["9", "", "no e-mail address and no record id", "", "Ærø"],
    ]


def test_a_row_error_survives_pickling() -> None:
    again = pickle.loads(pickle.dumps(RowError(4, "Email: bad", "Email")))
    assert (again.line, again.reason, again.column, str(again)) == (
        4,
        "Email: bad",
        "Email",
        "line 4: Email: bad",
    )
