"""GDPR requests by e-mail address: ``POST /gdpr/export`` and ``POST /gdpr/erase``.

``GET /contacts/{id}/export`` and ``DELETE /contacts/{id}`` answer a request naming a
contact. A person who wrote in with their address may be no contact at all: a double
opt-in confirmation still pending (their erased address typed into a form) holds that
address without one. These routes take the address (and any other of the person's) in
the body, so it reaches no access log, and answer with what is held under it, whether
or not a contact has it; nothing held at all is ``404``.
"""

from __future__ import annotations

from fastapi import APIRouter

from leadflow.api.auth import allow
from leadflow.api.deps import NowDep, ReadSessionDep, WriteSessionDep
from leadflow.api.problems import problem_responses
from leadflow.api.schemas.gdpr import ErasureReason, ErasureReport, PersonalData, PersonRequest
from leadflow.services import gdpr
from leadflow.services.api_keys import Role
from leadflow.services.suppression import Reason

__all__ = ["router"]

router = APIRouter(
    prefix="/gdpr", tags=["gdpr"], responses=problem_responses(401, 403, 404, 422, 429)
)


@router.post(
    "/export",
    dependencies=[allow(Role.MARKETING)],
    summary="GDPR access by e-mail address: everything held about the person, contact or not.",
)
def export_by_address(body: PersonRequest, session: ReadSessionDep) -> PersonalData:
    contact_id, named = gdpr.find_person(session, body.email)
    held = gdpr.export_person(session, contact_id, addresses=[*named, *body.other_emails])
    return PersonalData.model_validate(held)


@router.post(
    "/erase",
    dependencies=[allow()],
    summary="GDPR erasure by e-mail address (admin): the person's contact, if any, and "
    "everything held under their addresses.",
)
def erase_by_address(
    body: PersonRequest,
    session: WriteSessionDep,
    now: NowDep,
    reason: ErasureReason = Reason.ERASURE,
) -> ErasureReport:
    contact_id, named = gdpr.find_person(session, body.email)
    addresses = [*named, *body.other_emails]
    erased = gdpr.erase_person(session, contact_id, now=now, reason=reason, addresses=addresses)
    return ErasureReport.model_validate(erased)
