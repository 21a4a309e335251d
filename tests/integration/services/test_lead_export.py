"""Exporting leads for a CRM or a spreadsheet: which leads, which columns, which words."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy.orm import Session

from leadflow.definition.builtin import preset_text
from leadflow.services import lead_export
from leadflow.services.identity import merge_contacts
from leadflow.services.lead_export import (
    ExportFormat,
    LeadExport,
    export_columns,
    write_leads,
)
from leadflow.services.lead_list import LeadFilter
from leadflow.services.refusals import InvalidInputError
from leadflow.store.models import Contact, Qualification
from tests.integration.handoff.conftest import Desk


@pytest.fixture
def desk(session: Session) -> Desk:
    opened = Desk(session)
    opened.activate(preset_text("waterfall"), "waterfall.yaml")
    return opened


def _export(
    desk: Desk, fmt: ExportFormat = ExportFormat.GENERIC, request: LeadExport | None = None
) -> list[dict[str, str]]:
    out = io.StringIO()
    count = write_leads(desk.session, fmt, request or LeadExport(), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert count == len(rows)
    assert tuple(next(csv.reader(io.StringIO(out.getvalue())))) == export_columns(fmt)
    return rows


def _reader(desk: Desk) -> int:
    """A contact who read the blog: qualified, a lead, not sales-ready."""
    contact_id = desk.contact()
    desk.event(contact_id, "page_view", url="https://x.example/blog")
    return contact_id


def _set(desk: Desk, contact_id: int, **values: object) -> None:
    contact = desk.session.get_one(Contact, contact_id)
    for name, value in values.items():
        setattr(contact, name, value)
    desk.session.commit()


def test_generic_rows_hold_the_stored_verdicts_in_contact_order(desk: Desk) -> None:
    reader = _reader(desk)
    ready = desk.lead()

    rows = _export(desk)

    assert [int(row["contact_id"]) for row in rows] == [reader, ready]
    stored = desk.session.get_one(Qualification, ready)
    last = rows[1]
    assert last["email"] == desk.session.get_one(Contact, ready).email
    assert last["stage"] == stored.stage == "sql"
    assert last["sales_ready"] == "true"
    assert rows[0]["sales_ready"] == "false"
    assert last["fit_grade"] == stored.fit_grade == "A"
    assert float(last["engagement_score"]) == round(stored.engagement_score, 2)
    assert last["lead_type"] == stored.lead_type
    assert last["last_activity_at"] == "2026-03-02T09:00:00Z"
    assert last["definition_version"] == stored.stage_version
    assert last["prediction"] == ""  # no learned model


def test_filters_choose_the_leads_and_a_typo_is_refused_before_anything_is_written(
    desk: Desk,
) -> None:
    reader = _reader(desk)
    ready = desk.lead()

    def ids(request: LeadExport) -> list[int]:
        return [int(row["contact_id"]) for row in _export(desk, request=request)]

    assert ids(LeadExport(sales_ready=True)) == [ready]
    assert ids(LeadExport(sales_ready=False)) == [reader]
    assert ids(LeadExport(LeadFilter(stage="sql"))) == [ready]
    assert ids(LeadExport(LeadFilter(grade="B"))) == []
    out = io.StringIO()
    with pytest.raises(InvalidInputError, match="unknown stage 'sqll'"):
        write_leads(desk.session, ExportFormat.GENERIC, LeadExport(LeadFilter(stage="sqll")), out)
    with pytest.raises(InvalidInputError, match="unknown temperature 'lukewarm'"):
        write_leads(
            desk.session, ExportFormat.GENERIC, LeadExport(LeadFilter(temperature="lukewarm")), out
        )
    assert out.getvalue() == ""


def test_changed_since_gives_only_the_leads_requalified_since(desk: Desk) -> None:
    first = _reader(desk)
    second = _reader(desk)
    since = desk.later(days=1)
    desk.event(second, "page_view", url="https://x.example/pricing")

    rows = _export(desk, request=LeadExport(changed_since=since))

    assert [int(row["contact_id"]) for row in rows] == [second]
    assert first != second


def test_merged_contacts_are_left_out(desk: Desk) -> None:
    survivor = _reader(desk)
    merged = _reader(desk)
    merge_contacts(desk.session.connection(), survivor, merged, now=desk.clock.now())
    desk.session.commit()

    assert [int(row["contact_id"]) for row in _export(desk)] == [survivor]


def test_hubspot_rows_match_by_record_id_and_speak_its_lifecycle(desk: Desk) -> None:
    from_hubspot = _reader(desk)
    _set(desk, from_hubspot, external_id="hubspot:5120")
    ready = desk.lead()
    _set(desk, ready, external_id="salesforce:00Q5g00000AbCdEEAV")  # not HubSpot's own id

    rows = _export(desk, ExportFormat.HUBSPOT)

    assert rows[0]["Record ID"] == "5120"
    assert rows[1]["Record ID"] == ""
    assert rows[1]["Email"] == desk.session.get_one(Contact, ready).email
    assert rows[0]["leadflow_stage"] == "lead"
    assert rows[0]["Lifecycle Stage"] == "lead"
    assert rows[1]["leadflow_stage"] == "sql"
    assert rows[1]["Lifecycle Stage"] == "salesqualifiedlead"
    assert rows[1]["leadflow_sales_ready"] == "true"
    assert rows[1]["leadflow_last_activity"] == "2026-03-02"


def test_a_stage_without_a_hubspot_lifecycle_stage_leaves_the_cell_empty(desk: Desk) -> None:
    contact_id = _reader(desk)
    stored = desk.session.get_one(Qualification, contact_id)
    stored.stage = "nurture"  # an off-ramp: HubSpot's lifecycle has no such stage
    desk.session.commit()

    (row,) = _export(desk, ExportFormat.HUBSPOT)

    # An empty cell leaves HubSpot's value as sales set it; a guess would overwrite it.
    assert row["Lifecycle Stage"] == ""
    assert row["leadflow_stage"] == "nurture"


def test_salesforce_rows_carry_the_lead_id_and_the_rating(desk: Desk) -> None:
    hot = _reader(desk)
    _set(desk, hot, external_id="salesforce:00Q5g00000AbCdEEAV")
    cold = _reader(desk)
    unknown = _reader(desk)
    desk.session.get_one(Qualification, hot).temperature = "hot"
    desk.session.get_one(Qualification, unknown).temperature = "unknown"  # no BANT fact
    desk.session.commit()

    rows = _export(desk, ExportFormat.SALESFORCE)

    assert rows[0]["Id"] == "00Q5g00000AbCdEEAV"
    assert rows[1]["Id"] == ""
    assert rows[0]["Rating"] == "Hot"
    assert desk.session.get_one(Qualification, cold).temperature == "cold"
    assert rows[1]["Rating"] == "Cold"
    assert rows[2]["Rating"] == ""  # unknown temperature: Salesforce keeps its own
    assert rows[0]["Leadflow_Stage__c"] == "lead"
    assert rows[0]["Leadflow_Sales_Ready__c"] == "false"
    assert "Leadflow_Temperature__c" not in rows[0]  # the standard Rating says it


def test_spreadsheet_cells_never_start_a_formula_but_crm_files_stay_as_stored(
    desk: Desk,
) -> None:
    contact_id = _reader(desk)
    _set(desk, contact_id, first_name='=HYPERLINK("http://x.example")', email="-ann@x.example")

    (generic,) = _export(desk)
    (hubspot,) = _export(desk, ExportFormat.HUBSPOT)

    assert generic["first_name"] == '\'=HYPERLINK("http://x.example")'
    assert generic["email"] == "'-ann@x.example"
    assert hubspot["Email"] == "-ann@x.example"  # the CRM matches on the address itself


def test_every_lead_comes_once_across_chunks(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lead_export, "_CHUNK", 2)
    made = [_reader(desk) for _ in range(5)]

    assert [int(row["contact_id"]) for row in _export(desk)] == made


@pytest.mark.parametrize(
    ("fmt", "own_id", "key"),
    [
        (ExportFormat.HUBSPOT, "hubspot:5120", "Record ID"),
        (ExportFormat.SALESFORCE, "salesforce:00Q5g00000AbCdEEAV", "Id"),
    ],
)
def test_a_crm_file_leaves_out_leads_the_crm_cannot_match(
    desk: Desk, fmt: ExportFormat, own_id: str, key: str
) -> None:
    """A lead without an e-mail whose id is another CRM's (a Pipedrive person) has
    nothing the CRM's import matches on: its row would create an empty record there (or
    be refused), so the CRM's file leaves it out; leadflow's own file keeps it."""
    by_id = _reader(desk)
    _set(desk, by_id, email=None, external_id=own_id)
    by_email = _reader(desk)
    unmatched = _reader(desk)
    _set(desk, unmatched, email=None, external_id="pipedrive:77")

    rows = _export(desk, fmt)

    assert [row[key] for row in rows] == [own_id.partition(":")[2], ""]
    assert rows[1]["Email"] == desk.session.get_one(Contact, by_email).email
    generic = _export(desk)
    assert [int(row["contact_id"]) for row in generic] == [by_id, by_email, unmatched]
