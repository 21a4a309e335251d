"""The sales queue: a rep's leads with why they were handed over, the SLA clock and the
next attempt due; accept, reject with a reason, log an attempt, open an opportunity.

A salesperson with a rep key (``users.rep_key``) sees and works that rep's queue and the
hand-offs nobody could be assigned to (accepting one claims it); an admin, or a
salesperson without a rep key, sees every queue and acts as each item's owner. The rule
is services/rep_scope.py's, the one the API's rep-bound keys follow. The actions are
the hand-off services' (``services.feedback``, ``cadence``, ``opportunities``); with
htmx a form replaces only the queue (``#queue``) with the page the redirect leads to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from leadflow.domain.vocabulary import AttemptChannel, AttemptOutcome
from leadflow.services.cadence import log_attempt
from leadflow.services.definitions import active_definition
from leadflow.services.feedback import accept, reject
from leadflow.services.opportunities import create_opportunity
from leadflow.services.queue import QueueItem
from leadflow.services.refusals import InvalidInputError, NotFoundError, RefusedError
from leadflow.services.rep_scope import RepScope
from leadflow.services.reps import list_reps
from leadflow.services.sales_work import live_work
from leadflow.services.users import UserRole
from leadflow.web.deps import ClockDep, NowDep, ReadsDep, ViewerDep, WebDep, WritesDep
from leadflow.web.guard import Viewer, page
from leadflow.web.i18n import parse_number
from leadflow.web.labels import stage_names
from leadflow.web.queue_words import next_action_words, sla_words
from leadflow.web.refused_form import RefusedForm, status_of
from leadflow.web.rendering import render

__all__ = ["router"]

router = APIRouter()

ContactId = Annotated[int, Path(ge=1, le=2**62)]
Text = Annotated[str, Form(max_length=2000)]
_BackRep = Annotated[str, Form(max_length=200)]
_BackPage = Annotated[str, Form(max_length=20)]
_SALES = page(UserRole.SALES)
ALL_REPS = "*"
UNASSIGNED = "-"
# Cards a page shows: a rep's day of work fits; an admin's view of every queue (hundreds
# of hand-offs at a mid-size company) stays a page the browser draws at once.
PAGE_SIZE = 50
PageNumber = Annotated[int, Query(ge=0, le=100_000)]
RepChoice = Annotated[str, Query(max_length=200)]


@router.get("/queue", dependencies=[_SALES])
def sales_queue(
    request: Request,
    session: ReadsDep,
    now: NowDep,
    viewer: ViewerDep,
    rep: RepChoice = "",
    done: Annotated[str, Query(max_length=20)] = "",
    contact: Annotated[int, Query(ge=0, le=2**62)] = 0,
    page: PageNumber = 0,
) -> Response:
    where = _Where(rep, page)
    return _queue_page(request, session, now, viewer, where, done=done, done_contact=contact)


@dataclass(frozen=True, slots=True)
class _Where:
    """Which queue and page the viewer was on: an action brings them back there."""

    rep: str = ""
    page: int = 0  # 1-based; 0: the first, or the one holding the lead acted on


def _where(rep: str, page: str) -> _Where:
    """The hidden fields of an action's form, read leniently: they only say where to go
    back, so a tampered value shows the first page rather than an error."""
    number = int(page) if page.isdigit() and len(page) <= 6 else 0
    return _Where(rep[:200], number)


def _paged(items: list[QueueItem], where: _Where, focus: int) -> tuple[list[QueueItem], int, int]:
    """The items of the page to show, its number and the number of pages. The page
    holding ``focus`` (the lead just acted on, still in the queue) wins, so the card the
    focus goes to is on screen; else the page asked for, within the pages there are."""
    pages = max(1, -(-len(items) // PAGE_SIZE))
    number = min(max(where.page, 1), pages)
    for index, item in enumerate(items):
        if focus and item.contact_id == focus:
            number = index // PAGE_SIZE + 1
            break
    start = (number - 1) * PAGE_SIZE
    return items[start : start + PAGE_SIZE], number, pages


def _queue_page(
    request: Request,
    session: Session,
    now: datetime,
    viewer: Viewer,
    where: _Where,
    *,
    done: str = "",
    done_contact: int = 0,
    refusal: RefusedForm | None = None,
    status_code: int = 200,
) -> Response:
    language: str = request.state.language
    chosen = _chosen_rep(viewer, where.rep)
    every = _items(session, now, viewer, chosen)
    focus = refusal.subject if refusal is not None else done_contact
    items, page, pages = _paged(every, where, focus or 0)
    definition = active_definition(session).definition
    handoff = definition.handoff
    team = [view.rep for view in list_reps(session, now)]
    context = {
        "section": "queue",
        "items": items,
        "names": stage_names(definition, language),
        "chosen": chosen,
        "reps": [rep.key for rep in team] if _scope(viewer).rep is None else [],
        # Reps by their names, as the leads list and lead page show owners (key on hover).
        "rep_names": {rep.key: rep.name for rep in team if rep.name},
        "all_reps": ALL_REPS,
        "unassigned": UNASSIGNED,
        "reasons": handoff.reject_reasons,
        "channels": [c.value for c in AttemptChannel],
        "outcomes": [o.value for o in AttemptOutcome],
        "done": done,
        "done_contact": done_contact,
        "refusal": refusal,
        "refused_elsewhere": refusal is not None
        and all(item.contact_id != refusal.subject for item in items),
        "page": page,
        "pages": pages,
        "total": len(every),
        "first_shown": (page - 1) * PAGE_SIZE + 1,
        "page_query": lambda number: _page_query(chosen, number),
        "next_action": _localised(next_action_words, request),
        "sla": lambda item: sla_words(item, now, language),
    }
    return render(request, "queue.html", context, status_code=status_code)


def _refused(
    request: Request,
    session: Session,
    now: datetime,
    viewer: Viewer,
    error: RefusedError,
    refusal: RefusedForm,
    where: _Where,
) -> Response:
    """The queue again, the refusal on the lead's card and the rep's input kept."""
    session.rollback()  # nothing of a refused action stays, whatever it reached
    return _queue_page(
        request, session, now, viewer, where, refusal=refusal, status_code=status_of(error)
    )


@router.post("/queue/{contact_id}/accept", dependencies=[_SALES])
def accept_lead(
    request: Request,
    contact_id: ContactId,
    web: WebDep,
    session: WritesDep,
    now: NowDep,
    clock: ClockDep,
    viewer: ViewerDep,
    rep: _BackRep = "",
    page: _BackPage = "",
) -> Response:
    where = _where(rep, page)
    try:
        _check_holds(session, viewer, contact_id)
        accept(session, contact_id, rep=viewer.user.rep_key, clock=clock)
    except RefusedError as error:
        if _accepted_already(session, viewer, contact_id):
            return _back(web.prefix, "accepted", contact_id, where)
        refusal = RefusedForm("accept", str(error), subject=contact_id)
        return _refused(request, session, now, viewer, error, refusal, where)
    return _back(web.prefix, "accepted", contact_id, where)


@router.post("/queue/{contact_id}/reject", dependencies=[_SALES])
def reject_lead(
    request: Request,
    contact_id: ContactId,
    web: WebDep,
    session: WritesDep,
    now: NowDep,
    clock: ClockDep,
    viewer: ViewerDep,
    reason: Annotated[str, Form(max_length=100)],
    note: Text = "",
    rep: _BackRep = "",
    page: _BackPage = "",
) -> Response:
    where = _where(rep, page)
    try:
        _check_holds(session, viewer, contact_id)
        reject(
            session,
            contact_id,
            code=reason,
            note=note.strip() or None,
            rep=viewer.user.rep_key,
            clock=clock,
        )
    except RefusedError as error:
        typed = {"reason": reason, "note": note}
        refusal = RefusedForm("reject", str(error), typed, subject=contact_id)
        return _refused(request, session, now, viewer, error, refusal, where)
    return _back(web.prefix, "rejected", contact_id, where)


@router.post("/queue/{contact_id}/attempt", dependencies=[_SALES])
def log_lead_attempt(
    request: Request,
    contact_id: ContactId,
    web: WebDep,
    session: WritesDep,
    now: NowDep,
    clock: ClockDep,
    viewer: ViewerDep,
    channel: Annotated[str, Form(max_length=20)],
    outcome: Annotated[str, Form(max_length=20)],
    note: Text = "",
    rep: _BackRep = "",
    page: _BackPage = "",
) -> Response:
    where = _where(rep, page)
    try:
        _check_holds(session, viewer, contact_id)
        log_attempt(
            session,
            contact_id,
            channel=channel,
            outcome=outcome,
            note=note.strip() or None,
            rep=viewer.user.rep_key,
            clock=clock,
        )
    except RefusedError as error:
        typed = {"channel": channel, "outcome": outcome, "note": note}
        refusal = RefusedForm("attempt", str(error), typed, subject=contact_id)
        return _refused(request, session, now, viewer, error, refusal, where)
    return _back(web.prefix, "attempt", contact_id, where)


@router.post("/queue/{contact_id}/opportunity", dependencies=[_SALES])
def open_opportunity(
    request: Request,
    contact_id: ContactId,
    web: WebDep,
    session: WritesDep,
    now: NowDep,
    clock: ClockDep,
    viewer: ViewerDep,
    name: Annotated[str, Form(max_length=300)] = "",
    amount: Annotated[str, Form(max_length=30)] = "",
    currency: Annotated[str, Form(max_length=3)] = "",
    expected_close: Annotated[str, Form(max_length=10)] = "",
    products: Annotated[str, Form(max_length=2000)] = "",
    rep: _BackRep = "",
    page: _BackPage = "",
) -> Response:
    where = _where(rep, page)
    try:
        _check_holds(session, viewer, contact_id)
        create_opportunity(
            session,
            contact_id,
            amount=_amount(amount, request.state.language),
            currency=currency.strip() or None,
            expected_close=_date(expected_close),
            products=products.split(","),
            name=name.strip() or None,
            rep=viewer.user.rep_key,
            clock=clock,
        )
    except RefusedError as error:
        typed = {
            "name": name,
            "amount": amount,
            "currency": currency,
            "expected_close": expected_close,
            "products": products,
        }
        refusal = RefusedForm("opportunity", str(error), typed, subject=contact_id)
        return _refused(request, session, now, viewer, error, refusal, where)
    return _back(web.prefix, "opportunity", contact_id, where)


def _is_admin(viewer: Viewer) -> bool:
    return viewer.user.role is UserRole.ADMIN


def _scope(viewer: Viewer) -> RepScope:
    """The viewer's reach, by the rule the API's rep-bound keys follow: a salesperson with
    a rep key is bound to that rep; an admin or a salesperson without one is not."""
    return RepScope(None if _is_admin(viewer) else viewer.user.rep_key)


def _chosen_rep(viewer: Viewer, rep: str) -> str:
    """Whose queue to show: a bound salesperson's own (with the unassigned hand-offs);
    an unbound viewer's choice (default: all)."""
    if _scope(viewer).rep is not None:
        return ""
    return rep or ALL_REPS


