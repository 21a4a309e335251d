"""`leadflow import deals` for Odoo, Zoho CRM and Dynamics 365: each CRM's contacts
export, then its deals export, join up (by the id the contact import stored, else by
e-mail or the company), all-or-nothing, idempotent, from CSV in the CRM's own or a
European Excel's spelling and from .xlsx (SQLite; PostgreSQL too when
LEADFLOW_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.ingest.deal_formats import get_deal_format
from leadflow.ingest.formats import get_format
from leadflow.services.definitions import activate_definition
from leadflow.services.import_contacts import ImportOptions, import_contacts
from leadflow.services.import_deals import DealImport, DealImportOptions, import_deals
from leadflow.store.models import (
    Account,
    Contact,
    Opportunity,
    OpportunityDetail,
    Qualification,
    StageTransition,
)
from leadflow.store.models.handoffs import OpportunityStageChange

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
CONTACTS_AT = datetime(2025, 4, 1, 9, tzinfo=UTC)
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
TABLES = (Opportunity, OpportunityDetail, OpportunityStageChange, StageTransition, Account)

# (contacts export, its format, deals export, deal format): one CRM's pair of exports.
PAIRS = {
    "odoo": ("odoo_leads.csv", "odoo", "odoo_opportunities.csv", "odoo"),
    "odoo_de_excel": ("odoo_leads_de.csv", "odoo", "odoo_opportunities_de_excel.csv", "odoo"),
    "zoho": ("zoho_contacts.csv", "zoho", "zoho_deals.csv", "zoho"),
    "dynamics": ("dynamics_leads.csv", "dynamics", "dynamics_opportunities.csv", "dynamics"),
    "dynamics_logical": (
        "dynamics_leads.csv",
        "dynamics",
        "dynamics_opportunities_logical.csv",
        "dynamics",
    ),
}


def _contacts(engine: Engine, name: str, format_name: str) -> None:
    """The waterfall preset active and the CRM's contacts imported (accounts with them)."""
    with Session(engine) as session:
        activate_definition(
            session, preset_text("waterfall"), source_name="w.yaml", now=CONTACTS_AT
        )
        session.commit()
    options = ImportOptions(get_format(format_name))
    done = import_contacts(engine, EXPORTS / name, options, clock=FixedClock(CONTACTS_AT))
    assert done.committed, done.problems


def _deals(engine: Engine, path: Path, format_name: str, **options: Any) -> DealImport:
    at = options.pop("now", NOW)
    chosen = DealImportOptions(get_deal_format(format_name), **options)
    return import_deals(engine, path, chosen, clock=FixedClock(at))


def _pair(engine: Engine, pair: str, **options: Any) -> DealImport:
    contacts, contact_format, deals, deal_format = PAIRS[pair]
    _contacts(engine, contacts, contact_format)
    return _deals(engine, EXPORTS / deals, deal_format, **options)


def _rows(engine: Engine, model: Any) -> list[dict[str, Any]]:
    table = model.__table__
    with engine.connect() as connection:
        order = table.primary_key.columns.values()
        return [dict(row) for row in connection.execute(select(table).order_by(*order)).mappings()]


def _deal(engine: Engine, external_id: str) -> tuple[Opportunity, OpportunityDetail]:
    with Session(engine) as session:
        deal = session.scalars(
            select(Opportunity).where(Opportunity.external_id == external_id)
        ).one()
        return deal, session.get_one(OpportunityDetail, deal.id)


def _contact(engine: Engine, external_id: str) -> Contact:
    with Session(engine) as session:
        query = select(Contact).where(Contact.external_id == external_id)
        return session.scalars(query).one()


def _stage(engine: Engine, contact_id: int | None) -> str:
    with Session(engine) as session:
        query = select(Qualification.stage).where(Qualification.contact_id == contact_id)
        return str(session.scalars(query).one())


def _customer(engine: Engine, account_id: int | None) -> bool:
    with Session(engine) as session:
        return session.get_one(Account, account_id).attributes.get("customer") is True


def _day(moment: datetime | None) -> str | None:
    return None if moment is None else moment.date().isoformat()


