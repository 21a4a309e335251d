"""Web form submissions and double opt-in confirmation.

``submit_form``: a website's form post becomes a contact and an event.

1. A filled honeypot field means a bot: the post is accepted and nothing is stored
   (a bot told "refused" learns to leave the field empty).
2. The posted fields are mapped (form_config.py) onto the contact, upserted by e-mail.
   A person once erased who posts a form signs up again by their own action: the
   suppression of their address is lifted, on record (services/suppression.py), at
   once without double opt-in, when the link is followed with it (5).
   A contact the form creates takes its source (channel, medium, campaign) from the
   landing page of its visitor's first tracked visit (services/tracking.py).
3. The form's event (``form_submit`` by default) is recorded through the real-time
   path with the e-mail and the visitor id, so the visitor's anonymous history joins
   the contact and the contact is re-qualified.
4. With double opt-in, a one-time token is stored (hashed) and a
   ``form.confirmation_requested`` message enters the outbox in the same transaction;
   a mailer subscribed to that webhook kind sends the link.
5. With double opt-in, the reply is the same for every address (no contact id, no stage,
   ``confirmation_sent``), and every address gets a link: the form is public, and an
   answer that differed would tell anyone who types an address whether it is known,
   erased or withdrawn.
6. With double opt-in, a post for an address on the suppression list (an erased person)
   creates nobody and lifts nothing: anyone can type an address. Only the link is sent,
   and a *pending* confirmation keeps what following it needs (the token's hash, the
   form, the address, when) and nothing else of the post: no other field, no visitor
   id, no event. Following the link is the person's own action: it lifts the
   suppression then and creates the contact with the address alone, recording the
   form's event at the moment of the post.

``confirm``: following the link marks the e-mail consent ``confirmed`` and the contact's
identity ``confirmed``, and records an ``email_confirmed`` event so qualification (a
stage may require a confirmed identity) sees it at once, all in one transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.domain.clock import Clock
from leadflow.services.contacts import checked_values, upsert_contact
from leadflow.services.definitions import ActiveDefinition
from leadflow.services.events import (
    IncomingEvent,
    Recorded,
    record_event,
    record_events,
    source_from_first_visit,
)
from leadflow.services.form_accounts import ACCOUNT_PREFIX, fill_account
from leadflow.services.form_config import DEFAULT_FORM_EVENT, FormSpec
from leadflow.services.outbox import CONFIRMATION_REQUESTED, enqueue_in
from leadflow.services.refusals import InvalidInputError, NotFoundError
from leadflow.services.suppression import check_suppressed
from leadflow.store.driver import driver_for
from leadflow.store.models import Contact, FormConfirmation
from leadflow.store.realtime import RealtimeStore
from leadflow.store.suppression_list import EMAIL

__all__ = ["CONFIRMED_EVENT", "Confirmed", "FormOutcome", "confirm", "submit_form"]

CONFIRMED_EVENT = "email_confirmed"


@dataclass(frozen=True, slots=True)
class FormOutcome:
    spam: bool
    contact_id: int | None = None
    stage: str | None = None
    confirmation_sent: bool = False


@dataclass(frozen=True, slots=True)
class Confirmed:
    contact_id: int
    form_id: str


def submit_form(
    session: Session,
    form_id: str,
    spec: FormSpec,
    posted: Mapping[str, str],
    *,
    visitor_id: str | None,
    active: ActiveDefinition,
    clock: Clock,
    confirm_base: str,
) -> FormOutcome:
    if spec.honeypot and posted.get(spec.honeypot, "").strip():
        return FormOutcome(spam=True)
    values, company = _mapped(spec, posted)
    # Every address meets the same checks before anything is decided about it: an
    # erased person's address must not be a way round them.
    values = _checked(session, spec, values)
    now = clock.now()
    if spec.double_opt_in:
        erased = _erased_address(session, str(values["email"]))
        if erased is not None:
            _request_confirmation(session, form_id, spec, erased, None, confirm_base, now)
            return _unrevealing()
    # The event qualifies it. The person's own post lifts a suppression of their address
    # (an erased person signing up again: their new consent, services/suppression.py).
    view, created = upsert_contact(
        session, values, now, requalify=False, own_action=f"form:{form_id}"
    )
    contact = view.contact
    fill_account(session, contact, company, now)  # before the event qualifies it
    if created and visitor_id:
        session.flush()  # the new row, for the statement below on the same connection
        store = RealtimeStore(driver_for(session.connection()))
        source_from_first_visit(store, contact.id, visitor_id)
    incoming = IncomingEvent(
        type=spec.event,
        at=now,
        source=f"form:{form_id}",
        email=contact.email,
        visitor_id=visitor_id,
        properties={"form": form_id},
    )
    outcome = record_event(session, incoming, clock=clock, active=active)
    if not isinstance(outcome, Recorded):
        raise InvalidInputError(outcome.reason)
    if not spec.double_opt_in:
        return FormOutcome(False, outcome.contact_id, outcome.stage)
    assert contact.email is not None  # the form's contact is found by its address
    # Every address gets its link, a confirmed one too (following it again renews the
    # proof of consent for this form, and lets a withdrawn person opt back in), so the
    # reply below is true for all.
    _request_confirmation(session, form_id, spec, contact.email, contact.id, confirm_base, now)
    return _unrevealing()


def confirm(
    session: Session,
    token: str,
    *,
    active: ActiveDefinition,
    clock: Clock,
    form_events: Mapping[str, str] | None = None,
) -> Confirmed:
    """Confirm the e-mail behind ``token``; following a used link again changes nothing.
    ``form_events``: each form's event type (forms.yaml), recorded for a pending
    confirmation's post (``form_submit`` for a form no longer configured)."""
    now = clock.now()
    row = session.scalar(
        select(FormConfirmation).where(FormConfirmation.token_hash == _digest(token))
    )
    if row is None or (row.confirmed_at is None and row.expires_at < now):
        raise NotFoundError("this confirmation link is unknown or has expired")
    if row.confirmed_at is not None:
        assert row.contact_id is not None  # filled when a pending one is confirmed
        return Confirmed(row.contact_id, row.form_id)
    events: list[IncomingEvent] = []
    if row.contact_id is None:
        # Creating the contact commits it (and the lift): the row stays pending until the
        # end, so a link followed again after a failure in between finds the contact and
        # completes the confirmation.
        events.append(_create_pending(session, row, (form_events or {}), now))
    row.confirmed_at = now
    contact = session.get(Contact, row.contact_id)
    assert contact is not None  # the token's row is deleted with its contact
    contact.identity = "confirmed"
    contact.updated_at = now
    session.flush()
    store = RealtimeStore(driver_for(session.connection()))
    evidence = (
        f"form {row.form_id}: link sent {row.created_at.isoformat()} to {contact.email},"
        f" followed {now.isoformat()}"
    )
    store.set_consent(
        contact.id, "email", "confirmed", source="double_opt_in", at=now, event_id=None,
        recorded_at=now, evidence=evidence[:500],
    )  # fmt: skip
    events.append(
        IncomingEvent(
            type=CONFIRMED_EVENT,
            at=now,
            key=f"confirmation:{row.id}",
            source="forms",
            contact_id=contact.id,
            properties={"form": row.form_id},
        )
    )
    record_events(session, events, clock=clock, active=active)  # commits everything
    return Confirmed(contact.id, row.form_id)


