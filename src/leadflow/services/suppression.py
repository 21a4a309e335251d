"""The suppression list: an erased person is not brought back by the company's own data.

GDPR erasure (art. 17) and an objection to direct marketing (art. 21) must hold after
the next CRM export is imported again. ``suppress`` (called by the erasure) keeps the
person's normalised addresses and phones only as keyed hashes (store/suppression_list.py)
with the moment and the reason. Every path that creates a contact from data the company
obtained asks first:

- contact imports (every format, purchased lists among them): the row is refused with
  its line (``ImportSuppressions``), and the import's all-or-nothing rule applies;
- ``POST /contacts`` and ``PUT /contacts`` creating one: ``SuppressedError`` (409,
  problem type ``suppressed``);
- an event naming an unknown e-mail: acknowledged, nothing of it stored
  (services/attribution.py).

The person coming back by their own action is different: a web form they submit is a
fresh request and consent of their own, a new legal basis, so it lifts the suppression
of that address (``lifted_by`` ``form:<id>``) and the contact is created as for anyone.
With double opt-in anyone could have typed the address, so that happens only when the
link sent to it is followed (services/forms.py). An admin may lift one by hand too.
Lifting keeps the row: when, by whom and why stay on record.

The e-mail address is the person (one person, one contact): a phone number is matched
only for a record that has no e-mail. A record with another address that is not
suppressed is another person, so a company switchboard the erased person shared does
not block their colleagues (``refusing``); the record keeps its phone, which is the
company's line as much as it was the erased person's, and their own sign-up (a form)
lifts a phone's suppression only together with their address.

Paths that only update a contact leadflow holds never ask (an erased person is not
held), so the real-time path for a known contact costs nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadflow.ingest.normalise import InvalidValueError, normalise_email, normalise_phone
from leadflow.ingest.record import ContactRecord, RowError
from leadflow.services.refusals import ConflictError, InvalidInputError, NotFoundError
from leadflow.store.driver import Driver, driver_for
from leadflow.store.models import Suppression
from leadflow.store.suppression_list import (
    EMAIL,
    ActiveSuppression,
    active_suppressions,
    digests_of,
    make_suppression_secret,
    suppression_secret,
)

__all__ = [
    "ImportSuppressions",
    "Reason",
    "SuppressedError",
    "SuppressionList",
    "check_suppressed",
    "lift",
    "lift_for_own_action",
    "list_suppressions",
    "refuse_suppressed",
    "refusing",
    "suppress",
    "suppression_words",
]


class Reason(StrEnum):
    """Why a person is suppressed: erased (art. 17), or objected to direct marketing
    (art. 21) and was erased for it. Words, not free text: a note typed by hand would
    soon hold the very name the erasure removed."""

    ERASURE = "erasure"
    OBJECTION = "objection"


class SuppressedError(ConflictError):
    """The person was erased and asked not to be re-added (API 409, ``suppressed``)."""


@dataclass(frozen=True, slots=True)
class SuppressionRow:
    """One suppression as an admin sees it: never the address."""

    id: int
    kind: str
    reason: str
    suppressed_at: datetime
    lifted_at: datetime | None
    lifted_by: str | None
    lift_reason: str | None


@dataclass(frozen=True, slots=True)
class SuppressionList:
    in_force: int
    lifted: int
    rows: list[SuppressionRow]


def suppression_words(found: ActiveSuppression) -> str:
    """How a refusal names a suppression: the kind, when and why; never the value."""
    return (
        f"this {'e-mail address' if found.kind == EMAIL else 'phone number'} belongs to a "
        f"person erased on {found.suppressed_at.date().isoformat()} ({found.reason}) who is "
        "not to be re-added; only their own sign-up or an admin (leadflow gdpr lift) lifts it"
    )


def suppress(
    session: Session, emails: Iterable[str], phones: Iterable[str], reason: Reason, now: datetime
) -> int:
    """Put the values on the list (those already on it in force are left as they are);
    how many rows were added. Does not commit: the erasure commits it with the deletion."""
    driver = driver_for(session.connection())
    digests = digests_of(make_suppression_secret(driver, now), _sorted(emails), _sorted(phones))
    held = {found.digest for found in active_suppressions(driver, digests)}
    new = [(digest, kind) for digest, kind in digests.items() if digest not in held]
    for digest, kind in new:
        driver.execute(
            "INSERT INTO suppressions (kind, digest, reason, suppressed_at)"
            " VALUES (:kind, :digest, :reason, :at)",
            {"kind": kind, "digest": digest, "reason": reason.value, "at": driver.instant(now)},
        )
    return len(new)


def check_suppressed(
    session: Session, *, email: str | None = None, phone: str | None = None
) -> list[ActiveSuppression]:
    """The suppressions in force for this address and/or phone (normalised here)."""
    driver = driver_for(session.connection())
    secret = suppression_secret(driver)
    emails, phones = _normalised(email, phone)
    if secret is None:
        return []
    return active_suppressions(driver, digests_of(secret, emails, phones))


def refusing(found: Sequence[ActiveSuppression], *, has_email: bool) -> ActiveSuppression | None:
    """Which of the suppressions in force for a new record's values refuses it, or None.

    The e-mail address identifies the person: a suppressed address refuses the record. A
    phone number is shared (a switchboard, a team line), so it refuses only a record
    without an address; one with another, unsuppressed, address is another person."""
    for suppression in found:
        if suppression.kind == EMAIL:
            return suppression
    if has_email:
        return None
    return found[0] if found else None


def refuse_suppressed(session: Session, email: str | None, phone: str | None) -> None:
    """SuppressedError when a contact with these (normalised) values must not be
    created (``refusing``). For the API's create and upsert: only where a contact would
    be created."""
    found = _in_force(driver_for(session.connection()), [email or ""], [phone or ""])
    refused = refusing(found, has_email=bool(email))
    if refused is not None:
        raise SuppressedError(suppression_words(refused))


def lift(
    session: Session,
    *,
    email: str | None = None,
    phone: str | None = None,
    by: str,
    why: str,
    now: datetime,
) -> int:
    """Lift the suppressions in force for these values; how many. Does not commit.
    NotFoundError when none is in force (a typo must not read as done)."""
    found = check_suppressed(session, email=email, phone=phone)
    if not found:
        raise NotFoundError("no suppression in force for this address or phone number")
    _lift_rows(driver_for(session.connection()), [f.id for f in found], by, why, now)
    return len(found)


def lift_for_own_action(
    session: Session, email: str, phone: str | None, by: str, now: datetime
) -> int:
    """The person came back by their own action (``by``: ``form:<id>``): lift the
    suppressions of the (normalised) address and phone they gave, recorded; how many
    were lifted. The phone's only with their address: a phone alone may be a
    colleague's switchboard, which is not theirs to bring back."""
    driver = driver_for(session.connection())
    found = _in_force(driver, [email], [phone or ""])
    if all(suppression.kind != EMAIL for suppression in found):
        return 0
    _lift_rows(driver, [f.id for f in found], by, "their own sign-up: a new consent", now)
    return len(found)