def test_odoo_opportunities_are_the_leads_the_contact_import_stored(engine: Engine) -> None:
    done = _pair(engine, "odoo")
    assert done.committed, done.problems
    assert (done.created, done.won, done.lost, done.open, done.account_level) == (4, 1, 1, 2, 0)
    won, _ = _deal(engine, "odoo:__export__.crm_lead_44_e4c81d90")
    karl = _contact(engine, "odoo:__export__.crm_lead_44_e4c81d90")
    assert (won.contact_id, won.status, won.amount, won.owner) == (
        karl.id,
        "won",
        48000.0,
        "Marc Demo",
    )
    assert won.closed_at == datetime(2025, 1, 15, 11, 30, tzinfo=UTC)
    assert _stage(engine, karl.id) == "customer"
    assert _customer(engine, won.account_id)
    lost, lost_detail = _deal(engine, "odoo:__export__.crm_lead_43_0a7f3b52")
    assert (lost.status, lost.lost_reason, _day(lost.closed_at)) == (
        "lost",
        "Too expensive",
        "2025-03-10",
    )
    assert lost_detail.stage == "closed_lost"
    # Lars Holm has no e-mail: the lead's own id is the deal's person.
    holm, holm_detail = _deal(engine, "odoo:__export__.crm_lead_45_77b0c6aa")
    lars = _contact(engine, "odoo:__export__.crm_lead_45_77b0c6aa")
    assert (holm.contact_id, holm.status, holm_detail.stage) == (lars.id, "open", "Demo Scheduled")
    assert holm_detail.expected_close is not None
    assert holm_detail.expected_close.isoformat() == "2026-05-15"


def test_a_german_odoo_export_saved_by_excel_reads_its_stages_and_dates(engine: Engine) -> None:
    """German labels, Windows-1252 and semicolons, day-first dotted dates, decimal
    commas; the won stage as Odoo 13 ("Erfolgreich") and later ("Gewonnen") name it."""
    done = _pair(engine, "odoo_de_excel")
    assert (done.committed, done.encoding, done.delimiter) == (True, "cp1252", ";"), done.problems
    assert (done.created, done.won, done.lost, done.open) == (4, 2, 1, 1)
    nord, _ = _deal(engine, "odoo:64")
    assert (nord.status, nord.amount, nord.closed_at) == (
        "won",
        48000.0,
        datetime(2025, 1, 15, 11, 30, tzinfo=UTC),
    )
    assert _deal(engine, "odoo:63")[0].status == "won"
    huber, _ = _deal(engine, "odoo:62")
    assert (huber.status, huber.lost_reason, _day(huber.closed_at)) == (
        "lost",
        "Zu teuer",
        "2025-03-10",
    )
    anna, detail = _deal(engine, "odoo:61")
    assert (anna.status, anna.contact_id, detail.stage) == (
        "open",
        _contact(engine, "odoo:61").id,
        "Neu",
    )


def test_zoho_deals_find_their_contacts_by_contact_name_id(engine: Engine) -> None:
    done = _pair(engine, "zoho")
    assert done.committed, done.problems
    assert (done.created, done.won, done.lost, done.open, done.account_level) == (3, 1, 1, 1, 0)
    won, _ = _deal(engine, "zoho:zcrm_5725767000000611001")
    jan = _contact(engine, "zoho:zcrm_5725767000000534001")
    assert (won.contact_id, won.amount, won.currency, won.owner, _day(won.closed_at)) == (
        jan.id,
        54000.0,
        "PLN",
        "Piotr Zieliński",
        "2025-03-14",
    )
    assert won.account_id == jan.account_id
    assert _customer(engine, won.account_id)
    lost, _ = _deal(engine, "zoho:zcrm_5725767000000611002")
    assert (lost.status, lost.lost_reason, lost.currency) == (
        "lost",
        "Chose a local agency",
        "SEK",
    )
    still_open, detail = _deal(engine, "zoho:zcrm_5725767000000611003")
    assert (still_open.status, detail.stage, _day(still_open.closed_at)) == (
        "open",
        "Negotiation/Review",
        None,
    )


