"""Rejections stored before a customer's were recorded as such, and their repair.

Sales rejecting the lead of a contact who had become a customer meanwhile (a deal the
CRM won, imported while sales held the lead) neither recycles nor disqualifies them
(services/lifecycle_moves.py), and the rejection is stored with the action
``stays_customer`` (services/feedback.py). Rows written before that still say the
reason's ``recycle`` or ``disqualify``, which reports and learning read as done.
``leadflow handoff repair-rejections`` lists them and, with ``--apply``, corrects them.

A row is corrected when the ledger shows the reason's move did not happen:

* no stage change was recorded for the contact by the rejection (the move writes one at
  the rejection's moment with the reason ``rejected by sales: ...``; before customers
  stayed customers it did, and that row is true: the customer *was* recycled);
* the stage the contact stood in then (its last ledger entry up to that moment) is a
  customer stage of the definition the rejection names (the active one when that
  version is gone or no longer compiles).

A contact who became a customer only after the rejection keeps its row: it was
recycled or disqualified then. Why this is a command and not a data migration: telling a
customer stage from another needs the compiled definition (stage kinds often come from
a preset the workspace's file ``extends``), which a migration, frozen with the schema it
made, must not import; and a repair that changes recorded history is better seen before
it is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.definition.model import Definition, StageKind
from leadflow.services.cadence import STAYS_CUSTOMER
from leadflow.services.definitions import (
    NoActiveDefinitionError,
    active_definition,
    stored_definition,
)
from leadflow.services.feedback import STAYS_CUSTOMER_ACTION
from leadflow.services.refusals import ConflictError
from leadflow.store.models import Contact, HandoffWork, Rejection, StageTransition

__all__ = ["MisrecordedRejection", "find_misrecorded_rejections", "repair_rejections"]

# The reason the move of a rejection is recorded with (services/feedback.py).
_MOVED_BY_REJECTION = "rejected by sales:%"


@dataclass(frozen=True, slots=True)
class MisrecordedRejection:
    rejection_id: int
    contact_id: int
    email: str | None
    code: str
    at: datetime
    recorded: str  # the action the row says: recycle or disqualify
    stage: str  # the customer stage the contact stood in then

    @property
    def why(self) -> str:
        return (
            f"{self.code} of {self.at:%Y-%m-%d}: {self.recorded} -> {STAYS_CUSTOMER_ACTION}, "
            f"stood in {self.stage} and no {self.recorded} was recorded"
        )


def find_misrecorded_rejections(session: Session) -> list[MisrecordedRejection]:
    """Every rejection that says a customer was recycled or disqualified when the ledger
    says they were not, oldest first; nothing is written."""
    try:
        active = active_definition(session)
    except NoActiveDefinitionError as error:
        raise ConflictError(str(error)) from None
    definitions: dict[int | None, Definition] = {None: active.definition}
    found = []
    rows = session.scalars(
        select(Rejection)
        .where(Rejection.action != STAYS_CUSTOMER_ACTION)
        .order_by(Rejection.at, Rejection.id)
    )
    for row in rows:
        definition = _definition(session, definitions, row.definition_version_id)
        stage = _customer_stage_then(session, row, definition)
        if stage is not None and not _moved_by(session, row):
            email = session.scalar(select(Contact.email).where(Contact.id == row.contact_id))
            found.append(
                MisrecordedRejection(
                    row.id, row.contact_id, email, row.code, row.at, row.action, stage
                )
            )
    return found


def repair_rejections(session: Session) -> list[MisrecordedRejection]:
    """Correct what ``find_misrecorded_rejections`` lists, in one transaction: the action
    becomes ``stays_customer`` and the work item's reason says ``(stays a customer)``, as
    a rejection recorded today would read. The code, note, rep and moment stay."""
    found = find_misrecorded_rejections(session)
    for misrecorded in found:
        row = session.get_one(Rejection, misrecorded.rejection_id)
        row.action = STAYS_CUSTOMER_ACTION
        _mark_work_item(session, row.handoff_id)
    session.commit()
    return found


def _definition(
    session: Session, known: dict[int | None, Definition], version_id: int | None
) -> Definition:
    if version_id not in known:
        assert version_id is not None  # the active one is known from the start
        known[version_id] = stored_definition(session, version_id) or known[None]
    return known[version_id]


def _customer_stage_then(session: Session, row: Rejection, definition: Definition) -> str | None:
    stage = session.scalar(
        select(StageTransition.to_stage)
        .where(StageTransition.contact_id == row.contact_id, StageTransition.at <= row.at)
        .order_by(StageTransition.at.desc(), StageTransition.id.desc())
        .limit(1)
    )
    customer = any(s.id == stage and s.kind is StageKind.CUSTOMER for s in definition.stages)
    return stage if customer else None


def _moved_by(session: Session, row: Rejection) -> bool:
    moved = session.scalar(
        select(StageTransition.id)
        .where(
            StageTransition.contact_id == row.contact_id,
            StageTransition.at == row.at,
            StageTransition.reason.like(_MOVED_BY_REJECTION),
        )
        .limit(1)
    )
    return moved is not None


def _mark_work_item(session: Session, handoff_id: int) -> None:
    item = session.scalar(select(HandoffWork).where(HandoffWork.handoff_id == handoff_id))
    if item is None or item.outcome != "rejected" or item.close_reason is None:
        return
    if not item.close_reason.endswith(STAYS_CUSTOMER):
        item.close_reason = f"{item.close_reason} {STAYS_CUSTOMER}"[:500]
