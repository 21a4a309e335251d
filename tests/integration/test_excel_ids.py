"""An id Excel shortened is a bad row, with its line and the reason, in every import:
accounts, contacts (CSV and .xlsx) and deals; never stored as a different id."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock
from leadflow.ingest.deal_formats import get_deal_format
from leadflow.ingest.formats import get_format
from leadflow.services.import_accounts import import_accounts
from leadflow.services.import_contacts import ImportOptions, import_contacts
from leadflow.services.import_deals import DealImportOptions, import_deals
from leadflow.store.models import Account, Contact, Opportunity
from tests.unit.ingest.test_workbook import write_workbook

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
EXCEL = "Excel keeps 15"


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_accounts_with_shortened_ids_are_bad_rows(engine: Engine, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "companies.csv",
        "Record ID,Company name,Company Domain Name\n"
        "1234,Acme,acme.example\n"
        "1.23457E+14,Brouwer,brouwer.example\n"
        "123456789012345000,Fjord,fjord.example\n",
    )
    report = import_accounts(engine, path, clock=FixedClock(NOW))
    assert not report.committed
    assert [line for line, _ in report.problems] == [3, 4]
    assert all(EXCEL in reason for _, reason in report.problems), report.problems
    with Session(engine) as session:
        assert session.scalars(select(Account)).all() == []


def test_contacts_with_shortened_ids_are_bad_rows(engine: Engine, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "contacts.csv",
        "Record ID,Email,First Name\n"
        "51,ann@acme.example,Ann\n"
        "5.12346E+11,bob@acme.example,Bob\n"
        "1234567890123450000,cy@acme.example,Cy\n",
    )
    options = ImportOptions(get_format("hubspot"), skip_bad_rows=True)
    summary = import_contacts(engine, path, options, clock=FixedClock(NOW))
    assert (summary.created, summary.rejected) == (1, 2)
    assert [p.line for p in summary.problems] == [3, 4]
    assert all(EXCEL in p.reason for p in summary.problems), summary.problems
    with Session(engine) as session:
        assert session.scalars(select(Contact.external_id)).all() == ["hubspot:51"]


def test_a_workbook_whose_ids_excel_made_numbers(engine: Engine, tmp_path: Path) -> None:
    # Saved by Excel, a 19-digit id is a number: 4150868000000224005 became this float.
    path = write_workbook(
        tmp_path / "zoho.xlsx",
        [
            ["Record Id", "Email"],
            [4150868000000224005.0, "ann@acme.example"],
            ["41508680000", "bo@acme.example"],
        ],
    )
    options = ImportOptions(get_format("zoho"), skip_bad_rows=True)
    summary = import_contacts(engine, path, options, clock=FixedClock(NOW))
    assert (summary.created, summary.rejected) == (1, 1), summary.problems
    [problem] = summary.problems
    assert (problem.line, EXCEL in problem.reason) == (2, True), problem


def test_deals_with_shortened_ids_are_bad_rows(engine: Engine, tmp_path: Path) -> None:
    contacts = _csv(tmp_path, "c.csv", "Record ID,Email\n51,ann@acme.example\n")
    imported = import_contacts(
        engine, contacts, ImportOptions(get_format("hubspot")), clock=FixedClock(NOW)
    )
    assert imported.committed, imported.problems
    path = _csv(
        tmp_path,
        "deals.csv",
        "Record ID,Deal Name,Deal Stage,Amount,Close Date,Associated Contact IDs\n"
        "1,Good,closedwon,100,2025-01-01,51\n"
        "9.87654E+13,Shortened,closedwon,100,2025-01-01,51\n"
        "3,Contact shortened,closedwon,100,2025-01-01,5.1E+1\n",
    )
    options = DealImportOptions(get_deal_format("hubspot"), skip_bad_rows=True)
    done = import_deals(engine, path, options, clock=FixedClock(NOW))
    assert (done.created, done.rejected) == (1, 2), done.problems
    assert [p.line for p in done.problems] == [3, 4]
    assert all(EXCEL in p.reason for p in done.problems), done.problems
    with Session(engine) as session:
        assert session.scalars(select(Opportunity.external_id)).all() == ["hubspot:1"]
