"""Lists read in id order (``GET /contacts``, lead exports): a page or chunk deep in the
list reads what the first one reads.

Contacts come with their qualification through a join. PostgreSQL merge-joins them in
id order, and the page's ``id > cursor`` bounded only the contacts: the qualifications
were read from the first one on, every page, so paging 200,000 contacts to the end read
the table 1,000 times (257 s; a page at contact 150,000 took 287 ms of the database's
time), and an export of them 100 times (2,000 a chunk). The tests ask PostgreSQL how
many qualification rows a query deep in the list read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Connection, event, insert, text
from sqlalchemy.orm import Session

from leadflow.services.contacts import ContactFilter, list_contacts
from leadflow.services.lead_export import ExportFormat, LeadExport, export_rows
from leadflow.services.lead_list import LeadFilter
from leadflow.store.models import Contact, Qualification
from tests.integration.services.conftest import activate

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PEOPLE = 3000


def _people(session: Session) -> None:
    session.execute(
        insert(Contact),
        [
            {
                "email": f"p{n:05d}@acme.example",
                "identity": "known",
                "purchased": False,
                "attributes": {},
                "created_at": NOW,
                "updated_at": NOW,
            }
            for n in range(PEOPLE)
        ],
    )
    ids = session.scalars(text("SELECT id FROM contacts ORDER BY id")).all()
    session.execute(
        insert(Qualification),
        [
            {
                "contact_id": contact_id,
                "stage": "lead" if contact_id % 2 else "mql",
                "fit_score": 50.0,
                "fit_grade": "B",
                "engagement_score": 1.0,
                "temperature": "cold",
                "lead_type": "none",
                "sales_ready": False,
                "state": {},
                "qualified_at": NOW,
                "last_activity_at": NOW,
                "updated_at": NOW,
            }
            for contact_id in ids
        ],
    )
    session.flush()
    session.execute(text("ANALYZE contacts"))
    session.execute(text("ANALYZE qualifications"))


def _on_postgresql(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("reads PostgreSQL's plan (SQLite looks each qualification up by key)")


@contextmanager
def _page_statement(connection: Connection) -> Iterator[list[tuple[str, Any]]]:
    """The SELECT each list_contacts call sends, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM contacts" in statement:
            seen.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", capture)


def _qualifications_read(session: Session, statement: str, parameters: Any) -> int:
    """Rows the executed plan took from the qualifications table, over all its loops."""
    connection = session.connection()
    plan = connection.exec_driver_sql(
        "EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters
    ).scalar_one()
    nodes = [(plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"]]
    read = 0
    while nodes:
        node = nodes.pop()
        if node.get("Relation Name") == "qualifications":
            rows = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
            read += rows * node["Actual Loops"]
        nodes.extend(node.get("Plans", []))
    return read


@pytest.mark.parametrize(
    "where", [ContactFilter(), ContactFilter(stage="lead")], ids=["all", "stage"]
)
def test_a_page_deep_in_the_contacts_reads_only_its_own_qualifications(
    backend: str, session: Session, where: ContactFilter
) -> None:
    _on_postgresql(backend)
    _people(session)
    last = session.scalar(text("SELECT max(id) FROM contacts"))
    assert last is not None
    with _page_statement(session.connection()) as seen:
        page = list_contacts(session, where, after=last - 100, limit=20)

    ids = [view.contact.id for view in page]
    assert len(ids) == 20
    assert ids == sorted(ids)
    assert ids[0] > last - 100
    statement, parameters = seen[-1]
    assert _qualifications_read(session, statement, parameters) <= 200


def test_an_export_reads_each_qualification_once(backend: str, session: Session) -> None:
    _on_postgresql(backend)
    activate(session)
    _people(session)
    with _page_statement(session.connection()) as seen:
        rows = list(export_rows(session, ExportFormat.GENERIC, LeadExport(LeadFilter())))

    assert len(rows) == PEOPLE
    statement, parameters = seen[-1]  # the second chunk: the last thousand people
    assert _qualifications_read(session, statement, parameters) <= PEOPLE - 2000 + 100
