"""Contact bodies: ``ContactCreate`` (POST), ``ContactUpsert`` (by e-mail), ``ContactPatch``
(PATCH by id), ``ContactPublic``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_serializer

from leadflow.api.schemas.common import Document, Id, Str20, Str100, Str200, Str300
from leadflow.services.contacts import ContactView

__all__ = [
    "ContactCreate",
    "ContactPatch",
    "ContactPublic",
    "ContactUpsert",
    "QualificationSummary",
]


class ContactFields(BaseModel):
    """What a caller may set on a contact; unknown keys are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")

    external_id: Str200 | None = Field(default=None, description="The id in the source CRM.")
    first_name: Str200 | None = None
    last_name: Str200 | None = None
    phone: Str100 | None = Field(default=None, description="Any format; stored as E.164.")
    title: Str300 | None = None
    seniority: Str100 | None = None
    department: Str100 | None = None
    country: Str100 | None = Field(default=None, description="A name or ISO code.")
    company: Str300 | None = None
    domain: Str200 | None = Field(default=None, description="Default: from the e-mail.")
    owner: Str200 | None = Field(default=None, description="The rep who owns the contact.")
    account_id: Id | None = None
    source_channel: Str100 | None = Field(default=None, description="Acquisition channel.")
    source_medium: Str100 | None = None
    source_campaign: Str300 | None = None
    purchased: bool | None = Field(default=None, description="From a purchased list (MSRL).")
    vendor: Str200 | None = None
    attributes: Document | None = Field(default=None, description="Any other facts.")

    def values(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class ContactCreate(ContactFields):
    email: Str200 = Field(min_length=3, description="Required; normalised (lower case).")


class ContactUpsert(ContactCreate):
    """Same body as create: the contact with this e-mail is updated, else created."""


class ContactPatch(ContactFields):
    """The fields to change (PATCH): a value replaces the field's, ``null`` empties it, a
    field left out is kept; ``attributes`` are merged key by key (``null`` removes a key)."""

    email: Str200 | None = Field(default=None, min_length=3, description="Cannot be emptied.")

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class QualificationSummary(BaseModel):
    stage: str | None
    sales_ready: bool
    fit_score: float
    fit_grade: str
    engagement_score: float
    temperature: str
    lead_type: str
    prediction: float | None = Field(
        default=None, description="The active learned model's win probability; null: no model."
    )
    last_activity_at: datetime = Field(
        description="The lead's latest event or sales activity (its creation without any)."
    )
    updated_at: datetime

    # Scores to two decimals and a probability to four, as the CSV export and the web show
    # them: decayed points stored as 40.999999676627596 mean 41.0 to anyone reading them.
    @field_serializer("fit_score", "engagement_score")
    def _score(self, value: float) -> float:
        return round(value, 2)

    @field_serializer("prediction")
    def _probability(self, value: float | None) -> float | None:
        return None if value is None else round(value, 4)


class ContactPublic(BaseModel):
    id: int
    email: str | None
    external_id: str | None
    first_name: str | None
    last_name: str | None
    phone: str | None
    title: str | None
    seniority: str | None
    department: str | None
    country: Str20 | None
    company: str | None
    domain: str | None
    owner: str | None
    account_id: int | None
    source_channel: str | None
    source_medium: str | None
    source_campaign: str | None
    purchased: bool
    vendor: str | None
    identity: str
    attributes: dict[str, JsonValue]
    merged_into_id: int | None
    created_at: datetime
    updated_at: datetime
    qualification: QualificationSummary | None

    @classmethod
    def of(cls, view: ContactView) -> ContactPublic:
        contact, qualified = view.contact, view.qualification
        fields = {
            name: getattr(contact, name) for name in cls.model_fields if name != "qualification"
        }
        summary = None
        if qualified is not None:
            summary = QualificationSummary.model_validate(qualified, from_attributes=True)
        return cls(**fields, qualification=summary)
