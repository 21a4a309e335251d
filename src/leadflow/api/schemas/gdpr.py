"""GDPR bodies: the export document and the erasure report."""

from __future__ import annotations

from pydantic import BaseModel, Field, JsonValue

__all__ = ["ErasureReport", "PersonalData"]


class PersonalData(BaseModel):
    contact_id: int
    contact_ids: list[int] = Field(description="The contact and the contacts merged into it.")
    data: dict[str, list[dict[str, JsonValue]]] = Field(
        description="Every row held about the person, by table."
    )


class ErasureReport(BaseModel):
    contact_id: int
    erased: dict[str, int] = Field(description="Rows deleted, by table.")
