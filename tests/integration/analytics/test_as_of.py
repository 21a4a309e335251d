"""Acceptance: a funnel rebuilt "as of" a past date equals what the live system reported then.

A small history (contacts arriving over three months, browsing, downloading, asking for
demos; deals opened and closed) is replayed in time order through the real-time path
(``record_event``) with a clock that moves with it. At checkpoints between events the
funnel and channel reports are taken as the live system gives them (``--to`` unset, the
clock at the checkpoint). When the replay is over, each checkpoint's funnel is rebuilt
with ``--to`` at that moment and must equal its snapshot, cell by cell.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert, update
from sqlalchemy.orm import Session

from leadflow.analytics.costs import Costs
from leadflow.analytics.report import Report
from leadflow.domain.clock import FixedClock
from leadflow.services.events import IncomingEvent, Recorded, record_event
from leadflow.services.reports import ReportRequest, build_report
from leadflow.store.database import writer
from leadflow.store.models import Opportunity
from tests.integration.services.conftest import activate

START = datetime(2026, 1, 5, 9, tzinfo=UTC)


@dataclass(frozen=True)
class _Step:
    at: datetime
    event: IncomingEvent | None = None
    deal: tuple[str, str, float] | None = None  # (email, status, amount)


def _history(seed: int = 5) -> list[_Step]:
    rng = random.Random(seed)
    steps: list[_Step] = []
    for person in range(14):
        email = f"p{person}@acme{person % 4}.example"
        first = START + timedelta(days=rng.uniform(0, 60), seconds=person)
        kinds = ["form_submit", "page_view", "content_download", "page_view", "email_click"]
        if person % 3 == 0:
            kinds.append("demo_request")
        moment = first
        for index, kind in enumerate(kinds):
            props = {"url": "https://acme.example/pricing"} if kind == "page_view" else {}
            if kind == "content_download":
                props = {"asset": rng.choice(["pricing-spec-sheet", "state-of-b2b-ebook"])}
            event = IncomingEvent(kind, moment, key=f"{person}-{index}", email=email,
                                  properties=props)  # fmt: skip
            steps.append(_Step(moment, event=event))
            moment += timedelta(days=rng.uniform(0.5, 9), seconds=7)
        if person % 3 == 0:
            steps.append(_Step(moment, deal=(email, "open", 10_000.0 + person)))
            outcome = "won" if person % 2 == 0 else "lost"
            steps.append(_Step(moment + timedelta(days=12), deal=(email, outcome, 0.0)))
    return sorted(steps, key=lambda step: step.at)


def _report(engine: Engine, name: str, clock: datetime, stop: datetime | None = None) -> Report:
    request = ReportRequest(name, stop=stop)
    return build_report(engine, request, clock=FixedClock(clock), costs=Costs())


def _apply(engine: Engine, session: Session, step: _Step, contacts: dict[str, int]) -> None:
    if step.event is not None:
        outcome = record_event(session, step.event, clock=FixedClock(step.at))
        assert isinstance(outcome, Recorded), outcome
        assert outcome.contact_id is not None
        contacts[str(step.event.email)] = outcome.contact_id
        return
    assert step.deal is not None
    email, status, amount = step.deal
    with engine.begin() as connection:
        if status == "open":
            connection.execute(
                insert(Opportunity).values(
                    contact_id=contacts[email], status="open", amount=amount, created_at=step.at
                )
            )
        else:
            connection.execute(
                update(Opportunity)
                .where(Opportunity.contact_id == contacts[email])
                .values(status=status, closed_at=step.at)
            )


def test_a_past_funnel_rebuilt_from_the_ledger_equals_the_live_report(engine: Engine) -> None:
    with Session(engine) as session:
        activate(session)
    history = _history()
    checkpoints = [START + timedelta(days=days, hours=5, minutes=17) for days in (20, 45, 70, 110)]
    snapshots: dict[datetime, Report] = {}
    contacts: dict[str, int] = {}
    pending = list(checkpoints)
    with Session(writer(engine)) as session:
        for step in history:
            while pending and pending[0] < step.at:
                moment = pending.pop(0)
                snapshots[moment] = _report(engine, "funnel", moment)
            _apply(engine, session, step, contacts)
    for moment in pending:
        snapshots[moment] = _report(engine, "funnel", moment)

    later = checkpoints[-1] + timedelta(days=30)
    for moment, live in snapshots.items():
        rebuilt = _report(engine, "funnel", later, stop=moment)
        assert rebuilt.sections == live.sections, moment
    # The history really moved between checkpoints: the snapshots are not all alike.
    leads = [s.section("stages").rows[0][2] for s in snapshots.values()]
    assert leads == sorted(leads)
    assert len(set(leads)) > 2