def _items(session: Session, now: datetime, viewer: Viewer, chosen: str) -> list[QueueItem]:
    scope = _scope(viewer)
    if chosen == UNASSIGNED:
        return scope.queue(session, now, unassigned=True)
    if chosen in (ALL_REPS, ""):
        return scope.queue(session, now)
    try:
        return scope.queue(session, now, rep=chosen)
    except NotFoundError:  # a rep key that names no rep (yet)
        return []


def _check_holds(session: Session, viewer: Viewer, contact_id: int) -> None:
    """A bound salesperson acts only on their own leads and unassigned hand-offs."""
    _scope(viewer).on_lead(session, contact_id, None)


def _accepted_already(session: Session, viewer: Viewer, contact_id: int) -> bool:
    """Accept sent twice (a double click without JavaScript, a second tab, the back
    button): a lead the viewer may act on is accepted, as asked, so the page says so
    instead of refusing. Another rep's lead is refused as before."""
    session.rollback()
    try:
        _check_holds(session, viewer, contact_id)
        return live_work(session, contact_id).handoff.status == "accepted"
    except RefusedError:
        return False


def _back(prefix: str, done: str, contact_id: int, where: _Where) -> Response:
    """Back to the queue and page the action was taken on, saying what was done."""
    query: dict[str, str | int] = {"done": done, "contact": contact_id}
    if where.rep:
        query["rep"] = where.rep
    if where.page:
        query["page"] = where.page
    return RedirectResponse(f"{prefix}/queue?{urlencode(query)}", status_code=303)


def _page_query(chosen: str, number: int) -> str:
    """The query string of page ``number`` of the queue shown."""
    query: dict[str, str | int] = {"rep": chosen} if chosen else {}
    return urlencode({**query, "page": number})


def _localised(
    words: Callable[[QueueItem, str], str], request: Request
) -> Callable[[QueueItem], str]:
    language: str = request.state.language
    return lambda item: words(item, language)


def _amount(text: str, language: str) -> float | None:
    """The amount as the rep writes numbers in their language (``12,500`` in English)."""
    if not text.strip():
        return None
    try:
        return parse_number(text, language)
    except ValueError:
        raise InvalidInputError(f"amount {text!r} is not a number") from None


def _date(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(f"{text!r} is not a date (YYYY-MM-DD)") from None
