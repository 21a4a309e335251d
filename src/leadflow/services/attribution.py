"""Who an event is about: a contact id, a normalised e-mail, or a visitor id.

    contact_id   a leadflow contact id (an int, or a string of the digits 0-9); any other
                 string is taken as the contact's id in the CRM it was imported from
                 (``external_id``); when no contact has it yet and the event gives an
                 e-mail, the e-mail decides and the contact remembers that CRM id.
                 CRM ids are named as imports store them (``salesforce:00Q...``); a
                 Salesforce id may have 15 or 18 characters (see ``salesforce_ids``).
                 A merged contact's events go to the survivor.
    email        the contact with that normalised address, created when there is none
                 (giving an address is what makes someone a known lead), unless the
                 address is on the suppression list (an erased person): then nobody
                 is created and the event is attributed to no one (``suppressed``)
    visitor_id   an anonymous browser or device. Its events wait, unattributed, until
                 the visitor identifies: the first event naming both the visitor and a
                 contact links them, and the visitor's earlier events join the contact.

An event naming nobody is rejected, and so is one whose ``contact_id`` is unknown, is not
an id a database can hold (beyond 64 bits, or digits other than 0-9 such as "²"), is a
Salesforce id whose checksum does not match, or whose ``contact_id`` and ``email`` point
at two different people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from leadflow.ingest.freemail import is_free_mail
from leadflow.ingest.normalise import InvalidValueError, email_domain, normalise_email
from leadflow.ingest.salesforce_ids import canonical_external_id
from leadflow.store.realtime import RealtimeStore
from leadflow.store.suppression_list import ActiveSuppression

__all__ = ["Attribution", "AttributionError", "attribute", "check_known", "check_naming"]


class AttributionError(ValueError):
    """The event cannot be attributed; the message says why, in one line, and ``field``
    names the event's field at fault when one is (``email``, ``contact_id``)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Attribution:
    """The contact an event belongs to (None: still anonymous), and what changed to know it."""

    contact_id: int | None
    created: bool = False  # a contact was created for this event's e-mail
    joined: int = 0  # earlier anonymous events of the visitor that joined the contact
    # The e-mail would have created a contact, but belongs to an erased person: the
    # event is attributed to no one (and its visitor left alone).
    suppressed: ActiveSuppression | None = None


def attribute(
    store: RealtimeStore,
    *,
    contact_id: int | str | None,
    email: str | None,
    visitor_id: str | None,
    at: datetime,
    now: datetime,
) -> Attribution:
    """Find (or create) the contact; link the visitor. Writes only what it must.

    The contact's row is locked (PostgreSQL) before anything refers to it, so writers of
    one person take turns: without the lock two events folded at once would lose one,
    and taking it after an insert that references the row can deadlock.
    """
    _names_someone(contact_id, email, visitor_id)
    named = _named_contact(store, contact_id, email, now)
    if named.contact_id is not None:
        store.lock_contact(named.contact_id)
    if visitor_id is None or named.suppressed is not None:
        return named
    return _with_visitor(store, named, visitor_id, at)


def check_naming(
    *, contact_id: int | str | None, email: str | None, visitor_id: str | None
) -> None:
    """AttributionError when ``attribute`` would refuse how the event names its person,
    whatever the store holds: nobody named, an e-mail that is not one, a contact id no
    database can hold, a Salesforce id that does not check. The same functions as
    ``attribute``'s, so a file can be checked before any of it is written (a strict
    import) by the very rules that record it."""
    _names_someone(contact_id, email, visitor_id)
    if isinstance(contact_id, str) and not _leadflow_id(contact_id):
        _crm_id(contact_id)
    elif contact_id is not None:
        _stored_id(contact_id)
    if email is not None:
        _address(email)


def check_known(
    store: RealtimeStore, contact_id: int | str | None, email: str | None, claimed: set[str]
) -> None:
    """AttributionError when the store has no contact for ``contact_id`` and ``attribute``
    would refuse it for that (``_by_id``): a leadflow id nobody has, or a CRM id nobody
    has and no e-mail to go by. Reads only; give what ``check_naming`` accepted.

    ``claimed`` holds the CRM ids earlier events of the same file give beside an e-mail:
    recording those stores the id, so a later event naming it alone will find it. This
    event's CRM id is added to it when it comes with an e-mail.
    """
    if contact_id is None:
        return
    if isinstance(contact_id, str) and not _leadflow_id(contact_id):
        external_id = _crm_id(contact_id)
        if email is not None:  # the e-mail decides when nobody has the id yet
            claimed.add(external_id)
            return
        if external_id in claimed:
            return
        contact_id = external_id
    _by_id(store, contact_id, strict=email is None)


