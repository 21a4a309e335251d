"""The suppression list's statements and its keyed hash, on a ``Driver``.

An erased person's address and phone are kept only as ``keyed_digest``: HMAC-SHA256
under a secret the workspace generated for itself (``workspace_secrets``), of the
value as leadflow stores it (the e-mail normalised, the phone in E.164) prefixed by its
kind. A plain SHA-256 of an address can be reversed by hashing a list of addresses;
this one cannot without the secret, which lives in another table (and is not in the
export of any person). The secret is made by the first erasure and never changes, so
every server and every restart computes the same digests.

Reading the list costs two indexed statements (the secret, then the digests); the
real-time path reads it only when an event would create a contact, and caches the
secret once it exists (it never changes).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from leadflow.store.driver import Driver

__all__ = [
    "EMAIL",
    "PHONE",
    "ActiveSuppression",
    "SuppressionStatements",
    "active_suppressions",
    "digests_of",
    "keyed_digest",
    "make_suppression_secret",
    "suppression_secret",
]

EMAIL = "email"
PHONE = "phone"
_SECRET_NAME = "suppression"


@dataclass(frozen=True, slots=True)
class ActiveSuppression:
    """One suppressed value in force: its row, kind, digest, when and why."""

    id: int
    kind: str
    digest: str
    suppressed_at: datetime
    reason: str


def keyed_digest(secret: bytes, kind: str, value: str) -> str:
    """The value's HMAC-SHA256 (hex) under the workspace's secret; ``kind`` keeps an
    e-mail and a phone number that happened to be spelled alike apart."""
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def suppression_secret(driver: Driver) -> bytes | None:
    """The workspace's secret; None: never made, so nothing has been suppressed."""
    value = driver.scalar(
        "SELECT value FROM workspace_secrets WHERE name = :n", {"n": _SECRET_NAME}
    )
    return None if value is None else bytes.fromhex(str(value))


def make_suppression_secret(driver: Driver, now: datetime) -> bytes:
    """The workspace's secret, made now if there is none yet (two writers making it at
    once keep the first one's: the loser's INSERT does nothing)."""
    driver.execute(
        "INSERT INTO workspace_secrets (name, value, created_at) VALUES (:n, :v, :at)"
        " ON CONFLICT (name) DO NOTHING",
        {"n": _SECRET_NAME, "v": secrets.token_hex(32), "at": driver.instant(now)},
    )
    made = suppression_secret(driver)
    assert made is not None  # inserted above, or by the writer that won
    return made


def active_suppressions(driver: Driver, digests: Collection[str]) -> list[ActiveSuppression]:
    """The suppressions in force among ``digests``, oldest first."""
    chosen = sorted(set(digests))
    if not chosen:
        return []
    marks = ", ".join(f":d{index}" for index in range(len(chosen)))
    rows = driver.all(
        "SELECT id, kind, digest, suppressed_at, reason FROM suppressions"
        f" WHERE lifted_at IS NULL AND digest IN ({marks}) ORDER BY suppressed_at, id",
        {f"d{index}": digest for index, digest in enumerate(chosen)},
    )
    return [
        ActiveSuppression(int(r[0]), str(r[1]), str(r[2]), driver.read_instant(r[3]), str(r[4]))
        for r in rows
    ]


class SuppressionStatements:
    """The real-time path's look-up: is this address suppressed? (A mixin of
    ``RealtimeStore``; asked only before an event creates a contact.)"""

    driver: Driver
    _suppression_secret: bytes | None = None

    def address_suppressed(self, email: str) -> ActiveSuppression | None:
        """The suppression in force for this normalised address, or None."""
        secret = self._suppression_secret
        if secret is None:
            # Cached once found: the secret never changes after it is made.
            secret = suppression_secret(self.driver)
            if secret is None:
                return None
            self._suppression_secret = secret
        found = active_suppressions(self.driver, [keyed_digest(secret, EMAIL, email)])
        return found[0] if found else None

    def new_address_suppressed(self, email: str) -> ActiveSuppression | None:
        """As ``address_suppressed``, for an address no contact holds (an import's
        check before recording: a held address creates nobody)."""
        found = self.address_suppressed(email)
        if found is None:
            return None
        held = self.driver.scalar("SELECT id FROM contacts WHERE email = :e", {"e": email})
        return found if held is None else None


def digests_of(secret: bytes, emails: Sequence[str], phones: Sequence[str]) -> dict[str, str]:
    """{digest: kind} of the given normalised values."""
    found = {keyed_digest(secret, EMAIL, email): EMAIL for email in emails if email}
    found.update({keyed_digest(secret, PHONE, phone): PHONE for phone in phones if phone})
    return found