def _unrevealing() -> FormOutcome:
    """The outcome of every double opt-in post: anyone can type any address, so the reply
    must not tell whether it is a contact, an erased person's or unknown (no id, no
    stage); the link sent to the address says the rest to its owner only."""
    return FormOutcome(False, confirmation_sent=True)


def _erased_address(session: Session, address: str) -> str | None:
    """The (normalised) address when it is an erased person's that leadflow does not
    hold; else None."""
    found = check_suppressed(session, email=address)
    if not any(suppression.kind == EMAIL for suppression in found):
        return None
    held = session.scalar(select(Contact.id).where(Contact.email == address))
    return address if held is None else None


def _checked(session: Session, spec: FormSpec, values: Mapping[str, object]) -> dict[str, object]:
    """``checked_values``, its refusal naming the field as the page posted it (``first``
    for ``first_name``), which is the name the site's script can point at."""
    try:
        return checked_values(session, values)
    except InvalidInputError as error:
        posted = None if error.field is None else spec.field_for(error.field)
        if posted is None or posted == error.field:
            raise
        raise InvalidInputError(str(error), field=posted) from None


def _create_pending(
    session: Session, row: FormConfirmation, form_events: Mapping[str, str], now: datetime
) -> IncomingEvent:
    """Create the contact a pending confirmation waited for (the person's own action now
    lifts the suppression of their address); the form's event, at the post's moment."""
    assert row.pending_email is not None  # a pending row keeps its address
    by = f"form:{row.form_id}"
    view, _ = upsert_contact(
        session, {"email": row.pending_email}, now, requalify=False, own_action=by
    )
    row.contact_id = view.contact.id
    row.pending_email = None  # the contact holds it now
    return IncomingEvent(
        type=form_events.get(row.form_id, DEFAULT_FORM_EVENT),
        at=row.created_at,
        key=f"pending:{row.id}",
        source=f"form:{row.form_id}",
        contact_id=view.contact.id,
        properties={"form": row.form_id},
    )


def _mapped(spec: FormSpec, posted: Mapping[str, str]) -> tuple[dict[str, object], dict[str, str]]:
    """The contact's values, and the company's (``account.<field>`` targets, as posted)."""
    values: dict[str, object] = {}
    attributes: dict[str, object] = {}
    company: dict[str, str] = {}
    for field, target in spec.fields.items():
        value = posted.get(field, "").strip()
        if not value:
            continue
        if target.startswith("attributes."):
            attributes[target.removeprefix("attributes.")] = value
        elif target.startswith(ACCOUNT_PREFIX):
            company[target.removeprefix(ACCOUNT_PREFIX)] = value
        else:
            values[target] = value
    if "email" not in values:
        raise InvalidInputError(
            f"the form needs an e-mail address in {spec.field_for('email')!r}",
            field=spec.field_for("email"),
        )
    if attributes:
        values["attributes"] = attributes
    return values, company


def _request_confirmation(
    session: Session,
    form_id: str,
    spec: FormSpec,
    email: str,
    contact_id: int | None,
    confirm_base: str,
    now: datetime,
) -> None:
    """The link's token (hashed) and the outbox message that has it sent. Without a
    contact (``contact_id`` None), the confirmation is pending and keeps the address."""
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(days=spec.confirm_within_days)
    session.add(
        FormConfirmation(
            token_hash=_digest(token),
            contact_id=contact_id,
            pending_email=email if contact_id is None else None,
            form_id=form_id,
            created_at=now,
            expires_at=expires,
            confirmed_at=None,
        )
    )
    data = {
        "contact_id": contact_id,
        "email": email,
        "form": form_id,
        "confirm_url": f"{confirm_base.rstrip('/')}/{token}",
        "expires_at": expires.isoformat(),
    }
    enqueue_in(session, CONFIRMATION_REQUESTED, data, now)
    session.commit()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
