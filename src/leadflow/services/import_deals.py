"""Import a CRM's deals (opportunities) with their outcomes, all or nothing.

The file is streamed (``ingest.table``) and each row read by ``ingest.deals``; in ONE
transaction, a batch at a time:

1. each deal is linked: its person by e-mail or by the CRM's contact id (as the contact
   import stored it; a merged contact leads to its survivor), its company by the CRM's
   account id, domain or name (as the accounts import stored them); without a company
   of its own, the deal's company is its person's. A row naming a person or a company
   leadflow does not hold is a bad row, with its reason: the contacts and accounts are
   imported first, and a deal linked to nobody would count in no report;
2. it is found by its CRM id (``opportunities.external_id``), created when new,
   updated when the row says something else (an open deal now won), and left alone
   when nothing changed, so importing the same file twice changes nothing. A deal
   moved to another stage or outcome gets a line in its stage history, dated by the
   CRM's close date for a closing, else by the import.

A bad row rolls everything back unless ``skip_bad_rows``; every row is still read, so
every problem is reported at once. Before the commit, the effects a won or lost deal
has in leadflow: a won deal's company becomes a customer (``customer: true``,
``customer_since`` its earliest won deal's close date, which ``learn/store_source``
reads to keep the outcome out of learning); the people whose deals changed, and the
people of a company that just became a customer, are qualified again, once (the
definition's customer stage reads ``opportunity.status``). Imported deals close no
hand-off and recycle nobody: they are the CRM's past, not sales' answer to leadflow.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, insert, select
from sqlalchemy import Table as SqlTable
from sqlalchemy.orm import Session

from leadflow.domain.clock import Clock
from leadflow.ingest.accounts import GENERIC
from leadflow.ingest.deals import DealReader, DealRecord, account_name_key
from leadflow.ingest.record import RowError
from leadflow.ingest.rejects import RejectReport
from leadflow.ingest.salesforce_ids import NAMESPACE as SALESFORCE
from leadflow.ingest.salesforce_ids import salesforce_id
from leadflow.ingest.table import RowSource, open_table
from leadflow.services.opportunities import CLOSED_LOST, CLOSED_WON
from leadflow.services.requalify import requalify_contacts
from leadflow.services.survivor import surviving_contact
from leadflow.services.table_import import TableImportOptions
from leadflow.store.database import writer
from leadflow.store.models import (
    Account,
    AccountExternalId,
    Base,
    Contact,
    Opportunity,
    OpportunityDetail,
)
from leadflow.store.models.handoffs import OpportunityStageChange

__all__ = ["DealImport", "DealImportOptions", "import_deals"]

OnProgress = Callable[[int, int], None]  # (bytes read, file size)
_SHOWN_PROBLEMS = 20
_BATCH = 1000
_CHUNK = 500  # values in one IN list
_CLOSED_STAGE = {"won": CLOSED_WON, "lost": CLOSED_LOST}
_DEALS: SqlTable = Base.metadata.tables["opportunities"]
_DETAILS: SqlTable = Base.metadata.tables["opportunity_details"]
_MOVES: SqlTable = Base.metadata.tables["opportunity_stage_changes"]


@dataclass(frozen=True)
class DealImportOptions(TableImportOptions):
    """A deals import's options (``TableImportOptions``)."""


@dataclass
class DealImport:
    """What an import did (or would have done, when ``committed`` is False)."""

    path: Path
    format: str
    encoding: str = ""
    delimiter: str = ""
    sheet: str | None = None  # the workbook's sheet read (encoding and delimiter empty)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    # The deals of the file by outcome (created, updated and unchanged alike).
    open: int = 0
    won: int = 0
    lost: int = 0
    account_level: int = 0  # deals naming a company and no person
    # Rows of a deal that a later row of the same batch repeats: not written, the later
    # row wins (a contact roles report lists an opportunity once per person).
    repeated: int = 0
    customers: int = 0  # accounts that became customers, or became one earlier
    # People qualified again; None: no active definition, nobody qualified.
    qualified: int | None = 0
    committed: bool = False
    problems: list[RowError] = field(default_factory=list)  # the first few, to show
    unknown_columns: list[str] = field(default_factory=list)
    header_notes: list[str] = field(default_factory=list)


