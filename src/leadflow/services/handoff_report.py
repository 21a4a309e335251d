"""How each rep handles hand-offs: the numbers marketing and sales look at together.

Per rep (the owner at the time the work ended, or now): leads handed off, accepted,
rejected (by reason code), SLA breaches by kind, leads closed unreached and the average
number of attempts made on them (the articles' "1.3 attempts before giving up"), leads
closed UNDER-WORKED, deals won and lost. ``since`` limits it to hand-offs made from then;
a ``since`` in the future is refused (``check_since``): its empty report would read as
if nothing had ever been handed off. ``parse_since`` reads it for the command line and
the API alike: a date (from that day's midnight UTC: a workspace has no time zone of its
own, only its teams do) or an ISO 8601 moment with its offset.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from leadflow.services.refusals import InvalidInputError
from leadflow.store.models import Handoff, HandoffWork, Rejection, Rep, SlaBreach

__all__ = ["UNASSIGNED", "RepReport", "check_since", "handoff_report", "parse_since"]

UNASSIGNED = "(unassigned)"
_GAVE_UP = ("recycled", "disqualified", "cadence_ended")
_MERGED = "merged"  # the work outcome of a hand-off a merge closed (services/identity.py)


@dataclass
class RepReport:
    rep: str
    handed_off: int = 0
    accepted: int = 0
    rejected: int = 0
    rejected_by_reason: Counter[str] = field(default_factory=Counter)
    breaches: Counter[str] = field(default_factory=Counter)
    closed_unreached: int = 0
    attempts_before_giving_up: float | None = None  # mean over closed_unreached
    under_worked: int = 0
    won: int = 0
    lost: int = 0


def parse_since(text: str, now: datetime, said: str) -> datetime:
    """``text`` as the report's start, checked against ``now``; ``said`` names the input
    as the caller got it (``--since``, ``since``), so every refusal reads the same."""
    since = _since_moment(text.strip(), said)
    check_since(since, now, f"{said} {text}")
    return since


def _since_moment(text: str, said: str) -> datetime:
    if len(text) == len("2026-03-02"):
        try:
            return datetime.combine(date.fromisoformat(text), time(), UTC)
        except ValueError:
            pass  # not a date: refused below in the same words as any other text
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "Zz" else text)
    except ValueError:
        raise InvalidInputError(
            f"{said} {text!r} is not a date (2026-03-02, from midnight UTC) or an ISO 8601"
            " moment with its offset (2026-03-02T09:00:00+01:00)"
        ) from None
    if moment.utcoffset() is None:
        # The reader's own clock is not the server's: guessing either would move the
        # window by hours without a word.
        raise InvalidInputError(
            f"{said} {text!r} has no offset: write {moment.isoformat()}Z for UTC, or the"
            " offset meant (+01:00)"
        )
    return moment.astimezone(UTC)


def check_since(since: datetime, now: datetime, said: str) -> None:
    """Refuse a start later than now; ``said`` names it as the caller got it
    (``--since 2999-01-01``)."""
    if since > now:
        raise InvalidInputError(
            f"{said} is in the future: no hand-off can have been made since then"
        )


def handoff_report(session: Session, since: datetime | None = None) -> list[RepReport]:
    reports: dict[str, RepReport] = defaultdict(lambda: RepReport(""))
    unreached_attempts: dict[str, list[int]] = defaultdict(list)
    for owner, status, work in session.execute(_work(since)).tuples():
        report = reports[owner or UNASSIGNED]
        report.handed_off += 1
        report.accepted += status == "accepted"
        report.rejected += status == "rejected"
        report.under_worked += work.under_worked
        report.won += work.outcome == "won"
        report.lost += work.outcome == "lost"
        if work.outcome in _GAVE_UP and not work.connected:
            unreached_attempts[owner or UNASSIGNED].append(work.attempts)
    for rep, code, count in session.execute(_rejections(since)).tuples():
        reports[rep or UNASSIGNED].rejected_by_reason[code] += count
    for rep, kind, count in session.execute(_breaches(since)).tuples():
        reports[rep or UNASSIGNED].breaches[kind] += count
    for rep, attempts in unreached_attempts.items():
        reports[rep].closed_unreached = len(attempts)
        reports[rep].attempts_before_giving_up = sum(attempts) / len(attempts)
    for key, report in reports.items():
        report.rep = key
    return sorted(reports.values(), key=lambda report: report.rep)


def _own_lead() -> ColumnElement[bool]:
    """Not the other record of a person a merge closed before sales answered it: the lead
    went on in the hand-off kept, so it is neither a hand-off of its own nor a second late
    answer to the same enquiry (``report alignment`` leaves it out in the same words)."""
    # Spelled out: a live hand-off's outcome is NULL, which ``!=`` alone would drop.
    return or_(
        Handoff.status != "open", HandoffWork.outcome.is_(None), HandoffWork.outcome != _MERGED
    )


def _work(since: datetime | None) -> Select[tuple[str | None, str, HandoffWork]]:
    query = (
        select(Handoff.owner, Handoff.status, HandoffWork)
        .join(HandoffWork, HandoffWork.handoff_id == Handoff.id)
        .where(_own_lead())
        .order_by(Handoff.id)
    )
    return query if since is None else query.where(Handoff.at >= since)


def _rejections(since: datetime | None) -> Select[tuple[str | None, str, int]]:
    # By the hand-off's owner, as ``rejected`` is counted: a rep may reject a lead that
    # is unassigned or someone else's (--rep), and its reason belongs with its count.
    query = (
        select(Handoff.owner, Rejection.code, func.count())
        .select_from(Rejection)
        .join(Handoff, Handoff.id == Rejection.handoff_id)
        .group_by(Handoff.owner, Rejection.code)
    )
    return query if since is None else query.where(Handoff.at >= since)


def _breaches(since: datetime | None) -> Select[tuple[str, str, int]]:
    query = (
        select(Rep.key, SlaBreach.kind, func.count())
        .select_from(SlaBreach)
        .join(Handoff, Handoff.id == SlaBreach.handoff_id)
        .outerjoin(HandoffWork, HandoffWork.handoff_id == Handoff.id)
        .outerjoin(Rep, Rep.id == SlaBreach.rep_id)
        .where(_own_lead())
        .group_by(Rep.key, SlaBreach.kind)
    )
    return query if since is None else query.where(Handoff.at >= since)
