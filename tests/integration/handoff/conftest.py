"""A sales desk to hand leads to: the waterfall preset, teams, reps and sales-ready leads.

desk      a ``Desk`` on the rolled-back ``session``: its clock starts on Monday
          2 March 2026 at 09:00 UTC (10:00 in Amsterdam), its helpers add teams,
          reps and leads that fit the persona and ask for a demo
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.services.accounts import create_account
from leadflow.services.contacts import create_contact
from leadflow.services.definitions import ActiveDefinition, activate_definition, active_definition
from leadflow.services.events import IncomingEvent, Recorded, record_event
from leadflow.services.reps import add_rep, add_team
from leadflow.store.models import Consent, Handoff, HandoffWork, Rep

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


@dataclass
class Desk:
    session: Session
    clock: FixedClock = field(default_factory=lambda: FixedClock(START))
    active: ActiveDefinition | None = None
    _leads: int = 0

    def activate(self, text: str, name: str = "custom.yaml") -> ActiveDefinition:
        activate_definition(self.session, text, source_name=name, now=self.clock.now())
        self.session.commit()
        self.active = active_definition(self.session)
        return self.active

    def reassign_on_breach(self) -> ActiveDefinition:
        """The waterfall (version 2) with a breached SLA handing the lead to another rep."""
        text = preset_text("waterfall").replace('version: "1"', 'version: "2"', 1)
        return self.activate(text.replace("reassign_on_breach: false", "reassign_on_breach: true"))

    def later(self, **delta: float) -> datetime:
        self.clock.current += timedelta(**delta)
        return self.clock.current

    def team(
        self, key: str, zone: str = "Europe/Amsterdam", hours: str = "mon-fri 09:00-17:00"
    ) -> str:
        add_team(self.session, key=key, name=None, zone=zone, working_hours=hours, now=START)
        return key

    def rep(self, key: str, team: str, capacity: int = 10) -> Rep:
        return add_rep(
            self.session,
            key=key,
            name=None,
            email=None,
            team_key=team,
            capacity=capacity,
            now=START,
        )

    def account(self, domain: str, country: str = "NL", employees: int = 200) -> int:
        values = {
            "name": domain,
            "domain": domain,
            "industry": "software",
            "employees": employees,
            "country": country,
            "revenue": 20_000_000,
        }
        return create_account(self.session, values, START).id

    def contact(
        self, country: str = "NL", *, account: int | None = None, employees: int = 200
    ) -> int:
        """A director at a mid-sized software company: fit grade A in the waterfall preset."""
        self._leads += 1
        number = self._leads
        if account is None:
            account = self.account(f"company{number}.example", country, employees)
        values = {
            "email": f"lead{number}@company{number}.example",
            "first_name": "Lead",
            "last_name": f"Number{number}",
            "seniority": "director",
            "department": "marketing",
            "country": country,
            "account_id": account,
            "company": f"Company {number}",
        }
        return create_contact(self.session, values, START).contact.id

    def event(self, contact_id: int, kind: str = "demo_request", **properties: object) -> Recorded:
        incoming = IncomingEvent(
            kind, self.clock.now(), contact_id=contact_id, properties=properties, source="test"
        )
        outcome = record_event(self.session, incoming, clock=self.clock, active=self.active)
        assert isinstance(outcome, Recorded), outcome
        return outcome

    def lead(self, country: str = "NL", **options: int) -> int:
        """A contact that fits and asks for a demo now: sales-ready, so handed off."""
        contact_id = self.contact(country, **options)
        self.event(contact_id)
        return contact_id

    def consent(self, contact_id: int, channel: str, status: str) -> None:
        self.session.add(
            Consent(contact_id=contact_id, channel=channel, status=status, source="test", at=START)
        )
        self.session.commit()

    def handoffs(self, contact_id: int) -> list[tuple[Handoff, HandoffWork]]:
        rows = self.session.execute(
            select(Handoff, HandoffWork)
            .join(HandoffWork, HandoffWork.handoff_id == Handoff.id)
            .where(Handoff.contact_id == contact_id)
            .order_by(Handoff.id)
        ).tuples()
        return list(rows)


@pytest.fixture
def desk(session: Session) -> Desk:
    opened = Desk(session)
    opened.activate(preset_text("waterfall"), "waterfall.yaml")
    return opened
