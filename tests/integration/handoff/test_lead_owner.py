"""The rep who holds a lead is its owner: what the leads list shows and filters by, and
what the API's contacts filter by; a hand-off, a re-assignment and a claim set it."""

from __future__ import annotations

from sqlalchemy import update

from leadflow.services.feedback import accept
from leadflow.services.lead_list import LeadFilter, list_leads, owner_key
from leadflow.services.reps import add_rep
from leadflow.services.sla import check_sla
from leadflow.store.models import Contact
from tests.integration.handoff.conftest import START, Desk


def _owned_by(desk: Desk, owner: str) -> list[tuple[int, str | None, str | None]]:
    rows = list_leads(desk.session, LeadFilter(owner=owner)).rows
    return [(row.contact_id, row.owner, row.owner_name) for row in rows]


def test_the_rep_a_lead_is_handed_to_owns_it_in_the_list(desk: Desk) -> None:
    desk.team("benelux")
    add_rep(
        desk.session, key="r0001", name="Eva van Dijk", email=None, team_key="benelux",
        capacity=10, now=START,
    )  # fmt: skip
    contact_id = desk.contact("NL")
    desk.session.execute(
        update(Contact).values(owner="crm-owner-7").where(Contact.id == contact_id)
    )
    desk.session.commit()

    desk.event(contact_id)

    assert desk.session.get_one(Contact, contact_id).owner == "r0001"
    assert _owned_by(desk, "r0001") == [(contact_id, "r0001", "Eva van Dijk")]
    assert _owned_by(desk, "crm-owner-7") == []
    # The web filter takes the name the list shows, as well as the key.
    assert owner_key(desk.session, "eva VAN dijk") == "r0001"
    assert owner_key(desk.session, "R0001") == "r0001"
    assert owner_key(desk.session, "crm-owner-7") == "crm-owner-7"


def test_an_unassigned_hand_off_leaves_the_owner_until_a_rep_claims_it(desk: Desk) -> None:
    contact_id = desk.contact("NL")
    desk.session.execute(
        update(Contact).values(owner="crm-owner-7").where(Contact.id == contact_id)
    )
    desk.session.commit()
    desk.event(contact_id)  # nobody on the team yet: unassigned
    assert desk.session.get_one(Contact, contact_id).owner == "crm-owner-7"
    desk.team("benelux")
    desk.rep("eva", "benelux")

    accept(desk.session, contact_id, rep="eva", clock=desk.clock)

    assert desk.session.get_one(Contact, contact_id).owner == "eva"
    assert [row[0] for row in _owned_by(desk, "eva")] == [contact_id]


def test_a_reassigned_lead_belongs_to_its_new_rep(desk: Desk) -> None:
    desk.reassign_on_breach()
    desk.team("benelux")
    desk.rep("eva", "benelux")
    contact_id = desk.lead()
    desk.rep("piet", "benelux")

    desk.later(hours=5)
    assert check_sla(desk.session, desk.clock).reassigned == 1

    assert [row[0] for row in _owned_by(desk, "piet")] == [contact_id]
    assert _owned_by(desk, "eva") == []
