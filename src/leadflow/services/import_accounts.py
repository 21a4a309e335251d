"""Import companies (accounts) from a CSV export, all or nothing, and re-qualify their people.

The file is read twice, in constant memory: first every row is validated (a bad row is
reported with its line and reason), then, if none is bad or ``skip_bad_rows`` is set,
the good rows are written in one transaction. An account is matched by its domain,
else by its id in the source (``external_id``), else by its exact name among accounts
without a domain; matched accounts are updated with the non-empty values of the row.

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
from leadflow.store.models import Account, Contact

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
) -> AccountImport:
    """Import ``path`` (read through ``mapping`` if given; ``encoding`` and ``delimiter``
    detected unless given); file-level problems raise ValueError (TableError)."""
    dialect = _Dialect(encoding, delimiter, sheet)
    mapping = mapping or AccountMapping()
    report = AccountImport(path)
    for line, outcome in _read(path, mapping, dialect, report):
        report.rows += 1
        if isinstance(outcome, str):
            report.rejected += 1
            report.problems.append((line, outcome))
    if report.rejected and not skip_bad_rows:
        return report
    with Session(writer(engine)) as session:
        touched = _write(session, path, mapping, dialect, report, clock.now())
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
                yield line, read_account(table.header, columns, cells, mapping)
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
    index = _AccountIndex(session)
    touched: set[int] = set()
    for _, record in _read(path, mapping, dialect):
        if isinstance(record, str):
            continue
        account = index.find(record)
        if account is None:
            account = Account(attributes={}, created_at=now)
            session.add(account)
            report.created += 1
        elif not _differs(account, record):
            report.unchanged += 1
            continue
        else:
            report.updated += 1
        _apply(account, record)
        account.updated_at = now
        session.flush()
        index.remember(account)
        touched.add(account.id)
    return touched


class _AccountIndex:
    """Existing accounts by domain, source id and name (accounts are few next to contacts)."""

    def __init__(self, session: Session) -> None:
        self.by_domain: dict[str, Account] = {}
        self.by_external: dict[str, Account] = {}
        self.by_name: dict[str, Account] = {}
        for account in session.scalars(select(Account)):
            self.remember(account)

    def remember(self, account: Account) -> None:
        if account.domain:
            self.by_domain[account.domain] = account
        external = (account.attributes or {}).get("external_id")
        if isinstance(external, str):
            self.by_external[external] = account
        if account.name and not account.domain:
            self.by_name[account.name] = account

    def find(self, record: AccountRecord) -> Account | None:
        if record.domain and record.domain in self.by_domain:
            return self.by_domain[record.domain]
        if record.external_id and record.external_id in self.by_external:
            return self.by_external[record.external_id]
        if record.name and not record.domain:
            return self.by_name.get(record.name)
        return None


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
    if record.external_id:
        attributes["external_id"] = record.external_id
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
