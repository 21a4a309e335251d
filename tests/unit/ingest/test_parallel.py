"""Rows validated in worker processes come back complete and in file order."""

from __future__ import annotations

from leadflow.ingest.convert import RowConverter
from leadflow.ingest.formats import get_format
from leadflow.ingest.parallel import convert_rows
from leadflow.ingest.record import ContactRecord, RowError


def rows(count: int) -> list[tuple[int, list[str]]]:
    return [
        (n + 2, [f"p{n}@acme.example" if n % 7 else "broken@", f"Name{n}"]) for n in range(count)
    ]


def outcomes(workers: int) -> list[tuple[str, int, str]]:
    converter = RowConverter(get_format("generic"), ["email", "first_name"])
    flat = []
    for chunk in convert_rows(rows(250), converter, chunk=40, workers=workers):
        for outcome, cells in chunk:
            if isinstance(outcome, RowError):
                flat.append(("error", outcome.line, outcome.reason))
            else:
                assert isinstance(outcome, ContactRecord)
                flat.append(("record", outcome.line, str(outcome.email)))
            assert cells[1].startswith("Name")
    return flat


def test_workers_give_what_one_process_gives() -> None:
    alone, pooled = outcomes(1), outcomes(2)
    assert pooled == alone
    assert len(alone) == 250
    assert [line for _, line, _ in alone] == list(range(2, 252))
    assert sum(kind == "error" for kind, _, _ in alone) == 36
