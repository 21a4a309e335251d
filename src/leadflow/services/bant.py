"""Stating a BANT criterion for a contact (a rep's note, usually), with its evidence.

The facts are appended, never edited: the latest statement of each criterion counts
(``services.facts``), and the earlier ones stay as the record of who said what when.
An explicit statement wins over the definition's BANT rules, so the contact is
re-qualified in the same transaction: temperature, stage and sales-readiness follow.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from leadflow.domain.clock import Clock
from leadflow.domain.facts import BANT_KEYS
from leadflow.services.refusals import InvalidInputError, NotFoundError
from leadflow.services.reps import get_rep
from leadflow.services.requalify import requalify_contacts
from leadflow.store.models import BantFact, Contact

__all__ = ["EVIDENCE_MAX", "MET_WORDS", "BantStated", "state_bant"]

EVIDENCE_MAX = 2000
# How a person says a criterion is met, not met, or unknown again (the web's form, the CLI).
MET_WORDS: dict[str, bool | None] = {"yes": True, "no": False, "unknown": None}


@dataclass(frozen=True, slots=True)
class BantStated:
    contact_id: int
    criterion: str
    met: bool | None
    stage: str | None  # where the contact stands after re-qualification


def state_bant(
    session: Session,
    contact_id: int,
    *,
    criterion: str,
    met: bool | None,
    evidence: str | None,
    actor: str,
    clock: Clock,
    source: str = "rep_note",
    rep: str | None = None,
) -> BantStated:
    """Record that ``criterion`` is met (True), not met (False) or unknown (None).
    ``rep``: the rep who learned it (one the team has), recorded instead of ``actor``
    (the signed-in user, the command line, the API key)."""
    if criterion not in BANT_KEYS:
        raise InvalidInputError(f"unknown BANT criterion {criterion!r}; one of {BANT_KEYS}")
    text = (evidence or "").strip() or None
    if text is not None and len(text) > EVIDENCE_MAX:
        raise InvalidInputError(f"evidence is limited to {EVIDENCE_MAX} characters")
    if session.get(Contact, contact_id) is None:
        raise NotFoundError(f"no contact with id {contact_id}")
    if rep is not None:
        actor = f"rep {get_rep(session, rep).key}"
    session.add(
        BantFact(
            contact_id=contact_id,
            criterion=criterion,
            met=met,
            evidence=text,
            source=source,
            actor=actor,
            at=clock.now(),
        )
    )
    [done] = requalify_contacts(session, [contact_id], clock=clock)
    session.commit()
    return BantStated(contact_id, criterion, met, done.stage)
