"""The sales hand-off over HTTP: the team (admin), the queue and the lead actions (sales),
deals (sales), the nurture send list (marketing) and the SLA sweep (admin, for cron).

    GET  /teams  POST /teams  POST /teams/{key}/holidays            (sales_team.py)
    GET  /reps   POST /reps   PATCH /reps/{key}  POST /reps/{key}/absences|accounts
    GET  /queue?rep=&unassigned=
    POST /leads/{contact_id}/accept|reject|attempts|conversations|bant|close|opportunities
    GET  /opportunities/{id}   POST /opportunities/{id}/stage|win|lose
    GET  /nurture/export       (text/csv)
    POST /handoff/check-sla     GET /handoff/report?since=

Every route calls one service; refusals become problem documents (404, 409, 422). The
POSTs that change a lead or a deal honour ``Idempotency-Key`` (api/idempotent.py).

A sales key bound to a rep (``leadflow keys create --role sales --rep REP``) acts as
that rep only, by the rule the web's salespeople follow (services/rep_scope.py): its
queue is the rep's and the unassigned hand-offs (or the one of the two it asks for), a
lead action or deal names no other rep and touches no lead or deal another rep holds
(403, ``not_your_lead``). An unbound key (a team's integration) acts as the rep it names.
"""

from __future__ import annotations

import io
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import PlainTextResponse, Response

from leadflow.api.auth import allow
from leadflow.api.bound_rep import BoundScope
from leadflow.api.deps import ClockDep, NowDep, PrincipalDep, ReadSessionDep, WriteSessionDep
from leadflow.api.idempotent import OnceDep
from leadflow.api.problems import problem_responses
from leadflow.api.schemas.common import MAX_ID, QueryMoment, Str200
from leadflow.api.schemas.handoff import (
    AcceptBody,
    AnswerPublic,
    AttemptBody,
    BantBody,
    BantPublic,
    CloseBody,
    ConversationBody,
    DealCreate,
    DealPublic,
    Key,
    LoseBody,
    QueueItemPublic,
    RejectBody,
    RepReportPublic,
    StageBody,
    SweepPublic,
    WinBody,
    WorkPublic,
)
from leadflow.services import cadence, feedback, nurture, opportunities
from leadflow.services.api_keys import Role
from leadflow.services.bant import state_bant
from leadflow.services.handoff_report import handoff_report, parse_since
from leadflow.services.opportunities import Deal
from leadflow.services.sla import check_sla

__all__ = ["router"]

router = APIRouter(tags=["hand-off"], responses=problem_responses(401, 403, 422, 429))

ContactId = Annotated[int, Path(ge=1, le=MAX_ID)]
DealId = Annotated[int, Path(ge=1, le=MAX_ID)]
RepKey = Annotated[Key, Path()]
SALES = allow(Role.SALES)
READERS = allow(Role.SALES, Role.MARKETING)
ADMIN = allow()
FOUND = problem_responses(404)
CHANGED = problem_responses(404, 409)


# --- the queue and the lead actions ------------------------------------------------------


@router.get(
    "/queue",
    dependencies=[SALES],
    responses=FOUND,
    summary="Leads sales holds, with the why and the next action, due first.",
)
def get_queue(
    session: ReadSessionDep,
    now: NowDep,
    bound: BoundScope,
    rep: Annotated[
        Key | None, Query(description="One rep's queue (a key bound to a rep: theirs).")
    ] = None,
    unassigned: Annotated[bool, Query(description="Leads nobody holds.")] = False,
) -> list[QueueItemPublic]:
    items = bound.queue(session, now, rep=rep, unassigned=unassigned)
    return [QueueItemPublic.of(item) for item in items]


@router.post(
    "/leads/{contact_id}/accept",
    response_model=AnswerPublic,
    dependencies=[SALES],
    responses=CHANGED,
    summary="Accept a lead: sales-accepted, the cadence starts.",
)
def accept(
    contact_id: ContactId, body: AcceptBody, once: OnceDep, clock: ClockDep, bound: BoundScope
) -> Response:
    def run() -> AnswerPublic:
        done = feedback.accept(
            once.session,
            contact_id,
            rep=bound.on_lead(once.session, contact_id, body.rep),
            clock=clock,
        )
        return AnswerPublic.model_validate(asdict(done))

    return once(body, run)


@router.post(
    "/leads/{contact_id}/reject",
    response_model=AnswerPublic,
    dependencies=[SALES],
    responses=CHANGED,
    summary="Reject a lead with a reason code of the definition.",
)
def reject(
    contact_id: ContactId, body: RejectBody, once: OnceDep, clock: ClockDep, bound: BoundScope
) -> Response:
    def run() -> AnswerPublic:
        done = feedback.reject(
            once.session,
            contact_id,
            code=body.reason,
            note=body.note,
            rep=bound.on_lead(once.session, contact_id, body.rep),
            clock=clock,
        )
        return AnswerPublic.model_validate(asdict(done))

    return once(body, run)


