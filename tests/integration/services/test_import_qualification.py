"""`leadflow import contacts` qualifies the contacts it creates, changes or merges into, in
its own transaction (SQLite; PostgreSQL too when LEADFLOW_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import csv
import shutil
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock, utc_text
from leadflow.ingest.formats import get_format
from leadflow.services import import_qualification
from leadflow.services.definitions import activate_definition, active_definition
from leadflow.services.events import IncomingEvent, Recorded, record_event
from leadflow.services.import_contacts import ContactImport, ImportOptions, import_contacts
from leadflow.services.requalify import requalify_contact
from leadflow.store.database import make_engine
from leadflow.store.models import Contact, Qualification, StageTransition
from leadflow.store.models.api import OutboxMessage
from tests.integration.services.conftest import START, activate

NOW = START + timedelta(days=3)
# The waterfall's stages, plus two that a CRM's lifecycle stage decides.
CRM_STAGES = """\
schema_version: 1
name: crm-stages
version: "1"
extends: waterfall
stages:
  - id: lead
    kind: marketing
    when: {field: identity, at_least: known}
  - id: opportunity
    kind: sales
    when: {field: contact.lifecycle_stage, equals: opportunity}
  - id: customer
    kind: customer
    when: {field: contact.lifecycle_stage, equals: customer}
"""
HEADER = ["Record ID", "Email", "Job Title", "Seniority", "Job function", "Industry",
          "Number of Employees", "Country/Region", "Lifecycle Stage"]  # fmt: skip
FITTING = ["1", "eva@brouwer.example", "CMO", "c_level", "marketing", "software", "250",
           "Netherlands", "Lead"]  # fmt: skip
STUDENT = ["2", "tim@gmail.com", "Student", "student", "", "", "", "Germany", "Subscriber"]
CUSTOMER = ["3", "ola@fjord.example", "Buyer", "", "", "logistics", "80", "Norge", "Customer"]


def _file(path: Path, *rows: list[str], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _import(engine: Engine, path: Path, at: datetime = NOW, **options: Any) -> ContactImport:
    layout = ImportOptions(get_format("hubspot"), **options)
    return import_contacts(engine, path, layout, clock=FixedClock(at))


def _qualified(engine: Engine) -> dict[str, tuple[Any, ...]]:
    """e-mail -> (stage, fit grade, sales-ready, definition version) of every contact."""
    with Session(engine) as session:
        rows = session.execute(
            select(Contact.email, Qualification.stage, Qualification.fit_grade,
                   Qualification.sales_ready, Qualification.definition_version_id)
            .join(Qualification, Qualification.contact_id == Contact.id)
        ).all()  # fmt: skip
    return {row[0]: tuple(row[1:]) for row in rows}


def _table(engine: Engine, model: Any) -> list[dict[str, Any]]:
    table = model.__table__
    with engine.connect() as connection:
        return [dict(r) for r in connection.execute(select(table)).mappings()]


@pytest.fixture
def version(engine: Engine) -> int:
    with Session(engine) as session:
        return activate(session).version_id


def test_imported_contacts_are_qualified_in_the_import(
    engine: Engine, version: int, tmp_path: Path
) -> None:
    summary = _import(engine, _file(tmp_path / "c.csv", FITTING, STUDENT))

    assert (summary.created, summary.qualified) == (2, 2)
    assert _qualified(engine) == {
        "eva@brouwer.example": ("lead", "A", False, version),
        "tim@gmail.com": ("lead", "D", False, version),
    }
    moves = _table(engine, StageTransition)
    assert {(m["from_stage"], m["to_stage"], m["event_id"]) for m in moves} == {
        (None, "lead", None)
    }
    assert len(moves) == 2
    kinds = [m["kind"] for m in _table(engine, OutboxMessage)]
    assert kinds == ["stage.changed", "stage.changed"]  # announced as an event's move is


def test_a_crm_lifecycle_stage_the_definition_reads_gives_the_stage(
    engine: Engine, tmp_path: Path
) -> None:
    with Session(engine) as session:
        activate_definition(session, CRM_STAGES, source_name="crm.yaml", now=START)
        session.commit()

    _import(engine, _file(tmp_path / "c.csv", FITTING, CUSTOMER))

    stages = {email: values[0] for email, values in _qualified(engine).items()}
    assert stages == {"eva@brouwer.example": "lead", "ola@fjord.example": "customer"}


def test_a_changed_contact_is_qualified_again_and_an_unchanged_one_is_left_alone(
    engine: Engine, version: int, tmp_path: Path
) -> None:
    student_later = [*STUDENT[:2], "CTO", "c_level", "executive", *STUDENT[5:]]
    _import(engine, _file(tmp_path / "c.csv", FITTING, STUDENT))
    before = {model: _table(engine, model) for model in (Qualification, StageTransition)}

    again = _import(engine, _file(tmp_path / "c.csv", FITTING, STUDENT), NOW + timedelta(days=1))
    assert (again.unchanged, again.qualified) == (2, 0)
    assert {model: _table(engine, model) for model in before} == before  # nothing moved

    changed = _import(engine, _file(tmp_path / "d.csv", FITTING, student_later))
    assert (changed.updated, changed.unchanged, changed.qualified) == (1, 1, 1)
    fit = {row["contact_id"]: row["fit_score"] for row in _table(engine, Qualification)}
    old = {row["contact_id"]: row["fit_score"] for row in before[Qualification]}
    tim = next(r["id"] for r in _table(engine, Contact) if r["email"] == "tim@gmail.com")
    assert fit[tim] > old[tim]  # a CTO now, no longer a student
    assert {k: v for k, v in fit.items() if k != tim} == {k: v for k, v in old.items() if k != tim}


def test_an_imported_attribute_completes_a_lead_with_history(
    engine: Engine, version: int, tmp_path: Path
) -> None:
    """A visitor who asked for a demo but did not fit becomes sales-ready when the CRM
    export says who they are; the move and the hand-off happen in the import."""
    with Session(engine) as session:
        active = active_definition(session)
        event = IncomingEvent("demo_request", START, key="d1", email="eva@brouwer.example")
        assert isinstance(record_event(session, event, clock=FixedClock(START), active=active),
                          Recorded)  # fmt: skip
    assert _qualified(engine)["eva@brouwer.example"][2] is False

    summary = _import(engine, _file(tmp_path / "c.csv", FITTING))

    assert (summary.updated, summary.qualified) == (1, 1)
    assert _qualified(engine)["eva@brouwer.example"] == ("sql", "A", True, version)
    kinds = {m["kind"] for m in _table(engine, OutboxMessage)}
    assert {"stage.changed", "lead.sales_ready"} <= kinds


def test_a_merge_by_the_import_qualifies_the_survivor(
    engine: Engine, version: int, tmp_path: Path
) -> None:
    # A HubSpot record without e-mail, then the same record with one that already exists.
    _import(engine, _file(tmp_path / "a.csv", ["9", "", "", "", "", "", "", "", "Lead"],
                          ["10", "eva@brouwer.example", *FITTING[2:]]))  # fmt: skip
    summary = _import(engine, _file(tmp_path / "b.csv", ["9", "eva@brouwer.example",
                                                          *FITTING[2:]]))  # fmt: skip

    assert (summary.merged, summary.qualified) == (1, 1)
    assert _qualified(engine)["eva@brouwer.example"][:2] == ("lead", "A")


def test_nothing_is_qualified_when_nothing_is_written(
    engine: Engine, version: int, tmp_path: Path
) -> None:
    bad = [*STUDENT[:7], "Atlantis", STUDENT[8]]

    summary = _import(engine, _file(tmp_path / "c.csv", FITTING, bad))

    assert not summary.committed
    assert (_table(engine, Qualification), _table(engine, OutboxMessage)) == ([], [])


def test_a_store_without_a_definition_imports_without_qualifying(
    engine: Engine, tmp_path: Path
) -> None:
    summary = _import(engine, _file(tmp_path / "c.csv", FITTING))

    assert (summary.committed, summary.created, summary.qualified) == (True, 1, None)
    assert _table(engine, Qualification) == []


def test_validating_in_a_second_process_writes_the_same_store(
    database_url: str, tmp_path: Path
) -> None:
    """The whole import both ways, on two copies of a store: every table the same."""
    rows = [[str(n), f"p{n % 90}@c{n % 13}.example", ["CTO", "Student", ""][n % 3],
             ["c_level", "", "director"][n % 3], "", ["software", "retail"][n % 2],
             str(10 + n), ["NL", "Norge", "Atlantis"][n % 3 if n % 50 == 0 else 0],
             ["Lead", "Customer", ""][n % 3]] for n in range(400)]  # fmt: skip
    path = _file(tmp_path / "many.csv", *rows)
    stores = []
    for parallel in (False, True):
        engine = _copy(database_url, tmp_path / f"store-{parallel}.db")
        with Session(engine) as session:
            activate(session)
        summary = _import(engine, path, parallel=parallel, skip_bad_rows=True)
        tables = (Contact, Qualification, StageTransition)
        stores.append((summary.created, summary.merged, summary.rejected, summary.qualified,
                       [summary.problems[i].reason for i in range(len(summary.problems))],
                       {m.__tablename__: _table(engine, m) for m in tables}))  # fmt: skip
        engine.dispose()
    assert stores[0] == stores[1]
    assert stores[0][2] > 0  # rejected rows were part of it


def _copy(database_url: str, target: Path) -> Engine:
    """A second, identical store (SQLite files copy; the PostgreSQL run is skipped, the
    reading under test does not depend on the database)."""
    if not database_url.startswith("sqlite"):
        pytest.skip("one fresh schema per test: the SQLite run compares the two ways")
    shutil.copyfile(database_url.removeprefix("sqlite:///"), target)
    return make_engine(f"sqlite:///{target}")


def test_the_batch_engine_writes_what_the_real_time_path_writes(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Created contacts qualified at once: the same qualification rows, ledger lines and
    webhook messages as one by one (sales-ready ones and updated ones go one by one)."""
    rows = [[str(n), f"p{n}@c{n % 7}.example" if n % 9 else f"p{n}@gmail.com",
             ["CTO", "Student", "Buyer", ""][n % 4], ["c_level", "", "director", ""][n % 4],
             ["marketing", "", "sales"][n % 3], ["software", "retail", ""][n % 3],
             str(5 + 40 * n), ["NL", "Norge", "France", "US"][n % 4],
             ["Lead", "Customer", "Opportunity", ""][n % 4]] for n in range(60)]  # fmt: skip
    for n, row in enumerate(rows):  # a CRM creation date on two rows in three
        row.append("" if n % 3 == 0 else f"2026-0{1 + n % 2}-{10 + n % 17}T08:30:00Z")
    header = [*HEADER, "Create Date"]
    first = _file(tmp_path / "a.csv", *rows[:40], header=header)
    second = _file(tmp_path / "b.csv", *rows[20:], header=header)
    one_by_one: list[int] = []

    def counted(store: Any, contact_id: int, *args: Any, **options: Any) -> Any:
        one_by_one.append(contact_id)
        return requalify_contact(store, contact_id, *args, **options)

    monkeypatch.setattr(import_qualification, "requalify_contact", counted)
    monkeypatch.setattr(import_qualification, "_CHUNK", 7)  # ranges of ids, read in turn
    stores = []
    for in_batch in (False, True):
        one_by_one.clear()
        engine = _copy(database_url, tmp_path / f"store-{in_batch}.db")
        with Session(engine) as session:
            activate_definition(session, CRM_STAGES, source_name="crm.yaml", now=START)
            session.commit()
        with Session(engine) as session:  # one contact with history, met again by the file
            active = active_definition(session)
            event = IncomingEvent("demo_request", START, key="d1", email="p21@c0.example")
            record_event(session, event, clock=FixedClock(START), active=active)
        for path, at in ((first, NOW), (second, NOW + timedelta(hours=1))):
            summary = _import(engine, path, at, qualify_in_batch=in_batch)
            assert summary.qualified == summary.created + summary.updated
        if in_batch:  # the batch did the created contacts that were not sales-ready
            assert 0 < len(one_by_one) < 30
        # Row ids aside (the batch writes its rows before the one-by-one ones).
        stores.append([
            sorted(({k: v for k, v in row.items() if k != "id"} for row in _table(engine, model)),
                   key=repr)
            for model in (Qualification, StageTransition, OutboxMessage)
        ])  # fmt: skip
        engine.dispose()
    assert stores[0] == stores[1]
    assert len(stores[0][1]) > 40  # moves were written, both ways


