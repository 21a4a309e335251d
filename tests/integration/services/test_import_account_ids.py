"""An account's ids are kept per CRM: HubSpot's and Salesforce's exports of one company
make one account with both ids, numbers of two systems never meet, and importing a file
again updates, never duplicates."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from leadflow.cli import app
from leadflow.domain.clock import FixedClock
from leadflow.services.accounts import external_ids
from leadflow.services.import_accounts import AccountImport, import_accounts
from leadflow.store.models import Account, AccountExternalId
from tests.integration.services.conftest import START

HUBSPOT = "Record ID,Company name,Company Domain Name,Number of Employees\n"
SALESFORCE = "Account ID,Account Name,Website,Employees\n"


def _import(engine: Engine, tmp_path: Path, system: str, text: str) -> AccountImport:
    path = tmp_path / f"{system}.csv"
    path.write_text(text, encoding="utf-8")
    return import_accounts(engine, path, clock=FixedClock(START), system=system)


def _ids(engine: Engine) -> dict[str, dict[str, str]]:
    """Each account's ids per system, by the account's domain."""
    with Session(engine) as session:
        accounts = session.execute(select(Account.id, Account.domain)).all()
        found = external_ids(session, [account_id for account_id, _ in accounts])
    return {str(domain): found.get(account_id, {}) for account_id, domain in accounts}


def test_two_crms_exports_of_one_company_make_one_account_with_both_ids(
    engine: Engine, tmp_path: Path
) -> None:
    hubspot = _import(engine, tmp_path, "hubspot", HUBSPOT + "1234,Acme,acme.example,250\n")
    # A report's 15-character id: kept in its 18-character form.
    salesforce = _import(
        engine, tmp_path, "salesforce",
        SALESFORCE + "0015g00000AbCdE,Acme B.V.,https://www.acme.example,260\n",
    )  # fmt: skip
    assert (hubspot.created, salesforce.created, salesforce.updated) == (1, 0, 1)
    assert _ids(engine) == {"acme.example": {"hubspot": "1234", "salesforce": "0015g00000AbCdEAAV"}}
    with Session(engine) as session:
        account = session.scalars(select(Account)).one()
    assert (account.name, account.employees) == ("Acme B.V.", 260)
    assert "external_id" not in account.attributes
    # Both files again: nothing changes, no second account, no second id.
    again = [
        _import(engine, tmp_path, "hubspot", HUBSPOT + "1234,Acme B.V.,acme.example,260\n"),
        _import(engine, tmp_path, "salesforce", SALESFORCE + "0015g00000AbCdEAAV,Acme B.V.,,\n"),
    ]
    assert [(r.created, r.updated, r.unchanged) for r in again] == [(0, 0, 1), (0, 0, 1)]
    assert len(_ids(engine)) == 1


def test_the_same_number_in_two_systems_names_two_companies(engine: Engine, tmp_path: Path) -> None:
    _import(engine, tmp_path, "hubspot", HUBSPOT + "1234,Acme,acme.example,250\n")
    mautic = _import(
        engine, tmp_path, "mautic", "id,company name,website\n1234,Brouwer,brouwer.example\n"
    )
    assert (mautic.committed, mautic.created, mautic.updated) == (True, 1, 0)
    assert _ids(engine) == {
        "acme.example": {"hubspot": "1234"},
        "brouwer.example": {"mautic": "1234"},
    }


def test_a_company_found_by_its_id_takes_its_new_domain(engine: Engine, tmp_path: Path) -> None:
    _import(engine, tmp_path, "hubspot", HUBSPOT + "1234,Acme,acme.example,250\n")
    moved = _import(
        engine, tmp_path, "hubspot",
        HUBSPOT + "1234,Acme,acme-group.example,250\n" + ",Acme old site,acme.example,\n",
    )  # fmt: skip
    assert (moved.created, moved.updated) == (1, 1)  # the old domain is nobody's now
    assert _ids(engine) == {"acme-group.example": {"hubspot": "1234"}, "acme.example": {}}


def test_ids_and_domains_that_disagree_are_bad_rows(engine: Engine, tmp_path: Path) -> None:
    _import(
        engine, tmp_path, "hubspot",
        HUBSPOT + "1234,Acme,acme.example,250\n5678,Brouwer,brouwer.example,10\n",
    )  # fmt: skip
    before = _ids(engine)
    bad = _import(
        engine, tmp_path, "hubspot",
        HUBSPOT
        + "9999,Acme copy,acme.example,250\n"  # a second HubSpot company of that domain
        + "1234,Acme,brouwer.example,250\n"  # HubSpot's 1234 is Acme, the domain Brouwer's
        + "42,Fjord,fjord.example,5\n",
    )  # fmt: skip
    assert not bad.committed
    assert [line for line, _ in bad.problems] == [2, 3]
    assert "the account acme.example has the hubspot id 1234, this row 9999" in bad.problems[0][1]
    assert "the hubspot id 1234 is the account acme.example's" in bad.problems[1][1]
    assert _ids(engine) == before  # nothing written, not even the good row
    with Session(engine) as session:
        assert len(session.scalars(select(AccountExternalId)).all()) == 2


def test_command_takes_the_format_of_the_ids(tmp_path: Path) -> None:
    runner = CliRunner()
    workspace = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(workspace)]).exit_code == 0
    path = tmp_path / "companies.csv"
    path.write_text(HUBSPOT + "1234,Acme,acme.example,250\n", encoding="utf-8")
    options = ["--workspace", str(workspace)]

    result = runner.invoke(app, ["import", "accounts", str(path), "--format", "hubspot", *options])
    wrong = runner.invoke(app, ["import", "accounts", str(path), "--format", "hubspt", *options])

    assert result.exit_code == 0, result.output
    assert "accounts (hubspot ids): 1 created" in result.output
    assert wrong.exit_code != 0
    assert "unknown format 'hubspt'" in wrong.output
