"""Contacts through the API: create, upsert by e-mail, read, and list with filters.

Values are normalised as imports normalise them (``ingest.normalise``): one e-mail
spelling per person, phones in E.164, ISO country codes, the company domain from the
address unless it is free mail, the channel read as imports read it (``Google Ads`` is
``paid_search``) and an industry in the attributes as fit rules name it
(``computer_software``). ``upsert_contact`` is "one person, one contact": the
contact with that e-mail gets the given values (attributes are merged, key by key);
without one, it is created.

A contact created or changed here is what an import's row is: it joins the account of
its company domain when no account is given (as a contact created by an event does), it
is re-qualified in the same transaction (its fit may have changed, and a lead that now
fits and took a sales action is handed off), and while sales holds the lead (a live
hand-off) the rep routing chose stays its owner whatever ``owner`` a CRM sends.

A contact to be created whose address or phone belongs to an erased person (the
suppression list, services/suppression.py) is refused (``SuppressedError``), unless the
person came back by their own action (``own_action``, a web form they posted): that
lifts the suppression of their address, on record, and creates them.

Lists are ordered by id and paged with ``after`` (the last id of the previous page), so
a page never repeats or skips a contact while new ones arrive. Merged contacts (their
``merged_into_id`` set) are left out of lists; reading one by id still works.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadflow.domain.clock import FixedClock
from leadflow.domain.vocabulary import Temperature
from leadflow.ingest.countries import country_code
from leadflow.ingest.normalise import (
    InvalidValueError,
    company_domain,
    industry_key,
    normalise_email,
    normalise_phone,
)
from leadflow.ingest.salesforce_ids import canonical_external_id
from leadflow.ingest.values import channel, seniority
from leadflow.services.channels import held_channels
from leadflow.services.definitions import NoActiveDefinitionError
from leadflow.services.filter_words import stage_id, stored_owner
from leadflow.services.refusals import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    TakenError,
)
from leadflow.services.requalify import requalify_contacts
from leadflow.services.suppression import lift_for_own_action, refuse_suppressed
from leadflow.store.driver import driver_for
from leadflow.store.models import Account, Contact, Qualification
from leadflow.store.realtime_handoff import HandoffStatements

__all__ = [
    "CONTACT_FIELDS",
    "ContactFilter",
    "ContactView",
    "checked_values",
    "create_contact",
    "find_contact",
    "get_contact",
    "list_contacts",
    "update_contact",
    "upsert_contact",
]

# Columns no two contacts share, and how a refusal names them.
_UNIQUE: tuple[tuple[str, str], ...] = (("email", "e-mail address"), ("external_id", "external id"))

# Columns a caller may set; the rest (identity, merges, timestamps) belong to leadflow.
CONTACT_FIELDS: tuple[str, ...] = (
    "email",
    "external_id",
    "first_name",
    "last_name",
    "phone",
    "title",
    "seniority",
    "department",
    "country",
    "company",
    "domain",
    "owner",
    "account_id",
    "source_channel",
    "source_medium",
    "source_campaign",
    "purchased",
    "vendor",
)


@dataclass(frozen=True, slots=True)
class ContactView:
    """A contact with its current qualification (None before its first event)."""

    contact: Contact
    qualification: Qualification | None


@dataclass(frozen=True, slots=True)
class ContactFilter:
    stage: str | None = None
    temperature: str | None = None
    owner: str | None = None
    source: str | None = None  # the acquisition channel
    email: str | None = None  # a look-up: normalised as it is stored
    external_id: str | None = None  # the CRM's id (``hubspot:51``), in its stored form
    # Contacts whose own fields or qualification changed at or after this moment: what a
    # sync reads when it last read at that moment.
    changed_since: datetime | None = None


def create_contact(
    session: Session,
    values: Mapping[str, Any],
    now: datetime,
    *,
    requalify: bool = True,
    own_action: str | None = None,
) -> ContactView:
    """Create the contact (409 when its e-mail or external id is taken, or it belongs to
    an erased person) and qualify it. ``own_action`` names the person's own request
    (``form:<id>``) that lifts their address's suppression instead."""
    clean = _normalised(session, values)
    if clean.get("email") is None:
        raise InvalidInputError("a contact needs an e-mail address", field="email")
    if own_action is not None:
        lift_for_own_action(session, clean["email"], clean.get("phone"), own_action, now)
    refuse_suppressed(session, clean["email"], clean.get("phone"))
    _refuse_taken(session, clean, own_id=None)
    contact = Contact(created_at=now, updated_at=now, identity="known", attributes={})
    _apply(contact, clean)
    _join_account(session, contact)
    session.add(contact)
    return _saved(session, contact, clean, now, requalify=requalify)


