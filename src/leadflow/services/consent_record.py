"""A contact's consent as leadflow can show it: the decision in force per channel and
every decision on record, newest first (GDPR art. 7(1): demonstrating consent).

The API (``GET /contacts/{id}/consents``) and the lead page read it here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.services.refusals import NotFoundError
from leadflow.services.survivor import surviving_contact
from leadflow.store.models import Consent, ConsentDecision, Contact

__all__ = ["ConsentRecord", "consent_record"]


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    contact_id: int
    in_force: tuple[Consent, ...]  # by channel
    decisions: tuple[ConsentDecision, ...]  # newest first


def consent_record(session: Session, contact_id: int) -> ConsentRecord:
    """The person's consent; a merged record's is its survivor's (``contact_id`` says
    whose): the merge moved its decisions there and decided what is in force, and the
    row it left on the merged record (kept for an unmerge) is no longer the person's."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFoundError(f"no contact with id {contact_id}")
    contact_id = surviving_contact(session, contact).id
    in_force = session.scalars(
        select(Consent).where(Consent.contact_id == contact_id).order_by(Consent.channel)
    )
    decisions = session.scalars(
        select(ConsentDecision)
        .where(ConsentDecision.contact_id == contact_id)
        .order_by(ConsentDecision.at.desc(), ConsentDecision.id.desc())
    )
    return ConsentRecord(contact_id, tuple(in_force), tuple(decisions))
