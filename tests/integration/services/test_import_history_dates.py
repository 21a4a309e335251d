"""A CRM's history imported into leadflow is dated at the CRM's moments in the stage
ledger: the moves the imported deals cause happen when the deals were opened and won,
not on the day of the import, so the funnel of a past month counts them (SQLite;
PostgreSQL too when LEADFLOW_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadflow.analytics.costs import Costs
from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.ingest.deal_formats import get_deal_format
from leadflow.ingest.formats import get_format
from leadflow.services.definitions import activate_definition
from leadflow.services.events import IncomingEvent, Recorded, record_event
from leadflow.services.import_contacts import ImportOptions, import_contacts
from leadflow.services.import_deals import DealImport, DealImportOptions, import_deals
from leadflow.services.lead_detail import lead_card
from leadflow.services.reports import ReportRequest, build_report
from leadflow.store.models import Contact, Qualification, StageTransition

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)

CONTACTS = """Record ID,First Name,Last Name,Email,Company Name,Create Date
71,Anna,Smit,anna@bakker-hout.example,Bakker Hout,2024-01-10 09:00
72,Bram,Jong,bram@jong-staal.example,Jong Staal,2024-01-12 09:00
73,Carla,Visser,carla@visser-glas.example,Visser Glas,2024-02-05 09:00
74,Dirk,Berg,dirk@berg-bouw.example,Berg Bouw,2024-01-20 09:00
"""

# 9101: won in March 2024; 9102: opened in February 2024, still open; 9103: won before
# its person was created in the CRM; 9104: open, no dates at all.
DEALS = """Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Associated Contact IDs
9101,Hout,Closed Won,1000,2024-03-15 10:00,2024-02-01 10:00,71
9102,Staal,Appointment Scheduled,2000,,2024-02-20 10:00,72
9103,Glas,Closed Won,3000,2023-11-30 10:00,2023-10-01 10:00,73
9104,Bouw,Appointment Scheduled,4000,,,74
"""


@pytest.fixture
def store(engine: Engine, tmp_path: Path) -> Engine:
    """The waterfall preset active, four HubSpot contacts created in the CRM in 2024 and
    imported now: each entered the funnel at its CRM creation date."""
    with Session(engine) as session:
        activate_definition(session, preset_text("waterfall"), source_name="w.yaml", now=NOW)
        session.commit()
    path = tmp_path / "contacts.csv"
    path.write_text(CONTACTS, encoding="utf-8")
    done = import_contacts(
        engine, path, ImportOptions(get_format("hubspot")), clock=FixedClock(NOW)
    )
    assert done.committed, done.problems
    return engine


def _deals(engine: Engine, tmp_path: Path, text: str = DEALS, now: datetime = NOW) -> DealImport:
    path = tmp_path / "deals.csv"
    path.write_text(text, encoding="utf-8")
    options = DealImportOptions(get_deal_format("hubspot"))
    done = import_deals(engine, path, options, clock=FixedClock(now))
    assert done.committed, done.problems
    return done


def _ledger(engine: Engine, ref: int) -> list[tuple[str | None, str, datetime]]:
    with Session(engine) as session:
        contact = session.scalars(select(Contact.id).where(Contact.external_id == f"hubspot:{ref}"))
        query = (
            select(StageTransition.from_stage, StageTransition.to_stage, StageTransition.at)
            .where(StageTransition.contact_id == contact.one())
            .order_by(StageTransition.at, StageTransition.id)
        )
        return [(old, new, _utc(at)) for old, new, at in session.execute(query).tuples()]


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_a_won_deal_moves_its_person_at_its_close_date(store: Engine, tmp_path: Path) -> None:
    _deals(store, tmp_path)
    assert _ledger(store, 71) == [
        (None, "lead", _at("2024-01-10 09:00")),
        ("lead", "customer", _at("2024-03-15 10:00")),
    ]


def test_a_won_deal_moves_its_person_at_its_close_date_before_its_later_events(
    store: Engine, tmp_path: Path
) -> None:
    """Its events imported first, one after the close: the move is judged with the events
    it had by the close date, and dated then, not at its latest event."""
    with Session(store) as session:
        anna = session.scalars(select(Contact.id).where(Contact.external_id == "hubspot:71"))
        at, page = _at("2024-05-01 12:00"), {"url": "https://x.example/pricing"}
        visit = IncomingEvent("page_view", at, contact_id=anna.one(), properties=page)
        assert isinstance(record_event(session, visit, clock=FixedClock(NOW)), Recorded)
    _deals(store, tmp_path)
    assert _ledger(store, 71)[-1] == ("lead", "customer", _at("2024-03-15 10:00"))


def test_an_open_deal_moves_its_person_when_it_was_opened(store: Engine, tmp_path: Path) -> None:
    _deals(store, tmp_path)
    assert _ledger(store, 72)[-1] == ("lead", "opportunity", _at("2024-02-20 10:00"))


def test_a_deal_older_than_its_person_moves_it_when_it_entered_the_funnel(
    store: Engine, tmp_path: Path
) -> None:
    """Never before the contact's latest ledger line: its stage clock never goes back."""
    _deals(store, tmp_path)
    entered = _at("2024-02-05 09:00")
    assert _ledger(store, 73) == [(None, "lead", entered), ("lead", "customer", entered)]