def upsert_contact(
    session: Session,
    values: Mapping[str, Any],
    now: datetime,
    *,
    requalify: bool = True,
    own_action: str | None = None,
) -> tuple[ContactView, bool]:
    """Update the contact with this e-mail, or create it; True when it was created.

    ``requalify=False`` is for a caller that records an event for the contact next (a
    form), which qualifies it anyway; ``own_action`` as for ``create_contact``."""
    clean = _normalised(session, values)
    email = clean.get("email")
    if email is None:
        raise InvalidInputError("an upsert needs an e-mail address", field="email")
    contact = session.scalar(select(Contact).where(Contact.email == email))
    if contact is None:
        try:
            created = create_contact(
                session, values, now, requalify=requalify, own_action=own_action
            )
            return created, True
        except TakenError:
            # A twin request (another server, a form posted twice) created this address
            # since we looked (PostgreSQL: our INSERT waited for its commit): update the
            # contact it made, as an upsert promises. An external id another contact
            # holds is still refused below.
            contact = session.scalar(select(Contact).where(Contact.email == email))
            if contact is None:
                raise
    statements = HandoffStatements(driver_for(session.connection()))
    if "owner" in clean and statements.holds_lead(contact.id):
        clean = {key: value for key, value in clean.items() if key != "owner"}
    _refuse_taken(session, clean, own_id=contact.id)
    _apply(contact, clean)
    _join_account(session, contact)
    contact.updated_at = now
    return _saved(session, contact, clean, now, requalify=requalify), False


# Fields a change may not empty: the address is who the person is, and a yes/no has a
# value of its own to send (``purchased: false``).
_NOT_EMPTIED = ("email", "purchased")


def update_contact(
    session: Session, contact_id: int, changes: Mapping[str, Any], now: datetime
) -> ContactView:
    """Change the fields named in ``changes`` of the contact with this id (a PATCH): a
    value replaces the field's, None empties it, and ``attributes`` are merged key by key
    with None removing a key. Fields not named are left as they are.

    Values are normalised and checked as on create; an e-mail or CRM id another contact
    has is a TakenError naming it, and an address or phone of an erased person is refused.
    A merged contact is changed through the contact it was merged into, and while sales
    holds the lead its owner is the rep routing chose (ConflictError for either).
    """
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFoundError(f"no contact with id {contact_id}")
    if contact.merged_into_id is not None:
        raise ConflictError(
            f"contact {contact_id} was merged into contact {contact.merged_into_id}:"
            " change that one"
        )
    if not changes:
        return get_contact(session, contact_id)  # nothing named: not even updated_at moves
    emptied = [name for name, value in changes.items() if value is None]
    for name in emptied:
        if name in _NOT_EMPTIED:
            raise InvalidInputError(
                f"{name} cannot be emptied (send a new value instead)", field=name
            )
    # A new phone without a country is read in the contact's country, as an import would.
    clean = _normalised(session, _with_kept_attributes(changes), region=contact.country)
    _refuse_new_identifiers_suppressed(session, contact, clean)
    _refuse_owner_change_while_held(session, contact, changes, clean)
    _refuse_taken(session, clean, own_id=contact.id)
    _apply(contact, clean)
    for name in emptied:
        if name in CONTACT_FIELDS:
            setattr(contact, name, None)
    if "attributes" in emptied:
        contact.attributes = {}  # null for the whole document: every attribute removed
    else:
        contact.attributes = _without_removed(contact.attributes, changes.get("attributes"))
    _join_account(session, contact)
    contact.updated_at = now
    return _saved(session, contact, clean, now, requalify=True)


