"""CRM exports saved as .xlsx import end to end, as their CSV does: typed cells (dates,
numbers, booleans), a report title above the header, the row numbers Excel shows in
every message, all-or-nothing, sheets; contacts, deals, accounts and events (SQLite;
PostgreSQL too when LEADFLOW_TEST_DATABASE_URL is set). Workbooks are made by the tests."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from leadflow.cli import app
from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.ingest.deal_formats import get_deal_format
from leadflow.ingest.formats import get_format
from leadflow.services.definitions import activate_definition
from leadflow.services.import_accounts import import_accounts
from leadflow.services.import_contacts import ContactImport, ImportOptions, import_contacts
from leadflow.services.import_deals import DealImportOptions, import_deals
from leadflow.store.models import Account, Contact, Opportunity
from tests.integration.test_import_contacts import consents, contact, rows
from tests.unit.ingest.test_workbook import excel_time, hide, write_workbook

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
runner = CliRunner()

HUBSPOT = ["Record ID", "Email", "First Name", "Phone Number", "Country/Region",
           "Create Date", "Unsubscribed from all email", "Postal Code"]  # fmt: skip


def imported(engine: Engine, path: Path, **options: Any) -> ContactImport:
    settings = ImportOptions(get_format("hubspot"), **options)
    return import_contacts(engine, path, settings, clock=FixedClock(NOW))


def test_a_hubspot_workbook_with_typed_cells(engine: Engine, tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "hubspot-crm-exports-all-contacts.xlsx",
        [
            ["All contacts"],  # a title and a blank row above the header
            [],
            HUBSPOT,
            # The record id, phone and postal code typed as numbers; a date cell whose
            # day (4) could be a month; a boolean.
            [51, "jan@bakkerij.example", "Jan", 4989123456, "DE",
             excel_time(2025, 3, 4, 14, 5), True, 1012.0],
            [52, "ingrid@fjord.example", "Ingrid", "+47 22 12 34 56", "NO",
             excel_time(2025, 11, 23), False, "0150"],
        ],
        sheet="Contacts",
    )  # fmt: skip
    summary = imported(engine, path, default_region="DE")
    assert (summary.committed, summary.created, summary.rejected) == (True, 2, 0), [
        (p.line, p.reason) for p in summary.problems
    ]
    assert (summary.sheet, summary.encoding, summary.delimiter) == ("Contacts", "", "")
    jan = contact(engine, "jan@bakkerij.example")
    # The number lost its "+": its digits, never "4989123456.0", are read in the default
    # region, where a number starting with the region's own country code is international.
    assert (jan["external_id"], jan["phone"]) == ("hubspot:51", "+4989123456")
    assert jan["created_at"] == datetime(2025, 3, 4, 14, 5, tzinfo=UTC)  # 4 March, not 3 April
    assert jan["attributes"]["postal_code"] == "1012"
    assert consents(engine, jan["id"])["email"][0] == "withdrawn"
    ingrid = contact(engine, "ingrid@fjord.example")
    assert ingrid["created_at"] == datetime(2025, 11, 23, tzinfo=UTC)
    assert ingrid["attributes"]["postal_code"] == "0150"  # text stays text


def test_bad_rows_are_reported_by_their_excel_row_and_nothing_is_written(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_workbook(
        tmp_path / "contacts.xlsx",
        [
            ["Contacts report"],
            [],
            HUBSPOT,
            [1, "ann@acme.example", "Ann"],
            [],
            [2, "broken@", "Bob"],  # row 6, after a blank row
            [3, "cy@acme.example", "Cy", None, None, "=NOW()"],  # never calculated
        ],
    )
    errors = tmp_path / "errors.csv"
    summary = imported(engine, path, errors=errors)
    assert not summary.committed
    assert [(p.line, p.reason) for p in summary.problems] == [
        (6, "Email: e-mail 'broken@' is not valid: There must be something after the @-sign."),
        (7, "cell F7 holds a formula with no calculated value (the program that wrote the file "
            "does not calculate): open the file in Excel or LibreOffice and save it again"),
    ]  # fmt: skip
    assert rows(engine, Contact) == []
    with errors.open(encoding="utf-8-sig") as stream:
        report = list(csv.reader(stream))
    assert [line[0] for line in report[1:]] == ["6", "7"]

    kept = imported(engine, path, skip_bad_rows=True)
    assert (kept.committed, kept.created, kept.rejected) == (True, 1, 2)


@pytest.fixture
def hubspot_store(engine: Engine) -> Engine:
    with Session(engine) as session:
        activate_definition(session, preset_text("waterfall"), source_name="w.yaml", now=NOW)
        session.commit()
    done = import_contacts(
        engine, EXPORTS / "hubspot_contacts.csv", ImportOptions(get_format("hubspot")),
        clock=FixedClock(NOW),
    )  # fmt: skip
    assert done.committed, done.problems
    return engine


def test_hubspot_deals_as_a_workbook_import_as_their_csv(
    hubspot_store: Engine, tmp_path: Path
) -> None:
    with (EXPORTS / "hubspot_deals.csv").open(encoding="utf-8") as stream:
        header, *records = list(csv.reader(stream))
    typed = [_typed(header, record) for record in records]
    path = write_workbook(tmp_path / "deals.xlsx", [header, *typed, ["Grand Total", 23500.5]])
    options = DealImportOptions(get_deal_format("hubspot"))
    done = import_deals(hubspot_store, path, options, clock=FixedClock(NOW))
    assert done.committed, [(p.line, p.reason) for p in done.problems]
    assert (done.created, done.won, done.lost, done.open, done.sheet) == (3, 1, 1, 1, "Sheet1")
    deals = {deal["external_id"]: deal for deal in rows(hubspot_store, Opportunity)}
    assert deals["hubspot:9001"]["amount"] == 12500.5
    assert deals["hubspot:9001"]["closed_at"] == datetime(2025, 4, 10, 12, tzinfo=UTC)


def _typed(header: list[str], record: list[str]) -> list[object]:
    """The cells as Excel types them: ids and amounts numbers, dates datetimes."""
    typed: list[object] = []
    for name, cell in zip(header, record, strict=True):
        if name in ("Record ID", "Associated Contact IDs", "Amount") and cell:
            typed.append(float(cell) if "." in cell else int(cell))
        elif name.endswith("Date") and cell:
            typed.append(datetime.fromisoformat(cell))  # naive, as Excel's
        else:
            typed.append(cell or None)
    return typed


def test_accounts_from_the_second_sheet(engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as session:
        activate_definition(session, preset_text("waterfall"), source_name="w.yaml", now=NOW)
        session.commit()
    path = write_workbook(
        tmp_path / "crm.xlsx",
        [["Email"], ["ann@acme.example"]],
        sheet="Contacts",
        Companies=[["Company name", "Company Domain Name", "Number of Employees"],
                   ["Acme", "acme.example", 250]],
    )  # fmt: skip
    report = import_accounts(engine, path, clock=FixedClock(NOW), sheet="Companies")
    assert (report.committed, report.created, report.rejected) == (True, 1, 0), report.problems
    [account] = rows(engine, Account)
    assert (account["domain"], account["employees"]) == ("acme.example", 250)


def test_accounts_from_the_first_visible_sheet_say_which_sheet(
    engine: Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    path = write_workbook(
        tmp_path / "companies.xlsx",
        [["Company name", "Company Domain Name"], ["Old Corp", "old.example"]],
        sheet="Archive",
        Companies=[["Company name", "Company Domain Name", "Number of Employees"],
                   ["Acme", "acme.example", 250]],
    )  # fmt: skip
    hide(path, {"Archive": "hidden"})
    report = import_accounts(engine, path, clock=FixedClock(NOW))
    assert (report.committed, report.created, report.sheet) == (True, 1, "Companies")
    result = runner.invoke(app, ["import", "accounts", str(path)])
    assert result.exit_code == 0, result.output
    assert "sheet 'Companies'" in result.stdout


def test_cli_imports_a_sheet_and_refuses_an_unknown_one(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    path = write_workbook(
        tmp_path / "export.xlsx",
        [["Notes", "only"]],
        sheet="Notes",
        Contacts=[["Email", "First Name"], ["ann@acme.example", "Ann"]],
    )
    good = runner.invoke(app, ["import", "contacts", str(path), "-f", "hubspot",
                               "--sheet", "Contacts"])  # fmt: skip
    assert good.exit_code == 0, good.output
    assert "1 rows (hubspot, sheet 'Contacts'): 1 created" in good.output
    unknown = runner.invoke(app, ["import", "contacts", str(path), "-f", "hubspot",
                                  "--sheet", "Leads"])  # fmt: skip
    assert unknown.exit_code == 1
    assert "no sheet 'Leads'; its sheets: 'Notes', 'Contacts'" in unknown.output
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    refused = runner.invoke(app, ["import", "deals", str(old), "-f", "hubspot"])
    assert refused.exit_code == 1
    assert "an Excel 97-2003 workbook (.xls)" in refused.output
    assert "Traceback" not in refused.output
