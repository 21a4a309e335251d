"""A contact created or changed through the contacts service (the API's POST and PUT
/contacts) is handled as an import's row: it joins its company's account, it is
re-qualified at once (and handed off if it now fits and took a sales action), and the rep
holding the lead stays its owner whatever owner a CRM sends."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leadflow.services.contacts import create_contact, update_contact, upsert_contact
from leadflow.services.refusals import ConflictError
from leadflow.store.models import Contact, Qualification
from tests.integration.handoff.conftest import START, Desk


def test_a_lead_that_comes_to_fit_is_requalified_and_handed_off_on_update(desk: Desk) -> None:
    desk.team("benelux")
    desk.rep("r1", "benelux")
    account = desk.account("tiny.example", country="US", employees=5)
    values = {"email": "kim@tiny.example", "account_id": account}
    contact_id = create_contact(desk.session, values, START).contact.id
    desk.event(contact_id)  # a demo request, but the fit is below the gate
    assert desk.handoffs(contact_id) == []
    grade_before = desk.session.get(Qualification, contact_id)
    assert grade_before is not None
    assert not grade_before.sales_ready

    changed = {"email": "kim@tiny.example", "seniority": "director", "department": "marketing"}
    view, created = upsert_contact(desk.session, changed, desk.later(minutes=5))

    assert not created
    assert view.qualification is not None
    assert view.qualification.sales_ready  # the new title counts at once, not at the next event
    [(handoff, _work)] = desk.handoffs(contact_id)
    assert handoff.owner == "r1"


def test_a_crm_owner_does_not_replace_the_rep_who_holds_the_lead(desk: Desk) -> None:
    desk.team("benelux")
    desk.rep("r1", "benelux")
    held = desk.lead()
    free = desk.contact()
    held_email, free_email = (desk.session.get(Contact, cid).email for cid in (held, free))  # type: ignore[union-attr]

    upsert_contact(desk.session, {"email": held_email, "owner": "crm-owner"}, desk.later(hours=1))
    upsert_contact(desk.session, {"email": free_email, "owner": "crm-owner"}, desk.later(hours=1))

    owners = dict(desk.session.execute(select(Contact.id, Contact.owner)).tuples().all())
    assert owners[held] == "r1"  # sales holds it: routing's rep stays
    assert owners[free] == "crm-owner"


def test_a_new_contact_joins_the_account_of_its_company_domain(desk: Desk) -> None:
    account = desk.account("brouwer.example")

    joined = create_contact(desk.session, {"email": "eva@brouwer.example"}, START).contact
    free_mail = create_contact(desk.session, {"email": "eva.b@gmail.com"}, START).contact

    assert joined.account_id == account
    assert free_mail.account_id is None
    qualification = desk.session.get(Qualification, joined.id)
    assert qualification is not None  # qualified at creation, with the account's firmographics
    assert qualification.fit_score >= 25


def test_changing_the_owner_of_a_held_lead_by_id_is_refused_in_words(desk: Desk) -> None:
    """A PATCH names the contact itself, so dropping its owner silently (as an upsert from
    a CRM sync does) would read as done: it is refused, and the free contact's is changed."""
    desk.team("benelux")
    desk.rep("r1", "benelux")
    held = desk.lead()
    free = desk.contact()

    with pytest.raises(ConflictError, match=r"sales holds contact .* the rep routing chose"):
        update_contact(desk.session, held, {"owner": "crm-owner"}, desk.later(hours=1))
    desk.session.rollback()
    same = update_contact(desk.session, held, {"owner": "r1", "title": "CFO"}, desk.later(hours=1))
    freed = update_contact(desk.session, free, {"owner": "crm-owner"}, desk.later(hours=1))

    assert (same.contact.owner, same.contact.title) == ("r1", "CFO")
    assert freed.contact.owner == "crm-owner"
