"""A product-led gate (no sales action; ``feature_used x5 within 14 days``) is judged when
leadflow learns of the usage, as the sales action's age is: a usage history imported a
year late reaches the marketing stage its windows met then, and hands nobody to a rep;
fresh usage does. Every path that judges the lead now says the same."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from leadflow.definition.builtin import preset_text
from leadflow.engine.lifecycle import advance
from leadflow.services.contact_qualification import qualify_contact
from leadflow.services.events import IncomingEvent, Recorded, record_event
from leadflow.services.lead_detail import lead_card
from leadflow.services.pending_handoffs import hand_off_pending
from leadflow.services.stale_stages import find_stuck_leads, repair_stuck_leads
from leadflow.store.driver import driver_for
from leadflow.store.models import Handoff, Qualification
from leadflow.store.realtime import RealtimeStore
from leadflow.store.realtime_handoff import HandoffStatements
from tests.integration.handoff.conftest import Desk

_GATE = """sales_ready:
  min_fit_grade: B
  require_sales_action: false
  when: {event: feature_used, min_count: 5, within_days: 14}
"""
_PQL = """  - id: pql
    kind: marketing
    labels: {en: Product qualified lead}
    requires: [lead]
    when: {event: feature_used, min_count: 5, within_days: 14}

  - id: sql
"""


def _product_led(desk: Desk) -> None:
    text = preset_text("waterfall").replace('version: "1"', 'version: "pl"', 1)
    start = text.index("sales_ready:\n")
    end = text.index("\n\n", start) + 1
    text = text[:start] + _GATE + text[end:]
    desk.activate(text.replace("  - id: sql\n", _PQL, 1), "product-led.yaml")


def _use(desk: Desk, contact_id: int, days_old: float) -> None:
    """Five uses of the product, a day apart, the last ``days_old`` days before now."""
    for day in range(5):
        happened = desk.clock.now() - timedelta(days=days_old + 4 - day)
        incoming = IncomingEvent(
            "feature_used", happened, contact_id=contact_id, properties={}, source="test"
        )
        recorded = record_event(desk.session, incoming, clock=desk.clock, active=desk.active)
        assert isinstance(recorded, Recorded)


def _stored(desk: Desk, contact_id: int) -> tuple[str | None, bool]:
    row = desk.session.scalars(
        select(Qualification).where(Qualification.contact_id == contact_id)
    ).one()
    return row.stage, row.sales_ready


def _handed_off(desk: Desk, contact_id: int) -> bool:
    found = desk.session.scalar(select(Handoff.id).where(Handoff.contact_id == contact_id))
    return found is not None


def test_usage_imported_a_year_late_reaches_marketing_not_a_rep(desk: Desk) -> None:
    _product_led(desk)
    desk.team("benelux")
    desk.rep("eva", "benelux")
    late, fresh = desk.contact("NL"), desk.contact("NL")

    _use(desk, late, days_old=365)
    _use(desk, fresh, days_old=0)

    assert _stored(desk, late) == ("pql", False)
    assert not _handed_off(desk, late)
    assert _stored(desk, fresh) == ("sql", True)
    assert _handed_off(desk, fresh)
    # Judged now: the API's explanation, `leadflow qualify --contact`, the lead page.
    now = desk.clock.now()
    verdict = qualify_contact(desk.session, late, now).qualification
    assert not verdict.sales_ready
    assert verdict.sales_ready_reason == (
        "the gate's extra condition does not hold: event feature_used x5 within 14 days"
    )
    card = lead_card(desk.session, late, now)
    assert card.verdict is not None
    assert not card.verdict.sales_ready
    # Nothing waits for a hand-off either (`leadflow handoff pending`).
    assert hand_off_pending(desk.session, desk.clock, dry_run=True) == []


def test_a_lead_late_usage_moved_to_sql_before_is_repaired(desk: Desk) -> None:
    # Before the gate judged its extras when leadflow learned of the facts, the late
    # history made the lead sales-ready as of its last use: moved to sql, where stages
    # stay. `leadflow qualify --repair` finds it and moves it back to pql.
    _product_led(desk)
    late = desk.contact("NL")
    _use(desk, late, days_old=365)
    last_use = desk.clock.now() - timedelta(days=365)
    verdict = qualify_contact(desk.session, late, last_use, explain=False).qualification
    assert verdict.stage == "sql"  # as the real-time path judged it then
    store = RealtimeStore(driver_for(desk.session.connection()))
    step = advance(store.load_person(late).lifecycle, verdict, last_use)
    assert step.transition is not None
    HandoffStatements(store.driver).save_lifecycle(late, step.state, desk.clock.now())
    assert desk.active is not None
    store.add_transition(late, step.transition, desk.active.version_id, None)
    desk.session.commit()

    (listed,) = find_stuck_leads(desk.session, desk.clock.now())
    assert (listed.contact_id, listed.stage, listed.back_to) == (late, "sql", "pql")
    assert listed.why.startswith(
        f"entered sql on {last_use:%Y-%m-%d}; the gate's extra condition does not hold"
    )
    repair_stuck_leads(desk.session, clock=desk.clock)

    assert _stored(desk, late) == ("pql", False)