@router.post(
    "/leads/{contact_id}/attempts",
    status_code=201,
    response_model=WorkPublic,
    dependencies=[SALES],
    responses=CHANGED,
    summary="Log an attempt to reach the lead.",
)
def attempt(
    contact_id: ContactId, body: AttemptBody, once: OnceDep, clock: ClockDep, bound: BoundScope
) -> Response:
    def run() -> WorkPublic:
        state = cadence.log_attempt(
            once.session,
            contact_id,
            channel=body.channel.value,
            outcome=body.outcome.value,
            note=body.note,
            rep=bound.on_lead(once.session, contact_id, body.rep),
            clock=clock,
            at=body.at,
        )
        return WorkPublic.model_validate(asdict(state))

    return once(body, run, 201)


@router.post(
    "/leads/{contact_id}/conversations",
    status_code=201,
    response_model=WorkPublic,
    dependencies=[SALES],
    responses=CHANGED,
    summary="Log a conversation with the lead.",
)
def conversation(
    contact_id: ContactId, body: ConversationBody, once: OnceDep, clock: ClockDep, bound: BoundScope
) -> Response:
    def run() -> WorkPublic:
        state = cadence.log_conversation(
            once.session,
            contact_id,
            outcome=body.outcome.value,
            note=body.note,
            rep=bound.on_lead(once.session, contact_id, body.rep),
            clock=clock,
            at=body.at,
        )
        return WorkPublic.model_validate(asdict(state))

    return once(body, run, 201)


@router.post(
    "/leads/{contact_id}/bant",
    status_code=201,
    response_model=BantPublic,
    dependencies=[SALES],
    responses=CHANGED,
    summary="State a BANT criterion (an SDR's call, a CRM's field): met, not met or unknown.",
)
def bant(
    contact_id: ContactId,
    body: BantBody,
    once: OnceDep,
    clock: ClockDep,
    bound: BoundScope,
    principal: PrincipalDep,
) -> Response:
    def run() -> BantPublic:
        acting = bound.on_lead(once.session, contact_id, body.rep)
        done = state_bant(
            once.session,
            contact_id,
            criterion=body.criterion,
            met=body.met,
            evidence=body.evidence,
            actor=principal.actor,
            clock=clock,
            source="api",
            rep=acting,
        )
        return BantPublic.model_validate(asdict(done))

    return once(body, run, 201)


@router.post(
    "/leads/{contact_id}/close",
    response_model=WorkPublic,
    dependencies=[SALES],
    responses=CHANGED,
    summary="Stop working a lead; too few attempts marks it under-worked.",
)
def close(
    contact_id: ContactId, body: CloseBody, once: OnceDep, clock: ClockDep, bound: BoundScope
) -> Response:
    def run() -> WorkPublic:
        state = cadence.close_lead(
            once.session,
            contact_id,
            reason=body.reason,
            disqualify=body.disqualify,
            rep=bound.on_lead(once.session, contact_id, body.rep),
            clock=clock,
        )
        return WorkPublic.model_validate(asdict(state))

    return once(body, run)


# --- deals ------------------------------------------------------------------------------


@router.post(
    "/leads/{contact_id}/opportunities",
    status_code=201,
    response_model=DealPublic,
    dependencies=[SALES],
    responses=CHANGED,
    summary="Open a deal for an accepted lead.",
)
def open_deal(
    contact_id: ContactId, body: DealCreate, once: OnceDep, clock: ClockDep, bound: BoundScope
) -> Response:
    def run() -> DealPublic:
        deal = opportunities.create_opportunity(
            once.session,
            contact_id,
            amount=body.amount,
            currency=body.currency,
            expected_close=body.expected_close,
            products=body.products,
            name=body.name,
            rep=bound.on_lead(once.session, contact_id, body.rep),
            clock=clock,
        )
        return _deal(deal)

    return once(body, run, 201)


@router.get(
    "/opportunities/{opportunity_id}",
    dependencies=[READERS],
    responses=FOUND,
    summary="Read a deal.",
)
def get_deal(opportunity_id: DealId, session: ReadSessionDep) -> DealPublic:
    return _deal(opportunities.get_opportunity(session, opportunity_id))


