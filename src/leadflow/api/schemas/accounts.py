"""Account bodies: ``AccountCreate``, ``AccountUpdate``, ``AccountPublic``."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, FiniteFloat, JsonValue

from leadflow.api.schemas.common import Document, Str100, Str200, Str300

__all__ = ["AccountCreate", "AccountPublic", "AccountUpdate"]


class AccountUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Str300 | None = None
    domain: Str200 | None = Field(default=None, description="Website or domain; normalised.")
    industry: Str200 | None = None
    employees: int | Str100 | None = Field(
        default=None,
        description="A number, or as people write it, read as the accounts import reads it: "
        '"1.200", a range "51-200" (its lower end), "1.000+".',
    )
    revenue: FiniteFloat | Str100 | None = Field(
        default=None,
        description='A number, or as people write it: "2,5 Mio. €", "€2.5M", "2.500.000" '
        "(the currency is not converted).",
    )
    country: Str100 | None = Field(default=None, description="A name or ISO code.")
    attributes: Document | None = None


class AccountCreate(AccountUpdate):
    pass


class AccountPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str | None
    domain: str | None
    industry: str | None
    employees: int | None
    revenue: float | None
    country: str | None
    attributes: dict[str, JsonValue]
    ids: dict[str, str] = Field(
        default_factory=dict,
        description="The account's id in each CRM it was imported from, by system "
        "(hubspot, salesforce, mautic, odoo ..., generic): {system: id}.",
    )
    created_at: datetime
    updated_at: datetime
