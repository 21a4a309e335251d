"""The sales team as data: teams (time zone, working hours, holidays), reps, their
capacity and absences, and the accounts they own.

Routing (services/routing.py) reads these at every hand-off; SLA clocks tick in the
owner's team's working hours. Each use case validates its input (one-line
``InvalidInputError``), commits, and returns what it wrote.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadflow.domain.business_hours import WorkingWeek, time_zone
from leadflow.ingest.normalise import website_domain
from leadflow.services.refusals import ConflictError, InvalidInputError, NotFoundError
from leadflow.store.models import (
    Account,
    AccountOwner,
    HandoffWork,
    Rep,
    RepAbsence,
    Team,
    TeamHoliday,
)

__all__ = [
    "KEY_PATTERN",
    "RepView",
    "add_absence",
    "add_holidays",
    "add_named_holidays",
    "add_rep",
    "add_team",
    "get_rep",
    "get_team",
    "list_reps",
    "list_teams",
    "own_account",
    "rep_exists",
    "set_active",
    "set_capacity",
]

KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$")
MAX_CAPACITY = 10_000
# The API's bounds for a day off: 9999-12-31 overflows the calendar's arithmetic, and
# a year like 9000 is a typo that would hold a rep out of routing for good.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


@dataclass(frozen=True, slots=True)
class RepView:
    rep: Rep
    team: Team
    load: int  # hand-offs held and not closed
    absent: bool  # absent at the moment asked about


def add_team(
    session: Session,
    *,
    key: str,
    name: str | None,
    zone: str,
    working_hours: str,
    holidays: Iterable[date] = (),
    now: datetime,
) -> Team:
    _check_key(key, "team")
    holidays = _days(holidays)  # all checked before the team is written
    try:
        time_zone(zone)
        week = WorkingWeek.parse(working_hours)
    except ValueError as error:
        raise InvalidInputError(str(error)) from None
    team = Team(
        key=key,
        name=name or key,
        time_zone=zone,
        working_hours=str(week),
        created_at=now,
        updated_at=now,
    )
    session.add(team)
    _commit(session, f"a team with key {key!r} exists already")
    add_holidays(session, key, holidays)
    return team


def add_holidays(
    session: Session, team_key: str, days: Iterable[date], name: str | None = None
) -> int:
    """Add days off to a team; days it has already are left alone. Returns how many were new."""
    return add_named_holidays(session, team_key, dict.fromkeys(days, name))


def add_named_holidays(session: Session, team_key: str, named: Mapping[date, str | None]) -> int:
    """Add days off, each with its own name (a country's public holidays); days the team
    has already are left alone. Returns how many were new."""
    _days(named)
    team = get_team(session, team_key)
    known = set(session.scalars(select(TeamHoliday.day).where(TeamHoliday.team_id == team.id)))
    added = 0
    for day in sorted(set(named) - known):
        session.add(TeamHoliday(team_id=team.id, day=day, name=_short(named[day])))
        added += 1
    session.commit()
    return added


def _short(name: str | None) -> str | None:
    # Two holidays on one day come joined ("Constitution Day; Whit Monday"); the column
    # holds 200 characters.
    return None if name is None else name[:200]


def add_rep(
    session: Session,
    *,
    key: str,
    name: str | None,
    email: str | None,
    team_key: str,
    capacity: int,
    now: datetime,
) -> Rep:
    _check_key(key, "rep")
    _check_capacity(capacity)
    team = get_team(session, team_key)
    rep = Rep(
        key=key,
        name=name or key,
        email=email,
        team_id=team.id,
        capacity=capacity,
        active=True,
        created_at=now,
        updated_at=now,
    )
    session.add(rep)
    _commit(session, f"a rep with key {key!r} exists already")
    return rep


def set_capacity(session: Session, rep_key: str, capacity: int, now: datetime) -> Rep:
    _check_capacity(capacity)
    rep = get_rep(session, rep_key)
    rep.capacity = capacity
    rep.updated_at = now
    session.commit()
    return rep


def set_active(session: Session, rep_key: str, active: bool, now: datetime) -> Rep:
    """An inactive rep (left the company, changed roles) is never routed to again."""
    rep = get_rep(session, rep_key)
    rep.active = active
    rep.updated_at = now
    session.commit()
    return rep


def add_absence(
    session: Session, rep_key: str, first: date, last: date, reason: str | None
) -> RepAbsence:
    """The rep is away from ``first`` to ``last`` (whole local days of the rep's team)."""
    _days((first, last))
    if last < first:
        raise InvalidInputError(f"an absence ends on or after it starts ({first} > {last})")
    rep = get_rep(session, rep_key)
    team = session.get_one(Team, rep.team_id)
    zone = time_zone(team.time_zone)
    absence = RepAbsence(
        rep_id=rep.id,
        starts_at=datetime.combine(first, time(), tzinfo=zone).astimezone(UTC),
        ends_at=datetime.combine(last + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC),
        reason=reason,
    )
    session.add(absence)
    session.commit()
    return absence


def own_account(session: Session, rep_key: str, account: str, now: datetime) -> Account:
    """Make ``account`` (an id or a domain) a named account owned by the rep, who must be
    active: routing passes over a leaver, so their account would look owned while its
    leads went by territory (ConflictError)."""
    rep = get_rep(session, rep_key)
    if not rep.active:
        raise ConflictError(
            f"rep {rep_key!r} is deactivated: give the account to a rep who is still here"
        )
    found = _account(session, account)
    owner = session.get(AccountOwner, found.id)
    if owner is None:
        session.add(AccountOwner(account_id=found.id, rep_id=rep.id, at=now))
    else:
        owner.rep_id, owner.at = rep.id, now
    session.commit()
    return found


def get_team(session: Session, key: str) -> Team:
    team = session.scalar(select(Team).where(Team.key == key))
    if team is None:
        raise NotFoundError(f"no team with key {key!r} (add one with `leadflow reps team add`)")
    return team


def rep_exists(session: Session, key: str) -> bool:
    return session.scalar(select(Rep.id).where(Rep.key == key)) is not None


def get_rep(session: Session, key: str) -> Rep:
    rep = session.scalar(select(Rep).where(Rep.key == key))
    if rep is None:
        raise NotFoundError(f"no rep with key {key!r}")
    return rep


def list_teams(session: Session) -> list[tuple[Team, list[date]]]:
    teams = session.scalars(select(Team).order_by(Team.key)).all()
    holidays: dict[int, list[date]] = {team.id: [] for team in teams}
    for team_id, day in session.execute(
        select(TeamHoliday.team_id, TeamHoliday.day).order_by(TeamHoliday.day)
    ):
        holidays[team_id].append(day)
    return [(team, holidays[team.id]) for team in teams]


def list_reps(session: Session, now: datetime, *, team: str | None = None) -> list[RepView]:
    load = (
        select(func.count())
        .where(HandoffWork.rep_id == Rep.id, HandoffWork.closed_at.is_(None))
        .scalar_subquery()
    )
    away = (
        select(RepAbsence.id)
        .where(RepAbsence.rep_id == Rep.id, RepAbsence.starts_at <= now, RepAbsence.ends_at > now)
        .exists()
    )
    query = select(Rep, Team, load, away).join(Team, Team.id == Rep.team_id).order_by(Rep.key)
    if team is not None:
        query = query.where(Team.key == get_team(session, team).key)
    return [RepView(r, t, int(n), bool(a)) for r, t, n, a in session.execute(query)]


def _account(session: Session, reference: str) -> Account:
    if reference.isdigit():
        found = session.get(Account, int(reference))
    else:
        try:
            domain = website_domain(reference)
        except ValueError:
            raise InvalidInputError(f"{reference!r} is not an account id or domain") from None
        found = session.scalar(select(Account).where(Account.domain == domain))
    if found is None:
        raise NotFoundError(f"no account {reference!r} (give its id or its domain)")
    return found


def _check_key(key: str, what: str) -> None:
    if not KEY_PATTERN.match(key):
        raise InvalidInputError(
            f"{what} key {key!r}: use 1-100 ASCII letters (a-z, A-Z), digits, '_', '.', '@'"
            " or '-', starting with a letter or digit"
        )


def _check_capacity(capacity: int) -> None:
    if not 0 <= capacity <= MAX_CAPACITY:
        raise InvalidInputError(f"capacity {capacity} must be between 0 and {MAX_CAPACITY}")


def _commit(session: Session, conflict: str) -> None:
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ConflictError(conflict) from None


def _days(days: Iterable[date]) -> list[date]:
    checked = list(days)
    for day in checked:
        if not FIRST_DAY <= day <= LAST_DAY:
            raise InvalidInputError(f"day {day} must fall between 2000 and 2100")
    return checked
