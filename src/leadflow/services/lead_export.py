"""Leads out again: leadflow's verdicts as a CSV that a CRM imports or a spreadsheet reads.

The CRM stays where sales works, so the shared definition's answers (stage, lead type,
temperature, fit, engagement, sales-ready) must reach it. Webhooks carry each change as
it happens; this file carries them all at once: the first sync, a nightly one
(``changed_since``: only the leads whose qualification changed since), or one segment.

    generic      leadflow's own columns, names and company included; cells that would
                 start a spreadsheet formula get an apostrophe (as the report CSVs do)
    hubspot      a contacts import for HubSpot: ``Record ID`` (when the contact came from
                 HubSpot) and ``Email`` to match, HubSpot's ``Lifecycle Stage`` where the
                 stage is one of HubSpot's own, and ``leadflow_*`` custom properties
    salesforce   a Lead update for Data Loader: ``Id`` (when the contact came from
                 Salesforce) and ``Email``, the standard ``Rating`` (Hot, Warm, Cold) from
                 the BANT temperature, and ``Leadflow_*__c`` custom fields

A CRM import leaves a field alone when its cell is empty, so a value leadflow has no
word for in the CRM's vocabulary (a stage HubSpot's lifecycle lacks, an unknown
temperature) is written empty: never a guess that overwrites what sales entered.

Rows come in contact order, read a chunk at a time by key, so memory stays flat over a
million leads; merged contacts are left out, as in the leads list. A CRM's file also
leaves out the leads it could not match (no e-mail, and another CRM's id or none).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import IO, Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from leadflow.definition.model import DISQUALIFIED, NURTURE, Definition
from leadflow.domain.vocabulary import Grade, LeadType, Temperature
from leadflow.services.definitions import active_definition
from leadflow.services.lead_list import LeadFilter, lead_conditions
from leadflow.services.refusals import InvalidInputError
from leadflow.services.spreadsheet import spreadsheet_cell
from leadflow.store.models import Contact, Qualification

__all__ = [
    "ExportFormat",
    "LeadExport",
    "check_request",
    "checked_filter",
    "csv_chunks",
    "export_columns",
    "export_rows",
    "streamed_csv",
    "write_leads",
]

# Contacts read per query: enough to make the round trips cheap, few enough for memory.
_CHUNK = 2_000


class ExportFormat(StrEnum):
    GENERIC = "generic"
    HUBSPOT = "hubspot"
    SALESFORCE = "salesforce"


@dataclass(frozen=True, slots=True)
class LeadExport:
    """Which leads: the leads list's filter, sales-ready or not, changed since when."""

    where: LeadFilter = field(default_factory=LeadFilter)
    sales_ready: bool | None = None
    changed_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class _Lead:
    """One row as read: a contact and its stored qualification."""

    contact_id: int
    external_id: str | None
    email: str | None
    first_name: str | None
    last_name: str | None
    company: str | None
    owner: str | None
    source: str | None
    stage: str | None
    funnel_stage: str | None
    lead_type: str
    temperature: str
    fit_score: float
    fit_grade: str
    engagement_score: float
    sales_ready: bool
    prediction: float | None
    stage_entered_at: datetime | None
    last_activity_at: datetime
    qualified_at: datetime
    definition_version: str | None


_READ = (
    Contact.id,
    Contact.external_id,
    Contact.email,
    Contact.first_name,
    Contact.last_name,
    Contact.company,
    Contact.owner,
    Contact.source_channel,
    Qualification.stage,
    Qualification.funnel_stage,
    Qualification.lead_type,
    Qualification.temperature,
    Qualification.fit_score,
    Qualification.fit_grade,
    Qualification.engagement_score,
    Qualification.sales_ready,
    Qualification.prediction,
    Qualification.stage_entered_at,
    Qualification.last_activity_at,
    Qualification.qualified_at,
    Qualification.stage_version,
)

# HubSpot's lifecycle stages by their internal values, and the stage ids of leadflow's
# presets that mean the same (an MQL is an MQL in every school). Any other stage id
# (prospect, nurture, disqualified ...) has no lifecycle stage: its cell stays empty.
_HUBSPOT_LIFECYCLE: Mapping[str, str] = {
    "subscriber": "subscriber",
    "lead": "lead",
    "mql": "marketingqualifiedlead",
    "marketingqualifiedlead": "marketingqualifiedlead",
    "sql": "salesqualifiedlead",
    "salesqualifiedlead": "salesqualifiedlead",
    "opportunity": "opportunity",
    "customer": "customer",
    "evangelist": "evangelist",
    "other": "other",
}
# Salesforce's Lead Rating picklist (its default values) for the BANT temperature.
_SALESFORCE_RATING: Mapping[str, str] = {"hot": "Hot", "warm": "Warm", "cold": "Cold"}