def _with_kept_attributes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """The changes with ``attributes`` holding only the keys given a value (the rest are
    removed by ``_without_removed``)."""
    values = dict(changes)
    attributes = values.get("attributes")
    if isinstance(attributes, dict):
        values["attributes"] = {k: v for k, v in attributes.items() if v is not None}
    return values


def _without_removed(attributes: dict[str, Any], given: object) -> dict[str, Any]:
    if not isinstance(given, dict):
        return attributes
    removed = {key for key, value in given.items() if value is None}
    if not removed & attributes.keys():
        return attributes
    return {key: value for key, value in attributes.items() if key not in removed}


def _refuse_new_identifiers_suppressed(
    session: Session, contact: Contact, clean: Mapping[str, Any]
) -> None:
    """A new address or phone that belongs to an erased person is refused, as it is on
    create: the person asked to be forgotten, and this would bring them back."""
    email = clean.get("email") if clean.get("email") != contact.email else None
    phone = clean.get("phone") if clean.get("phone") != contact.phone else None
    if email is not None or phone is not None:
        refuse_suppressed(session, email, phone)


def _refuse_owner_change_while_held(
    session: Session, contact: Contact, changes: Mapping[str, Any], clean: Mapping[str, Any]
) -> None:
    if "owner" not in changes or clean.get("owner") == contact.owner:
        return  # not named (or named as it is): nothing routing decided is undone
    if HandoffStatements(driver_for(session.connection())).holds_lead(contact.id):
        raise ConflictError(
            f"sales holds contact {contact.id}'s lead: its owner is {contact.owner!r}, the rep"
            " routing chose, until the hand-off ends or that rep is deactivated"
        )


def find_contact(session: Session, who: str) -> int:
    """The contact a person on the command line names by id or e-mail address."""
    text = who.strip()
    if text.isdigit():
        if session.get(Contact, int(text)) is None:
            raise NotFoundError(f"no contact with id {text}")
        return int(text)
    try:
        email = normalise_email(text)
    except InvalidValueError as error:
        raise InvalidInputError(
            f"{who!r} is neither a contact id nor an e-mail address ({error})"
        ) from None
    found = session.scalars(select(Contact.id).where(Contact.email == email).order_by(Contact.id))
    first = found.first()
    if first is None:
        raise NotFoundError(f"no contact with e-mail {email}")
    return first


def get_contact(session: Session, contact_id: int) -> ContactView:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFoundError(f"no contact with id {contact_id}")
    # Re-read: the re-qualification wrote the row with plain SQL, past the ORM's copy.
    return ContactView(contact, session.get(Qualification, contact.id, populate_existing=True))


def list_contacts(
    session: Session, where: ContactFilter, *, after: int | None, limit: int
) -> list[ContactView]:
    query = _filtered(_checked(session, where), after).order_by(Contact.id).limit(limit)
    return [ContactView(contact, qualified) for contact, qualified in session.execute(query)]


def _checked(session: Session, where: ContactFilter) -> ContactFilter:
    """The filter with its words checked: a misspelt stage or temperature would match no
    contact, and an empty list reads as "none" rather than as a typo."""
    temperature = where.temperature
    if temperature is not None:
        temperature = temperature.strip().lower()
        words = [member.value for member in Temperature]
        if temperature not in words:
            raise InvalidInputError(
                f"unknown temperature {where.temperature!r} (one of: {', '.join(words)})",
                field="temperature",
            )
    stage = None if where.stage is None else stage_id(session, where.stage)
    owner = None if where.owner is None else stored_owner(session, where.owner)
    source = None if where.source is None else held_channels(session, [where.source])[0]
    email, external_id = _identifiers(where)
    return replace(
        where,
        stage=stage,
        temperature=temperature,
        owner=owner,
        source=source,
        email=email,
        external_id=external_id,
    )