def import_deals(
    engine: Engine,
    path: Path,
    options: DealImportOptions,
    *,
    clock: Clock,
    on_progress: OnProgress | None = None,
) -> DealImport:
    """Import ``path``; file-level problems raise ValueError (TableError, HeaderError)."""
    now = clock.now()
    summary = DealImport(path, options.layout.name)
    with open_table(path, options.encoding, options.delimiter, options.sheet) as table:
        summary.encoding, summary.delimiter = table.dialect.encoding, table.dialect.delimiter
        summary.sheet = table.dialect.sheet
        layout = options.layout
        zone = ZoneInfo(layout.time_zone) if layout.time_zone else UTC
        reader = DealReader(
            layout, table.header, now=now, default_region=options.default_region, zone=zone
        )
        summary.unknown_columns = reader.unknown_headers
        summary.header_notes = reader.header_notes
        report = RejectReport(options.errors, table.header) if options.errors else None
        try:
            with Session(writer(engine)) as session:
                run = _Run(session, options, summary, report, now)
                for batch in _batches(table, reader):
                    run.batch(batch)
                    if on_progress is not None:
                        on_progress(table.bytes_read, table.size)
                if summary.rejected and not options.skip_bad_rows:
                    session.rollback()
                    return summary
                run.finish(clock)
                session.commit()
                summary.committed = True
        finally:
            if report is not None:
                report.close()
    return summary


Read = tuple[DealRecord | RowError, Sequence[str]]


def _batches(table: RowSource, reader: DealReader) -> Iterator[list[Read]]:
    def rows() -> Iterator[Read]:
        for line, cells in table.rows():
            try:
                yield reader.convert(line, cells), cells
            except RowError as error:
                yield error, cells

    stream = rows()
    while batch := list(itertools.islice(stream, _BATCH)):
        yield batch