_Cell = Callable[[_Lead], object]


def _instant(value: datetime | None) -> str | None:
    """ISO 8601 in UTC to the second: what Data Loader and spreadsheets read."""
    if value is None:
        return None
    moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(value: datetime | None) -> str | None:
    """A HubSpot date property takes a day (YYYY-MM-DD is one of the import's formats)."""
    if value is None:
        return None
    moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return moment.astimezone(UTC).date().isoformat()


def _truth(value: bool) -> str:
    return "true" if value else "false"


def _score(value: float) -> float:
    return round(value, 2)


def _probability(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _crm_id(namespace: str) -> _Cell:
    """The CRM's own record id, when the contact was imported from that CRM."""
    prefix = namespace + ":"

    def cell(lead: _Lead) -> str | None:
        held = lead.external_id
        return held[len(prefix) :] if held is not None and held.startswith(prefix) else None

    return cell


_SHARED: tuple[tuple[str, _Cell], ...] = (
    ("stage", lambda lead: lead.stage),
    ("lead_type", lambda lead: lead.lead_type),
    ("temperature", lambda lead: lead.temperature),
    ("fit_score", lambda lead: _score(lead.fit_score)),
    ("fit_grade", lambda lead: lead.fit_grade),
    ("engagement_score", lambda lead: _score(lead.engagement_score)),
    ("sales_ready", lambda lead: _truth(lead.sales_ready)),
    ("prediction", lambda lead: _probability(lead.prediction)),
)

_GENERIC: tuple[tuple[str, _Cell], ...] = (
    ("contact_id", lambda lead: lead.contact_id),
    ("external_id", lambda lead: lead.external_id),
    ("email", lambda lead: lead.email),
    ("first_name", lambda lead: lead.first_name),
    ("last_name", lambda lead: lead.last_name),
    ("company", lambda lead: lead.company),
    ("owner", lambda lead: lead.owner),
    ("source_channel", lambda lead: lead.source),
    *_SHARED[:1],
    ("funnel_stage", lambda lead: lead.funnel_stage),
    *_SHARED[1:],
    ("stage_entered_at", lambda lead: _instant(lead.stage_entered_at)),
    ("last_activity_at", lambda lead: _instant(lead.last_activity_at)),
    ("qualified_at", lambda lead: _instant(lead.qualified_at)),
    ("definition_version", lambda lead: lead.definition_version),
)

_HUBSPOT: tuple[tuple[str, _Cell], ...] = (
    ("Record ID", _crm_id("hubspot")),
    ("Email", lambda lead: lead.email),
    ("Lifecycle Stage", lambda lead: _HUBSPOT_LIFECYCLE.get(lead.stage or "")),
    *((f"leadflow_{name}", cell) for name, cell in _SHARED),
    ("leadflow_stage_entered", lambda lead: _day(lead.stage_entered_at)),
    ("leadflow_last_activity", lambda lead: _day(lead.last_activity_at)),
)

_SALESFORCE: tuple[tuple[str, _Cell], ...] = (
    ("Id", _crm_id("salesforce")),
    ("Email", lambda lead: lead.email),
    ("Rating", lambda lead: _SALESFORCE_RATING.get(lead.temperature)),
    *(
        (f"Leadflow_{'_'.join(part.title() for part in name.split('_'))}__c", cell)
        for name, cell in _SHARED
        if name != "temperature"  # the standard Rating says it
    ),
    ("Leadflow_Stage_Entered__c", lambda lead: _instant(lead.stage_entered_at)),
    ("Leadflow_Last_Activity__c", lambda lead: _instant(lead.last_activity_at)),
)

_LAYOUTS: Mapping[ExportFormat, tuple[tuple[str, _Cell], ...]] = {
    ExportFormat.GENERIC: _GENERIC,
    ExportFormat.HUBSPOT: _HUBSPOT,
    ExportFormat.SALESFORCE: _SALESFORCE,
}


def export_columns(fmt: ExportFormat) -> tuple[str, ...]:
    """The header row of a format."""
    return tuple(name for name, _cell in _LAYOUTS[fmt])


def export_rows(session: Session, fmt: ExportFormat, request: LeadExport) -> Iterator[list[object]]:
    """The rows of the export (header excluded), in contact order; the request is checked
    (``check_request``) before the first row."""
    check_request(session, request)
    cells = [cell for _name, cell in _LAYOUTS[fmt]]
    guard = spreadsheet_cell if fmt is ExportFormat.GENERIC else _plain
    matchable = _CRM_NAMESPACE.get(fmt)
    for lead in _leads(session, request):
        if matchable is not None and not _crm_can_match(lead, matchable):
            continue
        yield [guard(cell(lead)) for cell in cells]


# The namespace of each CRM's record ids, as imports store them (``hubspot:51``).
_CRM_NAMESPACE: Mapping[ExportFormat, str] = {
    ExportFormat.HUBSPOT: "hubspot",
    ExportFormat.SALESFORCE: "salesforce",
}


def _crm_can_match(lead: _Lead, namespace: str) -> bool:
    """A CRM's import updates a record it finds by its own id or by e-mail; a row with
    neither (a lead known by another CRM's id) would create an empty record there."""
    held = lead.external_id or ""
    return bool(lead.email) or held.startswith(namespace + ":")


def csv_chunks(
    session: Session, fmt: ExportFormat, request: LeadExport, rows_per_chunk: int = 500
) -> Iterator[str]:
    """The export as CSV text in pieces (header first), for a response streamed over HTTP:
    memory holds one piece, whatever the number of leads."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(export_columns(fmt))
    for count, row in enumerate(export_rows(session, fmt, request), start=1):
        writer.writerow(row)
        if count % rows_per_chunk == 0:
            yield _taken(buffer)
    yield _taken(buffer)


def streamed_csv(
    sessions: Callable[[], Session], fmt: ExportFormat, request: LeadExport
) -> Iterator[str]:
    """``csv_chunks`` in a session of its own, opened when the first piece is asked for
    and closed after the last: a web response streams after its request's session has
    been closed. Check the request (``check_request``) before streaming: a refusal must
    be an answer of its own, not a broken download."""
    with sessions() as session:
        yield from csv_chunks(session, fmt, request)


def _taken(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def write_leads(session: Session, fmt: ExportFormat, request: LeadExport, handle: IO[str]) -> int:
    """Write the export as CSV (header first) to ``handle``; returns how many leads.

    The filter is checked before the header is written: a refused request writes nothing.
    """
    rows = export_rows(session, fmt, request)
    first = next(rows, None)
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(export_columns(fmt))
    if first is None:
        return 0
    writer.writerow(first)
    count = 1
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def check_request(session: Session, request: LeadExport) -> None:
    """InvalidInputError for a filter criterion that names nothing leadflow writes:
    a typo would otherwise export nobody, silently."""
    checked_filter(active_definition(session).definition, request.where)


def checked_filter(definition: Definition, where: LeadFilter) -> None:
    """InvalidInputError for a criterion that names nothing leadflow writes."""
    stages = [stage.id for stage in definition.stages]
    off_ramps = [ramp for ramp in (NURTURE, DISQUALIFIED) if ramp not in stages]
    _one_of("stage", where.stage, [*stages, *off_ramps])
    _one_of("temperature", where.temperature, [t.value for t in Temperature])
    _one_of("fit grade", where.grade, [g.value for g in Grade])
    _one_of("lead type", where.lead_type, [t.value for t in LeadType])


def _one_of(what: str, value: str | None, allowed: Sequence[str]) -> None:
    if value is not None and value not in allowed:
        raise InvalidInputError(f"unknown {what} {value!r} (one of: {', '.join(allowed)})")


def _leads(session: Session, request: LeadExport) -> Iterator[_Lead]:
    query = _query(request)
    after = 0
    while True:
        # The bound on both sides of the join: PostgreSQL merge-joins them in id order and
        # would read every qualification before the chunk again, each chunk.
        bounded = query.where(Contact.id > after, Qualification.contact_id > after)
        chunk = session.execute(bounded.limit(_CHUNK)).all()
        for found in chunk:
            yield _Lead(*found)
        if len(chunk) < _CHUNK:
            return
        after = chunk[-1][0]


def _query(request: LeadExport) -> Select[Any]:
    query = (
        select(*_READ)
        .join(Qualification, Qualification.contact_id == Contact.id)
        .where(Contact.merged_into_id.is_(None), *lead_conditions(request.where))
        .order_by(Contact.id)
    )
    if request.sales_ready is not None:
        query = query.where(Qualification.sales_ready.is_(request.sales_ready))
    if request.changed_since is not None:
        query = query.where(Qualification.updated_at >= request.changed_since)
    return query


def _plain(value: object) -> object:
    return "" if value is None else value
