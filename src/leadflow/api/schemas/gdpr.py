"""GDPR bodies: the export document and the erasure report."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from leadflow.api.schemas.common import Str200
from leadflow.services.suppression import Reason

__all__ = ["ErasureReason", "ErasureReport", "PersonRequest", "PersonalData"]

# The ?reason= of both erasure routes (by contact id, by address): one description.
ErasureReason = Annotated[
    Reason,
    Query(description="erasure (art. 17), or objection to direct marketing (art. 21)."),
]


class PersonalData(BaseModel):
    contact_id: int | None = Field(
        description="The person's surviving record (the one asked for, unless it was merged);"
        " null for a person asked for by address who is no contact (a pending confirmation)."
    )
    contact_ids: list[int] = Field(
        description="Every record of the person: the surviving one and those merged into it."
    )
    data: dict[str, list[dict[str, JsonValue]]] = Field(
        description="Every row held about the person, by table."
    )


class ErasureReport(BaseModel):
    contact_id: int | None = Field(
        description="The person's surviving record; null: asked for by address, no contact."
    )
    contact_ids: list[int] = Field(description="Every record of the person that was erased.")
    erased: dict[str, int] = Field(description="Rows deleted, by table.")
    suppressed: int = Field(
        description="Addresses and phone numbers put on the suppression list (keyed hashes)."
    )
    already_erased: bool = Field(
        default=False,
        description="Asked by an address whose person was erased before (a retry): nothing"
        " was held, nothing written; the address is on the suppression list.",
    )


class PersonRequest(BaseModel):
    """A data subject's request by address: in the body, so it reaches no access log."""

    model_config = ConfigDict(extra="forbid")

    email: Str200 = Field(
        min_length=3,
        description="The person's address: their contact's, or one held without a contact.",
    )
    other_emails: list[Str200] = Field(
        default_factory=list, max_length=20, description="Other addresses of the person's."
    )