@router.post(
    "/opportunities/{opportunity_id}/stage",
    response_model=DealPublic,
    dependencies=[SALES],
    responses=CHANGED,
    summary="Move a deal to another open stage.",
)
def move_deal(
    opportunity_id: DealId, body: StageBody, once: OnceDep, clock: ClockDep, bound: BoundScope
) -> Response:
    def run() -> DealPublic:
        return _deal(
            opportunities.move_opportunity(
                once.session,
                opportunity_id,
                body.stage,
                actor=bound.on_deal(once.session, opportunity_id, body.rep),
                clock=clock,
            )
        )

    return once(body, run)


@router.post(
    "/opportunities/{opportunity_id}/win",
    response_model=DealPublic,
    dependencies=[SALES],
    responses=CHANGED,
    summary="Close a deal won: contact and account become customers.",
)
def win_deal(
    opportunity_id: DealId, body: WinBody, once: OnceDep, clock: ClockDep, bound: BoundScope
) -> Response:
    def run() -> DealPublic:
        return _deal(
            opportunities.win_opportunity(
                once.session,
                opportunity_id,
                reason=body.reason,
                actor=bound.on_deal(once.session, opportunity_id, body.rep),
                clock=clock,
            )
        )

    return once(body, run)


@router.post(
    "/opportunities/{opportunity_id}/lose",
    response_model=DealPublic,
    dependencies=[SALES],
    responses=CHANGED,
    summary="Close a deal lost, with a reason code.",
)
def lose_deal(
    opportunity_id: DealId, body: LoseBody, once: OnceDep, clock: ClockDep, bound: BoundScope
) -> Response:
    def run() -> DealPublic:
        deal = opportunities.lose_opportunity(
            once.session,
            opportunity_id,
            reason=body.reason,
            note=body.note,
            actor=bound.on_deal(once.session, opportunity_id, body.rep),
            clock=clock,
        )
        return _deal(deal)

    return once(body, run)


# --- nurture and upkeep -----------------------------------------------------------------


@router.get(
    "/nurture/export",
    dependencies=[allow(Role.MARKETING)],
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The send list (CSV)."}},
    summary="The nurture send list: marketing stages and nurture, e-mail consent only.",
)
def export_nurture(
    session: ReadSessionDep,
    segment: Annotated[Str200 | None, Query(description="Stages, e.g. `mql,nurture`.")] = None,
    temperature: Annotated[Str200 | None, Query(description="e.g. `warm,cold`.")] = None,
    grade: Annotated[Str200 | None, Query(description="Fit grades, e.g. `A,B`.")] = None,
    channel: Annotated[Str200 | None, Query(description="Acquisition channels.")] = None,
) -> PlainTextResponse:
    chosen = nurture.Segment(_list(segment), _list(temperature), _list(grade), _list(channel))
    out = io.StringIO()
    nurture.write_send_list(session, chosen, out)
    return PlainTextResponse(out.getvalue(), media_type="text/csv")


@router.post(
    "/handoff/check-sla",
    dependencies=[ADMIN],
    summary="Record SLA breaches as of now; end spent cadences.",
)
def sweep(session: WriteSessionDep, clock: ClockDep) -> SweepPublic:
    done = check_sla(session, clock)
    return SweepPublic(
        breaches=len(done.breaches), reassigned=done.reassigned, cadences_ended=done.cadences_ended
    )


@router.get(
    "/handoff/report",
    dependencies=[READERS],
    summary="Per rep: answers, reject reasons, breaches, attempts before giving up.",
)
def report(
    session: ReadSessionDep,
    now: NowDep,
    since: Annotated[
        QueryMoment | None,
        Query(
            max_length=40,
            description="Hand-offs from then on: a date (from midnight UTC) or an ISO 8601"
            " moment with its offset.",
        ),
    ] = None,
) -> list[RepReportPublic]:
    start = None if since is None else parse_since(since, now, "since")
    # vars, not asdict: asdict rebuilds a Counter from its items, counting the pairs.
    return [RepReportPublic.model_validate(vars(row)) for row in handoff_report(session, start)]


def _list(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def _deal(deal: Deal) -> DealPublic:
    opportunity, detail = deal.opportunity, deal.detail
    return DealPublic(
        id=opportunity.id,
        contact_id=opportunity.contact_id,
        account_id=opportunity.account_id,
        external_id=opportunity.external_id,
        owner=opportunity.owner,
        status=opportunity.status,
        stage=detail.stage,
        amount=opportunity.amount,
        currency=opportunity.currency,
        expected_close=detail.expected_close,
        products=list(detail.products),
        created_at=opportunity.created_at,
        closed_at=opportunity.closed_at,
        lost_reason=opportunity.lost_reason,
        won_reason=detail.won_reason,
        contact_stage=deal.stage,
    )
