"""Importing accounts: all or nothing, idempotent, and the contacts' fit follows."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
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
