"""Import companies (accounts) from a CSV export, all or nothing, and re-qualify their people.

The file is read twice, in constant memory: first every row is validated (a bad row is
reported with its line and reason), then, if none is bad or ``skip_bad_rows`` is set,
the good rows are written in one transaction. The file's ids are one CRM's (``system``:
hubspot, salesforce ..., generic), kept per system (``account_ids``, migration 0017),
so another CRM's export of the same company adds its id beside the first. An account is
matched by its domain, else by its id in that system, else by its exact name among
accounts without one; matched accounts are updated with the non-empty values of the
row. A row whose id and domain name two accounts, or whose domain names an account
with another id of the same system, is a bad row (found while writing).

Contacts without an account whose e-mail domain is an imported account's domain join it.
Contacts of a changed account are re-qualified in the same transaction, because their
fit depends on the firmographics just written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session

from leadflow.domain.clock import Clock
from leadflow.ingest.accounts import (
    GENERIC,
    AccountMapping,
    AccountRecord,
    AccountRowError,
    account_columns,
    read_account,
    repeated_header_notes,
)
from leadflow.ingest.table import open_table
from leadflow.services.requalify import requalify_contacts
from leadflow.store.database import writer
from leadflow.store.models import Account, AccountExternalId, Contact

__all__ = ["AccountImport", "import_accounts"]


@dataclass
class AccountImport:
    path: Path
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    requalified: int = 0
    committed: bool = False
    system: str = GENERIC  # the CRM whose ids the file holds
    sheet: str | None = None  # the workbook's sheet read; None for a CSV file
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    # What the import noticed in the header without refusing it (a repeated column that
    # is no field), to tell the user.
    header_notes: list[str] = field(default_factory=list)


def import_accounts(
    engine: Engine,
    path: Path,
    *,
    clock: Clock,
    skip_bad_rows: bool = False,
    mapping: AccountMapping | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    system: str = GENERIC,
) -> AccountImport:
    """Import ``path`` (read through ``mapping`` if given; ``encoding`` and ``delimiter``
    detected unless given), whose ids are the CRM ``system``'s; file-level problems
    raise ValueError (TableError)."""
    dialect = _Dialect(encoding, delimiter, sheet, system)
    mapping = mapping or AccountMapping()
    report = AccountImport(path, system=system)
    for line, outcome in _read(path, mapping, dialect, report):
        report.rows += 1
        if isinstance(outcome, str):
            report.rejected += 1
            report.problems.append((line, outcome))
    if report.rejected and not skip_bad_rows:
        return report
    with Session(writer(engine)) as session:
        touched = _write(session, path, mapping, dialect, report, clock.now())
        if report.rejected and not skip_bad_rows:
            session.rollback()
            return report
        _attach_people(session, touched)
        contact_ids = _people_of(session, touched)
        if contact_ids:  # nobody to re-qualify needs no active definition either
            report.requalified = len(requalify_contacts(session, contact_ids, clock=clock))
        session.commit()
    report.committed = True
    return report


@dataclass(frozen=True, slots=True)
class _Dialect:
    """How to read the file: None detects (ingest/table.py)."""

    encoding: str | None
    delimiter: str | None
    sheet: str | None = None  # of a workbook; None: the first visible one
    system: str = GENERIC  # the CRM whose ids the file holds


def _read(
    path: Path, mapping: AccountMapping, dialect: _Dialect, report: AccountImport | None = None
) -> Iterator[tuple[int, AccountRecord | str]]:
    """The file's rows; the first reading (with ``report``) notes the header and sheet."""
    with open_table(path, dialect.encoding, dialect.delimiter, dialect.sheet) as table:
        try:
            columns = account_columns(table.header, mapping)
            found = repeated_header_notes(table.header, columns)
        except AccountRowError as error:
            raise ValueError(f"{path}:{table.header_line}: {error}") from None
        if report is not None:
            report.header_notes.extend(found)
            report.sheet = table.dialect.sheet
        for line, cells in table.rows():
            try:
                yield line, read_account(table.header, columns, cells, mapping, dialect.system)
            except AccountRowError as error:
                yield line, str(error)


def _write(
    session: Session,
    path: Path,
    mapping: AccountMapping,
    dialect: _Dialect,
    report: AccountImport,
    now: datetime,
) -> set[int]:
    """Write the good rows; a row whose id and domain name two accounts, found only now,
    is counted rejected (the caller rolls back unless bad rows are skipped)."""
    index = _AccountIndex(session, dialect.system)
    touched: set[int] = set()
    for line, record in _read(path, mapping, dialect):
        if isinstance(record, str):
            continue
        try:
            account = index.find(record)
        except AccountRowError as error:
            report.rejected += 1
            report.problems.append((line, str(error)))
            continue
        if account is None:
            account = Account(attributes={}, created_at=now)
            session.add(account)
            report.created += 1
        elif not _differs(account, record) and not index.new_id(account, record):
            report.unchanged += 1
            continue
        else:
            report.updated += 1
        _apply(account, record)
        account.updated_at = now
        session.flush()
        index.remember(account)
        index.give_id(session, account, record)
        touched.add(account.id)
    return touched


