"""Importing accounts: all or nothing, idempotent, and the contacts' fit follows."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, select
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock
from leadflow.services.events import EventRecorder, IncomingEvent
from leadflow.services.import_accounts import import_accounts
from leadflow.store.models import Account, Contact, Qualification
from tests.integration.services.conftest import START

HEADER = "account_id,name,domain,industry,employees,annual_revenue_eur,country\n"
GOOD = "a1,Brouwer Software B.V.,brouwer.nl,software,250,20000000,NL\n"


def _file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "accounts.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def test_a_bad_row_writes_nothing_unless_skipped(engine: Engine, tmp_path: Path) -> None:
    path = _file(tmp_path, GOOD, "a2,Bad,not a domain,software,10,1,NL\n")
    report = import_accounts(engine, path, clock=FixedClock(START))
    assert not report.committed
    assert report.problems == [(3, "domain 'not a domain' is not a domain name")]
    with Session(engine) as session:
        assert session.scalars(select(Account)).all() == []
    report = import_accounts(engine, path, clock=FixedClock(START), skip_bad_rows=True)
    assert (report.committed, report.created, report.rejected) == (True, 1, 1)


def test_an_internationalised_domain_is_read_and_its_people_join_it(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    row = "a3,Müller Maschinenbau GmbH,https://www.Müller.de/kontakt,machinery,120,9000000,DE\n"
    report = import_accounts(engine, _file(tmp_path, row), clock=FixedClock(START))
    assert (report.committed, report.created) == (True, 1), report.problems
    recorder.record(IncomingEvent("page_view", START, key="e1", email="anna@müller.de"))
    with Session(engine) as session:
        account = session.scalars(select(Account)).one()
        person = session.scalars(select(Contact)).one()
    assert account.domain == "müller.de"  # the form the contact import writes
    assert person.account_id == account.id


def test_importing_twice_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = _file(tmp_path, GOOD)
    first = import_accounts(engine, path, clock=FixedClock(START))
    again = import_accounts(engine, path, clock=FixedClock(START))
    assert (first.created, again.created, again.updated, again.unchanged) == (1, 0, 0, 1)


def test_firmographics_raise_the_fit_of_the_accounts_people(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    event = IncomingEvent("page_view", START, key="e1", email="anna@brouwer.nl")
    recorder.record(event)
    with Session(engine) as session:
        before = session.scalars(select(Qualification.fit_score)).one()
    report = import_accounts(engine, _file(tmp_path, GOOD), clock=FixedClock(START))
    assert (report.created, report.requalified) == (1, 1)
    with Session(engine) as session:
        after = session.scalars(select(Qualification.fit_score)).one()
        account = session.scalars(select(Account)).one()
    assert (account.industry, account.employees, account.country) == ("software", 250, "NL")
    assert after > before


def test_command_reports_bad_rows_with_their_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from leadflow.cli import app

    runner = CliRunner()
    workspace = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(workspace)]).exit_code == 0
    bad = _file(tmp_path, GOOD, "a2,Bad,x.com,software,lots,1,NL\n")
    result = runner.invoke(app, ["import", "accounts", str(bad), "--workspace", str(workspace)])
    assert result.exit_code == 1
    assert f"{bad}:3: employees 'lots' is not a number" in result.output
    good = _file(tmp_path, GOOD)
    result = runner.invoke(app, ["import", "accounts", str(good), "--workspace", str(workspace)])
    assert result.exit_code == 0, result.output
    assert "1 created" in result.output


def test_command_says_a_header_without_rows_imports_nothing(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from leadflow.cli import app

    runner = CliRunner()
    workspace = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(workspace)]).exit_code == 0
    empty = _file(tmp_path)
    result = runner.invoke(app, ["import", "accounts", str(empty), "--workspace", str(workspace)])
    assert result.exit_code == 1
    assert f"{empty}: a header and no rows: nothing imported" in result.output


def test_command_takes_the_encoding_and_delimiter_as_contacts_does(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from leadflow.cli import app

    runner = CliRunner()
    workspace = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(workspace)]).exit_code == 0
    # One column per row and a comma in the name: no delimiter can be detected from it;
    # a Mac Roman "é" (0x8e) would be read as cp1252's "Ž".
    path = tmp_path / "accounts.csv"
    path.write_bytes("domain|name\nacme.example|Caf\u00e9, Bar & Co\n".encode("mac_roman"))
    options = ["--delimiter", "|", "--encoding", "mac_roman", "--workspace", str(workspace)]

    result = runner.invoke(app, ["import", "accounts", str(path), *options])

    assert result.exit_code == 0, result.output
    engine = create_engine(f"sqlite:///{workspace / 'leadflow.db'}")
    with Session(engine) as session:
        assert session.scalars(select(Account.name)).all() == ["Café, Bar & Co"]
    engine.dispose()


MAVEN_MAPPING = """
columns:
  account: name
  sector: industry
  office_location: country