def test_the_lead_card_lists_two_moves_of_one_instant_newest_first(
    store: Engine, tmp_path: Path
) -> None:
    """Carla's entry and her move to customer share a moment: the timeline (newest
    first) shows the move above the entry, as the ledger wrote them."""
    _deals(store, tmp_path)
    with Session(store) as session:
        carla = session.scalars(select(Contact.id).where(Contact.external_id == "hubspot:73"))
        card = lead_card(session, carla.one(), NOW)
    moves = [entry.title for entry in card.timeline if entry.kind == "transition"]
    assert moves == ["customer", "lead"]


def test_a_deal_without_dates_moves_its_person_at_the_import(store: Engine, tmp_path: Path) -> None:
    _deals(store, tmp_path)
    assert _ledger(store, 74)[-1] == ("lead", "opportunity", NOW)


def test_the_qualification_is_still_dated_at_the_import(store: Engine, tmp_path: Path) -> None:
    _deals(store, tmp_path)
    with Session(store) as session:
        query = select(Qualification.qualified_at, Qualification.stage_entered_at).join(
            Contact, Contact.id == Qualification.contact_id
        )
        row = session.execute(query.where(Contact.external_id == "hubspot:71")).one()
    assert (_utc(row[0]), _utc(row[1])) == (NOW, _at("2024-03-15 10:00"))


def test_importing_the_same_deals_again_adds_no_ledger_line(store: Engine, tmp_path: Path) -> None:
    _deals(store, tmp_path)
    before = {ref: _ledger(store, ref) for ref in (71, 72, 73, 74)}
    _deals(store, tmp_path, now=datetime(2026, 4, 1, tzinfo=UTC))
    assert {ref: _ledger(store, ref) for ref in (71, 72, 73, 74)} == before


def test_the_funnel_of_the_crm_months_counts_the_imported_conversions(
    store: Engine, tmp_path: Path
) -> None:
    _deals(store, tmp_path)
    request = ReportRequest("funnel", start=_at("2024-01-01"), stop=_at("2024-04-01"), by=None)
    report = build_report(store, request, clock=FixedClock(NOW), costs=Costs())
    leads = {row[1]: row[2] for row in report.sections[0].rows if row[0] == "all"}
    # Anna (won 15 March), Bram (opened 20 February), Carla (won before she entered,
    # so when she entered on 5 February); Dirk's deal has no date: he is an opportunity
    # only from the import on.
    assert (leads["lead"], leads["opportunity"], leads["customer"]) == (4, 3, 2)
