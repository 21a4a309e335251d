"""The lead page: identity, account, consents, the score and its explanation, BANT with
evidence (sales may state it), the timeline, owner and next action."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from leadflow.domain.facts import BANT_KEYS
from leadflow.domain.qualification import Contribution
from leadflow.services.bant import EVIDENCE_MAX, MET_WORDS, state_bant
from leadflow.services.definitions import active_definition
from leadflow.services.lead_detail import lead_card
from leadflow.services.refusals import ConflictError, InvalidInputError
from leadflow.services.survivor import surviving_contact
from leadflow.services.users import UserRole
from leadflow.store.models import Contact
from leadflow.web.deps import ClockDep, NowDep, ReadsDep, ViewerDep, WebDep, WritesDep
from leadflow.web.guard import EVERY_ROLE, Viewer, page
from leadflow.web.labels import stage_names
from leadflow.web.queue_words import next_action_words
from leadflow.web.refused_form import RefusedForm, status_of
from leadflow.web.rendering import render

__all__ = ["router"]

router = APIRouter()

ContactId = Annotated[int, Path(ge=1, le=2**62)]
_POINTS_SHOWN = 15


def _by_weight(points: tuple[Contribution, ...]) -> list[Contribution]:
    return sorted(points, key=lambda item: (-abs(item.points), item.rule))


@router.get("/leads/{contact_id}", dependencies=[page(*EVERY_ROLE)])
def lead(
    request: Request, contact_id: ContactId, session: ReadsDep, now: NowDep, viewer: ViewerDep
) -> Response:
    survivor = _survivor(session, contact_id)
    if survivor != contact_id:  # a merge moved its history there (an old link, a webhook's id)
        prefix = request.app.state.web.prefix
        return RedirectResponse(f"{prefix}/leads/{survivor}", status_code=303)
    return _lead_page(request, contact_id, session, now, viewer)


def _survivor(session: Session, contact_id: int) -> int:
    """The record a merged contact lives on in (itself when not merged, or unknown)."""
    contact = session.get(Contact, contact_id)
    return contact_id if contact is None else surviving_contact(session, contact).id


def _lead_page(
    request: Request,
    contact_id: int,
    session: Session,
    now: datetime,
    viewer: Viewer,
    *,
    refusal: RefusedForm | None = None,
    status_code: int = 200,
) -> Response:
    language: str = request.state.language
    definition = active_definition(session).definition
    card = lead_card(session, contact_id, now)
    context = {
        "section": "leads",
        "card": card,
        "names": stage_names(definition, language),
        "bant_keys": BANT_KEYS,
        "may_state_bant": viewer.can(UserRole.SALES),
        "evidence_max": EVIDENCE_MAX,
        # The largest points first; the long tail of faded ones folds away.
        "points": _by_weight(card.verdict.engagement.contributions if card.verdict else ()),
        "points_shown": _POINTS_SHOWN,
        "refusal": refusal,
        # The queue's words for what sales does next: one phrase on both pages.
        "next_action": lambda item: next_action_words(item, language),
    }
    return render(request, "lead.html", context, status_code=status_code)


@router.post("/leads/{contact_id}/bant", dependencies=[page(UserRole.SALES)])
def state_lead_bant(
    request: Request,
    contact_id: ContactId,
    web: WebDep,
    session: WritesDep,
    clock: ClockDep,
    now: NowDep,
    viewer: ViewerDep,
    criterion: Annotated[str, Form(max_length=20)],
    met: Annotated[str, Form(max_length=10)],
    evidence: Annotated[str, Form(max_length=EVIDENCE_MAX)] = "",
) -> Response:
    try:
        if met not in MET_WORDS:
            raise InvalidInputError(f"met must be one of {', '.join(MET_WORDS)}")
        state_bant(
            session,
            contact_id,
            criterion=criterion,
            met=MET_WORDS[met],
            evidence=evidence,
            actor=viewer.user.email,
            clock=clock,
        )
    except (InvalidInputError, ConflictError) as error:  # a lead that is not there: 404 page
        session.rollback()
        typed = {"criterion": criterion, "met": met, "evidence": evidence}
        refusal = RefusedForm("bant", str(error), typed)
        status = status_of(error)
        return _lead_page(
            request, contact_id, session, now, viewer, refusal=refusal, status_code=status
        )
    return RedirectResponse(f"{web.prefix}/leads/{contact_id}#bant", status_code=303)
