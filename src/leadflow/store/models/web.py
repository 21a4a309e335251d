"""What the web application keeps: the people who sign in, their sessions, and the
indexes its leads list pages through.

WebUser      a person with a role (admin | marketing | sales), an argon2 password hash,
             a preferred language, and for a salesperson the rep key of their queue
WebSession   a signed-in browser: only the SHA-256 of the cookie's token is kept, so a
             copy of the database signs nobody in

The leads list sorts by last activity, engagement or fit and pages by key (see
``services.lead_list``); each sort needs an index ending in the contact id, and each
filter an index to probe how many rows it matches. They belong to the tables of
``funnel`` and ``people`` but are declared here, beside the page that needs them, and
made by this module's migration (0004; the last activity's by 0009).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import InstrumentedAttribute, Mapped, mapped_column

from leadflow.store.models.base import BIG_ID, Base, Timestamped
from leadflow.store.models.funnel import Qualification
from leadflow.store.models.people import Contact

__all__ = ["LEAD_LIST_INDEXES", "WebSession", "WebUser"]


class WebUser(Timestamped, Base):
    """A person who signs in. ``active`` False: disabled, every session refused.

    ``language`` None follows the browser's Accept-Language. ``rep_key`` links a
    salesperson to the ``reps.key`` whose queue they work (None: no queue of their own).
    """

    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(10))
    rep_key: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    last_signed_in_at: Mapped[datetime | None] = mapped_column()


class WebSession(Base):
    """A browser signed in as a user until ``expires_at`` or sign-out (row deleted).

    ``last_seen_at`` moves the idle expiry forward; it is written at most once a
    minute, so reading pages does not turn into a write per request.
    """

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column()
    last_seen_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()


def _index(*columns: InstrumentedAttribute[Any]) -> Index:
    """An index named as the naming convention would name it (the migration's names)."""
    table = columns[0].class_.__tablename__
    return Index(f"ix_{table}_{'_'.join(column.key for column in columns)}", *columns)


LEAD_LIST_INDEXES: tuple[Index, ...] = (
    # Sorts: the sort value, then the contact id that breaks ties and ends the key.
    _index(Qualification.last_activity_at, Qualification.contact_id),
    _index(Qualification.engagement_score, Qualification.contact_id),
    _index(Qualification.fit_score, Qualification.contact_id),
    # Filters (stage and owner have theirs already).
    _index(Qualification.temperature),
    _index(Qualification.fit_grade),
    _index(Qualification.lead_type),
    _index(Contact.source_channel),
)
