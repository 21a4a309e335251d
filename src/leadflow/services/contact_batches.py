"""Upsert a batch of imported contact records: a few set-based statements per batch.

Used by ``import_contacts`` inside its single transaction. For a batch it reads the
contacts it may touch in one query (by e-mail or record id, following merges to the
survivor), the accounts by domain in another, inserts every new contact in one
multi-row INSERT, updates changed ones with one executemany per set of changed
columns, and applies consent claims the same way, each decision also entering the
history of consent (store/consent_history.py) with the file and line it came from. A
row's owner does not replace the
owner of a lead sales holds (a live hand-off): routing gave the lead to that rep. A row
that would create a contact for an erased person (its e-mail or phone on the suppression
list, services/suppression.py) is refused with its line, as any bad row. The
decisions themselves are pure (``ingest.updates``, ``ingest.consent_rules``); this
module only reads and writes.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String, Table, bindparam, insert, select, update
from sqlalchemy.engine import Connection

from leadflow.ingest.accounts import GENERIC
from leadflow.ingest.consent_rules import OnFile, decide, restates
from leadflow.ingest.record import ContactRecord, RowError
from leadflow.ingest.updates import account_fills, contact_changes, new_contact
from leadflow.services.bulk_insert import MARKS, insert_rows
from leadflow.services.contact_reading import ColumnLimits
from leadflow.services.identity import merge_contacts
from leadflow.services.suppression import ImportSuppressions
from leadflow.store.driver import driver_for
from leadflow.store.models import Account, Consent, ConsentDecision, Contact

__all__ = ["COLUMN_LIMITS", "BatchOutcome", "ContactBatches"]

_CONTACTS: Table = Contact.__table__  # type: ignore[assignment]
_ACCOUNTS: Table = Account.__table__  # type: ignore[assignment]
_CONSENTS: Table = Consent.__table__  # type: ignore[assignment]
_HISTORY: Table = ConsentDecision.__table__  # type: ignore[assignment]
_INSERTED = tuple(c.name for c in _CONTACTS.columns if c.name not in ("id", "merged_into_id"))
_DEFAULTS: dict[str, object] = {"purchased": False, "identity": "known", "attributes": {}}
# A new contact's row, in column order, before the record's values are put in.
_BLANK_ROW = tuple(_DEFAULTS.get(name) for name in _INSERTED)
_POSITION = {name: index for index, name in enumerate(_INSERTED)}
_CREATED, _UPDATED, _ATTRIBUTES = (_POSITION[n] for n in ("created_at", "updated_at", "attributes"))
_ACCOUNT_FACTS = ("name", "industry", "employees", "revenue", "country")
_FACT_LIST = ", ".join(_ACCOUNT_FACTS)
# Company facts a row without a company domain keeps as contact attributes (ingest.convert).
_FALLBACK_FACTS = ("industry", "employees", "revenue")
_ACCOUNT_COLUMNS = ("domain", *_ACCOUNT_FACTS, "attributes", "created_at", "updated_at")

_LIVE = frozenset({"open", "accepted"})  # hand-off statuses of a lead sales holds

_COLUMNS = tuple(c.name for c in _CONTACTS.columns)
_COLUMN_LIST = ", ".join(_COLUMNS)


def _limits(table: Table) -> dict[str, int]:
    return {
        column.name: column.type.length
        for column in table.columns
        if isinstance(column.type, String) and column.type.length
    }


_CONTACT_LIMITS, _ACCOUNT_LIMITS = _limits(_CONTACTS), _limits(_ACCOUNTS)
# Values this short fit every column that takes free text; the narrower columns only
# ever get normalised values that are shorter still (country: 2, E.164 phone: <= 16).
_NORMALISED = frozenset({"country", "phone", "identity"})
_SHORT = min(
    limit
    for limits in (_CONTACT_LIMITS, _ACCOUNT_LIMITS)
    for name, limit in limits.items()
    if name not in _NORMALISED
)
# What the import checks each record against as it reads it (PostgreSQL refuses a value
# longer than its column; SQLite would store it).
COLUMN_LIMITS = ColumnLimits(_CONTACT_LIMITS, _ACCOUNT_LIMITS, _SHORT)

ContactRow = dict[str, Any]


@dataclass
class BatchOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    accounts_created: int = 0
    unknown_company_ids: int = 0  # rows naming a company id no account holds
    consents_changed: int = 0
    consents_kept: int = 0
    refused: list[tuple[ContactRecord, RowError]] = field(default_factory=list)
    # Contacts whose qualification may change: created, changed (values or consent),
    # or survivors of a merge. The import re-qualifies them at the end.
    touched: set[int] = field(default_factory=set)
    created_ids: list[int] = field(default_factory=list)
    merged_into: set[int] = field(default_factory=set)  # survivors: they gained a history


@dataclass
class _Found:
    """The stored contacts a batch may touch, by e-mail and by record id."""

    rows: dict[int, ContactRow]
    by_email: dict[str, ContactRow]
    by_external: dict[str, ContactRow]

    def survivor(self, row: ContactRow | None) -> ContactRow | None:
        seen = 0
        while row is not None and row["merged_into_id"] is not None and seen < 100:
            row, seen = self.rows.get(row["merged_into_id"]), seen + 1
        return row


class ContactBatches:
    """Writes batches into one open transaction of ``connection``."""

    def __init__(
        self,
        connection: Connection,
        now: datetime,
        source: str,
        file: str | None = None,
        id_system: str = GENERIC,
    ) -> None:
        self.connection = connection
        self.id_system = id_system  # whose company ids the rows give (account_ids.system)
        self.now = now
        self.source = source
        self.consent_source = f"import:{source}"
        self.file = file  # the imported file's name, the evidence of its consent claims
        self._driver = driver_for(connection)
        # Contacts with a higher id were created by this import (a repeated person).
        self.first_new_id = 0
        self._suppressions: ImportSuppressions | None = None  # read at the first batch

    def upsert(self, records: Sequence[ContactRecord]) -> BatchOutcome:
        """Write ``records``, checked against the column lengths (``COLUMN_LIMITS``) when
        they were read (contact_reading.py)."""
        outcome = BatchOutcome()
        found = self._existing(records)
        accounts = self._accounts(records, outcome)
        creates: list[ContactRecord] = []
        targets: list[tuple[ContactRecord, ContactRow]] = []
        for record in records:
            target = self._target(record, found, outcome)
            if target is None:
                self._create_unless_suppressed(record, creates, outcome)
            elif target is not _REFUSED:
                targets.append((record, target))
        new_ids = self._insert(creates, accounts)
        outcome.created += len(new_ids)
        changed = self._update(targets, accounts)
        claims = list(zip(new_ids, creates, strict=True))
        claims += [(row["id"], record) for record, row in targets]
        changed |= self._consents(claims, set(new_ids), outcome)
        for _, row in targets:
            self._classify(row["id"], changed, outcome)
        outcome.created_ids = new_ids
        outcome.touched.update(new_ids)
        outcome.touched |= changed
        return outcome

    def _create_unless_suppressed(
        self, record: ContactRecord, creates: list[ContactRecord], outcome: BatchOutcome
    ) -> None:
        """Only a row that would create a contact is checked: an update finds a person
        leadflow holds, who was not erased."""
        if self._suppressions is None:
            self._suppressions = ImportSuppressions(self._driver)
        refused = self._suppressions.refused(record)
        if refused is None:
            creates.append(record)
        else:
            outcome.refused.append((record, refused))

    # Finding contacts -----------------------------------------------------------------

    def _existing(self, records: Sequence[ContactRecord]) -> _Found:
        emails = {r.contact.get("email") for r in records}
        externals = {r.contact.get("external_id") for r in records}
        emails.discard(None)
        externals.discard(None)
        rows = self._contacts((("email", emails), ("external_id", externals)))
        missing = _survivor_ids(rows)
        while missing:
            rows.update(self._contacts((("id", missing),)))
            missing = _survivor_ids(rows)
        by_email = {row["email"]: row for row in rows.values() if row["email"]}
        by_external = {row["external_id"]: row for row in rows.values() if row["external_id"]}
        return _Found(rows, by_email, by_external)

    def _contacts(self, among: Sequence[tuple[str, Collection[object]]]) -> dict[int, ContactRow]:
        """Contact rows as Python values, read through the driver (the hot path)."""
        d = self._driver
        found: dict[int, ContactRow] = {}
        for values in self._where_in(f"SELECT {_COLUMN_LIST} FROM contacts", among):
            row = dict(zip(_COLUMNS, values, strict=True))
            for name in ("created_at", "updated_at"):
                row[name] = d.read_instant(row[name])
            row["attributes"] = d.read_document(row["attributes"])
            row["purchased"] = bool(row["purchased"])
            found[row["id"]] = row
        return found

    def _where_in(
        self, select: str, among: Sequence[tuple[str, Collection[object]]]
    ) -> Sequence[Sequence[Any]]:
        """``select`` the rows whose column holds one of the values: ``a IN (...) OR b IN
        (...)``, with positional parameters (a thousand named ones cost more to bind)."""
        mark = MARKS[self._driver.dialect]
        tests: list[str] = []
        params: list[object] = []
        for column, values in among:
            if values:
                tests.append(f"{column} IN ({', '.join([mark] * len(values))})")
                params.extend(values)
        if not tests:
            return []
        sql = f"{select} WHERE {' OR '.join(tests)}"
        return self.connection.exec_driver_sql(sql, tuple(params)).fetchall()

    def _target(
        self, record: ContactRecord, found: _Found, outcome: BatchOutcome
    ) -> ContactRow | None:
        """The stored contact the record updates, None to create one, or _REFUSED."""
        if not found.rows:
            return None  # nobody of this batch is stored yet: the common case of a new file
        email_row = found.by_email.get(record.email or "")
        id_row = found.by_external.get(record.external_id or "")
        by_email, by_id = found.survivor(email_row), found.survivor(id_row)
        # Reached through a merge: that e-mail or id stays on the merged contact's row.
        if email_row is not None and by_email is not email_row:
            record.contact.pop("email", None)
        if id_row is not None and by_id is not id_row:
            record.contact.pop("external_id", None)
        if by_email is None or by_id is None or by_email["id"] == by_id["id"]:
            return by_email or by_id
        if by_id["email"]:
            reason = (
                f"record id {record.external_id} is contact {by_id['id']} ({by_id['email']}) "
                f"but {record.email} is contact {by_email['id']}; merge them first "
                f"(leadflow merge {by_email['id']} {by_id['id']})"
            )
            outcome.refused.append((record, RowError(record.line, reason)))
            return _REFUSED
        # The record id named a contact without e-mail: the row says who it is.
        merge_contacts(
            self.connection, by_email["id"], by_id["id"], now=self.now,
            actor=self.consent_source, reason=f"line {record.line}: same record id and e-mail",
            requalify=False,  # the import re-qualifies every contact it changed, at the end
        )  # fmt: skip
        by_id["merged_into_id"] = by_email["id"]
        outcome.merged += 1
        outcome.touched.add(by_email["id"])  # the merged history joined it
        outcome.merged_into.add(by_email["id"])
        return by_email

    # Accounts -------------------------------------------------------------------------

    def _accounts(self, records: Sequence[ContactRecord], outcome: BatchOutcome) -> dict[int, int]:
        """Each record's account (by ``id(record)``): the one holding the company id the
        row gives, in the file's system; else the one of its company domain, created for
        a row without a company id. A company id no account holds is counted
        (``unknown_company_ids``): such a row joins an existing account of its domain
        only, so the missing company import shows rather than a look-alike account."""
        by_ref = self._company_ids(records)
        creatable: set[str] = set()
        by_record: dict[int, int] = {}
        by_id_facts: dict[int, dict[str, object]] = {}
        domains: list[tuple[ContactRecord, str]] = []
        for record in records:
            ref = _company_ref(record)
            if ref is not None and ref in by_ref:
                by_record[id(record)] = by_ref[ref]
                known = by_id_facts.setdefault(by_ref[ref], {})
                for name, value in _company_facts(record).items():
                    known.setdefault(name, value)  # the first row about the company
                continue
            if ref is not None:
                outcome.unknown_company_ids += 1
            domain = record.account.get("domain") if record.account else None
            if isinstance(domain, str):
                domains.append((record, domain))
                if ref is None:
                    creatable.add(domain)
        self._fill_accounts(by_id_facts)
        by_domain = self._domain_accounts([record for record, _ in domains], creatable, outcome)
        for record, domain in domains:
            if domain in by_domain:
                by_record[id(record)] = by_domain[domain]
        return by_record

    def _fill_accounts(self, facts: Mapping[int, Mapping[str, object]]) -> None:
        """Fill the empty fields of accounts found by their id with what the rows say of
        the company, as accounts found by their domain are (``_domain_accounts``)."""
        if not facts:
            return
        sql = f"SELECT id, domain, {_FACT_LIST} FROM accounts"
        fills: list[dict[str, object]] = []
        for values in self._where_in(sql, (("id", list(facts)),)):
            row = dict(zip(("id", "domain", *_ACCOUNT_FACTS), values, strict=True))
            if filled := account_fills(row, facts[row["id"]]):
                fills.append({"id": row["id"], **filled, "updated_at": self.now})
        self._execute_updates(_ACCOUNTS, fills)

    def _company_ids(self, records: Sequence[ContactRecord]) -> dict[str, int]:
        """The accounts holding the batch's company ids: the file's system's, else an id
        imported without one (``generic``, and ids from before migration 0017)."""
        refs = sorted({ref for record in records if (ref := _company_ref(record)) is not None})
        if not refs:
            return {}
        found: dict[str, int] = {}
        rows = self._where_in(
            "SELECT system, external_id, account_id FROM account_ids", (("external_id", refs),)
        )
        for system, external_id, account_id in sorted(
            rows, key=lambda row: row[0] != self.id_system
        ):
            if system in (self.id_system, GENERIC):
                found.setdefault(str(external_id), int(account_id))
        return found

    def _domain_accounts(
        self, records: Sequence[ContactRecord], creatable: Collection[str], outcome: BatchOutcome
    ) -> dict[str, int]:
        """The accounts of the records' company domains, their empty fields filled; those
        of ``creatable`` domains created when missing."""
        facts: dict[str, dict[str, object]] = {}
        for record in records:
            account = record.account
            domain = account.get("domain")
            if not isinstance(domain, str):
                continue
            known = facts.get(domain)
            if known is None:
                facts[domain] = dict(account)  # the first row about the company
            else:
                for name, value in account.items():
                    known.setdefault(name, value)
        if not facts:
            return {}
        sql = f"SELECT id, domain, {_FACT_LIST} FROM accounts"
        ids: dict[str, int] = {}
        fills: list[dict[str, object]] = []
        for values in self._where_in(sql, (("domain", list(facts)),)):
            row = dict(zip(("id", "domain", *_ACCOUNT_FACTS), values, strict=True))
            ids[row["domain"]] = row["id"]
            if filled := account_fills(row, facts[row["domain"]]):
                fills.append({"id": row["id"], **filled, "updated_at": self.now})
        self._execute_updates(_ACCOUNTS, fills)
        missing = [domain for domain in facts if domain not in ids and domain in creatable]
        ids.update(self._create_accounts(missing, facts))
        outcome.accounts_created += len(missing)
        return ids

    def _create_accounts(
        self, domains: Sequence[str], facts: Mapping[str, Mapping[str, object]]
    ) -> dict[str, int]:
        if not domains:
            return {}
        d, now = self._driver, self._driver.instant(self.now)
        empty = d.document({})
        rows = [
            (domain, *(facts[domain].get(name) for name in _ACCOUNT_FACTS), empty, now, now)
            for domain in domains
        ]
        ids = self._inserted("accounts", _ACCOUNT_COLUMNS, rows)
        if ids is not None:
            return dict(zip(domains, ids, strict=True))
        found = self._where_in("SELECT domain, id FROM accounts", (("domain", domains),))
        return {str(domain): int(account_id) for domain, account_id in found}

    def _inserted(
        self, table: str, columns: Sequence[str], rows: Sequence[tuple[object, ...]]
    ) -> list[int] | None:
        """Insert ``rows`` (``bulk_insert``); their ids when the database makes them
        predictable, else None (the caller reads them back by a unique key).

        SQLite gives a new row the largest id plus one (``contacts``: the largest ever
        used, migration 0013), and this transaction holds the write lock, so the ids are
        the next ``len(rows)`` numbers unless erased contacts held the latest ones; the
        count is checked, so such a gap reads them back instead.
        PostgreSQL's sequences may interleave with other sessions: no guess there.
        """
        d = self._driver
        if d.dialect != "sqlite":
            insert_rows(self.connection, table, columns, rows)
            return None
        before = int(d.scalar(f"SELECT coalesce(max(id), 0) FROM {table}"))
        insert_rows(self.connection, table, columns, rows)
        after = int(d.scalar(f"SELECT max(id) FROM {table}"))
        return list(range(before + 1, after + 1)) if after - before == len(rows) else None

    # Contacts -------------------------------------------------------------------------

    def _insert(self, records: Sequence[ContactRecord], accounts: Mapping[int, int]) -> list[int]:
        """Insert new contacts with one executemany; their ids, in ``records`` order.

        The hot path of a large import, so the rows go to the database driver as they
        are (values converted by the store's ``Driver``), without SQLAlchemy's per-row
        parameter processing, which cost more than validating the row. The ids are read
        back by e-mail or record id (every record has one, both are unique).
        """
        if not records:
            return []
        driver, raw = self._driver, []
        now = driver.instant(self.now)
        for record in records:
            account_id = accounts.get(id(record))
            row = list(_BLANK_ROW)
            for name, value in new_contact(record, account_id, self.source, self.now).items():
                row[_POSITION[name]] = value
            created, attributes = row[_CREATED], row[_ATTRIBUTES]
            row[_CREATED] = driver.instant(created) if isinstance(created, datetime) else now
            row[_UPDATED] = now
            row[_ATTRIBUTES] = driver.document(attributes if isinstance(attributes, dict) else {})
            raw.append(tuple(row))
        ids = self._inserted("contacts", _INSERTED, raw)
        if ids is not None:
            return ids
        emails = [r.email for r in records if r.email]
        externals = [r.external_id for r in records if r.external_id]
        among = (("email", emails), ("external_id", externals))
        by_email: dict[str | None, int] = {}
        by_external: dict[str | None, int] = {}
        for contact_id, email, external_id in self._where_in(
            "SELECT id, email, external_id FROM contacts", among
        ):
            by_email[email] = by_external[external_id] = contact_id
        return [by_email[r.email] if r.email else by_external[r.external_id] for r in records]

    def _update(
        self, targets: Sequence[tuple[ContactRecord, ContactRow]], accounts: Mapping[int, int]
    ) -> set[int]:
        changed: set[int] = set()
        updates: list[dict[str, object]] = []
        owned = [row["id"] for record, row in targets if "owner" in record.contact]
        held = self._held_by_sales(owned)
        for record, row in targets:
            if row["id"] in held:
                record.contact.pop("owner")
            account_id = accounts.get(id(record))
            changes = contact_changes(row, record, account_id)
            if changes:
                changes["updated_at"] = self.now
                row.update(changes)  # a later row of this batch sees the new values
                updates.append({"id": row["id"], **changes})
                changed.add(row["id"])
        self._execute_updates(_CONTACTS, updates)
        return changed

    def _held_by_sales(self, contact_ids: Collection[int]) -> set[int]:
        """The contacts sales holds in leadflow now (a live hand-off): their owner is the
        rep routing gave the lead to, so an import's owner (a CRM's "Contact owner") does
        not replace it until sales is done with the lead."""
        rows = self._where_in(
            "SELECT h.contact_id, h.status, w.closed_at FROM handoffs h"
            " LEFT JOIN handoff_work w ON w.handoff_id = h.id",
            (("h.contact_id", contact_ids),),
        )
        # Live as the hand-off sees it: open or accepted, its work (if any) not closed.
        return {int(cid) for cid, status, closed in rows if status in _LIVE and closed is None}

    def _classify(self, contact_id: int, changed: set[int], outcome: BatchOutcome) -> None:
        if contact_id > self.first_new_id:
            outcome.merged += 1  # created earlier in this import: the file repeats the person
        elif contact_id in changed:
            outcome.updated += 1
        else:
            outcome.unchanged += 1

    def _execute_updates(self, table: Table, updates: Iterable[Mapping[str, object]]) -> None:
        """One executemany per set of changed columns (``id`` names the row)."""
        groups: dict[tuple[str, ...], list[dict[str, object]]] = defaultdict(list)
        for values in updates:
            names = tuple(sorted(name for name in values if name != "id"))
            groups[names].append({f"v_{k}": v for k, v in values.items()})
        for names, params in groups.items():
            statement = (
                update(table)
                .where(table.c.id == bindparam("v_id"))
                .values({name: bindparam(f"v_{name}") for name in names})
            )
            self.connection.execute(statement, params)

    # Consent --------------------------------------------------------------------------

    def _consents(
        self,
        claims: Sequence[tuple[int, ContactRecord]],
        new_ids: set[int],
        outcome: BatchOutcome,
    ) -> set[int]:
        """Apply every claim in file order; the ids of contacts whose consent changed."""
        wanted = [cid for cid, record in claims if record.consents and cid not in new_ids]
        on_file = self._on_file(wanted)
        history = self._history(wanted)
        writes: dict[tuple[int, str], OnFile] = {}
        decisions: list[dict[str, object]] = []
        for contact_id, record in claims:
            for claim in record.consents:
                key = (contact_id, claim.channel)
                current = writes.get(key) or on_file.get(key)
                decision = decide(current, claim, self.now)
                outcome.consents_kept += decision.kept
                if decision.status is not None and decision.at is not None:
                    writes[key] = OnFile(decision.status, decision.at)
                    made = OnFile(decision.status, decision.at)
                elif claim.at is None or claim.status == "none":
                    continue  # no moment, or no decision: nothing to put on record
                elif restates(history.in_force(key, claim.at), claim.status):
                    continue
                else:  # an older decision arriving late: history only
                    made = OnFile(claim.status, claim.at)
                history.add(key, made)
                decisions.append(self._decision(key, made, record.line))
        self._write_consents(writes, on_file)
        self._write_history(decisions)
        outcome.consents_changed += len(writes)
        return {contact_id for contact_id, _ in writes}

    def _history(self, contact_ids: Sequence[int]) -> _DecisionsMade:
        made = _DecisionsMade()
        if contact_ids:
            h = _HISTORY.c
            query = (
                select(h.contact_id, h.channel, h.status, h.at)
                .where(h.contact_id.in_(contact_ids))
                .order_by(h.at, h.id)
            )
            for row in self.connection.execute(query):
                made.add((row.contact_id, row.channel), OnFile(row.status, row.at))
        return made

    def _decision(self, key: tuple[int, str], made: OnFile, line: int) -> dict[str, object]:
        evidence = f"line {line}" if self.file is None else f"{self.file}, line {line}"
        return {"contact_id": key[0], "channel": key[1], "status": made.status, "at": made.at,
                "recorded_at": self.now, "source": self.consent_source,
                "evidence": evidence[:500], "event_id": None}  # fmt: skip

    def _write_history(self, decisions: Sequence[dict[str, object]]) -> None:
        if decisions:
            self.connection.execute(insert(_HISTORY), list(decisions))

    def _on_file(self, contact_ids: Sequence[int]) -> dict[tuple[int, str], OnFile]:
        if not contact_ids:
            return {}
        c = _CONSENTS.c
        query = select(c.contact_id, c.channel, c.status, c.at).where(c.contact_id.in_(contact_ids))
        return {
            (row.contact_id, row.channel): OnFile(row.status, row.at)
            for row in self.connection.execute(query)
        }

    def _write_consents(
        self, writes: Mapping[tuple[int, str], OnFile], on_file: Mapping[tuple[int, str], OnFile]
    ) -> None:
        inserts: list[dict[str, object]] = []
        updates: list[dict[str, object]] = []
        for (contact_id, channel), decided in writes.items():
            values = {"v_contact_id": contact_id, "v_channel": channel, "v_status": decided.status,
                      "v_source": self.consent_source, "v_at": decided.at}  # fmt: skip
            (updates if (contact_id, channel) in on_file else inserts).append(values)
        c = _CONSENTS.c
        names = ("contact_id", "channel", "status", "source", "at")
        if inserts:
            values = {name: bindparam(f"v_{name}") for name in names}
            self.connection.execute(insert(_CONSENTS).values(values), inserts)
        if updates:
            same = (c.contact_id == bindparam("v_contact_id"), c.channel == bindparam("v_channel"))
            changed: dict[str, Any] = {n: bindparam(f"v_{n}") for n in ("status", "source", "at")}
            statement = update(_CONSENTS).where(*same).values({**changed, "event_id": None})
            self.connection.execute(statement, updates)


_REFUSED: ContactRow = {}


class _DecisionsMade:
    """The consent decisions on record per (contact, channel), in the order they hold:
    by moment, and on a tie the one recorded last."""

    def __init__(self) -> None:
        self._made: dict[tuple[int, str], list[tuple[datetime, int, str]]] = defaultdict(list)
        self._recorded = 0

    def add(self, key: tuple[int, str], made: OnFile) -> None:
        self._recorded += 1
        bisect.insort(self._made[key], (made.at, self._recorded, made.status))

    def in_force(self, key: tuple[int, str], at: datetime) -> str | None:
        """The status decided last by ``at``; None before any decision."""
        made = self._made.get(key, [])
        index = bisect.bisect_right(made, (at, self._recorded + 1, ""))
        return made[index - 1][2] if index else None


def _survivor_ids(rows: Mapping[int, ContactRow]) -> set[int]:
    return {
        row["merged_into_id"]
        for row in rows.values()
        if row["merged_into_id"] is not None and row["merged_into_id"] not in rows
    }


def _company_facts(record: ContactRecord) -> dict[str, object]:
    """What the row says of the company it names by id. A free-mail contact has no
    company domain, so the conversion kept its company facts on the contact (industry,
    employees, revenue as attributes; the company's name): the id tells whose they are."""
    facts = {name: value for name, value in record.account.items() if name != "domain"}
    for name in _FALLBACK_FACTS:
        if name in record.attributes:
            facts.setdefault(name, record.attributes[name])
    company = record.contact.get("company")
    if isinstance(company, str) and company:
        facts.setdefault("name", company)
    return facts


def _company_ref(record: ContactRecord) -> str | None:
    """The company id the row gives (``account_ref``), if any."""
    ref = record.attributes.get("account_ref")
    return ref if isinstance(ref, str) and ref else None