def _identifiers(where: ContactFilter) -> tuple[str | None, str | None]:
    """The look-up values in the form they are stored in, so ``Bo@ACME.example`` and a
    15-character Salesforce id find their contact; a value that cannot be one is refused
    (it would find nobody, which reads as "no such person")."""
    with _refused_as("email"):
        email = None if where.email is None else normalise_email(where.email)
    if where.external_id is None:
        return email, None
    if not where.external_id.strip():  # it would find nobody, which reads as "no such id"
        raise InvalidInputError(
            "external_id is empty: give a CRM id such as hubspot:51", field="external_id"
        )
    with _refused_as("external_id"):
        return email, canonical_external_id(where.external_id.strip())


def _filtered(where: ContactFilter, after: int | None) -> Select[tuple[Contact, Qualification]]:
    # An outer join: the Qualification is None for a contact not qualified yet. The page's
    # bound is given to both sides: PostgreSQL merge-joins them in id order, and with the
    # bound on the contacts alone it read every qualification before the page, each page.
    joined = Qualification.contact_id == Contact.id
    if after is not None:
        joined = and_(joined, Qualification.contact_id > after)
    query = select(Contact, Qualification).outerjoin(Qualification, joined)
    query = query.where(Contact.merged_into_id.is_(None))
    if after is not None:
        query = query.where(Contact.id > after)
    if where.stage is not None:
        query = query.where(Qualification.stage == where.stage)
    if where.temperature is not None:
        query = query.where(Qualification.temperature == where.temperature)
    if where.owner is not None:
        query = query.where(Contact.owner == where.owner)
    if where.source is not None:
        query = query.where(Contact.source_channel == where.source)
    if where.email is not None:
        query = query.where(Contact.email == where.email)
    if where.external_id is not None:
        query = query.where(Contact.external_id == where.external_id)
    if where.changed_since is not None:
        since = where.changed_since
        query = query.where(or_(Contact.updated_at >= since, Qualification.updated_at >= since))
    return query


