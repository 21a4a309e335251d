"""The record a merged contact lives on in: its survivor, after any chain of merges.

A merge keeps the merged record (``merged_into_id`` set) so it can be undone; whoever
is handed its id (a CRM's deal, an old webhook, a bookmarked lead page, a GDPR request)
means the person, whose facts now live on the survivor.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from leadflow.store.models import Contact

__all__ = ["surviving_contact"]


def surviving_contact(session: Session, contact: Contact) -> Contact:
    """``contact`` itself when not merged, else the end of its chain of merges (a cycle,
    which no merge makes, or a missing row stops the walk where it is)."""
    seen = {contact.id}
    while contact.merged_into_id is not None and contact.merged_into_id not in seen:
        survivor = session.get(Contact, contact.merged_into_id)
        if survivor is None:
            break
        contact = survivor
        seen.add(contact.id)
    return contact
