"""The dashboard's figures, read straight from the store: funnel, trend, channels, alignment.

    stages     per funnel stage: how many leads are there now, how many ever reached it
               (or a later stage), and the conversion from the stage before
    trend      per week (Monday to Sunday, UTC), how many leads entered each stage
    channels   per acquisition channel: leads, share matching the persona (grade A or
               B), share sales-ready, share that reached a sales stage
    alignment  how marketing's hand-offs fared: answered, accepted, rejected (and why),
               attempts per worked lead, under-worked share, the sales-ready share

Everything is an aggregate in SQL (one pass each) over the current qualifications, the
transition ledger and the hand-off tables; nothing is per contact in Python.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from leadflow.definition.model import Definition, StageKind
from leadflow.store.models import (
    Contact,
    Handoff,
    HandoffWork,
    Qualification,
    Rejection,
    StageTransition,
)

__all__ = [
    "Alignment",
    "ChannelQuality",
    "FunnelOverview",
    "StageVolume",
    "WeekCounts",
    "funnel_overview",
]

TREND_WEEKS = 12


@dataclass(frozen=True, slots=True)
class StageVolume:
    stage: str
    current: int  # leads in this stage now
    reached: int  # leads that reached this stage or a later one
    conversion: float | None  # reached / reached of the stage before (None: first stage)


@dataclass(frozen=True, slots=True)
class WeekCounts:
    week: date  # the Monday
    entered: dict[str, int]  # stage -> leads that entered it that week


@dataclass(frozen=True, slots=True)
class ChannelQuality:
    channel: str | None
    leads: int
    persona_share: float
    sales_ready_share: float
    sales_stage_share: float


@dataclass(frozen=True, slots=True)
class Alignment:
    handed_off: int  # hand-offs made (a lead handed off twice counts twice)
    accepted: int
    rejected: int
    waiting: int
    acceptance_rate: float | None  # accepted / answered
    rejection_reasons: tuple[tuple[str, int], ...]
    attempts_per_lead: float | None  # over hand-offs that were accepted
    under_worked_share: float | None  # over closed work items
    sales_ready_share: float | None  # sales-ready leads / all qualified leads


@dataclass(frozen=True, slots=True)
class FunnelOverview:
    qualified: int
    off_ramps: dict[str, int]  # nurture / disqualified: leads there now
    stages: tuple[StageVolume, ...]
    trend: tuple[WeekCounts, ...]
    channels: tuple[ChannelQuality, ...]
    alignment: Alignment


def funnel_overview(session: Session, definition: Definition, now: datetime) -> FunnelOverview:
    current = _current(session)
    funnel = definition.stage_ids
    return FunnelOverview(
        qualified=sum(current.values()),
        off_ramps={stage: n for stage, n in current.items() if stage and stage not in funnel},
        stages=_stages(session, funnel, current),
        trend=_trend(session, funnel, now),
        channels=_channels(session, definition),
        alignment=_alignment(session, current),
    )


def _current(session: Session) -> dict[str | None, int]:
    rows = session.execute(
        select(Qualification.stage, func.count()).group_by(Qualification.stage)
    ).tuples()
    return dict(rows.all())


def _stages(
    session: Session, funnel: tuple[str, ...], current: dict[str | None, int]
) -> tuple[StageVolume, ...]:
    furthest = _furthest_reached(session, funnel)
    volumes = []
    reached_before: int | None = None
    for index, stage in enumerate(funnel):
        reached = sum(n for position, n in furthest.items() if position >= index)
        conversion = None if reached_before is None else _share(reached, reached_before)
        volumes.append(StageVolume(stage, current.get(stage, 0), reached, conversion))
        reached_before = reached
    return tuple(volumes)


def _furthest_reached(session: Session, funnel: tuple[str, ...]) -> Counter[int]:
    """How many contacts got at most as far as each funnel position (from the ledger)."""
    position = case(
        {stage: index for index, stage in enumerate(funnel)}, value=StageTransition.to_stage
    )
    per_contact = (
        select(func.max(position).label("furthest")).group_by(StageTransition.contact_id).subquery()
    )
    rows = session.execute(
        select(per_contact.c.furthest, func.count())
        .where(per_contact.c.furthest.is_not(None))
        .group_by(per_contact.c.furthest)
    ).tuples()
    return Counter({int(furthest): count for furthest, count in rows})


def _trend(session: Session, funnel: tuple[str, ...], now: datetime) -> tuple[WeekCounts, ...]:
    first_monday = now.date() - timedelta(days=now.weekday() + 7 * (TREND_WEEKS - 1))
    since = datetime.combine(first_monday, datetime.min.time(), tzinfo=now.tzinfo)
    day = func.date(StageTransition.at)
    rows = session.execute(
        select(day, StageTransition.to_stage, func.count())
        .where(StageTransition.at >= since, StageTransition.to_stage.in_(funnel))
        .group_by(day, StageTransition.to_stage)
    ).tuples()
    weeks = {first_monday + timedelta(weeks=n): Counter[str]() for n in range(TREND_WEEKS)}
    for on, stage, count in rows:
        moment = on if isinstance(on, date) else date.fromisoformat(str(on))
        monday = moment - timedelta(days=moment.weekday())
        if monday in weeks:
            weeks[monday][stage] += count
    return tuple(WeekCounts(monday, dict(counts)) for monday, counts in weeks.items())


def _channels(session: Session, definition: Definition) -> tuple[ChannelQuality, ...]:
    sales_stages = [s.id for s in definition.stages if s.kind is not StageKind.MARKETING]
    persona = _count_if(Qualification.fit_grade.in_(("A", "B")))
    ready = _count_if(Qualification.sales_ready.is_(True))
    in_sales = _count_if(Qualification.stage.in_(sales_stages))
    rows = session.execute(
        select(Contact.source_channel, func.count(), persona, ready, in_sales)
        .join(Qualification, Qualification.contact_id == Contact.id)
        .where(Contact.merged_into_id.is_(None))
        .group_by(Contact.source_channel)
    ).tuples()
    found = [
        ChannelQuality(channel, n, _share(a, n) or 0.0, _share(r, n) or 0.0, _share(s, n) or 0.0)
        for channel, n, a, r, s in rows
    ]
    return tuple(sorted(found, key=lambda c: (-c.persona_share, -c.leads, c.channel or "")))


def _count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(cast(case((condition, 1), else_=0), Integer)), 0)


def _alignment(session: Session, current: dict[str | None, int]) -> Alignment:
    status = dict(
        session.execute(select(Handoff.status, func.count()).group_by(Handoff.status))
        .tuples()
        .all()
    )
    accepted, rejected = status.get("accepted", 0), status.get("rejected", 0)
    reasons = session.execute(
        select(Rejection.code, func.count()).group_by(Rejection.code).order_by(func.count().desc())
    ).tuples()
    attempts = session.scalar(
        select(func.avg(HandoffWork.attempts)).where(HandoffWork.accepted_at.is_not(None))
    )
    closed, under = session.execute(
        select(func.count(), _count_if(HandoffWork.under_worked.is_(True))).where(
            HandoffWork.closed_at.is_not(None)
        )
    ).one()
    ready = session.scalar(select(func.count()).where(Qualification.sales_ready.is_(True))) or 0
    return Alignment(
        handed_off=sum(status.values()),
        accepted=accepted,
        rejected=rejected,
        waiting=status.get("open", 0),
        acceptance_rate=_share(accepted, accepted + rejected),
        rejection_reasons=tuple(reasons.all()),
        attempts_per_lead=None if attempts is None else float(attempts),
        under_worked_share=_share(under, closed),
        sales_ready_share=_share(ready, sum(current.values())),
    )


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole
