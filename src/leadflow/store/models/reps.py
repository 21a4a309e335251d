"""The sales team: teams with their working hours and holidays, reps, absences, named
accounts, and the round-robin state that keeps assignments fair.

A rep's ``key`` (``r0001``, an e-mail ...) is what the sales tables record as owner or
rep (``handoffs.owner``, ``sales_attempts.rep``, ``opportunities.owner``); the integer
id is for references inside leadflow.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.store.models.base import BIG_ID, Base, Timestamped

__all__ = ["AccountOwner", "Rep", "RepAbsence", "RoundRobinState", "Team", "TeamHoliday"]


class Team(Timestamped, Base):
    """Reps who share leads and a calendar: SLA clocks tick in the team's working hours."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)  # what routing rules name
    name: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64))  # IANA, e.g. Europe/Oslo
    # WorkingWeek text (domain.business_hours): "mon-fri 09:00-17:00".
    working_hours: Mapped[str] = mapped_column(String(500))


class TeamHoliday(Base):
    """A local date the team does not work (a public holiday, a company day off)."""

    __tablename__ = "team_holidays"
    __table_args__ = (UniqueConstraint("team_id", "day"),)

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column()
    name: Mapped[str | None] = mapped_column(String(200))


class Rep(Timestamped, Base):
    """A salesperson. ``capacity`` is how many leads the rep works at once (open and
    accepted hand-offs not yet closed) and the rep's weight in round robin."""

    __tablename__ = "reps"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="RESTRICT"), index=True)
    capacity: Mapped[int] = mapped_column()
    active: Mapped[bool] = mapped_column(default=True)  # False: left the team, never routed to


class RepAbsence(Base):
    """A stretch of time a rep gets no new leads (holiday, sick leave, a conference)."""

    __tablename__ = "rep_absences"
    __table_args__ = (Index(None, "rep_id", "ends_at"),)

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    reason: Mapped[str | None] = mapped_column(String(200))


class AccountOwner(Base):
    """A named account: its owner gets every lead of the account."""

    __tablename__ = "account_owners"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column()


class RoundRobinState(Base):
    """Each rep's running value in one round-robin pool (domain.round_robin), persisted
    so fairness holds across processes and restarts. A pool is ``team:<key>`` or ``*``."""

    __tablename__ = "round_robin_state"

    pool: Mapped[str] = mapped_column(String(110), primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"), primary_key=True)
    current: Mapped[int] = mapped_column()