@pytest.mark.parametrize("in_batch", [False, True], ids=["one by one", "at once"])
def test_an_imported_contact_enters_the_funnel_when_its_crm_created_it(
    engine: Engine, version: int, tmp_path: Path, in_batch: bool
) -> None:
    created = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
    header = [*HEADER, "Create Date"]
    path = _file(tmp_path / "dated.csv", [*FITTING, "2026-01-15T10:00:00Z"], [*STUDENT, ""],
                 header=header)  # fmt: skip
    _import(engine, path, qualify_in_batch=in_batch)
    # Its past comes after it: a demo request a month after the CRM created it.
    with Session(engine) as session:
        event = IncomingEvent("demo_request", created + timedelta(days=17), key="past",
                              email="eva@brouwer.example")  # fmt: skip
        record_event(session, event, clock=FixedClock(NOW))

    with Session(engine) as session:
        ledger = session.execute(
            select(Contact.email, StageTransition.to_stage, StageTransition.at)
            .join(Contact, Contact.id == StageTransition.contact_id)
            .order_by(StageTransition.id)
        ).all()  # fmt: skip
    eva = [(stage, at) for email, stage, at in ledger if email == "eva@brouwer.example"]
    assert eva[0] == ("lead", created)  # entered when the CRM created it, not on NOW
    assert len(eva) > 1
    assert [at for _, at in eva] == sorted(at for _, at in eva)  # the ledger reads in time
    assert [at for email, _, at in ledger if email == "tim@gmail.com"] == [NOW]  # no date
    entered = [m["payload"]["at"] for m in _table(engine, OutboxMessage)
               if m["kind"] == "stage.changed" and m["payload"]["from"] is None]  # fmt: skip
    assert sorted(entered) == [utc_text(created), utc_text(NOW)]


