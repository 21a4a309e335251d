"""`leadflow import activities` for Odoo, Dynamics 365 and Zoho CRM, over the world of
``test_import_activities`` (Ann handed off and unanswered, Ben accepted and closed, Cara
never handed off), its people known by the ids each CRM's contact import stores; and an
Odoo contacts export and activities export joined end to end (SQLite, and PostgreSQL when
configured)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, update

from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.ingest.activity_formats import get_activity_format
from leadflow.ingest.formats import get_format
from leadflow.services.definitions import activate_definition
from leadflow.services.import_activities import (
    ActivityImport,
    ActivityImportOptions,
    import_activities,
)
from leadflow.services.import_contacts import ImportOptions, import_contacts
from leadflow.store.database import session_factory, writer
from leadflow.store.models import Contact
from tests.integration.test_import_activities import (  # the world and its readers
    LATER,
    _at,
    _attempts,
    _work,
    world,  # noqa: F401 - a fixture
)

EXPORTS = Path(__file__).parent.parent / "fixtures" / "exports"

# Each CRM's id of Ann, Ben and Cara, as its contact import stores it.
IDS = {
    "odoo": ("__export__.crm_lead_71_a1b2c3d4", "__export__.crm_lead_72_c9d0e1f2",
             "__export__.crm_lead_73_e5f6a7b8"),
    "dynamics": ("c2a4e6f8-1b3d-ef11-a316-000d3a2b7e01", "c2a4e6f8-1b3d-ef11-a316-000d3a2b7e02",
                 "c2a4e6f8-1b3d-ef11-a316-000d3a2b7e03"),
    "zoho": ("zcrm_5725767000000690001", "zcrm_5725767000000690002",
             "zcrm_5725767000000690003"),
}  # fmt: skip
FILES = {"odoo": "odoo_activities.csv", "dynamics": "dynamics_activities.csv",
         "zoho": "zoho_calls.csv"}  # fmt: skip


def _known_in(engine: Engine, people: dict[str, int], crm: str) -> None:
    """The world's people under the CRM's ids (and no e-mail: the id alone finds them)."""
    with session_factory(writer(engine))() as session:
        for name, local in zip(("ann", "ben", "cara"), IDS[crm], strict=True):
            session.execute(
                update(Contact)
                .where(Contact.id == people[name])
                .values(external_id=f"{crm}:{local}", email=None)
            )
        session.commit()


def _import(engine: Engine, crm: str, at: datetime = LATER) -> ActivityImport:
    options = ActivityImportOptions(layout=get_activity_format(crm))
    return import_activities(engine, EXPORTS / FILES[crm], options, clock=FixedClock(at))


def test_odoo_activities_report_logs_calls_and_meetings_on_the_leads(
    engine: Engine,
    world: dict[str, int],  # noqa: F811 - the fixture
) -> None:
    _known_in(engine, world, "odoo")
    summary = _import(engine, "odoo")
    assert summary.committed, summary.problems
    assert (summary.attempts, summary.no_touch, summary.not_held, summary.nobody) == (3, 1, 1, 0)
    assert summary.no_touch_kinds == {"To-Do": 1}
    assert summary.unknown_reps == {}  # "Assigned To" is the rep's name
    assert _attempts(engine, world["ann"]) == [
        (_at(2, 13), "call", "no_answer", "eva"),  # Odoo has no call outcome
        (_at(5, 10), "meeting", "connected", "eva"),
    ]
    assert _work(engine, world["ann"]).accepted_at == _at(2, 13)


def test_dynamics_activities_by_logical_names(
    engine: Engine,
    world: dict[str, int],  # noqa: F811 - the fixture
) -> None:
    _known_in(engine, world, "dynamics")
    summary = _import(engine, "dynamics")
    assert summary.committed, summary.problems
    assert (summary.attempts, summary.planned, summary.no_touch, summary.not_held) == (3, 1, 1, 1)
    # ownerid is a user's GUID, no rep's key: logged as the lead's owner's.
    assert summary.unknown_reps == {"8c1f2e3d-4b5a-ef11-a316-000d3a2b0e0a": 3}
    assert _attempts(engine, world["ann"]) == [
        (_at(2, 13), "call", "no_answer", "eva"),
        (_at(5, 10), "meeting", "connected", "eva"),
    ]


def test_zoho_calls_with_their_call_results(
    engine: Engine,
    world: dict[str, int],  # noqa: F811 - the fixture
) -> None:
    _known_in(engine, world, "zoho")
    summary = _import(engine, "zoho")
    assert summary.committed, summary.problems
    assert (summary.attempts, summary.not_held, summary.without_outcome) == (3, 1, 0)
    assert _attempts(engine, world["ann"]) == [
        (_at(2, 13), "call", "no_answer", "eva"),
        (_at(5, 10), "call", "connected", "eva"),
    ]
    assert _attempts(engine, world["ben"])[-1][2] == "wrong_number"


@pytest.mark.parametrize("crm", list(FILES))
def test_importing_the_same_export_again_changes_nothing(
    engine: Engine,
    world: dict[str, int],  # noqa: F811 - the fixture
    crm: str,
) -> None:
    _known_in(engine, world, crm)
    first = _import(engine, crm)
    before = [_attempts(engine, world[name]) for name in ("ann", "ben", "cara")]
    again = _import(engine, crm)
    assert again.committed
    assert (again.attempts, again.known, again.accepted) == (0, first.attempts, 0)
    assert [_attempts(engine, world[name]) for name in ("ann", "ben", "cara")] == before


@pytest.mark.parametrize(
    ("crm", "text", "reasons"),
    [
        (
            "zoho",
            "Record Id,Call Type,Contact Name.id,Call Start Time,Call Result\n"
            "z1,Outbound,zcrm_5725767000000690001,2026-03-02 13:00:00,No response/Busy\n"
            "z2,Outbound,zcrm_5725767000000690001,2026-03-02 13:30:00,Went fishing\n"
            "z3,Outbound,zcrm_5725767000000690001,someday,Interested\n",
            {3: "outcome 'Went fishing'", 4: "column 'Call Start Time': 'someday'"},
        ),
        (
            "dynamics",
            "activityid,activitytypecode,statecode,actualend,regardingobjectid\n"
            "d1,phonecall,1,2026-03-02T13:00:00Z,c2a4e6f8-1b3d-ef11-a316-000d3a2b7e01\n"
            "d2,phonecall,7,2026-03-02T13:30:00Z,c2a4e6f8-1b3d-ef11-a316-000d3a2b7e01\n"
            "d3,phonecall,1,2026-03-30T13:00:00Z,c2a4e6f8-1b3d-ef11-a316-000d3a2b7e01\n",
            {3: "status '7'", 4: "later than now"},
        ),
        (
            "odoo",
            "ID,Completion Date,Activity Type,Opportunity/ID\n"
            "o1,2026-03-02 13:00:00,Call,__export__.crm_lead_71_a1b2c3d4\n"
            "o2,2026-03-02 13:30:00,Call,\n"
            "o3,02.13.2026 13:00,Call,__export__.crm_lead_71_a1b2c3d4\n",
            {4: "column 'Completion Date'"},
        ),
    ],
    ids=["zoho", "dynamics", "odoo"],
)
def test_bad_rows_name_their_line_and_nothing_is_written(
    engine: Engine,
    world: dict[str, int],  # noqa: F811 - the fixture
    tmp_path: Path,
    crm: str,
    text: str,
    reasons: dict[int, str],
) -> None:
    _known_in(engine, world, crm)
    path = tmp_path / "activities.csv"
    path.write_text(text, encoding="utf-8")
    options = ActivityImportOptions(layout=get_activity_format(crm))
    refused = import_activities(engine, path, options, clock=FixedClock(LATER))
    assert not refused.committed
    found = {problem.line: problem.reason for problem in refused.problems}
    assert set(found) == set(reasons), found
    assert all(part in found[line] for line, part in reasons.items()), found
    assert _attempts(engine, world["ann"]) == []


def test_an_odoo_contacts_export_and_its_activities_join_up(engine: Engine, tmp_path: Path) -> None:
    """The activities name the leads by the ``__export__`` ids the contact import kept:
    nobody is unknown (the leads were never handed off, so nothing is logged on them)."""
    moment = datetime(2025, 4, 1, 9, tzinfo=UTC)
    with session_factory(writer(engine))() as session:
        activate_definition(session, preset_text("waterfall"), source_name="w.yaml", now=moment)
        session.commit()
    contacts = import_contacts(
        engine, EXPORTS / "odoo_leads.csv", ImportOptions(get_format("odoo")),
        clock=FixedClock(moment),
    )  # fmt: skip
    assert contacts.committed, contacts.problems
    text = (
        "ID,Completion Date,Activity Type,Assigned To,Opportunity/ID\n"
        "a1,2025-03-03 10:00:00,Call,Marc Demo,__export__.crm_lead_41_5b1e9a0c\n"
        "a2,2025-03-04 10:00:00,Meeting,Marc Demo,__export__.crm_lead_45_77b0c6aa\n"
    )
    file = tmp_path / "activities.csv"
    file.write_text(text, encoding="utf-8")
    options = ActivityImportOptions(layout=get_activity_format("odoo"))
    summary = import_activities(engine, file, options, clock=FixedClock(moment))
    assert summary.committed, summary.problems
    assert (summary.rows, summary.nobody, summary.before_handoff + summary.not_held) == (2, 0, 2)
