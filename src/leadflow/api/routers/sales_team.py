"""The sales team over HTTP: teams with their hours and holidays, reps, absences, named
accounts. Admin manages the team; sales and marketing read it; a rep may mark absences.
Registered next to the hand-off router (routers/handoff.py) in create_app.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path
from sqlalchemy.orm import Session

from leadflow.api.auth import allow
from leadflow.api.bound_rep import BoundScope
from leadflow.api.deps import NowDep, ReadSessionDep, WriteSessionDep
from leadflow.api.problems import problem_responses
from leadflow.api.schemas.handoff import (
    AbsenceCreate,
    HolidaysBody,
    Key,
    OwnBody,
    PublicHolidaysBody,
    RepCreate,
    RepPublic,
    RepUpdate,
    TeamCreate,
    TeamPublic,
)
from leadflow.services import reps
from leadflow.services.api_keys import Role
from leadflow.services.public_holidays import public_holidays
from leadflow.services.reassignment import deactivate_rep
from leadflow.store.models import Team

__all__ = ["router"]

router = APIRouter(tags=["sales team"], responses=problem_responses(401, 403, 422, 429))

RepKey = Annotated[Key, Path()]
READERS = allow(Role.SALES, Role.MARKETING)
SALES = allow(Role.SALES)
ADMIN = allow()
FOUND = problem_responses(404)
CHANGED = problem_responses(404, 409)


@router.get("/teams", dependencies=[READERS], summary="Teams with hours and holidays.")
def list_teams(session: ReadSessionDep) -> list[TeamPublic]:
    return [_team(team, days) for team, days in reps.list_teams(session)]


@router.post(
    "/teams",
    status_code=201,
    dependencies=[ADMIN],
    responses=problem_responses(409),
    summary="Add a team (409 when the key is taken).",
)
def add_team(body: TeamCreate, session: WriteSessionDep, now: NowDep) -> TeamPublic:
    team = reps.add_team(
        session,
        key=body.key,
        name=body.name,
        zone=body.time_zone,
        working_hours=body.working_hours,
        holidays=body.holidays,
        now=now,
    )
    return _team(team, sorted(set(body.holidays)))


@router.post(
    "/teams/{key}/holidays", dependencies=[ADMIN], responses=FOUND, summary="Add days off."
)
def add_holidays(key: RepKey, body: HolidaysBody, session: WriteSessionDep) -> TeamPublic:
    reps.add_holidays(session, key, body.days, body.name)
    team, days = next((t, d) for t, d in reps.list_teams(session) if t.key == key)
    return _team(team, days)


@router.post(
    "/teams/{key}/public-holidays",
    dependencies=[ADMIN],
    responses=FOUND,
    summary="Add a country's (and region's) public holidays, named, as days off.",
)
def add_public_holidays(
    key: RepKey, body: PublicHolidaysBody, session: WriteSessionDep
) -> TeamPublic:
    named = public_holidays(body.country, body.years, body.subdivision)
    reps.add_named_holidays(session, key, named)
    team, days = next((t, d) for t, d in reps.list_teams(session) if t.key == key)
    return _team(team, days)


@router.get("/reps", dependencies=[READERS], summary="Reps, their load and absence now.")
def list_reps(session: ReadSessionDep, now: NowDep) -> list[RepPublic]:
    return [RepPublic.of(view) for view in reps.list_reps(session, now)]


@router.post(
    "/reps",
    status_code=201,
    dependencies=[ADMIN],
    responses=CHANGED,
    summary="Add a rep to a team (409 when the key is taken).",
)
def add_rep(body: RepCreate, session: WriteSessionDep, now: NowDep) -> RepPublic:
    reps.add_rep(
        session,
        key=body.key,
        name=body.name,
        email=body.email,
        team_key=body.team,
        capacity=body.capacity,
        now=now,
    )
    return _rep(session, body.key, now)


@router.patch(
    "/reps/{key}", dependencies=[ADMIN], responses=FOUND, summary="Change capacity or activity."
)
def update_rep(key: RepKey, body: RepUpdate, session: WriteSessionDep, now: NowDep) -> RepPublic:
    if body.capacity is not None:
        reps.set_capacity(session, key, body.capacity, now)
    if body.active is False:  # a leaver: the leads they hold are re-routed
        deactivate_rep(session, key, now)
    elif body.active:
        reps.set_active(session, key, True, now)
    return _rep(session, key, now)


@router.post(
    "/reps/{key}/absences",
    status_code=201,
    dependencies=[SALES],
    responses=FOUND,
    summary="Mark a rep away for whole days (no new leads).",
)
def add_absence(
    key: RepKey, body: AbsenceCreate, session: WriteSessionDep, now: NowDep, bound: BoundScope
) -> RepPublic:
    bound.acting(key)  # a rep's own key marks their own absences only
    reps.add_absence(session, key, body.first_day, body.last_day, body.reason)
    return _rep(session, key, now)


@router.post(
    "/reps/{key}/accounts",
    dependencies=[ADMIN],
    responses=FOUND,
    summary="Make an account a named account of the rep.",
)
def own_account(key: RepKey, body: OwnBody, session: WriteSessionDep, now: NowDep) -> RepPublic:
    reps.own_account(session, key, body.account, now)
    return _rep(session, key, now)


def _team(team: Team, days: list[date]) -> TeamPublic:
    return TeamPublic(
        key=team.key,
        name=team.name,
        time_zone=team.time_zone,
        working_hours=team.working_hours,
        holidays=days,
    )


def _rep(session: Session, key: str, now: datetime) -> RepPublic:
    reps.get_rep(session, key)  # 404 when unknown
    view = next(view for view in reps.list_reps(session, now) if view.rep.key == key)
    return RepPublic.of(view)
