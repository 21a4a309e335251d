"""GDPR bodies: the export document and the erasure report."""

from __future__ import annotations

from pydantic import BaseModel, Field, JsonValue

__all__ = ["ErasureReport", "PersonalData"]


class PersonalData(BaseModel):
    contact_id: int = Field(
        description="The person's surviving record (the one asked for, unless it was merged)."
    )
    contact_ids: list[int] = Field(
        description="Every record of the person: the surviving one and those merged into it."
    )
    data: dict[str, list[dict[str, JsonValue]]] = Field(
        description="Every row held about the person, by table."
    )


class ErasureReport(BaseModel):
    contact_id: int = Field(description="The person's surviving record.")
    contact_ids: list[int] = Field(description="Every record of the person that was erased.")
    erased: dict[str, int] = Field(description="Rows deleted, by table.")
    suppressed: int = Field(
        description="Addresses and phone numbers put on the suppression list (keyed hashes)."
    )