def test_dynamics_export_to_excel_links_deals_to_their_accounts(engine: Engine) -> None:
    """Export to Excel names the opportunity's people by name only: the deals are their
    companies' (found by name), in euros from "Euro", with day-first dates."""
    done = _pair(engine, "dynamics")
    assert done.committed, done.problems
    assert (done.won, done.lost, done.open, done.account_level, done.customers) == (1, 1, 1, 3, 1)
    won, _ = _deal(engine, "dynamics:9e2f4a10-8a4d-ef11-a316-000d3a2b5d01")
    assert (won.contact_id, won.amount, won.currency, _day(won.closed_at)) == (
        None,
        118500.0,
        "EUR",
        "2025-03-20",
    )
    with Session(engine) as session:
        assert session.get_one(Account, won.account_id).domain == "mueller-mb.example.de"
    lost, _ = _deal(engine, "dynamics:9e2f4a10-8a4d-ef11-a316-000d3a2b5d02")
    assert (lost.status, lost.lost_reason) == ("lost", "Out-Sold")


def test_dynamics_logical_names_link_deals_to_their_originating_leads(engine: Engine) -> None:
    done = _pair(engine, "dynamics_logical")
    assert done.committed, done.problems
    assert (done.won, done.lost, done.open, done.account_level) == (1, 1, 1, 0)
    won, detail = _deal(engine, "dynamics:9e2f4a10-8a4d-ef11-a316-000d3a2b5d01")
    lisa = _contact(engine, "dynamics:6b1c2f0e-8a4d-ef11-a316-000d3a2b5c01")
    assert (won.contact_id, won.amount, detail.stage) == (lisa.id, 118500.0, "closed_won")
    assert _stage(engine, lisa.id) == "customer"
    lost, _ = _deal(engine, "dynamics:9e2f4a10-8a4d-ef11-a316-000d3a2b5d02")
    assert (lost.status, lost.lost_reason) == ("lost", "Out-Sold")  # statuscode 5
    open_deal, open_detail = _deal(engine, "dynamics:9e2f4a10-8a4d-ef11-a316-000d3a2b5d03")
    assert (open_deal.status, open_detail.stage) == ("open", "2-Develop")


@pytest.mark.parametrize("pair", list(PAIRS))
def test_importing_the_same_export_again_changes_nothing(engine: Engine, pair: str) -> None:
    first = _pair(engine, pair)
    assert first.committed, first.problems
    before = {model.__tablename__: _rows(engine, model) for model in TABLES}
    path, deal_format = EXPORTS / PAIRS[pair][2], PAIRS[pair][3]
    again = _deals(engine, path, deal_format, now=NOW.replace(day=20))
    assert (again.created, again.updated, again.unchanged, again.qualified) == (
        0,
        0,
        first.created,
        0,
    )
    assert {model.__tablename__: _rows(engine, model) for model in TABLES} == before


