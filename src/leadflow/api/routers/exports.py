"""Leads as CSV for a CRM or a spreadsheet: ``leadflow export leads`` over HTTP.

    GET /exports/leads?format=generic|hubspot|salesforce&stage=&temperature=&grade=
        &lead_type=&owner=&source=&sales_ready=&changed_since=

The body is streamed a few hundred rows at a time from a session of its own (the
request's session is closed once the response starts), so a million leads cost the
server one chunk of memory. The filter is checked before the first byte and read as
``GET /contacts`` reads it (services/filter_words.py): ``MQL``, ``Google Ads``, a rep's
name; a stage the active definition lacks, or an owner or channel nobody has, is a 422
problem, not an empty file.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from leadflow.api.auth import allow
from leadflow.api.deps import StateDep
from leadflow.api.problems import problem_responses
from leadflow.api.schemas.common import QueryMoment, Str100, Str200, query_instant
from leadflow.domain.vocabulary import Grade, LeadType, Temperature
from leadflow.services.api_keys import Role
from leadflow.services.channels import held_channels
from leadflow.services.filter_words import stage_id, stored_owner
from leadflow.services.lead_export import ExportFormat, LeadExport, check_request, streamed_csv
from leadflow.services.lead_list import LeadFilter

__all__ = ["router"]

router = APIRouter(tags=["exports"], responses=problem_responses(401, 403, 422, 429))

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


@router.get(
    "/exports/leads",
    dependencies=[allow(Role.MARKETING, Role.SALES)],
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
    summary="Leads with their stage and scores as CSV: leadflow's columns, a HubSpot"
    " contacts import or a Salesforce Lead update (docs/importing.md).",
)
def export_leads(
    state: StateDep,
    fmt: Annotated[ExportFormat, Query(alias="format")] = ExportFormat.GENERIC,
    stage: Annotated[Str100 | None, Query()] = None,
    temperature: Annotated[Temperature | None, Query()] = None,
    grade: Annotated[Grade | None, Query()] = None,
    lead_type: Annotated[LeadType | None, Query()] = None,
    owner: Annotated[
        Str200 | None, Query(description="A rep's key or name, or an imported owner.")
    ] = None,
    source: Annotated[Str100 | None, Query(description="Acquisition channel.")] = None,
    sales_ready: Annotated[bool | None, Query()] = None,
    changed_since: Annotated[
        QueryMoment | None,
        Query(
            max_length=40,
            description="Only leads whose qualification changed at or after this moment"
            " (ISO 8601 with a zone; a date alone is midnight UTC).",
        ),
    ] = None,
) -> StreamingResponse:
    with state.reads() as session:
        where = LeadFilter(
            stage=None if stage is None else stage_id(session, stage),
            temperature=None if temperature is None else temperature.value,
            grade=None if grade is None else grade.value,
            lead_type=None if lead_type is None else lead_type.value,
            owner=None if owner is None else stored_owner(session, owner),
            source=None if source is None else held_channels(session, [source])[0],
        )
        request = LeadExport(where, sales_ready, query_instant("changed_since", changed_since))
        check_request(session, request)
    return StreamingResponse(
        streamed_csv(state.reads, fmt, request),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="leadflow-leads-{fmt.value}.csv"'},
    )
