"""A CRM learns who holds a lead: `lead.handed_off` when it is handed off (owner, rule,
trigger and due moments), `handoff.assigned` when it gets another owner (re-assigned on a
breach, or claimed from the unassigned queue); each written with the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from leadflow.domain.clock import utc_text
from leadflow.services.feedback import accept
from leadflow.services.outbox import HANDED_OFF, HANDOFF_ASSIGNED
from leadflow.services.sla import check_sla
from leadflow.store.models import OutboxMessage
from tests.integration.handoff.conftest import START, Desk


def _messages(desk: Desk, kind: str) -> list[dict[str, Any]]:
    query = (
        select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.created_at)
    )
    return [dict(message.payload) for message in desk.session.scalars(query)]


def test_a_hand_off_is_announced_with_its_owner_and_due_moments(desk: Desk) -> None:
    desk.team("benelux")
    desk.rep("eva", "benelux")

    contact_id = desk.lead()

    ((handoff, _work),) = desk.handoffs(contact_id)
    (message,) = _messages(desk, HANDED_OFF)
    assert message == {
        "contact_id": contact_id,
        "handoff_id": handoff.id,
        "owner": "eva",
        "rule": "Benelux territory",
        "trigger": "demo_request",
        "accept_due_at": utc_text(START.replace(hour=13)),  # 4 business hours
        "first_touch_due_at": utc_text(START.replace(day=3)),
        "at": utc_text(START),
    }
    assert _messages(desk, HANDOFF_ASSIGNED) == []


def test_a_breach_reassignment_and_a_claim_announce_the_new_owner(desk: Desk) -> None:
    unassigned = desk.lead()  # nobody on the team yet
    (first,) = _messages(desk, HANDED_OFF)
    assert first["owner"] is None
    assert first["accept_due_at"] is None  # nobody to hold to a promise
    desk.reassign_on_breach()
    desk.team("benelux")
    desk.rep("eva", "benelux")
    accept(desk.session, unassigned, rep="eva", clock=desk.clock)  # the claim
    breached = desk.lead()
    desk.rep("piet", "benelux")
    desk.later(hours=5)

    check_sla(desk.session, desk.clock)

    claimed, moved = _messages(desk, HANDOFF_ASSIGNED)
    assert (claimed["contact_id"], claimed["owner"], claimed["rule"]) == (
        unassigned,
        "eva",
        "claimed",
    )
    assert (moved["contact_id"], moved["owner"]) == (breached, "piet")
    assert moved["reason"].startswith("re-assigned: accept SLA breached")