# Per CRM: a header, rows of which lines 3 and 5 are bad, and the reasons.
BAD_FILES = {
    "odoo": (
        "odoo_leads.csv",
        "ID,Opportunity,Email,Expected Revenue,Stage,Closed Date,Active\n"
        "__export__.crm_lead_41_5b1e9a0c,Good,,100,Won,2025-01-02 10:00:00,True\n"
        "__export__.crm_lead_99_00000000,Unknown,,100,New,,True\n"
        "__export__.crm_lead_43_0a7f3b52,Lost,,100,Proposition,,False\n"
        "__export__.crm_lead_44_e4c81d90,Maybe,,100,Won,2025-01-02 10:00:00,Perhaps\n",
        [
            (
                3,
                "no contact has the id odoo:__export__.crm_lead_99_00000000 (import the "
                "contacts first)",
            ),
            (4, "a lost deal without a close date: when it was lost is unknown"),
            (5, "status (column 'Active'): 'Perhaps' is not open, won or lost"),
        ],
    ),
    "zoho": (
        "zoho_contacts.csv",
        "Record Id,Deal Name,Amount,Stage,Closing Date,Contact Name.id,Currency\n"
        "zcrm_1,Good,100,Closed Won,2025-01-02,zcrm_5725767000000534001,EUR\n"
        "zcrm_2,Won later,100,Closed Won,2027-01-02,zcrm_5725767000000534001,EUR\n"
        "zcrm_3,Bad money,100,Qualification,2026-05-01,zcrm_5725767000000534002,Taler\n",
        [
            (3, "won on 2027-01-02, a close date in the future"),
            (
                4,
                "currency (column 'Currency'): 'Taler' is not an ISO 4217 currency code "
                "(EUR, USD ...)",
            ),
        ],
    ),
    "dynamics": (
        "dynamics_leads.csv",
        "(Do Not Modify) Opportunity,Topic,Account,Status,Actual Close Date\n"
        "d1,Good,Virtanen Oy,Won,20/03/2025\n"
        "d2,Nobody's,Initech,Won,20/03/2025\n"
        "d3,Undecided,Virtanen Oy,Maybe,20/03/2025\n",
        [
            (3, "no account has the name 'Initech' (import the accounts first)"),
            (4, "status (column 'Status'): 'Maybe' is not open, won or lost"),
        ],
    ),
}


@pytest.mark.parametrize("crm", list(BAD_FILES))
def test_bad_rows_are_reported_by_line_and_nothing_is_written(
    engine: Engine, tmp_path: Path, crm: str
) -> None:
    contacts, text, reasons = BAD_FILES[crm]
    _contacts(engine, contacts, crm)
    path = tmp_path / "deals.csv"
    path.write_text(text, encoding="utf-8")
    done = _deals(engine, path, crm)
    assert not done.committed
    assert [(problem.line, problem.reason) for problem in done.problems] == reasons
    assert _rows(engine, Opportunity) == []
    skipped = _deals(engine, path, crm, skip_bad_rows=True)
    assert (skipped.committed, skipped.created, skipped.rejected) == (
        True,
        len(text.splitlines()) - 1 - len(reasons),
        len(reasons),
    )


def test_an_odoo_workbook_imports_as_its_csv_does(engine: Engine, tmp_path: Path) -> None:
    """Odoo's .xlsx export writes booleans and dates as typed cells."""
    with (EXPORTS / "odoo_opportunities.csv").open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(rows[0])
    for row in rows[1:]:
        cells: list[object] = [*row[:-1], row[-1] == "True"]
        for column in ("Created on", "Closed Date"):
            index = rows[0].index(column)
            if row[index]:
                cells[index] = datetime.fromisoformat(row[index])
        sheet.append(cells)
    path = tmp_path / "opportunities.xlsx"
    book.save(path)
    _contacts(engine, "odoo_leads.csv", "odoo")
    done = _deals(engine, path, "odoo")
    assert done.committed, done.problems
    assert (done.created, done.won, done.lost, done.open, done.account_level) == (4, 1, 1, 2, 0)
    lost, _ = _deal(engine, "odoo:__export__.crm_lead_43_0a7f3b52")
    assert lost.closed_at == datetime(2025, 3, 10, 9, tzinfo=UTC)


def test_the_cli_imports_an_odoo_pair_and_says_what_it_did(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from leadflow.cli import app

    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    runner = CliRunner()
    contacts = runner.invoke(app, ["import", "contacts", str(EXPORTS / "odoo_leads.csv"),
                                   "-f", "odoo"])  # fmt: skip
    assert contacts.exit_code == 0, contacts.output
    deals = runner.invoke(app, ["import", "deals", str(EXPORTS / "odoo_opportunities.csv"),
                                "--format", "odoo"])  # fmt: skip
    assert deals.exit_code == 0, deals.output
    assert "4 rows (deals, odoo, utf-8, ','): 4 created" in deals.output
    assert "1 won, 1 lost, 2 open" in deals.output
    unknown = runner.invoke(app, ["import", "deals", str(EXPORTS / "zoho_deals.csv"),
                                  "--format", "sugarcrm"])  # fmt: skip
    assert unknown.exit_code != 0
    assert "odoo, dynamics, zoho" in unknown.output
