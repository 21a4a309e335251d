"""One imported row after validation: what it says about a contact, an account, consent.

Only the values a row actually gives are present: an empty cell is "not given", so an
import never erases what the store already knows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["ConsentClaim", "ContactRecord", "RowError"]


@dataclass(frozen=True, slots=True)
class ConsentClaim:
    """What a row says about consent on one channel.

    ``at`` is the evidence time the row gives (a consent or bounce date, else the
    record's last-modified date); None when the row does not say when.
    """

    channel: str  # email | phone
    status: str  # granted | confirmed | withdrawn | bounced | none
    at: datetime | None = None


@dataclass(slots=True)
class ContactRecord:
    """A validated row: contact columns, custom attributes, account facts, consent claims."""

    line: int
    contact: dict[str, object] = field(default_factory=dict)
    attributes: dict[str, object] = field(default_factory=dict)
    account: dict[str, object] = field(default_factory=dict)
    consents: list[ConsentClaim] = field(default_factory=list)
    # When the source record last changed, if the row says so.
    changed_at: datetime | None = None

    @property
    def email(self) -> str | None:
        value = self.contact.get("email")
        return value if isinstance(value, str) else None

    @property
    def external_id(self) -> str | None:
        value = self.contact.get("external_id")
        return value if isinstance(value, str) else None


class RowError(Exception):
    """A row that cannot be imported: its first line in the file, the column and why."""

    def __init__(self, line: int, reason: str, column: str | None = None) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason
        self.column = column

    def __reduce__(self) -> tuple[type[RowError], tuple[int, str, str | None]]:
        # Pickled as it was built (the default would call __init__ with the message only).
        return RowError, (self.line, self.reason, self.column)
