"""Contacts join their account by the company id of their own CRM (HubSpot's Associated
Company ID, Salesforce's AccountId) before their e-mail domain; an id no account holds
is a warning, never a silent new account."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from leadflow.cli import app
from leadflow.domain.clock import FixedClock
from leadflow.ingest.formats import get_format
from leadflow.services.import_accounts import import_accounts
from leadflow.services.import_contacts import ContactImport, ImportOptions, import_contacts
from leadflow.store.models import Account, Contact

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
runner = CliRunner()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _accounts(engine: Engine, tmp_path: Path, system: str, text: str) -> None:
    path = _write(tmp_path, f"{system}-companies.csv", text)
    done = import_accounts(engine, path, clock=FixedClock(NOW), system=system)
    assert done.committed, done.problems


def _contacts(engine: Engine, path: Path, format_name: str) -> ContactImport:
    options = ImportOptions(get_format(format_name))
    return import_contacts(engine, path, options, clock=FixedClock(NOW))


def _companies(engine: Engine) -> dict[str, str | None]:
    """Each contact's e-mail -> its account's domain (None: no account)."""
    with Session(engine) as session:
        domains = dict(session.execute(select(Account.id, Account.domain)).tuples().all())
        people = session.execute(select(Contact.email, Contact.account_id)).tuples().all()
    return {str(email): domains.get(account) if account else None for email, account in people}


HUBSPOT_CONTACTS = (
    "Record ID,Email,First Name,Associated Company ID\n"
    "1,ann@gmail.com,Ann,1234\n"  # free mail: only the id tells her company
    "2,bob@brouwer-mail.example,Bob,5678\n"  # the id wins over the e-mail's domain
    "3,cy@fjord.example,Cy,9999\n"  # no account has it
    "4,dee@acme.example,Dee,\n"  # no id: the e-mail's domain
)


def test_hubspot_contacts_join_the_account_of_their_company_id(
    engine: Engine, tmp_path: Path
) -> None:
    _accounts(
        engine, tmp_path, "hubspot",
        "Record ID,Company name,Company Domain Name\n"
        "1234,Acme,acme.example\n5678,Brouwer,brouwer.example\n",
    )  # fmt: skip
    # Mautic's company 1234 is another company: a HubSpot file's 1234 is never it.
    _accounts(engine, tmp_path, "mautic", "id,company name,website\n1234,Other,other.example\n")
    path = _write(tmp_path, "contacts.csv", HUBSPOT_CONTACTS)

    summary = _contacts(engine, path, "hubspot")

    assert (summary.committed, summary.created, summary.unknown_company_ids) == (True, 4, 1)
    # Bob's e-mail domain makes no account: his company is known by its id.
    assert summary.accounts_created == 0
    assert _companies(engine) == {
        "ann@gmail.com": "acme.example",
        "bob@brouwer-mail.example": "brouwer.example",
        "cy@fjord.example": None,  # no account made up for fjord.example
        "dee@acme.example": "acme.example",
    }
    again = _contacts(engine, path, "hubspot")
    assert (again.unchanged, again.unknown_company_ids, again.accounts_created) == (4, 1, 0)


def test_an_unknown_company_id_still_joins_an_existing_account_of_its_domain(
    engine: Engine, tmp_path: Path
) -> None:
    _accounts(
        engine, tmp_path, "hubspot", "Company name,Company Domain Name\nFjord,fjord.example\n"
    )
    summary = _contacts(engine, _write(tmp_path, "c.csv", HUBSPOT_CONTACTS), "hubspot")
    assert summary.unknown_company_ids == 3  # 1234, 5678 and 9999 are nobody's here
    assert _companies(engine)["cy@fjord.example"] == "fjord.example"


def test_salesforce_contacts_join_by_account_id_in_either_form(
    engine: Engine, tmp_path: Path
) -> None:
    _accounts(
        engine, tmp_path, "salesforce",
        "Id,Name,Website\n0015g00000AbCdEAAV,Acme,acme.example\n",
    )  # fmt: skip
    path = _write(
        tmp_path,
        "contacts.csv",
        "Id,Email,LastName,AccountId\n"
        "0035g00000XyZaB,ann@gmail.com,Smith,0015g00000AbCdE\n"  # a report's 15 characters
        "0035g00000XyZaC,bo@gmail.com,Berg,0015G00000ABCDEAAV\n",  # the case lost: a bad id
    )
    summary = _contacts(engine, path, "salesforce")
    assert summary.rejected == 1, summary.problems
    options = ImportOptions(get_format("salesforce"), skip_bad_rows=True)
    summary = import_contacts(engine, path, options, clock=FixedClock(NOW))
    assert (summary.created, summary.unknown_company_ids) == (1, 0)
    assert _companies(engine) == {"ann@gmail.com": "acme.example"}


def test_command_warns_about_unknown_company_ids(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    path = _write(tmp_path, "contacts.csv", HUBSPOT_CONTACTS)

    result = runner.invoke(app, ["import", "contacts", str(path), "--format", "hubspot"])

    assert result.exit_code == 0, result.output
    assert "warning: 3 rows name a company id no account has in hubspot" in result.stderr
    assert "leadflow import accounts --format hubspot" in result.stderr


def test_a_contact_joined_by_company_id_fills_what_its_account_lacks(
    engine: Engine, tmp_path: Path
) -> None:
    # The company export held only names; the contact export says more about the
    # company (industry, size), as when joined by the e-mail's domain. What the account
    # holds already is never overwritten, and a free-mail contact's company facts reach
    # its account too (without an id they stay on the contact).
    _accounts(
        engine, tmp_path, "hubspot",
        "Record ID,Company name,Company Domain Name,Industry\n"
        "1234,Acme,acme.example,\n5678,Brouwer,brouwer.example,Retail\n",
    )  # fmt: skip
    path = _write(
        tmp_path, "contacts.csv",
        "Record ID,Email,Associated Company ID,Industry,Number of Employees\n"
        "1,ann@gmail.com,1234,Computer Software,51-200\n"
        "2,bob@brouwer-mail.example,5678,Banking,1200\n",
    )  # fmt: skip

    summary = _contacts(engine, path, "hubspot")

    assert summary.committed, summary.problems
    with Session(engine) as session:
        rows = session.execute(select(Account.domain, Account.industry, Account.employees))
        facts = {domain: (industry, employees) for domain, industry, employees in rows.tuples()}
    assert facts == {
        "acme.example": ("computer_software", 51),
        "brouwer.example": ("retail", 1200),  # its industry stands; its size was empty
    }