class _AccountIndex:
    """Existing accounts by domain, by their id in the file's system, and by name
    (accounts are few next to contacts)."""

    def __init__(self, session: Session, system: str) -> None:
        self.system = system
        self.by_domain: dict[str, Account] = {}
        self.by_name: dict[str, Account] = {}
        self.by_id: dict[int, Account] = {}
        self.domain_of: dict[int, str] = {}
        self.account_of: dict[str, int] = {}  # the system's id -> account id
        self.id_of: dict[int, str] = {}  # account id -> its id in the system
        for account in session.scalars(select(Account)):
            self.remember(account)
        ids = select(AccountExternalId.external_id, AccountExternalId.account_id).where(
            AccountExternalId.system == system
        )
        for external_id, account_id in session.execute(ids):
            self.account_of[external_id] = account_id
            self.id_of[account_id] = external_id

    def remember(self, account: Account) -> None:
        self.by_id[account.id] = account
        before = self.domain_of.get(account.id)
        if before is not None and before != account.domain:
            del self.by_domain[before]  # its domain changed: the old one names nobody now
        if account.domain:
            self.by_domain[account.domain] = account
            self.domain_of[account.id] = account.domain
        if account.name and not account.domain:
            self.by_name[account.name] = account

    def find(self, record: AccountRecord) -> Account | None:
        """The row's account: by domain, else by its id, else by name among accounts
        without a domain; AccountRowError when its id and domain name two accounts, or
        its domain an account with another id in this system."""
        by_domain = self.by_domain.get(record.domain) if record.domain else None
        held = self.account_of.get(record.external_id) if record.external_id else None
        by_id = self.by_id.get(held) if held is not None else None
        if by_domain is not None:
            if by_id is not None and by_id.id != by_domain.id:
                raise AccountRowError(self._two_accounts(record, by_id, by_domain))
            self._same_id(by_domain, record)
            return by_domain
        if by_id is not None:
            return by_id  # a company whose domain changed, or a row without one
        if record.name and not record.domain:
            named = self.by_name.get(record.name)
            # An account with another id in this system is another company of that name.
            if named is not None and self.id_of.get(named.id) in (None, record.external_id):
                return named
        return None

    def new_id(self, account: Account, record: AccountRecord) -> bool:
        return record.external_id is not None and self.id_of.get(account.id) is None

    def give_id(self, session: Session, account: Account, record: AccountRecord) -> None:
        if record.external_id is None or not self.new_id(account, record):
            return
        session.add(
            AccountExternalId(
                system=self.system, external_id=record.external_id, account_id=account.id
            )
        )
        self.account_of[record.external_id] = account.id
        self.id_of[account.id] = record.external_id

    def _same_id(self, account: Account, record: AccountRecord) -> None:
        known = self.id_of.get(account.id)
        if record.external_id is not None and known not in (None, record.external_id):
            raise AccountRowError(
                f"the account {account.domain} has the {self.system} id {known}, this row "
                f"{record.external_id}: two {self.system} companies with one domain? "
                f"(merge them in {self.system}, or give one its own domain)"
            )

    def _two_accounts(self, record: AccountRecord, by_id: Account, by_domain: Account) -> str:
        other = by_id.domain or by_id.name or f"account {by_id.id}"
        return (
            f"the {self.system} id {record.external_id} is the account {other}'s, the "
            f"domain {record.domain} another account's: which one is meant cannot be told"
        )


def _values(record: AccountRecord) -> dict[str, Any]:
    values = {
        "name": record.name,
        "domain": record.domain,
        "industry": record.industry,
        "employees": record.employees,
        "revenue": record.revenue,
        "country": record.country,
    }
    return {key: value for key, value in values.items() if value is not None}


def _attributes(account: Account, record: AccountRecord) -> dict[str, Any]:
    attributes = dict(account.attributes or {})
    attributes.update(record.extra)
    if record.owner:
        attributes["owner"] = record.owner
    return attributes


def _differs(account: Account, record: AccountRecord) -> bool:
    changed = any(getattr(account, key) != value for key, value in _values(record).items())
    return changed or _attributes(account, record) != (account.attributes or {})


def _apply(account: Account, record: AccountRecord) -> None:
    for key, value in _values(record).items():
        setattr(account, key, value)
    account.attributes = _attributes(account, record)


def _attach_people(session: Session, account_ids: set[int]) -> None:
    """Contacts without an account join the one whose domain their e-mail address has."""
    for account in session.scalars(select(Account).where(Account.id.in_(sorted(account_ids)))):
        if not account.domain:
            continue
        same_company = or_(
            Contact.domain == account.domain, Contact.email.endswith(f"@{account.domain}")
        )
        session.execute(
            update(Contact)
            .where(Contact.account_id.is_(None), same_company)
            .values(account_id=account.id)
        )


def _people_of(session: Session, account_ids: set[int]) -> list[int]:
    if not account_ids:
        return []
    query = (
        select(Contact.id)
        .where(Contact.account_id.in_(sorted(account_ids)), Contact.merged_into_id.is_(None))
        .order_by(Contact.id)
    )
    return list(session.scalars(query))