def checked_values(session: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values as a contact would hold them, or InvalidInputError saying which one
    cannot be held; writes nothing. For a caller that must refuse a bad post before it
    decides anything else about the address in it (a double opt-in form)."""
    return _normalised(session, values)


def _normalised(
    session: Session, values: Mapping[str, Any], *, region: str | None = None
) -> dict[str, Any]:
    clean = {key: value for key, value in values.items() if value is not None}
    if "email" in clean:
        with _refused_as("email"):
            clean["email"] = normalise_email(str(clean["email"]))
    if "country" in clean:
        clean["country"] = _country(str(clean["country"]))
    if "phone" in clean:
        with _refused_as("phone"):
            clean["phone"] = normalise_phone(str(clean["phone"]), clean.get("country") or region)
    if "external_id" in clean:  # one form per Salesforce id, as imports store it
        with _refused_as("external_id"):
            clean["external_id"] = canonical_external_id(str(clean["external_id"]))
    _as_imports_store(clean)
    _refuse_too_long(clean)
    if "domain" not in clean and "email" in clean:
        domain = company_domain(clean["email"], None)
        if domain is not None:
            clean["domain"] = domain
    account_id = clean.get("account_id")
    if account_id is not None and session.get(Account, account_id) is None:
        raise InvalidInputError(f"no account with id {account_id}", field="account_id")
    return clean


@contextmanager
def _refused_as(field: str) -> Iterator[None]:
    """ingest's InvalidValueError (one line saying why) as the refusal of ``field``."""
    try:
        yield
    except ValueError as error:
        raise InvalidInputError(str(error), field=field) from None


def _as_imports_store(clean: dict[str, Any]) -> None:
    """The channel, seniority and industry in the form the contacts import gives them,
    which is the form fit rules are written in (``paid_search``, ``computer_software``):
    the channel read as imports read it (``Google Ads`` -> ``paid_search``), seniority
    as imports read it (``C-Level`` -> ``c_level``), an industry in the attributes as
    ``industry_key`` makes it (where an import or a form keeps a free-mail contact's)."""
    if "source_channel" in clean:
        typed = str(clean["source_channel"])
        clean["source_channel"] = channel(typed)
        if not clean["source_channel"]:
            raise InvalidInputError(
                f"source_channel: {typed!r} names no channel", field="source_channel"
            )
    if "seniority" in clean:
        clean["seniority"] = seniority(str(clean["seniority"])) or None
        if clean["seniority"] is None:
            del clean["seniority"]  # blank: nothing said, as an empty import cell
    attributes = clean.get("attributes")
    if isinstance(attributes, dict) and isinstance(attributes.get("industry"), str):
        try:
            industry = industry_key(attributes["industry"])
        except InvalidValueError as error:
            raise InvalidInputError(
                f"attributes.industry: {error}", field="attributes.industry"
            ) from None
        clean["attributes"] = {**attributes, "industry": industry}


def _refuse_taken(session: Session, clean: Mapping[str, Any], *, own_id: int | None) -> None:
    """Refuse an e-mail address or CRM id another contact has, naming that contact, so the
    caller can update it instead (and so the clash is not found by a failing flush)."""
    for name, words in _UNIQUE:
        value = clean.get(name)
        if value is None:
            continue
        query = select(Contact.id).where(getattr(Contact, name) == value)
        if own_id is not None:
            query = query.where(Contact.id != own_id)
        holder = session.scalar(query.limit(1))
        if holder is not None:
            raise TakenError(
                f"contact {holder} already has the {words} {value!r}", holder_id=holder
            )


def _refuse_too_long(clean: Mapping[str, Any]) -> None:
    """A value longer than its column: refused in words, on SQLite (which would keep it)
    as on PostgreSQL (which would fail the whole statement)."""
    columns = Contact.__table__.c
    for name, value in clean.items():
        column = columns.get(name)
        if column is None or not isinstance(value, str) or not isinstance(column.type, String):
            continue
        longest = column.type.length
        if longest is not None and len(value) > longest:
            raise InvalidInputError(
                f"{name}: at most {longest} characters, not {len(value)}", field=name
            )


def _country(text: str) -> str:
    code = country_code(text)
    if code is None:
        raise InvalidInputError(
            f"country {text!r} is not a country name or ISO code", field="country"
        )
    return code


def _apply(contact: Contact, clean: Mapping[str, Any]) -> None:
    for name in CONTACT_FIELDS:
        if name in clean:
            setattr(contact, name, clean[name])
    extra = clean.get("attributes")
    if extra:
        contact.attributes = {**contact.attributes, **extra}


def _join_account(session: Session, contact: Contact) -> None:
    """No account given: the account of the contact's company domain, if there is one
    (``domain`` is left empty for free mail)."""
    if contact.account_id is not None or not contact.domain:
        return
    contact.account_id = session.scalar(select(Account.id).where(Account.domain == contact.domain))


def _saved(
    session: Session, contact: Contact, clean: Mapping[str, Any], now: datetime, *, requalify: bool
) -> ContactView:
    """Write the contact, re-qualify it in the same transaction, commit."""
    own_id = contact.id  # None for a new one
    try:
        session.flush()
    except IntegrityError:
        # Another request took the address or id since _refuse_taken looked: name it now.
        session.rollback()
        _refuse_taken(session, clean, own_id=own_id)
        taken = clean.get("email") or clean.get("external_id")
        raise ConflictError(f"another contact already has {taken!r}") from None
    # A workspace without a definition yet: its first activation qualifies the contact.
    if requalify:
        with suppress(NoActiveDefinitionError):
            requalify_contacts(session, [contact.id], clock=FixedClock(now))
    session.commit()
    # Re-read: the re-qualification wrote the row with plain SQL, past the ORM's copy.
    return ContactView(contact, session.get(Qualification, contact.id, populate_existing=True))