class _Run:
    """One import's transaction: the accounts index, the batches, the effects."""

    def __init__(
        self,
        session: Session,
        options: DealImportOptions,
        summary: DealImport,
        report: RejectReport | None,
        now: datetime,
    ) -> None:
        self.session, self.options, self.summary, self.report = session, options, summary, report
        self.now = now
        self.actor = f"import:{options.layout.name}"
        self.accounts = _Accounts(session, options.layout.id_namespace or GENERIC)
        self.touched: set[int] = set()  # contacts whose deals changed
        self.won_accounts: dict[int, datetime] = {}  # account -> earliest won close date

    def reject(self, error: RowError, cells: Sequence[str]) -> None:
        self.summary.rejected += 1
        if len(self.summary.problems) < _SHOWN_PROBLEMS:
            self.summary.problems.append(error)
        if self.report is not None:
            self.report.add(error, cells)

    def batch(self, rows: list[Read]) -> None:
        self.summary.rows += len(rows)
        good = [record for record, _ in rows if not isinstance(record, RowError)]
        people = _People(self.session, good)
        existing = self._existing([record.external_id for record in good])
        linked: dict[str, tuple[DealRecord, Contact | None, int | None]] = {}
        for record, cells in rows:  # in file order, so the problems are too
            if isinstance(record, RowError):
                self.reject(record, cells)
                continue
            try:
                contact, account = self._links(record, people)
            except RowError as error:
                self.reject(error, cells)
                continue
            if record.external_id in linked:  # the later row wins, and only it is written
                self.summary.repeated += 1
                del linked[record.external_id]  # keeps the batch in the later row's order
            linked[record.external_id] = (record, contact, account)
        if self.summary.rejected and not self.options.skip_bad_rows:
            return  # validated, but no longer written: it will be rolled back
        self._write(linked.values(), existing)

    def _write(
        self,
        linked: Iterable[tuple[DealRecord, Contact | None, int | None]],
        existing: dict[str, tuple[Opportunity, OpportunityDetail]],
    ) -> None:
        created: dict[str, tuple[dict[str, Any], DealRecord]] = {}
        for record, contact, account in linked:
            self._count(record, contact)
            values = _deal_values(record, contact, account, self.now)
            if (found := existing.get(record.external_id)) is not None:
                self._update(found, record, values)
            else:
                created[record.external_id] = (
                    {**values, "external_id": record.external_id},
                    record,
                )
        self._insert(list(created.values()))
        self.session.flush()

    def _insert(self, created: list[tuple[dict[str, Any], DealRecord]]) -> None:
        """The batch's new deals in one INSERT each for deals, details and stage history
        (the ORM's unit of work costs more than the rows: an import may bring 100,000)."""
        if not created:
            return
        self.session.flush()  # updates first: the statements below bypass the session
        connection = self.session.connection()
        # executemany without RETURNING, then the ids by the CRM's: SQLAlchemy's sorted
        # RETURNING over many rows read every row once per group of statements.
        connection.execute(insert(_DEALS), [values for values, _ in created])
        keys = [values["external_id"] for values, _ in created]
        query = select(_DEALS.c.external_id, _DEALS.c.id).where(_DEALS.c.external_id.in_(keys))
        found = {str(key): int(deal) for key, deal in connection.execute(query)}
        ids = [found[key] for key in keys]
        details, moves = [], []
        for deal_id, (values, record) in zip(ids, created, strict=True):
            detail = _detail_values(record)
            details.append(
                {"opportunity_id": deal_id, "handoff_id": None, "updated_at": self.now, **detail}
            )
            moves.append(self._move(deal_id, None, detail["stage"], record, values["created_at"]))
            self._effects(values["contact_id"], values["account_id"], record)
        connection.execute(insert(_DETAILS), details)
        connection.execute(insert(_MOVES), moves)
        self.summary.created += len(created)

    def _existing(self, ids: list[str]) -> dict[str, tuple[Opportunity, OpportunityDetail]]:
        if not ids:
            return {}
        query = (
            select(Opportunity, OpportunityDetail)
            .join(OpportunityDetail, OpportunityDetail.opportunity_id == Opportunity.id)
            .where(Opportunity.external_id.in_(sorted(set(ids))))
        )
        return {
            deal.external_id or "": (deal, detail)
            for deal, detail in self.session.execute(query).tuples()
        }

    def _links(self, record: DealRecord, people: _People) -> tuple[Contact | None, int | None]:
        contact = people.find(record)
        account_id = self.accounts.find(record)
        if account_id is None and contact is not None:
            account_id = contact.account_id
        return contact, account_id

    def _count(self, record: DealRecord, contact: Contact | None) -> None:
        setattr(self.summary, record.status, getattr(self.summary, record.status) + 1)
        if contact is None:
            self.summary.account_level += 1

    def _update(
        self,
        found: tuple[Opportunity, OpportunityDetail],
        record: DealRecord,
        values: dict[str, Any],
    ) -> None:
        deal, detail = found
        values, details = _kept(deal, detail, record, values, _detail_values(record))
        if not _differs(deal, values) and not _differs(detail, details):
            self.summary.unchanged += 1
            return
        if deal.contact_id is not None:
            self.touched.add(deal.contact_id)  # the person it leaves, if relinked
        old_stage = detail.stage
        for name, value in values.items():
            setattr(deal, name, value)
        for name, value in details.items():
            setattr(detail, name, value)
        detail.updated_at = self.now
        if old_stage != detail.stage:
            move = self._move(deal.id, old_stage, detail.stage, record, deal.created_at)
            self.session.add(OpportunityStageChange(**move))
        self.summary.updated += 1
        self._effects(deal.contact_id, deal.account_id, record)

    def _move(
        self, deal_id: int, old: str | None, new: str, record: DealRecord, created: datetime
    ) -> dict[str, Any]:
        """A line of the deal's stage history: dated by the close of a closing, by the
        deal's creation for its first stage, else by the import."""
        at = record.closed_at or (created if old is None else self.now)
        return {"opportunity_id": deal_id, "from_stage": old, "to_stage": new, "at": at,
                "actor": self.actor}  # fmt: skip

    def _effects(self, contact_id: int | None, account_id: int | None, record: DealRecord) -> None:
        if contact_id is not None:
            self.touched.add(contact_id)
        if record.status == "won" and account_id is not None and record.closed_at:
            earliest = self.won_accounts.get(account_id)
            if earliest is None or record.closed_at < earliest:
                self.won_accounts[account_id] = record.closed_at

    def finish(self, clock: Clock) -> None:
        """A won deal's company becomes a customer; the people concerned are re-qualified."""
        self.session.flush()
        people = set(self.touched)
        customers: list[int] = []
        for account in _chunked(self.session, Account, Account.id, sorted(self.won_accounts)):
            if _make_customer(account, self.won_accounts[account.id], self.now):
                customers.append(account.id)
        self.summary.customers = len(customers)
        for start in range(0, len(customers), _CHUNK):
            people.update(
                self.session.scalars(
                    select(Contact.id).where(
                        Contact.account_id.in_(customers[start : start + _CHUNK]),
                        Contact.merged_into_id.is_(None),
                    )
                )
            )
        if not people:
            return
        try:
            # The deals are the CRM's history: the moves they cause are dated when they
            # were opened and closed there, so reports over the CRM's past read right.
            done = requalify_contacts(
                self.session, sorted(people), clock=clock, dated_by_facts=True
            )
        except LookupError:  # no active definition (only tests make such a store)
            self.summary.qualified = None
            return
        self.summary.qualified = len(done)


