"""The per-rep hand-off report: answers, reasons, breaches, giving up, under-working."""

from __future__ import annotations

from sqlalchemy import select

from leadflow.services.cadence import close_lead, log_attempt
from leadflow.services.feedback import accept, reject
from leadflow.services.handoff_report import handoff_report
from leadflow.services.identity import merge_contacts
from leadflow.services.sla import check_sla
from leadflow.store.models import SlaBreach
from tests.integration.handoff.conftest import Desk


def test_the_report_shows_who_gives_up_early_and_why_leads_come_back(desk: Desk) -> None:
    desk.team("benelux")
    desk.team("dach", "Europe/Berlin")
    desk.rep("eva", "benelux")
    desk.rep("sophie", "dach")
    clock = desk.clock
    quick, patient, junked = desk.lead("NL"), desk.lead("DE"), desk.lead("NL")
    for lead in (quick, patient):
        accept(desk.session, lead, rep=None, clock=clock)
    reject(desk.session, junked, code="bad_fit", note=None, rep=None, clock=clock)
    desk.later(hours=1)
    log_attempt(desk.session, quick, channel="call", outcome="no_answer", rep=None, clock=clock)
    for _ in range(4):
        desk.later(hours=26)
        log_attempt(
            desk.session, patient, channel="call", outcome="no_answer", rep=None, clock=clock
        )
    close_lead(desk.session, quick, reason="unresponsive", rep=None, clock=clock)
    close_lead(desk.session, patient, reason="unresponsive", rep=None, clock=clock)

    eva, sophie = handoff_report(desk.session)

    assert (eva.rep, eva.handed_off, eva.accepted, eva.rejected) == ("eva", 2, 1, 1)
    assert dict(eva.rejected_by_reason) == {"bad_fit": 1}
    assert (eva.closed_unreached, eva.attempts_before_giving_up, eva.under_worked) == (1, 1.0, 1)
    assert (sophie.closed_unreached, sophie.attempts_before_giving_up) == (1, 4.0)
    assert sophie.under_worked == 0
    assert handoff_report(desk.session, since=desk.clock.now()) == []


def test_an_accepted_lead_closed_untouched_breached_its_first_touch(desk: Desk) -> None:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    lead = desk.lead()
    accept(desk.session, lead, rep=None, clock=desk.clock)
    desk.later(days=2)

    close_lead(desk.session, lead, reason="not_interested", rep=None, clock=desk.clock)

    assert list(desk.session.scalars(select(SlaBreach.kind))) == ["first_touch"]
    (eva,) = handoff_report(desk.session)
    assert dict(eva.breaches) == {"first_touch": 1}
    assert eva.under_worked == 1


def test_a_rejection_is_counted_on_the_row_that_shows_its_reason(desk: Desk) -> None:
    # An unassigned lead rejected by a rep: its hand-off has no owner, so its rejection
    # and its reason belong to the same row, never "rejected 0 (bad_fit 1)" on another.
    desk.team("benelux")
    lead = desk.lead()
    desk.rep("eva", "benelux")

    reject(desk.session, lead, code="bad_fit", note=None, rep="eva", clock=desk.clock)

    for row in handoff_report(desk.session):
        assert row.rejected == sum(row.rejected_by_reason.values()), row


def test_a_duplicate_record_a_merge_closed_unanswered_is_not_a_hand_off_of_its_own(
    desk: Desk,
) -> None:
    # One person, two records, both handed off to eva and left waiting past the accept
    # SLA, then merged: eva held one lead, answered it late once. The record the merge
    # closed is not a second hand-off nor a second late answer (as `report alignment`
    # reads it).
    desk.team("benelux")
    desk.rep("eva", "benelux")
    first, second = desk.lead(), desk.lead()
    desk.lead()  # another lead, still waiting: counted as it always was
    desk.later(hours=5)
    assert len(check_sla(desk.session, desk.clock).breaches) == 3
    merge_contacts(desk.session.connection(), first, second, now=desk.clock.now())
    desk.session.expire_all()  # the merge wrote through the connection
    accept(desk.session, first, rep=None, clock=desk.clock)

    (eva,) = handoff_report(desk.session)

    assert (eva.handed_off, eva.accepted, eva.rejected) == (2, 1, 0)
    assert dict(eva.breaches) == {"accept": 2}