def list_suppressions(
    session: Session, *, after: int | None = None, limit: int = 50
) -> SuppressionList:
    """How many are in force and lifted, and a page of rows by id (never a value)."""
    in_force = session.scalar(
        select(func.count()).select_from(Suppression).where(Suppression.lifted_at.is_(None))
    )
    total = session.scalar(select(func.count()).select_from(Suppression))
    query = select(Suppression).order_by(Suppression.id).limit(limit)
    if after is not None:
        query = query.where(Suppression.id > after)
    rows = [
        SuppressionRow(
            row.id,
            row.kind,
            row.reason,
            row.suppressed_at,
            row.lifted_at,
            row.lifted_by,
            row.lift_reason,
        )
        for row in session.scalars(query)
    ]
    return SuppressionList(int(in_force or 0), int(total or 0) - int(in_force or 0), rows)


class ImportSuppressions:
    """An import's check: the list read once (every digest in force is held in memory:
    erasures come a few times a year, imports a million rows at a time), each new
    contact's record tested against it."""

    def __init__(self, driver: Driver) -> None:
        self._secret = suppression_secret(driver)
        self._in_force: dict[str, ActiveSuppression] = {}
        if self._secret is not None:
            rows = driver.all(
                "SELECT id, kind, digest, suppressed_at, reason FROM suppressions"
                " WHERE lifted_at IS NULL"
            )
            for r in rows:
                found = ActiveSuppression(
                    int(r[0]), str(r[1]), str(r[2]), driver.read_instant(r[3]), str(r[4])
                )
                self._in_force.setdefault(found.digest, found)

    def refused(self, record: ContactRecord) -> RowError | None:
        """Why the record must not become a contact, or None."""
        if self._secret is None or not self._in_force:
            return None
        email, phone = record.contact.get("email"), record.contact.get("phone")
        digests = digests_of(
            self._secret,
            [email] if isinstance(email, str) else [],
            [phone] if isinstance(phone, str) else [],
        )
        found = [self._in_force[digest] for digest in digests if digest in self._in_force]
        refused = refusing(found, has_email=isinstance(email, str) and bool(email))
        if refused is None:
            return None
        return RowError(record.line, suppression_words(refused), refused.kind)


def _in_force(
    driver: Driver, emails: Sequence[str], phones: Sequence[str]
) -> list[ActiveSuppression]:
    secret = suppression_secret(driver)
    if secret is None:
        return []
    return active_suppressions(driver, digests_of(secret, emails, phones))


def _lift_rows(driver: Driver, ids: Sequence[int], by: str, why: str, now: datetime) -> None:
    for row_id in ids:
        driver.execute(
            "UPDATE suppressions SET lifted_at = :at, lifted_by = :by, lift_reason = :why"
            " WHERE id = :id",
            {"at": driver.instant(now), "by": by[:200], "why": why[:200], "id": row_id},
        )


def _normalised(email: str | None, phone: str | None) -> tuple[list[str], list[str]]:
    """The values as contacts hold them; a phone in international form (+<country>...),
    since no country comes with it."""
    if email is None and phone is None:
        raise InvalidInputError("give an e-mail address or a phone number")
    try:
        emails = [normalise_email(email)] if email is not None else []
    except InvalidValueError as error:
        raise InvalidInputError(str(error), field="email") from None
    try:
        phones = [normalise_phone(phone, None)] if phone is not None else []
    except InvalidValueError as error:
        raise InvalidInputError(str(error), field="phone") from None
    return emails, phones


def _sorted(values: Iterable[str]) -> list[str]:
    return sorted({value for value in values if value})