def _deal_values(
    record: DealRecord, contact: Contact | None, account_id: int | None, now: datetime
) -> dict[str, Any]:
    """The ``opportunities`` columns a row gives; an open deal with no date was created
    when it was first imported (``now``, kept by later imports)."""
    return {
        "contact_id": None if contact is None else contact.id,
        "account_id": account_id,
        "name": record.name,
        "owner": record.owner,
        "status": record.status,
        "amount": record.amount,
        "currency": record.currency,
        "created_at": record.created_at or now,
        "closed_at": record.closed_at,
        "lost_reason": record.lost_reason,
    }


def _detail_values(record: DealRecord) -> dict[str, Any]:
    stage = _CLOSED_STAGE.get(record.status) or record.stage or "open"
    return {
        "stage": stage,
        "expected_close": record.expected_close,
        "products": [record.product] if record.product else [],
        "won_reason": record.won_reason,
    }


def _kept(
    deal: Opportunity,
    detail: OpportunityDetail,
    record: DealRecord,
    values: dict[str, Any],
    details: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A row's values over the stored deal: as for contacts and accounts, an empty or
    absent cell never erases (a CRM exports a view's columns, and the next export may
    have fewer). What follows the outcome does change with it: a deal reopened loses its
    close date, one no longer lost its lost reason."""
    values, details = dict(values), dict(details)
    for name in ("name", "owner", "amount", "currency"):
        if values[name] is None:
            values[name] = getattr(deal, name)
    if not record.created_given:  # the close date (or the import) stood in for it
        values["created_at"] = deal.created_at
    same_outcome = record.status == deal.status
    if same_outcome and values["lost_reason"] is None:
        values["lost_reason"] = deal.lost_reason
    if same_outcome and details["won_reason"] is None:
        details["won_reason"] = detail.won_reason
    if not details["products"]:
        details["products"] = detail.products
    if same_outcome and details["expected_close"] is None:
        details["expected_close"] = detail.expected_close
    return values, details


def _differs(row: object, values: dict[str, Any]) -> bool:
    return any(_stored(getattr(row, name)) != _stored(value) for name, value in values.items())


def _stored(value: object) -> object:
    """A value as the store gives it back: SQLite returns naive UTC datetimes."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _make_customer(account: Account, since: datetime, now: datetime) -> bool:
    """Mark ``account`` a customer since its earliest won deal; True when that changed."""
    attributes = dict(account.attributes or {})
    known = _since(attributes.get("customer_since"))
    if attributes.get("customer") is True and known is not None and known <= since:
        return False
    attributes["customer"] = True
    attributes["customer_since"] = since.astimezone(UTC).isoformat()
    account.attributes = attributes
    account.updated_at = now
    return True


def _since(text: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


class _People:
    """The contacts a batch of deals names, by e-mail and by CRM id (survivors of merges)."""

    def __init__(self, session: Session, records: Sequence[DealRecord]) -> None:
        emails = sorted({r.contact_email for r in records if r.contact_email})
        refs = sorted({r.contact_ref for r in records if r.contact_ref})
        self.by_email: dict[str, Contact] = {}
        self.by_ref: dict[str, Contact] = {}
        found = list(_contacts(session, Contact.email, emails))
        found += _contacts(session, Contact.external_id, refs)
        survivors = _survivors(session, found)
        for contact in found:
            person = survivors.get(contact.id, contact)
            if contact.email:
                self.by_email.setdefault(contact.email, person)
            if contact.external_id:
                self.by_ref.setdefault(contact.external_id, person)

    def find(self, record: DealRecord) -> Contact | None:
        """The deal's person, or None when the row names nobody; RowError when it names
        someone leadflow does not hold, or two different people."""
        by_email = self.by_email.get(record.contact_email) if record.contact_email else None
        by_ref = self.by_ref.get(record.contact_ref) if record.contact_ref else None
        if by_email is not None and by_ref is not None and by_email.id != by_ref.id:
            raise RowError(
                record.line,
                f"the e-mail {record.contact_email} is contact {by_email.id}, the id "
                f"{record.contact_ref} contact {by_ref.id}: which is the deal's cannot be told",
            )
        person = by_email or by_ref
        if person is None and (record.contact_email or record.contact_ref):
            named = record.contact_email or record.contact_ref
            what = "e-mail" if record.contact_email else "id"
            raise RowError(
                record.line, f"no contact has the {what} {named} (import the contacts first)"
            )
        return person


def _contacts(session: Session, column: Any, values: list[str]) -> Iterable[Contact]:
    return _chunked(session, Contact, column, values)


def _chunked(session: Session, model: Any, column: Any, values: Sequence[Any]) -> Iterator[Any]:
    """The rows of ``model`` whose ``column`` is one of ``values``, a chunk per query (no
    giant IN lists)."""
    for start in range(0, len(values), _CHUNK):
        yield from session.scalars(select(model).where(column.in_(values[start : start + _CHUNK])))


def _survivors(session: Session, contacts: list[Contact]) -> dict[int, Contact]:
    """Merged contact id -> the contact it lives on in (a chain of merges followed)."""
    found: dict[int, Contact] = {}
    for contact in contacts:
        person = surviving_contact(session, contact)
        if person is not contact:
            found[contact.id] = person
    return found


class _Accounts:
    """Every account by CRM id, domain and compared name (accounts are few next to deals).

    A deal names its company by the id of its own CRM (``system``); an id imported
    without a system (``generic``, and every id stored before migration 0017) is found
    too, and a generic file may name a Salesforce account by either form of its id."""

    def __init__(self, session: Session, system: str) -> None:
        self.system = system
        self.by_ref: dict[tuple[str, str], int] = {}
        self.by_domain: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        for account_id, domain, name in session.execute(
            select(Account.id, Account.domain, Account.name)
        ):
            if domain:
                self.by_domain.setdefault(domain, account_id)
            if name and (key := account_name_key(name)):
                self.by_name.setdefault(key, []).append(account_id)
        for ref_system, ref, account_id in session.execute(
            select(AccountExternalId.system, AccountExternalId.external_id,
                   AccountExternalId.account_id)
        ):  # fmt: skip
            self.by_ref[(ref_system, ref)] = account_id

    def _by_ref(self, ref: str) -> int | None:
        keys = [(self.system, ref), (GENERIC, ref)]
        if self.system == GENERIC:
            keys += [(GENERIC, _salesforce_form(ref)), (SALESFORCE, _salesforce_form(ref))]
        return next((self.by_ref[key] for key in keys if key in self.by_ref), None)

    def find(self, record: DealRecord) -> int | None:
        """The deal's company, or None when the row names none; RowError when it names
        one leadflow does not hold (or several hold its name)."""
        if record.account_ref:
            found = self._by_ref(record.account_ref)
            if found is None:
                raise _no_account(record, f"the id {record.account_ref}")
            return found
        if record.account_domain:
            found = self.by_domain.get(record.account_domain)
            if found is None:
                raise _no_account(record, f"the domain {record.account_domain}")
            return found
        if record.account_name:
            named = self.by_name.get(account_name_key(record.account_name), [])
            if len(named) > 1:
                raise RowError(
                    record.line,
                    f"{len(named)} accounts are called {record.account_name!r}: give the "
                    "deal's account id or domain",
                )
            if not named:
                raise _no_account(record, f"the name {record.account_name!r}")
            return named[0]
        return None


def _no_account(record: DealRecord, what: str) -> RowError:
    return RowError(record.line, f"no account has {what} (import the accounts first)")


def _salesforce_form(ref: str) -> str:
    try:
        return salesforce_id(ref)
    except ValueError:
        return ref