def _names_someone(contact_id: int | str | None, email: str | None, visitor_id: str | None) -> None:
    if contact_id is None and email is None and visitor_id is None:
        raise AttributionError("the event names nobody: give contact_id, email or visitor_id")


def _named_contact(
    store: RealtimeStore, contact_id: int | str | None, email: str | None, now: datetime
) -> Attribution:
    if isinstance(contact_id, str) and not _leadflow_id(contact_id):
        contact_id = _crm_id(contact_id)
    by_id = None if contact_id is None else _by_id(store, contact_id, strict=email is None)
    if email is None:
        return Attribution(by_id)
    address = _address(email)
    by_email = store.contact_by_email(address)
    if by_id is not None:
        if by_email is not None and by_email != by_id:
            raise AttributionError(
                f"contact_id {contact_id} and e-mail {address} belong to different contacts"
            )
        return Attribution(by_id)
    if by_email is not None:
        found = Attribution(by_email)
    else:
        # Asked only here, where a contact would be created: a known contact's event
        # never reads the suppression list.
        suppressed = store.address_suppressed(address)
        if suppressed is not None:
            return Attribution(None, suppressed=suppressed)
        domain = email_domain(address)
        company = None if is_free_mail(domain) else domain
        new_id, created = store.create_contact(address, domain, now, company_domain=company)
        found = Attribution(new_id, created=created)
    if isinstance(contact_id, str) and not _leadflow_id(contact_id) and found.contact_id:
        # A CRM id seen for the first time beside a known address: remember it.
        store.claim_external_id(found.contact_id, contact_id)
    return found


def _by_id(store: RealtimeStore, contact_id: int | str, *, strict: bool) -> int | None:
    """The contact by leadflow id, or by CRM id (``external_id``) for other strings.

    An unknown leadflow id is always an error; an unknown CRM id only when there is no
    e-mail to go by (``strict``): the CRM's contacts may not have been imported yet.
    """
    if isinstance(contact_id, int) or _leadflow_id(contact_id):
        found = store.contact_by_id(_stored_id(contact_id))
    else:
        found = store.contact_by_external_id(contact_id)
        if found is None and not strict:
            return None
    if found is None:
        raise AttributionError(f"unknown contact_id {contact_id!r}", field="contact_id")
    return found


def _crm_id(external_id: str) -> str:
    """The CRM id in the form imports store it: a Salesforce id (``salesforce:`` and 15
    or 18 characters) in its 18-character form, so both name the one contact."""
    try:
        return canonical_external_id(external_id)
    except InvalidValueError as error:
        raise AttributionError(f"contact_id: {error}", field="contact_id") from None


# Ids are 64-bit integers in both databases; a larger one would overflow the driver.
_LARGEST_ID = 2**63 - 1


def _leadflow_id(text: str) -> bool:
    """A string naming a leadflow id: digits. ``str.isdigit`` is true of "²" and "١٢"
    too; those are refused by ``_stored_id`` rather than sent as CRM ids."""
    return text.isdigit()


def _stored_id(contact_id: int | str) -> int:
    if isinstance(contact_id, str) and not contact_id.isascii():
        raise AttributionError(
            f"contact_id {contact_id!r} is not an id: use the digits 0-9", field="contact_id"
        )
    number = int(contact_id)
    if not -_LARGEST_ID <= number <= _LARGEST_ID:
        raise AttributionError(
            f"contact_id {contact_id!r} is out of range: no contact has it", field="contact_id"
        )
    return number


def _address(email: str) -> str:
    try:
        return normalise_email(email)
    except ValueError as error:  # the normaliser says why, in one line
        raise AttributionError(str(error), field="email") from None


def _with_visitor(
    store: RealtimeStore, named: Attribution, visitor_id: str, at: datetime
) -> Attribution:
    seen, linked = store.visitor(visitor_id)
    if not seen:
        store.add_visitor(visitor_id, at, named.contact_id)
        return named
    store.see_visitor(visitor_id, at)
    if named.contact_id is None:
        if linked is not None:
            store.lock_contact(linked)
        return Attribution(linked)
    if linked is None:
        joined = store.identify_visitor(visitor_id, named.contact_id, at)
        return Attribution(named.contact_id, named.created, joined)
    # A visitor already linked to someone else (a shared computer): the event goes to
    # the contact it names, and the visitor keeps its first identification.
    return named
