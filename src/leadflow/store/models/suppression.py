"""What stays of an erased person: the keyed hashes of their address and phone, so that
no import, API call or event brings them back (GDPR art. 17 and 21).

Suppression        one address or phone number, kept only as HMAC-SHA256 under the
                   workspace's secret, with when and why it was suppressed; lifting it
                   (the person came back by their own action, or an admin lifted it)
                   keeps the row with when, by whom and why
WorkspaceSecret    a random secret generated once per workspace (the suppression hashes'
                   key): without it a leaked ``suppressions`` table cannot be reversed
                   by hashing a list of addresses
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from leadflow.store.models.base import BIG_ID, Base

__all__ = ["Suppression", "WorkspaceSecret"]


class Suppression(Base):
    """An address (``kind`` email) or phone (``kind`` phone) that must not be re-added."""

    __tablename__ = "suppressions"
    __table_args__ = (Index("ix_suppressions_digest", "digest"),)

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    # HMAC-SHA256 of the normalised value (e-mail lower-cased, phone in E.164), hex.
    digest: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(20))
    suppressed_at: Mapped[datetime] = mapped_column()
    lifted_at: Mapped[datetime | None] = mapped_column()
    # Who lifted it: "admin" (CLI or key name), or "form:<id>" for the person's own post.
    lifted_by: Mapped[str | None] = mapped_column(String(200))
    lift_reason: Mapped[str | None] = mapped_column(String(200))


class WorkspaceSecret(Base):
    """A secret the workspace generated for itself, by what it is for."""

    __tablename__ = "workspace_secrets"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column()