def test_the_batch_path_writes_on_either_database(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_qualification, "_CHUNK", 2)
    with Session(engine) as session:
        activate_definition(session, CRM_STAGES, source_name="crm.yaml", now=START)
        session.commit()

    summary = _import(engine, _file(tmp_path / "c.csv", FITTING, STUDENT, CUSTOMER),
                      qualify_in_batch=True)  # fmt: skip

    assert summary.qualified == 3
    assert {email: values[:2] for email, values in _qualified(engine).items()} == {
        "eva@brouwer.example": ("lead", "A"),
        "tim@gmail.com": ("lead", "D"),
        "ola@fjord.example": ("customer", "B"),  # Norge: the contact's country counts
    }
    moves = _table(engine, StageTransition)
    assert sorted(m["reason"] for m in moves) == ["entered the funnel"] * 3
    messages = _table(engine, OutboxMessage)
    assert sorted(m["payload"]["to"] for m in messages) == ["customer", "lead", "lead"]
    assert {uuid.UUID(m["id"]).version for m in messages} == {4}
    assert len({m["id"] for m in messages}) == 3
    assert all(q["state"] and q["qualified_at"] for q in _table(engine, Qualification))


def test_the_command_says_how_many_contacts_it_qualified(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from leadflow.cli import app

    runner = CliRunner()
    workspace = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(workspace)]).exit_code == 0
    path = _file(tmp_path / "c.csv", FITTING, STUDENT)
    command = ["import", "contacts", str(path), "-f", "hubspot", "-w", str(workspace)]

    first, again = runner.invoke(app, command), runner.invoke(app, command)

    assert first.exit_code == 0, first.output
    assert "2 created" in first.output
    assert first.output.rstrip().endswith("; 2 contacts qualified")
    assert again.output.rstrip().endswith("; 0 contacts qualified")


def test_the_larger_page_cache_of_an_import_is_given_back(engine: Engine, tmp_path: Path) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("a SQLite page cache")

    def cache_sizes() -> set[int]:
        with engine.connect() as connection:  # the pool hands back its one connection
            return {connection.exec_driver_sql("PRAGMA cache_size").scalar_one()}

    before = cache_sizes()
    _import(engine, _file(tmp_path / "c.csv", FITTING))
    assert cache_sizes() == before == {-65536}
