"""Consent bodies: the decision in force per channel and the history of decisions."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from leadflow.services.consent_record import ConsentRecord

__all__ = ["ConsentDecisionPublic", "ConsentInForce", "ConsentsPublic"]


class ConsentInForce(BaseModel):
    channel: str = Field(description="`email` or `phone`.")
    status: str = Field(
        description="`granted`, `confirmed` (double opt-in), `withdrawn`, `bounced`."
    )
    at: datetime = Field(description="When the decision in force was made.")
    source: str | None = Field(description="What set it (an event's source, an import, ...).")


class ConsentDecisionPublic(ConsentInForce):
    recorded_at: datetime | None = Field(
        description="When leadflow learned of it; null: carried over when the history began."
    )
    evidence: str | None = Field(
        description="What leadflow has to show for it: the form, the import file and line, "
        "the event's list or campaign."
    )
    event_id: int | None = Field(description="The event that made it, while it is kept.")


class ConsentsPublic(BaseModel):
    contact_id: int
    in_force: list[ConsentInForce] = Field(description="The decision in force, per channel.")
    decisions: list[ConsentDecisionPublic] = Field(
        description="Every decision on record, newest first, including older ones that "
        "arrived late and did not change what is in force."
    )

    @classmethod
    def of(cls, record: ConsentRecord) -> ConsentsPublic:
        return cls(
            contact_id=record.contact_id,
            in_force=[
                ConsentInForce.model_validate(c, from_attributes=True) for c in record.in_force
            ],
            decisions=[
                ConsentDecisionPublic.model_validate(d, from_attributes=True)
                for d in record.decisions
            ],
        )
