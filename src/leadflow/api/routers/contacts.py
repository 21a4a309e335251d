"""Contacts: create, upsert by e-mail, read, list with filters; consent and its history;
GDPR export and erase."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from leadflow.api.auth import allow
from leadflow.api.deps import NowDep, ReadSessionDep, WriteSessionDep
from leadflow.api.problems import ProblemError, ProblemKind, problem_responses
from leadflow.api.schemas.common import (
    MAX_ID,
    Cursor,
    Limit,
    Page,
    QueryMoment,
    Str100,
    Str200,
    decode_cursor,
    next_cursor,
    query_instant,
)
from leadflow.api.schemas.consents import ConsentsPublic
from leadflow.api.schemas.contacts import (
    ContactCreate,
    ContactPatch,
    ContactPublic,
    ContactUpsert,
)
from leadflow.api.schemas.gdpr import ErasureReason, ErasureReport, PersonalData
from leadflow.services import contacts, gdpr
from leadflow.services.api_keys import Role
from leadflow.services.consent_record import consent_record
from leadflow.services.refusals import TakenError
from leadflow.services.suppression import Reason

__all__ = ["router"]

router = APIRouter(
    prefix="/contacts", tags=["contacts"], responses=problem_responses(401, 403, 422, 429)
)

ContactId = Annotated[int, Path(ge=1, le=MAX_ID)]
READERS = (Role.MARKETING, Role.SALES)


@router.post(
    "",
    status_code=201,
    dependencies=[allow(Role.MARKETING)],
    responses=problem_responses(409),
    summary="Create a contact (409 when the e-mail or external id is taken: existing_id and "
    "Location name the contact that has it; or when it belongs to an erased person: type "
    "suppressed).",
)
def create_contact(
    body: ContactCreate, session: WriteSessionDep, now: NowDep, request: Request
) -> ContactPublic:
    try:
        return ContactPublic.of(contacts.create_contact(session, body.values(), now))
    except TakenError as error:
        raise _taken(request, error) from None


@router.put(
    "",
    dependencies=[allow(Role.MARKETING)],
    responses={201: {"description": "Created", "model": ContactPublic}, **problem_responses(409)},
    summary="Upsert by e-mail: update the contact with this address, or create it (201).",
)
def upsert_contact(
    body: ContactUpsert,
    session: WriteSessionDep,
    now: NowDep,
    response: Response,
    request: Request,
) -> ContactPublic:
    try:
        view, created = contacts.upsert_contact(session, body.values(), now)
    except TakenError as error:  # the external id is another contact's
        raise _taken(request, error) from None
    response.status_code = 201 if created else 200
    return ContactPublic.of(view)


@router.get(
    "",
    dependencies=[allow(*READERS)],
    responses=problem_responses(400),
    summary="List contacts; find one by e-mail or CRM id.",
)
def list_contacts(
    session: ReadSessionDep,
    stage: Annotated[Str100 | None, Query()] = None,
    temperature: Annotated[Str100 | None, Query()] = None,
    owner: Annotated[Str200 | None, Query()] = None,
    source: Annotated[Str100 | None, Query(description="Acquisition channel.")] = None,
    email: Annotated[
        Str200 | None, Query(description="The contact with this address (any case).")
    ] = None,
    external_id: Annotated[
        Str200 | None, Query(description="The contact with this CRM id (hubspot:51 ...).")
    ] = None,
    changed_since: Annotated[
        QueryMoment | None,
        Query(
            max_length=40,
            description="Only contacts whose fields or qualification changed at or after this"
            " moment (ISO 8601 with a zone; a date alone is midnight UTC): pass the moment your"
            " previous sync started.",
        ),
    ] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[ContactPublic]:
    since = query_instant("changed_since", changed_since)
    where = contacts.ContactFilter(
        stage, temperature, owner, source, email, external_id, changed_since=since
    )
    found = contacts.list_contacts(session, where, after=decode_cursor(cursor), limit=limit)
    ids = [view.contact.id for view in found]
    return Page(
        items=[ContactPublic.of(view) for view in found], next_cursor=next_cursor(ids, limit)
    )


@router.get(
    "/{contact_id}",
    dependencies=[allow(*READERS)],
    responses=problem_responses(404),
    summary="Read a contact with its current qualification.",
)
def get_contact(contact_id: ContactId, session: ReadSessionDep) -> ContactPublic:
    return ContactPublic.of(contacts.get_contact(session, contact_id))


@router.patch(
    "/{contact_id}",
    dependencies=[allow(Role.MARKETING)],
    responses=problem_responses(404, 409),
    summary="Change some fields of a contact: a value replaces, null empties, a field left out"
    " is kept; attributes merge key by key (null removes one). 409 when the e-mail or external"
    " id is another contact's (existing_id, Location), the contact was merged, or sales holds"
    " the lead and the owner would change.",
)
def update_contact(
    contact_id: ContactId,
    body: ContactPatch,
    session: WriteSessionDep,
    now: NowDep,
    request: Request,
) -> ContactPublic:
    try:
        return ContactPublic.of(contacts.update_contact(session, contact_id, body.changes(), now))
    except TakenError as error:
        raise _taken(request, error) from None


@router.get(
    "/{contact_id}/consents",
    dependencies=[allow(*READERS)],
    responses=problem_responses(404),
    summary="Consent per channel and every decision on record (proof of consent).",
)
def get_consents(contact_id: ContactId, session: ReadSessionDep) -> ConsentsPublic:
    return ConsentsPublic.of(consent_record(session, contact_id))


@router.get(
    "/{contact_id}/export",
    dependencies=[allow(Role.MARKETING)],
    responses=problem_responses(404),
    summary="GDPR access: everything leadflow holds about the person, as one document.",
)
def export_contact(contact_id: ContactId, session: ReadSessionDep) -> PersonalData:
    return PersonalData.model_validate(gdpr.export_person(session, contact_id))


@router.delete(
    "/{contact_id}",
    dependencies=[allow()],
    responses=problem_responses(404),
    summary="GDPR erasure (admin): delete the person and everything that points at them; "
    "their address and phone go on the suppression list (keyed hashes).",
)
def erase_contact(
    contact_id: ContactId,
    session: WriteSessionDep,
    now: NowDep,
    reason: ErasureReason = Reason.ERASURE,
) -> ErasureReport:
    erased = gdpr.erase_person(session, contact_id, now=now, reason=reason)
    return ErasureReport.model_validate(erased)


def _taken(request: Request, error: TakenError) -> ProblemError:
    """409 naming the contact that has the address or id: where to read or update it."""
    where = str(request.url_for("get_contact", contact_id=error.holder_id))
    return ProblemError(
        ProblemKind.CONFLICT, str(error), headers={"Location": where}, existing_id=error.holder_id
    )