values:
  country: {Korea: KR, Philipines: PH}
"""


def test_command_reads_other_headers_through_a_mapping(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from leadflow.cli import app

    runner = CliRunner()
    workspace = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(workspace)]).exit_code == 0
    extract = tmp_path / "firmen.csv"  # a BI extract, semicolons, Windows-1252
    extract.write_bytes(
        "sep=;\r\naccount;sector;revenue;employees;office_location\r\n"
        "Bäckerei Müller GmbH;retail;1.234,56 €;1.200;Deutschland\r\n"
        "Korea Trading;retail;10;5;Korea\r\n".encode("cp1252")
    )
    mapping = tmp_path / "accounts.yaml"
    mapping.write_text(MAVEN_MAPPING, encoding="utf-8")
    command = ["import", "accounts", str(extract), "-w", str(workspace)]
    refused = runner.invoke(app, command)
    assert refused.exit_code == 1
    assert "neither a domain nor a company name column" in refused.output
    result = runner.invoke(app, [*command, "--mapping", str(mapping)])
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    engine = _engine(workspace)
    with Session(engine) as session:
        found = {a.name: (a.industry, a.revenue, a.employees, a.country)
                 for a in session.scalars(select(Account))}  # fmt: skip
    engine.dispose()
    assert found == {
        "Bäckerei Müller GmbH": ("retail", 1234.56, 1200, "DE"),
        "Korea Trading": ("retail", 10.0, 5, "KR"),
    }


def test_mavens_accounts_import_through_a_mapping(
    engine: Engine, tmp_path: Path, shared_data: Path
) -> None:
    from leadflow.ingest.accounts_mapping import load_account_mapping

    path = tmp_path / "maven.yaml"
    path.write_text(MAVEN_MAPPING, encoding="utf-8")
    accounts = shared_data / "maven_crm" / "accounts.csv"
    mapping = load_account_mapping(path)
    report = import_accounts(engine, accounts, clock=FixedClock(START), mapping=mapping)
    assert (report.committed, report.created, report.rejected) == (True, 85, 0), report.problems
    again = import_accounts(engine, accounts, clock=FixedClock(START), mapping=mapping)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 85)
    with Session(engine) as session:
        acme = session.scalars(select(Account).where(Account.name == "Acme Corporation")).one()
    assert (acme.industry, acme.employees, acme.country) == ("technolgy", 2822, "US")
    assert acme.attributes == {"year_established": "1996"}


def _engine(workspace: Path) -> Engine:
    return create_engine(f"sqlite:///{workspace / 'leadflow.db'}")


def test_a_repeated_header_read_as_a_field_is_refused_naming_both_columns(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "companies.csv"
    path.write_text("Name,Website,Company Domain Name,website\nAcme,,acme.example,wrong.example\n")

    with pytest.raises(ValueError, match="which column is meant") as refused:
        import_accounts(engine, path, clock=FixedClock(START))

    assert "'Website' in column 2 (B) and 'website' in column 4 (D)" in str(refused.value)
    assert "reads it as the field 'domain'" in str(refused.value)
    with Session(engine) as session:
        assert session.scalars(select(Account)).all() == []


def test_a_repeated_header_that_is_no_field_keeps_both_cells_and_says_so(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "companies.csv"
    path.write_text("domain,Notes,Notes\nacme.example,first,second\n")

    report = import_accounts(engine, path, clock=FixedClock(START))

    assert report.committed
    assert report.header_notes == [
        "the header has 'Notes' in columns 2 (B) and 3 (C); it is no field: kept as "
        "attributes notes, notes_2"
    ]
    with Session(engine) as session:
        [account] = session.scalars(select(Account)).all()
        assert account.attributes == {"notes": "first", "notes_2": "second"}
